// logto::client_core pumped step by step by the test itself (the bare-core way of driving the client):
// every operation against the scripted provider, every failure (transport error, 4xx/5xx, garbage body,
// abandoned operation), shared fetches, the session generation, storage failures, the device flow
// without sleeping, and discovery/JWKS persistence.
#include "client_fixtures.hpp"

#include <logto/sealed_storage.hpp>

#include <string>
#include <vector>

using namespace logto;
using namespace client_test;

namespace {

template <class Storage = memory_storage>
struct core_harness {
  fake_provider provider;
  Storage storage;
  test_clock clock;
  jose_test::es256_signer signer;  // signs ID tokens that carry this run's nonce or an at_hash
  client_core<Storage, test_clock> core;

  explicit core_harness(config c = test_config(), client_options o = {}) : core(c, storage, o, clock) {
    clock.t->store(jose_test::fixtures().T + 10);
    provider.jwks = signer.add_to(provider.jwks);
  }
  std::int64_t now() const { return clock.now(); }
  void signed_in(const std::string& rt = "RT1") {
    storage.set("idToken", jose_test::token("valid.ES384"));
    storage.set("refreshToken", rt);
  }
  // Pumps `op` to the end against the provider (no other operation runs meanwhile).
  template <class Op>
  auto pump(Op& op) {
    for (int guard = 0; guard < 100; ++guard) {
      const step s = op.next(now());
      if (s.what == step::kind::send) {
        op.feed(provider.send(*s.request));
      } else if (s.what == step::kind::wait_until) {
        clock.t->store(s.wake_at);
      } else if (s.what == step::kind::blocked) {
        FAIL("an operation alone was blocked");
      } else {
        break;
      }
    }
    REQUIRE(op.done());
    return op.take_result();
  }
};

sign_in_options redirect_to(const char* uri) {
  sign_in_options o;
  o.redirect_uri = uri;
  return o;
}

std::string refresh_answer(const std::string& at, const std::string& rt) {
  return R"({"access_token":")" + at + R"(","refresh_token":")" + rt + R"(","scope":"","expires_in":3600})";
}

// Answers refreshes with AT-<n> / RT<n+1> and records every refresh token presented.
struct rotating_server {
  std::vector<std::string> presented;
  int n = 0;
  http_response operator()(const http_request& req) {
    const auto q = parse_query(req.body);
    presented.push_back(*find_param(*q, "refresh_token"));
    ++n;
    return json_response(200, refresh_answer("AT-" + std::to_string(n), "RT" + std::to_string(n + 1)));
  }
};

}  // namespace

TEST_CASE("core: a cached access token is done at the first step, with no request", "[client][core]") {
  core_harness<> h;
  h.signed_in();
  const std::int64_t later = h.now() + 3600;
  h.storage.set("accessToken", R"({"@":{"token":"CACHED","scope":"","expiresAt":)" + std::to_string(later) + "}}");
  auto op = h.core.get_access_token();
  const step s = op.next(h.now());
  CHECK(s.what == step::kind::done);
  CHECK(*op.take_result() == "CACHED");
  CHECK(h.provider.requests.empty());
  auto again = op.take_result();  // once only
  REQUIRE_FALSE(again);
  CHECK(again.error().code == errc::invalid_argument);
}

