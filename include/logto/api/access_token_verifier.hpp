/// @file
/// @brief The API side in one object: `api::access_token_verifier` checks the Logto access tokens an API
/// server receives (`Authorization: Bearer ...`), with its own JWKS, a verified-token cache and Logto's
/// audience, scope and organization rules, and turns every refusal into an RFC 6750 answer.
///
/// Built once at start-up and shared by every request thread:
/// - **The clock is read on every call** (a `Clock` with `now()`, `system_clock` by default), never stored as
///   a timestamp: a verifier built once cannot accept a token after its `exp` (+ leeway), from the cache or
///   otherwise.
/// - **Logto's rules.** A token for an API resource has the resource indicator in `aud` (RFC 8707, RFC 9068);
///   an organization token has `aud` `urn:logto:organization:<id>`; a resource token issued for an
///   organization carries an `organization_id` claim. `scope` is a space-separated list. `client_id`, `sub`
///   and the organization are returned in `access_token_claims`.
/// - **Its own JWKS** (`<issuer>/jwks`, Logto's): fetched sans-I/O (`jwks_request()` hands the host a GET,
///   `jwks_response()` takes the answer) or by the blocking `verify(http, authorization)`. Keys are
///   refetched when stale (10 min) and when a token names an unknown `kid` (key rotation), but at most once
///   per cooldown (30 s), whatever number of forged `kid`s arrive; one fetch at a time. While it is out, the
///   blocking `verify` answers an unknown `kid` with `auth_keys_unavailable` (503, try again), not 401.
/// - **A bounded verified-token cache**: a repeat of a token costs a SHA-256 and the claim checks; entries
///   are re-validated against the current time and options, dropped with the key set that verified them.
/// - **Thread-safe:** the JWKS and the cache are guarded by `Mutex` (`default_mutex`); signatures are checked
///   outside the lock, on a shared snapshot of the keys.
/// - **RFC 6750 answers:** `challenge_for(error)` gives the status (400, 401, 403 or 503) and the
///   `WWW-Authenticate` value, whose `error_description` is a fixed sentence per failure: no token and no
///   claim value is ever echoed to the caller.
#pragma once

#include <cstddef>      // std::size_t
#include <cstdint>      // std::int64_t
#include <memory>       // std::shared_ptr
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <type_traits>  // std::enable_if_t
#include <utility>      // std::move
#include <vector>       // std::vector

#include "logto/core/crypto.hpp"
#include "logto/core/result.hpp"
#include "logto/core/sync.hpp"
#include "logto/core/time.hpp"
#include "logto/http.hpp"
#include "logto/jose/jwk.hpp"
#include "logto/jose/jwks_cache.hpp"
#include "logto/jose/jws.hpp"
#include "logto/jose/jwt.hpp"
#include "logto/jose/token_cache.hpp"

