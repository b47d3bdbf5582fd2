/// @file
/// @brief Reading the claims of an ID token or an access token WITHOUT verifying anything, as
/// @logto/js's `decodeIdToken` and `decodeAccessToken` do (for display and routing only; the ID token
/// is verified by the jose layer when it is received). Type checks and messages follow JS.
///
/// Differences from @logto/js:
/// - `aud` may also be an array of strings (OIDC Core 2 allows it; JS throws). `aud` holds the audience
///   when there is exactly one, `audiences` holds all of them.
/// - `roles`, `organizations` and `organization_roles` must be arrays of strings when present (JS does
///   not look at them); null counts as absent.
/// - `exp` / `iat` must be numbers within +-(2^53 - 1) (JS takes any number); a fraction is rounded
///   down.
/// - The payload must be a JSON object (JS lets an array through), valid UTF-8, strictly parsed (no
///   duplicate names), and the token at most LOGTO_MAX_JWT_SIZE bytes. Padding '=' is tolerated as
///   JS's `atob` does.
#pragma once

#include <cmath>        // std::floor
#include <cstdint>      // std::int64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "logto/core/config.hpp"
#include "logto/core/encoding.hpp"
#include "logto/core/strict_json.hpp"
#include "logto/core/result.hpp"

namespace logto {
namespace oidc {

/// ID-token claims (`IdTokenClaims`), unverified.
struct id_token_claims {
  std::string iss;
  std::string sub;
  std::string aud;                     ///< the audience when there is exactly one
  std::vector<std::string> audiences;  ///< every audience (`aud` as a string gives one entry)
  std::int64_t exp = 0;
  std::int64_t iat = 0;
  std::optional<std::string> at_hash, name, username, picture, email, phone_number;  ///< null = absent
  std::optional<bool> email_verified, phone_number_verified;
  std::vector<std::string> roles;               ///< scope `roles`
  std::vector<std::string> organizations;       ///< scope `urn:logto:scope:organizations`
  std::vector<std::string> organization_roles;  ///< `"<orgId>:<role>"`
  json::object raw;                             ///< the whole payload, custom claims included
};

/// Access-token claims (`AccessTokenClaims`), unverified. All empty for an opaque token.
struct access_token_claims {
  std::optional<std::string> jti, iss, sub, client_id, scope;  ///< null = absent
  std::optional<std::string> aud;                              ///< the audience when there is exactly one
  std::vector<std::string> audiences;
  std::optional<std::int64_t> exp, iat;
  json::object raw;  ///< the whole payload (e.g. Logto's `organization_id`); empty for an opaque token
};

namespace detail {

/// Field readers shared by the claim decoders. `type` prefixes messages as JS does
/// ("At path: IdToken.email: expected null or a string"); `code` is the error code to use.
struct claim_reader {
  const json::object& obj;
  std::string_view type;
  errc code;