TEST_CASE("core: a refresh, step by step: discovery, then the token request, then done", "[client][core]") {
  core_harness<> h;
  h.signed_in();
  auto op = h.core.get_access_token("https://api.example.com");
  step s = op.next(h.now());
  REQUIRE(s.what == step::kind::send);
  CHECK(s.request->url == endpoint + "/oidc/.well-known/openid-configuration");
  CHECK(op.next(h.now()).what == step::kind::send);  // asked again before feeding: the same request
  op.feed(json_response(200, discovery_json()));
  s = op.next(h.now());
  REQUIRE(s.what == step::kind::send);
  CHECK(s.request->url == endpoint + "/oidc/token");
  CHECK(s.request->body ==
        "client_id=client-123&refresh_token=RT1&grant_type=refresh_token&resource=https%3A%2F%2Fapi.example.com");
  CHECK(stored(h.storage, "refreshToken") == "RT1");  // nothing written before the answer
  op.feed(json_response(200, refresh_answer("AT-1", "RT2")));
  s = op.next(h.now());
  REQUIRE(s.what == step::kind::done);
  CHECK(*op.take_result() == "AT-1");
  CHECK(stored(h.storage, "refreshToken") == "RT2");
  CHECK(stored(h.storage, "accessToken").find(R"("@https://api.example.com":{"token":"AT-1")") != std::string::npos);
}

TEST_CASE("core: failed token requests leave the stored session as it was", "[client][core]") {
  struct failure {
    const char* what;
    result<http_response> answer;
    errc expected;
  };
  const std::vector<failure> failures{
      {"transport error", make_error(errc::transport_error, "connection reset"), errc::transport_error},
      {"HTTP 503 with a text body", http_response{503, {}, "upstream down"}, errc::http_error},
      {"HTTP 400 OAuth error other than invalid_grant",
       json_response(400, R"({"error":"invalid_request","error_description":"bad"})"), errc::oauth_error},
      {"garbage 200 body", json_response(200, "<html>not json</html>"), errc::unexpected_response_error},
      {"200 without access_token", json_response(200, R"({"token_type":"Bearer"})"), errc::token_response_invalid},
  };
  for (const auto& f : failures) {
    INFO(f.what);
    core_harness<> h;
    h.signed_in();
    REQUIRE_OK(h.core.import_discovery("v1 " + std::to_string(h.now()) + "\n" + discovery_json()));
    auto op = h.core.get_access_token();
    REQUIRE(op.next(h.now()).what == step::kind::send);
    op.feed(f.answer);
    REQUIRE(op.next(h.now()).what == step::kind::done);
    auto r = op.take_result();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == f.expected);
    CHECK(stored(h.storage, "refreshToken") == "RT1");
    CHECK(h.core.is_authenticated());
  }
}

TEST_CASE("core: a garbage discovery document fails every operation that waited for it", "[client][core]") {
  core_harness<> h;
  h.signed_in();
  auto a = h.core.get_discovery();
  auto b = h.core.sign_in(redirect_to("com.example.app://callback"));
  const step s = a.next(h.now());
  REQUIRE(s.what == step::kind::send);
  CHECK(b.next(h.now()).what == step::kind::blocked);  // one discovery request for both
  a.feed(json_response(200, R"({"issuer":42})"));
  REQUIRE(a.next(h.now()).what == step::kind::done);
  REQUIRE(b.next(h.now()).what == step::kind::done);
  auto ra = a.take_result();
  auto rb = b.take_result();
  REQUIRE_FALSE(ra);
  REQUIRE_FALSE(rb);
  CHECK(ra.error().code == rb.error().code);
  // Not cached: the next operation fetches again.
  auto c = h.core.get_discovery();
  CHECK(c.next(h.now()).what == step::kind::send);
}

TEST_CASE("core: operations that want the same token share one refresh; others wait for the refresh token",
          "[client][core]") {
  config cfg = test_config();
  cfg.resources.push_back("https://api2.example.com");
  core_harness<> h(cfg);
  h.signed_in();
  rotating_server server;
  h.provider.on_token = std::ref(server);
  auto first = h.core.get_access_token("https://api.example.com");
  auto same = h.core.get_access_token("https://api.example.com");
  auto other = h.core.get_access_token("https://api2.example.com");
  step s = first.next(h.now());
  REQUIRE(s.what == step::kind::send);  // discovery
  first.feed(h.provider.send(*s.request));
  s = first.next(h.now());
  REQUIRE(s.what == step::kind::send);  // the refresh, with RT1
  CHECK(same.next(h.now()).what == step::kind::blocked);
  CHECK(other.next(h.now()).what == step::kind::blocked);
  first.feed(h.provider.send(*s.request));
  REQUIRE(first.next(h.now()).what == step::kind::done);
  REQUIRE(same.next(h.now()).what == step::kind::done);  // the refresh it waited for
  CHECK(*first.take_result() == "AT-1");
  CHECK(*same.take_result() == "AT-1");
  s = other.next(h.now());
  REQUIRE(s.what == step::kind::send);
  CHECK(s.request->body.find("refresh_token=RT2&") != std::string::npos);  // the rotated one
  other.feed(h.provider.send(*s.request));
  REQUIRE(other.next(h.now()).what == step::kind::done);
  CHECK(*other.take_result() == "AT-2");
  CHECK(server.presented == std::vector<std::string>{"RT1", "RT2"});
}

TEST_CASE("core: a session ended while its refresh is in flight stays ended", "[client][core]") {
  core_harness<> h;
  h.signed_in();
  REQUIRE_OK(h.core.import_discovery("v1 " + std::to_string(h.now()) + "\n" + discovery_json()));
  auto owner = h.core.get_access_token();
  auto waiter = h.core.get_access_token();
  REQUIRE(owner.next(h.now()).what == step::kind::send);
  REQUIRE(waiter.next(h.now()).what == step::kind::blocked);
  SECTION("clear_all_tokens()") { REQUIRE_OK(h.core.clear_all_tokens()); }
  SECTION("sign_in() (clear_tokens)") {
    auto sign_in = h.core.sign_in(redirect_to("com.example.app://callback"));
    REQUIRE(sign_in.next(h.now()).what == step::kind::done);  // discovery is there: immediate
    REQUIRE_OK(sign_in.take_result());
  }
  owner.feed(json_response(200, refresh_answer("AT-ended", "RT2")));
  REQUIRE(owner.next(h.now()).what == step::kind::done);
  REQUIRE(waiter.next(h.now()).what == step::kind::done);
  for (auto* op : {&owner, &waiter}) {
    auto r = op->take_result();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::not_authenticated);
    CHECK(r.error().message.find("session ended") != std::string::npos);
  }
  CHECK_FALSE(h.storage.get("refreshToken"));
  CHECK_FALSE(h.storage.get("idToken"));
  CHECK_FALSE(h.storage.get("accessToken"));
}