namespace logto {
namespace api {

/// Logto's prefix of an organization token's audience (`urn:logto:organization:<id>`).
inline constexpr std::string_view organization_urn_prefix = "urn:logto:organization:";

/// What an API accepts. `issuer` and one of `audience` / `organization_id` / `any_organization` are required.
struct verifier_options {
  /// The tenant's issuer, e.g. "https://your-tenant.logto.app/oidc": `iss` must equal it exactly.
  std::string issuer;
  /// Where the keys are; empty: `issuer + "/jwks"` (Logto's `jwks_uri`).
  std::string jwks_uri;
  /// The API resource indicator, e.g. "https://api.example.com": `aud` must contain it. Leave empty to accept
  /// organization tokens instead (below).
  std::string audience;
  /// With `audience`: the token must carry this `organization_id` claim (an organization-level API resource).
  /// Without `audience`: the token must be this organization's token (`aud` `urn:logto:organization:<id>`).
  std::optional<std::string> organization_id;
  /// Without `audience` and `organization_id`: accept the organization token of any organization; the
  /// caller then decides what `access_token_claims::organization_id` may do.
  bool any_organization = false;
  /// Scopes every request must have (each route may ask for more in `verify`).
  std::vector<std::string> required_scopes;
  /// The allow-list (RS*, PS*, ES*; HS* and `none` are never accepted).
  jose::algorithm_set algorithms = jose::algorithm_set::all();
  /// When set, the JOSE header `typ` must match, e.g. "at+jwt" (RFC 9068 2.1; Logto sends it).
  std::optional<std::string> typ;
  /// Clock tolerance in seconds for `exp` and `nbf`, clamped to [0, jose::max_leeway].
  std::int64_t leeway = jose::default_access_token_leeway;
  /// Verified tokens kept (0: no cache).
  std::size_t cache_capacity = 1024;
  /// JWKS freshness (`max_age`, 600 s) and the least time between two refetches for an unknown `kid`
  /// (`cooldown`, 30 s).
  jose::jwks_cache_options jwks;
  /// While no key set was ever loaded, the least time between two fetch attempts.
  std::int64_t jwks_retry = 5;
  /// A fetch handed out by `jwks_request()` and never answered is given up after this many seconds.
  std::int64_t jwks_fetch_timeout = 60;
  /// The `realm` of `WWW-Authenticate` (RFC 6750 3); empty: none.
  std::string realm;
};

/// What a verified access token says.
struct access_token_claims {
  std::string subject;    ///< `sub` (the user, or the machine-to-machine app); "" when absent
  std::string client_id;  ///< `client_id`: the app the token was issued to; "" when absent
  std::string issuer;     ///< `iss`
  std::vector<std::string> audience;
  std::vector<std::string> scopes;                ///< `scope`, split at spaces
  std::optional<std::string> organization_id;     ///< from `aud` (organization token) or the claim
  std::int64_t expires_at = 0;                    ///< `exp` (unix seconds)
  std::optional<std::int64_t> issued_at;          ///< `iat`
  std::shared_ptr<const jose::verified_jwt> jwt;  ///< the whole verified token (header, every claim)

