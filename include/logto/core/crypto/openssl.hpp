/// @file
/// @brief The OpenSSL 3 crypto backend (optional, `LOGTO_CRYPTO_OPENSSL=1`): hashing, HMAC and JWS signature
/// verification through OpenSSL's EVP API, for servers that link OpenSSL anyway and want its faster ECDSA and
/// RSA. The same interface as `logto/core/crypto/mbedtls.hpp`; see `logto/core/crypto/backend.hpp`.
///
/// Keys are built from their raw JWK members with `EVP_PKEY_fromdata` (no DER or PEM round trip) and used
/// read-only afterwards. A verification takes the key's initialised `EVP_PKEY_CTX` out of a one-slot cache (an
/// atomic exchange), or makes a new one when another thread holds it, and puts it back afterwards: one key
/// verifies from several threads at once, and a lone thread does not pay for a context per verification
/// (about 16 K instructions for ES256, more for RSA, where the digest is fetched by name). Failures clear OpenSSL's
/// per-thread error queue, so a host that reads `ERR_get_error` after its own calls never finds ours there.
#pragma once

#include <atomic>   // std::atomic (the cached verification context)
#include <cstddef>  // std::size_t

#include <openssl/bn.h>           // BN_*
#include <openssl/core_names.h>   // OSSL_PKEY_PARAM_*
#include <openssl/err.h>          // ERR_clear_error, ERR_peek_last_error
#include <openssl/evp.h>          // EVP_Digest, EVP_PKEY_*
#include <openssl/hmac.h>         // HMAC
#include <openssl/param_build.h>  // OSSL_PARAM_BLD_*
#include <openssl/rsa.h>          // RSA_PKCS1_PADDING, EVP_PKEY_CTX_set_rsa_*

#include "logto/core/crypto/ids.hpp"  // hash_id, ec_curve
#include "logto/core/sync.hpp"        // logto::detail::first_use_gate

namespace logto {
namespace crypto {
namespace backend {

/// Named in error messages after a failure code, e.g. "openssl -106".
inline constexpr const char* name = "openssl";

namespace openssl_detail {

inline const EVP_MD* md(hash_id h) noexcept {
  return h == hash_id::sha1     ? EVP_sha1()
         : h == hash_id::sha256 ? EVP_sha256()
         : h == hash_id::sha384 ? EVP_sha384()
                                : EVP_sha512();
}

/// A failure code for messages (the reason of OpenSSL's last error, negated), with the error queue cleared.
inline int failure() noexcept {
  const unsigned long e = ERR_peek_last_error();
  ERR_clear_error();
  const int reason = static_cast<int>(ERR_GET_REASON(e));
  return reason > 0 ? -reason : -1;
}

/// Owns the objects of one `EVP_PKEY_fromdata` call.
struct param_builder {
  param_builder() : bld(OSSL_PARAM_BLD_new()) {}
  param_builder(const param_builder&) = delete;
  param_builder& operator=(const param_builder&) = delete;
  ~param_builder() {
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
  }
  /// The key of type `type` ("RSA", "EC") from the pushed parameters, or nullptr.
  EVP_PKEY* build(const char* type) {
    params = OSSL_PARAM_BLD_to_param(bld);
    if (params == nullptr) return nullptr;
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
    EVP_PKEY* key = nullptr;
    if (ctx == nullptr || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
      key = nullptr;
    }
    EVP_PKEY_CTX_free(ctx);
    return key;
  }

  OSSL_PARAM_BLD* bld;
  OSSL_PARAM* params = nullptr;
};

/// A verification context for `key`, or nullptr.
inline EVP_PKEY_CTX* verify_context(EVP_PKEY* key) noexcept {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr);
  if (ctx != nullptr && EVP_PKEY_verify_init(ctx) == 1) return ctx;
  EVP_PKEY_CTX_free(ctx);
  return nullptr;
}

/// One cached verification context. `take` hands it out (or nullptr when empty or in use elsewhere); `give`
/// puts one back, freeing whatever another thread put there meanwhile.
class context_slot {
 public:
  context_slot() = default;
  context_slot(const context_slot&) = delete;
  context_slot& operator=(const context_slot&) = delete;
  ~context_slot() { EVP_PKEY_CTX_free(slot_.load(std::memory_order_acquire)); }

  EVP_PKEY_CTX* take() noexcept { return slot_.exchange(nullptr, std::memory_order_acq_rel); }
  void give(EVP_PKEY_CTX* ctx) noexcept { EVP_PKEY_CTX_free(slot_.exchange(ctx, std::memory_order_acq_rel)); }

