/// @file
/// @brief `logto::client`: the blocking driver over `client_core`. Each call locks the core, creates the
/// operation and pumps it with `transport.send`, unlocking the core while a request is on the wire.
///
/// Threads: every member function may be called from several threads at once (with the default
/// `std::mutex`). Callers that need a fetch another thread is performing (discovery, JWKS, the refresh
/// of the same token) wait for it and share its outcome; every use of the refresh token (refresh,
/// sign-in callback, device sign-in, sign-out) runs one at a time, because Logto rotates refresh tokens
/// and revokes the grant when one is used twice. When the storage offers `lock()`/`unlock()`
/// (`has_storage_lock`), it is held from reading the refresh token until the rotated one is stored, so
/// clients sharing the storage do not refresh with the same token either. Single-threaded hosts (bare
/// metal) pass `logto::null_mutex`.
#pragma once

#include <cstdint>      // std::int64_t
#include <functional>   // std::function
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <type_traits>  // std::is_same
#include <utility>      // std::move
#include <vector>       // std::vector

#include "logto/client/core.hpp"
#include "logto/client/types.hpp"
#include "logto/core/config.hpp"
#include "logto/core/crypto.hpp"
#include "logto/core/result.hpp"
#include "logto/core/sync.hpp"
#include "logto/core/time.hpp"
#include "logto/http.hpp"
#include "logto/oidc/claims.hpp"
#include "logto/storage.hpp"

// std::condition_variable_any needs the standard library's threads; mingw-w64's win32 thread model (GCC 12)
// has none and runs on LOGTO_MUTEX, where a gate mutex takes its place (see `wakeup`).
#if !LOGTO_NO_THREADS && !(defined(__GLIBCXX__) && !defined(_GLIBCXX_HAS_GTHREADS))
#define LOGTO_DETAIL_HAS_CONDVAR 1
#include <condition_variable>  // std::condition_variable_any
#else
#define LOGTO_DETAIL_HAS_CONDVAR 0
#endif

namespace logto {
namespace detail {

/// Wakes threads that wait for another thread's fetch. Without threads nobody can be waiting. Without a
/// condition variable (LOGTO_MUTEX hosts whose standard library has no threads) every request on the wire
/// holds a gate of the host's mutex type, and a waiter passes through the gate once the request is back
/// (requests from several threads then go out one at a time).
template <class Mutex>
class wakeup {
 public:
  /// Waits (releasing `m`) until the fetch another thread performs has come back; false when waiting
  /// cannot end (no threads).
  bool wait(Mutex& m) {
    if constexpr (std::is_same<Mutex, null_mutex>::value) {
      (void)m;
      return false;
    } else {
#if LOGTO_NO_THREADS
      (void)m;
      return false;
#elif LOGTO_DETAIL_HAS_CONDVAR
      cv_.wait(m);
      return true;
#else
      m.unlock();
      gate_.lock();
      gate_.unlock();
      m.lock();
      return true;
#endif
    }
  }
  /// Around a request on the wire (the core's lock is not held).
  void begin_send() {
#if !LOGTO_NO_THREADS && !LOGTO_DETAIL_HAS_CONDVAR
    gate_.lock();
#endif
  }
  void end_send() {
#if !LOGTO_NO_THREADS && !LOGTO_DETAIL_HAS_CONDVAR
    gate_.unlock();
#endif
  }
  void notify() {
#if LOGTO_DETAIL_HAS_CONDVAR
    cv_.notify_all();
#endif
  }

 private:
#if LOGTO_DETAIL_HAS_CONDVAR
  std::condition_variable_any cv_;
#elif !LOGTO_NO_THREADS
  Mutex gate_;
#endif
};

}  // namespace detail

/// The blocking Logto client. `Transport` sends HTTP (`is_transport`), `Storage` keeps tokens
/// (`is_storage`); both are held by reference and must outlive the client. `Clock` gives unix seconds,
/// `Random` fills bytes from a CSPRNG, `Mutex` is `std::mutex` (the default) or `null_mutex` (the default
/// with LOGTO_NO_THREADS).
template <class Transport, class Storage, class Clock = system_clock, class Random = crypto::default_random,
          class Mutex = default_mutex>
class client {
  static_assert(is_transport<Transport>::value,
                "Transport must provide result<http_response> send(const http_request&)");