  bool has_scope(std::string_view name) const noexcept {
    for (const auto& s : scopes) {
      if (s == name) return true;
    }
    return false;
  }
};

/// An RFC 6750 refusal: send `status`, and `WWW-Authenticate: <www_authenticate>` when it is not empty.
struct challenge {
  int status = 401;
  std::string www_authenticate;
  std::string error;              ///< "invalid_request", "invalid_token", "insufficient_scope" or ""
  std::string error_description;  ///< a fixed sentence; never a token or claim value
  std::int64_t retry_after = 0;   ///< for 503: seconds to put in `Retry-After`
};

namespace detail {

// RFC 6750 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
inline bool is_b64token(std::string_view t) noexcept {
  std::size_t i = 0;
  for (; i < t.size(); ++i) {
    const char c = t[i];
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                       c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    if (!plain) break;
  }
  if (i == 0) return false;
  for (; i < t.size(); ++i) {
    if (t[i] != '=') return false;
  }
  return true;
}

// RFC 6750 3: realm and scope values are quoted strings of %x20-21 / %x23-5B / %x5D-7E (no '"', no '\').
inline bool is_challenge_text(std::string_view t) noexcept {
  for (const char ch : t) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
  }
  return true;
}

inline error auth_error(errc code, std::string message, std::string detail = {}) {
  return make_error(code, std::move(message), std::move(detail));
}

}  // namespace detail

/// The token in an `Authorization` header value (RFC 6750 2.1: `Bearer <b64token>`, the scheme in any case),
/// or the value itself when it has no scheme (a bare token).
inline result<std::string_view> bearer_token(std::string_view authorization) {
  while (!authorization.empty() && (authorization.front() == ' ' || authorization.front() == '\t'))
    authorization.remove_prefix(1);
  while (!authorization.empty() && (authorization.back() == ' ' || authorization.back() == '\t'))
    authorization.remove_suffix(1);
  if (authorization.empty()) {
    return detail::auth_error(errc::auth_authorization_header_missing,
                              "the request has no access token: send \"Authorization: Bearer <token>\"");
  }
  const auto space = authorization.find(' ');
  if (space == std::string_view::npos && jose::detail::ascii_iequal(authorization, "Bearer")) {
    return detail::auth_error(errc::jwt_malformed, "the Authorization header says Bearer but has no token",
                              "Authorization");
  }
  if (space == std::string_view::npos) {
    if (!detail::is_b64token(authorization)) {
      return detail::auth_error(errc::jwt_malformed, "the access token has characters RFC 6750 2.1 does not allow",
                                "Authorization");
    }
    return authorization;
  }
  if (!jose::detail::ascii_iequal(authorization.substr(0, space), "Bearer")) {
    return detail::auth_error(errc::auth_authorization_token_type_not_supported,
                              "the Authorization header is not a Bearer token (RFC 6750 2.1)");
  }
  std::string_view token = authorization.substr(space + 1);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  if (token.empty() || !detail::is_b64token(token)) {
    return detail::auth_error(errc::jwt_malformed,
                              "the Authorization header's Bearer token is empty or has characters RFC 6750 2.1 does "
                              "not allow",
                              "Authorization");
  }
  return token;
}

/// The RFC 6750 answer for an error from `access_token_verifier::verify` (or any error: those that are not
/// the token's fault answer 503). `required_scopes` fills the `scope` attribute of an `insufficient_scope`.
inline challenge challenge_for(const error& e, std::string_view realm = {},
                               const std::vector<std::string>& required_scopes = {}) {
  challenge c;
  const auto describe = [&](int status, std::string code, std::string description) {
    c.status = status;
    c.error = std::move(code);
    c.error_description = std::move(description);
  };
  switch (e.code) {
    case errc::auth_authorization_header_missing:
    case errc::auth_authorization_token_type_not_supported:
      // RFC 6750 3.1: no error code when the request has no Bearer credentials at all.
      c.status = 401;
      break;
    case errc::jwt_malformed:
      if (e.detail == "Authorization") {
        describe(400, "invalid_request", "The Authorization header is malformed");
      } else {
        describe(401, "invalid_token", "The access token is malformed");
      }
      break;
    case errc::jwt_expired: describe(401, "invalid_token", "The access token expired"); break;
    case errc::jwt_not_yet_valid: describe(401, "invalid_token", "The access token is not valid yet"); break;
    case errc::jwt_unsupported_algorithm:
      describe(401, "invalid_token", "The access token is signed with an algorithm this API does not accept");
      break;
    case errc::jwt_no_matching_key:
    case errc::jwt_signature_invalid:
      describe(401, "invalid_token", "The access token signature does not verify");
      break;
    case errc::jwt_claim_invalid:
      if (e.detail == "iss") {
        describe(401, "invalid_token", "The access token was issued by another issuer");
      } else if (e.detail == "aud") {
        describe(401, "invalid_token", "The access token is not meant for this API");
      } else if (e.detail == "typ") {
        describe(401, "invalid_token", "The access token is not an access token");
      } else {
        describe(401, "invalid_token", "The access token has an invalid claim");
      }
      break;
    case errc::auth_forbidden:
      if (e.detail == "organization_id") {
        describe(403, "insufficient_scope", "The access token is for another organization");
      } else {
        describe(403, "insufficient_scope", "The access token lacks a required scope");
      }
      break;
    default:  // keys unavailable, a JSON or crypto failure: the server's trouble, not the caller's
      c.status = 503;
      c.retry_after = 5;
      c.error_description = "The API cannot check access tokens right now";
      return c;
  }
  std::string v = "Bearer";
  std::string sep = " ";
  if (!realm.empty() && detail::is_challenge_text(realm)) {
    v += sep + "realm=\"" + std::string(realm) + "\"";
    sep = ", ";
  }
  if (!c.error.empty()) {
    v += sep + "error=\"" + c.error + "\", error_description=\"" + c.error_description + "\"";
    sep = ", ";
    if (c.error == "insufficient_scope" && !required_scopes.empty()) {
      std::string scopes;
      for (const auto& s : required_scopes) {
        if (!detail::is_challenge_text(s) || s.find(' ') != std::string::npos) continue;
        scopes += (scopes.empty() ? "" : " ") + s;
      }
      if (!scopes.empty()) v += sep + "scope=\"" + scopes + "\"";
    }
  }
  c.www_authenticate = std::move(v);
  return c;
}

/// Checks the access tokens an API receives. See the file comment.
template <class Clock = system_clock, class Mutex = default_mutex>
class access_token_verifier {
  static_assert(is_clock<Clock>::value, "Clock needs now() returning unix seconds");
  static_assert(is_lockable<Mutex>::value, "Mutex needs lock() and unlock()");

