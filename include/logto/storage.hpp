/// @file
/// @brief The storage concept (where the client keeps tokens) and an in-memory implementation.
#pragma once

#include <map>          // std::map
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <type_traits>  // std::void_t
#include <utility>      // std::declval

#include "logto/core/crypto.hpp"
#include "logto/core/result.hpp"
#include "logto/core/sync.hpp"

namespace logto {

/// A storage is any type with
///   `std::optional<std::string> get(std::string_view key)`,
///   `set(std::string_view key, std::string value)` and `remove(std::string_view key)`.
/// `set` and `remove` may return `void` (they cannot fail), `bool` (false: the write failed) or
/// `result<void>` (an error saying why: full flash, keychain locked, ...); the client reports a failed
/// write as `errc::storage_write_failed` naming the key, and never hands out a token whose refresh token
/// it could not keep.
/// Keys and value formats are `@logto/client`'s (`idToken`, `refreshToken`, `accessToken`,
/// `signInSession`), so a session written by a JS app is readable here and the other way round.
/// `set` must replace the value atomically (a reader sees the old or the new value, never a mix).
template <class S, class = void>
struct is_storage : std::false_type {};
template <class S>
struct is_storage<S, std::void_t<decltype(std::optional<std::string>(std::declval<S&>().get(std::string_view()))),
                                 decltype(std::declval<S&>().set(std::string_view(), std::string())),
                                 decltype(std::declval<S&>().remove(std::string_view()))>> : std::true_type {};

#if defined(__cpp_concepts) && __cpp_concepts >= 201907L
/// C++20 spelling of `is_storage`.
template <class S>
concept storage = is_storage<S>::value;
#endif

namespace detail {
inline result<void> storage_outcome(bool written, std::string_view op, std::string_view key) {
  if (written) return ok();
  return make_error(errc::storage_write_failed,
                    "the storage could not " + std::string(op) + " \"" + std::string(key) +
                        "\" (full, locked or read-only?); the value in memory is kept and written again later",
                    std::string(key));
}
inline result<void> storage_outcome(result<void> r, std::string_view op, std::string_view key) {
  if (r) return r;
  error e = r.error();
  e.message = "the storage could not " + std::string(op) + " \"" + std::string(key) + "\": " + e.message;
  if (e.detail.empty()) e.detail = std::string(key);
  e.code = errc::storage_write_failed;
  return e;
}

/// `storage.set(key, value)` as a `result<void>`, whatever `set` returns (void, bool or result<void>).
template <class Storage>
result<void> storage_write(Storage& storage, std::string_view key, std::string value) {
  using R = decltype(storage.set(key, std::declval<std::string>()));
  if constexpr (std::is_void<R>::value) {
    storage.set(key, std::move(value));
    return ok();
  } else if constexpr (std::is_same<R, bool>::value) {
    return storage_outcome(static_cast<bool>(storage.set(key, std::move(value))), "write", key);
  } else {
    return storage_outcome(result<void>(storage.set(key, std::move(value))), "write", key);
  }
}

/// `storage.remove(key)` as a `result<void>`, whatever `remove` returns.
template <class Storage>
result<void> storage_erase(Storage& storage, std::string_view key) {
  using R = decltype(storage.remove(key));
  if constexpr (std::is_void<R>::value) {
    storage.remove(key);
    return ok();
  } else if constexpr (std::is_same<R, bool>::value) {
    return storage_outcome(static_cast<bool>(storage.remove(key)), "remove", key);
  } else {
    return storage_outcome(result<void>(storage.remove(key)), "remove", key);
  }
}
}  // namespace detail

/// Keeps everything in memory (lost at exit); wipes values when they are replaced or removed.
class memory_storage {
 public:
  memory_storage() = default;
  memory_storage(const memory_storage&) = delete;
  memory_storage& operator=(const memory_storage&) = delete;
  ~memory_storage() {
    for (auto& kv : items_) crypto::wipe(kv.second);
  }

  std::optional<std::string> get(std::string_view key) const {
    detail::scoped_lock<default_mutex> lock(mutex_);
    const auto it = items_.find(std::string(key));
    if (it == items_.end()) return std::nullopt;
    return it->second;
  }
  void set(std::string_view key, std::string value) {
    detail::scoped_lock<default_mutex> lock(mutex_);
    auto& slot = items_[std::string(key)];
    crypto::wipe(slot);
    slot = std::move(value);
  }
  void remove(std::string_view key) {
    detail::scoped_lock<default_mutex> lock(mutex_);
    const auto it = items_.find(std::string(key));
    if (it == items_.end()) return;
    crypto::wipe(it->second);
    items_.erase(it);
  }
  /// Number of keys held (for tests).
  std::size_t size() const {
    detail::scoped_lock<default_mutex> lock(mutex_);
    return items_.size();
  }

 private:
  mutable default_mutex mutex_;
  std::map<std::string, std::string> items_;
};

}  // namespace logto
