/// @file
/// @brief JWT (RFC 7519) verification: signature (jws.hpp) plus claim validation with a bounded leeway.
/// One verifier serves ID tokens (id_token.hpp) and access tokens for a resource (`verify_options::access_token`).
///
/// Claims are type-checked before use: a NumericDate (`exp`, `nbf`, `iat`, `auth_time`) must be a JSON number
/// (RFC 7519 2), `iss`/`sub`/`azp`/`nonce`/... strings, `aud` a string or a non-empty array of strings;
/// anything else is `errc::jwt_claim_invalid` with `detail` naming the claim. The payload must be a UTF-8 JSON
/// object without duplicate members (RFC 7519 7.2).
#pragma once

#include <algorithm>    // std::find
#include <cmath>        // std::floor, std::ceil
#include <cstdint>      // std::int64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "logto/core/crypto.hpp"
#include "logto/core/encoding.hpp"
#include "logto/core/strict_json.hpp"
#include "logto/core/result.hpp"
#include "logto/jose/jwk.hpp"
#include "logto/jose/jws.hpp"

namespace logto {
namespace jose {

/// Largest clock leeway a verifier applies, in seconds; larger requested values are clamped to it, so a
/// configuration mistake cannot keep expired tokens alive for long.
inline constexpr std::int64_t max_leeway = 600;

/// @logto/client's default clock tolerance (seconds) for ID tokens.
inline constexpr std::int64_t default_id_token_leeway = 300;

/// Default leeway for access tokens (seconds).
inline constexpr std::int64_t default_access_token_leeway = 60;

/// The registered claims (RFC 7519 4.1) and the OIDC / RFC 9068 ones this library checks, type-checked.
struct jwt_claims {
  std::optional<std::string> iss;
  std::optional<std::string> sub;
  std::vector<std::string> aud;  ///< a string `aud` becomes one element; empty when absent
  std::optional<std::int64_t> exp;
  std::optional<std::int64_t> nbf;
  std::optional<std::int64_t> iat;
  std::optional<std::string> jti;
  std::optional<std::string> azp;         ///< OIDC Core 2
  std::optional<std::string> nonce;       ///< OIDC Core 2
  std::optional<std::int64_t> auth_time;  ///< OIDC Core 2
  std::optional<std::string> client_id;   ///< RFC 9068 2.2 (Logto access tokens)
  std::optional<std::string> scope;       ///< RFC 9068 2.2.3: space-separated

  /// True when `aud` contains `audience`.
  bool has_audience(std::string_view audience) const noexcept {
    for (const auto& a : aud) {
      if (a == audience) return true;
    }
    return false;
  }

  /// True when the space-separated `scope` contains `name`.
  bool has_scope(std::string_view name) const noexcept {
    if (!scope || name.empty()) return false;
    std::string_view rest = *scope;
    while (!rest.empty()) {
      const std::size_t sp = rest.find(' ');
      const std::string_view item = rest.substr(0, sp);
      if (item == name) return true;
      if (sp == std::string_view::npos) break;
      rest.remove_prefix(sp + 1);
    }
    return false;
  }

  /// Reads and type-checks the claims of a payload object.
  static result<jwt_claims> from_payload(const json::object& payload) {
    jwt_claims c;
    if (auto r = read_string(payload, "iss", c.iss); !r) return r.error();
    if (auto r = read_string(payload, "sub", c.sub); !r) return r.error();
    if (auto r = read_string(payload, "jti", c.jti); !r) return r.error();
    if (auto r = read_string(payload, "azp", c.azp); !r) return r.error();
    if (auto r = read_string(payload, "nonce", c.nonce); !r) return r.error();
    if (auto r = read_string(payload, "client_id", c.client_id); !r) return r.error();
    if (auto r = read_string(payload, "scope", c.scope); !r) return r.error();
    if (auto r = read_date(payload, "exp", false, c.exp); !r) return r.error();
    if (auto r = read_date(payload, "nbf", true, c.nbf); !r) return r.error();
    if (auto r = read_date(payload, "iat", false, c.iat); !r) return r.error();
    if (auto r = read_date(payload, "auth_time", false, c.auth_time); !r) return r.error();
    if (const json::value* aud = json::find(payload, "aud")) {
      if (const std::string* s = json::as_string(*aud)) {
        c.aud.push_back(*s);
      } else if (const json::array* arr = json::as_array(*aud)) {
        if (arr->empty()) return claim_error("aud", "\"aud\" is an empty array");
        c.aud.reserve(arr->size());
        for (const auto& item : *arr) {
          const std::string* item_s = json::as_string(item);
          if (item_s == nullptr) {
            return claim_error("aud", "\"aud\" must be a string or an array of strings (RFC 7519 4.1.3)");
          }
          c.aud.push_back(*item_s);
        }
      } else {
        return claim_error("aud", "\"aud\" must be a string or an array of strings (RFC 7519 4.1.3)");
      }
    }
    return c;
  }

