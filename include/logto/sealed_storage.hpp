/// @file
/// @brief `logto::sealed_storage`: a storage adapter that seals every value with AES-256-GCM, for devices
/// that keep tokens in plain flash or a file and have no keychain.
///
/// Each value is encrypted and authenticated under a host-supplied 256-bit key, with the storage key and
/// the key version as associated data, so a value copied to another key (say `idToken` pasted over
/// `refreshToken`), written under another sealing key, cut short, flipped or produced by anything else
/// reads as *absent*, never as a token. The client then behaves as after a sign-out: nothing forged or
/// swapped is ever handed out.
///
/// Stored form (text, so any storage that keeps strings keeps it):
/// `lgs1.` + base64url(version:4 bytes big-endian || iv:12 || ciphertext || tag:16)
/// with associated data `"logto-sealed-storage/1" 0x00 <storage key> 0x00 <version:4 bytes>`.
/// The IV is 96 random bits per write; with at most a few thousand writes per key over a device's life
/// the NIST SP 800-38D bound of 2^32 random IVs per key is never approached. Rotate keys by adding the new
/// one with a higher version: values sealed under an older version that is still in the ring stay
/// readable, and are sealed again under the current key the next time they are written.
///
/// The key comes from the host (a secure element, a key derived from a device secret, ...): the adapter
/// cannot protect against a host that stores the key beside the sealed values; it protects values at rest
/// from being read or swapped without the key.
#pragma once

#include <array>        // std::array
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint32_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "logto/core/aead.hpp"
#include "logto/core/crypto.hpp"
#include "logto/core/encoding.hpp"
#include "logto/core/result.hpp"
#include "logto/storage.hpp"

namespace logto {

/// One sealing key and its version (any number the host chooses; a higher one for each rotation).
struct sealing_key {
  std::uint32_t version = 0;
  crypto::secret key;  ///< exactly 32 raw bytes (AES-256)
};

/// Wraps `Inner` (any storage) so that every value is sealed with AES-256-GCM. `Inner` is held by reference
/// and must outlive the adapter. `Random` supplies IVs (the default CSPRNG unless the host has its own).
template <class Inner, class Random = crypto::default_random>
class sealed_storage {
  static_assert(is_storage<Inner>::value, "Inner must be a storage (see logto/storage.hpp)");
  static_assert(crypto::is_random_source<Random>::value, "Random must provide bool fill(unsigned char*, size_t)");

 public:
  /// Values are sealed with the key of the highest version in `keys`; every key in `keys` opens values.
  sealed_storage(Inner& inner, std::vector<sealing_key> keys, Random random = Random())
      : inner_(inner), keys_(std::move(keys)), random_(std::move(random)) {
    for (const auto& k : keys_) {
      if (k.key.reveal().size() != crypto::aes256_gcm_key_size) {
        config_error_ = make_error(errc::invalid_argument, "sealed_storage: key version " + std::to_string(k.version) +
                                                               " is not 32 bytes (AES-256 needs a 256-bit key)");
      }
      if (current_ == nullptr || k.version > current_->version) current_ = &k;
    }
    if (current_ == nullptr) config_error_ = make_error(errc::invalid_argument, "sealed_storage: no sealing key given");
  }
  sealed_storage(const sealed_storage&) = delete;
  sealed_storage& operator=(const sealed_storage&) = delete;

  /// OK, or why the keys given to the constructor are unusable (then nothing is read or written).
  result<void> valid() const {
    if (config_error_) return *config_error_;
    return ok();
  }

  /// The opened value, or nothing when it is absent or does not open under `key` with a known sealing key.
  std::optional<std::string> get(std::string_view key) const {
    if (config_error_) return std::nullopt;
    auto stored = inner_.get(key);
    if (!stored) return std::nullopt;
    auto opened = open(key, *stored);
    crypto::wipe(*stored);
    return opened;
  }

  /// Seals `value` under the current key and writes it; the plaintext is wiped.
  result<void> set(std::string_view key, std::string value) {
    auto sealed = seal(key, value);
    crypto::wipe(value);
    if (!sealed) return sealed.error();
    return detail::storage_write(inner_, key, std::move(*sealed));
  }

  /// Removes `key` from the inner storage.
  result<void> remove(std::string_view key) { return detail::storage_erase(inner_, key); }

  /// The sealed text for `value` under `key` (what `set` writes), for tests and build-time seeding.
  result<std::string> seal(std::string_view key, std::string_view value) {
    if (config_error_) return *config_error_;
    std::array<unsigned char, crypto::aes256_gcm_iv_size> iv{};
    if (!random_.fill(iv.data(), iv.size())) {
      return make_error(errc::crypto_error, "sealed_storage: the random source failed; nothing was written");
    }
    const std::string header = version_bytes(current_->version);
    auto box = crypto::aes256_gcm_seal(current_->key.reveal(), iv, associated_data(key, current_->version), value);
    if (!box) return box.error();
    std::string raw = header;
    raw.append(reinterpret_cast<const char*>(iv.data()), iv.size());
    raw += *box;
    crypto::wipe(*box);
    return std::string(prefix) + base64url_encode(raw);
  }

 private:
  static constexpr std::string_view prefix = "lgs1.";

  static std::string version_bytes(std::uint32_t v) {
    std::string out(4, '\0');
    for (int i = 0; i < 4; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>((v >> (24 - 8 * i)) & 0xFFu);
    return out;
  }
  static std::string associated_data(std::string_view key, std::uint32_t version) {
    std::string ad("logto-sealed-storage/1");
    ad += '\0';
    ad += key;
    ad += '\0';
    ad += version_bytes(version);
    return ad;
  }

  std::optional<std::string> open(std::string_view key, std::string_view stored) const {
    if (stored.substr(0, prefix.size()) != prefix) return std::nullopt;
    auto raw = base64url_decode(stored.substr(prefix.size()));
    if (!raw) return std::nullopt;
    constexpr std::size_t overhead = 4 + crypto::aes256_gcm_iv_size + crypto::aes256_gcm_tag_size;
    if (raw->size() < overhead) return std::nullopt;
    std::uint32_t version = 0;
    for (std::size_t i = 0; i < 4; ++i) version = (version << 8) | static_cast<unsigned char>((*raw)[i]);
    const sealing_key* k = nullptr;
    for (const auto& candidate : keys_) {
      if (candidate.version == version) k = &candidate;
    }
    if (k == nullptr) return std::nullopt;
    const std::string_view bytes(*raw);
    auto opened = crypto::aes256_gcm_open(k->key.reveal(), bytes.substr(4, crypto::aes256_gcm_iv_size),
                                          associated_data(key, version), bytes.substr(4 + crypto::aes256_gcm_iv_size));
    crypto::wipe(*raw);
    if (!opened) return std::nullopt;
    return std::move(*opened);
  }

  Inner& inner_;
  std::vector<sealing_key> keys_;
  const sealing_key* current_ = nullptr;
  Random random_;
  std::optional<error> config_error_;
};

}  // namespace logto