TEST_CASE("core: an abandoned operation releases what it owned; the next asker starts it again", "[client][core]") {
  core_harness<> h;
  h.signed_in();
  rotating_server server;
  h.provider.on_token = std::ref(server);
  auto waiter = h.core.get_access_token();
  SECTION("the discovery fetch") {
    {
      auto owner = h.core.get_discovery();
      REQUIRE(owner.next(h.now()).what == step::kind::send);
      REQUIRE(waiter.next(h.now()).what == step::kind::blocked);
    }  // abandoned before its answer
    CHECK(h.provider.requests.empty());
    REQUIRE_OK(h.pump(waiter));
    CHECK(h.provider.count("/oidc/.well-known/openid-configuration") == 1);
  }
  SECTION("the refresh, after its answer was fed but before it was read") {
    {
      auto owner = h.core.get_access_token();
      step s = owner.next(h.now());
      owner.feed(h.provider.send(*s.request));  // discovery
      s = owner.next(h.now());
      REQUIRE(s.what == step::kind::send);
      owner.feed(h.provider.send(*s.request));  // RT1 is spent now
    }
    CHECK(stored(h.storage, "refreshToken") == "RT2");  // kept, not lost with the operation
    REQUIRE(*h.pump(waiter) == "AT-1");                 // the answer's access token was cached too
    CHECK(server.presented == std::vector<std::string>{"RT1"});
  }
  SECTION("the refresh, before it was sent") {
    {
      auto owner = h.core.get_access_token();
      REQUIRE(owner.next(h.now()).what == step::kind::send);  // discovery, holding the refresh token
      REQUIRE(waiter.next(h.now()).what == step::kind::blocked);
    }
    auto r = h.pump(waiter);
    REQUIRE_OK(r);
    CHECK(server.presented == std::vector<std::string>{"RT1"});
  }
}