 public:
  using core_type = client_core<Storage, Clock, Random>;

  /// Normalises `cfg` like `@logto/client` (reserved scopes, organization resource, default prompt).
  /// An invalid config is not fatal here: every operation then returns that error (see `valid()`).
  client(const config& cfg, Transport& transport, Storage& storage, client_options options = {}, Clock clock = Clock(),
         Random random = Random())
      : transport_(transport), core_(cfg, storage, std::move(options), std::move(clock), std::move(random)) {
    core_.state().lock_storage = has_storage_lock<Storage>::value;
    core_.state().defer_events = true;
  }
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// OK, or why the config given to the constructor is unusable.
  result<void> valid() const { return core_.valid(); }
  /// The normalised config.
  const config& get_config() const noexcept { return core_.get_config(); }

  // -------------------------------------------------------------------------------------------
  // Sign-in with the system browser (authorization code + PKCE)

  /// Starts a sign-in and returns the URL to open in the system browser (RFC 8252: never an embedded
  /// web view). Stores the sign-in session (`signInSession`) for the callback.
  result<std::string> sign_in(std::string_view redirect_uri) {
    sign_in_options o;
    o.redirect_uri = std::string(redirect_uri);
    return sign_in(o);
  }
  /// As above with every `@logto/client` sign-in option.
  result<std::string> sign_in(const sign_in_options& o) {
    return call([&] { return core_.sign_in(o); });
  }

  /// Completes the sign-in with the URL the browser came back to: checks it (redirect URI, RFC 9207
  /// `iss`, `error`, `state`, `code`), exchanges the code, verifies the ID token, stores the refresh
  /// token, the ID token and the `"@"` access token, then removes the sign-in session. On any failure
  /// nothing is stored and the session stays, so the user can retry.
  result<void> handle_sign_in_callback(std::string_view callback_uri) {
    auto r = call([&] { return core_.handle_sign_in_callback(callback_uri); });
    if (!r) return r.error();
    return ok();
  }

  /// See `client_core::cancel_sign_in`: forgets the sign-in session and returns `errc::user_cancelled`.
  error cancel_sign_in() {
    detail::scoped_lock<Mutex> lock(mutex_);
    return core_.cancel_sign_in();
  }

  /// The `post_redirect_uri` of the last sign-in completed by this client, if it had one.
  std::optional<std::string> post_redirect_uri() const {
    detail::scoped_lock<Mutex> lock(mutex_);
    return core_.post_redirect_uri();
  }

  // -------------------------------------------------------------------------------------------
  // Device sign-in (RFC 8628) for hosts without a browser

  /// Asks for a device code. Show the user code and verification URI, then call
  /// `poll_device_sign_in` / `wait_for_device_sign_in`. Uses the config's scopes and resources.
  result<device_sign_in> start_device_sign_in() {
    return call([&] { return core_.start_device_sign_in(); });
  }

  /// Polls once if a poll is due. `true`: signed in (tokens stored); `false`: not yet (ask
  /// `flow.poller.seconds_until_poll(now)` when to call again); an error: stop (`access_denied`,
  /// `expired_token`, ...). A code that succeeded is never polled again.
  result<bool> poll_device_sign_in(device_sign_in& flow) {
    auto r = call([&] { return core_.poll_device_sign_in(flow); });
    if (!r) return r.error();
    return r->signed_in;
  }

  /// Polls until the user approved or denied, or the code expired (`expired_token` at the deadline at
  /// the latest); the host's `sleep(seconds)` waits between polls (the library itself never sleeps; see
  /// README). A `sleep` that returns `bool` cancels the flow by returning false (`errc::user_cancelled`).
  template <class Sleep>
  result<void> wait_for_device_sign_in(device_sign_in& flow, Sleep&& sleep) {
    const auto waiting = [&](std::int64_t wake_at) -> bool {
      const std::int64_t seconds = wake_at - core_.clock().now();
      if (seconds <= 0) return true;
      if constexpr (std::is_same<decltype(sleep(seconds)), bool>::value) {
        return sleep(seconds);
      } else {
        sleep(seconds);
        return true;
      }
    };
    auto r = call([&] { return core_.wait_for_device_sign_in(flow); }, waiting);
    if (!r) return r.error();
    return ok();
  }

