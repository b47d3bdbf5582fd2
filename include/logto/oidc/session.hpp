/// @file
/// @brief What @logto/client keeps in storage, byte for byte: the storage keys, the access-token map
/// (`accessToken`) with its cache keys, and the sign-in session (`signInSession`). A session written
/// by a JS app can be read here and the other way round.
#pragma once

#include <algorithm>    // std::sort, std::find_if
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::pair, std::move
#include <vector>       // std::vector

#include "logto/core/strict_json.hpp"
#include "logto/core/result.hpp"

namespace logto {
namespace oidc {

/// `PersistKey`: the storage keys @logto/client uses (Capacitor stores them unprefixed).
namespace storage_keys {
inline constexpr std::string_view id_token = "idToken";
inline constexpr std::string_view refresh_token = "refreshToken";
inline constexpr std::string_view access_token = "accessToken";
inline constexpr std::string_view sign_in_session = "signInSession";
}  // namespace storage_keys

/// `buildAccessTokenKey(resource, organizationId, scopes)`: `"<sorted scopes, space-joined>@<resource>"`
/// plus `"#<organizationId>"` when an organization ID is given. @logto/client always passes no scopes,
/// so its keys are `"@"`, `"@<resource>"`, `"@#<org>"`, `"@<resource>#<org>"`. (JS sorts by UTF-16
/// code units, this by bytes; the order differs only for characters above U+FFFF, which scope
/// names do not use.)
inline std::string build_access_token_key(std::string_view resource = {}, std::string_view organization_id = {},
                                          std::vector<std::string> scopes = {}) {
  std::sort(scopes.begin(), scopes.end());
  std::string key;
  for (std::size_t i = 0; i < scopes.size(); ++i) {
    if (i != 0) key += ' ';
    key += scopes[i];
  }
  key += '@';
  key.append(resource.data(), resource.size());
  if (!organization_id.empty()) {
    key += '#';
    key.append(organization_id.data(), organization_id.size());
  }
  return key;
}

/// One cached access token: `{"token","scope","expiresAt"}`. Never log it.
struct access_token_entry {
  std::string token;
  std::string scope;      ///< write "" when the server sent none (JS would write nothing and then
                          ///< reject its own map on the next load)
  double expires_at = 0;  ///< unix seconds (`requestedAt + expires_in`); a JSON number like JS's
};

/// The access-token map with JavaScript `Map` semantics: insertion order is the serialization order,
/// `set` on an existing key keeps its place, `erase` then `set` moves it to the end.
class access_token_map {
 public:
  using value_type = std::pair<std::string, access_token_entry>;

  /// The entry for `key`, or nullptr.
  const access_token_entry* find(std::string_view key) const {
    const auto it = locate(key);
    return it == entries_.end() ? nullptr : &it->second;
  }
  /// Inserts or replaces (`Map.prototype.set`).
  void set(std::string_view key, access_token_entry entry) {
    const auto it = locate(key);
    if (it != entries_.end()) {
      it->second = std::move(entry);
    } else {
      entries_.emplace_back(std::string(key), std::move(entry));
    }
  }
  /// Removes `key`; true when it was there (`Map.prototype.delete`).
  bool erase(std::string_view key) {
    const auto it = locate(key);
    if (it == entries_.end()) return false;
    entries_.erase(it);
    return true;
  }
  /// Removes every entry (`Map.prototype.clear`).
  void clear() noexcept { entries_.clear(); }
  /// True when there is no entry.
  bool empty() const noexcept { return entries_.empty(); }
  /// Number of entries.
  std::size_t size() const noexcept { return entries_.size(); }
  /// The entries in insertion order.
  const std::vector<value_type>& entries() const noexcept { return entries_; }

