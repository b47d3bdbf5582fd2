// Baselines of the size table: bare mbedTLS doing the crypto a row does, and nothing else. Each
// BASE_* macro adds one primitive, called as directly as mbedTLS allows; size_table.sh compiles this
// file once per baseline it needs. Without any macro it is the empty program (startup + newlib-nano).
#include <algorithm>
#include <cstddef>
#include <cstring>

#include <mbedtls/md.h>
#if defined(BASE_ES256) || defined(BASE_RS256)
#include <mbedtls/ecdsa.h>
#endif
#ifdef BASE_RS256
#include <mbedtls/rsa.h>
#endif
#ifdef BASE_TLS
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#endif

#include "board.hpp"

namespace {
const unsigned char* bytes(int which) { return reinterpret_cast<const unsigned char*>(bench_input(which)); }
std::size_t length(int which) { return std::strlen(bench_input(which)); }

[[maybe_unused]] int digest(mbedtls_md_type_t type, int which, unsigned char* out) {
  return mbedtls_md(mbedtls_md_info_from_type(type), bytes(which), length(which), out);
}
[[maybe_unused]] int hmac(mbedtls_md_type_t type, int key, int which, unsigned char* out) {
  return mbedtls_md_hmac(mbedtls_md_info_from_type(type), bytes(key), length(key), bytes(which), length(which), out);
}

#ifdef BASE_ES256
// ECDSA P-256 over SHA-256: the public point and r||s are raw bytes from the board.
int es256() {
  unsigned char hash[32];
  if (digest(MBEDTLS_MD_SHA256, in_token, hash) != 0) return 1;
  mbedtls_ecp_group grp;
  mbedtls_ecp_point q;
  mbedtls_mpi r, s;
  mbedtls_ecp_group_init(&grp);
  mbedtls_ecp_point_init(&q);
  mbedtls_mpi_init(&r);
  mbedtls_mpi_init(&s);
  int rc = mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1);
  if (rc == 0) rc = mbedtls_ecp_point_read_binary(&grp, &q, bytes(in_key_x_hex), 65);
  if (rc == 0) rc = mbedtls_mpi_read_binary(&r, bytes(in_code), 32);
  if (rc == 0) rc = mbedtls_mpi_read_binary(&s, bytes(in_code) + 32, 32);
  if (rc == 0) rc = mbedtls_ecdsa_verify(&grp, hash, sizeof hash, &q, &r, &s);
  mbedtls_mpi_free(&r);
  mbedtls_mpi_free(&s);
  mbedtls_ecp_point_free(&q);
  mbedtls_ecp_group_free(&grp);
  return rc == 0 ? 0 : 2;
}
#endif

#ifdef BASE_RS256
// RSASSA-PKCS1-v1_5 over SHA-256 with the modulus and exponent as big-endian bytes from the board.
int rs256() {
  unsigned char hash[32];
  if (digest(MBEDTLS_MD_SHA256, in_token, hash) != 0) return 1;
  mbedtls_rsa_context rsa;
  mbedtls_rsa_init(&rsa, MBEDTLS_RSA_PKCS_V15, 0);
  int rc = mbedtls_rsa_import_raw(&rsa, bytes(in_rsa_n_hex), length(in_rsa_n_hex), nullptr, 0, nullptr, 0, nullptr, 0,
                                  bytes(in_rsa_e_hex), length(in_rsa_e_hex));
  if (rc == 0) rc = mbedtls_rsa_complete(&rsa);
  if (rc == 0) {
    rc = mbedtls_rsa_rsassa_pkcs1_v15_verify(&rsa, nullptr, nullptr, MBEDTLS_RSA_PUBLIC, MBEDTLS_MD_SHA256, 32, hash,
                                             bytes(in_code));
  }
  mbedtls_rsa_free(&rsa);
  return rc == 0 ? 0 : 3;
}
#endif

#ifdef BASE_TLS
// A TLS 1.2 client handshake, one write and one read over the board's byte stream, chain verified
// against a PEM CA, SNI set: what smtp/tls.hpp does, without SMTP.
int stream_send(void*, const unsigned char*, std::size_t n) { return static_cast<int>(n); }
int stream_recv(void*, unsigned char* out, std::size_t n) {
  const std::size_t have = std::min(n, length(in_response));
  std::memcpy(out, bytes(in_response), have);
  return static_cast<int>(have);
}
int entropy(void*, unsigned char* out, std::size_t n) { return bench_entropy(out, n); }
int tls() {
  mbedtls_ctr_drbg_context drbg;
  mbedtls_ssl_config conf;
  mbedtls_ssl_context ssl;
  mbedtls_x509_crt ca;
  mbedtls_ctr_drbg_init(&drbg);
  mbedtls_ssl_config_init(&conf);
  mbedtls_ssl_init(&ssl);
  mbedtls_x509_crt_init(&ca);
  int rc = mbedtls_ctr_drbg_seed(&drbg, entropy, nullptr, nullptr, 0);
  if (rc == 0) rc = mbedtls_x509_crt_parse(&ca, bytes(in_jwks), length(in_jwks) + 1);
  if (rc == 0) rc = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, 0);
  if (rc == 0) {
    mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&conf, &ca, nullptr);
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
    rc = mbedtls_ssl_setup(&ssl, &conf);
  }
  if (rc == 0) rc = mbedtls_ssl_set_hostname(&ssl, bench_input(in_endpoint));
  if (rc == 0) {
    mbedtls_ssl_set_bio(&ssl, nullptr, stream_send, stream_recv, nullptr);
    rc = mbedtls_ssl_handshake(&ssl);
  }
  unsigned char buf[64];
  if (rc == 0) rc = mbedtls_ssl_write(&ssl, bytes(in_to), length(in_to));
  if (rc >= 0) rc = mbedtls_ssl_read(&ssl, buf, sizeof buf);
  if (rc >= 0) rc = mbedtls_ssl_close_notify(&ssl);
  mbedtls_x509_crt_free(&ca);
  mbedtls_ssl_free(&ssl);
  mbedtls_ssl_config_free(&conf);
  mbedtls_ctr_drbg_free(&drbg);
  return rc == 0 ? 0 : 4;
}
#endif
}  // namespace

int main() {
  int rc = 0;
  unsigned char out[64];
  (void)out;
#ifdef BASE_SHA256
  rc |= digest(MBEDTLS_MD_SHA256, in_code, out);
#endif
#ifdef BASE_HMAC_SHA1
  rc |= hmac(MBEDTLS_MD_SHA1, in_config, in_to, out);
#endif
#ifdef BASE_HMAC_SHA256
  rc |= hmac(MBEDTLS_MD_SHA256, in_config, in_to, out);
  rc |= digest(MBEDTLS_MD_SHA256, in_to, out);
#endif
#ifdef BASE_ES256
  rc |= es256();
#endif
#ifdef BASE_RS256
  rc |= rs256();
#endif
#ifdef BASE_TLS
  rc |= tls();
#endif
  return rc;
}
