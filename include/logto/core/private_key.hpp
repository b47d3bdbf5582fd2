/// @file
/// @brief A private key read from PEM (or DER) with mbedTLS 2.28 / 3.x, optionally encrypted with a
/// passphrase: the SMTP client certificate's key (`tls.key`) and the Google service-account key
/// that signs an RS256 JWT bearer assertion (RFC 7523 2.1, RFC 7518 3.3).
#pragma once

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "logto/core/config.hpp"

#include <mbedtls/md.h>
#include <mbedtls/pk.h>

#include "logto/core/crypto.hpp"
#include "logto/core/result.hpp"

namespace logto {
namespace crypto {

/// An mbedTLS private key. Neither copyable nor movable (mbedTLS may keep pointers to it).
class private_key {
 public:
  private_key() { mbedtls_pk_init(&pk_); }
  ~private_key() { mbedtls_pk_free(&pk_); }
  private_key(const private_key&) = delete;
  private_key& operator=(const private_key&) = delete;

  /// Reads `text` (PEM or DER; PKCS#1, SEC1 or PKCS#8, encrypted with `passphrase` if it is).
  /// `what` names the config field in the error message; the key itself never appears there.
  result<void> parse(std::string_view text, std::string_view passphrase, std::string_view what) {
    mbedtls_pk_free(&pk_);
    mbedtls_pk_init(&pk_);
    std::string buf(text);  // PEM must be NUL-terminated, the length including the NUL
    const bool pem = buf.find("-----BEGIN") != std::string::npos;
    const std::size_t len = pem ? buf.size() + 1 : buf.size();
    const auto* pwd = reinterpret_cast<const unsigned char*>(passphrase.data());
#if LOGTO_MBEDTLS_3
    default_random rng;
    const int rc =
        mbedtls_pk_parse_key(&pk_, reinterpret_cast<const unsigned char*>(buf.c_str()), len,
                             passphrase.empty() ? nullptr : pwd, passphrase.size(), mbedtls_rng<default_random>, &rng);
#else
    const int rc = mbedtls_pk_parse_key(&pk_, reinterpret_cast<const unsigned char*>(buf.c_str()), len,
                                        passphrase.empty() ? nullptr : pwd, passphrase.size());
#endif
    wipe(buf);
    if (rc != 0) {
      const char* why = rc == MBEDTLS_ERR_PK_PASSWORD_REQUIRED ? "it is encrypted and no passphrase was given"
                        : rc == MBEDTLS_ERR_PK_PASSWORD_MISMATCH
                            ? "the passphrase is wrong"
                            : "it is not a PEM or DER private key mbedTLS can read";
      return make_error(errc::invalid_config, std::string(what) + ": cannot read the private key: " + why,
                        std::string(what));
    }
    return ok();
  }

  bool is_rsa() const { return mbedtls_pk_can_do(&pk_, MBEDTLS_PK_RSA) != 0; }

  /// RSASSA-PKCS1-v1_5 with SHA-256 (JWS `RS256`, Node's `createSign('RSA-SHA256')`) over `data`.
  template <class Random>
  result<std::string> sign_rs256(std::string_view data, Random& rng) {
    if (!is_rsa()) return make_error(errc::invalid_config, "RS256 needs an RSA private key");
    auto hash = sha256(data);
    if (!hash) return hash.error();
    std::string sig(MBEDTLS_PK_SIGNATURE_MAX_SIZE, '\0');
    std::size_t sig_len = 0;
    const auto* h = reinterpret_cast<const unsigned char*>(hash->data());
    auto* out = reinterpret_cast<unsigned char*>(&sig[0]);
#if LOGTO_MBEDTLS_3
    const int rc =
        mbedtls_pk_sign(&pk_, MBEDTLS_MD_SHA256, h, hash->size(), out, sig.size(), &sig_len, mbedtls_rng<Random>, &rng);
#else
    const int rc = mbedtls_pk_sign(&pk_, MBEDTLS_MD_SHA256, h, hash->size(), out, &sig_len, mbedtls_rng<Random>, &rng);
#endif
    if (rc != 0) return make_error(errc::crypto_error, "RS256 signing failed");
    sig.resize(sig_len);
    return sig;
  }

  mbedtls_pk_context* get() noexcept { return &pk_; }

 private:
  mbedtls_pk_context pk_;
};

}  // namespace crypto
}  // namespace logto