 private:
  std::atomic<EVP_PKEY_CTX*> slot_{nullptr};
};

/// Appends a DER INTEGER (X.690 8.3) holding the unsigned big-endian `bytes`.
inline std::size_t der_integer(unsigned char* out, const unsigned char* bytes, std::size_t n) noexcept {
  while (n > 1 && bytes[0] == 0) {
    ++bytes;
    --n;
  }
  const bool pad = (bytes[0] & 0x80) != 0;
  std::size_t i = 0;
  out[i++] = 0x02;
  out[i++] = static_cast<unsigned char>(n + (pad ? 1 : 0));
  if (pad) out[i++] = 0;
  for (std::size_t k = 0; k < n; ++k) out[i++] = bytes[k];
  return i;
}

}  // namespace openssl_detail

/// `out` = hash of `len` bytes at `data`; 0 or a failure code.
inline int digest(hash_id h, const unsigned char* data, std::size_t len, unsigned char* out) noexcept {
  return EVP_Digest(data, len, out, nullptr, openssl_detail::md(h), nullptr) == 1 ? 0 : openssl_detail::failure();
}

/// `out` = HMAC (RFC 2104) of `data` under `key`; 0 or a failure code.
inline int hmac(hash_id h, const unsigned char* key, std::size_t key_len, const unsigned char* data, std::size_t len,
                unsigned char* out) noexcept {
  return HMAC(openssl_detail::md(h), key, static_cast<int>(key_len), data, len, out, nullptr) != nullptr
             ? 0
             : openssl_detail::failure();
}

/// HMAC-SHA256 for a chain of MACs (the interface of the mbedTLS backend's context-reusing class).
class hmac_sha256 {
 public:
  bool setup() noexcept { return true; }
  /// `out` (32 bytes) = HMAC-SHA256(key, msg).
  bool mac(const unsigned char* key, std::size_t key_len, const unsigned char* msg, std::size_t msg_len,
           unsigned char* out) noexcept {
    return hmac(hash_id::sha256, key, key_len, msg, msg_len, out) == 0;
  }
};

/// A curve, shared by the EC keys of that curve in a key set (OpenSSL keeps its own tables).
class ec_group {
 public:
  int load(ec_curve crv) noexcept {
    crv_ = crv;
    return 0;
  }
  /// True once a verification with this curve has succeeded.
  bool prepared() const noexcept { return gate_.open(); }

 private:
  friend class ec_key;
  const char* curve_name() const noexcept {
    return crv_ == ec_curve::p256 ? "P-256" : crv_ == ec_curve::p384 ? "P-384" : "P-521";
  }
  ec_curve crv_ = ec_curve::p256;
  logto::detail::first_use_gate gate_;  // only for `prepared()`: OpenSSL needs no serialised first use
};

/// An EC public point.
class ec_key {
 public:
  ec_key() = default;
  ec_key(const ec_key&) = delete;
  ec_key& operator=(const ec_key&) = delete;
  ~ec_key() { EVP_PKEY_free(key_); }

  /// Loads the point (x, y), `size` bytes each; OpenSSL refuses a point that is not on the curve (SEC 1
  /// 3.2.2.1), and the quick public-key check confirms it. 0 or a failure code.
  int load(const ec_group& group, const unsigned char* x, const unsigned char* y, std::size_t size) {
    unsigned char point[1 + 2 * 66];
    if (size > 66) return -1;
    point[0] = 0x04;  // uncompressed SEC 1 point
    for (std::size_t i = 0; i < size; ++i) {
      point[1 + i] = x[i];
      point[1 + size + i] = y[i];
    }
    openssl_detail::param_builder p;
    if (p.bld == nullptr ||
        OSSL_PARAM_BLD_push_utf8_string(p.bld, OSSL_PKEY_PARAM_GROUP_NAME, group.curve_name(), 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(p.bld, OSSL_PKEY_PARAM_PUB_KEY, point, 1 + 2 * size) != 1) {
      return openssl_detail::failure();
    }
    key_ = p.build("EC");
    if (key_ == nullptr) return openssl_detail::failure();
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, key_, nullptr);
    const bool ok = ctx != nullptr && EVP_PKEY_public_check_quick(ctx) == 1;
    EVP_PKEY_CTX_free(ctx);
    return ok ? 0 : openssl_detail::failure();
  }

  /// Verifies the ECDSA signature (r, s), `size` bytes each, over `hash`. 0 when valid. OpenSSL refuses r or
  /// s outside [1, n-1] (the "psychic signature" r = s = 0 included).
  int verify(ec_group& group, const unsigned char* hash, std::size_t hash_len, const unsigned char* r,
             const unsigned char* s, std::size_t size) const {
    if (size > 66) return -1;
    // OpenSSL takes the DER form (SEQUENCE of two INTEGERs): at most 3 + 2 * (2 + 67) bytes for P-521.
    unsigned char body[2 * (2 + 67)];
    std::size_t n = openssl_detail::der_integer(body, r, size);
    n += openssl_detail::der_integer(body + n, s, size);
    unsigned char der[3 + sizeof body];
    std::size_t i = 0;
    der[i++] = 0x30;
    if (n > 127) der[i++] = 0x81;
    der[i++] = static_cast<unsigned char>(n);
    for (std::size_t k = 0; k < n; ++k) der[i++] = body[k];
    return group.gate_.run([&] {
      EVP_PKEY_CTX* ctx = slot_.take();
      if (ctx == nullptr) ctx = openssl_detail::verify_context(key_);
      if (ctx == nullptr) return openssl_detail::failure();
      const bool ok = EVP_PKEY_verify(ctx, der, i, hash, hash_len) == 1;
      slot_.give(ctx);
      return ok ? 0 : openssl_detail::failure();
    });
  }

