// A stand-in for the system browser in the interop tests and the demo: follows the provider's
// redirects (with cookies) from the authorization URL until it is sent to the app's redirect URI,
// and returns that URL. Works with the test provider's automatic login mode only.
#pragma once

#include <string>

#include <logto/core/url.hpp>

#include "../../../examples/common/curl_transport.hpp"

namespace logto_test {

/// Resolves a Location header against the URL it came from (absolute, or absolute-path).
inline std::string resolve_location(const std::string& base, const std::string& location) {
  if (location.find("://") != std::string::npos || location.rfind("com.example.app:", 0) == 0) return location;
  auto u = logto::parse_url(base);
  if (!u) return location;
  std::string origin = u->scheme + "://" + u->host + (u->port.empty() ? "" : ":" + u->port);
  if (!location.empty() && location[0] == '/') return origin + location;
  const auto slash = u->path.rfind('/');
  return origin + u->path.substr(0, slash + 1) + location;
}

/// GETs `url` and follows redirects until one points at `redirect_prefix`; returns that URL.
/// Fails after 20 hops or on any non-redirect response.
inline logto::result<std::string> follow_to_redirect(const std::string& url, const std::string& redirect_prefix) {
  logto_examples::curl_transport browser;
  browser.cookies = true;
  std::string current = url;
  for (int hop = 0; hop < 20; ++hop) {
    logto::http_request req{"GET", current, {}, {}};
    auto res = browser.send(req);
    if (!res) return res.error();
    const std::string* location = logto::http_find_header(res->headers, "Location");
    if (res->status < 300 || res->status >= 400 || location == nullptr) {
      return logto::make_error(logto::errc::unexpected_response_error, "browser: expected a redirect from " + current +
                                                                           ", got HTTP " + std::to_string(res->status) +
                                                                           ": " + res->body.substr(0, 300));
    }
    const std::string next = resolve_location(current, *location);
    if (next.rfind(redirect_prefix, 0) == 0) return next;
    current = next;
  }
  return logto::make_error(logto::errc::unexpected_response_error, "browser: too many redirects");
}

}  // namespace logto_test