TEST_CASE("core: invalid_grant clears the dead session and tells the host once", "[client][core]") {
  config cfg = test_config();
  cfg.resources.push_back("https://api2.example.com");
  core_harness<> h(cfg);
  h.signed_in("RT-dead");
  h.storage.set("accessToken", R"({"@x":{"token":"OLD","scope":"","expiresAt":1}})");
  std::vector<std::string> told;
  h.core.set_session_expired_handler([&told](const error& e) { told.push_back(e.detail); });
  h.provider.on_token = [](const http_request&) {
    return json_response(400, R"({"code":"oidc.invalid_grant","message":"Grant request is invalid."})");
  };
  auto first = h.core.get_access_token("https://api.example.com");
  auto second = h.core.get_access_token("https://api2.example.com");
  step s = first.next(h.now());
  first.feed(h.provider.send(*s.request));  // discovery
  s = first.next(h.now());
  REQUIRE(s.what == step::kind::send);
  REQUIRE(second.next(h.now()).what == step::kind::blocked);
  first.feed(h.provider.send(*s.request));
  REQUIRE(first.next(h.now()).what == step::kind::done);
  auto r = first.take_result();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::session_expired);
  CHECK(r.error().message.find("sign in again") != std::string::npos);
  CHECK_FALSE(h.storage.get("refreshToken"));
  CHECK_FALSE(h.storage.get("idToken"));
  CHECK_FALSE(h.storage.get("accessToken"));
  REQUIRE(second.next(h.now()).what == step::kind::done);  // its session ended: no second request
  CHECK(second.take_result().error().code == errc::not_authenticated);
  CHECK(told == std::vector<std::string>{"oidc.invalid_grant"});
  CHECK(h.provider.count("/oidc/token") == 1);
}

TEST_CASE("core: invalid_grant means a bad code at the code exchange, a bad subject token at token exchange",
          "[client][core]") {
  core_harness<> h(test_config());
  int told = 0;
  h.core.set_session_expired_handler([&told](const error&) { ++told; });
  h.provider.on_token = [](const http_request&) {
    return json_response(400, R"({"code":"oidc.invalid_grant","message":"Grant request is invalid."})");
  };
  auto sign_in = h.core.sign_in(redirect_to("com.example.app://callback"));
  auto url = h.pump(sign_in);
  REQUIRE_OK(url);
  const auto query = parse_query(parse_url(*url)->query);
  const std::string state = *find_param(*query, "state");
  auto callback = h.core.handle_sign_in_callback("com.example.app://callback?code=c&state=" + form_encode(state));
  auto r = h.pump(callback);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::request_error);  // Logto's code kept, not "session expired"
  CHECK(r.error().detail == "oidc.invalid_grant");
  CHECK(r.error().message.find("authorization code") != std::string::npos);
  CHECK(r.error().message.find("refresh") == std::string::npos);
  CHECK(r.error().message.find("Grant request is invalid.") != std::string::npos);
  CHECK(told == 0);

  oidc::token_exchange_grant grant;
  grant.subject_token = "ST";
  grant.subject_token_type = "urn:ietf:params:oauth:token-type:access_token";
  auto exchanged = h.core.exchange_token(grant);
  auto x = h.pump(exchanged);
  REQUIRE_FALSE(x);
  CHECK(x.error().code == errc::request_error);
  CHECK(x.error().message.find("subject token") != std::string::npos);
  CHECK(told == 0);
}

TEST_CASE("core: a rotated refresh token the storage refused is reported, kept and written later", "[client][core]") {
  core_harness<refusing_storage> h;
  h.storage.inner.set("idToken", jose_test::token("valid.ES384"));
  h.storage.inner.set("refreshToken", "RT1");
  rotating_server server;
  h.provider.on_token = std::ref(server);
  h.storage.failing = {"refreshToken"};
  auto op = h.core.get_access_token();
  auto r = h.pump(op);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::storage_write_failed);
  CHECK(r.error().detail == "refreshToken");
  CHECK(r.error().message.find("\"refreshToken\"") != std::string::npos);
  CHECK(stored(h.storage.inner, "refreshToken") == "RT1");  // spent at the server
  CHECK(h.core.get_refresh_token() == std::optional<std::string>("RT2"));
  CHECK_FALSE(h.storage.inner.get("accessToken"));  // no access token without its refresh token saved

  SECTION("still failing: every call says so, and nothing is sent") {
    auto again = h.core.get_access_token();
    auto r2 = h.pump(again);
    REQUIRE_FALSE(r2);
    CHECK(r2.error().code == errc::storage_write_failed);
    CHECK(server.presented.size() == 1);
  }
  SECTION("the storage works again: written first, then the refresh uses it") {
    h.storage.failing.clear();
    auto again = h.core.get_access_token();
    REQUIRE(*h.pump(again) == "AT-2");
    CHECK(server.presented == std::vector<std::string>{"RT1", "RT2"});
    CHECK(stored(h.storage.inner, "refreshToken") == "RT3");
  }
}