 public:
  explicit access_token_verifier(verifier_options options, Clock clock = Clock())
      : options_(std::move(options)), clock_(std::move(clock)), jwks_(options_.jwks), tokens_(options_.cache_capacity) {
    if (options_.jwks_uri.empty()) {
      std::string base = options_.issuer;
      while (!base.empty() && base.back() == '/') base.pop_back();
      options_.jwks_uri = base + "/jwks";
    }
  }
  access_token_verifier(const access_token_verifier&) = delete;
  access_token_verifier& operator=(const access_token_verifier&) = delete;

  /// Whether the options make sense (call once at start-up; `verify` also refuses bad options).
  result<void> valid() const {
    if (options_.issuer.empty()) {
      return make_error(errc::invalid_argument, "verifier_options.issuer must be set, e.g. https://<tenant>/oidc");
    }
    if (options_.issuer.rfind("https://", 0) != 0 && options_.issuer.rfind("http://", 0) != 0) {
      return make_error(errc::invalid_argument, "verifier_options.issuer must be an http(s) URL");
    }
    if (options_.audience.empty() && !options_.organization_id && !options_.any_organization) {
      return make_error(errc::invalid_argument,
                        "verifier_options: set audience (the API resource indicator), organization_id or "
                        "any_organization");
    }
    if (options_.any_organization && (!options_.audience.empty() || options_.organization_id)) {
      return make_error(errc::invalid_argument,
                        "verifier_options.any_organization excludes audience and organization_id");
    }
    if (options_.organization_id && options_.organization_id->empty()) {
      return make_error(errc::invalid_argument, "verifier_options.organization_id is empty");
    }
    if (options_.algorithms.empty()) {
      return make_error(errc::invalid_argument, "verifier_options.algorithms allows nothing");
    }
    for (const auto& s : options_.required_scopes) {
      if (s.empty() || s.find(' ') != std::string::npos || !detail::is_challenge_text(s)) {
        return make_error(errc::invalid_argument,
                          "verifier_options.required_scopes: \"" + s + "\" is not a scope token (RFC 6749 3.3)");
      }
    }
    if (!detail::is_challenge_text(options_.realm)) {
      return make_error(errc::invalid_argument, "verifier_options.realm must be printable ASCII without '\"' or '\\'");
    }
    return ok();
  }

