/// @file
/// @brief ID-token validation (OpenID Connect Core 1.0 3.1.3.7), `at_hash` (3.2.2.9 / 3.3.2.11), the refresh
/// rule of 12.2, and the allow-list narrowed by discovery's `id_token_signing_alg_values_supported`. The generic
/// JWT machinery stays in `jose/`.
///
/// Compared with @logto/client (`DefaultJwtVerifier`: jose `jwtVerify` with `clockTolerance: 300`, then
/// `|iat - now| > 300` -> `id_token.invalid_iat`), this also checks what jose leaves out: `exp` and `sub` are
/// required, `azp` is checked, audiences besides the client id must be trusted, `nonce` is compared when one
/// was sent, and `at_hash` when the access token of the same response is given.
#pragma once

#include <cstdint>      // std::int64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "logto/core/crypto.hpp"
#include "logto/core/encoding.hpp"
#include "logto/core/result.hpp"
#include "logto/core/strict_json.hpp"
#include "logto/jose/jwk.hpp"
#include "logto/jose/jwt.hpp"
#include "logto/oidc/common.hpp"

namespace logto {
namespace oidc {

/// What an ID token must satisfy.
struct id_token_options {
  std::string issuer;     ///< the discovery document's `issuer`, compared exactly
  std::string client_id;  ///< the app id: must be in `aud`; `azp`, when present, must equal it
  /// Audiences besides the client id that an ID token may also name (OIDC Core 3.1.3.7 step 3). Empty by
  /// default: an `aud` array with any other value is refused.
  std::vector<std::string> trusted_audiences;
  std::optional<std::string> nonce;  ///< the nonce sent in the authorization request, if any
  /// The access token of the same token response, when the ID token came from the token endpoint: an `at_hash`
  /// claim must then match it (OIDC Core 3.2.2.9, 3.3.2.11). Not copied: it must outlive the call.
  std::optional<std::string_view> access_token;
  std::optional<std::int64_t> now;  ///< current unix time in seconds
  /// Clock tolerance for `exp`/`nbf` and the |iat - now| window, seconds; clamped to [0, max_leeway] (600).
  std::int64_t leeway = jose::default_id_token_leeway;
  /// Allowed signing algorithms; see `narrow_id_token_algorithms` for discovery's list.
  jose::algorithm_set algorithms = jose::algorithm_set::all();

