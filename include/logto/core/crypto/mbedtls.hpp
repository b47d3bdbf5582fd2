/// @file
/// @brief The mbedTLS crypto backend (the default): hashing, HMAC and JWS signature verification over mbedTLS
/// 2.28 or 3.x. Everything that differs between those versions lives here.
///
/// mbedTLS completes two objects on their first use and caches the result inside them: an EC group's
/// precomputed table for the base point (16 M instructions for P-384), and an RSA context's R^2 mod N. Both are
/// left to the first verification, so loading a key set pays only for the keys it uses; until one verification
/// with the group (or RSA key) has succeeded, verifications with it run one at a time
/// (`logto::detail::first_use_gate`), and afterwards nothing writes to them, so they verify from several threads
/// at once.
#pragma once

#include <cstddef>  // std::size_t
#include <string>   // std::string

#include <mbedtls/bignum.h>  // mbedtls_mpi_*
#include <mbedtls/ecdsa.h>   // mbedtls_ecdsa_verify
#include <mbedtls/ecp.h>     // mbedtls_ecp_group, mbedtls_ecp_point, mbedtls_ecp_check_pubkey
#include <mbedtls/md.h>      // mbedtls_md, mbedtls_md_hmac_*

#include "logto/core/config.hpp"  // LOGTO_HAS_RSA, LOGTO_MBEDTLS_3
#if LOGTO_HAS_RSA
#include <mbedtls/pk.h>   // mbedtls_pk_context (owns the RSA context)
#include <mbedtls/rsa.h>  // mbedtls_rsa_*
#endif
#include "logto/core/crypto/ids.hpp"  // hash_id, ec_curve
#include "logto/core/sync.hpp"        // logto::detail::first_use_gate

namespace logto {
namespace crypto {
namespace backend {

/// Named in error messages after a failure code, e.g. "mbedtls -19968".
inline constexpr const char* name = "mbedtls";

/// The mbedTLS identifier of a hash.
constexpr mbedtls_md_type_t md_type(hash_id h) noexcept {
  return h == hash_id::sha1     ? MBEDTLS_MD_SHA1
         : h == hash_id::sha256 ? MBEDTLS_MD_SHA256
         : h == hash_id::sha384 ? MBEDTLS_MD_SHA384
                                : MBEDTLS_MD_SHA512;
}

/// `out` = hash of `len` bytes at `data`; 0 or an mbedTLS error code.
inline int digest(hash_id h, const unsigned char* data, std::size_t len, unsigned char* out) noexcept {
  const mbedtls_md_info_t* info = mbedtls_md_info_from_type(md_type(h));
  if (info == nullptr) return MBEDTLS_ERR_MD_FEATURE_UNAVAILABLE;
  return mbedtls_md(info, data, len, out);
}

/// `out` = HMAC (RFC 2104) of `data` under `key`; 0 or an mbedTLS error code.
inline int hmac(hash_id h, const unsigned char* key, std::size_t key_len, const unsigned char* data, std::size_t len,
                unsigned char* out) noexcept {
  const mbedtls_md_info_t* info = mbedtls_md_info_from_type(md_type(h));
  if (info == nullptr) return MBEDTLS_ERR_MD_FEATURE_UNAVAILABLE;
  return mbedtls_md_hmac(info, key, key_len, data, len, out);
}

/// HMAC-SHA256 with one context for a chain of MACs (Tencent's TC3 key derivation: one setup, not one per
/// HMAC as `hmac` does). Freeing the context zeroizes the key material.
class hmac_sha256 {
 public:
  hmac_sha256() noexcept { mbedtls_md_init(&ctx_); }
  hmac_sha256(const hmac_sha256&) = delete;
  hmac_sha256& operator=(const hmac_sha256&) = delete;
  ~hmac_sha256() { mbedtls_md_free(&ctx_); }

  bool setup() noexcept {
    const mbedtls_md_info_t* info = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
    return info != nullptr && mbedtls_md_setup(&ctx_, info, 1) == 0;
  }
  /// `out` (32 bytes) = HMAC-SHA256(key, msg).
  bool mac(const unsigned char* key, std::size_t key_len, const unsigned char* msg, std::size_t msg_len,
           unsigned char* out) noexcept {
    return mbedtls_md_hmac_starts(&ctx_, key, key_len) == 0 && mbedtls_md_hmac_update(&ctx_, msg, msg_len) == 0 &&
           mbedtls_md_hmac_finish(&ctx_, out) == 0;
  }

 private:
  mbedtls_md_context_t ctx_;
};

/// One loaded curve, shared by the EC keys of that curve in a key set.
class ec_group {
 public:
  ec_group() { mbedtls_ecp_group_init(&grp_); }
  ec_group(const ec_group&) = delete;
  ec_group& operator=(const ec_group&) = delete;
  ~ec_group() { mbedtls_ecp_group_free(&grp_); }

  /// Loads the curve's constants (cheap: no table is built here). 0 or an mbedTLS error code.
  int load(ec_curve crv) noexcept {
    return mbedtls_ecp_group_load(&grp_, crv == ec_curve::p256   ? MBEDTLS_ECP_DP_SECP256R1
                                         : crv == ec_curve::p384 ? MBEDTLS_ECP_DP_SECP384R1
                                                                 : MBEDTLS_ECP_DP_SECP521R1);
  }
  /// True once a verification with this curve has succeeded (its base-point table is built).
  bool prepared() const noexcept { return gate_.open(); }