  /// Verifies an `Authorization` header value (or a bare token) with the keys the verifier has (sans-I/O):
  /// signature, `iss`, `aud` / organization, `exp`/`nbf` against the clock now, the option's scopes and
  /// `extra_scopes`. With no keys yet: `errc::auth_keys_unavailable` (call `jwks_request()`).
  result<access_token_claims> verify(std::string_view authorization,
                                     const std::vector<std::string>& extra_scopes = {}) {
    if (auto v = valid(); !v) return v.error();
    auto token = bearer_token(authorization);
    if (!token) return token.error();
    const std::int64_t now = clock_.now();
    auto header = jose::decode_header(*token, options_.algorithms);
    if (!header) return header.error();

    std::shared_ptr<const jose::key_set> keys;
    {
      logto::detail::scoped_lock<Mutex> lock(mutex_);
      keys = jwks_.keys();
      if (keys && header->kid && !keys->knows_kid(*header->kid)) refetch_wanted_ = true;
    }
    if (!keys) {
      return make_error(errc::auth_keys_unavailable,
                        "the issuer's keys (" + options_.jwks_uri + ") are not loaded yet; fetch them first");
    }
    auto checked = check(*token, *keys, now);
    if (!checked) {
      if (checked.error().code == errc::jwt_no_matching_key) {
        logto::detail::scoped_lock<Mutex> lock(mutex_);
        refetch_wanted_ = true;
      }
      return checked.error();
    }
    return claims_of(std::move(*checked), extra_scopes);
  }

  /// The blocking convenience: as `verify(authorization)`, fetching the JWKS through `http` (a transport)
  /// first when it is due, and once more after an unknown `kid` when the cooldown allows (key rotation).
  template <class Transport, std::enable_if_t<is_transport<Transport>::value, int> = 0>
  result<access_token_claims> verify(Transport& http, std::string_view authorization,
                                     const std::vector<std::string>& extra_scopes = {}) {
    if (auto request = jwks_request()) (void)jwks_response(http.send(*request));
    auto out = verify(authorization, extra_scopes);
    if (!out && out.error().code == errc::jwt_no_matching_key) {
      if (auto request = jwks_request()) {
        auto fed = jwks_response(http.send(*request));
        if (!fed) {
          error e = std::move(out).error();
          e.message += " (refetching the keys failed: " + fed.error().message + ")";
          return e;
        }
        return verify(authorization, extra_scopes);
      }
      if (fetch_in_flight()) {
        // Another thread is fetching the keys right now: after a rotation many requests carry the new kid at
        // once, and only one fetches. "Try again shortly" (503), not "your token is bad" (401).
        return make_error(errc::auth_keys_unavailable,
                          "the access token's key is not loaded yet: the issuer's keys (" + options_.jwks_uri +
                              ") are being fetched by another request; try again shortly",
                          "jwks_in_flight");
      }
    }
    return out;
  }

  /// Sans-I/O JWKS: the GET to send now, or nullopt when none is due (keys fresh, a fetch already out, or
  /// the cooldown not over). The host sends it (at any time, from any thread) and hands the outcome to
  /// `jwks_response`.
  std::optional<http_request> jwks_request() {
    const std::int64_t now = clock_.now();
    logto::detail::scoped_lock<Mutex> lock(mutex_);
    if (in_flight_ && now - in_flight_since_ < options_.jwks_fetch_timeout) return std::nullopt;
    bool due = false;
    if (!jwks_.has_keys()) {
      due = !attempted_ || now - last_attempt_ >= options_.jwks_retry;
    } else if (jwks_.fetch_needed(now) != jose::jwks_fetch_reason::none) {
      due = true;
    } else if (refetch_wanted_ && jwks_.refetch_allowed(now)) {
      due = true;
    }
    if (!due) return std::nullopt;
    in_flight_ = true;
    in_flight_since_ = now;
    attempted_ = true;
    last_attempt_ = now;
    refetch_wanted_ = false;
    jwks_.fetch_failed(now);  // counts as the attempt for the cooldown until the answer arrives
    return http_request{"GET", options_.jwks_uri, {{"Accept", "application/json"}}, {}};
  }

