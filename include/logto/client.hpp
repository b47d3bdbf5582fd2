/// @file
/// @brief `logto::client`: Logto sign-in for C++ hosts, the counterpart of `LogtoClient` from
/// `@logto/client` / `@logto/capacitor`, plus the device flow, client credentials and token exchange.
///
/// The client composes the sans-I/O steps of `oidc/` and `jose/` over the host's transport and keeps
/// tokens in the host's storage, with the same keys and formats as `@logto/client` (`idToken`,
/// `refreshToken`, `accessToken`, `signInSession`), so a session written by one is readable by the other.
///
/// Threads: every member function may be called from several threads at once (with the default
/// mutex: `std::mutex`, or the host's `LOGTO_MUTEX`, see core/sync.hpp). Logto rotates refresh tokens
/// and revokes the whole grant when one is used twice, so every use of the refresh token (refresh,
/// sign-in callback, device sign-in, sign-out) is serialised, and callers that want the same token
/// while a refresh is running get that refresh's result instead of starting another. Storage is only
/// touched under the client's own lock. Single-threaded hosts (bare metal) pass `logto::null_mutex`.
///
/// Differences from `@logto/client`, on purpose:
/// - a cached access token counts as expired `access_token_margin` (60 s) before its `expiresAt`, so a
///   token is never handed out seconds before it expires in flight (the JS SDK has no margin);
/// - `invalid_grant` on refresh is `errc::session_expired` (detail: the server's code), saying the
///   session is gone and the user must sign in again;
/// - ID tokens from a refresh must keep `iss`/`sub` (OIDC Core 12.2); userinfo's `sub` must equal the
///   ID token's (OIDC Core 5.3.2);
/// - the callback check compares scheme, authority and path exactly and honours RFC 9207 `iss`
///   (see `oidc/callback.hpp`);
/// - `sign_out` clears local tokens even when discovery fails (and then returns that error);
/// - every sign-in sends a fresh `nonce`, kept in `signInSession` and required in the ID token of that
///   code exchange (a session written by the JS SDK has none and completes without); an `at_hash` in an
///   ID token from the token endpoint must match the access token of the same response; an ID token
///   naming audiences besides the app id is refused unless `client_options::trusted_audiences` lists
///   them; discovery's `id_token_signing_alg_values_supported` narrows `id_token_algorithms`.
#pragma once

#include <cstdint>      // std::int64_t
#include <map>          // std::map
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "logto/core/crypto.hpp"
#include "logto/core/result.hpp"
#include "logto/core/sync.hpp"
#include "logto/core/time.hpp"
#include "logto/http.hpp"
#include "logto/jose/jwks_cache.hpp"
#include "logto/oidc/callback.hpp"
#include "logto/oidc/claims.hpp"
#include "logto/oidc/config.hpp"
#include "logto/oidc/constants.hpp"
#include "logto/oidc/device.hpp"
#include "logto/oidc/discovery.hpp"
#include "logto/oidc/id_token.hpp"
#include "logto/oidc/pkce.hpp"
#include "logto/oidc/response.hpp"
#include "logto/oidc/session.hpp"
#include "logto/oidc/sign_in.hpp"
#include "logto/oidc/sign_out.hpp"
#include "logto/oidc/token.hpp"
#include "logto/oidc/user_info.hpp"
#include "logto/storage.hpp"

