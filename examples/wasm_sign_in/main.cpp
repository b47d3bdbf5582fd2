// wasm_sign_in: logto::async_client compiled to WebAssembly with emscripten, HTTP through the host's
// `fetch`. The same module runs in a browser page, a browser extension, a plug-in sandbox or Node.js;
// it never blocks and needs no ASYNCIFY: the host's event loop drives it.
//
// What the module exports (C functions, called from JavaScript; see host.mjs and the README section
// "WebAssembly"):
//   logto_wasm_start(endpoint, app_id, resource)   starts the device sign-in (RFC 8628)
//   logto_wasm_tick()                              call often (a timer, requestAnimationFrame): polls the
//                                                  token endpoint when due; returns 0 working, 1 done,
//                                                  2 failed
//   logto_wasm_response(id, status, headers, body, body_size) / logto_wasm_network_error(id, message)
//                                                  the transport's way back in: fetch_transport.js calls
//                                                  them when the host's fetch settles
// and what it imports: logto_fetch(id, method, url, headers, body, body_size) from fetch_transport.js.
//
// Headers cross the boundary as "name: value\n" lines. Output (the user code to enter, then the signed-in
// user's `sub` and the access token's size) goes to stdout, which emscripten maps to console.log; a host
// page reads it from there or replaces the printf calls with its own UI.
#include <logto/logto.hpp>

#include <emscripten/emscripten.h>

#include <cstddef>     // std::size_t
#include <cstdint>     // std::int64_t
#include <cstdio>      // std::printf
#include <functional>  // std::function
#include <map>         // std::map
#include <optional>    // std::optional
#include <string>      // std::string
#include <utility>     // std::move

extern "C" {
// fetch_transport.js: starts fetch(url, {method, headers, body, redirect: 'manual'}) and reports back
// through logto_wasm_response or logto_wasm_network_error with the same id.
void logto_fetch(int id, const char* method, const char* url, const char* headers, const char* body,
                 std::size_t body_size);
}

namespace {

// logto::async_client's transport: each request gets an id; its completion waits in `pending` until
// JavaScript reports the response.
class fetch_transport {
 public:
  using done_fn = std::function<void(logto::result<logto::http_response>)>;

  template <class Done>
  void start(const logto::http_request& request, Done done) {
    const int id = next_id_++;
    pending_.emplace(id, done_fn(std::move(done)));
    std::string headers;
    for (const auto& h : request.headers) headers += h.name + ": " + h.value + "\n";
    logto_fetch(id, request.method.c_str(), request.url.c_str(), headers.c_str(), request.body.data(),
                request.body.size());
  }

  void finish(int id, logto::result<logto::http_response> response) {
    const auto it = pending_.find(id);
    if (it == pending_.end()) return;  // not ours, or already answered
    done_fn done = std::move(it->second);
    pending_.erase(it);
    done(std::move(response));
  }

 private:
  int next_id_ = 1;
  std::map<int, done_fn> pending_;
};

// One JavaScript thread: no lock needed.
using client_t = logto::async_client<fetch_transport, logto::memory_storage, logto::system_clock,
                                     logto::crypto::default_random, logto::null_mutex>;

struct app {
  enum class phase { waiting_for_user, polling, getting_token, done, failed };
  logto::config cfg;
  std::string resource;
  fetch_transport transport;
  logto::memory_storage storage;
  std::optional<client_t> client;
  std::optional<logto::device_sign_in> flow;
  phase at = phase::polling;  // until the device authorization answers
  std::int64_t next_poll_at = 0;

  void fail(const logto::error& e) {
    std::printf("sign-in failed: %s: %s\n", std::string(logto::to_string(e.code)).c_str(), e.message.c_str());
    at = phase::failed;
  }

  void poll() {
    at = phase::polling;
    client->poll_device_sign_in(*flow, [this](logto::result<logto::device_poll_status> polled) {
      if (!polled) return fail(polled.error());
      if (!polled->signed_in) {
        next_poll_at = polled->next_poll_at;
        at = phase::waiting_for_user;
        return;
      }
      const auto claims = client->get_id_token_claims();
      if (!claims) return fail(claims.error());
      std::printf("signed in: sub %s\n", claims->sub.c_str());
      at = phase::getting_token;
      client->get_access_token(resource, [this](logto::result<std::string> token) {
        if (!token) return fail(token.error());
        std::printf("access token for %s: %zu bytes\n", resource.c_str(), token->size());
        at = phase::done;
      });
    });
  }
};

app* the_app = nullptr;

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE int logto_wasm_start(const char* endpoint, const char* app_id, const char* resource) {
  delete the_app;
  the_app = new app();
  app& a = *the_app;
  a.cfg.endpoint = endpoint;
  a.cfg.app_id = app_id;
  a.cfg.resources = {resource};
  a.resource = resource;
  a.client.emplace(a.cfg, a.transport, a.storage);
  if (auto valid = a.client->valid(); !valid) {
    a.fail(valid.error());
    return 2;
  }
  a.client->start_device_sign_in([&a](logto::result<logto::device_sign_in> flow) {
    if (!flow) return a.fail(flow.error());
    a.flow = std::move(*flow);
    a.next_poll_at = a.flow->poller.next_poll_at();
    std::printf("open %s and enter %s\n", a.flow->authorization.verification_uri.c_str(),
                a.flow->authorization.user_code.c_str());
    a.at = app::phase::waiting_for_user;
  });
  return 0;
}

EMSCRIPTEN_KEEPALIVE int logto_wasm_tick() {
  if (the_app == nullptr) return 2;
  app& a = *the_app;
  if (a.at == app::phase::waiting_for_user && logto::system_clock{}.now() >= a.next_poll_at) a.poll();
  return a.at == app::phase::done ? 1 : a.at == app::phase::failed ? 2 : 0;
}

EMSCRIPTEN_KEEPALIVE void logto_wasm_response(int id, int status, const char* headers, const char* body,
                                              std::size_t body_size) {
  if (the_app == nullptr) return;
  logto::http_response response;
  response.status = status;
  response.body.assign(body, body_size);
  for (std::string lines = headers; !lines.empty();) {
    const auto end = lines.find('\n');
    const std::string line = lines.substr(0, end);
    lines = end == std::string::npos ? std::string() : lines.substr(end + 1);
    const auto colon = line.find(": ");
    if (colon != std::string::npos) response.headers.push_back({line.substr(0, colon), line.substr(colon + 2)});
  }
  the_app->transport.finish(id, std::move(response));
}

EMSCRIPTEN_KEEPALIVE void logto_wasm_network_error(int id, const char* message) {
  if (the_app == nullptr) return;
  the_app->transport.finish(id, logto::make_error(logto::errc::transport_error, message));
}

}  // extern "C"
