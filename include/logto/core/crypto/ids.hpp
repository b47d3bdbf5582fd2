/// @file
/// @brief The identifiers both crypto backends share (core/crypto/backend.hpp): hashes and curves.
#pragma once

#include <cstdint>  // std::uint8_t

namespace logto {
namespace crypto {
namespace backend {

/// The hash functions of the seam (the order of `crypto::hash_alg`).
enum class hash_id : std::uint8_t { sha1, sha256, sha384, sha512 };

/// NIST curves (the order of `jose::curve`).
enum class ec_curve : std::uint8_t { p256, p384, p521 };

}  // namespace backend
}  // namespace crypto
}  // namespace logto