namespace logto {

using oidc::access_token_claims;
using oidc::id_token_claims;
using oidc::user_info;

/// What `client::sign_in` puts into the sign-in URI (`SignInOptions` of `@logto/client`).
struct sign_in_options {
  std::string redirect_uri;       ///< required: where the browser comes back (custom scheme or loopback)
  std::string post_redirect_uri;  ///< optional: returned by `post_redirect_uri()` after the callback
  std::vector<std::string> prompt;  ///< overrides `config::prompt` when not empty ("login", "consent", ...)
  std::string login_hint;           ///< e.g. an email address to prefill
  std::string first_screen;         ///< `oidc::first_screens::...` ("register", "identifier:sign_in", ...)
  std::vector<std::string> identifiers;  ///< `oidc::identifier_types::...` with `first_screen`
  std::optional<oidc::direct_sign_in> direct_sign_in;  ///< go straight to a social / SSO connector
  query_params extra_params;  ///< appended as is (e.g. `organization_id`, `ui_locales`, `one_time_token`)
  bool clear_tokens = true;   ///< drop the tokens of a previous session (as the JS SDK does by default)
};

/// Tuning that `@logto/client` hard-codes.
struct client_options {
  /// A cached access token counts as expired this many seconds before its `expiresAt`.
  std::int64_t access_token_margin = 60;
  /// Clock tolerance for ID tokens (`DefaultJwtVerifier`'s 300 s); clamped to at most 600 s.
  std::int64_t id_token_leeway = jose::default_id_token_leeway;
  /// Signature algorithms accepted for ID tokens (all asymmetric JWS algorithms by default; never
  /// `none` or HS*), further narrowed to discovery's `id_token_signing_alg_values_supported`.
  jose::algorithm_set id_token_algorithms = jose::algorithm_set::all();
  /// Audiences besides the app id that an ID token may also name (OIDC Core 3.1.3.7 step 3); empty:
  /// such ID tokens are refused.
  std::vector<std::string> trusted_audiences;
  /// See `oidc::discovery_options::require_issuer_match`.
  bool require_issuer_match = true;
  /// JWKS cache timing (jose's 10 min max age, 30 s refetch cooldown).
  jose::jwks_cache_options jwks{};
};

/// A device sign-in in progress (RFC 8628): show `authorization.user_code` and
/// `authorization.verification_uri` (or `verification_uri_complete`) to the user, then poll.
struct device_sign_in {
  oidc::device_authorization authorization;
  oidc::device_poller poller;
};

/// The Logto client. `Transport` sends HTTP (`is_transport`), `Storage` keeps tokens (`is_storage`);
/// both are held by reference and must outlive the client. `Clock` gives unix seconds, `Random` fills
/// bytes from a CSPRNG, `Mutex` is `default_mutex` (`std::mutex`, `LOGTO_MUTEX` or, with LOGTO_NO_THREADS,
/// `null_mutex`: core/sync.hpp) or any type with `lock()` and `unlock()`.
template <class Transport, class Storage, class Clock = system_clock, class Random = crypto::default_random,
          class Mutex = default_mutex>
class client {
  static_assert(is_transport<Transport>::value,
                "Transport must provide result<http_response> send(const http_request&)");
  static_assert(is_storage<Storage>::value,
                "Storage must provide get(string_view) -> optional<string>, set(string_view, string), "
                "remove(string_view)");
  static_assert(is_clock<Clock>::value, "Clock must provide std::int64_t now()");
  static_assert(crypto::is_random_source<Random>::value, "Random must provide bool fill(unsigned char*, size_t)");
  static_assert(is_lockable<Mutex>::value, "Mutex must provide lock() and unlock()");

 public:
  /// Normalises `cfg` like `@logto/client` (reserved scopes, organization resource, default prompt).
  /// An invalid config is not fatal here: every operation then returns that error (see `valid()`).
  client(const config& cfg, Transport& transport, Storage& storage, client_options options = {},
         Clock clock = Clock(), Random random = Random())
      : transport_(transport), storage_(storage), options_(std::move(options)), clock_(std::move(clock)),
        random_(std::move(random)), jwks_(options_.jwks) {
    auto normalized = normalize(cfg);
    if (normalized) {
      config_ = std::move(*normalized);
    } else {
      config_error_ = normalized.error();
    }
  }
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// OK, or why the config given to the constructor is unusable.
  result<void> valid() const {
    if (config_error_) return *config_error_;
    return ok();
  }
  /// The normalised config.
  const config& get_config() const noexcept { return config_; }

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
    if (config_error_) return *config_error_;
    auto disc = get_discovery();
    if (!disc) return disc.error();
    auto verifier = oidc::generate_code_verifier(random_);
    if (!verifier) return verifier.error();
    auto state = oidc::generate_state(random_);
    if (!state) return state.error();
    auto nonce = oidc::generate_nonce(random_);
    if (!nonce) return nonce.error();
    auto challenge = oidc::generate_code_challenge(*verifier);
    if (!challenge) return challenge.error();

    oidc::sign_in_uri_params p;
    p.authorization_endpoint = disc->authorization_endpoint;
    p.client_id = config_.app_id;
    p.redirect_uri = o.redirect_uri;
    p.code_challenge = *challenge;
    p.state = *state;
    p.scopes = config_.scopes;
    p.resources = config_.resources;
    p.prompt = o.prompt.empty() ? config_.prompt : o.prompt;
    p.include_reserved_scopes = config_.include_reserved_scopes;
    p.login_hint = o.login_hint;
    p.direct_sign_in_target = o.direct_sign_in;
    p.first_screen = o.first_screen;
    p.identifiers = o.identifiers;
    p.extra_params = o.extra_params;
    p.nonce = *nonce;
    auto uri = oidc::build_sign_in_uri(p);
    crypto::wipe(p.state);
    crypto::wipe(p.nonce);
    if (!uri) return uri.error();