  error fail(std::string_view key, std::string_view expected) const {
    return make_error(code, "At path: " + std::string(type) + "." + std::string(key) + ": " + std::string(expected),
                      std::string(key));
  }
  result<std::string> required_string(std::string_view key) const {
    const json::value* v = json::find(obj, key);
    const std::string* s = v == nullptr ? nullptr : json::as_string(*v);
    if (s == nullptr) return fail(key, "expected a string");
    return *s;
  }
  result<std::optional<std::string>> optional_string(std::string_view key) const {
    const json::value* v = json::find(obj, key);
    if (v == nullptr || v->is_null()) return std::optional<std::string>();
    const std::string* s = json::as_string(*v);
    if (s == nullptr) return fail(key, "expected null or a string");
    return std::optional<std::string>(*s);
  }
  result<std::optional<bool>> optional_bool(std::string_view key, bool null_ok) const {
    const json::value* v = json::find(obj, key);
    if (v == nullptr || (null_ok && v->is_null())) return std::optional<bool>();
    const bool* b = json::as_bool(*v);
    if (b == nullptr) return fail(key, "expected a boolean");
    return std::optional<bool>(*b);
  }
  result<std::optional<std::int64_t>> optional_number(std::string_view key, bool required) const {
    const json::value* v = json::find(obj, key);
    if (v == nullptr || (!required && v->is_null())) {
      if (required) return fail(key, "expected a number");
      return std::optional<std::int64_t>();
    }
    const double* n = json::as_number(*v);
    if (n == nullptr) return fail(key, required ? "expected a number" : "expected null or a number");
    const double d = std::floor(*n);
    if (!(d >= -static_cast<double>(json::max_safe_integer) && d <= static_cast<double>(json::max_safe_integer))) {
      return fail(key, "expected a number within +-(2^53 - 1)");
    }
    return std::optional<std::int64_t>(static_cast<std::int64_t>(d));
  }
  result<std::vector<std::string>> string_array(std::string_view key) const {
    std::vector<std::string> out;
    const json::value* v = json::find(obj, key);
    if (v == nullptr || v->is_null()) return out;
    const json::array* arr = json::as_array(*v);
    if (arr == nullptr) return fail(key, "expected an array of strings");
    for (const auto& e : *arr) {
      const std::string* s = json::as_string(e);
      if (s == nullptr) return fail(key, "expected an array of strings");
      out.push_back(*s);
    }
    return out;
  }
  /// `aud`: a string, or a non-empty array of strings. Fills `all`; returns the single audience.
  result<std::optional<std::string>> audience(std::vector<std::string>& all, bool required) const {
    const json::value* v = json::find(obj, "aud");
    if (v == nullptr || (!required && v->is_null())) {
      if (required) return fail("aud", "expected a string");
      return std::optional<std::string>();
    }
    if (const std::string* s = json::as_string(*v)) {
      all.push_back(*s);
      return std::optional<std::string>(*s);
    }
    const json::array* arr = json::as_array(*v);
    if (arr == nullptr || arr->empty()) return fail("aud", "expected a string or an array of strings");
    for (const auto& e : *arr) {
      const std::string* s = json::as_string(e);
      if (s == nullptr) return fail("aud", "expected a string or an array of strings");
      all.push_back(*s);
    }
    if (all.size() == 1) return std::optional<std::string>(all.front());
    return std::optional<std::string>();
  }
};

/// JS `token.split('.')[1]`: the text between the first and the second '.', or nullopt when the
/// token has no '.' or that segment is empty.
inline std::optional<std::string_view> jwt_payload_segment(std::string_view token) {
  const std::size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = token.find('.', first + 1);
  const std::string_view segment =
      token.substr(first + 1, second == std::string_view::npos ? std::string_view::npos : second - first - 1);
  if (segment.empty()) return std::nullopt;
  return segment;
}

/// Decodes a payload segment into a JSON object; errors use `code` and say `what` failed.
inline result<json::object> decode_payload_object(std::string_view segment, errc code, std::string_view what) {
  std::size_t pad = 0;
  while (pad < 2 && pad < segment.size() && segment[segment.size() - 1 - pad] == '=') ++pad;
  auto bytes = base64url_decode(segment.substr(0, segment.size() - pad));
  if (!bytes)
    return make_error(code, std::string(what) + ": the payload is not base64url (" + bytes.error().message + ")");
  auto parsed = json::parse(*bytes);
  if (!parsed)
    return make_error(code, std::string(what) + ": the payload is not JSON (" + parsed.error().message + ")");
  json::object* payload = json::as_object(*parsed);
  if (payload == nullptr) return make_error(code, std::string(what) + " is expected to be an object");
  return std::move(*payload);
}

}  // namespace detail

/// `decodeIdToken`: the claims of a compact JWT, NOT verified. `errc::id_token_invalid_token` when
/// there is no payload segment ("Invalid ID token"), it does not decode to a JSON object, or a claim
/// has the wrong type (JS's TypeError text, e.g. "At path: IdToken.aud: expected a string"; detail =
/// the claim). Required: `iss`, `sub`, `aud` (strings; `aud` may be an array), `exp`, `iat` (numbers).
inline result<id_token_claims> decode_id_token(std::string_view token) {
  if (token.size() > LOGTO_MAX_JWT_SIZE) {
    return make_error(errc::id_token_invalid_token, "Invalid ID token: longer than LOGTO_MAX_JWT_SIZE bytes");
  }
  const auto segment = detail::jwt_payload_segment(token);
  if (!segment) return make_error(errc::id_token_invalid_token, "Invalid ID token: it has no payload segment");
  auto obj = detail::decode_payload_object(*segment, errc::id_token_invalid_token, "IdToken");
  if (!obj) return obj.error();

  id_token_claims c;
  const detail::claim_reader r{*obj, "IdToken", errc::id_token_invalid_token};
  auto iss = r.required_string("iss");
  if (!iss) return iss.error();
  c.iss = std::move(*iss);
  auto sub = r.required_string("sub");
  if (!sub) return sub.error();
  c.sub = std::move(*sub);
  auto aud = r.audience(c.audiences, true);
  if (!aud) return aud.error();
  c.aud = aud->value_or(std::string());
  auto exp = r.optional_number("exp", true);
  if (!exp) return exp.error();
  c.exp = **exp;
  auto iat = r.optional_number("iat", true);
  if (!iat) return iat.error();
  c.iat = **iat;

  struct string_claim {
    std::string_view name;
    std::optional<std::string>* target;
  };
  const string_claim strings[] = {{"at_hash", &c.at_hash}, {"name", &c.name},   {"username", &c.username},
                                  {"picture", &c.picture}, {"email", &c.email}, {"phone_number", &c.phone_number}};
  for (const auto& s : strings) {
    auto v = r.optional_string(s.name);
    if (!v) return v.error();
    *s.target = std::move(*v);
  }
  auto email_verified = r.optional_bool("email_verified", false);
  if (!email_verified) return email_verified.error();
  c.email_verified = *email_verified;
  auto phone_verified = r.optional_bool("phone_number_verified", false);
  if (!phone_verified) return phone_verified.error();
  c.phone_number_verified = *phone_verified;

  struct array_claim {
    std::string_view name;
    std::vector<std::string>* target;
  };
  const array_claim arrays[] = {
      {"roles", &c.roles}, {"organizations", &c.organizations}, {"organization_roles", &c.organization_roles}};
  for (const auto& a : arrays) {
    auto v = r.string_array(a.name);
    if (!v) return v.error();
    *a.target = std::move(*v);
  }
  c.raw = std::move(*obj);
  return c;
}

/// `decodeAccessToken`: the claims of a JWT access token, NOT verified; an opaque token (no payload
/// segment) gives empty claims, as in JS. `errc::jwt_malformed` when the payload does not decode to a
/// JSON object or a claim has the wrong type (JS's text, e.g. "At path: AccessToken.scope: expected
/// null or a string"; detail = the claim). `jti iss sub client_id scope` are strings or null, `aud` a
/// string or an array of strings, `exp iat` numbers or null.
inline result<access_token_claims> decode_access_token(std::string_view token) {
  access_token_claims c;
  if (token.size() > LOGTO_MAX_JWT_SIZE) {
    return make_error(errc::jwt_malformed, "access token: longer than LOGTO_MAX_JWT_SIZE bytes");
  }
  const auto segment = detail::jwt_payload_segment(token);
  if (!segment) return c;
  auto obj = detail::decode_payload_object(*segment, errc::jwt_malformed, "AccessToken");
  if (!obj) return obj.error();

  const detail::claim_reader r{*obj, "AccessToken", errc::jwt_malformed};
  struct string_claim {
    std::string_view name;
    std::optional<std::string>* target;
  };
  const string_claim strings[] = {
      {"jti", &c.jti}, {"iss", &c.iss}, {"sub", &c.sub}, {"client_id", &c.client_id}, {"scope", &c.scope}};
  for (const auto& s : strings) {
    auto v = r.optional_string(s.name);
    if (!v) return v.error();
    *s.target = std::move(*v);
  }
  auto aud = r.audience(c.audiences, false);
  if (!aud) return aud.error();
  c.aud = std::move(*aud);
  auto exp = r.optional_number("exp", false);
  if (!exp) return exp.error();
  c.exp = *exp;
  auto iat = r.optional_number("iat", false);
  if (!iat) return iat.error();
  c.iat = *iat;
  c.raw = std::move(*obj);
  return c;
}

}  // namespace oidc
}  // namespace logto
