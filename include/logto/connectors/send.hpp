/// @file
/// @brief What every HTTP connector's `send()` shares: error helpers, message checks and `detail::send_http` (build,
/// send, wipe Authorization, parse). Part of the connector foundation; `logto/connectors/connector.hpp` includes every
/// part.
#pragma once

#include "logto/connectors/config_checker.hpp"
#include "logto/connectors/send_result.hpp"

namespace logto {
namespace connectors {

namespace detail {

/// A transport failure as a connector error. The official connectors let got's RequestError escape
/// (no ConnectorError at all); we report errc::general with the transport's own message.
inline error transport_failure(const error& e, std::string_view provider) {
  std::string detail(to_string(e.code));
  if (!e.detail.empty()) {
    detail += ": ";
    detail += e.detail;
  }
  return make_error(errc::general, "could not deliver the request to " + std::string(provider) + ": " + e.message,
                    std::move(detail));
}

/// `body` shortened to at most `max` bytes (cut at a UTF-8 boundary) for an error detail.
inline std::string excerpt(std::string_view body, std::size_t max = 512) {
  if (body.size() <= max) return std::string(body);
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0u) == 0x80u) --cut;
  return std::string(body.substr(0, cut)) + "...";
}

/// True when `v` may go into an HTTP header value: no CR, LF, NUL or other control character
/// except TAB (so nothing can be injected into the header block).
inline bool header_value_ok(std::string_view v) noexcept {
  for (const char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7F) return false;
  }
  return true;
}

/// Every string in `v` is valid UTF-8 (JavaScript strings cannot hold anything else).
inline bool valid_utf8_strings(const value& v) {
  if (const auto* s = v.if_string()) return is_valid_utf8(*s);
  if (const auto* a = v.if_array()) {
    for (const auto& e : *a) {
      if (!valid_utf8_strings(e)) return false;
    }
  } else if (const auto* o = v.if_object()) {
    for (const auto& m : *o) {
      if (!is_valid_utf8(m.first) || !valid_utf8_strings(m.second)) return false;
    }
  }
  return true;
}

/// Checks the parts of a message that go on the wire: `to` and the payload must be valid UTF-8.
inline result<void> check_message(const message& m) {
  if (!is_valid_utf8(m.to)) {
    return make_error(errc::invalid_request_parameters, "message.to is not valid UTF-8", "to");
  }
  if (!is_valid_utf8(m.type)) {
    return make_error(errc::invalid_request_parameters, "message.type is not valid UTF-8", "type");
  }
  if (!valid_utf8_strings(m.payload.as_value())) {
    return make_error(errc::invalid_request_parameters, "message.payload holds a string that is not valid UTF-8",
                      "payload");
  }
  return ok();
}

/// The HTTP status as text for error details.
inline std::string status_text(int status) { return "HTTP " + std::to_string(status); }

/// connector-kit's `ConnectorError(TemplateNotFound)` for a message type without a template.
inline error template_not_found(const message& m) {
  return make_error(errc::template_not_found, "Cannot find template for type: " + m.type, m.type);
}

/// What an HTTP connector's `build_request(m, unix_seconds, nonce)` takes from `send()`: nothing
/// (Twilio), the time (Tencent), or the time and a UUID v4 SignatureNonce (Aliyun).
enum class request_stamp { none, time, time_and_nonce };

/// The `send()` of every HTTP connector: builds the request (asking `clock` and `random` only for
/// what `Stamp` says), sends it through `transport`, wipes any `Authorization` header (Twilio's
/// Basic credentials) and classifies the answer with `connector.parse_response`. A transport
/// failure is `transport_failure(e, provider)`.
template <request_stamp Stamp, class Connector, class Transport, class Clock, class Random>
auto send_http(const Connector& connector, const message& m, Transport& transport, Clock& clock, Random& random,
               std::string_view provider) -> decltype(connector.parse_response(std::declval<const http_response&>())) {
  static_assert(is_transport<Transport>::value,
                "Transport must provide result<http_response> send(const http_request&)");
  static_assert(is_clock<typename std::decay<Clock>::type>::value,
                "Clock must provide std::int64_t now() (unix seconds)");
  static_assert(crypto::is_random_source<typename std::decay<Random>::type>::value,
                "Random must provide bool fill(unsigned char*, std::size_t)");
  std::string nonce;
  if constexpr (Stamp == request_stamp::time_and_nonce) {
    auto uuid = crypto::uuid_v4(random);
    if (!uuid) return uuid.error();
    nonce = std::move(*uuid);
  } else {
    (void)random;
  }
  const std::int64_t now = Stamp == request_stamp::none ? 0 : static_cast<std::int64_t>(clock.now());
  auto req = connector.build_request(m, now, nonce);
  if (!req) return req.error();
  auto resp = transport.send(*req);
  for (auto& h : req->headers) {
    if (h.name == "Authorization") crypto::wipe(h.value);
  }
  if (!resp) return transport_failure(resp.error(), provider);
  return connector.parse_response(*resp);
}

}  // namespace detail

}  // namespace connectors
}  // namespace logto
