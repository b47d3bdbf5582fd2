// TEST PROVIDER ONLY: a stand-in for the user's browser, for demos against the bundled test
// provider (tests/interop/provider), whose login and consent are automatic. It GETs the sign-in URL
// and follows every redirect with a cookie jar, as a browser would, until the provider sends it to
// the app's redirect URI; a loopback (http) redirect URI is then requested as well, so the app's
// loopback listener receives the callback exactly as it would from a real browser.
//
// Against a real Logto tenant this cannot work (and must not: the user signs in on Logto's pages in
// the system browser). Same idea as tests/interop/client/browser.hpp.
#pragma once

#include <string>

#include <logto/logto.hpp>  // the one library header: include/ and single_include/ alike

#include "examples/common/http_transport.hpp"

namespace logto_examples {

/// Resolves a Location header against the URL it came from (absolute URL or absolute path).
inline std::string resolve_location(const std::string& base, const std::string& location) {
  const auto colon = location.find(':');
  const auto slash = location.find('/');
  if (colon != std::string::npos && (slash == std::string::npos || colon < slash)) return location;  // has a scheme
  auto u = logto::parse_url(base);
  if (!u) return location;
  const std::string origin = u->scheme + "://" + u->host + (u->port.empty() ? "" : ":" + u->port);
  if (!location.empty() && location[0] == '/') return origin + location;
  return origin + u->path.substr(0, u->path.rfind('/') + 1) + location;
}

/// Follows redirects from `url` (cookies kept) until a response is not a redirect, or a redirect
/// leaves http(s) (a custom-scheme redirect URI, returned without being requested). Returns the
/// last URL requested or redirected to; `final_status` gets that response's status (0 for a
/// custom scheme).
inline logto::result<std::string> auto_browse(const std::string& url, int* final_status = nullptr) {
  http_transport browser;
  browser.cookies = true;
  browser.user_agent = "logto-cpp-auto-browser (test provider only)";
  std::string current = url;
  for (int hop = 0; hop < 20; ++hop) {
    auto response = browser.send(logto::http_request{"GET", current, {}, {}});
    if (!response) return response.error();
    const std::string* location = logto::http_find_header(response->headers, "Location");
    if (response->status < 300 || response->status >= 400 || location == nullptr) {
      if (final_status != nullptr) *final_status = response->status;
      if (response->status >= 400) {
        return logto::make_error(logto::errc::unexpected_response_error,
                                 "auto browser: HTTP " + std::to_string(response->status) + " from " + current + ": " +
                                     response->body.substr(0, 300));
      }
      return current;
    }
    const std::string next = resolve_location(current, *location);
    if (next.rfind("http://", 0) != 0 && next.rfind("https://", 0) != 0) {
      if (final_status != nullptr) *final_status = 0;
      return next;
    }
    current = next;
  }
  return logto::make_error(logto::errc::unexpected_response_error, "auto browser: more than 20 redirects");
}

}  // namespace logto_examples
