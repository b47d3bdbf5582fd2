/// @file
/// @brief `logto::errc`, `logto::error` and `logto::result<T>`: how every operation reports failure.
///
/// No exception crosses the API. An operation returns `result<T>`, which holds either a `T` or an
/// `error`. The error's `code` is stable and its `to_string` is Logto's own code string where Logto has
/// one (`callback_uri_verification.state_mismatched`, `sign_in_session.not_found`, connector-kit's
/// `invalid_config`, ...). `message` is for people; `detail` carries what a server or provider said
/// (an OAuth error name, Logto's `oidc.invalid_grant`, an SMTP reply, a provider error code).
#pragma once

#include <cstdio>       // std::fputs (the bad-access message)
#include <cstdlib>      // std::abort
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <type_traits>  // std::is_same
#include <new>          // placement new
#include <utility>      // std::move

#include "logto/core/config.hpp"

namespace logto {

/// Every failure kind the library reports. The comment after each is its code string (`to_string`).
enum class errc {
  // ---- core
  invalid_argument,  ///< invalid_argument
  invalid_encoding,  ///< invalid_encoding (base64, base64url, hex, percent-encoding, UTF-8)
  invalid_url,       ///< invalid_url
  invalid_json,      ///< invalid_json
  crypto_error,      ///< crypto_error (an mbedTLS call failed, or no randomness)
  // ---- host transport and HTTP responses (mirrors @logto/client's requester)
  transport_error,            ///< transport_error (the host's transport could not deliver the request)
  http_error,                 ///< http_error (non-2xx with a non-JSON body; detail is `http_error_<status>`)
  rate_limited,               ///< rate_limited (HTTP 429 with a non-JSON body)
  request_error,              ///< request_error (Logto error body `{code, message}`; detail is the code)
  oauth_error,                ///< oauth_error (RFC 6749 5.2 body `{error, error_description}`; detail is `error`)
  unexpected_response_error,  ///< unexpected_response_error (other JSON error body, or a malformed success)
  // ---- JOSE / ID token
  jwt_malformed,              ///< jwt.malformed
  jwt_unsupported_algorithm,  ///< jwt.unsupported_algorithm (alg not on the allow-list, none, HS*, crit, jku...)
  jwt_no_matching_key,        ///< jwt.no_matching_key
  jwt_signature_invalid,      ///< jwt.signature_invalid
  jwt_claim_invalid,          ///< jwt.claim_invalid (iss, aud, azp, sub, nonce; detail names the claim)
  jwt_expired,                ///< jwt.expired
  jwt_not_yet_valid,          ///< jwt.not_yet_valid (nbf in the future)
  id_token_invalid_iat,       ///< id_token.invalid_iat
  id_token_invalid_token,     ///< id_token.invalid_token
  jwk_invalid,                ///< jwk.invalid
  jwks_invalid,               ///< jwks.invalid
  // ---- OpenID Connect steps
  discovery_invalid,                 ///< discovery.invalid
  token_response_invalid,            ///< token_response.invalid
  callback_redirect_uri_mismatched,  ///< callback_uri_verification.redirect_uri_mismatched
  callback_error_found,              ///< callback_uri_verification.error_found
  callback_missing_state,            ///< callback_uri_verification.missing_state
  callback_state_mismatched,         ///< callback_uri_verification.state_mismatched
  callback_missing_code,             ///< callback_uri_verification.missing_code
  callback_issuer_mismatched,        ///< callback_uri_verification.issuer_mismatched (RFC 9207)
  authorization_pending,             ///< authorization_pending (RFC 8628 3.5)
  slow_down,                         ///< slow_down (RFC 8628 3.5)
  access_denied,                     ///< access_denied
  expired_token,                     ///< expired_token (RFC 8628: the device code expired)
  // ---- client (@logto/client's LogtoClientError codes)
  sign_in_session_invalid,      ///< sign_in_session.invalid
  sign_in_session_not_found,    ///< sign_in_session.not_found
  not_authenticated,            ///< not_authenticated
  fetch_user_info_failed,       ///< fetch_user_info_failed
  user_info_sub_mismatched,     ///< user_info.sub_mismatched (OIDC Core 5.3.2)
  user_cancelled,               ///< user_cancelled (`client::cancel_sign_in`: the host saw the browser close)
  missing_scope_organizations,  ///< missing_scope_organizations
  session_expired,              ///< session_expired (the grant is gone: invalid_grant on refresh)
  storage_write_failed,         ///< storage.write_failed (the host's storage refused a write; detail: the key)
  // ---- API side (Logto core's koa-auth codes)
  auth_authorization_header_missing,            ///< auth.authorization_header_missing (no bearer token: 401)
  auth_authorization_token_type_not_supported,  ///< auth.authorization_token_type_not_supported (not Bearer)
  auth_forbidden,         ///< auth.forbidden (a valid token without the scope or organization asked for: 403)
  auth_keys_unavailable,  ///< auth.keys_unavailable (the issuer's JWKS could not be loaded yet: 503)
  // ---- connectors (connector-kit's ConnectorErrorCodes)
  general,                     ///< general
  invalid_config,              ///< invalid_config
  invalid_response,            ///< invalid_response
  template_not_found,          ///< template_not_found
  rate_limit_exceeded,         ///< rate_limit_exceeded
  usage_limit_exceeded,        ///< usage_limit_exceeded (a provider quota or balance is used up)
  invalid_request_parameters,  ///< invalid_request_parameters
  // ---- byte streams, TLS, SMTP
  timeout,            ///< timeout
  connection_closed,  ///< connection_closed
  tls_error,          ///< tls_error (handshake, certificate or host-name verification failed)
  protocol_error,     ///< protocol_error (a peer broke the protocol: garbage, over-long line, bad reply)
};

/// Logto's code string for `code` (e.g. "callback_uri_verification.state_mismatched").
constexpr std::string_view to_string(errc code) noexcept {
  switch (code) {
    case errc::invalid_argument: return "invalid_argument";
    case errc::invalid_encoding: return "invalid_encoding";
    case errc::invalid_url: return "invalid_url";
    case errc::invalid_json: return "invalid_json";
    case errc::crypto_error: return "crypto_error";
    case errc::transport_error: return "transport_error";
    case errc::http_error: return "http_error";
    case errc::rate_limited: return "rate_limited";
    case errc::request_error: return "request_error";
    case errc::oauth_error: return "oauth_error";
    case errc::unexpected_response_error: return "unexpected_response_error";
    case errc::jwt_malformed: return "jwt.malformed";
    case errc::jwt_unsupported_algorithm: return "jwt.unsupported_algorithm";
    case errc::jwt_no_matching_key: return "jwt.no_matching_key";
    case errc::jwt_signature_invalid: return "jwt.signature_invalid";
    case errc::jwt_claim_invalid: return "jwt.claim_invalid";
    case errc::jwt_expired: return "jwt.expired";
    case errc::jwt_not_yet_valid: return "jwt.not_yet_valid";
    case errc::id_token_invalid_iat: return "id_token.invalid_iat";
    case errc::id_token_invalid_token: return "id_token.invalid_token";
    case errc::jwk_invalid: return "jwk.invalid";
    case errc::jwks_invalid: return "jwks.invalid";
    case errc::discovery_invalid: return "discovery.invalid";
    case errc::token_response_invalid: return "token_response.invalid";
    case errc::callback_redirect_uri_mismatched: return "callback_uri_verification.redirect_uri_mismatched";
    case errc::callback_error_found: return "callback_uri_verification.error_found";
    case errc::callback_missing_state: return "callback_uri_verification.missing_state";
    case errc::callback_state_mismatched: return "callback_uri_verification.state_mismatched";
    case errc::callback_missing_code: return "callback_uri_verification.missing_code";
    case errc::callback_issuer_mismatched: return "callback_uri_verification.issuer_mismatched";
    case errc::authorization_pending: return "authorization_pending";
    case errc::slow_down: return "slow_down";
    case errc::access_denied: return "access_denied";
    case errc::expired_token: return "expired_token";
    case errc::sign_in_session_invalid: return "sign_in_session.invalid";
    case errc::sign_in_session_not_found: return "sign_in_session.not_found";
    case errc::not_authenticated: return "not_authenticated";
    case errc::fetch_user_info_failed: return "fetch_user_info_failed";
    case errc::user_info_sub_mismatched: return "user_info.sub_mismatched";
    case errc::user_cancelled: return "user_cancelled";
    case errc::missing_scope_organizations: return "missing_scope_organizations";
    case errc::session_expired: return "session_expired";
    case errc::storage_write_failed: return "storage.write_failed";
    case errc::auth_authorization_header_missing: return "auth.authorization_header_missing";
    case errc::auth_authorization_token_type_not_supported: return "auth.authorization_token_type_not_supported";
    case errc::auth_forbidden: return "auth.forbidden";
    case errc::auth_keys_unavailable: return "auth.keys_unavailable";
    case errc::general: return "general";
    case errc::invalid_config: return "invalid_config";
    case errc::invalid_response: return "invalid_response";
    case errc::template_not_found: return "template_not_found";
    case errc::rate_limit_exceeded: return "rate_limit_exceeded";
    case errc::usage_limit_exceeded: return "usage_limit_exceeded";
    case errc::invalid_request_parameters: return "invalid_request_parameters";
    case errc::timeout: return "timeout";
    case errc::connection_closed: return "connection_closed";
    case errc::tls_error: return "tls_error";
    case errc::protocol_error: return "protocol_error";
  }
  return "unknown";
}

/// A failure: a stable code, a sentence a person can act on, and what the peer said.
struct error {
  errc code = errc::general;
  std::string message;  ///< what went wrong and, where possible, what to do about it
  std::string detail;   ///< server / provider code or reply (e.g. "oidc.invalid_grant", "535 5.7.8 ...")
};

// NOLINTNEXTLINE(misc-redundant-expression): two different traits of the same type, not one twice
static_assert(std::is_nothrow_move_constructible<error>::value && std::is_nothrow_move_assignable<error>::value,
              "result<T> relies on an error that moves without throwing");

/// Builds an `error` (convertible to any `result<T>`).
inline error make_error(errc code, std::string message, std::string detail = {}) {
  return error{code, std::move(message), std::move(detail)};
}

/// Called when a program reads the value of a failed `result` (`e`: its error) or the error of a successful
/// one (`e` is null), just before `std::abort()`: the library never throws, so this is where such a bug
/// ends. The default writes the error's code and message to `stderr` (unless `LOGTO_NO_STDIO` is defined),
/// so a crash on a device says why; a host without `stderr` installs a handler that logs its own way.
using bad_result_access_handler = void (*)(const error* e) noexcept;

namespace detail {
inline void default_bad_result_access(const error* e) noexcept {
#if !defined(LOGTO_NO_STDIO)
  if (e == nullptr) {
    (void)std::fputs("logto: error() read on a successful result; aborting\n", stderr);
    return;
  }
  (void)std::fputs("logto: value() read on a failed result (check it first); aborting. Error ", stderr);
  (void)std::fwrite(to_string(e->code).data(), 1, to_string(e->code).size(), stderr);
  (void)std::fputs(": ", stderr);
  (void)std::fputs(e->message.c_str(), stderr);
  if (!e->detail.empty()) {
    (void)std::fputs(" [", stderr);
    (void)std::fputs(e->detail.c_str(), stderr);
    (void)std::fputs("]", stderr);
  }
  (void)std::fputs("\n", stderr);
#else
  (void)e;
#endif
}
inline bad_result_access_handler& bad_result_access_hook() noexcept {
  static bad_result_access_handler handler = &default_bad_result_access;
  return handler;
}
[[noreturn]] inline void bad_result_access(const error* e) noexcept {
  // Reading the wrong side of a result is a programming error: say which error it was, then stop.
  if (bad_result_access_handler h = bad_result_access_hook()) h(e);
  std::abort();
}
}  // namespace detail

/// Installs `handler` (null: none) for reads of the wrong side of a `result`; returns the previous one.
/// Set it once at start-up, before other threads use the library.
inline bad_result_access_handler set_bad_result_access_handler(bad_result_access_handler handler) noexcept {
  bad_result_access_handler previous = detail::bad_result_access_hook();
  detail::bad_result_access_hook() = handler;
  return previous;
}

/// Either a `T` or an `error`. Check it (`if (r)`, `has_value()`) before `value()` / `*` / `->`;
/// reading the wrong side aborts, because the library never throws.
///
/// A tagged union rather than `std::variant<T, error>`: the library has a hundred or so distinct
/// `result<T>`, and `std::variant`'s visitation machinery, instantiated for each of them, was the
/// largest single part of the cost of including the library (benchmarks/README.md, compile cost).
template <class T>
class [[nodiscard]] result {
  static_assert(!std::is_same<T, ::logto::error>::value, "result<error> is ambiguous");
  static_assert(!std::is_reference<T>::value, "result<T&> is not supported; use a pointer");

