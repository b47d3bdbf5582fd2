/// @file
/// @brief `logto::client_core`: the whole Logto client as an engine that performs no I/O and never
/// sleeps. It holds all client state; each operation is an object the host pumps (`operation.hpp`).
///
///     logto::client_core<my_storage> core(cfg, storage);
///     auto op = core.get_access_token("https://api.example.com");
///     // loop: op.next(now) -> send (perform, then op.feed(response)) / blocked / wait_until / done
///
/// Three ways to drive it: the blocking `logto::client` (`client/blocking.hpp`), the completion-based
/// `logto::async_client` (`client/async.hpp`), or this core pumped by the host itself (a firmware main
/// loop, WebAssembly). Several operations may be outstanding at once; those that need the same
/// discovery document, JWKS or refresh share one request and its outcome.
///
/// Not internally locked (as h11's connection): the host serialises every call on the core and on its
/// operations, including an operation's destruction.
#pragma once

#include <cstdint>      // std::int64_t
#include <functional>   // std::function
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "logto/client/operation.hpp"
#include "logto/client/state.hpp"
#include "logto/client/device_tasks.hpp"
#include "logto/client/tasks.hpp"
#include "logto/client/token_tasks.hpp"
#include "logto/client/types.hpp"
#include "logto/core/crypto.hpp"
#include "logto/core/result.hpp"
#include "logto/core/strict_json.hpp"
#include "logto/core/time.hpp"
#include "logto/oidc/claims.hpp"
#include "logto/oidc/constants.hpp"
#include "logto/oidc/discovery.hpp"
#include "logto/oidc/session.hpp"
#include "logto/storage.hpp"

namespace logto {

/// The client core. `Storage` keeps tokens (`is_storage`; held by reference, must outlive the core),
/// `Clock` gives unix seconds (used by the immediate members; operations take `now` from the host),
/// `Random` fills bytes from a CSPRNG.
template <class Storage, class Clock = system_clock, class Random = crypto::default_random>
class client_core {
  static_assert(is_storage<Storage>::value,
                "Storage must provide get(string_view) -> optional<string>, set(string_view, string), "
                "remove(string_view)");
  static_assert(is_clock<Clock>::value, "Clock must provide std::int64_t now()");
  static_assert(crypto::is_random_source<Random>::value, "Random must provide bool fill(unsigned char*, size_t)");

 public:
  using state_type = detail::core_state<Storage, Clock, Random>;
  template <class Task>
  using op = operation<state_type, Task>;

  /// Normalises `cfg` like `@logto/client`. An invalid config is not fatal here: every operation then
  /// ends with that error (see `valid()`).
  client_core(const config& cfg, Storage& storage, client_options options = {}, Clock clock = Clock(),
              Random random = Random())
      : s_(cfg, storage, std::move(options), std::move(clock), std::move(random)) {}

  /// OK, or why the config is unusable.
  result<void> valid() const {
    if (s_.config_error) return *s_.config_error;
    return ok();
  }
  const config& get_config() const noexcept { return s_.cfg; }
  const client_options& options() const noexcept { return s_.options; }
  Clock& clock() noexcept { return s_.clock; }
  Storage& storage() noexcept { return s_.storage; }

  // ---- operations (see client.hpp for what each does)