  // -------------------------------------------------------------------------------------------
  // Session state and tokens

  /// True when an ID token is stored (as `@logto/client`: no expiry or signature check here).
  bool is_authenticated() const {
    detail::scoped_lock<Mutex> lock(mutex_);
    return core_.is_authenticated();
  }
  /// The stored ID token, if any.
  std::optional<std::string> get_id_token() const {
    detail::scoped_lock<Mutex> lock(mutex_);
    return core_.get_id_token();
  }
  /// The stored refresh token, if any. Treat it as a password.
  std::optional<std::string> get_refresh_token() const {
    detail::scoped_lock<Mutex> lock(mutex_);
    return core_.get_refresh_token();
  }
  /// The claims of the stored ID token (verified when it was stored; decoded here).
  result<id_token_claims> get_id_token_claims() const {
    detail::scoped_lock<Mutex> lock(mutex_);
    return core_.get_id_token_claims();
  }

  /// An access token for `resource` (empty: the default `"@"` token for userinfo), from the cache
  /// while it is valid for more than `access_token_margin` seconds, else by refreshing. `resource`
  /// must be one of `config.resources`: Logto only grants resources that were in the authorization
  /// request, and a refresh naming another one spends the refresh token (the session would be lost),
  /// so such a call is refused before anything is sent.
  result<std::string> get_access_token(std::string_view resource = {}) { return get_access_token(resource, {}); }
  /// `getAccessToken(resource?, organizationId?)`: a token for an organization-scoped API resource
  /// (an organization needs the `urn:logto:scope:organizations` scope).
  result<std::string> get_access_token(std::string_view resource, std::string_view organization_id) {
    return call([&] { return core_.get_access_token(resource, organization_id); });
  }
  /// An organization token (`urn:logto:scope:organizations` must be in the config's scopes).
  result<std::string> get_organization_token(std::string_view organization_id) {
    return call([&] { return core_.get_organization_token(organization_id); });
  }
  /// The claims of `get_access_token(resource)` (decoded, not verified; empty for an opaque token).
  result<access_token_claims> get_access_token_claims(std::string_view resource = {}) {
    auto token = get_access_token(resource);
    if (!token) return token.error();
    return oidc::decode_access_token(*token);
  }
  /// The claims of `get_organization_token(organization_id)`.
  result<access_token_claims> get_organization_token_claims(std::string_view organization_id) {
    auto token = get_organization_token(organization_id);
    if (!token) return token.error();
    return oidc::decode_access_token(*token);
  }

  /// GET userinfo with the `"@"` access token; its `sub` must equal the ID token's.
  result<user_info> fetch_user_info() {
    return call([&] { return core_.fetch_user_info(); });
  }

  /// Forgets the cached access tokens (memory and storage).
  void clear_access_token() {
    detail::scoped_lock<Mutex> lock(mutex_);
    (void)core_.clear_access_token();
  }
  /// Forgets the ID token, the refresh token and the access tokens (the sign-in session stays). A
  /// refresh still on its way for this session is discarded when it arrives.
  void clear_all_tokens() {
    detail::scoped_lock<Mutex> lock(mutex_);
    (void)core_.clear_all_tokens();
  }

  /// Signs out: revokes the refresh token (best effort), clears local tokens and returns the
  /// end-session URL to open in the browser (with `post_logout_redirect_uri` when given). Tokens are
  /// cleared even when the provider cannot be reached; the error then says so.
  result<std::string> sign_out(std::string_view post_logout_redirect_uri = {}) {
    return call([&] { return core_.sign_out(post_logout_redirect_uri); });
  }

  /// Called once per session (on the thread whose refresh found out, with no lock held) when the
  /// provider says the grant is gone (`invalid_grant`): the tokens are cleared; show the sign-in screen.
  void set_session_expired_handler(std::function<void(const error&)> handler) {
    detail::scoped_lock<Mutex> lock(mutex_);
    core_.set_session_expired_handler(std::move(handler));
  }

  // -------------------------------------------------------------------------------------------
  // Beyond the JS SDKs: machine-to-machine and token exchange