  /// Hands over the answer to the last `jwks_request()`. A transport error, a non-200 status or a bad
  /// document keeps the previous keys.
  result<void> jwks_response(result<http_response> response) {
    const std::int64_t now = clock_.now();
    logto::detail::scoped_lock<Mutex> lock(mutex_);
    in_flight_ = false;
    if (!response) {
      jwks_.fetch_failed(now);
      error e = std::move(response).error();
      e.message = "fetching the issuer's keys from " + options_.jwks_uri + " failed: " + e.message;
      return e;
    }
    if (response->status != 200) {
      jwks_.fetch_failed(now);
      return make_error(errc::http_error,
                        "fetching the issuer's keys from " + options_.jwks_uri + " answered HTTP " +
                            std::to_string(response->status) + " (is verifier_options.issuer right?)",
                        "http_error_" + std::to_string(response->status));
    }
    return jwks_.update(response->body, now);
  }

  /// Loads a JWKS document the host obtained its own way (a file, a cache).
  result<void> load_jwks(std::string_view jwks_json) {
    const std::int64_t now = clock_.now();
    logto::detail::scoped_lock<Mutex> lock(mutex_);
    return jwks_.update(jwks_json, now);
  }

  /// The RFC 6750 answer for a failed `verify`, with this verifier's realm and scopes.
  challenge challenge_for(const error& e, const std::vector<std::string>& extra_scopes = {}) const {
    std::vector<std::string> scopes = options_.required_scopes;
    scopes.insert(scopes.end(), extra_scopes.begin(), extra_scopes.end());
    return api::challenge_for(e, options_.realm, scopes);
  }

  const verifier_options& options() const noexcept { return options_; }
  /// The clock (a test moves a manual clock through it).
  Clock& clock() noexcept { return clock_; }
  /// Whether a key set is loaded.
  bool has_keys() {
    logto::detail::scoped_lock<Mutex> lock(mutex_);
    return jwks_.has_keys();
  }
  /// Whether a JWKS fetch handed out by `jwks_request()` is still unanswered (and not yet given up).
  bool fetch_in_flight() {
    const std::int64_t now = clock_.now();
    logto::detail::scoped_lock<Mutex> lock(mutex_);
    return in_flight_ && now - in_flight_since_ < options_.jwks_fetch_timeout;
  }
  /// Cache statistics (for monitoring and tests).
  std::size_t cache_hits() {
    logto::detail::scoped_lock<Mutex> lock(mutex_);
    return tokens_.hits();
  }
  std::size_t cache_size() {
    logto::detail::scoped_lock<Mutex> lock(mutex_);
    return tokens_.size();
  }

 private:
  jose::verify_options jose_options(std::int64_t now) const {
    jose::verify_options o;
    o.issuer = options_.issuer;
    // any_organization has no single audience to ask for: check() takes the token's own (signed) one.
    if (!options_.audience.empty()) {
      o.audience = options_.audience;
    } else if (options_.organization_id) {
      o.audience = std::string(organization_urn_prefix) + *options_.organization_id;
    }
    o.now = now;
    o.leeway = options_.leeway;
    o.algorithms = options_.algorithms;
    o.typ = options_.typ;
    o.token_name = "access token";
    return o;
  }

  // Signature and registered claims, through the cache. The lock is held for the lookup and the store,
  // not for the signature check.
  result<std::shared_ptr<const jose::verified_jwt>> check(std::string_view token, const jose::key_set& keys,
                                                          std::int64_t now) {
    jose::verify_options o = jose_options(now);
    const bool any_org = options_.any_organization;
    auto digest = crypto::sha256(token);
    if (!digest) return digest.error();
    if (!any_org) {
      logto::detail::scoped_lock<Mutex> lock(mutex_);
      if (auto cached = tokens_.lookup(*digest, keys.fingerprint(), o)) return std::move(*cached);
    }
    std::shared_ptr<const jose::verified_jwt> verified;
    if (any_org) {
      // jose checks need one audience; take the token's own organization audience, then check it is one.
      auto v = verify_any_organization(token, keys, o);
      if (!v) return v.error();
      verified = std::move(*v);
    } else {
      auto v = jose::verify_jwt(token, keys, o);
      if (!v) return v.error();
      verified = std::make_shared<const jose::verified_jwt>(std::move(*v));
      logto::detail::scoped_lock<Mutex> lock(mutex_);
      tokens_.store(std::move(*digest), keys.fingerprint(), verified, now);
    }
    return verified;
  }