  op<detail::sign_in_task> sign_in(sign_in_options o) {
    detail::sign_in_task t;
    t.options = std::move(o);
    return make(std::move(t));
  }
  op<detail::callback_task> handle_sign_in_callback(std::string_view callback_uri) {
    detail::callback_task t;
    t.callback_uri = std::string(callback_uri);
    return make(std::move(t));
  }
  /// `getAccessToken(resource?, organizationId?)`. `resource` must be in `config.resources` (Logto
  /// grants only those; asking for another would spend the refresh token); an organization needs the
  /// `urn:logto:scope:organizations` scope.
  op<detail::access_token_task> get_access_token(std::string_view resource = {},
                                                 std::string_view organization_id = {}) {
    if (!resource.empty() && !s_.config_error && !s_.has_resource(resource)) {
      return op<detail::access_token_task>(
          s_, make_error(errc::invalid_argument,
                         "the resource \"" + std::string(resource) +
                             "\" is not in config.resources: add it there and sign in again (Logto grants only the "
                             "resources requested at sign-in; asking for another would spend the refresh token)"));
    }
    if (!organization_id.empty() && !s_.config_error && !s_.has_scope(oidc::user_scope::organizations)) {
      return op<detail::access_token_task>(s_, missing_organizations_scope());
    }
    detail::access_token_task t;
    t.resource = std::string(resource);
    t.organization_id = std::string(organization_id);
    t.key = oidc::build_access_token_key(resource, organization_id);
    return make(std::move(t));
  }
  op<detail::access_token_task> get_organization_token(std::string_view organization_id) {
    if (!s_.config_error && !s_.has_scope(oidc::user_scope::organizations)) {
      return op<detail::access_token_task>(s_, missing_organizations_scope());
    }
    if (organization_id.empty()) {
      return op<detail::access_token_task>(s_, make_error(errc::invalid_argument, "the organization id is empty"));
    }
    return get_access_token({}, organization_id);
  }
  op<detail::user_info_task> fetch_user_info() {
    detail::user_info_task t;
    t.token.key = oidc::build_access_token_key();
    return make(std::move(t));
  }
  op<detail::sign_out_task> sign_out(std::string_view post_logout_redirect_uri = {}) {
    detail::sign_out_task t;
    t.post_logout_redirect_uri = std::string(post_logout_redirect_uri);
    return make(std::move(t));
  }
  op<detail::device_start_task> start_device_sign_in() { return make(detail::device_start_task{}); }
  /// One poll if due; else done at once with `{false, next_poll_at}`. `flow` must outlive the operation.
  op<detail::device_poll_task> poll_device_sign_in(device_sign_in& flow) { return device_poll(flow, false); }
  /// Polls until signed in or the flow ends, with `wait_until` steps between polls.
  op<detail::device_poll_task> wait_for_device_sign_in(device_sign_in& flow) { return device_poll(flow, true); }
  op<detail::client_credentials_task> get_client_credentials_token(std::string_view resource,
                                                                   const std::vector<std::string>& scopes = {}) {
    detail::client_credentials_task t;
    t.resource = std::string(resource);
    t.scopes = scopes;
    t.key = oidc::build_access_token_key(resource, {}, scopes);
    return make(std::move(t));
  }
  op<detail::token_exchange_task> exchange_token(const oidc::token_exchange_grant& grant) {
    detail::token_exchange_task t;
    t.grant = grant;
    return make(std::move(t));
  }
  op<detail::discovery_task> get_discovery() { return make(detail::discovery_task{}); }
  op<detail::verify_task> verify_id_token(std::string_view id_token) {
    detail::verify_task t;
    t.token = std::string(id_token);
    return make(std::move(t));
  }

  // ---- immediate: storage and memory only

  /// True when an ID token is stored (as `@logto/client`: no expiry or signature check here).
  bool is_authenticated() const {
    const auto token = s_.storage.get(oidc::storage_keys::id_token);
    return token.has_value() && !token->empty();
  }
  std::optional<std::string> get_id_token() const { return s_.storage.get(oidc::storage_keys::id_token); }
  /// The current refresh token (one the storage refused to save included). Treat it as a password.
  std::optional<std::string> get_refresh_token() const { return s_.refresh_token(); }
  result<id_token_claims> get_id_token_claims() const {
    auto token = get_id_token();
    if (!token || token->empty()) return make_error(errc::not_authenticated, "Not authenticated: ID token not found");
    return oidc::decode_id_token(*token);
  }
  std::optional<std::string> post_redirect_uri() const { return s_.post_redirect_uri; }

  /// Forgets the cached access tokens (memory and storage).
  result<void> clear_access_token() { return s_.clear_access_tokens(); }
  /// Ends the session: the ID token, the refresh token and the access tokens go (the sign-in session
  /// stays); answers still on their way for it are dropped.
  result<void> clear_all_tokens() { return s_.end_session(); }
  /// The user closed the browser (or gave up) before it came back: forgets the sign-in session, so a
  /// late redirect can no longer complete this sign-in (it gets `sign_in_session_not_found`), and
  /// returns `errc::user_cancelled` for the host to report, as `@logto/capacitor`'s sign-in rejects when
  /// its in-app browser closes without a redirect. Only the host knows the browser closed. A callback
  /// whose code exchange is already on the wire completes: the user did come back.
  error cancel_sign_in() {
    (void)detail::storage_erase(s_.storage, oidc::storage_keys::sign_in_session);
    return make_error(errc::user_cancelled,
                      "The user cancelled the action: the sign-in was abandoned before the browser came back; call "
                      "sign_in() to start again");
  }

