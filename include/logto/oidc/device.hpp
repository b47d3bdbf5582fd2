/// @file
/// @brief The device authorization grant (RFC 8628), which the JS SDKs do not have: the device
/// authorization request and response, the token polling request and response, and a pure polling
/// state machine (`device_poller`) that says when to poll and when to stop.
///
/// Logto serves it for "Native" apps with the device flow enabled (public clients):
/// `POST <endpoint>/oidc/device/auth`, then polling `POST <endpoint>/oidc/token`.
#pragma once

#include <algorithm>    // std::max, std::min (written (std::min)(a, b): immune to <windows.h> macros)
#include <cstdint>      // std::int64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "logto/core/strict_json.hpp"
#include "logto/core/result.hpp"
#include "logto/http.hpp"
#include "logto/oidc/common.hpp"
#include "logto/oidc/constants.hpp"
#include "logto/oidc/response.hpp"
#include "logto/oidc/token.hpp"

namespace logto {
namespace oidc {

/// RFC 8628 3.2 default polling interval, and the slow_down increment of 3.5 (seconds).
inline constexpr std::int64_t device_default_interval = 5;
inline constexpr std::int64_t device_slow_down_increment = 5;
/// The longest wait between two polls `device_poller` accepts from a server (seconds).
inline constexpr std::int64_t device_max_interval = 60;

/// The device authorization response (RFC 8628 3.2). Show `user_code` and `verification_uri` (or
/// `verification_uri_complete`, e.g. as a QR code) to the user.
struct device_authorization {
  std::string device_code;  ///< secret: only for the polling request
  std::string user_code;
  std::string verification_uri;
  std::optional<std::string> verification_uri_complete;
  std::int64_t expires_in = 0;                      ///< seconds the device code lives
  std::int64_t interval = device_default_interval;  ///< seconds between polls (5 when absent)
};

/// RFC 8628 3.1: POST `client_id[, scope][, resource...]` to the device authorization endpoint (scopes
/// space-joined; one `resource` per entry, as Logto accepts them).
inline result<http_request> build_device_authorization_request(const client_auth& client,
                                                               std::string_view device_authorization_endpoint,
                                                               const std::vector<std::string>& scopes,
                                                               const std::vector<std::string>& resources = {}) {
  query_params f;
  add_param(f, "client_id", std::string(client.client_id));
  if (!scopes.empty()) add_param(f, "scope", detail::join(scopes, ' '));
  for (const auto& r : resources) add_param(f, "resource", r);
  return detail::client_form_post(client, device_authorization_endpoint, "device_authorization_endpoint", f);
}

namespace detail {
inline error device_field_error(std::string_view field, std::string_view why) {
  return make_error(errc::unexpected_response_error,
                    "device authorization response: \"" + std::string(field) + "\" " + std::string(why),
                    std::string(field));
}
}  // namespace detail

/// Reads a device authorization response object: `device_code`, `user_code`, `verification_uri`
/// (non-empty strings; the URI absolute http(s)), `expires_in` (positive integer) required;
/// `verification_uri_complete` (http(s) URL) and `interval` (non-negative integer, default 5) optional.
/// `errc::unexpected_response_error`, detail = the field.
inline result<device_authorization> parse_device_authorization(const json::object& obj) {
  device_authorization d;
  struct required_string {
    std::string_view name;
    std::string* target;
  };
  const required_string strings[] = {
      {"device_code", &d.device_code}, {"user_code", &d.user_code}, {"verification_uri", &d.verification_uri}};
  for (const auto& f : strings) {
    const json::value* v = json::find(obj, f.name);
    if (v == nullptr) return detail::device_field_error(f.name, "is missing");
    const std::string* s = json::as_string(*v);
    if (s == nullptr) return detail::device_field_error(f.name, "must be a string");
    if (s->empty()) return detail::device_field_error(f.name, "is empty");
    *f.target = *s;
  }
  if (!detail::check_http_url(d.verification_uri, "verification_uri", true)) {
    return detail::device_field_error("verification_uri", "is not an absolute http(s) URL");
  }
  const json::value* complete = json::find(obj, "verification_uri_complete");
  if (complete != nullptr && !complete->is_null()) {
    const std::string* s = json::as_string(*complete);
    if (s == nullptr) return detail::device_field_error("verification_uri_complete", "must be a string");
    if (!detail::check_http_url(*s, "verification_uri_complete", true)) {
      return detail::device_field_error("verification_uri_complete", "is not an absolute http(s) URL");
    }
    d.verification_uri_complete = *s;
  }
  const json::value* expires = json::find(obj, "expires_in");
  if (expires == nullptr) return detail::device_field_error("expires_in", "is missing");
  const auto e = json::as_integer(*expires);
  if (!e || *e <= 0) return detail::device_field_error("expires_in", "must be a positive integer JSON number");
  d.expires_in = *e;
  const json::value* interval = json::find(obj, "interval");
  if (interval != nullptr && !interval->is_null()) {
    const auto i = json::as_integer(*interval);
    if (!i || *i < 0) return detail::device_field_error("interval", "must be a non-negative integer JSON number");
    d.interval = *i;
  }
  return d;
}

/// Parses the device authorization response (non-2xx as `map_error_response`).
inline result<device_authorization> parse_device_authorization_response(const http_response& response) {
  auto obj = parse_json_object_response(response, "device authorization response");
  if (!obj) return obj.error();
  return parse_device_authorization(*obj);
}

/// RFC 8628 3.4: POST `grant_type=urn:ietf:params:oauth:grant-type:device_code, device_code,
/// client_id` to the token endpoint.
inline result<http_request> build_device_token_request(const client_auth& client, std::string_view token_endpoint,
                                                       std::string_view device_code) {
  if (device_code.empty()) return make_error(errc::invalid_argument, "the device code is empty");
  query_params f;
  add_param(f, "grant_type", std::string(grant_types::device_code));
  add_param(f, "device_code", std::string(device_code));
  add_param(f, "client_id", std::string(client.client_id));
  return detail::client_form_post(client, token_endpoint, "token_endpoint", f);
}

/// Parses a polling response like `parse_token_response`, but the RFC 8628 3.5 errors, from Logto's
/// `{"code":"oidc.<error>",...}` or a plain `{"error":...}` body, become `errc::authorization_pending`,
/// `errc::slow_down`, `errc::access_denied` and `errc::expired_token` (detail = the error name).
inline result<token_response> parse_device_token_response(const http_response& response) {
  auto r = parse_token_response(response);
  if (r) return r;
  const std::string name = oauth_error_name(r.error());
  errc code = r.error().code;
  if (name == "authorization_pending") {
    code = errc::authorization_pending;
  } else if (name == "slow_down") {
    code = errc::slow_down;
  } else if (name == "access_denied") {
    code = errc::access_denied;
  } else if (name == "expired_token") {
    code = errc::expired_token;
  } else {
    return std::move(r).error();
  }
  return make_error(code, r.error().message, name);
}

/// When to poll and when to give up, without a clock or a thread of its own: feed it the time and
/// each poll's outcome.
///
///     device_poller poller(auth, clock.now());
///     for (;;) {
///       auto wait = poller.seconds_until_poll(clock.now());   // expired_token once past the deadline
///       if (!wait) return wait.error();
///       sleep(*wait);
///       auto step = poller.on_poll_result(parse_device_token_response(send(poll_request)), clock.now());
///       if (!step) return step.error();                  // access_denied, expired_token, ...
///       if (*step) return std::move(**step);              // the tokens
///     }
///
/// Rules (RFC 8628 3.5): the first poll waits one interval; `authorization_pending` keeps the
/// interval; `slow_down` adds 5 s for this and every later poll; `access_denied` and `expired_token`
/// stop; the device code's `expires_in` sets the deadline. Beyond the RFC's letter: a transport failure
/// (`errc::transport_error` / `errc::timeout`) doubles the interval (3.5 asks clients to "reduce their
/// polling frequency" after a connection timeout) and keeps polling; a non-JSON 429
/// (`errc::rate_limited`) counts as `slow_down`; any other error stops. The interval never exceeds
/// `max_interval` (60 s by default: a server's huge `interval` or endless `slow_down`s must not stall
/// the flow), and no poll is scheduled past the deadline: the last wait ends at it, and the flow ends
/// there with `errc::expired_token` even when the server never says `expired_token`.
class device_poller {
 public:
  /// Starts polling for `auth`, received at `now` (unix seconds); waits between polls are kept within
  /// [1, `max_interval`] seconds.
  device_poller(const device_authorization& auth, std::int64_t now,
                std::int64_t max_interval = device_max_interval) noexcept
      : max_interval_((std::max<std::int64_t>)(max_interval, 1)),
        interval_(clamp_interval(auth.interval)),
        deadline_(now + auth.expires_in),
        next_poll_at_((std::min)(now + interval_, deadline_)) {}

