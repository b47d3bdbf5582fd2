/// @file
/// @brief A sans-I/O JWKS cache: holds the provider's current key set and tells the caller when to (re)fetch
/// `jwks_uri`; the caller does the HTTP request and hands the body back.
///
/// Policy (as jose's `createRemoteJWKSet`, which @logto/client uses): keys are fresh for `max_age` (600 s);
/// a token whose `kid` is unknown, or that no key fits, allows one refetch, but not sooner than `cooldown`
/// (30 s) after the previous fetch attempt, so forged tokens cannot make the app hammer the provider
/// (OIDC Core 10.1.1). A refetch that returns the same key set keeps the existing `key_set` object (and its
/// warmed-up EC tables); a changed set bumps `generation()`.
///
/// Thread-safety: none inside; guard the cache with the host's mutex. `keys()` returns a shared snapshot that
/// stays valid, and may be used for verification from any thread, after the lock is released.
#pragma once

#include <cstdint>      // std::int64_t, std::uint64_t
#include <memory>       // std::shared_ptr, std::make_shared
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move

#include "logto/core/result.hpp"
#include "logto/jose/jwk.hpp"
#include "logto/jose/jws.hpp"

namespace logto {
namespace jose {

/// Why the cache wants the JWKS fetched.
enum class jwks_fetch_reason {
  none,         ///< no fetch needed
  no_keys,      ///< nothing fetched successfully yet
  stale,        ///< the keys are older than `max_age`
  unknown_kid,  ///< a token names a kid the set does not have (key rotation)
};

/// Timing of a `jwks_cache`, in seconds.
struct jwks_cache_options {
  std::int64_t max_age = 600;  ///< jose's cacheMaxAge (10 min)
  std::int64_t cooldown = 30;  ///< jose's cooldownDuration: least time between two fetch attempts for a kid miss
};

/// The current key set of one provider plus its fetch bookkeeping. See the file comment.
class jwks_cache {
 public:
  jwks_cache() = default;
  explicit jwks_cache(jwks_cache_options options) : options_(options) {}

  /// Whether a fetch is due before verifying anything: `no_keys` or `stale` (a stale set is refetched at most
  /// once per cooldown after a failed attempt; meanwhile the stale keys stay usable).
  jwks_fetch_reason fetch_needed(std::int64_t now) const noexcept {
    if (!keys_) return jwks_fetch_reason::no_keys;
    if (now - fetched_at_ >= options_.max_age && cooldown_over(now)) return jwks_fetch_reason::stale;
    return jwks_fetch_reason::none;
  }

  /// As above, for a token naming `kid` (from `decode_header`): also `unknown_kid` when the set has no entry
  /// with that kid and the cooldown since the last attempt is over.
  jwks_fetch_reason fetch_needed(std::int64_t now, std::string_view kid) const noexcept {
    const jwks_fetch_reason r = fetch_needed(now);
    if (r != jwks_fetch_reason::none) return r;
    if (!keys_->knows_kid(kid) && cooldown_over(now)) return jwks_fetch_reason::unknown_kid;
    return jwks_fetch_reason::none;
  }

  /// After a verification failed with `errc::jwt_no_matching_key`: may the caller refetch now (once)?
  bool refetch_allowed(std::int64_t now) const noexcept { return cooldown_over(now); }

  /// Hands over a fetched JWKS body. On success the set replaces the current one (or, when the document is
  /// unchanged, only refreshes the fetch time). On failure (`errc::jwks_invalid`) the previous keys stay, and
  /// the attempt still counts for the cooldown.
  result<void> update(std::string_view jwks_json, std::int64_t now) {
    last_attempt_ = now;
    attempted_ = true;
    auto set = key_set::parse(jwks_json);
    if (!set) return set.error();
    fetched_at_ = now;
    if (keys_ && keys_->fingerprint() == set->fingerprint()) return ok();
    keys_ = std::make_shared<const key_set>(std::move(*set));
    ++generation_;
    return ok();
  }

  /// Records a fetch that failed in transport (counts for the cooldown; the previous keys stay).
  void fetch_failed(std::int64_t now) noexcept {
    last_attempt_ = now;
    attempted_ = true;
  }

  /// The current key set, or null before the first successful `update`.
  std::shared_ptr<const key_set> keys() const noexcept { return keys_; }
  bool has_keys() const noexcept { return static_cast<bool>(keys_); }
  /// Time of the last successful update.
  std::int64_t fetched_at() const noexcept { return fetched_at_; }
  /// Increments whenever the key set changes (0 before the first one).
  std::uint64_t generation() const noexcept { return generation_; }
  const jwks_cache_options& options() const noexcept { return options_; }

  /// Forgets the keys and the fetch history.
  void clear() noexcept {
    keys_.reset();
    fetched_at_ = 0;
    last_attempt_ = 0;
    attempted_ = false;
  }

 private:
  bool cooldown_over(std::int64_t now) const noexcept {
    return !attempted_ || now - last_attempt_ >= options_.cooldown;
  }

  jwks_cache_options options_;
  std::shared_ptr<const key_set> keys_;
  std::int64_t fetched_at_ = 0;
  std::int64_t last_attempt_ = 0;
  bool attempted_ = false;
  std::uint64_t generation_ = 0;
};

/// Runs `verify(const key_set&) -> result<T>` with the keys of `cache`, fetching the JWKS through
/// `fetch() -> result<std::string>` (the caller's transport) when the cache says so: before verifying when it
/// has no keys or they are stale, and once more when the verification fails with `errc::jwt_no_matching_key`
/// and the cooldown allows it (key rotation). Holds no lock: the caller serialises access to `cache`.
template <class Fetch, class Verify>
auto verify_with_jwks_cache(jwks_cache& cache, std::int64_t now, Fetch&& fetch, Verify&& verify)
    -> decltype(verify(std::declval<const key_set&>())) {
  const auto refresh = [&]() -> result<void> {
    auto body = fetch();
    if (!body) {
      cache.fetch_failed(now);
      return body.error();
    }
    return cache.update(*body, now);
  };
  const jwks_fetch_reason reason = cache.fetch_needed(now);
  if (reason != jwks_fetch_reason::none) {
    auto r = refresh();
    if (!r && !cache.has_keys()) return r.error();
  }
  auto keys = cache.keys();
  auto out = verify(*keys);
  if (!out && out.error().code == errc::jwt_no_matching_key && cache.refetch_allowed(now)) {
    const std::uint64_t before = cache.generation();
    if (auto r = refresh(); !r) {
      error e = std::move(out).error();
      e.message += " (refetching the JWKS failed: " + r.error().message + ")";
      return e;
    }
    if (cache.generation() != before) {
      keys = cache.keys();
      return verify(*keys);
    }
  }
  return out;
}

}  // namespace jose
}  // namespace logto
