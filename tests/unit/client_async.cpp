// logto::async_client over a transport whose answers the test delivers by hand (in any order, from any
// thread, or at once inside start()): completions run once, without the client's lock, and operations
// that need the same refresh share one request.
#include "client_fixtures.hpp"

#include <functional>
#include <string>
#include "test_threads.hpp"
#include <utility>
#include <vector>

using namespace logto;
using namespace client_test;

namespace {

/// Keeps started requests until the test answers them through the scripted provider.
struct queued_transport {
  fake_provider* provider = nullptr;
  bool answer_at_once = false;  // complete inside start() (a cache, a synchronous fallback)
  std::vector<std::pair<http_request, std::function<void(result<http_response>)>>> queue;

  template <class Done>
  void start(const http_request& request, Done done) {
    if (answer_at_once) {
      done(provider->send(request));
      return;
    }
    queue.emplace_back(request, std::move(done));
  }
  // Answers the `i`-th queued request (the provider decides the answer).
  void answer(std::size_t i = 0) {
    auto entry = std::move(queue.at(i));
    queue.erase(queue.begin() + static_cast<std::ptrdiff_t>(i));
    entry.second(provider->send(entry.first));
  }
};

using async_t = async_client<queued_transport, memory_storage, test_clock>;

struct async_harness {
  fake_provider provider;
  queued_transport transport;
  memory_storage storage;
  test_clock clock;
  async_t cl;
  explicit async_harness(config c = test_config()) : cl(c, transport, storage, {}, clock) {
    transport.provider = &provider;
    clock.t->store(jose_test::fixtures().T + 10);
    storage.set("idToken", jose_test::token("valid.ES384"));
    storage.set("refreshToken", "RT1");
    provider.on_token = [this](const http_request&) {
      ++refreshes;
      return json_response(200, R"({"access_token":"AT-)" + std::to_string(refreshes) + R"(","refresh_token":"RT)" +
                                    std::to_string(refreshes + 1) + R"(","scope":"","expires_in":3600})");
    };
  }
  int refreshes = 0;
};

}  // namespace

TEST_CASE("async: operations complete when the transport answers; one refresh for everybody", "[client][async]") {
  async_harness h;
  std::vector<std::string> got;
  const auto collect = [&got](result<std::string> r) { got.push_back(r ? *r : "error: " + r.error().message); };
  h.cl.get_access_token("https://api.example.com", collect);
  h.cl.get_access_token("https://api.example.com", collect);
  REQUIRE(h.transport.queue.size() == 1);  // discovery; the second operation waits for it
  CHECK(h.cl.outstanding() == 2);
  h.transport.answer();
  REQUIRE(h.transport.queue.size() == 1);  // the refresh
  CHECK(got.empty());
  h.transport.answer();
  CHECK(got == std::vector<std::string>{"AT-1", "AT-1"});
  CHECK(h.refreshes == 1);
  CHECK(h.cl.outstanding() == 0);
  // Cached: the completion runs at once, on the calling thread.
  h.cl.get_access_token("https://api.example.com", collect);
  CHECK(got.size() == 3);
  CHECK(h.transport.queue.empty());
}

TEST_CASE("async: completions run without the client's lock (they may call the client)", "[client][async]") {
  async_harness h;
  std::string second;
  bool nested = false;
  h.cl.get_access_token("", [&](result<std::string> r) {
    REQUIRE(r);
    nested = h.cl.is_authenticated();  // would deadlock if the lock were held
    h.cl.get_access_token("", [&](result<std::string> again) { second = again ? *again : "error"; });
  });
  h.transport.answer();
  h.transport.answer();
  CHECK(nested);
  CHECK(second == "AT-1");  // from the cache, inside the first completion
}

TEST_CASE("async: a transport may complete inside start()", "[client][async]") {
  async_harness h;
  h.transport.answer_at_once = true;
  std::optional<result<std::string>> got;
  h.cl.get_access_token("https://api.example.com", [&](result<std::string> r) { got.emplace(std::move(r)); });
  REQUIRE(got);
  REQUIRE_OK(*got);
  CHECK(**got == "AT-1");
}

#if LOGTO_TEST_THREADS
TEST_CASE("async: answers delivered from another thread", "[client][async][threads]") {
  async_harness h;
  std::atomic<int> done{0};
  std::string token;
  h.cl.get_access_token("https://api.example.com", [&](result<std::string> r) {
    token = r ? *r : r.error().message;
    ++done;
  });
  while (done.load() == 0) {
    std::thread network([&h] { h.transport.answer(); });  // the engine's HTTP thread
    network.join();
  }
  CHECK(token == "AT-1");
}
#endif  // LOGTO_TEST_THREADS

TEST_CASE("async: a destroyed client drops late answers and calls no completion", "[client][async]") {
  fake_provider provider;
  queued_transport transport;
  transport.provider = &provider;
  memory_storage storage;
  int called = 0;
  {
    async_t cl(test_config(), transport, storage);
    cl.get_discovery([&called](result<oidc::discovery>) { ++called; });
    REQUIRE(transport.queue.size() == 1);
  }
  transport.answer();  // the client is gone: nothing happens
  CHECK(called == 0);
}

TEST_CASE("async: invalid_grant calls the session-expired hook once, outside the lock", "[client][async]") {
  async_harness h;
  h.provider.on_token = [](const http_request&) {
    return json_response(400, R"({"error":"invalid_grant","error_description":"grant request is invalid"})");
  };
  int told = 0;
  h.cl.set_session_expired_handler([&](const error&) {
    ++told;
    CHECK_FALSE(h.cl.is_authenticated());
  });
  std::vector<errc> codes;
  h.cl.get_access_token("", [&](result<std::string> r) { codes.push_back(r.error().code); });
  h.cl.get_access_token("https://api.example.com", [&](result<std::string> r) { codes.push_back(r.error().code); });
  h.transport.answer();  // discovery
  h.transport.answer();  // the refresh: invalid_grant
  CHECK(h.transport.queue.empty());
  CHECK(codes == std::vector<errc>{errc::session_expired, errc::not_authenticated});
  CHECK(told == 1);
}

TEST_CASE("async: a device poll says when to poll next; the host schedules it", "[client][async][device]") {
  async_harness h;
  h.transport.answer_at_once = true;
  h.provider.on_device = device_answer(R"("expires_in":600)");
  h.provider.on_token = [](const http_request&) { return json_response(400, R"({"error":"authorization_pending"})"); };
  std::optional<device_sign_in> flow;
  h.cl.start_device_sign_in([&](result<device_sign_in> f) {
    REQUIRE(f);
    flow = std::move(*f);
  });
  REQUIRE(flow);
  std::optional<result<device_poll_status>> status;
  h.cl.poll_device_sign_in(*flow, [&](result<device_poll_status> s) { status.emplace(std::move(s)); });
  REQUIRE(status);
  REQUIRE_OK(*status);
  CHECK_FALSE((*status)->signed_in);
  CHECK((*status)->next_poll_at == h.clock.now() + 5);  // not due: no request
  CHECK(h.provider.count("/oidc/token") == 0);
  h.clock.t->fetch_add(5);
  status.reset();
  h.cl.poll_device_sign_in(*flow, [&](result<device_poll_status> s) { status.emplace(std::move(s)); });
  REQUIRE(status);
  REQUIRE_OK(*status);
  CHECK((*status)->next_poll_at == h.clock.now() + 5);
  CHECK(h.provider.count("/oidc/token") == 1);
}