  /// Current seconds between polls (grows with slow_down, up to the maximum).
  std::int64_t interval() const noexcept { return interval_; }
  /// Unix time at which the device code expires.
  std::int64_t deadline() const noexcept { return deadline_; }
  /// Unix time of the earliest next poll.
  std::int64_t next_poll_at() const noexcept { return next_poll_at_; }
  /// True once tokens arrived or polling stopped for good.
  bool finished() const noexcept { return finished_; }

  /// Seconds to wait before the next poll (0: poll now). `errc::expired_token` once `now` reaches the
  /// deadline; `errc::invalid_argument` after the poller finished.
  result<std::int64_t> seconds_until_poll(std::int64_t now) const {
    if (finished_) return make_error(errc::invalid_argument, "device polling has already finished");
    if (now >= deadline_) return expired();
    return (std::max<std::int64_t>)(0, next_poll_at_ - now);
  }

  /// Feeds one poll's outcome (from `parse_device_token_response`, or the transport's error) received
  /// at `now`. Returns the tokens when the user approved; an empty optional to keep polling (ask
  /// `seconds_until_poll`); an error to stop.
  result<std::optional<token_response>> on_poll_result(result<token_response> outcome, std::int64_t now) {
    if (finished_) return make_error(errc::invalid_argument, "device polling has already finished");
    if (outcome) {
      finished_ = true;
      return std::optional<token_response>(std::move(*outcome));
    }
    switch (outcome.error().code) {
      case errc::authorization_pending: break;
      case errc::slow_down:
      case errc::rate_limited: interval_ = clamp_interval(interval_ + device_slow_down_increment); break;
      case errc::transport_error:
      case errc::timeout: interval_ = clamp_interval(interval_ * 2); break;
      default: finished_ = true; return std::move(outcome).error();
    }
    if (now >= deadline_) {
      finished_ = true;
      return expired();
    }
    next_poll_at_ = (std::min)(now + interval_, deadline_);
    return std::optional<token_response>();
  }

 private:
  static error expired() {
    return make_error(errc::expired_token,
                      "the device code expired before the user approved the request (RFC 8628 3.5)", "expired_token");
  }

  std::int64_t clamp_interval(std::int64_t seconds) const noexcept {
    return (std::min)((std::max<std::int64_t>)(seconds, 1), max_interval_);
  }

  std::int64_t max_interval_;
  std::int64_t interval_;
  std::int64_t deadline_;
  std::int64_t next_poll_at_;
  bool finished_ = false;
};

}  // namespace oidc
}  // namespace logto