 private:
  EVP_PKEY* key_ = nullptr;
  mutable openssl_detail::context_slot slot_;
};

/// An RSA public key.
class rsa_key {
 public:
  rsa_key() = default;
  rsa_key(const rsa_key&) = delete;
  rsa_key& operator=(const rsa_key&) = delete;
  ~rsa_key() {
    EVP_PKEY_free(key_);
    BN_free(n_);
    BN_free(e_);
  }

  /// Loads the big-endian modulus and exponent. 0 or a failure code.
  int load(const unsigned char* n, std::size_t n_len, const unsigned char* e, std::size_t e_len) {
    n_ = BN_bin2bn(n, static_cast<int>(n_len), nullptr);
    e_ = BN_bin2bn(e, static_cast<int>(e_len), nullptr);
    openssl_detail::param_builder p;
    if (n_ == nullptr || e_ == nullptr || p.bld == nullptr ||
        OSSL_PARAM_BLD_push_BN(p.bld, OSSL_PKEY_PARAM_RSA_N, n_) != 1 ||
        OSSL_PARAM_BLD_push_BN(p.bld, OSSL_PKEY_PARAM_RSA_E, e_) != 1) {
      return openssl_detail::failure();
    }
    key_ = p.build("RSA");
    return key_ != nullptr ? 0 : openssl_detail::failure();
  }
  /// Modulus size in bits.
  std::size_t bits() const noexcept { return static_cast<std::size_t>(BN_num_bits(n_)); }
  /// Modulus size in bytes (the exact signature length).
  std::size_t size() const noexcept { return static_cast<std::size_t>(BN_num_bytes(n_)); }
  /// The checks of mbedTLS's `mbedtls_rsa_check_pubkey`, so both backends accept the same keys: odd modulus,
  /// odd exponent, 3 <= e < n. (OpenSSL's own `EVP_PKEY_public_check` runs a primality test on n.)
  int check() const noexcept {
    const bool ok = BN_is_odd(n_) && BN_is_odd(e_) && BN_num_bits(e_) >= 2 && BN_cmp(e_, n_) < 0;
    return ok ? 0 : -1;
  }
  /// True once a verification with this key has succeeded.
  bool prepared() const noexcept { return gate_.open(); }

  /// Verifies an RSASSA-PKCS1-v1_5 (`pss` false) or RSASSA-PSS signature of `size()` bytes over `hash`;
  /// PSS with MGF1 of the same hash and a salt as long as the hash (RFC 7518 3.5). 0 when valid.
  int verify(bool pss, hash_id h, const unsigned char* hash, std::size_t hash_len, const unsigned char* sig) {
    // One cached context per padding and hash: a context is configured once.
    openssl_detail::context_slot& slot = slots_[(pss ? 4u : 0u) + static_cast<unsigned>(h)];
    return gate_.run([&] {
      EVP_PKEY_CTX* ctx = slot.take();
      if (ctx == nullptr) {
        const EVP_MD* md = openssl_detail::md(h);
        ctx = openssl_detail::verify_context(key_);
        bool ok = ctx != nullptr &&
                  EVP_PKEY_CTX_set_rsa_padding(ctx, pss ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING) == 1 &&
                  EVP_PKEY_CTX_set_signature_md(ctx, md) == 1;
        if (ok && pss) {
          ok = EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, static_cast<int>(hash_len)) == 1 &&
               EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) == 1;
        }
        if (!ok) {
          EVP_PKEY_CTX_free(ctx);
          return openssl_detail::failure();
        }
      }
      const bool ok = EVP_PKEY_verify(ctx, sig, size(), hash, hash_len) == 1;
      slot.give(ctx);
      return ok ? 0 : openssl_detail::failure();
    });
  }

 private:
  EVP_PKEY* key_ = nullptr;
  BIGNUM* n_ = nullptr;
  BIGNUM* e_ = nullptr;
  openssl_detail::context_slot slots_[8];  // [pss * 4 + hash]
  logto::detail::first_use_gate gate_;     // only for `prepared()`: OpenSSL needs no serialised first use
};

}  // namespace backend
}  // namespace crypto
}  // namespace logto