    oidc::sign_in_session session;
    session.redirect_uri = o.redirect_uri;
    if (!o.post_redirect_uri.empty()) session.post_redirect_uri = o.post_redirect_uri;
    session.code_verifier = std::move(*verifier);
    session.state = std::move(*state);
    session.nonce = std::move(*nonce);
    std::string serialized = oidc::serialize_sign_in_session(session);
    crypto::wipe(session.code_verifier);
    crypto::wipe(session.state);
    crypto::wipe(*session.nonce);
    {
      detail::scoped_lock<Mutex> lock(state_mutex_);
      storage_.set(oidc::storage_keys::sign_in_session, std::move(serialized));
      if (o.clear_tokens) clear_all_tokens_locked();
    }
    return uri;
  }

  /// Completes the sign-in with the URL the browser came back to: checks it (redirect URI, RFC 9207
  /// `iss`, `error`, `state`, `code`), exchanges the code, verifies the ID token, stores the refresh
  /// token, the ID token and the `"@"` access token, then removes the sign-in session. On any failure
  /// nothing is stored and the session stays, so the user can retry.
  result<void> handle_sign_in_callback(std::string_view callback_uri) {
    if (config_error_) return *config_error_;
    detail::scoped_lock<Mutex> serial(refresh_mutex_);
    std::optional<std::string> stored;
    {
      detail::scoped_lock<Mutex> lock(state_mutex_);
      stored = storage_.get(oidc::storage_keys::sign_in_session);
    }
    if (!stored) {
      return make_error(errc::sign_in_session_not_found,
                        "Sign-in session not found: call sign_in() first (a callback is accepted once)");
    }
    auto session = oidc::parse_sign_in_session(*stored);
    crypto::wipe(*stored);
    if (!session) {
      return make_error(errc::sign_in_session_invalid,
                        "Invalid sign-in session: the stored signInSession is corrupt; call sign_in() again",
                        session.error().message);
    }
    auto disc = get_discovery();
    if (!disc) return disc.error();
    oidc::callback_options cb;
    cb.issuer = disc->issuer;
    cb.require_issuer = disc->authorization_response_iss_parameter_supported;
    auto params = oidc::verify_and_parse_callback_uri(callback_uri, session->redirect_uri, session->state, cb);
    if (!params) return params.error();

    const std::int64_t requested_at = clock_.now();
    oidc::authorization_code_grant grant;
    grant.code = params->code;
    grant.code_verifier = session->code_verifier;
    grant.redirect_uri = session->redirect_uri;
    auto request = oidc::build_authorization_code_request(auth(), disc->token_endpoint, grant);
    crypto::wipe(grant.code_verifier);
    crypto::wipe(session->code_verifier);
    crypto::wipe(session->state);
    if (!request) return request.error();
    auto tokens = exchange(*request);
    if (!tokens) {
      if (session->nonce) crypto::wipe(*session->nonce);
      return tokens.error();
    }
    // A session written by @logto/client has no nonce: nothing was sent, so nothing is required.
    auto stored_ok = store_new_session(*disc, *tokens, requested_at, session->nonce);
    if (session->nonce) crypto::wipe(*session->nonce);
    if (!stored_ok) return stored_ok.error();
    {
      detail::scoped_lock<Mutex> lock(state_mutex_);
      storage_.remove(oidc::storage_keys::sign_in_session);
      post_redirect_uri_ = session->post_redirect_uri;
    }
    return ok();
  }

  /// The user closed the browser (or gave up) before it came back: forgets the sign-in session, so a
  /// late redirect can no longer complete this sign-in (it gets `sign_in_session_not_found`), and
  /// returns `errc::user_cancelled` for the host to report, as `@logto/capacitor`'s sign-in rejects
  /// when its in-app browser closes without a redirect. Only the host knows the browser closed.
  error cancel_sign_in() {
    {
      detail::scoped_lock<Mutex> serial(refresh_mutex_);  // not while a callback is being completed
      detail::scoped_lock<Mutex> lock(state_mutex_);
      storage_.remove(oidc::storage_keys::sign_in_session);
    }
    return make_error(errc::user_cancelled, "The user cancelled the action: the sign-in was abandoned before the "
                                            "browser came back; call sign_in() to start again");
  }

