// An independent JWS signature check for the jwt and jwks targets: the token is split, decoded and
// hashed here, the key is built from the JWK's members with mbedTLS's pk layer (RSA: pk_verify /
// pk_verify_ext for PSS; EC: the R||S signature re-encoded as DER for pk_verify), never through
// logto::jose. A token the library accepts must pass this check.
#pragma once

#include <mbedtls/ecp.h>
#include <mbedtls/md.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>
#include <mbedtls/version.h>

#include <memory>
#include <string>
#include <string_view>

#include "common.hpp"

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define FUZZ_MBEDTLS_FIELD(x) MBEDTLS_PRIVATE(x)
#else
#define FUZZ_MBEDTLS_FIELD(x) x
#endif

namespace fuzz {

struct pk_holder {
  pk_holder() { mbedtls_pk_init(&pk); }
  ~pk_holder() { mbedtls_pk_free(&pk); }
  pk_holder(const pk_holder&) = delete;
  pk_holder& operator=(const pk_holder&) = delete;
  mbedtls_pk_context pk;
};

/// ASN.1 DER INTEGER from big-endian unsigned bytes.
inline std::string der_integer(std::string_view be) {
  std::size_t k = 0;
  while (k + 1 < be.size() && be[k] == '\0') ++k;
  std::string v(be.substr(k));
  if (v.empty() || (static_cast<unsigned char>(v[0]) & 0x80u) != 0) v.insert(v.begin(), '\0');
  std::string out = "\x02";
  out += static_cast<char>(v.size());  // at most 67 bytes for P-521
  return out + v;
}

/// ECDSA-Sig-Value (RFC 3279 2.2.3) from JWS R||S.
inline std::string der_signature(std::string_view rs) {
  const std::size_t n = rs.size() / 2;
  const std::string body = der_integer(rs.substr(0, n)) + der_integer(rs.substr(n));
  std::string out = "\x30";
  if (body.size() >= 0x80) out += '\x81';
  out += static_cast<char>(body.size());
  return out + body;
}

/// The hash a JWS `alg` uses, or MBEDTLS_MD_NONE for anything that is not RS/PS/ES 256/384/512.
inline mbedtls_md_type_t md_of(const std::string& alg) {
  if (alg.size() != 5) return MBEDTLS_MD_NONE;
  const std::string family = alg.substr(0, 2);
  if (family != "RS" && family != "PS" && family != "ES") return MBEDTLS_MD_NONE;
  const std::string bits = alg.substr(2);
  return bits == "256"   ? MBEDTLS_MD_SHA256
         : bits == "384" ? MBEDTLS_MD_SHA384
         : bits == "512" ? MBEDTLS_MD_SHA512
                         : MBEDTLS_MD_NONE;
}

/// Verifies `sig` over `hash` with the JWK `jwk` for `alg`; false for anything that does not fit.
inline bool jwk_verifies(const picojson::value& jwk, const std::string& alg, const unsigned char* hash,
                         std::size_t hash_len, const std::string& sig) {
  const std::string* kty = member_string(jwk, "kty");
  if (kty == nullptr) return false;
  const mbedtls_md_type_t md = md_of(alg);
  pk_holder h;
  if (*kty == "RSA" && (alg[0] == 'R' || alg[0] == 'P')) {
    const std::string* n_s = member_string(jwk, "n");
    const std::string* e_s = member_string(jwk, "e");
    if (n_s == nullptr || e_s == nullptr) return false;
    const auto n = base64_decode(*n_s, true, true);
    const auto e = base64_decode(*e_s, true, true);
    if (!n || !e || n->empty() || e->empty()) return false;
    if (mbedtls_pk_setup(&h.pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)) != 0) return false;
    mbedtls_rsa_context* rsa = mbedtls_pk_rsa(h.pk);
    if (mbedtls_rsa_import_raw(rsa, reinterpret_cast<const unsigned char*>(n->data()), n->size(), nullptr, 0, nullptr,
                               0, nullptr, 0, reinterpret_cast<const unsigned char*>(e->data()), e->size()) != 0 ||
        mbedtls_rsa_complete(rsa) != 0 || mbedtls_rsa_check_pubkey(rsa) != 0) {
      return false;
    }
    if (sig.size() != mbedtls_pk_get_len(&h.pk)) return false;
    const auto* s = reinterpret_cast<const unsigned char*>(sig.data());
    if (alg[0] == 'R') return mbedtls_pk_verify(&h.pk, md, hash, hash_len, s, sig.size()) == 0;
    mbedtls_pk_rsassa_pss_options opts;
    opts.mgf1_hash_id = md;
    opts.expected_salt_len = static_cast<int>(hash_len);
    return mbedtls_pk_verify_ext(MBEDTLS_PK_RSASSA_PSS, &opts, &h.pk, md, hash, hash_len, s, sig.size()) == 0;
  }
  if (*kty == "EC" && alg[0] == 'E') {
    const std::string* crv = member_string(jwk, "crv");
    const std::string* x_s = member_string(jwk, "x");
    const std::string* y_s = member_string(jwk, "y");
    if (crv == nullptr || x_s == nullptr || y_s == nullptr) return false;
    // RFC 7518 3.4: ES256 on P-256, ES384 on P-384, ES512 on P-521.
    mbedtls_ecp_group_id gid;
    std::size_t size;
    if (*crv == "P-256" && alg == "ES256") {
      gid = MBEDTLS_ECP_DP_SECP256R1;
      size = 32;
    } else if (*crv == "P-384" && alg == "ES384") {
      gid = MBEDTLS_ECP_DP_SECP384R1;
      size = 48;
    } else if (*crv == "P-521" && alg == "ES512") {
      gid = MBEDTLS_ECP_DP_SECP521R1;
      size = 66;
    } else {
      return false;
    }
    const auto x = base64_decode(*x_s, true, true);
    const auto y = base64_decode(*y_s, true, true);
    if (!x || !y || x->size() != size || y->size() != size || sig.size() != 2 * size) return false;
    if (mbedtls_pk_setup(&h.pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) != 0) return false;
    mbedtls_ecp_keypair* kp = mbedtls_pk_ec(h.pk);
    const std::string point = "\x04" + *x + *y;
    if (mbedtls_ecp_group_load(&kp->FUZZ_MBEDTLS_FIELD(grp), gid) != 0 ||
        mbedtls_ecp_point_read_binary(&kp->FUZZ_MBEDTLS_FIELD(grp), &kp->FUZZ_MBEDTLS_FIELD(Q),
                                      reinterpret_cast<const unsigned char*>(point.data()), point.size()) != 0 ||
        mbedtls_ecp_check_pubkey(&kp->FUZZ_MBEDTLS_FIELD(grp), &kp->FUZZ_MBEDTLS_FIELD(Q)) != 0) {
      return false;
    }
    const std::string der = der_signature(sig);
    return mbedtls_pk_verify(&h.pk, md, hash, hash_len, reinterpret_cast<const unsigned char*>(der.data()),
                             der.size()) == 0;
  }
  return false;
}

