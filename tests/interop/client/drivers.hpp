// The interop suite runs through each of the three ways to drive the client core: this adapter gives
// them one blocking face, so the test cases stay the same.
//   blocking: logto::client over the libcurl transport;
//   async:    logto::async_client over a transport that performs each request on its own thread and
//             completes from there (as an engine's HTTP module would); the adapter waits for completions;
//   core:     logto::client_core pumped by a loop right here (a firmware main loop would do the same).
#pragma once

#include <logto/logto.hpp>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace logto_test {

enum class driver_kind { blocking, async, core };

inline driver_kind& current_driver() {
  static driver_kind kind = driver_kind::blocking;
  return kind;
}

/// `start(request, done)` over a blocking transport: each request runs on its own thread.
template <class Sync>
class threaded_transport {
 public:
  explicit threaded_transport(Sync& sync) : sync_(sync) {}
  threaded_transport(const threaded_transport&) = delete;
  threaded_transport& operator=(const threaded_transport&) = delete;
  ~threaded_transport() {
    std::vector<std::thread> threads;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      threads.swap(threads_);
    }
    for (auto& t : threads) t.join();
  }
  template <class Done>
  void start(const logto::http_request& request, Done done) {
    std::lock_guard<std::mutex> lock(mutex_);
    threads_.emplace_back([this, request, done]() mutable { done(sync_.send(request)); });
  }

 private:
  Sync& sync_;
  std::mutex mutex_;
  std::vector<std::thread> threads_;
};

/// Waits for one completion.
template <class R>
class awaiter {
 public:
  auto done() {
    return [this](R r) {
      std::lock_guard<std::mutex> lock(mutex_);
      out_.emplace(std::move(r));
      cv_.notify_all();
    };
  }
  R wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [this] { return out_.has_value(); });
    return std::move(*out_);
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<R> out_;
};

template <class Transport, class Storage, class Clock>
class any_client {
  using blocking_t = logto::client<Transport, Storage, Clock>;
  using async_t = logto::async_client<threaded_transport<Transport>, Storage, Clock>;
  using core_t = logto::client_core<Storage, Clock>;

 public:
  any_client(const logto::config& cfg, Transport& transport, Storage& storage, logto::client_options options = {},
             Clock clock = Clock())
      : kind_(current_driver()), transport_(transport), clock_(clock) {
    switch (kind_) {
      case driver_kind::blocking:
        blocking_ = std::make_unique<blocking_t>(cfg, transport, storage, std::move(options), clock);
        break;
      case driver_kind::async:
        threaded_ = std::make_unique<threaded_transport<Transport>>(transport);
        async_ = std::make_unique<async_t>(cfg, *threaded_, storage, std::move(options), clock);
        break;
      case driver_kind::core: core_ = std::make_unique<core_t>(cfg, storage, std::move(options), clock); break;
    }
  }
  ~any_client() {
    async_.reset();
    threaded_.reset();  // joins request threads
  }

  logto::result<std::string> sign_in(const logto::sign_in_options& o) {
    return run<std::string>([&](auto& c) { return c.sign_in(o); }, [&](auto& c, auto d) { c.sign_in(o, d); },
                            [&](auto& c) { return c.sign_in(o); });
  }
  logto::result<std::string> sign_in(std::string_view redirect_uri) {
    logto::sign_in_options o;
    o.redirect_uri = std::string(redirect_uri);
    return sign_in(o);
  }
  logto::result<void> handle_sign_in_callback(std::string_view uri) {
    if (kind_ == driver_kind::blocking) return blocking_->handle_sign_in_callback(uri);
    if (kind_ == driver_kind::async) {
      awaiter<logto::result<void>> a;
      async_->handle_sign_in_callback(uri, a.done());
      return a.wait();
    }
    auto op = core_->handle_sign_in_callback(uri);
    auto r = pump(op);
    if (!r) return r.error();
    return logto::ok();
  }
  logto::result<std::string> get_access_token(std::string_view resource = {}) {
    return run<std::string>([&](auto& c) { return c.get_access_token(resource); },
                            [&](auto& c, auto d) { c.get_access_token(resource, d); },
                            [&](auto& c) { return c.get_access_token(resource); });
  }
  logto::result<logto::access_token_claims> get_access_token_claims(std::string_view resource = {}) {
    auto token = get_access_token(resource);
    if (!token) return token.error();
    return logto::oidc::decode_access_token(*token);
  }
  logto::result<logto::user_info> fetch_user_info() {
    return run<logto::user_info>([&](auto& c) { return c.fetch_user_info(); },
                                 [&](auto& c, auto d) { c.fetch_user_info(d); },
                                 [&](auto& c) { return c.fetch_user_info(); });
  }
  logto::result<std::string> sign_out(std::string_view post_logout_redirect_uri = {}) {
    return run<std::string>([&](auto& c) { return c.sign_out(post_logout_redirect_uri); },
                            [&](auto& c, auto d) { c.sign_out(post_logout_redirect_uri, d); },
                            [&](auto& c) { return c.sign_out(post_logout_redirect_uri); });
  }
  logto::result<logto::device_sign_in> start_device_sign_in() {
    return run<logto::device_sign_in>([&](auto& c) { return c.start_device_sign_in(); },
                                      [&](auto& c, auto d) { c.start_device_sign_in(d); },
                                      [&](auto& c) { return c.start_device_sign_in(); });
  }
  logto::result<bool> poll_device_sign_in(logto::device_sign_in& flow) {
    if (kind_ == driver_kind::blocking) return blocking_->poll_device_sign_in(flow);
    logto::result<logto::device_poll_status> r = poll_once(flow);
    if (!r) return r.error();
    return r->signed_in;
  }
  /// The async driver schedules its own polls from `next_poll_at`, the core driver follows the core's
  /// `wait_until` steps.
  template <class Sleep>
  logto::result<void> wait_for_device_sign_in(logto::device_sign_in& flow, Sleep&& sleep) {
    if (kind_ == driver_kind::blocking) return blocking_->wait_for_device_sign_in(flow, sleep);
    if (kind_ == driver_kind::core) {
      auto op = core_->wait_for_device_sign_in(flow);
      auto r = pump(op, sleep);
      if (!r) return r.error();
      return logto::ok();
    }
    for (;;) {
      auto r = poll_once(flow);
      if (!r) return r.error();
      if (r->signed_in) return logto::ok();
      const std::int64_t wait = r->next_poll_at - clock_now();
      if (wait > 0) sleep(wait);
    }
  }
  logto::result<std::string> get_client_credentials_token(std::string_view resource,
                                                          const std::vector<std::string>& scopes = {}) {
    return run<std::string>([&](auto& c) { return c.get_client_credentials_token(resource, scopes); },
                            [&](auto& c, auto d) { c.get_client_credentials_token(resource, scopes, d); },
                            [&](auto& c) { return c.get_client_credentials_token(resource, scopes); });
  }
  logto::result<logto::jose::verified_jwt> verify_id_token(std::string_view token) {
    return run<logto::jose::verified_jwt>([&](auto& c) { return c.verify_id_token(token); },
                                          [&](auto& c, auto d) { c.verify_id_token(token, d); },
                                          [&](auto& c) { return c.verify_id_token(token); });
  }