 private:
  friend class ec_key;
  mbedtls_ecp_group grp_;
  // mbedtls_ecdsa_verify caches the base point's comb table inside the group on first use.
  logto::detail::first_use_gate gate_;
};

/// An EC public point.
class ec_key {
 public:
  ec_key() { mbedtls_ecp_point_init(&q_); }
  ec_key(const ec_key&) = delete;
  ec_key& operator=(const ec_key&) = delete;
  ~ec_key() { mbedtls_ecp_point_free(&q_); }

  /// Loads the point (x, y), `size` bytes each, and checks that it lies on the curve (SEC 1 3.2.2.1).
  /// 0 or an mbedTLS error code.
  int load(const ec_group& group, const unsigned char* x, const unsigned char* y, std::size_t size) {
    std::string point;
    point.reserve(1 + 2 * size);
    point += '\x04';  // uncompressed SEC 1 point
    point.append(reinterpret_cast<const char*>(x), size);
    point.append(reinterpret_cast<const char*>(y), size);
    int rc = mbedtls_ecp_point_read_binary(&group.grp_, &q_, reinterpret_cast<const unsigned char*>(point.data()),
                                           point.size());
    if (rc == 0) rc = mbedtls_ecp_check_pubkey(&group.grp_, &q_);
    return rc;
  }

  /// Verifies the ECDSA signature (r, s), `size` bytes each, over `hash`. 0 when valid.
  int verify(ec_group& group, const unsigned char* hash, std::size_t hash_len, const unsigned char* r_bytes,
             const unsigned char* s_bytes, std::size_t size) const {
    mbedtls_mpi r;
    mbedtls_mpi s;
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    int rc = mbedtls_mpi_read_binary(&r, r_bytes, size);
    if (rc == 0) rc = mbedtls_mpi_read_binary(&s, s_bytes, size);
    // Rejects r or s outside [1, n-1] (the "psychic signature" r = s = 0 included) before any arithmetic.
    if (rc == 0) {
      rc = group.gate_.run([&] { return mbedtls_ecdsa_verify(&group.grp_, hash, hash_len, &q_, &r, &s); });
    }
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&s);
    return rc;
  }

 private:
  mbedtls_ecp_point q_;
};

#if LOGTO_HAS_RSA
/// An RSA public key.
class rsa_key {
 public:
  rsa_key() { mbedtls_pk_init(&pk_); }
  rsa_key(const rsa_key&) = delete;
  rsa_key& operator=(const rsa_key&) = delete;
  ~rsa_key() { mbedtls_pk_free(&pk_); }

  /// Loads the big-endian modulus and exponent. 0 or an mbedTLS error code.
  int load(const unsigned char* n, std::size_t n_len, const unsigned char* e, std::size_t e_len) {
    int rc = mbedtls_pk_setup(&pk_, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA));
    if (rc != 0) return rc;
    rsa_ = mbedtls_pk_rsa(pk_);
    rc = mbedtls_rsa_import_raw(rsa_, n, n_len, nullptr, 0, nullptr, 0, nullptr, 0, e, e_len);
    if (rc == 0) rc = mbedtls_rsa_complete(rsa_);
    return rc;
  }
  /// Modulus size in bits.
  std::size_t bits() const noexcept { return mbedtls_pk_get_bitlen(&pk_); }
  /// Modulus size in bytes (the exact signature length).
  std::size_t size() const noexcept { return mbedtls_rsa_get_len(rsa_); }
  /// `mbedtls_rsa_check_pubkey` (modulus and exponent in range). 0 when it passes.
  int check() const noexcept { return mbedtls_rsa_check_pubkey(rsa_); }
  /// True once a verification with this key has succeeded (R^2 mod N is cached).
  bool prepared() const noexcept { return gate_.open(); }

  /// Verifies an RSASSA-PKCS1-v1_5 (`pss` false) or RSASSA-PSS signature of `size()` bytes over `hash`;
  /// PSS with MGF1 of the same hash and a salt as long as the hash (RFC 7518 3.5). 0 when valid.
  int verify(bool pss, hash_id h, const unsigned char* hash, std::size_t hash_len, const unsigned char* sig) {
    const mbedtls_md_type_t md = md_type(h);
    const auto hl = static_cast<unsigned int>(hash_len);
    return gate_.run([&] {
      if (!pss) {
#if LOGTO_MBEDTLS_3
        return mbedtls_rsa_rsassa_pkcs1_v15_verify(rsa_, md, hl, hash, sig);
#else
        return mbedtls_rsa_rsassa_pkcs1_v15_verify(rsa_, nullptr, nullptr, MBEDTLS_RSA_PUBLIC, md, hl, hash, sig);
#endif
      }
      const int salt = static_cast<int>(hl);
#if LOGTO_MBEDTLS_3
      return mbedtls_rsa_rsassa_pss_verify_ext(rsa_, md, hl, hash, md, salt, sig);
#else
      return mbedtls_rsa_rsassa_pss_verify_ext(rsa_, nullptr, nullptr, MBEDTLS_RSA_PUBLIC, md, hl, hash, md, salt, sig);
#endif
    });
  }

 private:
  mbedtls_pk_context pk_;  // holds the mbedtls_rsa_context
  mbedtls_rsa_context* rsa_ = nullptr;
  // mbedtls_rsa_public caches R^2 mod N in the context on first use.
  logto::detail::first_use_gate gate_;
};
#endif

}  // namespace backend
}  // namespace crypto
}  // namespace logto
