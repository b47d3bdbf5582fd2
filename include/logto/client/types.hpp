/// @file
/// @brief The client's public value types: sign-in options, tuning (`client_options`), a device
/// sign-in in progress, and `step`, what an operation of the client core asks its host to do next.
#pragma once

#include <cstdint>   // std::int64_t
#include <optional>  // std::optional
#include <string>    // std::string
#include <vector>    // std::vector

#include "logto/core/url.hpp"
#include "logto/http.hpp"
#include "logto/jose/jwt.hpp"
#include "logto/jose/jwks_cache.hpp"
#include "logto/oidc/claims.hpp"
#include "logto/oidc/device.hpp"
#include "logto/oidc/sign_in.hpp"
#include "logto/oidc/user_info.hpp"

namespace logto {

using oidc::access_token_claims;
using oidc::id_token_claims;
using oidc::user_info;

/// What `sign_in` puts into the sign-in URI (`SignInOptions` of `@logto/client`).
struct sign_in_options {
  std::string redirect_uri;              ///< required: where the browser comes back (custom scheme or loopback)
  std::string post_redirect_uri;         ///< optional: returned by `post_redirect_uri()` after the callback
  std::vector<std::string> prompt;       ///< overrides `config::prompt` when not empty ("login", "consent", ...)
  std::string login_hint;                ///< e.g. an email address to prefill
  std::string first_screen;              ///< `oidc::first_screens::...` ("register", "identifier:sign_in", ...)
  std::vector<std::string> identifiers;  ///< `oidc::identifier_types::...` with `first_screen`
  std::optional<oidc::direct_sign_in> direct_sign_in;  ///< go straight to a social / SSO connector
  query_params extra_params;  ///< appended as is (e.g. `organization_id`, `ui_locales`, `one_time_token`)
  bool clear_tokens = true;   ///< drop the tokens of a previous session (as the JS SDK does by default)
};

/// Tuning that `@logto/client` hard-codes. Every size and time knob of the client is here (seconds).
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
  /// A discovery document (fetched or imported) is refetched when older than this; while the refetch
  /// fails the old one stays in use (endpoints rarely move), retried at most every `jwks.cooldown`.
  std::int64_t discovery_max_age = std::int64_t{24} * 3600;
  /// The longest wait between two device-flow polls, whatever the server's `interval` or its
  /// `slow_down`s say (`oidc::device_poller`).
  std::int64_t device_max_interval = oidc::device_max_interval;
};

/// A device sign-in in progress (RFC 8628): show `authorization.user_code` and
/// `authorization.verification_uri` (or `verification_uri_complete`), then poll.
struct device_sign_in {
  oidc::device_authorization authorization;
  oidc::device_poller poller;
};

/// The outcome of one device-flow poll that did not fail: signed in, or when to poll next.
struct device_poll_status {
  bool signed_in = false;
  std::int64_t next_poll_at = 0;  ///< unix seconds; with `signed_in == false`
};

/// What an operation of `client_core` needs next (see `client/core.hpp`). A plain tagged struct (no
/// `std::variant`, which costs compile time in every translation unit).
struct step {
  enum class kind {
    send,        ///< perform `request` and hand the outcome to `feed`
    wait_until,  ///< call `next` again at `wake_at` (device polling only)
    blocked,     ///< another operation owns a fetch this one needs: pump the others, then ask again
    done,        ///< `take_result()`
  };
  kind what = kind::done;
  const http_request* request = nullptr;  ///< with `send`: valid until the operation is fed or destroyed
  std::int64_t wake_at = 0;               ///< with `wait_until`: unix seconds

  static step send(const http_request& r) noexcept { return step{kind::send, &r, 0}; }
  static step wait(std::int64_t t) noexcept { return step{kind::wait_until, nullptr, t}; }
  static step block() noexcept { return step{kind::blocked, nullptr, 0}; }
  static step finished() noexcept { return step{kind::done, nullptr, 0}; }
};

}  // namespace logto