TEST_CASE("core: the access-token map is re-read and merged before every write", "[client][core]") {
  config cfg = test_config();
  cfg.resources.push_back("https://api2.example.com");
  memory_storage shared;
  shared.set("idToken", jose_test::token("valid.ES384"));
  shared.set("refreshToken", "RT1");
  fake_provider provider;
  rotating_server server;
  provider.on_token = std::ref(server);
  test_clock clock;
  clock.t->store(jose_test::fixtures().T + 10);
  client_core<memory_storage, test_clock> a(cfg, shared, {}, clock);
  client_core<memory_storage, test_clock> b(cfg, shared, {}, clock);
  const auto pump = [&](auto& op) {
    for (;;) {
      const step s = op.next(clock.now());
      if (s.what != step::kind::send) break;
      op.feed(provider.send(*s.request));
    }
    return op.take_result();
  };
  auto b1 = b.get_access_token("https://api2.example.com");
  REQUIRE(*pump(b1) == "AT-1");  // b's memory: {api2}
  auto a1 = a.get_access_token("https://api.example.com");
  REQUIRE(*pump(a1) == "AT-2");  // a re-read the refresh token b rotated
  auto b2 = b.get_access_token("https://api2.example.com");
  REQUIRE(*pump(b2) == "AT-1");  // cached
  auto b3 = b.get_access_token("https://api.example.com");
  REQUIRE(*pump(b3) == "AT-2");  // a's entry, found in storage: no refresh
  CHECK(server.presented == std::vector<std::string>{"RT1", "RT2"});
  REQUIRE_OK(b.clear_access_token());
  auto b4 = b.get_access_token("https://api2.example.com");
  REQUIRE(*pump(b4) == "AT-3");
  auto map = oidc::parse_access_token_map(*shared.get("accessToken"));
  REQUIRE_OK(map);
  CHECK(map->find("@https://api2.example.com") != nullptr);
  CHECK(map->size() == 1);
}

TEST_CASE("core: get_access_token(resource, organization_id), the JS SDK's getAccessToken", "[client][core]") {
  core_harness<> h(test_config({"urn:logto:scope:organizations"}));
  h.signed_in();
  rotating_server server;
  h.provider.on_token = std::ref(server);
  auto op = h.core.get_access_token("https://api.example.com", "org_1");
  REQUIRE(*h.pump(op) == "AT-1");
  CHECK(h.provider.to("/oidc/token")[0].body ==
        "client_id=client-123&refresh_token=RT1&grant_type=refresh_token&resource=https%3A%2F%2Fapi.example.com&"
        "organization_id=org_1");
  CHECK(stored(h.storage, "accessToken").find(R"("@https://api.example.com#org_1":)") != std::string::npos);

  core_harness<> no_scope;
  auto refused = no_scope.core.get_access_token("https://api.example.com", "org_1");
  auto r = no_scope.pump(refused);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::missing_scope_organizations);
}

TEST_CASE("core: the device flow asks the host to wait, and ends at the code's expiry", "[client][core][device]") {
  core_harness<> h;
  h.provider.on_device = device_answer(R"("expires_in":12,"interval":5)");
  h.provider.on_token = [](const http_request&) { return json_response(400, R"({"error":"authorization_pending"})"); };
  auto start = h.core.start_device_sign_in();
  auto flow = h.pump(start);
  REQUIRE_OK(flow);
  const std::int64_t t0 = h.now();
  auto op = h.core.wait_for_device_sign_in(*flow);
  std::vector<std::int64_t> waits;
  for (;;) {
    const step s = op.next(h.now());
    if (s.what == step::kind::wait_until) {
      waits.push_back(s.wake_at - t0);
      h.clock.t->store(s.wake_at);
    } else if (s.what == step::kind::send) {
      op.feed(h.provider.send(*s.request));
    } else {
      break;
    }
  }
  CHECK(waits == std::vector<std::int64_t>{5, 10, 12});
  auto r = op.take_result();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::expired_token);
  CHECK(h.provider.count("/oidc/token") == 2);

  // A single poll that is not due yet is done at once with the time to come back.
  core_harness<> g;
  g.provider.on_device = h.provider.on_device;
  auto start2 = g.core.start_device_sign_in();
  auto flow2 = g.pump(start2);
  REQUIRE_OK(flow2);
  auto early = g.core.poll_device_sign_in(*flow2);
  REQUIRE(early.next(g.now()).what == step::kind::done);
  auto status = early.take_result();
  REQUIRE_OK(status);
  CHECK_FALSE(status->signed_in);
  CHECK(status->next_poll_at == g.now() + 5);
}

