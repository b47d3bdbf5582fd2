/// @file
/// @brief `logto::async_client`: the completion-based driver over `client_core`, for hosts whose HTTP
/// is asynchronous (a game engine's HTTP module, libcurl multi, a browser's fetch).
///
/// The host's transport starts a request and reports its outcome later, from any thread or from the
/// host's own loop:
///
///     struct my_transport {
///       template <class Done>   // Done: callable with logto::result<logto::http_response>, copyable
///       void start(const logto::http_request& request, Done done);   // copy `request`; call done(...) once
///     };
///
/// Each operation takes a completion (`get_access_token(resource, [](result<std::string> r) {...})`),
/// called exactly once, on the thread that delivered the last response (or the calling thread when no
/// request was needed), never with the client's lock held. The library creates no threads and never
/// blocks. Operations that need the same discovery, JWKS or refresh share one request.
///
/// Destroying the client abandons its outstanding operations (their completions are not called);
/// responses that arrive afterwards are dropped. The transport and the storage must outlive every
/// request the client started.
#pragma once

#include <cstddef>      // std::size_t, std::ptrdiff_t
#include <cstdint>      // std::int64_t, std::uint64_t
#include <functional>   // std::function
#include <memory>       // std::shared_ptr, std::weak_ptr, std::unique_ptr
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <type_traits>  // std::decay
#include <utility>      // std::move
#include <vector>       // std::vector

#include "logto/client/core.hpp"
#include "logto/client/types.hpp"
#include "logto/core/crypto.hpp"
#include "logto/core/result.hpp"
#include "logto/core/sync.hpp"
#include "logto/core/time.hpp"
#include "logto/http.hpp"

namespace logto {

/// The async client. `AsyncTransport` has `start(const http_request&, Done)` (see the file comment);
/// the other parameters are those of `client`.
template <class AsyncTransport, class Storage, class Clock = system_clock, class Random = crypto::default_random,
          class Mutex = default_mutex>
class async_client {
  struct impl;

 public:
  using core_type = client_core<Storage, Clock, Random>;

  /// What the transport calls with a request's outcome (copyable; call it once).
  class response_handler {
   public:
    void operator()(result<http_response> response) const {
      if (auto self = impl_.lock()) self->on_response(id_, std::move(response));
    }

   private:
    friend struct impl;
    response_handler(std::weak_ptr<impl> i, std::uint64_t id) : impl_(std::move(i)), id_(id) {}
    std::weak_ptr<impl> impl_;
    std::uint64_t id_;
  };

  async_client(const config& cfg, AsyncTransport& transport, Storage& storage, client_options options = {},
               Clock clock = Clock(), Random random = Random())
      : impl_(
            std::make_shared<impl>(cfg, transport, storage, std::move(options), std::move(clock), std::move(random))) {}
  async_client(const async_client&) = delete;
  async_client& operator=(const async_client&) = delete;
  ~async_client() {
    detail::scoped_lock<Mutex> lock(impl_->mutex);
    impl_->ops.clear();  // abandoned: what they owned in the core is released
  }

  result<void> valid() const { return impl_->core.valid(); }
  const config& get_config() const noexcept { return impl_->core.get_config(); }

  // ---- operations (what each does: see `client`); `done` receives the result