 public:
  using value_type = T;

  // Every constructor builds the member first and sets the tag after it: a compiler that cannot see
  // into the member's constructor (an out-of-line std::string constructor that is handed the member's
  // address) would otherwise have to reload the tag, and GCC 12 at -O3 (armhf) then reports the inactive
  // member as "maybe uninitialized" on the path it cannot rule out.
  result(const T& v) { construct_value(v); }                     // NOLINT
  result(T&& v) { construct_value(std::move(v)); }               // NOLINT
  result(const ::logto::error& e) { construct_error(e); }        // NOLINT
  result(::logto::error&& e) { construct_error(std::move(e)); }  // NOLINT
  // std::conjunction stops at the first false: `return make_error(...)` (U = error) does not
  // instantiate is_constructible<T, error&&> for every T.
  template <class U, class = typename std::enable_if<
                         std::conjunction<std::negation<std::is_same<typename std::decay<U>::type, ::logto::error>>,
                                          std::negation<std::is_same<typename std::decay<U>::type, T>>,
                                          std::negation<std::is_same<typename std::decay<U>::type, result>>,
                                          std::is_constructible<T, U&&>>::value>::type>
  result(U&& v) {  // NOLINT(google-explicit-constructor)
    construct_value(std::forward<U>(v));
  }
  result(const result& o) {
    if (o.ok_) {
      construct_value(o.value_);
    } else {
      construct_error(o.error_);
    }
  }
  result(result&& o) noexcept(std::is_nothrow_move_constructible<T>::value) {
    if (o.ok_) {
      construct_value(std::move(o.value_));
    } else {
      construct_error(std::move(o.error_));
    }
  }
  // Assignment between a value and an error first makes the copy (which may throw when exceptions
  // are on, e.g. std::bad_alloc), then destroys the old member and moves the copy in. The moves must not
  // throw, or a failure between the two would leave neither member alive (std::variant's "valueless"
  // state, which this type does not have); hence the static_asserts.
  result& operator=(const result& o) {
    if (this == &o) return *this;
    if (ok_ && o.ok_) {
      value_ = o.value_;
    } else if (!ok_ && !o.ok_) {
      error_ = o.error_;
    } else if (o.ok_) {
      T copy(o.value_);
      become_value(std::move(copy));
    } else {
      ::logto::error copy(o.error_);
      become_error(std::move(copy));
    }
    return *this;
  }
  result& operator=(result&& o) noexcept(std::is_nothrow_move_assignable<T>::value) {
    if (this == &o) return *this;
    if (ok_ && o.ok_) {
      value_ = std::move(o.value_);
    } else if (!ok_ && !o.ok_) {
      error_ = std::move(o.error_);
    } else if (o.ok_) {
      become_value(std::move(o.value_));
    } else {
      become_error(std::move(o.error_));
    }
    return *this;
  }
  ~result() { destroy(); }

