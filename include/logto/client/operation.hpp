/// @file
/// @brief `logto::operation`: one client operation in progress, pumped by its host, and the steps
/// operations share (`detail::op_state`: discovery, the JWKS and ID-token verification, sending).
///
/// The shape, in the manner of h11's `next_event` and libcurl multi's perform/info_read:
///
///     auto op = core.get_access_token("https://api.example.com");
///     for (;;) {
///       step s = op.next(clock.now());
///       if (s.what == step::kind::send) op.feed(transport.send(*s.request));
///       else if (s.what == step::kind::blocked) { /* pump the other operations, then ask again */ }
///       else if (s.what == step::kind::wait_until) { /* come back at s.wake_at */ }
///       else return op.take_result();
///     }
///
/// Why this shape: a C++17 state machine with no exceptions cannot suspend inside a call (no
/// coroutines), so every operation is an object whose `next()` resumes where it stopped. Pulling steps
/// (rather than the core calling the host back) keeps the core free of callbacks, threads and locks:
/// the same object serves a blocking loop, a completion-based engine and a firmware main loop.
///
/// An operation may be destroyed at any point (abandoned). It then releases what it owned in the core:
/// a discovery, JWKS or token fetch it was performing counts as ended without an answer, and the next
/// operation that needs it starts it again. An answer that was fed but not yet read is not lost: a
/// rotated refresh token in it is stored, a device sign-in's tokens are kept for a retried poll. A
/// refresh request whose answer is never fed at all has spent the refresh token at the server: the next
/// refresh presents it again, which Logto accepts within its 3 s reuse window and answers with
/// `invalid_grant` after that.
///
/// Not thread-safe: the host serialises every call on the core and its operations (the drivers lock).
/// Do not move an operation between a `send` step and its `feed` (the step points into it).
#pragma once

#include <cstdint>      // std::int64_t, std::uint64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move, std::exchange

#include "logto/client/state.hpp"
#include "logto/client/types.hpp"
#include "logto/core/crypto.hpp"
#include "logto/core/result.hpp"
#include "logto/http.hpp"
#include "logto/jose/jws.hpp"
#include "logto/oidc/discovery.hpp"
#include "logto/oidc/id_token.hpp"
#include "logto/oidc/response.hpp"

namespace logto {
namespace detail {

/// An operation id that moves (the moved-from operation owns nothing).
struct op_id {
  std::uint64_t value = 0;
  explicit op_id(std::uint64_t v) noexcept : value(v) {}
  op_id(op_id&& o) noexcept : value(std::exchange(o.value, 0)) {}
  op_id& operator=(op_id&& o) noexcept {
    value = std::exchange(o.value, 0);
    return *this;
  }
  op_id(const op_id&) = delete;
  op_id& operator=(const op_id&) = delete;
};

/// Where a shared step stands.
enum class need { ready, pending, failed };

/// The progress of one operation that its task and the shared steps work on.
template <class State>
class op_state {
 public:
  op_state(State& state, std::uint64_t op) : st(&state), id(op) {}

  State* st;
  op_id id;
  step out;                      // the step to hand out when a shared step is pending
  std::optional<error> failure;  // why a shared step failed

  // ---- sending: one request at a time, for one purpose
  enum class purpose : unsigned char { none, discovery, jwks, own };
  purpose awaiting = purpose::none;
  http_request request;
  std::optional<result<http_response>> response;

  bool waiting_for_response() const noexcept { return awaiting != purpose::none && !response; }

  /// Sends the task's own request.
  step send(http_request r) {
    request = std::move(r);
    response.reset();
    awaiting = purpose::own;
    return out = step::send(request);
  }
  /// The answer to the task's own request, once fed.
  std::optional<result<http_response>> take_own_response() {
    if (awaiting != purpose::own || !response) return std::nullopt;
    return take_response();
  }

  need fail(error e) {
    failure = std::move(e);
    return need::failed;
  }

  // ---- discovery, shared by every operation of the core

  std::optional<oidc::discovery> disc;

