/* Small mbedTLS 2.28 configuration for the Cortex-M4 footprint programs (benchmarks/embedded/) and, with
 * -DLOGTO_EMBEDDED_SMOKE (adds P-384), the test command's bare-metal smoke (tests/embedded/smoke.cpp).
 * What an ES256-only ID-token verifier needs: ECDSA on P-256, SHA-256, bignum and the MD layer. No RSA,
 * no PK, no X.509, no TLS: logto-cpp compiles without them (LOGTO_HAS_RSA = 0: RSA JWKs are ignored with
 * a reason; LOGTO_HAS_TLS = 0: SMTP is left out of <logto/logto.hpp>).
 *
 * With -DBENCH_MBEDTLS_RSA (run.sh's comparison build "(2r)") the configuration also holds RSA, PK and
 * OID, which the library needed before LOGTO_HAS_RSA existed; both libraries are built from the same
 * sources, and each program is compiled with the configuration of the library it links. With
 * -DBENCH_MBEDTLS_TLS (benchmarks/embedded/size_table.sh) it adds a TLS 1.2 client and X.509. */
#ifndef BENCH_MBEDTLS_CONFIG_H
#define BENCH_MBEDTLS_CONFIG_H

/* System support */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_PLATFORM_C

/* Elliptic curves: P-256 only, NIST fast reduction, small comb window */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_WINDOW_SIZE 2
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 1
#ifdef LOGTO_EMBEDDED_SMOKE
/* The test command's smoke (tests/embedded/smoke.cpp) verifies ES384 tokens as well */
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_MAX_BITS 384
#else
#define MBEDTLS_ECP_MAX_BITS 256
#endif
#define MBEDTLS_ASN1_PARSE_C /* required by ECDSA_C */
#define MBEDTLS_ASN1_WRITE_C /* required by ECDSA_C */

/* Hashes and the generic message-digest layer (logto's crypto façade uses mbedtls_md*) */
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA1_C   /* logto's crypto::hash_alg includes SHA-1 (Aliyun); md_info lookup */
#define MBEDTLS_SHA512_C /* ES384/ES512/RS384/RS512 hashes are selectable at run time */

#ifdef BENCH_MBEDTLS_RSA
/* Comparison build only: RSA JWKs (what logto-cpp's JWK code required before LOGTO_HAS_RSA) */
#define MBEDTLS_PK_C
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_OID_C
#endif
#ifdef BENCH_MBEDTLS_TLS
/* benchmarks/embedded/size_table.sh's "tls" library (row "SMTP + TLS"): a TLS 1.2 client with X.509 chain
 * verification and SNI, ECDHE with ECDSA or RSA certificates, AES-GCM; PEM CAs. With RSA, PK and OID. */
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_OID_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_GCM_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#endif
#define MBEDTLS_MPI_MAX_SIZE 512 /* as in the RSA build (RSA up to 4096 bits), so that only RSA differs */

/* CTR-DRBG and entropy: declared by logto's crypto.hpp; only linked if the default random source is used */
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES /* tables in flash, not 8 KiB of RAM (ecp.c blinds with an internal CTR-DRBG) */
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_ENTROPY_C

#include "mbedtls/check_config.h"
#endif