 private:
  std::vector<value_type>::iterator locate(std::string_view key) {
    return std::find_if(entries_.begin(), entries_.end(), [key](const value_type& e) { return e.first == key; });
  }
  std::vector<value_type>::const_iterator locate(std::string_view key) const {
    return std::find_if(entries_.begin(), entries_.end(), [key](const value_type& e) { return e.first == key; });
  }
  std::vector<value_type> entries_;
};

/// `saveAccessTokenMap`: `JSON.stringify(Object.fromEntries(map))`, i.e.
/// `{"<key>":{"token":"...","scope":"...","expiresAt":<number>},...}` in insertion order.
inline std::string serialize_access_token_map(const access_token_map& map) {
  std::string out = "{";
  bool first = true;
  for (const auto& e : map.entries()) {
    if (!first) out += ',';
    first = false;
    json::append_quoted(out, e.first);
    out += ":{\"token\":";
    json::append_quoted(out, e.second.token);
    out += ",\"scope\":";
    json::append_quoted(out, e.second.scope);
    out += ",\"expiresAt\":";
    json::append_number(out, e.second.expires_at);
    out += '}';
  }
  out += '}';
  return out;
}

/// `loadAccessTokenMap` + `isLogtoAccessTokenMap`: the whole map is rejected when the text is not a
/// JSON object or any entry lacks a string `token`, a string `scope` or a number `expiresAt` (JS then
/// silently keeps an empty map; here the caller gets `errc::invalid_json` saying which entry, and
/// decides). Entries keep document order. Unknown entry members are dropped (JS would keep and
/// re-write them); a JSON array at the top (which JS's object check lets through) is rejected.
inline result<access_token_map> parse_access_token_map(std::string_view text) {
  auto doc = json::parse(text);
  if (!doc) return make_error(errc::invalid_json, "stored access-token map: " + doc.error().message);
  const json::object* root = json::as_object(*doc);
  if (root == nullptr) return make_error(errc::invalid_json, "stored access-token map is not a JSON object");
  const json::reader map_reader(*root, "stored access-token map");
  access_token_map map;
  for (const auto& member : *root) {
    const json::reader entry = map_reader[member.first];
    if (entry.as_object_ptr() == nullptr) return entry.fail("is not an object");
    auto token = entry["token"].string();
    if (!token) return token.error();
    auto scope = entry["scope"].string();
    if (!scope) return scope.error();
    auto expires_at = entry["expiresAt"].number();
    if (!expires_at) return expires_at.error();
    map.set(member.first, access_token_entry{std::move(*token), std::move(*scope), *expires_at});
  }
  return map;
}

/// `LogtoSignInSessionItem`: what `signIn` stores until the callback. `code_verifier`, `state` and
/// `nonce` are secrets.
struct sign_in_session {
  std::string redirect_uri;
  std::optional<std::string> post_redirect_uri;
  std::string code_verifier;
  std::string state;
  /// Not in @logto/client: the nonce sent with the authorization request (OIDC Core 3.1.2.1), which the ID
  /// token of the code exchange must carry. A session written by the JS SDK has none; its callback then
  /// requires no nonce (the JS SDK never sends one).
  std::optional<std::string> nonce;
};

/// `JSON.stringify({redirectUri, postRedirectUri, codeVerifier, state})`: that key order,
/// `postRedirectUri` left out when absent (as JSON.stringify drops `undefined`), then `"nonce"` when
/// set (the JS SDK ignores members it does not know, so it can still read the session).
inline std::string serialize_sign_in_session(const sign_in_session& s) {
  std::string out = "{\"redirectUri\":";
  json::append_quoted(out, s.redirect_uri);
  if (s.post_redirect_uri) {
    out += ",\"postRedirectUri\":";
    json::append_quoted(out, *s.post_redirect_uri);
  }
  out += ",\"codeVerifier\":";
  json::append_quoted(out, s.code_verifier);
  out += ",\"state\":";
  json::append_quoted(out, s.state);
  if (s.nonce) {
    out += ",\"nonce\":";
    json::append_quoted(out, *s.nonce);
  }
  out += '}';
  return out;
}

/// `getSignInSession`'s checks: `errc::sign_in_session_invalid` when the text is not a JSON object or
/// `redirectUri`, `codeVerifier` or `state` is not a string (JS lets JSON syntax errors through as
/// they are; here they get the same code). `postRedirectUri` must be a string when present (null
/// counts as absent; JS does not check it), and so must `nonce` (absent in sessions written by the JS
/// SDK). Never quotes values.
inline result<sign_in_session> parse_sign_in_session(std::string_view text) {
  auto parsed = json::parse(text);
  if (!parsed) return make_error(errc::sign_in_session_invalid, "Invalid sign-in session: " + parsed.error().message);
  const json::object* obj = json::as_object(*parsed);
  if (obj == nullptr) return make_error(errc::sign_in_session_invalid, "Invalid sign-in session: not a JSON object");
  sign_in_session s;
  const json::reader r(*obj, "Invalid sign-in session", errc::sign_in_session_invalid);
  struct field {
    std::string_view name;
    std::string* target;
  };
  const field fields[] = {{"redirectUri", &s.redirect_uri}, {"codeVerifier", &s.code_verifier}, {"state", &s.state}};
  for (const auto& f : fields) {
    auto v = r[f.name].string();
    if (!v) return v.error();
    *f.target = std::move(*v);
  }
  auto post = r["postRedirectUri"].optional_string();
  if (!post) return post.error();
  if (*post) s.post_redirect_uri = std::move(**post);
  auto nonce = r["nonce"].optional_string();
  if (!nonce) return nonce.error();
  if (*nonce) s.nonce = std::move(**nonce);
  return s;
}

}  // namespace oidc
}  // namespace logto