  need need_discovery(std::int64_t now) {
    if (disc) return need::ready;
    State& s = *st;
    if (s.config_error) return fail(*s.config_error);
    shared_fetch& f = s.discovery_fetch;
    if (awaiting == purpose::discovery) {
      if (!response) return pending(step::send(request));
      auto r = take_response();
      oidc::discovery_options o;
      o.require_issuer_match = s.options.require_issuer_match;
      result<oidc::discovery> d =
          r ? oidc::parse_discovery_response(*r, s.cfg.endpoint, o) : result<oidc::discovery>(r.error());
      s.discovery_done(id.value, d, r ? std::move(r->body) : std::string(), now);
      if (d) {
        disc = std::move(*d);
        return need::ready;
      }
      if (s.discovery) return use_discovery(*s.discovery);  // keep the stale one while the provider is away
      return fail(d.error());
    }
    if (const auto* d = s.usable_discovery(now)) return use_discovery(*d);
    if (f.owner != 0) return join(f, disc_seen_, disc_joined_);
    if (disc_joined_ && f.seq != disc_seen_ && f.failure) {  // the fetch we waited for failed
      if (s.discovery) return use_discovery(*s.discovery);
      return fail(*f.failure);
    }
    disc_joined_ = false;
    auto req = oidc::build_discovery_request(s.cfg.endpoint);
    if (!req) return fail(req.error());
    f.owner = id.value;
    return start(purpose::discovery, std::move(*req));
  }

  // ---- ID-token verification with the shared JWKS (OIDC Core 3.1.3.7)

  /// Verifies `token` with the core's JWKS: fetches it first when there are no keys or they are stale,
  /// and once more when no key matches and the cooldown allows it (key rotation). `nonce`: the one sent
  /// with the authorization request (code exchange only); `access_token`: the one of the same token
  /// response, for `at_hash` (must outlive the operation). `verified` is set when ready. A new
  /// verification of another token needs `reset_verification()`.
  need need_verified(std::string_view token, std::int64_t now, std::optional<jose::verified_jwt>& verified,
                     const std::optional<std::string>& nonce = std::nullopt,
                     std::optional<std::string_view> access_token = std::nullopt) {
    State& s = *st;
    auto options = id_token_options(now);
    if (!options) return fail(options.error());
    oidc::id_token_options& o = *options;
    o.nonce = nonce;
    o.access_token = access_token;
    for (;;) {
      switch (verify_) {
        case verify_stage::check:
          if (s.jwks.fetch_needed(now) != jose::jwks_fetch_reason::none) {
            verify_ = verify_stage::fetch_first;
            continue;
          }
          verify_ = verify_stage::verify;
          continue;
        case verify_stage::fetch_first:
        case verify_stage::fetch_again: {
          const need n = need_jwks_fetch(now);
          if (n != need::ready) return n;
          verify_ = verify_ == verify_stage::fetch_first ? verify_stage::verify : verify_stage::verify_again;
          continue;
        }
        case verify_stage::verify: {
          if (!s.jwks.has_keys()) {
            verify_ = verify_stage::fetch_first;  // a fetch we waited for was abandoned
            continue;
          }
          auto keys = s.jwks.keys();
          auto v = oidc::verify_id_token(token, *keys, o);
          if (v) {
            verified = std::move(*v);
            return need::ready;
          }
          if (v.error().code != errc::jwt_no_matching_key || !s.jwks.refetch_allowed(now)) return fail(v.error());
          first_error_ = v.error();
          generation_before_ = s.jwks.generation();
          verify_ = verify_stage::fetch_again;
          continue;
        }
        case verify_stage::verify_again: {
          if (s.jwks.generation() == generation_before_) {
            error e = *first_error_;
            if (!refetch_error_.empty()) e.message += " (refetching the JWKS failed: " + refetch_error_ + ")";
            return fail(std::move(e));
          }
          auto keys = s.jwks.keys();
          auto v = oidc::verify_id_token(token, *keys, o);
          if (!v) return fail(v.error());
          verified = std::move(*v);
          return need::ready;
        }
      }
    }
  }

  void reset_verification() {
    verify_ = verify_stage::check;
    first_error_.reset();
    refetch_error_.clear();
  }

  /// The options an ID token of this client is verified with (algorithms narrowed by discovery's
  /// `id_token_signing_alg_values_supported`).
  result<oidc::id_token_options> id_token_options(std::int64_t now) const {
    auto algorithms =
        oidc::narrow_id_token_algorithms(st->options.id_token_algorithms, disc->id_token_signing_alg_values_supported);
    if (!algorithms) return algorithms.error();
    oidc::id_token_options o;
    o.issuer = disc->issuer;
    o.client_id = st->cfg.app_id;
    o.trusted_audiences = st->options.trusted_audiences;
    o.now = now;
    o.leeway = st->options.id_token_leeway;
    o.algorithms = *algorithms;
    return o;
  }

  void wipe() {
    crypto::wipe(request.body);
    if (response && *response) crypto::wipe((*response)->body);
  }

 private:
  enum class verify_stage : unsigned char { check, fetch_first, verify, fetch_again, verify_again };