  bool is_authenticated() const {
    return immediate([](const auto& c) { return c.is_authenticated(); });
  }
  std::optional<std::string> get_id_token() const {
    return immediate([](const auto& c) { return c.get_id_token(); });
  }
  logto::result<logto::id_token_claims> get_id_token_claims() const {
    return immediate([](const auto& c) { return c.get_id_token_claims(); });
  }
  std::optional<std::string> post_redirect_uri() const {
    return immediate([](const auto& c) { return c.post_redirect_uri(); });
  }
  void clear_access_token() {
    if (kind_ == driver_kind::blocking) blocking_->clear_access_token();
    if (kind_ == driver_kind::async) (void)async_->clear_access_token();
    if (kind_ == driver_kind::core) {
      std::lock_guard<std::mutex> lock(core_mutex_);
      (void)core_->clear_access_token();
    }
  }

 private:
  template <class T, class Blocking, class Async, class Core>
  logto::result<T> run(Blocking&& blocking, Async&& async, Core&& core) {
    if (kind_ == driver_kind::blocking) return blocking(*blocking_);
    if (kind_ == driver_kind::async) {
      awaiter<logto::result<T>> a;
      async(*async_, a.done());
      return a.wait();
    }
    auto op = core(*core_);
    return pump(op);
  }

  logto::result<logto::device_poll_status> poll_once(logto::device_sign_in& flow) {
    if (kind_ == driver_kind::async) {
      awaiter<logto::result<logto::device_poll_status>> a;
      async_->poll_device_sign_in(flow, a.done());
      return a.wait();
    }
    auto op = core_->poll_device_sign_in(flow);
    return pump(op);
  }

  static bool no_sleep(std::int64_t) { return false; }

  // The bare core's pump: the whole loop a host writes. One operation at a time here (the mutex), so
  // nothing is ever blocked.
  template <class Op, class Sleep = bool (*)(std::int64_t)>
  logto::result<typename Op::value_type> pump(Op& op, Sleep&& sleep = &any_client::no_sleep) {
    std::lock_guard<std::mutex> lock(core_mutex_);
    for (;;) {
      const logto::step s = op.next(core_->clock().now());
      switch (s.what) {
        case logto::step::kind::send: op.feed(transport_.send(*s.request)); break;
        case logto::step::kind::wait_until: sleep(s.wake_at - core_->clock().now()); break;
        case logto::step::kind::blocked:
          return logto::make_error(logto::errc::invalid_argument, "blocked with one operation at a time");
        case logto::step::kind::done: return op.take_result();
      }
    }
  }

  std::int64_t clock_now() const { return clock_.now(); }

  template <class F>
  auto immediate(F&& f) const {
    if (kind_ == driver_kind::blocking) return f(*blocking_);
    if (kind_ == driver_kind::async) return f(*async_);
    std::lock_guard<std::mutex> lock(core_mutex_);
    return f(*core_);
  }

  driver_kind kind_;
  Transport& transport_;
  Clock clock_;
  std::unique_ptr<blocking_t> blocking_;
  std::unique_ptr<threaded_transport<Transport>> threaded_;
  std::unique_ptr<async_t> async_;
  std::unique_ptr<core_t> core_;
  mutable std::mutex core_mutex_;
};

}  // namespace logto_test