  /// The equivalent generic options (everything but `at_hash`).
  jose::verify_options to_verify_options() const {
    jose::verify_options o;
    o.issuer = issuer;
    o.audience = client_id;
    o.trusted_audiences = trusted_audiences;
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

/// The names in `set`, comma-separated (for messages).
inline std::string algorithm_names(jose::algorithm_set set) {
  std::string out;
  for (std::size_t i = 0; i < jose::algorithm_count; ++i) {
    const auto alg = static_cast<jose::algorithm>(i);
    if (!set.contains(alg)) continue;
    if (!out.empty()) out += ", ";
    out += jose::to_string(alg);
  }
  return out.empty() ? std::string("none") : out;
}

/// The allow-list for ID tokens: `ours` narrowed to the provider's `id_token_signing_alg_values_supported`
/// (OIDC Discovery 3). Names this library does not verify ("none", HS*, EdDSA, ...) never enter it. An empty
/// `advertised` (the document has no such member) keeps `ours`. `errc::jwt_unsupported_algorithm` naming both
/// lists when nothing is left: no ID token of this provider could be verified.
inline result<jose::algorithm_set> narrow_id_token_algorithms(jose::algorithm_set ours,
                                                              const std::vector<std::string>& advertised) {
  if (advertised.empty()) return ours;
  jose::algorithm_set both;
  for (const auto& name : advertised) {
    if (const auto alg = jose::algorithm_from_name(name); alg && ours.contains(*alg)) both.insert(*alg);
  }
  if (!both.empty()) return both;
  std::string listed;
  for (const auto& name : advertised) {
    if (!listed.empty()) listed += ", ";
    listed += detail::printable(name, 32);
  }
  return make_error(errc::jwt_unsupported_algorithm,
                    "no ID-token signing algorithm is both offered by the provider (discovery "
                    "id_token_signing_alg_values_supported: " +
                        listed + ") and allowed here (client_options::id_token_algorithms: " + algorithm_names(ours) +
                        "); allow one of the provider's, or change the provider's signing key",
                    "id_token_signing_alg_values_supported");
}

/// `at_hash` for `access_token` under the ID token's `alg` (OIDC Core 3.3.2.11): base64url of the left half of
/// the hash of the ASCII access token, the hash being the one of the JWS algorithm (SHA-256 for ES256, RS256
/// and PS256, SHA-384 for *384, SHA-512 for *512).
inline result<std::string> compute_at_hash(jose::algorithm alg, std::string_view access_token) {
  const std::string_view name = jose::to_string(alg);
  const std::string_view bits = name.substr(name.size() - 3);
  const crypto::hash_alg hash = bits == "256"   ? crypto::hash_alg::sha256
                                : bits == "384" ? crypto::hash_alg::sha384
                                                : crypto::hash_alg::sha512;
  auto digest = crypto::digest(hash, access_token);
  if (!digest) return digest.error();
  return base64url_encode(std::string_view(*digest).substr(0, digest->size() / 2));
}

/// When the verified ID token carries `at_hash`, it must equal `compute_at_hash(alg, access_token)`, which
/// binds the ID token to the access token of the same response (OIDC Core 3.2.2.9 / 3.3.2.11). An ID token
/// without `at_hash` passes (the claim is optional in the code flow). `errc::jwt_claim_invalid`, detail
/// "at_hash", otherwise.
inline result<void> check_at_hash(const jose::verified_jwt& id_token, std::string_view access_token) {
  const json::value* claim = json::find(id_token.payload, "at_hash");
  if (claim == nullptr) return ok();
  const std::string* got = json::as_string(*claim);
  const auto fail = [](std::string why) {
    return make_error(errc::jwt_claim_invalid,
                      "ID token \"at_hash\" " + std::move(why) +
                          " (OIDC Core 3.3.2.11): the ID token and the access token of this response do not belong "
                          "together; refusing both (sign in again)",
                      "at_hash");
  };
  if (got == nullptr) return fail("is not a string");
  auto expected = compute_at_hash(id_token.alg, access_token);
  if (!expected) return expected.error();
  if (got->size() != expected->size()) {
    return fail("has " + std::to_string(got->size()) + " characters, " + std::to_string(expected->size()) +
                " expected for " + std::string(jose::to_string(id_token.alg)));
  }
  if (!crypto::constant_time_equal(*got, *expected)) return fail("does not match the access token");
  return ok();
}

/// Verifies an ID token (OIDC Core 3.1.3.7): signature with a key of `keys` chosen by `kid` (allow-list
/// `options.algorithms`); `iss` exact; `aud` contains the client id and nothing untrusted; `azp` equals the
/// client id when present and is required with several audiences; `exp` in the future and `nbf` (if present)
/// reached, within the leeway; `iat` within the leeway of now (`errc::id_token_invalid_iat`, as @logto/client);
/// `sub` a non-empty string; `nonce` equal when one was sent; `at_hash` when `options.access_token` is given.
inline result<jose::verified_jwt> verify_id_token(std::string_view token, const jose::key_set& keys,
                                                  const id_token_options& options) {
  if (options.client_id.empty()) return make_error(errc::invalid_argument, "id_token_options.client_id must be set");
  auto verified = jose::verify_jwt(token, keys, options.to_verify_options());
  if (!verified) return verified;
  if (options.access_token) {
    if (auto r = check_at_hash(*verified, *options.access_token); !r) return r.error();
  }
  return verified;
}

/// OIDC Core 12.2: an ID token returned by a refresh must keep the original's `iss` and `sub` (and `azp`, when
/// both have one), and its `aud` must still contain the client id. Call it after `verify_id_token` accepted the
/// new token (verify it without a nonce: 12.2 says a refreshed token SHOULD NOT carry one).
/// `errc::jwt_claim_invalid` with detail naming the claim otherwise.
inline result<void> check_refreshed_id_token(const jose::jwt_claims& original, const jose::jwt_claims& refreshed,
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
inline result<void> check_refreshed_id_token(std::string_view original_id_token, const jose::jwt_claims& refreshed,
                                             std::string_view client_id) {
  auto original = jose::decode_unverified(original_id_token);
  if (!original) return original.error();
  return check_refreshed_id_token(original->claims, refreshed, client_id);
}

}  // namespace oidc
}  // namespace logto
