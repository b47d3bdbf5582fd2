// What the blocking driver (logto::client: lock, create the operation, pump it over transport.send)
// costs over the bare client core pumped inline by the caller. Two workloads, each against an in-memory
// transport and memory_storage:
//  * a cached access token (the cheapest operation, where a driver's overhead shows most);
//  * a refresh (a token request answered from memory, the rotated refresh token and the token map
//    written to storage), every call, because the token lives 30 s (< the 60 s margin).
// The limit of each group is the bare core.
#include <memory>
#include <string>

#include <logto/client.hpp>

#include "bench.hpp"

namespace {

using namespace logto;

struct fixed_clock {
  std::int64_t now() const { return 1700000000; }
};

struct memory_transport {
  http_response answer{200,
                       {{"content-type", "application/json"}},
                       R"({"access_token":"AT-0123456789abcdef0123456789abcdef0123456","refresh_token":"RT-next",)"
                       R"("scope":"read:data","expires_in":30,"token_type":"Bearer"})"};
  result<http_response> send(const http_request&) { return answer; }
};

const char* const discovery = R"({"issuer":"https://bench.logto.app/oidc",
  "authorization_endpoint":"https://bench.logto.app/oidc/auth","token_endpoint":"https://bench.logto.app/oidc/token",
  "jwks_uri":"https://bench.logto.app/oidc/jwks"})";

config bench_config() {
  config c;
  c.endpoint = "https://bench.logto.app";
  c.app_id = "bench-app-id-0123";
  c.resources = {"https://api.bench.example", "https://short.bench.example"};
  return c;
}

// One client (bare or blocking) over its own storage, signed in, discovery imported.
template <bool Blocking>
class client_op : public bench::op {
 public:
  explicit client_op(std::string resource) : resource_(std::move(resource)), core_(bench_config(), storage_, {}) {
    storage_.set("idToken", "header.payload.signature");  // presence is what counts here
    storage_.set("refreshToken", "RT-0");
    storage_.set("accessToken",
                 R"({"@https://api.bench.example":{"token":"CACHED","scope":"","expiresAt":1800000000}})");
    (void)core_.import_discovery(std::string("v1 1700000000\n") + discovery);
    (void)blocking_.import_discovery(std::string("v1 1700000000\n") + discovery);
  }
  std::string once() {
    if constexpr (Blocking) {
      auto r = blocking_.get_access_token(resource_);
      return r ? *r : std::string();
    } else {
      auto o = core_.get_access_token(resource_);
      for (;;) {
        const step s = o.next(clock_.now());
        if (s.what != step::kind::send) break;
        o.feed(transport_.send(*s.request));
      }
      auto r = o.take_result();
      return r ? *r : std::string();
    }
  }
  std::size_t run(std::size_t n) override {
    std::size_t ok = 0;
    for (std::size_t i = 0; i < n; ++i) ok += once().empty() ? 0 : 1;
    return ok;
  }

 private:
  std::string resource_;
  memory_storage storage_;
  memory_transport transport_;
  fixed_clock clock_;
  client_core<memory_storage, fixed_clock> core_;
  client<memory_transport, memory_storage, fixed_clock> blocking_{bench_config(), transport_, storage_, {}};
};

template <bool Blocking>
bench::op_factory make(const char* resource, const char* expected) {
  return [resource, expected](std::string& self_check, std::string& why_not) -> std::unique_ptr<bench::op> {
    auto o = std::make_unique<client_op<Blocking>>(resource);
    const std::string got = o->once();
    if (got != expected) {
      why_not = "get_access_token gave \"" + got + "\", expected " + expected;
      return nullptr;
    }
    self_check = std::string("get_access_token -> ") + expected;
    return o;
  };
}

const bench::register_op reg_cached_core("client/cached access token", "bare client_core, pumped inline", 0, true,
                                         make<false>("https://api.bench.example", "CACHED"));
const bench::register_op reg_cached_blocking("client/cached access token",
                                             "logto::client (blocking driver, std::mutex)", 10, false,
                                             make<true>("https://api.bench.example", "CACHED"));
const bench::register_op reg_refresh_core("client/refresh (in-memory transport)", "bare client_core, pumped inline", 0,
                                          true,
                                          make<false>("https://short.bench.example",
                                                      "AT-0123456789abcdef0123456789abcdef0123456"));
const bench::register_op reg_refresh_blocking("client/refresh (in-memory transport)",
                                              "logto::client (blocking driver, std::mutex)", 10, false,
                                              make<true>("https://short.bench.example",
                                                         "AT-0123456789abcdef0123456789abcdef0123456"));

}  // namespace
