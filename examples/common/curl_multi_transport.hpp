// A non-blocking logto-cpp transport on a libcurl multi handle, for logto::async_client in a host that
// owns its loop (a game's frame loop, an event loop). `start` only queues the request; `poll()`, called
// once per tick, advances every transfer without blocking and runs the completions of the finished ones.
// Everything happens on the thread that calls `start` and `poll`.
#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <logto/logto.hpp>  // the one library header: include/ and single_include/ alike

namespace logto_examples {

class curl_multi_transport {
 public:
  curl_multi_transport() {
    static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    (void)initialised;
    multi_ = curl_multi_init();
  }
  curl_multi_transport(const curl_multi_transport&) = delete;
  curl_multi_transport& operator=(const curl_multi_transport&) = delete;
  ~curl_multi_transport() {
    for (auto& t : transfers_) finish(*t);
    if (multi_ != nullptr) curl_multi_cleanup(multi_);
  }

  long timeout_seconds = 30;

  /// Queues `request`; `done(result<http_response>)` runs from a later `poll()`.
  void start(const logto::http_request& request, std::function<void(logto::result<logto::http_response>)> done) {
    auto t = std::make_unique<transfer>();
    t->request = request;  // libcurl reads the URL and body while the transfer runs
    t->done = std::move(done);
    t->easy = curl_easy_init();
    CURL* h = t->easy;
    curl_easy_setopt(h, CURLOPT_URL, t->request.url.c_str());
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout_seconds);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    if (t->request.method == "POST") {
      curl_easy_setopt(h, CURLOPT_POST, 1L);
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, t->request.body.data());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t->request.body.size()));
    }
    for (const auto& hd : t->request.headers)
      t->headers = curl_slist_append(t->headers, (hd.name + ": " + hd.value).c_str());
    t->headers = curl_slist_append(t->headers, "Expect:");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &curl_multi_transport::on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &t->response.body);
    curl_easy_setopt(h, CURLOPT_PRIVATE, t.get());
    curl_multi_add_handle(multi_, h);
    transfers_.push_back(std::move(t));
  }

  /// Advances the transfers (never waits) and completes the finished ones. Returns how many are left.
  std::size_t poll() {
    int running = 0;
    curl_multi_perform(multi_, &running);
    std::vector<
        std::pair<std::function<void(logto::result<logto::http_response>)>, logto::result<logto::http_response>>>
        finished;
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
      logto::result<logto::http_response> outcome = logto::make_error(logto::errc::transport_error, "");
      if (msg->data.result == CURLE_OK) {
        long status = 0;
        curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
        t->response.status = static_cast<int>(status);
        outcome = std::move(t->response);
      } else {
        outcome = logto::make_error(logto::errc::transport_error,
                                    std::string("HTTP request failed: ") + curl_easy_strerror(msg->data.result),
                                    t->request.url);
      }
      finished.emplace_back(std::move(t->done), std::move(outcome));
      remove(t);
    }
    // Completions may start new requests: run them after libcurl's list was read.
    for (auto& f : finished) f.first(std::move(f.second));
    return transfers_.size();
  }

 private:
  struct transfer {
    logto::http_request request;
    logto::http_response response;
    std::function<void(logto::result<logto::http_response>)> done;
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
  };

  void finish(transfer& t) {
    curl_multi_remove_handle(multi_, t.easy);
    curl_easy_cleanup(t.easy);
    curl_slist_free_all(t.headers);
  }
  void remove(transfer* t) {
    finish(*t);
    for (auto it = transfers_.begin(); it != transfers_.end(); ++it) {
      if (it->get() == t) {
        transfers_.erase(it);
        break;
      }
    }
  }
  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
  }

  CURLM* multi_ = nullptr;
  std::vector<std::unique_ptr<transfer>> transfers_;
};

}  // namespace logto_examples