  /// The `post_redirect_uri` of the last sign-in completed by this client, if it had one.
  std::optional<std::string> post_redirect_uri() const {
    detail::scoped_lock<Mutex> lock(state_mutex_);
    return post_redirect_uri_;
  }

  // -------------------------------------------------------------------------------------------
  // Device sign-in (RFC 8628) for hosts without a browser

  /// Asks for a device code. Show the user code and verification URI, then call
  /// `poll_device_sign_in` / `wait_for_device_sign_in`. Uses the config's scopes and resources.
  result<device_sign_in> start_device_sign_in() {
    if (config_error_) return *config_error_;
    auto disc = get_discovery();
    if (!disc) return disc.error();
    if (disc->device_authorization_endpoint.empty()) {
      return make_error(errc::discovery_invalid,
                        "the provider does not offer the device flow (no device_authorization_endpoint); "
                        "enable it for this app in Logto (a Native app with the device flow)");
    }
    auto request = oidc::build_device_authorization_request(auth(), disc->device_authorization_endpoint,
                                                            config_.scopes, config_.resources);
    if (!request) return request.error();
    auto response = transport_.send(*request);
    if (!response) return response.error();
    auto authorization = oidc::parse_device_authorization_response(*response);
    if (!authorization) return authorization.error();
    const std::int64_t now = clock_.now();
    oidc::device_poller poller(*authorization, now);
    return device_sign_in{std::move(*authorization), poller};
  }

  /// Polls once if a poll is due. `true`: signed in (tokens stored); `false`: not yet (ask
  /// `flow.poller.seconds_until_poll(now)` when to call again); an error: stop (`access_denied`,
  /// `expired_token`, ...).
  result<bool> poll_device_sign_in(device_sign_in& flow) {
    if (config_error_) return *config_error_;
    auto wait = flow.poller.seconds_until_poll(clock_.now());
    if (!wait) return wait.error();
    if (*wait > 0) return false;
    auto disc = get_discovery();
    if (!disc) return disc.error();
    auto request = oidc::build_device_token_request(auth(), disc->token_endpoint, flow.authorization.device_code);
    if (!request) return request.error();
    detail::scoped_lock<Mutex> serial(refresh_mutex_);
    const std::int64_t requested_at = clock_.now();
    auto response = transport_.send(*request);
    result<oidc::token_response> parsed =
        response ? oidc::parse_device_token_response(*response) : result<oidc::token_response>(response.error());
    auto step = flow.poller.on_poll_result(std::move(parsed), clock_.now());
    if (!step) return step.error();
    if (!*step) return false;
    auto stored = store_new_session(*disc, **step, requested_at);
    if (!stored) return stored.error();
    return true;
  }