TEST_CASE("core: a device code that succeeded is never polled again, even by a retried operation",
          "[client][core][device]") {
  core_harness<> h;
  h.provider.on_device = device_answer(R"("expires_in":600)");
  h.provider.on_token = [&h](const http_request&) {
    return json_response(200, R"({"access_token":"DEV-AT","refresh_token":"DEV-RT","id_token":")" +
                                  issue_id_token(h.signer, "", "DEV-AT") + R"(","scope":"","expires_in":3600})");
  };
  auto start = h.core.start_device_sign_in();
  auto flow = h.pump(start);
  REQUIRE_OK(flow);
  CHECK(flow->authorization.interval == 5);  // Logto sends no interval: RFC 8628's 5 s
  h.clock.t->fetch_add(5);
  {
    auto op = h.core.poll_device_sign_in(*flow);
    step s = op.next(h.now());
    REQUIRE(s.what == step::kind::send);
    CHECK(s.request->url == endpoint + "/oidc/token");
    op.feed(h.provider.send(*s.request));  // success
    s = op.next(h.now());
    REQUIRE(s.what == step::kind::send);  // the JWKS, to verify the ID token
    CHECK(s.request->url == endpoint + "/oidc/jwks");
  }  // abandoned before the session was stored
  CHECK_FALSE(h.core.is_authenticated());
  auto retry = h.core.poll_device_sign_in(*flow);
  auto r = h.pump(retry);
  REQUIRE_OK(r);
  CHECK(r->signed_in);
  CHECK(stored(h.storage, "refreshToken") == "DEV-RT");
  CHECK(h.provider.count("/oidc/token") == 1);  // the device code was polled once
  auto third = h.core.poll_device_sign_in(*flow);
  auto again = h.pump(third);
  REQUIRE_FALSE(again);
  CHECK(h.provider.count("/oidc/token") == 1);
}

TEST_CASE("core: discovery and JWKS exported and imported: a new core signs in without fetching them",
          "[client][core][persist]") {
  core_harness<> first;
  first.provider.on_token = [](const http_request&) {
    return json_response(200, R"({"access_token":"AT","refresh_token":"RT","id_token":")" +
                                  jose_test::token("valid.ES384") + R"(","expires_in":3600})");
  };
  auto verify = first.core.verify_id_token(jose_test::token("valid.ES384"));
  REQUIRE_OK(first.pump(verify));
  const std::string disc = first.core.export_discovery();
  const std::string keys = first.core.export_jwks();
  CHECK(disc.rfind("v1 " + std::to_string(first.now()) + "\n{", 0) == 0);
  CHECK(keys.rfind("v1 " + std::to_string(first.now()) + "\n", 0) == 0);

  core_harness<> second;
  REQUIRE_OK(second.core.import_discovery(disc));
  REQUIRE_OK(second.core.import_jwks(keys));
  auto sign_in = second.core.sign_in(redirect_to("com.example.app://callback"));
  REQUIRE(sign_in.next(second.now()).what == step::kind::done);
  auto v = second.core.verify_id_token(jose_test::token("valid.ES384"));
  REQUIRE(v.next(second.now()).what == step::kind::done);
  REQUIRE_OK(v.take_result());
  CHECK(second.provider.requests.empty());

  // They expire as fetched ones do.
  second.clock.t->fetch_add(second.core.options().discovery_max_age);
  auto later = second.core.get_discovery();
  CHECK(later.next(second.now()).what == step::kind::send);

  core_harness<> bad;
  CHECK(bad.core.import_discovery("{}").error().code == errc::invalid_argument);
  CHECK(bad.core.import_jwks("v1 12\nnot json").error().code == errc::jwks_invalid);
}