  /// A client-credentials access token for `resource` (Logto machine-to-machine apps; needs
  /// `app_secret`). Cached in memory per resource and scopes until `access_token_margin` before expiry.
  result<std::string> get_client_credentials_token(std::string_view resource,
                                                   const std::vector<std::string>& scopes = {}) {
    return call([&] { return core_.get_client_credentials_token(resource, scopes); });
  }

  /// RFC 8693 token exchange as Logto implements it (e.g. impersonation or a personal access token).
  /// Nothing is stored: the response is returned as is.
  result<oidc::token_response> exchange_token(const oidc::token_exchange_grant& grant) {
    return call([&] { return core_.exchange_token(grant); });
  }

  /// The provider's discovery document: fetched once and shared (refetched after
  /// `discovery_max_age`); a failed fetch is not cached (the next call tries again).
  result<oidc::discovery> get_discovery() {
    return call([&] { return core_.get_discovery(); });
  }

  /// Verifies an ID token against the provider's JWKS (fetched and cached; an unknown `kid` refetches
  /// once, rate-limited) and the OIDC Core 3.1.3.7 claims.
  result<jose::verified_jwt> verify_id_token(std::string_view id_token) {
    return call([&] { return core_.verify_id_token(id_token); });
  }

  /// Discovery and JWKS persistence (see `client_core::export_discovery`).
  std::string export_discovery() const {
    detail::scoped_lock<Mutex> lock(mutex_);
    return core_.export_discovery();
  }
  result<void> import_discovery(std::string_view text) {
    detail::scoped_lock<Mutex> lock(mutex_);
    return core_.import_discovery(text);
  }
  std::string export_jwks() const {
    detail::scoped_lock<Mutex> lock(mutex_);
    return core_.export_jwks();
  }
  result<void> import_jwks(std::string_view text) {
    detail::scoped_lock<Mutex> lock(mutex_);
    return core_.import_jwks(text);
  }

 private:
  static bool no_wait(std::int64_t) { return false; }

  // Locks, creates the operation with `make`, pumps it to the end, destroys it under the lock, then
  // delivers the session-expired hook with the lock released.
  template <class Make, class Wait = bool (*)(std::int64_t)>
  auto call(Make&& make, Wait&& wait = &client::no_wait) {
    std::optional<error> expired;
    auto r = [&] {
      detail::scoped_lock<Mutex> lock(mutex_);
      auto op = make();
      auto out = pump(op, wait);
      auto& st = core_.state();
      if (st.pending_session_expired) {
        expired = std::move(st.pending_session_expired);
        st.pending_session_expired.reset();
      }
      return out;
    }();
    if (expired) deliver(*expired);
    return r;
  }

  template <class Op, class Wait>
  result<typename Op::value_type> pump(Op& op, Wait& wait) {
    for (;;) {
      const step s = op.next(core_.clock().now());
      switch (s.what) {
        case step::kind::send: {
          mutex_.unlock();
          wakeup_.begin_send();
          auto response = transport_.send(*s.request);
          wakeup_.end_send();
          mutex_.lock();
          op.feed(std::move(response));
          wakeup_.notify();
          break;
        }
        case step::kind::blocked:
          if (!wakeup_.wait(mutex_)) {
            return make_error(errc::invalid_argument,
                              "an operation waits for another one, but this client has no threads (null_mutex)");
          }
          break;
        case step::kind::wait_until: {
          mutex_.unlock();
          const bool go_on = wait(s.wake_at);
          mutex_.lock();
          if (!go_on) return make_error(errc::user_cancelled, "the device sign-in was cancelled");
          break;
        }
        case step::kind::done: wakeup_.notify(); return op.take_result();
      }
    }
  }

  // The session-expired hook, called with the lock released (it may call the client).
  void deliver(const error& e) {
    std::function<void(const error&)> handler;
    {
      detail::scoped_lock<Mutex> lock(mutex_);
      handler = core_.state().on_session_expired;
    }
    if (handler) handler(e);
  }

  Transport& transport_;
  mutable Mutex mutex_;
  detail::wakeup<Mutex> wakeup_;
  core_type core_;
};

}  // namespace logto