  bool has_value() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }

  T& value() & { return *checked(); }
  const T& value() const& { return *checked(); }
  T&& value() && { return std::move(*checked()); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*checked()); }
  T* operator->() { return checked(); }
  const T* operator->() const { return checked(); }

  /// The value, or `fallback` when this holds an error.
  template <class U>
  T value_or(U&& fallback) const& {
    return ok_ ? value_ : static_cast<T>(std::forward<U>(fallback));
  }

  const ::logto::error& error() const& {
    if (ok_) detail::bad_result_access(nullptr);
    return error_;
  }
  ::logto::error&& error() && {
    if (ok_) detail::bad_result_access(nullptr);
    return std::move(error_);
  }

 private:
  template <class... A>
  void construct_value(A&&... a) {
    ::new (static_cast<void*>(&value_)) T(std::forward<A>(a)...);
    ok_ = true;
  }
  template <class E>
  void construct_error(E&& e) {
    ::new (static_cast<void*>(&error_))::logto::error(std::forward<E>(e));
    ok_ = false;
  }
  void become_value(T&& v) noexcept {
    static_assert(std::is_nothrow_move_constructible<T>::value,
                  "assigning a result<T> between value and error needs a T that moves without throwing");
    error_.~error();
    ::new (static_cast<void*>(&value_)) T(std::move(v));
    ok_ = true;
  }
  void become_error(::logto::error&& e) noexcept {
    value_.~T();
    ::new (static_cast<void*>(&error_))::logto::error(std::move(e));
    ok_ = false;
  }
  void destroy() noexcept {
    if (ok_) {
      value_.~T();
    } else {
      error_.~error();
    }
  }
  T* checked() {
    if (!ok_) detail::bad_result_access(&error_);
    return &value_;
  }
  const T* checked() const {
    if (!ok_) detail::bad_result_access(&error_);
    return &value_;
  }
  union {
    T value_;
    ::logto::error error_;
  };
  bool ok_ = false;  // true once value_ is alive (see the constructors)
};

/// Success without a value, or an `error`.
template <>
class [[nodiscard]] result<void> {
 public:
  result() = default;
  result(const ::logto::error& e) : failed_(true), error_(e) {}        // NOLINT(google-explicit-constructor)
  result(::logto::error&& e) : failed_(true), error_(std::move(e)) {}  // NOLINT(google-explicit-constructor)
  /// Any result as a `result<void>`: the error kept, a value dropped. Keeps code written when an
  /// operation returned `result<void>` compiling now that it returns a value (the connectors' `send`).
  template <class T>
  result(const result<T>& r) : failed_(!r.has_value()) {  // NOLINT(google-explicit-constructor)
    if (failed_) error_ = r.error();
  }

  bool has_value() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return !failed_; }
  void value() const {
    if (failed_) detail::bad_result_access(&error_);
  }
  const ::logto::error& error() const& {
    if (!failed_) detail::bad_result_access(nullptr);
    return error_;
  }
  ::logto::error&& error() && {
    if (!failed_) detail::bad_result_access(nullptr);
    return std::move(error_);
  }

 private:
  bool failed_ = false;
  ::logto::error error_;
};

/// A successful `result<void>`.
inline result<void> ok() { return {}; }

}  // namespace logto
