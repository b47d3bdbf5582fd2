/// @file
/// @brief A cache of verified tokens, for API servers that see the same access token on every request: a repeat
/// costs a SHA-256 of the token, a hash-map lookup and the claim checks, instead of a signature verification.
///
/// Correctness rules:
/// - entries are keyed by SHA-256 of the whole compact token, and only tokens that fully verified are stored;
/// - a hit is re-validated with `jose::validate` under the caller's current options (allow-list, `typ`, `iss`,
///   `aud`, `exp`/`nbf` with the options' clamped leeway, scopes ...), so a cached token is never accepted past
///   `exp` + the leeway the verifier itself allows, nor under options it would not pass;
/// - tokens without `exp` are not cached;
/// - the cache empties itself when it is used with a different key set (`key_set::fingerprint()`), so a key
///   removed by rotation stops vouching for cached tokens at once;
/// - the size is bounded: when full, entries expired beyond any leeway go first, then the one expiring soonest.
///
/// Thread-safety: none inside; guard it with a mutex. Results are shared_ptrs that stay valid after unlocking.
#pragma once

#include <cstddef>        // std::size_t
#include <cstdint>        // std::int64_t
#include <memory>         // std::shared_ptr, std::make_shared
#include <optional>       // std::optional
#include <string>         // std::string
#include <string_view>    // std::string_view
#include <unordered_map>  // std::unordered_map
#include <utility>        // std::move

#include "logto/core/crypto.hpp"
#include "logto/core/result.hpp"
#include "logto/jose/jwk.hpp"
#include "logto/jose/jwt.hpp"

namespace logto {
namespace jose {

/// Verified-token cache (see the file comment).
class verified_token_cache {
 public:
  /// A cache holding at most `capacity` tokens (0 disables caching).
  explicit verified_token_cache(std::size_t capacity = 1024) : capacity_(capacity) {}

  /// Verifies `token` like `verify_jwt(token, keys, options)`, answering from the cache when this exact token
  /// already verified under the same key set.
  result<std::shared_ptr<const verified_jwt>> verify(std::string_view token, const key_set& keys,
                                                     const verify_options& options) {
    if (auto r = detail::check_options(options); !r) return r.error();
    auto digest = crypto::sha256(token);
    if (!digest) return digest.error();
    if (auto cached = lookup(*digest, keys.fingerprint(), options)) return std::move(*cached);
    auto verified = verify_jwt(token, keys, options);
    if (!verified) return verified.error();
    auto shared = std::make_shared<const verified_jwt>(std::move(*verified));
    store(std::move(*digest), keys.fingerprint(), shared, *options.now);
    return shared;
  }

  /// `verify` in two halves, for a caller that locks the cache but not the signature check between them
  /// (`api::access_token_verifier`): `lookup` answers for a token digest (`crypto::sha256` of the compact
  /// token) that verified under the key set with `fingerprint`, re-validated under `options`; nullopt when
  /// it is not cached (counted as a miss). `options` must have passed `detail::check_options`.
  std::optional<result<std::shared_ptr<const verified_jwt>>> lookup(const std::string& digest,
                                                                    const std::string& fingerprint,
                                                                    const verify_options& options) {
    if (fingerprint != fingerprint_) {
      entries_.clear();
      fingerprint_ = fingerprint;
    }
    const auto it = entries_.find(digest);
    if (it == entries_.end()) {
      ++misses_;
      return std::nullopt;
    }
    ++hits_;
    auto r = validate(*it->second, options);
    if (!r) {
      if (r.error().code == errc::jwt_expired) entries_.erase(it);
      return result<std::shared_ptr<const verified_jwt>>(r.error());
    }
    return result<std::shared_ptr<const verified_jwt>>(it->second);
  }

  /// The second half: keeps `token`, which fully verified under the key set with `fingerprint`, unless it
  /// has no `exp` or the key set changed meanwhile.
  void store(std::string digest, const std::string& fingerprint, std::shared_ptr<const verified_jwt> token,
             std::int64_t now) {
    if (capacity_ == 0 || !token->claims.exp) return;
    if (fingerprint != fingerprint_) return;  // verified under keys the cache has moved on from: not kept
    if (entries_.size() >= capacity_) evict(now);
    entries_.emplace(std::move(digest), std::move(token));
  }

  /// Drops every entry.
  void clear() noexcept { entries_.clear(); }
  std::size_t size() const noexcept { return entries_.size(); }
  std::size_t capacity() const noexcept { return capacity_; }
  /// Lookups answered from the cache / verified in full (for monitoring and tests).
  std::size_t hits() const noexcept { return hits_; }
  std::size_t misses() const noexcept { return misses_; }

 private:
  void evict(std::int64_t now) {
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (now >= *it->second->claims.exp + max_leeway) {
        it = entries_.erase(it);
      } else {
        ++it;
      }
    }
    while (entries_.size() >= capacity_ && !entries_.empty()) {
      auto soonest = entries_.begin();
      for (auto it = entries_.begin(); it != entries_.end(); ++it) {
        if (*it->second->claims.exp < *soonest->second->claims.exp) soonest = it;
      }
      entries_.erase(soonest);
    }
  }

  std::size_t capacity_;
  std::unordered_map<std::string, std::shared_ptr<const verified_jwt>> entries_;
  std::string fingerprint_;
  std::size_t hits_ = 0;
  std::size_t misses_ = 0;
};

}  // namespace jose
}  // namespace logto
