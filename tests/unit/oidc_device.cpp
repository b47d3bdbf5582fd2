// Device authorization grant (RFC 8628): request and response, polling request, error mapping of 3.5 and
// the polling state machine (interval, slow_down accumulation, expiry).
#include <logto/oidc/device.hpp>

#include <vector>

#include "catch2_compat.hpp"

using namespace logto;

namespace {
http_response respond(int status, std::string body) {
  http_response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

oidc::device_authorization auth(std::int64_t expires_in, std::int64_t interval) {
  oidc::device_authorization a;
  a.device_code = "DC";
  a.user_code = "BCDF-GHJK";
  a.verification_uri = "https://foo.logto.app/oidc/device";
  a.expires_in = expires_in;
  a.interval = interval;
  return a;
}

result<oidc::token_response> poll_error(errc code, const char* name) { return make_error(code, "m", name); }

result<oidc::token_response> tokens() {
  oidc::token_response t;
  t.access_token = "AT";
  return t;
}
}  // namespace

TEST_CASE("RFC 8628 3.1: device authorization request", "[oidc][device]") {
  const oidc::client_auth client{"cli-app", ""};
  auto req = oidc::build_device_authorization_request(client, "https://foo.logto.app/oidc/device/auth",
                                                      {"openid", "offline_access", "profile"},
                                                      {"https://api.example.com", "urn:logto:resource:organizations"});
  REQUIRE(req);
  CHECK(req->method == "POST");
  CHECK(req->url == "https://foo.logto.app/oidc/device/auth");
  CHECK(*http_find_header(req->headers, "Content-Type") == "application/x-www-form-urlencoded");
  CHECK(req->body ==
        "client_id=cli-app&scope=openid+offline_access+profile&resource=https%3A%2F%2Fapi.example.com"
        "&resource=urn%3Alogto%3Aresource%3Aorganizations");
  CHECK(http_find_header(req->headers, "Authorization") == nullptr);

  auto bare = oidc::build_device_authorization_request(client, "https://foo.logto.app/oidc/device/auth", {});
  REQUIRE(bare);
  CHECK(bare->body == "client_id=cli-app");

  auto confidential =
      oidc::build_device_authorization_request({"cli-app", "s"}, "https://foo.logto.app/oidc/device/auth", {});
  REQUIRE(confidential);
  CHECK(*http_find_header(confidential->headers, "Authorization") == "Basic " + base64_encode("cli-app:s"));

  auto bad = oidc::build_device_authorization_request(client, "", {});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == errc::invalid_url);
}