  /// Polls until the user approved or denied, or the code expired; `sleep(seconds)` waits between
  /// polls (e.g. `[](std::int64_t s) { std::this_thread::sleep_for(std::chrono::seconds(s)); }`).
  template <class Sleep>
  result<void> wait_for_device_sign_in(device_sign_in& flow, Sleep&& sleep) {
    for (;;) {
      auto wait = flow.poller.seconds_until_poll(clock_.now());
      if (!wait) return wait.error();
      if (*wait > 0) sleep(*wait);
      auto done = poll_device_sign_in(flow);
      if (!done) return done.error();
      if (*done) return ok();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Session state and tokens

  /// True when an ID token is stored (as `@logto/client`: no expiry or signature check here).
  bool is_authenticated() const {
    detail::scoped_lock<Mutex> lock(state_mutex_);
    const auto token = storage_.get(oidc::storage_keys::id_token);
    return token.has_value() && !token->empty();
  }

  /// The stored ID token, if any.
  std::optional<std::string> get_id_token() const {
    detail::scoped_lock<Mutex> lock(state_mutex_);
    return storage_.get(oidc::storage_keys::id_token);
  }

  /// The stored refresh token, if any. Treat it as a password.
  std::optional<std::string> get_refresh_token() const {
    detail::scoped_lock<Mutex> lock(state_mutex_);
    return storage_.get(oidc::storage_keys::refresh_token);
  }

  /// The claims of the stored ID token (verified when it was stored; decoded here).
  result<id_token_claims> get_id_token_claims() const {
    auto token = get_id_token();
    if (!token || token->empty()) return make_error(errc::not_authenticated, "Not authenticated: ID token not found");
    return oidc::decode_id_token(*token);
  }

  /// An access token for `resource` (empty: the default `"@"` token for userinfo), from the cache
  /// while it is valid for more than `access_token_margin` seconds, else by refreshing. `resource`
  /// must be one of `config.resources`: Logto only grants resources that were in the authorization
  /// request, and a refresh naming another one spends the refresh token (the session would be lost),
  /// so such a call is refused before anything is sent.
  result<std::string> get_access_token(std::string_view resource = {}) {
    if (config_error_) return *config_error_;
    if (!resource.empty() && !has_resource(resource)) {
      return make_error(errc::invalid_argument,
                        "the resource \"" + std::string(resource) +
                            "\" is not in config.resources: add it there and sign in again (Logto grants only the "
                            "resources requested at sign-in; asking for another would spend the refresh token)");
    }
    return access_token(resource, {});
  }

  /// An organization token (`urn:logto:scope:organizations` must be in the config's scopes).
  result<std::string> get_organization_token(std::string_view organization_id) {
    if (config_error_) return *config_error_;
    if (!has_scope(oidc::user_scope::organizations)) {
      return make_error(errc::missing_scope_organizations,
                        "The `urn:logto:scope:organizations` scope is required: add it to config.scopes");
    }
    if (organization_id.empty()) return make_error(errc::invalid_argument, "the organization id is empty");
    return access_token({}, organization_id);
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
    if (config_error_) return *config_error_;
    auto disc = get_discovery();
    if (!disc) return disc.error();
    if (disc->userinfo_endpoint.empty()) {
      return make_error(errc::fetch_user_info_failed, "the provider has no userinfo_endpoint");
    }
    auto token = get_access_token();
    if (!token) return token.error();
    auto claims = get_id_token_claims();
    if (!claims) return claims.error();
    auto request = oidc::build_user_info_request(disc->userinfo_endpoint, *token);
    if (!request) return request.error();
    auto response = transport_.send(*request);
    if (!response) return response.error();
    auto info = oidc::parse_user_info_response(*response);
    if (!info) return info.error();
    auto same = oidc::check_user_info_subject(*info, claims->sub);
    if (!same) return same.error();
    return info;
  }

  /// Forgets the cached access tokens (memory and storage).
  void clear_access_token() {
    detail::scoped_lock<Mutex> lock(state_mutex_);
    clear_access_token_locked();
  }

  /// Forgets the ID token, the refresh token and the access tokens (the sign-in session stays).
  void clear_all_tokens() {
    detail::scoped_lock<Mutex> lock(state_mutex_);
    clear_all_tokens_locked();
  }

  /// Signs out: revokes the refresh token (best effort), clears local tokens and returns the
  /// end-session URL to open in the browser (with `post_logout_redirect_uri` when given). Tokens are
  /// cleared even when the provider cannot be reached; the error then says so.
  result<std::string> sign_out(std::string_view post_logout_redirect_uri = {}) {
    if (config_error_) return *config_error_;
    detail::scoped_lock<Mutex> serial(refresh_mutex_);
    std::optional<std::string> refresh_token;
    {
      detail::scoped_lock<Mutex> lock(state_mutex_);
      refresh_token = storage_.get(oidc::storage_keys::refresh_token);
    }
    auto disc = get_discovery();
    if (disc && refresh_token && !refresh_token->empty() && !disc->revocation_endpoint.empty()) {
      auto request = oidc::build_revocation_request(auth(), disc->revocation_endpoint, *refresh_token);
      if (request) {
        auto response = transport_.send(*request);  // best effort, as @logto/client: errors are ignored
        (void)response;
      }
    }
    if (refresh_token) crypto::wipe(*refresh_token);
    clear_all_tokens();
    if (!disc) {
      error e = disc.error();
      e.message = "signed out locally (tokens cleared), but the provider is unreachable: " + e.message;
      return e;
    }
    if (disc->end_session_endpoint.empty()) {
      return make_error(errc::discovery_invalid,
                        "signed out locally (tokens cleared); the provider has no end_session_endpoint");
    }
    return oidc::build_end_session_uri(disc->end_session_endpoint, config_.app_id, post_logout_redirect_uri);
  }

  // -------------------------------------------------------------------------------------------
  // Beyond the JS SDKs: machine-to-machine and token exchange

  /// A client-credentials access token for `resource` (Logto machine-to-machine apps; needs
  /// `app_secret`). Cached in memory per resource and scopes until `access_token_margin` before expiry.
  result<std::string> get_client_credentials_token(std::string_view resource,
                                                   const std::vector<std::string>& scopes = {}) {
    if (config_error_) return *config_error_;
    const std::string key = oidc::build_access_token_key(resource, {}, scopes);
    {
      detail::scoped_lock<Mutex> lock(state_mutex_);
      if (auto hit = valid_entry(m2m_tokens_, key)) return *hit;
    }
    detail::scoped_lock<Mutex> serial(m2m_mutex_);
    {
      detail::scoped_lock<Mutex> lock(state_mutex_);
      if (auto hit = valid_entry(m2m_tokens_, key)) return *hit;  // another thread just fetched it
    }
    auto disc = get_discovery();
    if (!disc) return disc.error();
    oidc::client_credentials_grant grant;
    grant.resource = std::string(resource);
    grant.scopes = scopes;
    auto request = oidc::build_client_credentials_request(auth(), disc->token_endpoint, grant);
    if (!request) return request.error();
    const std::int64_t requested_at = clock_.now();
    auto tokens = exchange(*request);
    if (!tokens) return tokens.error();
    {
      detail::scoped_lock<Mutex> lock(state_mutex_);
      m2m_tokens_.set(key, entry_for(*tokens, requested_at));
    }
    return tokens->access_token;
  }

  /// RFC 8693 token exchange as Logto implements it (e.g. impersonation or a personal access token).
  /// Nothing is stored: the response is returned as is.
  result<oidc::token_response> exchange_token(const oidc::token_exchange_grant& grant) {
    if (config_error_) return *config_error_;
    auto disc = get_discovery();
    if (!disc) return disc.error();
    auto request = oidc::build_token_exchange_request(auth(), disc->token_endpoint, grant);
    if (!request) return request.error();
    return exchange(*request);
  }

  /// The provider's discovery document: fetched once per client and shared; a failed fetch is not
  /// cached (the next call tries again).
  result<oidc::discovery> get_discovery() {
    if (config_error_) return *config_error_;
    {
      detail::scoped_lock<Mutex> lock(state_mutex_);
      if (discovery_) return *discovery_;
    }
    detail::scoped_lock<Mutex> serial(fetch_mutex_);
    {
      detail::scoped_lock<Mutex> lock(state_mutex_);
      if (discovery_) return *discovery_;  // fetched by another thread meanwhile
    }
    auto request = oidc::build_discovery_request(config_.endpoint);
    if (!request) return request.error();
    auto response = transport_.send(*request);
    if (!response) return response.error();
    oidc::discovery_options dopt;
    dopt.require_issuer_match = options_.require_issuer_match;
    auto disc = oidc::parse_discovery_response(*response, config_.endpoint, dopt);
    if (!disc) return disc.error();
    detail::scoped_lock<Mutex> lock(state_mutex_);
    discovery_ = *disc;
    return disc;
  }

  /// Verifies an ID token against the provider's JWKS (fetched and cached; an unknown `kid` refetches
  /// once, rate-limited) and the OIDC Core 3.1.3.7 claims.
  result<jose::verified_jwt> verify_id_token(std::string_view id_token) {
    if (config_error_) return *config_error_;
    auto disc = get_discovery();
    if (!disc) return disc.error();
    return verify_id_token(*disc, id_token);
  }

 private:
  oidc::client_auth auth() const { return oidc::client_auth{config_.app_id, config_.app_secret}; }

  bool has_scope(std::string_view scope) const {
    for (const auto& s : config_.scopes) {
      if (s == scope) return true;
    }
    return false;
  }
  bool has_resource(std::string_view resource) const {
    for (const auto& r : config_.resources) {
      if (r == resource) return true;
    }
    return false;
  }

  // Sends a token request and parses the response; `invalid_grant` becomes `session_expired`.
  result<oidc::token_response> exchange(const http_request& request) {
    auto response = transport_.send(request);
    if (!response) return response.error();
    auto tokens = oidc::parse_token_response(*response);
    if (!tokens && oidc::oauth_error_name(tokens.error()) == "invalid_grant") {
      const error& e = tokens.error();
      return make_error(errc::session_expired,
                        "the provider rejected the grant (invalid_grant): the session is gone (expired, revoked, "
                        "or a refresh token was used twice); sign in again. Server said: " + e.message,
                        e.detail);
    }
    return tokens;
  }

  // `nonce`: the one sent with the authorization request (code exchange only; OIDC Core 12.2 and the
  // device flow have none). `access_token`: the one of the same token response, for `at_hash`.
  result<jose::verified_jwt> verify_id_token(const oidc::discovery& disc, std::string_view token,
                                             const std::optional<std::string>& nonce = std::nullopt,
                                             std::optional<std::string_view> access_token = std::nullopt) {
    auto algorithms =
        oidc::narrow_id_token_algorithms(options_.id_token_algorithms, disc.id_token_signing_alg_values_supported);
    if (!algorithms) return algorithms.error();
    const std::int64_t now = clock_.now();
    oidc::id_token_options o;
    o.issuer = disc.issuer;
    o.client_id = config_.app_id;
    o.trusted_audiences = options_.trusted_audiences;
    o.nonce = nonce;
    o.access_token = access_token;
    o.now = now;
    o.leeway = options_.id_token_leeway;
    o.algorithms = *algorithms;
    const std::string jwks_uri = disc.jwks_uri;
    detail::scoped_lock<Mutex> serial(fetch_mutex_);
    return jose::verify_with_jwks_cache(
        jwks_, now,
        [&]() -> result<std::string> {
          http_request req{"GET", jwks_uri, {{"Accept", "application/json"}}, {}};
          auto response = transport_.send(req);
          if (!response) return response.error();
          if (!detail::http_ok(response->status)) return oidc::map_error_response(*response);
          return std::move(response->body);
        },
        [&](const jose::key_set& keys) { return oidc::verify_id_token(token, keys, o); });
  }

  oidc::access_token_entry entry_for(const oidc::token_response& tokens, std::int64_t requested_at) const {
    oidc::access_token_entry entry;
    entry.token = tokens.access_token;
    entry.scope = tokens.scope.value_or(std::string());
    // Without expires_in the token is used for this call only and never served from the cache.
    entry.expires_at = static_cast<double>(requested_at + tokens.expires_in.value_or(0));
    return entry;
  }

  // After a code exchange or a device sign-in: verify the ID token, then store the new session.
  result<void> store_new_session(const oidc::discovery& disc, const oidc::token_response& tokens,
                                 std::int64_t requested_at, const std::optional<std::string>& nonce = std::nullopt) {
    if (!tokens.id_token || tokens.id_token->empty()) {
      return make_error(errc::token_response_invalid,
                        "the token response has no id_token (is the `openid` scope requested?)", "id_token");
    }
    auto verified = verify_id_token(disc, *tokens.id_token, nonce, tokens.access_token);
    if (!verified) return verified.error();
    detail::scoped_lock<Mutex> lock(state_mutex_);
    clear_all_tokens_locked();
    if (tokens.refresh_token && !tokens.refresh_token->empty()) {
      storage_.set(oidc::storage_keys::refresh_token, *tokens.refresh_token);
    } else {
      storage_.remove(oidc::storage_keys::refresh_token);
    }
    storage_.set(oidc::storage_keys::id_token, *tokens.id_token);
    load_access_tokens_locked();
    access_tokens_.set(oidc::build_access_token_key(), entry_for(tokens, requested_at));
    save_access_tokens_locked();
    return ok();
  }

  std::optional<std::string> valid_entry(const oidc::access_token_map& map, std::string_view key) const {
    const auto* entry = map.find(key);
    if (entry == nullptr) return std::nullopt;
    const double now = static_cast<double>(clock_.now());
    if (entry->expires_at - static_cast<double>(options_.access_token_margin) > now) return entry->token;
    return std::nullopt;
  }

  // The outcome of the last refresh per token key, so that callers who waited for it share it.
  struct flight {
    std::uint64_t generation = 0;
    std::optional<result<std::string>> outcome;
  };

  result<std::string> access_token(std::string_view resource, std::string_view organization_id) {
    if (config_error_) return *config_error_;
    const std::string key = oidc::build_access_token_key(resource, organization_id);
    std::uint64_t seen = 0;
    {
      detail::scoped_lock<Mutex> lock(state_mutex_);
      const auto id_token = storage_.get(oidc::storage_keys::id_token);
      if (!id_token || id_token->empty()) return make_error(errc::not_authenticated, "Not authenticated");
      load_access_tokens_locked();
      if (auto hit = valid_entry(access_tokens_, key)) return *hit;
      seen = flights_[key].generation;
    }
    // One refresh at a time: Logto revokes the whole grant when a rotated refresh token is reused.
    detail::scoped_lock<Mutex> serial(refresh_mutex_);
    {
      detail::scoped_lock<Mutex> lock(state_mutex_);
      const flight& f = flights_[key];
      if (f.generation != seen && f.outcome) return *f.outcome;  // the refresh we waited for
      load_access_tokens_locked();
      if (auto hit = valid_entry(access_tokens_, key)) return *hit;
    }
    auto outcome = refresh(resource, organization_id, key);
    detail::scoped_lock<Mutex> lock(state_mutex_);
    flight& f = flights_[key];
    ++f.generation;
    f.outcome = outcome;
    return outcome;
  }

  // Runs under refresh_mutex_.
  result<std::string> refresh(std::string_view resource, std::string_view organization_id, const std::string& key) {
    std::optional<std::string> refresh_token;
    std::optional<std::string> previous_id_token;
    {
      detail::scoped_lock<Mutex> lock(state_mutex_);
      refresh_token = storage_.get(oidc::storage_keys::refresh_token);
      previous_id_token = storage_.get(oidc::storage_keys::id_token);
    }
    if (!refresh_token || refresh_token->empty()) {
      return make_error(errc::not_authenticated, "Not authenticated: Refresh token not found");
    }
    auto disc = get_discovery();
    if (!disc) return disc.error();
    oidc::refresh_token_grant grant;
    grant.refresh_token = std::move(*refresh_token);
    grant.resource = std::string(resource);
    grant.organization_id = std::string(organization_id);
    const std::int64_t requested_at = clock_.now();
    auto request = oidc::build_refresh_token_request(auth(), disc->token_endpoint, grant);
    crypto::wipe(grant.refresh_token);
    if (!request) return request.error();
    auto tokens = exchange(*request);
    crypto::wipe(request->body);
    if (!tokens) return tokens.error();
    // The old refresh token is spent now: store the rotated one before anything else can fail.
    if (tokens->refresh_token && !tokens->refresh_token->empty()) {
      detail::scoped_lock<Mutex> lock(state_mutex_);
      storage_.set(oidc::storage_keys::refresh_token, *tokens->refresh_token);
    }
    if (tokens->id_token && !tokens->id_token->empty()) {
      auto verified = verify_id_token(*disc, *tokens->id_token, std::nullopt, tokens->access_token);
      if (!verified) return verified.error();
      if (previous_id_token && !previous_id_token->empty()) {
        auto same = oidc::check_refreshed_id_token(*previous_id_token, verified->claims, config_.app_id);
        if (!same) return same.error();
      }
      detail::scoped_lock<Mutex> lock(state_mutex_);
      storage_.set(oidc::storage_keys::id_token, *tokens->id_token);
    }
    detail::scoped_lock<Mutex> lock(state_mutex_);
    load_access_tokens_locked();
    access_tokens_.set(key, entry_for(*tokens, requested_at));
    save_access_tokens_locked();
    return tokens->access_token;
  }

  // The access-token map is read from storage once (lazily) and written back on every change. A
  // corrupt stored map is treated as empty, as @logto/client does.
  void load_access_tokens_locked() {
    if (access_tokens_loaded_) return;
    access_tokens_loaded_ = true;
    const auto stored = storage_.get(oidc::storage_keys::access_token);
    if (!stored) return;
    auto parsed = oidc::parse_access_token_map(*stored);
    if (parsed) access_tokens_ = std::move(*parsed);
  }
  void save_access_tokens_locked() {
    storage_.set(oidc::storage_keys::access_token, oidc::serialize_access_token_map(access_tokens_));
  }
  void clear_access_token_locked() {
    access_tokens_.clear();
    access_tokens_loaded_ = true;
    storage_.remove(oidc::storage_keys::access_token);
    // Shared refresh outcomes hold tokens too; forget them (keeping the generations).
    for (auto& f : flights_) {
      if (f.second.outcome && f.second.outcome->has_value()) crypto::wipe(f.second.outcome->value());
      f.second.outcome.reset();
    }
  }
  void clear_all_tokens_locked() {
    storage_.remove(oidc::storage_keys::refresh_token);
    storage_.remove(oidc::storage_keys::id_token);
    clear_access_token_locked();
  }

  Transport& transport_;
  Storage& storage_;
  client_options options_;
  Clock clock_;
  Random random_;
  config config_;
  std::optional<error> config_error_;

  mutable Mutex state_mutex_;  // short sections: storage, the token map, discovery, flights
  Mutex refresh_mutex_;        // held across network calls that use or replace the refresh token
  Mutex fetch_mutex_;          // discovery and JWKS fetches (one at a time, shared by all callers)
  Mutex m2m_mutex_;            // client-credentials fetches

  std::optional<oidc::discovery> discovery_;
  jose::jwks_cache jwks_;
  oidc::access_token_map access_tokens_;
  bool access_tokens_loaded_ = false;
  oidc::access_token_map m2m_tokens_;
  std::map<std::string, flight, std::less<>> flights_;
  std::optional<std::string> post_redirect_uri_;
};

}  // namespace logto
