/// @file
/// @brief JWS algorithms (RFC 7518 3.1), the key types and curves they need, and an allow-list of them
/// (RFC 8725 3.1).
#pragma once

#include <cstddef>           // std::size_t
#include <cstdint>           // std::uint16_t, std::uint8_t
#include <initializer_list>  // std::initializer_list
#include <optional>          // std::optional
#include <string>            // std::string
#include <string_view>       // std::string_view
#include <vector>            // std::vector

#include "logto/core/crypto.hpp"  // crypto::hash_alg

namespace logto {
namespace jose {

/// The JWS algorithms this library verifies (RFC 7518 3.1). `none`, HS* (symmetric, so never for tokens
/// from a provider's JWKS) and EdDSA (not in mbedTLS 2.28/3.6) are deliberately absent.
enum class algorithm : std::uint8_t { rs256, rs384, rs512, ps256, ps384, ps512, es256, es384, es512 };

/// Number of `algorithm` values.
inline constexpr std::size_t algorithm_count = 9;

/// The `alg` name, e.g. "ES384".
constexpr std::string_view to_string(algorithm alg) noexcept {
  switch (alg) {
    case algorithm::rs256: return "RS256";
    case algorithm::rs384: return "RS384";
    case algorithm::rs512: return "RS512";
    case algorithm::ps256: return "PS256";
    case algorithm::ps384: return "PS384";
    case algorithm::ps512: return "PS512";
    case algorithm::es256: return "ES256";
    case algorithm::es384: return "ES384";
    case algorithm::es512: return "ES512";
  }
  return "unknown";
}

/// The algorithm named `name` (exact, case-sensitive as RFC 7515 4.1.1 requires), or nullopt.
constexpr std::optional<algorithm> algorithm_from_name(std::string_view name) noexcept {
  for (std::size_t i = 0; i < algorithm_count; ++i) {
    const auto alg = static_cast<algorithm>(i);
    if (to_string(alg) == name) return alg;
  }
  return std::nullopt;
}

/// The hash the algorithm signs with (SHA-256/384/512).
constexpr crypto::hash_alg hash_of(algorithm alg) noexcept {
  switch (alg) {
    case algorithm::rs256:
    case algorithm::ps256:
    case algorithm::es256: return crypto::hash_alg::sha256;
    case algorithm::rs384:
    case algorithm::ps384:
    case algorithm::es384: return crypto::hash_alg::sha384;
    default: return crypto::hash_alg::sha512;
  }
}

/// JWK key types this library can use (RFC 7518 6.1).
enum class key_type : std::uint8_t { rsa, ec };

/// NIST curves of RFC 7518 6.2.1.1.
enum class curve : std::uint8_t { p256, p384, p521 };

/// "RSA" or "EC".
constexpr std::string_view to_string(key_type type) noexcept { return type == key_type::rsa ? "RSA" : "EC"; }

/// "P-256", "P-384" or "P-521".
constexpr std::string_view to_string(curve crv) noexcept {
  return crv == curve::p256 ? "P-256" : crv == curve::p384 ? "P-384" : "P-521";
}

/// Bytes of one coordinate (and of r and of s in a JWS signature, RFC 7518 3.4): 32, 48, 66.
constexpr std::size_t coordinate_size(curve crv) noexcept {
  return crv == curve::p256 ? 32 : crv == curve::p384 ? 48 : 66;
}

/// The key type an algorithm needs.
constexpr key_type key_type_of(algorithm alg) noexcept {
  return alg >= algorithm::es256 ? key_type::ec : key_type::rsa;
}

/// The curve an ES* algorithm needs (RFC 7518 3.4), nullopt for RSA algorithms.
constexpr std::optional<curve> curve_of(algorithm alg) noexcept {
  switch (alg) {
    case algorithm::es256: return curve::p256;
    case algorithm::es384: return curve::p384;
    case algorithm::es512: return curve::p521;
    default: return std::nullopt;
  }
}

/// An allow-list of algorithms (RFC 8725 3.1: the verifier, not the token, decides).
class algorithm_set {
 public:
  /// The empty set.
  constexpr algorithm_set() noexcept = default;
  /// Exactly these algorithms.
  constexpr algorithm_set(std::initializer_list<algorithm> algs) noexcept {
    for (const algorithm a : algs) bits_ = static_cast<std::uint16_t>(bits_ | bit(a));
  }
  /// Every algorithm this library implements (RS*, PS*, ES*): what @logto/client's jose accepts from a JWKS.
  static constexpr algorithm_set all() noexcept {
    algorithm_set s;
    s.bits_ = static_cast<std::uint16_t>((1u << algorithm_count) - 1u);
    return s;
  }
  /// The supported algorithms among `names` (e.g. discovery's `id_token_signing_alg_values_supported`);
  /// unknown names such as "none", "HS256" or "EdDSA" are skipped.
  static algorithm_set from_names(const std::vector<std::string>& names) noexcept {
    algorithm_set s;
    for (const auto& n : names) {
      if (const auto a = algorithm_from_name(n)) s.insert(*a);
    }
    return s;
  }
  constexpr bool contains(algorithm alg) const noexcept { return (bits_ & bit(alg)) != 0; }
  constexpr bool empty() const noexcept { return bits_ == 0; }
  constexpr algorithm_set& insert(algorithm alg) noexcept {
    bits_ = static_cast<std::uint16_t>(bits_ | bit(alg));
    return *this;
  }
  constexpr algorithm_set& erase(algorithm alg) noexcept {
    bits_ = static_cast<std::uint16_t>(bits_ & ~bit(alg));
    return *this;
  }
  constexpr bool operator==(const algorithm_set& o) const noexcept { return bits_ == o.bits_; }
  constexpr bool operator!=(const algorithm_set& o) const noexcept { return bits_ != o.bits_; }

 private:
  static constexpr std::uint16_t bit(algorithm alg) noexcept {
    return static_cast<std::uint16_t>(1u << static_cast<unsigned>(alg));
  }
  std::uint16_t bits_ = 0;
};

}  // namespace jose
}  // namespace logto