TEST_CASE("RFC 8628 3.2: device authorization response, interval defaults to 5", "[oidc][device]") {
  auto full = oidc::parse_device_authorization_response(
      respond(200, R"({"device_code":"GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS","user_code":"WDJB-MJHT",)"
                   R"("verification_uri":"https://foo.logto.app/oidc/device",)"
                   R"("verification_uri_complete":"https://foo.logto.app/oidc/device?user_code=WDJB-MJHT",)"
                   R"("expires_in":600,"interval":10})"));
  REQUIRE(full);
  CHECK(full->device_code == "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS");
  CHECK(full->user_code == "WDJB-MJHT");
  CHECK(full->verification_uri == "https://foo.logto.app/oidc/device");
  CHECK(*full->verification_uri_complete == "https://foo.logto.app/oidc/device?user_code=WDJB-MJHT");
  CHECK(full->expires_in == 600);
  CHECK(full->interval == 10);

  auto minimal = oidc::parse_device_authorization_response(
      respond(200, R"({"device_code":"d","user_code":"u","verification_uri":"https://x/device","expires_in":1800})"));
  REQUIRE(minimal);
  CHECK(minimal->interval == 5);
  CHECK_FALSE(minimal->verification_uri_complete);
}

TEST_CASE("device authorization response: malformed input names the field", "[oidc][device]") {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"user_code":"u","verification_uri":"https://x/d","expires_in":1})", "device_code"},
      {R"({"device_code":"d","verification_uri":"https://x/d","expires_in":1})", "user_code"},
      {R"({"device_code":"d","user_code":"u","expires_in":1})", "verification_uri"},
      {R"({"device_code":"d","user_code":"u","verification_uri":"https://x/d"})", "expires_in"},
      {R"({"device_code":1,"user_code":"u","verification_uri":"https://x/d","expires_in":1})", "device_code"},
      {R"({"device_code":"","user_code":"u","verification_uri":"https://x/d","expires_in":1})", "device_code"},
      {R"j({"device_code":"d","user_code":"u","verification_uri":"javascript:alert(1)","expires_in":1})j",
       "verification_uri"},
      {R"({"device_code":"d","user_code":"u","verification_uri":"https://x/d","verification_uri_complete":5,"expires_in":1})",
       "verification_uri_complete"},
      {R"({"device_code":"d","user_code":"u","verification_uri":"https://x/d","expires_in":"600"})", "expires_in"},
      {R"({"device_code":"d","user_code":"u","verification_uri":"https://x/d","expires_in":0})", "expires_in"},
      {R"({"device_code":"d","user_code":"u","verification_uri":"https://x/d","expires_in":1e300})", "expires_in"},
      {R"({"device_code":"d","user_code":"u","verification_uri":"https://x/d","expires_in":1,"interval":-5})",
       "interval"},
      {R"({"device_code":"d","user_code":"u","verification_uri":"https://x/d","expires_in":1,"interval":2.5})",
       "interval"},
  };
  for (const auto& c : cases) {
    auto d = oidc::parse_device_authorization_response(respond(200, c.first));
    INFO(c.first);
    REQUIRE_FALSE(d);
    CHECK(d.error().code == errc::unexpected_response_error);
    CHECK(d.error().detail == c.second);
    CHECK(d.error().message.find(c.second) != std::string::npos);
  }
  for (const char* body : {"", "[]", R"({"device_code":"d")"}) {
    auto d = oidc::parse_device_authorization_response(respond(200, body));
    REQUIRE_FALSE(d);
    CHECK(d.error().code == errc::unexpected_response_error);
  }
  auto denied = oidc::parse_device_authorization_response(
      respond(400, R"({"code":"oidc.invalid_client","message":"client is not allowed","error":"invalid_client"})"));
  REQUIRE_FALSE(denied);
  CHECK(denied.error().code == errc::request_error);
}

TEST_CASE("RFC 8628 3.4: polling request", "[oidc][device]") {
  auto req = oidc::build_device_token_request({"cli-app", ""}, "https://foo.logto.app/oidc/token", "DC 1");
  REQUIRE(req);
  CHECK(req->body ==
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=DC+1&client_id=cli-app");
  auto empty = oidc::build_device_token_request({"cli-app", ""}, "https://foo.logto.app/oidc/token", "");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code == errc::invalid_argument);
}

TEST_CASE("RFC 8628 3.5: polling errors from Logto bodies and plain OAuth bodies", "[oidc][device]") {
  const std::pair<const char*, errc> names[] = {{"authorization_pending", errc::authorization_pending},
                                                {"slow_down", errc::slow_down},
                                                {"access_denied", errc::access_denied},
                                                {"expired_token", errc::expired_token}};
  for (const auto& n : names) {
    const std::string name = n.first;
    auto logto = oidc::parse_device_token_response(respond(
        400, R"({"code":"oidc.)" + name + R"(","message":"Logto says )" + name + R"(","error":")" + name + "\"}"));
    REQUIRE_FALSE(logto);
    CHECK(logto.error().code == n.second);
    CHECK(logto.error().detail == name);
    CHECK(logto.error().message == "Logto says " + name);
    CHECK(oidc::oauth_error_name(logto.error()) == name);

    auto plain = oidc::parse_device_token_response(respond(400, R"({"error":")" + name + "\"}"));
    REQUIRE_FALSE(plain);
    CHECK(plain.error().code == n.second);
    CHECK(plain.error().detail == name);
  }
  auto other = oidc::parse_device_token_response(respond(400, R"({"error":"invalid_grant"})"));
  REQUIRE_FALSE(other);
  CHECK(other.error().code == errc::oauth_error);
  auto ok = oidc::parse_device_token_response(respond(200, R"({"access_token":"AT","expires_in":3600})"));
  REQUIRE(ok);
  CHECK(ok->access_token == "AT");
}

TEST_CASE("device poller: first poll after one interval; pending keeps the interval", "[oidc][device]") {
  oidc::device_poller p(auth(600, 5), 1000);
  CHECK(p.interval() == 5);
  CHECK(p.deadline() == 1600);
  CHECK(*p.seconds_until_poll(1000) == 5);
  CHECK(*p.seconds_until_poll(1003) == 2);
  CHECK(*p.seconds_until_poll(1009) == 0);

  auto step = p.on_poll_result(poll_error(errc::authorization_pending, "authorization_pending"), 1005);
  REQUIRE(step);
  CHECK_FALSE(*step);
  CHECK(p.interval() == 5);
  CHECK(p.next_poll_at() == 1010);
  CHECK_FALSE(p.finished());

  auto done = p.on_poll_result(tokens(), 1010);
  REQUIRE(done);
  REQUIRE(*done);
  CHECK((*done)->access_token == "AT");
  CHECK(p.finished());
  auto after = p.seconds_until_poll(1011);
  REQUIRE_FALSE(after);
  CHECK(after.error().code == errc::invalid_argument);
  CHECK_FALSE(p.on_poll_result(tokens(), 1012));
}

TEST_CASE("RFC 8628 3.5: slow_down adds 5 s for this and all later polls", "[oidc][device]") {
  oidc::device_poller p(auth(600, 5), 0);
  REQUIRE(p.on_poll_result(poll_error(errc::slow_down, "slow_down"), 5));
  CHECK(p.interval() == 10);
  CHECK(p.next_poll_at() == 15);
  REQUIRE(p.on_poll_result(poll_error(errc::authorization_pending, "authorization_pending"), 15));
  CHECK(p.interval() == 10);  // kept for later polls
  CHECK(p.next_poll_at() == 25);
  REQUIRE(p.on_poll_result(poll_error(errc::slow_down, "slow_down"), 25));
  CHECK(p.interval() == 15);  // accumulates
  CHECK(p.next_poll_at() == 40);
  REQUIRE(p.on_poll_result(poll_error(errc::rate_limited, "rate_limited"), 40));  // a bare 429 counts as slow_down
  CHECK(p.interval() == 20);
}

TEST_CASE("device poller: access_denied and expired_token stop; other errors stop", "[oidc][device]") {
  oidc::device_poller denied(auth(600, 5), 0);
  auto d = denied.on_poll_result(poll_error(errc::access_denied, "access_denied"), 5);
  REQUIRE_FALSE(d);
  CHECK(d.error().code == errc::access_denied);
  CHECK(denied.finished());

  oidc::device_poller expired(auth(600, 5), 0);
  auto e = expired.on_poll_result(poll_error(errc::expired_token, "expired_token"), 5);
  REQUIRE_FALSE(e);
  CHECK(e.error().code == errc::expired_token);
  CHECK(expired.finished());

  oidc::device_poller other(auth(600, 5), 0);
  auto o = other.on_poll_result(make_error(errc::oauth_error, "bad", "invalid_grant"), 5);
  REQUIRE_FALSE(o);
  CHECK(o.error().code == errc::oauth_error);
  CHECK(o.error().detail == "invalid_grant");
  CHECK(other.finished());
}

TEST_CASE("device poller: the deadline from expires_in ends polling with expired_token", "[oidc][device]") {
  oidc::device_poller p(auth(12, 5), 100);  // deadline 112
  CHECK(*p.seconds_until_poll(100) == 5);
  REQUIRE(p.on_poll_result(poll_error(errc::authorization_pending, "authorization_pending"), 105));
  CHECK(*p.seconds_until_poll(105) == 5);
  REQUIRE(p.on_poll_result(poll_error(errc::authorization_pending, "authorization_pending"), 110));
  auto late = p.seconds_until_poll(112);
  REQUIRE_FALSE(late);
  CHECK(late.error().code == errc::expired_token);
  CHECK_FALSE(late.error().message.empty());

  // A pending answer that arrives at or after the deadline stops too.
  oidc::device_poller q(auth(10, 5), 0);
  auto step = q.on_poll_result(poll_error(errc::authorization_pending, "authorization_pending"), 10);
  REQUIRE_FALSE(step);
  CHECK(step.error().code == errc::expired_token);
  CHECK(q.finished());
}

TEST_CASE("device poller: transport failures back off (doubling up to 60 s) and keep polling", "[oidc][device]") {
  oidc::device_poller p(auth(3600, 5), 0);
  REQUIRE(p.on_poll_result(make_error(errc::transport_error, "connection reset"), 5));
  CHECK(p.interval() == 10);
  REQUIRE(p.on_poll_result(make_error(errc::timeout, "timed out"), 15));
  CHECK(p.interval() == 20);
  REQUIRE(p.on_poll_result(make_error(errc::timeout, "timed out"), 35));
  CHECK(p.interval() == 40);
  REQUIRE(p.on_poll_result(make_error(errc::timeout, "timed out"), 75));
  CHECK(p.interval() == 60);
  REQUIRE(p.on_poll_result(make_error(errc::timeout, "timed out"), 135));
  CHECK(p.interval() == 60);
  CHECK_FALSE(p.finished());
}

TEST_CASE("device poller: an interval of 0 is treated as 1 s (never a busy loop)", "[oidc][device]") {
  oidc::device_poller p(auth(60, 0), 0);
  CHECK(p.interval() == 1);
  CHECK(*p.seconds_until_poll(0) == 1);
}

TEST_CASE("device poller: the last wait ends at the deadline, never past it (expires_in 12, interval 5)",
          "[oidc][device]") {
  oidc::device_poller p(auth(12, 5), 0);  // deadline 12
  std::vector<std::int64_t> waits;
  std::int64_t now = 0;
  for (;;) {
    auto wait = p.seconds_until_poll(now);
    if (!wait) {
      CHECK(wait.error().code == errc::expired_token);
      break;
    }
    waits.push_back(*wait);
    now += *wait;
    if (now >= p.deadline()) continue;  // no poll at the deadline: the code is dead
    REQUIRE(p.on_poll_result(poll_error(errc::authorization_pending, "authorization_pending"), now));
  }
  CHECK(waits == std::vector<std::int64_t>{5, 5, 2});  // was 5, 5, 5: a poll at 15 s with a dead code
  CHECK(now == 12);
}

TEST_CASE("device poller: slow_down and a server's interval are capped (max_interval, 60 s by default)",
          "[oidc][device]") {
  oidc::device_poller p(auth(100000, 5), 0);
  std::int64_t now = 0;
  for (int i = 0; i < 30; ++i) {
    now += *p.seconds_until_poll(now);
    REQUIRE(p.on_poll_result(poll_error(errc::slow_down, "slow_down"), now));
  }
  CHECK(p.interval() == oidc::device_max_interval);  // 30 slow_downs would otherwise make it 155 s
  CHECK(*p.seconds_until_poll(now) == 60);

  oidc::device_poller huge(auth(100000, 3600), 0);
  CHECK(huge.interval() == 60);
  oidc::device_poller tight(auth(100000, 3600), 0, 10);
  CHECK(tight.interval() == 10);
  REQUIRE(tight.on_poll_result(poll_error(errc::slow_down, "slow_down"), 10));
  CHECK(tight.interval() == 10);
}
