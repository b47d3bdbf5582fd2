/// @file
/// @brief AES-256-GCM (NIST SP 800-38D) over mbedTLS 2.28 / 3.x: seal and open with associated data.
/// Used by `sealed_storage`; available when the mbedTLS build has `MBEDTLS_GCM_C` and `MBEDTLS_AES_C`.
#pragma once

#include <array>        // std::array
#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view

#include <mbedtls/gcm.h>  // mbedtls_gcm_*

#include "logto/core/crypto.hpp"
#include "logto/core/result.hpp"

namespace logto {
namespace crypto {

constexpr std::size_t aes256_gcm_key_size = 32;  ///< bytes
constexpr std::size_t aes256_gcm_iv_size = 12;   ///< bytes (96-bit IV, SP 800-38D 8.2)
constexpr std::size_t aes256_gcm_tag_size = 16;  ///< bytes (full 128-bit tag)

namespace detail {
/// An mbedTLS GCM context keyed with AES-256, freed (and so wiped) on every path.
class gcm_context {
 public:
  gcm_context() { mbedtls_gcm_init(&ctx); }
  gcm_context(const gcm_context&) = delete;
  gcm_context& operator=(const gcm_context&) = delete;
  ~gcm_context() { mbedtls_gcm_free(&ctx); }
  result<void> set_key(std::string_view key) {
    if (key.size() != aes256_gcm_key_size) return make_error(errc::invalid_argument, "AES-256-GCM needs a 32-byte key");
    const int rc = mbedtls_gcm_setkey(&ctx, MBEDTLS_CIPHER_ID_AES, reinterpret_cast<const unsigned char*>(key.data()),
                                      static_cast<unsigned int>(key.size() * 8));
    if (rc != 0) return make_error(errc::crypto_error, "mbedtls_gcm_setkey failed", std::to_string(rc));
    return ok();
  }
  mbedtls_gcm_context ctx;
};

inline const unsigned char* bytes(std::string_view s) noexcept {
  // cppcheck-suppress returnDanglingLifetime ; the view's data outlives the call, nothing is returned from a temporary
  return reinterpret_cast<const unsigned char*>(s.data());
}
}  // namespace detail

/// Encrypts `plaintext` under `key` with `iv` and `aad`; returns ciphertext || tag (16 bytes).
inline result<std::string> aes256_gcm_seal(std::string_view key,
                                           const std::array<unsigned char, aes256_gcm_iv_size>& iv,
                                           std::string_view aad, std::string_view plaintext) {
  detail::gcm_context gcm;
  if (auto r = gcm.set_key(key); !r) return r.error();
  std::string out(plaintext.size() + aes256_gcm_tag_size, '\0');
  auto* o = reinterpret_cast<unsigned char*>(&out[0]);
  const int rc = mbedtls_gcm_crypt_and_tag(&gcm.ctx, MBEDTLS_GCM_ENCRYPT, plaintext.size(), iv.data(), iv.size(),
                                           detail::bytes(aad), aad.size(), detail::bytes(plaintext), o,
                                           aes256_gcm_tag_size, o + plaintext.size());
  if (rc != 0) {
    wipe(out);
    return make_error(errc::crypto_error, "mbedtls_gcm_crypt_and_tag failed", std::to_string(rc));
  }
  return out;
}

/// Checks the tag of `sealed` (ciphertext || tag) under `key`, `iv` and `aad` and returns the plaintext.
/// `errc::crypto_error` when the value was altered, cut, or sealed under another key, IV or `aad`.
inline result<std::string> aes256_gcm_open(std::string_view key, std::string_view iv, std::string_view aad,
                                           std::string_view sealed) {
  if (iv.size() != aes256_gcm_iv_size) return make_error(errc::invalid_argument, "AES-256-GCM needs a 12-byte IV");
  if (sealed.size() < aes256_gcm_tag_size) return make_error(errc::crypto_error, "sealed value shorter than its tag");
  detail::gcm_context gcm;
  if (auto r = gcm.set_key(key); !r) return r.error();
  const std::size_t n = sealed.size() - aes256_gcm_tag_size;
  std::string out(n, '\0');
  const int rc = mbedtls_gcm_auth_decrypt(&gcm.ctx, n, detail::bytes(iv), iv.size(), detail::bytes(aad), aad.size(),
                                          detail::bytes(sealed) + n, aes256_gcm_tag_size, detail::bytes(sealed),
                                          n == 0 ? nullptr : reinterpret_cast<unsigned char*>(&out[0]));
  if (rc != 0) {
    wipe(out);
    return make_error(errc::crypto_error, "AES-256-GCM: the value does not authenticate (altered, or another key)");
  }
  return out;
}

}  // namespace crypto
}  // namespace logto