  result<http_response> take_response() {
    result<http_response> r = std::move(*response);
    response.reset();
    awaiting = purpose::none;
    crypto::wipe(request.body);
    return r;
  }
  need pending(step s) {
    out = s;
    return need::pending;
  }
  need start(purpose p, http_request r) {
    request = std::move(r);
    response.reset();
    awaiting = p;
    return pending(step::send(request));
  }
  need join(const shared_fetch& f, std::uint64_t& seen, bool& joined) {
    if (!joined) {
      joined = true;
      seen = f.seq;
    }
    return pending(step::block());
  }
  need use_discovery(const oidc::discovery& d) {
    disc = d;
    return need::ready;
  }

  // Performs or joins the shared JWKS fetch; ready when one ended (the cache then says what it has).
  need need_jwks_fetch(std::int64_t now) {
    State& s = *st;
    shared_fetch& f = s.jwks_fetch;
    if (awaiting == purpose::jwks) {
      if (!response) return pending(step::send(request));
      auto r = take_response();
      result<std::string> body = !r                           ? result<std::string>(r.error())
                                 : detail::http_ok(r->status) ? result<std::string>(std::move(r->body))
                                                              : result<std::string>(oidc::map_error_response(*r));
      auto updated = s.jwks_done(id.value, std::move(body), now);
      if (!updated && !s.jwks.has_keys()) return fail(updated.error());
      if (!updated) refetch_error_ = updated.error().message;
      return need::ready;
    }
    if (f.owner != 0) return join(f, jwks_seen_, jwks_joined_);
    if (jwks_joined_ && f.seq != jwks_seen_) {  // the fetch we waited for ended
      jwks_joined_ = false;
      if (f.failure && !s.jwks.has_keys()) return fail(*f.failure);
      if (f.failure) refetch_error_ = f.failure->message;
      return need::ready;
    }
    f.owner = id.value;
    return start(purpose::jwks, http_request{"GET", disc->jwks_uri, {{"Accept", "application/json"}}, {}});
  }

  bool disc_joined_ = false;
  std::uint64_t disc_seen_ = 0;
  bool jwks_joined_ = false;
  std::uint64_t jwks_seen_ = 0;
  verify_stage verify_ = verify_stage::check;
  std::optional<error> first_error_;
  std::string refetch_error_;
  std::uint64_t generation_before_ = 0;
};

}  // namespace detail

/// One operation of `client_core` (see the file comment): `next(now)`, `feed(response)` after a `send`
/// step, `take_result()` after `done`. `Task` is the operation's own logic (`client/tasks.hpp`).
template <class State, class Task>
class operation {
 public:
  using value_type = typename Task::value_type;

  operation(State& state, Task task) : s_(state, state.next_id++), task_(std::move(task)) {}
  /// An operation that is done at once with `e` (a bad argument, an invalid config).
  operation(State& state, error e) : s_(state, state.next_id++), result_(std::move(e)) {}
  operation(operation&&) noexcept = default;
  operation& operator=(operation&&) = delete;
  operation(const operation&) = delete;
  operation& operator=(const operation&) = delete;
  ~operation() {
    if (s_.id.value != 0) {
      // Abandoned with an answer fed but not read: a task may keep what must not be lost (a rotated
      // refresh token, a device sign-in's tokens).
      if (!result_ && s_.awaiting == detail::op_state<State>::purpose::own && s_.response) task_.salvage(s_);
      s_.st->release(s_.id.value);
    }
    s_.wipe();
  }

  /// What to do next, at `now` (unix seconds).
  step next(std::int64_t now) {
    if (result_ || taken_) return step::finished();
    if (s_.waiting_for_response()) return step::send(s_.request);  // asked again before feeding
    step s = task_.run(s_, now, result_);
    if (result_) {
      s_.st->release(s_.id.value);
      return step::finished();
    }
    return s;
  }

  /// The outcome of the request of the last `send` step (the transport's error when no HTTP response
  /// came back).
  void feed(result<http_response> response) {  // NOLINT(performance-unnecessary-value-param): moved in below
    if (s_.awaiting == detail::op_state<State>::purpose::none) return;  // nothing asked: ignored
    s_.response = std::move(response);
  }

  /// True once `next` said `done`.
  bool done() const noexcept { return result_.has_value() || taken_; }

  /// The result, once (`errc::invalid_argument` before `done` or when taken already).
  result<value_type> take_result() {
    if (!result_) {
      return make_error(errc::invalid_argument,
                        taken_ ? "the operation's result was taken already" : "the operation is not done yet");
    }
    taken_ = true;
    result<value_type> r = std::move(*result_);
    result_.reset();
    return r;
  }

 private:
  detail::op_state<State> s_;
  Task task_{};
  std::optional<result<value_type>> result_;
  bool taken_ = false;
};

}  // namespace logto
