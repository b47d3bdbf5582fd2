/// @file
/// @brief Crypto façade: hashes and HMAC through the crypto backend (core/crypto/backend.hpp: mbedTLS 2.28 / 3.x
/// by default, or OpenSSL 3), a CSPRNG (mbedTLS CTR-DRBG), constant-time comparison and zeroization.
#pragma once

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint8_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <type_traits>  // std::true_type, std::void_t
#include <utility>      // std::declval

#include <mbedtls/ctr_drbg.h>       // mbedtls_ctr_drbg_*
#include <mbedtls/entropy.h>        // mbedtls_entropy_*
#include <mbedtls/md.h>             // mbedtls_md_*
#include <mbedtls/platform_util.h>  // mbedtls_platform_zeroize

#include "logto/core/crypto/backend.hpp"
#include "logto/core/encoding.hpp"
#include "logto/core/result.hpp"
#include "logto/core/sync.hpp"

namespace logto {
namespace crypto {

/// The hash functions the library uses (JWS, Aliyun HMAC-SHA1, Tencent TC3, PKCE).
enum class hash_alg { sha1, sha256, sha384, sha512 };

/// Digest size in bytes.
constexpr std::size_t hash_size(hash_alg alg) noexcept {
  return alg == hash_alg::sha1 ? 20 : alg == hash_alg::sha256 ? 32 : alg == hash_alg::sha384 ? 48 : 64;
}

/// The mbedTLS identifier of `alg`.
constexpr mbedtls_md_type_t md_type(hash_alg alg) noexcept {
  return alg == hash_alg::sha1     ? MBEDTLS_MD_SHA1
         : alg == hash_alg::sha256 ? MBEDTLS_MD_SHA256
         : alg == hash_alg::sha384 ? MBEDTLS_MD_SHA384
                                   : MBEDTLS_MD_SHA512;
}

/// The backend's identifier of `alg`.
constexpr backend::hash_id hash_id_of(hash_alg alg) noexcept { return static_cast<backend::hash_id>(alg); }

/// Message digest of `data` (raw bytes).
inline result<std::string> digest(hash_alg alg, std::string_view data) {
  unsigned char out[64];
  const int rc =
      backend::digest(hash_id_of(alg), reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
  if (rc != 0) {
    return make_error(errc::crypto_error, "hashing failed (is the hash in this crypto library's build?)",
                      std::string(backend::name) + " " + std::to_string(rc));
  }
  return std::string(reinterpret_cast<const char*>(out), hash_size(alg));
}

/// HMAC (RFC 2104) of `data` under `key` (raw bytes).
inline result<std::string> hmac(hash_alg alg, std::string_view key, std::string_view data) {
  unsigned char out[64];
  const int rc = backend::hmac(hash_id_of(alg), reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                               reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
  if (rc != 0)
    return make_error(errc::crypto_error, "HMAC failed", std::string(backend::name) + " " + std::to_string(rc));
  std::string mac(reinterpret_cast<const char*>(out), hash_size(alg));
  mbedtls_platform_zeroize(out, sizeof out);
  return mac;
}

/// SHA-256 of `data`, a shortcut used by PKCE and Tencent TC3.
inline result<std::string> sha256(std::string_view data) { return digest(hash_alg::sha256, data); }

/// Compares two byte strings in time that depends only on their lengths (lengths are not secret).
inline bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  volatile unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff = static_cast<unsigned char>(diff | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i])));
  }
  return diff == 0;
}

/// Overwrites `len` bytes at `p` in a way the optimiser keeps.
inline void zeroize(void* p, std::size_t len) noexcept {
  if (p != nullptr && len != 0) mbedtls_platform_zeroize(p, len);
}

/// Overwrites the whole buffer of `s` (its capacity, not just its size) and empties it.
inline void wipe(std::string& s) noexcept {
  if (s.capacity() != 0) {
    s.resize(s.capacity());
    zeroize(&s[0], s.size());
  }
  s.clear();
}

/// A string that wipes itself when it goes away: for secrets held longer than one call.
class secret {
 public:
  secret() = default;
  explicit secret(std::string v) : value_(std::move(v)) {}
  secret(const secret& other) : value_(other.value_) {}
  // Swap, not std::string's move constructor: the moved-from side is left empty either way, and GCC 12
  // at -O3 reports a false -Warray-bounds on the inlined short-string copy of a moved `secret`.
  secret(secret&& other) noexcept { value_.swap(other.value_); }
  secret& operator=(const secret& other) {
    if (this != &other) {
      wipe(value_);
      value_ = other.value_;
    }
    return *this;
  }
  secret& operator=(secret&& other) noexcept {
    if (this != &other) {
      wipe(value_);
      value_ = std::move(other.value_);
      wipe(other.value_);
    }
    return *this;
  }
  ~secret() { wipe(value_); }
  const std::string& reveal() const noexcept { return value_; }
  bool empty() const noexcept { return value_.empty(); }