/// True when `token` is a compact JWS (three canonical base64url segments, a JSON header with an RS/PS/ES
/// `alg`) whose signature verifies with a key of the JWKS document `jwks`: the key named by the header's
/// `kid` when it has one, else any key of the set.
inline bool independently_verified(std::string_view token, const picojson::value& jwks) {
  const auto parts = split(token, '.', 4);
  if (parts.size() != 3) return false;
  const auto header_bytes = base64_decode(parts[0], true, true);
  const auto payload_bytes = base64_decode(parts[1], true, true);
  const auto sig = base64_decode(parts[2], true, true);
  if (!header_bytes || !payload_bytes || !sig) return false;
  const auto header = independent_json(*header_bytes);
  if (!header) return false;
  const std::string* alg = member_string(*header, "alg");
  if (alg == nullptr) return false;
  const mbedtls_md_type_t md = md_of(*alg);
  if (md == MBEDTLS_MD_NONE) return false;
  const mbedtls_md_info_t* info = mbedtls_md_info_from_type(md);
  unsigned char hash[64];
  const std::string_view signing_input = token.substr(0, parts[0].size() + 1 + parts[1].size());
  if (info == nullptr ||
      mbedtls_md(info, reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), hash) != 0) {
    return false;
  }
  const std::size_t hash_len = mbedtls_md_get_size(info);
  const picojson::value* keys = member(jwks, "keys");
  if (keys == nullptr || !keys->is<picojson::array>()) return false;
  const std::string* kid = member_string(*header, "kid");
  for (const auto& jwk : keys->get<picojson::array>()) {
    if (kid != nullptr) {
      const std::string* jwk_kid = member_string(jwk, "kid");
      if (jwk_kid == nullptr || *jwk_kid != *kid) continue;
    }
    if (jwk_verifies(jwk, *alg, hash, hash_len, *sig)) return true;
  }
  return false;
}

}  // namespace fuzz