  template <class Done>
  void sign_in(const sign_in_options& o, Done done) {
    run([&](core_type& c) { return c.sign_in(o); }, std::move(done));
  }
  /// `done` receives `result<void>`.
  template <class Done>
  void handle_sign_in_callback(std::string_view callback_uri, Done done) {
    run([&](core_type& c) { return c.handle_sign_in_callback(callback_uri); },
        [done = std::move(done)](const result<bool>& r) mutable {
          if (r) {
            done(result<void>(ok()));
          } else {
            done(result<void>(r.error()));
          }
        });
  }
  template <class Done>
  void get_access_token(std::string_view resource, Done done) {
    get_access_token(resource, {}, std::move(done));
  }
  template <class Done>
  void get_access_token(std::string_view resource, std::string_view organization_id, Done done) {
    run([&](core_type& c) { return c.get_access_token(resource, organization_id); }, std::move(done));
  }
  template <class Done>
  void get_organization_token(std::string_view organization_id, Done done) {
    run([&](core_type& c) { return c.get_organization_token(organization_id); }, std::move(done));
  }
  template <class Done>
  void fetch_user_info(Done done) {
    run([&](core_type& c) { return c.fetch_user_info(); }, std::move(done));
  }
  template <class Done>
  void sign_out(std::string_view post_logout_redirect_uri, Done done) {
    run([&](core_type& c) { return c.sign_out(post_logout_redirect_uri); }, std::move(done));
  }
  template <class Done>
  void start_device_sign_in(Done done) {
    run([&](core_type& c) { return c.start_device_sign_in(); }, std::move(done));
  }
  /// One poll when due; `done` receives `result<device_poll_status>`: schedule the next call at
  /// `next_poll_at` (the library keeps no timers). `flow` must outlive the operation.
  template <class Done>
  void poll_device_sign_in(device_sign_in& flow, Done done) {
    run([&](core_type& c) { return c.poll_device_sign_in(flow); }, std::move(done));
  }
  template <class Done>
  void get_client_credentials_token(std::string_view resource, const std::vector<std::string>& scopes, Done done) {
    run([&](core_type& c) { return c.get_client_credentials_token(resource, scopes); }, std::move(done));
  }
  template <class Done>
  void exchange_token(const oidc::token_exchange_grant& grant, Done done) {
    run([&](core_type& c) { return c.exchange_token(grant); }, std::move(done));
  }
  template <class Done>
  void get_discovery(Done done) {
    run([&](core_type& c) { return c.get_discovery(); }, std::move(done));
  }
  template <class Done>
  void verify_id_token(std::string_view id_token, Done done) {
    run([&](core_type& c) { return c.verify_id_token(id_token); }, std::move(done));
  }

  // ---- immediate

  bool is_authenticated() const {
    return locked([](const core_type& c) { return c.is_authenticated(); });
  }
  std::optional<std::string> get_id_token() const {
    return locked([](const core_type& c) { return c.get_id_token(); });
  }
  std::optional<std::string> get_refresh_token() const {
    return locked([](const core_type& c) { return c.get_refresh_token(); });
  }
  result<id_token_claims> get_id_token_claims() const {
    return locked([](const core_type& c) { return c.get_id_token_claims(); });
  }
  std::optional<std::string> post_redirect_uri() const {
    return locked([](const core_type& c) { return c.post_redirect_uri(); });
  }
  result<void> clear_access_token() {
    detail::scoped_lock<Mutex> lock(impl_->mutex);
    return impl_->core.clear_access_token();
  }
  result<void> clear_all_tokens() {
    detail::scoped_lock<Mutex> lock(impl_->mutex);
    return impl_->core.clear_all_tokens();
  }
  /// See `client_core::cancel_sign_in`: forgets the sign-in session and returns `errc::user_cancelled`.
  error cancel_sign_in() {
    detail::scoped_lock<Mutex> lock(impl_->mutex);
    return impl_->core.cancel_sign_in();
  }
  /// Called once per session, with no lock held, when the grant is gone (`invalid_grant`).
  void set_session_expired_handler(std::function<void(const error&)> handler) {
    detail::scoped_lock<Mutex> lock(impl_->mutex);
    impl_->core.set_session_expired_handler(std::move(handler));
  }
  std::string export_discovery() const {
    return locked([](const core_type& c) { return c.export_discovery(); });
  }
  result<void> import_discovery(std::string_view text) {
    detail::scoped_lock<Mutex> lock(impl_->mutex);
    return impl_->core.import_discovery(text);
  }
  std::string export_jwks() const {
    return locked([](const core_type& c) { return c.export_jwks(); });
  }
  result<void> import_jwks(std::string_view text) {
    detail::scoped_lock<Mutex> lock(impl_->mutex);
    return impl_->core.import_jwks(text);
  }

  /// Operations started and not yet completed.
  std::size_t outstanding() const {
    detail::scoped_lock<Mutex> lock(impl_->mutex);
    return impl_->ops.size();
  }

 private:
  // One outstanding operation with its completion. The operation is destroyed under the lock; the
  // completion runs after it is released.
  struct pending_base {
    virtual ~pending_base() = default;
    virtual step next(std::int64_t now) = 0;
    virtual void feed(result<http_response> response) = 0;
    virtual void drop_operation() = 0;
    virtual void complete() = 0;
    std::uint64_t id = 0;
    bool in_flight = false;
  };