 private:
  std::string value_;
};

// ---------------------------------------------------------------------------------------------
// Randomness. A random source is any type with `bool fill(unsigned char* out, std::size_t n)`
// that returns false when it cannot deliver (never a weak fallback).

template <class R, class = void>
struct is_random_source : std::false_type {};
template <class R>
struct is_random_source<
    R, std::void_t<decltype(static_cast<bool>(std::declval<R&>().fill(std::declval<unsigned char*>(), std::size_t{})))>>
    : std::true_type {};

/// The default random source: mbedTLS CTR-DRBG (AES-256) seeded from `mbedtls_entropy` (the
/// platform's entropy: getrandom / /dev/urandom on Linux). Seeded on first use; thread-safe unless LOGTO_NO_THREADS.
class ctr_drbg_random {
 public:
  ctr_drbg_random() {
    mbedtls_entropy_init(&entropy_);
    mbedtls_ctr_drbg_init(&drbg_);
  }
  ctr_drbg_random(const ctr_drbg_random&) = delete;
  ctr_drbg_random& operator=(const ctr_drbg_random&) = delete;
  ~ctr_drbg_random() {
    mbedtls_ctr_drbg_free(&drbg_);
    mbedtls_entropy_free(&entropy_);
  }

  /// Fills `out` with `n` random bytes; false when the entropy source failed.
  bool fill(unsigned char* out, std::size_t n) {
    detail::scoped_lock<default_mutex> lock(mutex_);
    if (!seeded_) {
      static constexpr unsigned char personalization[] = "logto-cpp ctr_drbg";
      if (mbedtls_ctr_drbg_seed(&drbg_, mbedtls_entropy_func, &entropy_, personalization, sizeof personalization - 1) !=
          0) {
        return false;
      }
      seeded_ = true;
    }
    while (n > 0) {
      const std::size_t chunk = n < MBEDTLS_CTR_DRBG_MAX_REQUEST ? n : MBEDTLS_CTR_DRBG_MAX_REQUEST;
      if (mbedtls_ctr_drbg_random(&drbg_, out, chunk) != 0) return false;
      out += chunk;
      n -= chunk;
    }
    return true;
  }

  /// The process-wide default instance.
  static ctr_drbg_random& instance() {
    static ctr_drbg_random rng;
    return rng;
  }

 private:
  default_mutex mutex_;
  bool seeded_ = false;
  mbedtls_entropy_context entropy_;
  mbedtls_ctr_drbg_context drbg_;
};

/// A handle to the process-wide `ctr_drbg_random`; cheap to copy. The default random source.
struct default_random {
  bool fill(unsigned char* out, std::size_t n) { return ctr_drbg_random::instance().fill(out, n); }
};

/// Adapts a random source to mbedTLS's `f_rng` callback signature.
template <class Random>
int mbedtls_rng(void* ctx, unsigned char* out, std::size_t len) {
  return static_cast<Random*>(ctx)->fill(out, len) ? 0 : MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
}

/// `n` random bytes.
template <class Random>
result<std::string> random_bytes(Random& rng, std::size_t n) {
  static_assert(is_random_source<Random>::value, "Random must provide bool fill(unsigned char*, std::size_t)");
  std::string out(n, '\0');
  if (n != 0 && !rng.fill(reinterpret_cast<unsigned char*>(&out[0]), n)) {
    return make_error(errc::crypto_error, "the random source failed to deliver bytes");
  }
  return out;
}

/// A random (version 4) UUID in lower case, as `crypto.randomUUID()` makes (Aliyun's SignatureNonce).
template <class Random>
result<std::string> uuid_v4(Random& rng) {
  auto bytes = random_bytes(rng, 16);
  if (!bytes) return bytes.error();
  std::string& b = *bytes;
  b[6] = static_cast<char>((static_cast<unsigned char>(b[6]) & 0x0F) | 0x40);
  b[8] = static_cast<char>((static_cast<unsigned char>(b[8]) & 0x3F) | 0x80);
  const std::string h = hex_encode(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

}  // namespace crypto
}  // namespace logto
