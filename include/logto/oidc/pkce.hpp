/// @file
/// @brief PKCE (RFC 7636), `state` and `nonce`, generated as @logto/browser and @logto/node make the first
/// two: 64 random bytes as base64url without padding (86 characters); challenge = base64url(SHA-256(verifier)),
/// S256. (The JS SDKs send no nonce.)
#pragma once

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "logto/core/crypto.hpp"
#include "logto/core/encoding.hpp"
#include "logto/core/result.hpp"
#include "logto/oidc/constants.hpp"

namespace logto {
namespace oidc {

/// Bytes of randomness behind a code verifier or a state (`generateRandomString(64)`).
inline constexpr std::size_t random_string_bytes = 64;

/// `generateRandomString`: `bytes` random bytes from `rng` as base64url without padding.
/// `errc::crypto_error` when the random source fails.
template <class Random>
result<std::string> generate_random_string(Random& rng, std::size_t bytes = random_string_bytes) {
  static_assert(crypto::is_random_source<Random>::value, "Random must provide bool fill(unsigned char*, std::size_t)");
  auto raw = crypto::random_bytes(rng, bytes);
  if (!raw) return raw.error();
  std::string out = base64url_encode(*raw);
  crypto::wipe(*raw);
  return out;
}

/// `generateCodeVerifier`: 86 characters of base64url (RFC 7636 4.1 allows 43-128 unreserved).
template <class Random>
result<std::string> generate_code_verifier(Random& rng) {
  return generate_random_string(rng);
}

/// `generateState`: an independent 86-character base64url value.
template <class Random>
result<std::string> generate_state(Random& rng) {
  return generate_random_string(rng);
}

/// An OIDC `nonce` (Core 3.1.2.1, 15.5.2): an independent 86-character base64url value, sent with the
/// authorization request and required in the ID token of its code exchange. @logto/js has no counterpart.
template <class Random>
result<std::string> generate_nonce(Random& rng) {
  return generate_random_string(rng);
}

/// `generateCodeChallenge`: base64url(SHA-256(UTF-8 bytes of `verifier`)), the S256 method
/// (RFC 7636 4.2). Like @logto/js it does not check the verifier's alphabet or length.
inline result<std::string> generate_code_challenge(std::string_view verifier) {
  auto hash = crypto::sha256(verifier);
  if (!hash) return hash.error();
  return base64url_encode(*hash);
}

/// True when `verifier` meets RFC 7636 4.1: 43 to 128 characters of `A-Z a-z 0-9 - . _ ~`.
inline bool is_valid_code_verifier(std::string_view verifier) noexcept {
  if (verifier.size() < 43 || verifier.size() > 128) return false;
  for (const char c : verifier) {
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                         c == '.' || c == '_' || c == '~';
    if (!allowed) return false;
  }
  return true;
}

}  // namespace oidc
}  // namespace logto