TEST_CASE("core: an imported JWKS without the token's kid is refetched once", "[client][core][persist]") {
  core_harness<> h;
  REQUIRE_OK(h.core.import_discovery("v1 " + std::to_string(h.now()) + "\n" + discovery_json()));
  REQUIRE_OK(
      h.core.import_jwks("v1 " + std::to_string(h.now() - 100) + "\n" + jose_test::read_data("jwks-single.json")));
  h.provider.jwks = jose_test::read_data("jwks-rotated.json");
  auto v = h.core.verify_id_token(jose_test::token("kid-unknown.ES384"));
  REQUIRE_OK(h.pump(v));
  CHECK(h.provider.count("/oidc/jwks") == 1);
  auto forged = h.core.verify_id_token(jose_test::token("kid-other-p384.ES384"));
  REQUIRE_FALSE(h.pump(forged));
  CHECK(h.provider.count("/oidc/jwks") == 1);  // within the cooldown: no second refetch
}

TEST_CASE("core: every operation runs on the bare core", "[client][core]") {
  core_harness<> h(test_config({"urn:logto:scope:organizations"}));
  std::string nonce;
  h.provider.on_token = [&h, &nonce](const http_request& req) {
    if (req.body.find("grant_type=authorization_code") != std::string::npos) {
      return json_response(200, R"({"access_token":"AT1","refresh_token":"RT1","id_token":")" +
                                    issue_id_token(h.signer, nonce, "AT1") +
                                    R"(","scope":"openid","expires_in":3600})");
    }
    return json_response(200, refresh_answer("ORG", "RT2"));
  };
  h.provider.on_userinfo = [](const http_request&) { return json_response(200, R"({"sub":"user-1"})"); };
  auto sign_in = h.core.sign_in(redirect_to("com.example.app://callback"));
  auto url = h.pump(sign_in);
  REQUIRE_OK(url);
  const auto query = parse_query(parse_url(*url)->query);
  const std::string state = *find_param(*query, "state");
  nonce = *find_param(*query, "nonce");
  auto callback = h.core.handle_sign_in_callback("com.example.app://callback?code=c&state=" + form_encode(state));
  REQUIRE_OK(h.pump(callback));
  CHECK(h.core.is_authenticated());
  auto info = h.core.fetch_user_info();
  auto i = h.pump(info);
  REQUIRE_OK(i);
  CHECK(i->sub == "user-1");
  auto org = h.core.get_organization_token("org_1");
  CHECK(*h.pump(org) == "ORG");
  auto out = h.core.sign_out();
  REQUIRE_OK(h.pump(out));
  CHECK(h.provider.count("/oidc/token/revocation") == 1);
  CHECK_FALSE(h.core.is_authenticated());
}

TEST_CASE("core: the storage lock is found on storages that offer one, sealed_storage included", "[client][core]") {
  struct plain {
    std::optional<std::string> get(std::string_view) const { return std::nullopt; }
    void set(std::string_view, std::string) {}
    void remove(std::string_view) {}
  };
  CHECK(has_storage_lock<memory_storage>::value);
  CHECK_FALSE(has_storage_lock<plain>::value);
  CHECK(has_storage_lock<sealed_storage<memory_storage>>::value);
  CHECK_FALSE(has_storage_lock<sealed_storage<plain>>::value);
}