  template <class Op, class Done>
  struct pending final : pending_base {
    pending(Op&& o, Done&& d) : op(std::move(o)), done(std::move(d)) {}
    step next(std::int64_t now) override {
      step s = op->next(now);
      if (s.what == step::kind::done) outcome.emplace(op->take_result());
      if (s.what == step::kind::wait_until) {
        outcome.emplace(make_error(errc::invalid_argument, "async operations do not wait; schedule the next call"));
        s = step::finished();
      }
      return s;
    }
    void feed(result<http_response> response) override { op->feed(std::move(response)); }
    void drop_operation() override { op.reset(); }
    void complete() override { done(std::move(*outcome)); }
    std::optional<Op> op;
    Done done;
    std::optional<result<typename Op::value_type>> outcome;
  };

  struct actions {
    std::vector<std::pair<std::uint64_t, http_request>> starts;
    std::vector<std::unique_ptr<pending_base>> finished;
    std::optional<error> session_expired;
    std::function<void(const error&)> handler;
  };

  struct impl : std::enable_shared_from_this<impl> {
    impl(const config& cfg, AsyncTransport& t, Storage& s, client_options o, Clock k, Random r)
        : transport(t), core(cfg, s, std::move(o), std::move(k), std::move(r)) {
      core.state().defer_events = true;
    }

    Mutex mutex;
    AsyncTransport& transport;
    core_type core;
    std::vector<std::unique_ptr<pending_base>> ops;
    std::uint64_t next_id = 1;

    // Pumps every operation that is not waiting for a response, until none makes progress. Locked.
    void pump(actions& a) {
      const std::int64_t now = core.clock().now();
      for (bool progress = true; progress;) {
        progress = false;
        for (std::size_t i = 0; i < ops.size();) {
          pending_base& p = *ops[i];
          if (p.in_flight) {
            ++i;
            continue;
          }
          const step s = p.next(now);
          if (s.what == step::kind::send) {
            p.in_flight = true;
            a.starts.emplace_back(p.id, *s.request);
            ++i;
          } else if (s.what == step::kind::done) {
            p.drop_operation();  // releases what it owned: waiting operations may go on
            a.finished.push_back(std::move(ops[i]));
            ops.erase(ops.begin() + static_cast<std::ptrdiff_t>(i));
            progress = true;
          } else {
            ++i;  // blocked: asked again after another operation made progress
          }
        }
      }
      auto& st = core.state();
      if (st.pending_session_expired) {
        a.session_expired = std::move(st.pending_session_expired);
        st.pending_session_expired.reset();
        a.handler = st.on_session_expired;
      }
    }

    // Runs what `pump` decided, without the lock.
    void execute(actions& a) {
      for (auto& s : a.starts) {
        transport.start(s.second, response_handler(this->weak_from_this(), s.first));
        crypto::wipe(s.second.body);
      }
      for (auto& p : a.finished) p->complete();
      if (a.session_expired && a.handler) a.handler(*a.session_expired);
    }

    void on_response(std::uint64_t id, result<http_response> response) {
      actions a;
      {
        detail::scoped_lock<Mutex> lock(mutex);
        for (auto& p : ops) {
          if (p->id != id || !p->in_flight) continue;
          p->in_flight = false;
          p->feed(std::move(response));
          break;
        }
        pump(a);
      }
      execute(a);
    }
  };

  template <class Make, class Done>
  void run(Make&& make, Done&& done) {
    actions a;
    {
      detail::scoped_lock<Mutex> lock(impl_->mutex);
      auto op = make(impl_->core);
      using op_type = decltype(op);
      using done_type = typename std::decay<Done>::type;
      auto p = std::make_unique<pending<op_type, done_type>>(std::move(op), done_type(std::forward<Done>(done)));
      p->id = impl_->next_id++;
      impl_->ops.push_back(std::move(p));
      impl_->pump(a);
    }
    impl_->execute(a);
  }

  template <class F>
  auto locked(F&& f) const {
    detail::scoped_lock<Mutex> lock(impl_->mutex);
    return f(static_cast<const core_type&>(impl_->core));
  }

  std::shared_ptr<impl> impl_;
};

}  // namespace logto