  result<std::shared_ptr<const jose::verified_jwt>> verify_any_organization(std::string_view token,
                                                                            const jose::key_set& keys,
                                                                            jose::verify_options o) {
    auto unverified = jose::decode_unverified(token);
    if (!unverified) return unverified.error();
    for (const auto& a : unverified->claims.aud) {
      if (a.size() > organization_urn_prefix.size() &&
          a.compare(0, organization_urn_prefix.size(), organization_urn_prefix) == 0) {
        o.audience = a;
        break;
      }
    }
    if (o.audience.empty()) {
      return make_error(
          errc::jwt_claim_invalid,
          "access token: \"aud\" names no organization (" + std::string(organization_urn_prefix) + "<id>)", "aud");
    }
    auto v = jose::verify_jwt(token, keys, o);  // the signature covers the audience chosen above
    if (!v) return v.error();
    return std::make_shared<const jose::verified_jwt>(std::move(*v));
  }

  result<access_token_claims> claims_of(std::shared_ptr<const jose::verified_jwt> jwt,
                                        const std::vector<std::string>& extra_scopes) const {
    access_token_claims c;
    const jose::jwt_claims& r = jwt->claims;
    c.subject = r.sub.value_or("");
    c.client_id = r.client_id.value_or("");
    c.issuer = r.iss.value_or("");
    c.audience = r.aud;
    c.expires_at = r.exp.value_or(0);
    c.issued_at = r.iat;
    if (r.scope) {
      std::string_view rest = *r.scope;
      while (!rest.empty()) {
        const auto sp = rest.find(' ');
        const std::string_view s = rest.substr(0, sp);
        if (!s.empty()) c.scopes.emplace_back(s);
        if (sp == std::string_view::npos) break;
        rest.remove_prefix(sp + 1);
      }
    }
    for (const auto& a : r.aud) {
      if (a.size() > organization_urn_prefix.size() &&
          a.compare(0, organization_urn_prefix.size(), organization_urn_prefix) == 0) {
        c.organization_id = a.substr(organization_urn_prefix.size());
        break;
      }
    }
    if (!c.organization_id) {
      if (const json::value* v = json::find(jwt->payload, "organization_id")) {
        if (const std::string* s = json::as_string(*v)) c.organization_id = *s;
      }
    }
    if (!options_.audience.empty() && options_.organization_id &&
        (!c.organization_id || *c.organization_id != *options_.organization_id)) {
      return make_error(errc::auth_forbidden,
                        "the access token is not for organization " + *options_.organization_id +
                            (c.organization_id ? " but for " + *c.organization_id : std::string(" (it names none)")),
                        "organization_id");
    }
    std::string missing;
    const auto need = [&](const std::string& s) {
      if (!c.has_scope(s)) missing += (missing.empty() ? "" : " ") + s;
    };
    for (const auto& s : options_.required_scopes) need(s);
    for (const auto& s : extra_scopes) need(s);
    if (!missing.empty()) {
      return make_error(errc::auth_forbidden, "the access token lacks the scope(s) " + missing, "scope");
    }
    c.jwt = std::move(jwt);
    return c;
  }

  verifier_options options_;
  Clock clock_;
  Mutex mutex_;
  jose::jwks_cache jwks_;
  jose::verified_token_cache tokens_;
  bool refetch_wanted_ = false;
  bool in_flight_ = false;
  std::int64_t in_flight_since_ = 0;
  bool attempted_ = false;
  std::int64_t last_attempt_ = 0;
};

}  // namespace api
}  // namespace logto