  /// Called once per session when the provider says the grant is gone (`invalid_grant` on refresh),
  /// after the session's tokens were cleared: the place to show the sign-in screen. The core calls it
  /// from inside the operation; the drivers call it after releasing their lock.
  // NOLINTNEXTLINE(performance-unnecessary-value-param): moved into the state below
  void set_session_expired_handler(std::function<void(const error&)> handler) {
    s_.on_session_expired = std::move(handler);
  }

  // ---- discovery and JWKS that persist (boot without two round trips)

  /// The discovery document as fetched, with its fetch time: `v1 <unix seconds>\n<document>`. Empty when
  /// there is none. Not secret.
  std::string export_discovery() const {
    if (!s_.discovery || s_.discovery_text.empty()) return {};
    return "v1 " + std::to_string(s_.discovery_fetched_at) + "\n" + s_.discovery_text;
  }
  /// Seeds the core with `export_discovery()` text (from storage or a build-time copy). It is checked
  /// as a fetched one would be, and refetched when older than `discovery_max_age`.
  result<void> import_discovery(std::string_view text) {
    std::int64_t fetched_at = 0;
    std::string_view document;
    if (!split_export(text, fetched_at, document)) return bad_export("discovery");
    oidc::discovery_options o;
    o.require_issuer_match = s_.options.require_issuer_match;
    http_response as_fetched{200, {}, std::string(document)};
    auto d = oidc::parse_discovery_response(as_fetched, s_.cfg.endpoint, o);
    if (!d) return d.error();
    s_.discovery = std::move(*d);
    s_.discovery_text = std::string(document);
    s_.discovery_fetched_at = fetched_at;
    return ok();
  }
  /// The JWKS as fetched, with its fetch time (same format). Public keys: not secret.
  std::string export_jwks() const {
    if (!s_.jwks.has_keys() || s_.jwks_text.empty()) return {};
    return "v1 " + std::to_string(s_.jwks.fetched_at()) + "\n" + s_.jwks_text;
  }
  /// Seeds the JWKS cache; the keys expire `jwks.max_age` after their fetch time, and an unknown `kid`
  /// still triggers one refetch.
  result<void> import_jwks(std::string_view text) {
    std::int64_t fetched_at = 0;
    std::string_view document;
    if (!split_export(text, fetched_at, document)) return bad_export("JWKS");
    auto r = s_.jwks.update(document, fetched_at);
    if (!r) return r;
    s_.jwks_text = std::string(document);
    return ok();
  }

  /// For drivers: the state operations work on.
  state_type& state() noexcept { return s_; }

 private:
  template <class Task>
  op<Task> make(Task t) {
    if (s_.config_error) return op<Task>(s_, *s_.config_error);
    return op<Task>(s_, std::move(t));
  }
  op<detail::device_poll_task> device_poll(device_sign_in& flow, bool repeat) {
    detail::device_poll_task t;
    t.flow = &flow;
    t.repeat = repeat;
    return make(std::move(t));
  }
  static error missing_organizations_scope() {
    return make_error(errc::missing_scope_organizations,
                      "The `urn:logto:scope:organizations` scope is required: add it to config.scopes");
  }
  static bool split_export(std::string_view text, std::int64_t& fetched_at, std::string_view& document) {
    if (text.substr(0, 3) != "v1 ") return false;
    const auto newline = text.find('\n');
    if (newline == std::string_view::npos || newline == 3) return false;
    std::int64_t t = 0;
    for (char c : text.substr(3, newline - 3)) {
      if (c < '0' || c > '9' || t > 1000000000000LL) return false;
      t = t * 10 + (c - '0');
    }
    fetched_at = t;
    document = text.substr(newline + 1);
    return true;
  }
  static error bad_export(const char* what) {
    return make_error(errc::invalid_argument, std::string("not an exported ") + what +
                                                  " (expected \"v1 <fetch time>\\n<document>\" from export_*)");
  }

  state_type s_;
};

}  // namespace logto
