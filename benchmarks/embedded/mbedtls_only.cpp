// Cortex-M4 footprint program (1): verify the ES256 ID token with the bare mbedTLS primitive only.
// Split at the last '.', base64url-decode the signature (a minimal decoder), SHA-256 of the signing
// input, r/s into bignums, P-256 group + public point from the key's X/Y, mbedtls_ecdsa_verify.
// No header or claim parsing: this is the floor the library is compared against.
#include <cstddef>
#include <cstring>

#include <mbedtls/ecdsa.h>
#include <mbedtls/md.h>

#include "embedded_fixture.h"

// Run-time measurement hooks: no-ops, except in run.sh's QEMU build (tests/embedded/support.c).
#ifdef BENCH_QEMU
extern "C" void bench_measure_begin(void);
extern "C" void bench_measure_end(int result);
#else
static inline void bench_measure_begin() {}
static inline void bench_measure_end(int) {}
#endif

static int b64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

static std::size_t b64url_decode(const char* in, std::size_t n, unsigned char* out, std::size_t cap) {
  unsigned acc = 0;
  int bits = 0;
  std::size_t o = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const int v = b64url_value(in[i]);
    if (v < 0) return 0;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (o == cap) return 0;
      out[o++] = static_cast<unsigned char>(acc >> bits);
    }
  }
  return o;
}

static int hex_value(char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }

static int run() {
  const std::size_t len = std::strlen(kToken);
  std::size_t dot = len;
  while (dot > 0 && kToken[dot - 1] != '.') --dot;
  if (dot == 0) return 1;
  unsigned char sig[64];
  if (b64url_decode(kToken + dot, len - dot, sig, sizeof sig) != 64) return 2;
  unsigned char hash[32];
  if (mbedtls_md(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), reinterpret_cast<const unsigned char*>(kToken), dot - 1,
                 hash) != 0) {
    return 3;
  }
  unsigned char point[65];
  point[0] = 0x04;
  for (int i = 0; i < 32; ++i) {
    point[1 + i] = static_cast<unsigned char>(hex_value(kKeyXHex[2 * i]) << 4 | hex_value(kKeyXHex[2 * i + 1]));
    point[33 + i] = static_cast<unsigned char>(hex_value(kKeyYHex[2 * i]) << 4 | hex_value(kKeyYHex[2 * i + 1]));
  }
  mbedtls_ecp_group grp;
  mbedtls_ecp_point q;
  mbedtls_mpi r, s;
  mbedtls_ecp_group_init(&grp);
  mbedtls_ecp_point_init(&q);
  mbedtls_mpi_init(&r);
  mbedtls_mpi_init(&s);
  int rc = mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1);
  if (rc == 0) rc = mbedtls_ecp_point_read_binary(&grp, &q, point, sizeof point);
  if (rc == 0) rc = mbedtls_mpi_read_binary(&r, sig, 32);
  if (rc == 0) rc = mbedtls_mpi_read_binary(&s, sig + 32, 32);
  if (rc == 0) rc = mbedtls_ecdsa_verify(&grp, hash, sizeof hash, &q, &r, &s);
  mbedtls_mpi_free(&r);
  mbedtls_mpi_free(&s);
  mbedtls_ecp_point_free(&q);
  mbedtls_ecp_group_free(&grp);
  return rc == 0 ? 0 : 4;
}

int main() {
  bench_measure_begin();
  const int rc = run();
  bench_measure_end(rc);
  return rc;
}
