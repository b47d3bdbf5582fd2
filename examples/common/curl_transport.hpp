// A logto-cpp HTTP transport on libcurl (7.85 or newer), for the examples and the interop tests.
//
// The library itself never depends on libcurl: any type with
//   logto::result<logto::http_response> send(const logto::http_request&)
// is a transport. Copy this file into your application if libcurl is what you have.
#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <logto/logto.hpp>  // the one library header: include/ and single_include/ alike

namespace logto_examples {

class curl_transport {
 public:
  curl_transport() {
    static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    (void)initialised;
    handle_ = curl_easy_init();
  }
  curl_transport(const curl_transport&) = delete;
  curl_transport& operator=(const curl_transport&) = delete;
  ~curl_transport() {
    if (handle_ != nullptr) curl_easy_cleanup(handle_);
  }

  /// Seconds before a request is abandoned (connect + transfer).
  long timeout_seconds = 30;
  /// Keep cookies between requests on this transport (only the interop tests' "browser" wants this).
  bool cookies = false;
  /// Sent as User-Agent.
  std::string user_agent = "logto-cpp-example/0.1";

  logto::result<logto::http_response> send(const logto::http_request& request) {
    if (handle_ == nullptr) return logto::make_error(logto::errc::transport_error, "curl_easy_init failed");
    CURL* h = handle_;
    curl_easy_reset(h);
    logto::http_response response;
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);  // the library wants to see redirects itself
    curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout_seconds);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, user_agent.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    if (cookies && !cookie_engine_on_) {
      // The in-memory cookie engine survives curl_easy_reset; turning it on again would leak.
      curl_easy_setopt(h, CURLOPT_COOKIEFILE, "");
      cookie_engine_on_ = true;
    }
    if (request.method == "POST") {
      curl_easy_setopt(h, CURLOPT_POST, 1L);
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    } else if (request.method != "GET") {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    curl_slist* headers = nullptr;
    for (const auto& hd : request.headers) {
      const std::string line = hd.name + ": " + hd.value;
      headers = curl_slist_append(headers, line.c_str());
    }
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &curl_transport::on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &curl_transport::on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &response.headers);
    const CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
      return logto::make_error(logto::errc::transport_error,
                               std::string("HTTP request failed: ") + curl_easy_strerror(rc), request.url);
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    return response;
  }

 private:
  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
  }
  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* headers = static_cast<std::vector<logto::http_header>*>(user);
    std::string line(data, size * count);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
    if (line.rfind("HTTP/", 0) == 0) {
      headers->clear();  // a new response (after 100-continue)
    } else {
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::size_t v = colon + 1;
        while (v < line.size() && (line[v] == ' ' || line[v] == '\t')) ++v;
        headers->push_back({line.substr(0, colon), line.substr(v)});
      }
    }
    return size * count;
  }

  CURL* handle_ = nullptr;
  bool cookie_engine_on_ = false;
};

}  // namespace logto_examples
