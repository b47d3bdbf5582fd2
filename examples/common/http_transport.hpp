// The examples' HTTP transports, one name on every platform: libcurl on POSIX (curl_transport.hpp,
// curl_multi_transport.hpp), WinHTTP on Windows (winhttp_transport.hpp), where libcurl is often not at
// hand. Define LOGTO_EXAMPLES_USE_CURL to take libcurl on Windows too.
//   http_transport        blocking `send(request)`, for logto::client
//   async_http_transport  `start(request, done)` + `poll()` once per frame, for logto::async_client
#pragma once

#if defined(_WIN32) && !defined(LOGTO_EXAMPLES_USE_CURL)
#include "examples/common/winhttp_transport.hpp"
namespace logto_examples {
using http_transport = winhttp_transport;
using async_http_transport = winhttp_async_transport;
}  // namespace logto_examples
#else
#include "examples/common/curl_multi_transport.hpp"
#include "examples/common/curl_transport.hpp"
namespace logto_examples {
using http_transport = curl_transport;
using async_http_transport = curl_multi_transport;
}  // namespace logto_examples
#endif