  static error claim_error(std::string_view claim, std::string message) {
    return make_error(errc::jwt_claim_invalid, std::move(message), std::string(claim));
  }

 private:
  static result<void> read_string(const json::object& payload, std::string_view name, std::optional<std::string>& out) {
    const json::value* v = json::find(payload, name);
    if (v == nullptr) return ok();
    const std::string* s = json::as_string(*v);
    if (s == nullptr) return claim_error(name, "\"" + std::string(name) + "\" must be a string");
    out = *s;
    return ok();
  }
  // NumericDate (RFC 7519 2): a JSON number of seconds, fractions allowed. Rounded towards the strict side:
  // `nbf` up, the others down (an `exp` of 10.5 expires at 10).
  static result<void> read_date(const json::object& payload, std::string_view name, bool round_up,
                                std::optional<std::int64_t>& out) {
    const json::value* v = json::find(payload, name);
    if (v == nullptr) return ok();
    const double* n = json::as_number(*v);
    if (n == nullptr) {
      return claim_error(name, "\"" + std::string(name) + "\" must be a NumericDate (a JSON number, RFC 7519 2)");
    }
    const double d = round_up ? std::ceil(*n) : std::floor(*n);
    const auto limit = static_cast<double>(json::max_safe_integer);
    if (!(d >= -limit && d <= limit)) {
      return claim_error(name, "\"" + std::string(name) + "\" is out of range for a NumericDate");
    }
    out = static_cast<std::int64_t>(d);
    return ok();
  }
};

/// A JWT whose signature and claims verified.
struct verified_jwt {
  algorithm alg = algorithm::rs256;
  std::optional<std::string> kid;
  std::optional<std::string> typ;
  jwt_claims claims;
  json::object payload;  ///< every claim, custom ones included
};

/// A JWT decoded WITHOUT any verification (for reading a token this process verified earlier).
struct unverified_jwt {
  jws_header header;
  jwt_claims claims;
  json::object payload;
};

/// What a verification requires. `issuer`, `audience` and `now` must be set.
///
/// `now` is a timestamp: build the options for each verification, never once for a long-lived object (it
/// would accept tokens past their `exp` forever). An API server uses `api::access_token_verifier`, which
/// reads its clock on every call.
struct verify_options {
  std::string issuer;    ///< `iss` must equal this exactly (OIDC Core 3.1.3.7 step 2)
  std::string audience;  ///< `aud` must equal or contain this (client id for ID tokens, resource for access tokens)
  /// When set (ID tokens), every other `aud` value must be one of these: OIDC Core 3.1.3.7 step 3 rejects an ID
  /// token that "contains additional audiences not trusted by the Client". Unset (access tokens), other
  /// audiences are fine: RFC 9068 4 only needs the expected one to be present.
  std::optional<std::vector<std::string>> trusted_audiences;
  /// When set (ID tokens: the client id), `azp` must equal it when present, and is required when `aud` has
  /// several values (OIDC Core 3.1.3.7 steps 4-5).
  std::optional<std::string> authorized_party;
  /// When set, `nonce` must be present and equal (compared in constant time; OIDC Core 3.1.3.7 step 11).
  std::optional<std::string> nonce;
  /// Each must appear in the space-separated `scope` claim (RFC 9068 access tokens).
  std::vector<std::string> required_scopes;
  /// When set, the header `typ` must match (case-insensitive, "application/" optional; RFC 8725 3.11),
  /// e.g. "at+jwt" for RFC 9068 access tokens.
  std::optional<std::string> typ;
  algorithm_set algorithms = algorithm_set::all();  ///< the allow-list
  std::optional<std::int64_t> now;                  ///< current unix time in seconds (sans-I/O: the caller's clock)
  /// Clock tolerance in seconds for `exp`, `nbf` and the `iat` window; clamped to [0, max_leeway].
  std::int64_t leeway = default_id_token_leeway;
  bool require_exp = true;   ///< `exp` must be present
  bool require_sub = false;  ///< `sub` must be a non-empty string
  bool require_iat = false;  ///< `iat` must be present
  /// When set, |iat - now| must not exceed it (after clamping like `leeway`), else `errc::id_token_invalid_iat`
  /// (@logto/client's check; a missing `iat` fails it too).
  std::optional<std::int64_t> iat_window;
  /// Names the token in messages ("ID token", "access token"). Not copied: give it a string literal.
  std::string_view token_name = "JWT";

