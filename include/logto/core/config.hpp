/// @file
/// @brief Configuration knobs and the mbedTLS version checks shared by every header.
#pragma once

#include <cstddef>  // std::size_t

#include <mbedtls/version.h>  // MBEDTLS_VERSION_NUMBER (every mbedTLS version ships this header)

#define LOGTO_VERSION_MAJOR 0
#define LOGTO_VERSION_MINOR 1
#define LOGTO_VERSION_PATCH 0
#define LOGTO_VERSION_STRING "0.1.0"

#if MBEDTLS_VERSION_NUMBER < 0x021C0000
#error "logto-cpp needs mbedTLS 2.28 or 3.x (found an older mbedTLS)"
#elif MBEDTLS_VERSION_NUMBER >= 0x04000000
#error "logto-cpp supports mbedTLS 2.28 and 3.x; mbedTLS 4.x is PSA-only and not supported yet"
#endif

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define LOGTO_MBEDTLS_3 1
#else
#define LOGTO_MBEDTLS_3 0
#endif

// Exceptions: the library never throws and never catches, and behaves the same with or without them.
// LOGTO_HAS_EXCEPTIONS tells a host which way it is compiled.
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#define LOGTO_HAS_EXCEPTIONS 1
#else
#define LOGTO_HAS_EXCEPTIONS 0
#endif

/// Define as 1 on hosts without threads (bare metal): the library then never includes `<mutex>` and
/// its default mutex is `logto::null_mutex`. Hosts with threads but no `std::mutex` define
/// `LOGTO_MUTEX` instead (core/sync.hpp).
#ifndef LOGTO_NO_THREADS
#define LOGTO_NO_THREADS 0
#endif

// What this mbedTLS build offers (mbedtls/version.h pulls in the build configuration).
#if LOGTO_MBEDTLS_3
#include <mbedtls/build_info.h>
#endif
#if defined(MBEDTLS_RSA_C) && defined(MBEDTLS_PK_C)
#define LOGTO_HAS_RSA 1  ///< RS* / PS* JWS verification
#else
#define LOGTO_HAS_RSA 0
#endif
#if defined(MBEDTLS_GCM_C) && defined(MBEDTLS_AES_C)
#define LOGTO_HAS_GCM 1  ///< AES-256-GCM (sealed_storage)
#else
#define LOGTO_HAS_GCM 0
#endif
#if defined(MBEDTLS_SSL_CLI_C) && defined(MBEDTLS_X509_CRT_PARSE_C)
#define LOGTO_HAS_TLS 1  ///< SMTP over TLS (smtp/tls.hpp and what uses it)
#else
#define LOGTO_HAS_TLS 0
#endif

/// Define as 1 to verify JWS signatures, hash and HMAC with OpenSSL 3 instead of mbedTLS (core/crypto/backend.hpp;
/// link libcrypto). mbedTLS stays required for everything else. Every translation unit must see the same value.
#ifndef LOGTO_CRYPTO_OPENSSL
#define LOGTO_CRYPTO_OPENSSL 0
#endif

/// Largest JSON document the parsers accept (bytes). Provider and token responses are far smaller.
#ifndef LOGTO_MAX_JSON_SIZE
#define LOGTO_MAX_JSON_SIZE (static_cast<std::size_t>(1024) * 1024u)
#endif

/// Deepest JSON nesting the parser accepts.
#ifndef LOGTO_MAX_JSON_DEPTH
#define LOGTO_MAX_JSON_DEPTH 64
#endif

/// Define as 1 on firmware to leave the general decimal conversions out of the JSON code: reading
/// (libstdc++'s `from_chars` or the C library's `strtod`: about 33 KB of flash on a Cortex-M4) and
/// writing (`std::to_chars` for double: about 123 KB). Numbers with at most 15 significant digits and a
/// power of ten within +-22 (every integer up to 10^15, every timestamp, `expires_in`, `interval`,
/// ordinary decimals) are still read and written exactly as JavaScript does; any other number is
/// refused when read (`errc::invalid_json` naming this macro) and written rounded to 15 digits.
#ifndef LOGTO_JSON_SMALL_NUMBERS
#define LOGTO_JSON_SMALL_NUMBERS 0
#endif

/// Largest compact JWT accepted (bytes).
#ifndef LOGTO_MAX_JWT_SIZE
#define LOGTO_MAX_JWT_SIZE (static_cast<std::size_t>(64) * 1024u)
#endif

namespace logto {
/// Library version as a string, e.g. "0.1.0".
inline constexpr const char* version_string = LOGTO_VERSION_STRING;
}  // namespace logto
