/// @file
/// @brief ID-token validation (OpenID Connect Core 1.0 3.1.3.7) and the refresh-response rule of 12.2.
///
/// Compared with @logto/client (`DefaultJwtVerifier`: jose `jwtVerify` with `clockTolerance: 300`, then
/// `|iat - now| > 300` -> `id_token.invalid_iat`), this also checks what jose leaves out: `exp` and `sub` are
/// required, `azp` is checked, and `nonce` is compared when one was sent.
#pragma once

#include <cstdint>      // std::int64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "logto/core/result.hpp"
#include "logto/jose/jwk.hpp"
#include "logto/jose/jwt.hpp"

namespace logto {
namespace jose {

/// What an ID token must satisfy.
struct id_token_options {
  std::string issuer;                ///< the discovery document's `issuer`, compared exactly
  std::string client_id;             ///< the app id: must be in `aud`; `azp`, when present, must equal it
  std::optional<std::string> nonce;  ///< the nonce sent in the authorization request, if any
  std::optional<std::int64_t> now;   ///< current unix time in seconds
  /// Clock tolerance for `exp`/`nbf` and the |iat - now| window, seconds; clamped to [0, max_leeway] (600).
  std::int64_t leeway = default_id_token_leeway;
  /// Allowed signing algorithms, e.g. `algorithm_set::from_names(discovery.id_token_signing_alg_values_supported)`.
  algorithm_set algorithms = algorithm_set::all();

  /// The equivalent generic options.
  verify_options to_verify_options() const {
    verify_options o;
    o.issuer = issuer;
    o.audience = client_id;
    o.authorized_party = client_id;
    o.nonce = nonce;
    o.now = now;
    o.leeway = leeway;
    o.algorithms = algorithms;
    o.require_exp = true;
    o.require_sub = true;
    o.iat_window = leeway;
    o.token_name = "ID token";
    return o;
  }
};

/// Verifies an ID token (OIDC Core 3.1.3.7): signature with a key of `keys` chosen by `kid` (allow-list
/// `options.algorithms`); `iss` exact; `aud` contains the client id; `azp` equals the client id when present
/// and is required with several audiences; `exp` in the future and `nbf` (if present) reached, within the
/// leeway; `iat` within the leeway of now (`errc::id_token_invalid_iat`, as @logto/client); `sub` a non-empty
/// string; `nonce` equal when one was sent.
inline result<verified_jwt> verify_id_token(std::string_view token, const key_set& keys,
                                            const id_token_options& options) {
  if (options.client_id.empty()) return make_error(errc::invalid_argument, "id_token_options.client_id must be set");
  return verify_jwt(token, keys, options.to_verify_options());
}

/// OIDC Core 12.2: an ID token returned by a refresh must keep the original's `iss` and `sub` (and `azp`, when
/// both have one), and its `aud` must still contain the client id. Call it after `verify_id_token` accepted the
/// new token (verify it without a nonce: 12.2 says a refreshed token SHOULD NOT carry one).
/// `errc::jwt_claim_invalid` with detail naming the claim otherwise.
inline result<void> check_refreshed_id_token(const jwt_claims& original, const jwt_claims& refreshed,
                                             std::string_view client_id) {
  const auto fail = [](std::string_view claim, std::string message) {
    return make_error(errc::jwt_claim_invalid, "refreshed ID token " + std::move(message) + " (OIDC Core 12.2)",
                      std::string(claim));
  };
  if (!original.iss || !refreshed.iss || *original.iss != *refreshed.iss) {
    return fail("iss", "\"iss\" differs from the original ID token's");
  }
  if (!original.sub || !refreshed.sub || *original.sub != *refreshed.sub) {
    return fail("sub", "\"sub\" differs from the original ID token's");
  }
  if (!refreshed.has_audience(client_id)) return fail("aud", "\"aud\" does not contain the client id");
  if (original.azp && refreshed.azp && *original.azp != *refreshed.azp) {
    return fail("azp", "\"azp\" differs from the original ID token's");
  }
  return ok();
}

/// As above, with the original ID token given as the compact token this client stored when it verified it
/// (decoded without re-verification).
inline result<void> check_refreshed_id_token(std::string_view original_id_token, const jwt_claims& refreshed,
                                             std::string_view client_id) {
  auto original = decode_unverified(original_id_token);
  if (!original) return original.error();
  return check_refreshed_id_token(original->claims, refreshed, client_id);
}

}  // namespace jose
}  // namespace logto
