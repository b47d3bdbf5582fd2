/// @file
/// @brief HTTP messages and the transport concept. The library builds requests and parses responses;
/// the host sends them.
#pragma once

#include <string>       // std::string
#include <string_view>  // std::string_view
#include <type_traits>  // std::is_same, std::void_t
#include <utility>      // std::declval
#include <vector>       // std::vector

#include "logto/core/result.hpp"
#include "logto/core/url.hpp"

namespace logto {

/// One header line. Names compare case-insensitively (`http_find_header`).
struct http_header {
  std::string name;
  std::string value;
};

/// A request for the host's transport to send. `body` is sent as is (never chunked or compressed).
struct http_request {
  std::string method;  ///< "GET" or "POST"
  std::string url;     ///< absolute URL
  std::vector<http_header> headers;
  std::string body;
};

/// What came back. The transport must not follow redirects for the library's requests (a redirect is
/// reported as its 3xx status) and must hand over the body undecoded (no content-encoding applied).
struct http_response {
  int status = 0;
  std::vector<http_header> headers;
  std::string body;
};

/// The first header called `name` (case-insensitive), or nullptr.
inline const std::string* http_find_header(const std::vector<http_header>& headers, std::string_view name) {
  for (const auto& h : headers) {
    if (detail::iequals(h.name, name)) return &h.value;
  }
  return nullptr;
}

/// A transport is any type with `result<http_response> send(const http_request&)`. It returns an error
/// (say `errc::transport_error` with the reason) only when no HTTP response was received; every HTTP
/// status, 4xx and 5xx included, is a successful `http_response`.
template <class T, class = void>
struct is_transport : std::false_type {};
template <class T>
struct is_transport<T, std::void_t<decltype(std::declval<T&>().send(std::declval<const http_request&>()))>>
    : std::is_same<decltype(std::declval<T&>().send(std::declval<const http_request&>())), result<http_response>> {};

#if defined(__cpp_concepts) && __cpp_concepts >= 201907L
/// C++20 spelling of `is_transport`.
template <class T>
concept transport = is_transport<T>::value;
#endif

namespace detail {
/// Builds a form POST (`Content-Type: application/x-www-form-urlencoded`).
inline http_request form_post(std::string url, const query_params& fields) {
  http_request req;
  req.method = "POST";
  req.url = std::move(url);
  req.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  req.body = build_query(fields);
  return req;
}

/// True when `status` is 2xx.
constexpr bool http_ok(int status) noexcept { return status >= 200 && status < 300; }
}  // namespace detail

}  // namespace logto