  /// Options for an access token issued for `resource` (RFC 9068 / Logto API resources): exact `iss`,
  /// `aud` contains `resource`, `exp` required, leeway `default_access_token_leeway`. Per request: `now`
  /// is captured here (see the struct comment; `api::access_token_verifier` is the long-lived form).
  static verify_options access_token(std::string issuer, std::string resource, std::int64_t now,
                                     std::vector<std::string> required_scopes = {}) {
    verify_options o;
    o.issuer = std::move(issuer);
    o.audience = std::move(resource);
    o.now = now;
    o.leeway = default_access_token_leeway;
    o.required_scopes = std::move(required_scopes);
    o.token_name = "access token";
    return o;
  }
};

namespace detail {

inline std::int64_t clamp_leeway(std::int64_t v) noexcept {
  if (v < 0) return 0;
  return v > max_leeway ? max_leeway : v;
}

inline error claim_error(const verify_options& o, std::string_view claim, const std::string& what) {
  return make_error(errc::jwt_claim_invalid, std::string(o.token_name) + " " + what, std::string(claim));
}

inline result<void> check_options(const verify_options& o) {
  if (o.issuer.empty()) return make_error(errc::invalid_argument, "verify_options.issuer must be set");
  if (o.audience.empty()) return make_error(errc::invalid_argument, "verify_options.audience must be set");
  if (!o.now) return make_error(errc::invalid_argument, "verify_options.now must be set (unix seconds)");
  if (*o.now < 0 || *o.now > json::max_safe_integer) {
    return make_error(errc::invalid_argument, "verify_options.now is not a plausible unix time");
  }
  return ok();
}

}  // namespace detail

/// Validates type-checked claims against `options` (no signature involved). Order: iss, aud (and trusted
/// audiences), azp, sub, exp,
/// nbf, iat, nonce, scope. Errors: `errc::jwt_claim_invalid` (detail = claim), `errc::jwt_expired`,
/// `errc::jwt_not_yet_valid`, `errc::id_token_invalid_iat`, `errc::invalid_argument` for incomplete options.
inline result<void> validate_claims(const jwt_claims& c, const verify_options& o) {
  if (auto r = detail::check_options(o); !r) return r;
  const std::int64_t now = *o.now;
  const std::int64_t leeway = detail::clamp_leeway(o.leeway);

  if (!c.iss) return detail::claim_error(o, "iss", "has no \"iss\" claim");
  if (*c.iss != o.issuer) {
    return detail::claim_error(o, "iss",
                               "\"iss\" is " + detail::quote(*c.iss) + ", expected " + detail::quote(o.issuer));
  }
  if (c.aud.empty()) return detail::claim_error(o, "aud", "has no \"aud\" claim");
  if (!c.has_audience(o.audience)) {
    return detail::claim_error(o, "aud", "\"aud\" does not contain " + detail::quote(o.audience));
  }
  if (o.trusted_audiences) {
    for (const auto& a : c.aud) {
      if (a == o.audience ||
          std::find(o.trusted_audiences->begin(), o.trusted_audiences->end(), a) != o.trusted_audiences->end()) {
        continue;
      }
      return detail::claim_error(o, "aud",
                                 "\"aud\" also names " + detail::quote(a) +
                                     ", an audience this client does not trust (OIDC Core 3.1.3.7 step 3); if the "
                                     "provider is meant to issue such tokens, list it in trusted_audiences");
    }
  }
  if (o.authorized_party) {
    if (c.azp && *c.azp != *o.authorized_party) {
      return detail::claim_error(
          o, "azp", "\"azp\" is " + detail::quote(*c.azp) + ", expected " + detail::quote(*o.authorized_party));
    }
    if (!c.azp && c.aud.size() > 1) {
      return detail::claim_error(o, "azp", "has several audiences but no \"azp\" claim (OIDC Core 3.1.3.7)");
    }
  }
  if (o.require_sub && (!c.sub || c.sub->empty())) {
    return detail::claim_error(o, "sub", "has no \"sub\" claim (or an empty one)");
  }
  if (c.exp) {
    // RFC 7519 4.1.4: the current time must be before exp (plus leeway).
    if (now >= *c.exp + leeway) {
      return make_error(errc::jwt_expired,
                        std::string(o.token_name) + " expired at " + std::to_string(*c.exp) + " (now " +
                            std::to_string(now) + ", leeway " + std::to_string(leeway) + " s)",
                        "exp");
    }
  } else if (o.require_exp) {
    return detail::claim_error(o, "exp", "has no \"exp\" claim");
  }
  if (c.nbf && *c.nbf - leeway > now) {
    return make_error(errc::jwt_not_yet_valid,
                      std::string(o.token_name) + " is not valid before " + std::to_string(*c.nbf) + " (now " +
                          std::to_string(now) + ", leeway " + std::to_string(leeway) + " s)",
                      "nbf");
  }
  if (o.iat_window) {
    const std::int64_t window = detail::clamp_leeway(*o.iat_window);
    if (!c.iat) {
      return make_error(errc::id_token_invalid_iat, std::string(o.token_name) + " has no \"iat\" claim", "iat");
    }
    const std::int64_t skew = *c.iat > now ? *c.iat - now : now - *c.iat;
    if (skew > window) {
      return make_error(errc::id_token_invalid_iat,
                        std::string(o.token_name) + " \"iat\" " + std::to_string(*c.iat) + " is " +
                            std::to_string(skew) + " s away from now (" + std::to_string(now) + "); at most " +
                            std::to_string(window) + " s are allowed",
                        "iat");
    }
  } else if (o.require_iat && !c.iat) {
    return detail::claim_error(o, "iat", "has no \"iat\" claim");
  }
  if (o.nonce) {
    if (!c.nonce) return detail::claim_error(o, "nonce", "has no \"nonce\" claim, but one was sent");
    if (!crypto::constant_time_equal(*c.nonce, *o.nonce)) {
      return detail::claim_error(o, "nonce", "\"nonce\" does not match the one sent with the request");
    }
  }
  for (const auto& s : o.required_scopes) {
    if (!c.has_scope(s)) return detail::claim_error(o, "scope", "lacks the required scope " + detail::quote(s));
  }
  return ok();
}

/// Checks what a verified token's header and claims must satisfy under `options` (allow-list, `typ`, claims).
/// Used by `verify_jwt` and to re-check cached verifications.
inline result<void> validate(const verified_jwt& t, const verify_options& o) {
  if (!o.algorithms.contains(t.alg)) {
    return make_error(errc::jwt_unsupported_algorithm,
                      "\"alg\": \"" + std::string(to_string(t.alg)) + "\" is not on this verifier's allow-list");
  }
  if (o.typ && (!t.typ || !detail::media_type_equal(*t.typ, *o.typ))) {
    return make_error(errc::jwt_claim_invalid,
                      std::string(o.token_name) + " header \"typ\" is " + (t.typ ? detail::quote(*t.typ) : "absent") +
                          ", expected " + detail::quote(*o.typ) + " (RFC 8725 3.11)",
                      "typ");
  }
  return validate_claims(t.claims, o);
}

namespace detail {

// Payload bytes -> JSON object -> claims (RFC 7519 7.2 steps 9-10).
inline result<std::pair<json::object, jwt_claims>> decode_payload(std::string_view payload) {
  if (!is_valid_utf8(payload)) return jws_malformed("JWT payload is not valid UTF-8 (RFC 8725 3.7)");
  auto doc = json::parse(payload);
  if (!doc) return jws_malformed("JWT payload is not valid JSON: " + doc.error().message);
  json::object* root = json::as_object(*doc);
  if (root == nullptr) return jws_malformed("JWT payload must be a JSON object (RFC 7519 7.2)");
  json::object obj = std::move(*root);
  auto claims = jwt_claims::from_payload(obj);
  if (!claims) return claims.error();
  return std::make_pair(std::move(obj), std::move(*claims));
}

}  // namespace detail

/// Verifies a compact JWT: header policy and allow-list (jws.hpp), key selection by `kid`, signature, then
/// the payload and its claims under `options`.
inline result<verified_jwt> verify_jwt(std::string_view token, const key_set& keys, const verify_options& options) {
  if (auto r = detail::check_options(options); !r) return r.error();
  auto jws = parse_compact(token, options.algorithms);
  if (!jws) return jws.error();
  if (auto v = verify_signature(*jws, keys); !v) return v.error();
  auto decoded = detail::decode_payload(jws->payload);
  if (!decoded) {
    error e = std::move(decoded).error();
    if (e.code == errc::jwt_claim_invalid) e.message = std::string(options.token_name) + " " + e.message;
    return e;
  }
  verified_jwt out;
  out.alg = jws->header.alg;
  out.kid = std::move(jws->header.kid);
  out.typ = std::move(jws->header.typ);
  out.payload = std::move(decoded->first);
  out.claims = std::move(decoded->second);
  if (auto r = validate(out, options); !r) return r.error();
  return out;
}

/// Decodes a JWT WITHOUT verifying its signature or claims: only for tokens this process already verified
/// (e.g. a stored ID token). The header policy still applies and the payload must be a valid JSON object.
inline result<unverified_jwt> decode_unverified(std::string_view token) {
  auto jws = parse_compact(token);
  if (!jws) return jws.error();
  auto decoded = detail::decode_payload(jws->payload);
  if (!decoded) return decoded.error();
  unverified_jwt out;
  out.header = std::move(jws->header);
  out.payload = std::move(decoded->first);
  out.claims = std::move(decoded->second);
  return out;
}

}  // namespace jose
}  // namespace logto
