// api::access_token_verifier: one object for an API server. Built once, it reads the clock on every call,
// applies Logto's audience / organization / scope rules, owns its JWKS (sans-I/O and blocking, refetches
// rate-limited), caches verified tokens, and maps each refusal to an RFC 6750 answer.
#include <logto/api/access_token_verifier.hpp>

#include <atomic>
#include <string>
#include <vector>

#include "catch2_compat.hpp"
#include "jose_signer.hpp"
#include "test_threads.hpp"

using namespace logto;

namespace {

constexpr std::int64_t T = 1800000000;
const std::string issuer = "https://tenant.logto.app/oidc";
const std::string api_resource = "https://api.example.com";

// A clock the test moves; copies share the time, so the verifier's copy follows the test's.
struct shared_clock {
  std::shared_ptr<std::int64_t> t = std::make_shared<std::int64_t>(T);
  std::int64_t now() const { return *t; }
};

using verifier = api::access_token_verifier<shared_clock>;

std::string payload(const std::string& extra, std::int64_t exp = T + 3600, const std::string& aud = api_resource) {
  return R"({"iss":")" + issuer + R"(","aud":")" + aud + R"(","sub":"user_1","client_id":"app_1","iat":)" +
         std::to_string(T) + R"(,"exp":)" + std::to_string(exp) + (extra.empty() ? "" : "," + extra) + "}";
}

std::string jwks_of(const jose_test::es256_signer& s) { return s.add_to(R"({"keys":[]})"); }

// A transport that serves a JWKS document and counts the fetches.
struct jwks_server {
  std::string body;
  int status = 200;
  int fetches = 0;
  std::string last_url;
  result<http_response> send(const http_request& r) {
    ++fetches;
    last_url = r.url;
    http_response out;
    out.status = status;
    out.body = body;
    return out;
  }
};

api::verifier_options resource_options() {
  api::verifier_options o;
  o.issuer = issuer;
  o.audience = api_resource;
  o.leeway = 0;
  return o;
}

}  // namespace

TEST_CASE("api verifier: built once, it rejects a token the second its exp passes, cached or not", "[api][verifier]") {
  jose_test::es256_signer key;
  shared_clock clock;
  verifier v(resource_options(), clock);
  REQUIRE(v.valid());
  REQUIRE(v.load_jwks(jwks_of(key)));
  const std::string token = key.sign(payload(R"("scope":"read:data")", T + 100));

  auto first = v.verify("Bearer " + token);
  REQUIRE(first);
  CHECK(first->subject == "user_1");
  CHECK(first->client_id == "app_1");
  CHECK(first->expires_at == T + 100);
  CHECK(first->has_scope("read:data"));
  CHECK(v.cache_size() == 1);

  *clock.t = T + 99;  // the last second of its life: from the cache
  auto cached = v.verify("Bearer " + token);
  REQUIRE(cached);
  CHECK(v.cache_hits() == 1);

  *clock.t = T + 100;  // exp: RFC 7519 4.1.4, "on or after" is expired
  auto expired = v.verify("Bearer " + token);
  REQUIRE_FALSE(expired);
  CHECK(expired.error().code == errc::jwt_expired);
  CHECK(v.cache_size() == 0);                // and dropped from the cache
  auto again = v.verify("Bearer " + token);  // now verified in full: still expired
  REQUIRE_FALSE(again);
  CHECK(again.error().code == errc::jwt_expired);
  const auto c = v.challenge_for(again.error());
  CHECK(c.status == 401);
  CHECK(c.www_authenticate == R"(Bearer error="invalid_token", error_description="The access token expired")");
}

TEST_CASE("api verifier: the leeway is bounded and applies on both sides", "[api][verifier]") {
  jose_test::es256_signer key;
  shared_clock clock;
  auto o = resource_options();
  o.leeway = 100000;  // clamped to jose::max_leeway
  verifier v(o, clock);
  REQUIRE(v.load_jwks(jwks_of(key)));
  const std::string token = key.sign(payload("", T + 10));
  *clock.t = T + 10 + jose::max_leeway - 1;
  CHECK(v.verify(token));
  *clock.t = T + 10 + jose::max_leeway;
  auto r = v.verify(token);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::jwt_expired);
}

TEST_CASE("api verifier: Logto's audience rules for API resources and organizations", "[api][verifier]") {
  jose_test::es256_signer key;
  shared_clock clock;
  const std::string jwks = jwks_of(key);

  SECTION("a resource token needs the resource in aud") {
    verifier v(resource_options(), clock);
    REQUIRE(v.load_jwks(jwks));
    auto other = v.verify(key.sign(payload("", T + 3600, "https://other.example.com")));
    REQUIRE_FALSE(other);
    CHECK(other.error().code == errc::jwt_claim_invalid);
    CHECK(other.error().detail == "aud");
    CHECK(v.challenge_for(other.error()).error_description == "The access token is not meant for this API");
    // An array audience that contains the resource is fine (RFC 9068 4).
    auto both = v.verify(key.sign(R"({"iss":")" + issuer + R"(","aud":["x",")" + api_resource + R"("],"exp":)" +
                                  std::to_string(T + 60) + "}"));
    CHECK(both);
  }
  SECTION("another issuer is refused") {
    verifier v(resource_options(), clock);
    REQUIRE(v.load_jwks(jwks));
    auto r = v.verify(key.sign(R"({"iss":"https://attacker.example.com/oidc","aud":")" + api_resource + R"(","exp":)" +
                               std::to_string(T + 60) + "}"));
    REQUIRE_FALSE(r);
    CHECK(r.error().detail == "iss");
  }
  SECTION("an organization token: aud urn:logto:organization:<id>") {
    api::verifier_options o = resource_options();
    o.audience.clear();
    o.organization_id = "org_1";
    verifier v(o, clock);
    REQUIRE(v.valid());
    REQUIRE(v.load_jwks(jwks));
    auto ok = v.verify(key.sign(payload(R"("scope":"")", T + 60, "urn:logto:organization:org_1")));
    REQUIRE(ok);
    CHECK(ok->organization_id == std::optional<std::string>("org_1"));
    CHECK(ok->scopes.empty());  // Logto: "" unless organization scopes were granted
    auto other = v.verify(key.sign(payload("", T + 60, "urn:logto:organization:org_2")));
    REQUIRE_FALSE(other);
    CHECK(other.error().detail == "aud");
    auto resource = v.verify(key.sign(payload("", T + 60, api_resource)));
    REQUIRE_FALSE(resource);
  }
  SECTION("any organization: the id comes from the signed aud") {
    api::verifier_options o = resource_options();
    o.audience.clear();
    o.any_organization = true;
    verifier v(o, clock);
    REQUIRE(v.valid());
    REQUIRE(v.load_jwks(jwks));
    auto ok = v.verify(key.sign(payload("", T + 60, "urn:logto:organization:org_9")));
    REQUIRE(ok);
    CHECK(ok->organization_id == std::optional<std::string>("org_9"));
    auto none = v.verify(key.sign(payload("", T + 60, api_resource)));
    REQUIRE_FALSE(none);
    CHECK(none.error().detail == "aud");
    auto empty_id = v.verify(key.sign(payload("", T + 60, "urn:logto:organization:")));
    REQUIRE_FALSE(empty_id);
  }
  SECTION("a resource token for an organization carries organization_id") {
    api::verifier_options o = resource_options();
    o.organization_id = "org_1";
    verifier v(o, clock);
    REQUIRE(v.load_jwks(jwks));
    auto ok = v.verify(key.sign(payload(R"("organization_id":"org_1")")));
    REQUIRE(ok);
    CHECK(ok->organization_id == std::optional<std::string>("org_1"));
    auto other = v.verify(key.sign(payload(R"("organization_id":"org_2")")));
    REQUIRE_FALSE(other);
    CHECK(other.error().code == errc::auth_forbidden);
    CHECK(v.challenge_for(other.error()).status == 403);
    CHECK(v.challenge_for(other.error()).error_description == "The access token is for another organization");
    auto missing = v.verify(key.sign(payload("")));
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == errc::auth_forbidden);
  }
}

TEST_CASE("api verifier: scopes, per verifier and per route, answer 403 insufficient_scope", "[api][verifier]") {
  jose_test::es256_signer key;
  shared_clock clock;
  auto o = resource_options();
  o.required_scopes = {"read:data"};
  o.realm = "example-api";
  verifier v(o, clock);
  REQUIRE(v.load_jwks(jwks_of(key)));
  const std::string reader = key.sign(payload(R"("scope":"read:data profile")"));
  CHECK(v.verify(reader));
  auto write = v.verify(reader, {"write:data"});
  REQUIRE_FALSE(write);
  CHECK(write.error().code == errc::auth_forbidden);
  CHECK(write.error().message.find("write:data") != std::string::npos);
  const auto c = v.challenge_for(write.error(), {"write:data"});
  CHECK(c.status == 403);
  CHECK(
      c.www_authenticate ==
      R"(Bearer realm="example-api", error="insufficient_scope", error_description="The access token lacks a required scope", scope="read:data write:data")");
  auto none = v.verify(key.sign(payload("")));
  REQUIRE_FALSE(none);
  CHECK(none.error().code == errc::auth_forbidden);
  // A scope that merely starts like the required one is not it.
  CHECK_FALSE(v.verify(key.sign(payload(R"("scope":"read:data2")"))));
}

TEST_CASE("api verifier: the Authorization header (RFC 6750 2.1) and its answers", "[api][verifier]") {
  jose_test::es256_signer key;
  shared_clock clock;
  auto o = resource_options();
  o.realm = "api";
  verifier v(o, clock);
  REQUIRE(v.load_jwks(jwks_of(key)));
  const std::string token = key.sign(payload(""));
  CHECK(v.verify("Bearer " + token));
  CHECK(v.verify("bearer " + token));  // the scheme is case-insensitive
  CHECK(v.verify(token));              // a bare token
  CHECK(v.verify("  Bearer  " + token + " "));

  auto missing = v.verify("");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == errc::auth_authorization_header_missing);
  CHECK(to_string(missing.error().code) == "auth.authorization_header_missing");
  auto c = v.challenge_for(missing.error());
  CHECK(c.status == 401);
  CHECK(c.www_authenticate == R"(Bearer realm="api")");  // RFC 6750 3.1: no error code without credentials

  auto basic = v.verify("Basic dXNlcjpwYXNz");
  REQUIRE_FALSE(basic);
  CHECK(basic.error().code == errc::auth_authorization_token_type_not_supported);
  CHECK(v.challenge_for(basic.error()).status == 401);

  for (const std::string& bad :
       std::vector<std::string>{std::string("Bearer "), "Bearer " + token + "\r\nX-Injected: 1",
                                "Bearer \"" + token + "\"", "Bearer a b", std::string("Bearer ===")}) {
    auto r = v.verify(bad);
    REQUIRE_FALSE(r);
    const auto answer = v.challenge_for(r.error());
    CHECK(answer.status == 400);
    CHECK(answer.error == "invalid_request");
    CHECK(answer.www_authenticate.find('\r') == std::string::npos);
  }

  // Garbage that looks like a token: 401 invalid_token, and the answer never echoes it.
  auto garbage = v.verify("Bearer not.a.jwt");
  REQUIRE_FALSE(garbage);
  const auto g = v.challenge_for(garbage.error());
  CHECK(g.status == 401);
  CHECK(g.error == "invalid_token");
  CHECK(g.www_authenticate.find("not.a.jwt") == std::string::npos);
  // A forged signature: the same fixed sentence, no claim value echoed.
  std::string forged = token;
  forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
  auto f = v.verify(forged);
  REQUIRE_FALSE(f);
  CHECK(v.challenge_for(f.error()).error_description == "The access token signature does not verify");
  CHECK(v.challenge_for(f.error()).www_authenticate.find("user_1") == std::string::npos);
}

TEST_CASE("api verifier: alg none and HS256 never pass, whatever the allow-list says", "[api][verifier]") {
  jose_test::es256_signer key;
  shared_clock clock;
  verifier v(resource_options(), clock);
  REQUIRE(v.load_jwks(jwks_of(key)));
  const std::string body = base64url_encode(payload(""));
  for (const char* header : {R"({"alg":"none"})", R"({"alg":"HS256"})"}) {
    auto r = v.verify(base64url_encode(header) + "." + body + ".c2ln");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::jwt_unsupported_algorithm);
    CHECK(v.challenge_for(r.error()).status == 401);
  }
  auto es384_only = resource_options();
  es384_only.algorithms = jose::algorithm_set{jose::algorithm::es384};
  verifier strict(es384_only, clock);
  REQUIRE(strict.load_jwks(jwks_of(key)));
  auto r = strict.verify(key.sign(payload("")));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::jwt_unsupported_algorithm);
}

TEST_CASE("api verifier: sans-I/O JWKS, one fetch at a time, rate-limited refetch on unknown kids", "[api][verifier]") {
  jose_test::es256_signer key("key-1");
  shared_clock clock;
  auto o = resource_options();
  o.issuer = issuer + "/";  // a trailing slash in the issuer does not end up doubled in the jwks_uri
  verifier v(o, clock);
  const std::string token = key.sign(R"({"iss":")" + issuer + R"(/","aud":")" + api_resource + R"(","exp":)" +
                                     std::to_string(T + 3600) + "}");

  auto before = v.verify(token);
  REQUIRE_FALSE(before);
  CHECK(before.error().code == errc::auth_keys_unavailable);
  CHECK(v.challenge_for(before.error()).status == 503);

  auto request = v.jwks_request();
  REQUIRE(request);
  CHECK(request->method == "GET");
  CHECK(request->url == issuer + "/jwks");
  CHECK_FALSE(v.jwks_request());  // already out

  // The answer fails: the next attempt waits jwks_retry seconds.
  http_response down;
  down.status = 502;
  auto fed = v.jwks_response(down);
  REQUIRE_FALSE(fed);
  CHECK(fed.error().message.find("HTTP 502") != std::string::npos);
  CHECK_FALSE(v.jwks_request());
  *clock.t += o.jwks_retry;
  request = v.jwks_request();
  REQUIRE(request);
  http_response up;
  up.status = 200;
  up.body = jwks_of(key);
  REQUIRE(v.jwks_response(up));
  CHECK(v.verify(token));
  CHECK_FALSE(v.jwks_request());  // fresh

  // A flood of tokens with unknown kids: one refetch per cooldown, however many arrive (and none
  // before the cooldown since the last fetch is over).
  jose_test::es256_signer stranger("kid-nobody-knows");
  REQUIRE_FALSE(v.verify(stranger.sign(payload(""))));
  CHECK_FALSE(v.jwks_request());
  *clock.t += o.jwks.cooldown;
  int refetches = 0;
  for (int i = 0; i < 200; ++i) {
    auto r = v.verify(stranger.sign(payload("")));
    REQUIRE_FALSE(r);
    if (auto again = v.jwks_request()) {
      ++refetches;
      REQUIRE(v.jwks_response(up));
    }
  }
  CHECK(refetches == 1);
  *clock.t += o.jwks.cooldown;
  REQUIRE(v.jwks_request());  // cooldown over, and unknown kids kept coming: one more
  REQUIRE(v.jwks_response(up));
  *clock.t += o.jwks.cooldown;
  CHECK_FALSE(v.jwks_request());  // no unknown kid seen since, keys fresh: nothing to do

  // A fetch handed out and never answered does not block fetching forever.
  *clock.t += o.jwks.max_age;
  REQUIRE(v.jwks_request());
  CHECK_FALSE(v.jwks_request());
  *clock.t += o.jwks_fetch_timeout;
  CHECK(v.jwks_request());
}

TEST_CASE("api verifier: blocking convenience follows a key rotation", "[api][verifier]") {
  jose_test::es256_signer old_key("old");
  jose_test::es256_signer new_key("new");
  shared_clock clock;
  verifier v(resource_options(), clock);
  jwks_server server;
  server.body = jwks_of(old_key);
  REQUIRE(v.verify(server, "Bearer " + old_key.sign(payload(""))));
  CHECK(server.fetches == 1);
  CHECK(server.last_url == issuer + "/jwks");
  CHECK(v.verify(server, "Bearer " + old_key.sign(payload(R"("jti":"2")"))));
  CHECK(server.fetches == 1);  // keys cached

  // The tenant rotates; a token under the new key arrives after the cooldown.
  server.body = new_key.add_to(jwks_of(old_key));
  *clock.t += 30;
  auto rotated = v.verify(server, "Bearer " + new_key.sign(payload("")));
  REQUIRE(rotated);
  CHECK(server.fetches == 2);

  // A second rotation within the cooldown cannot be followed at once (the price of rate limiting).
  jose_test::es256_signer newer("newer");
  server.body = newer.add_to(R"({"keys":[]})");
  auto early = v.verify(server, "Bearer " + newer.sign(payload("")));
  REQUIRE_FALSE(early);
  CHECK(early.error().code == errc::jwt_no_matching_key);
  CHECK(server.fetches == 2);
  *clock.t += 30;
  CHECK(v.verify(server, "Bearer " + newer.sign(payload(""))));
  CHECK(server.fetches == 3);
  // The old key is gone with the rotation: its tokens (even cached ones) are refused now.
  auto old = v.verify(server, "Bearer " + old_key.sign(payload(R"("jti":"2")")));
  REQUIRE_FALSE(old);
}

TEST_CASE("api verifier: an unknown kid while another request fetches the keys answers 503, not 401",
          "[api][verifier]") {
  jose_test::es256_signer old_key("old");
  jose_test::es256_signer new_key("new");
  shared_clock clock;
  verifier v(resource_options(), clock);
  REQUIRE(v.load_jwks(jwks_of(old_key)));
  const std::string token = "Bearer " + new_key.sign(payload(""));
  REQUIRE_FALSE(v.verify(token));  // the new kid is seen: a refetch is wanted
  *clock.t += 30;
  auto request = v.jwks_request();  // "another thread" takes the fetch
  REQUIRE(request);
  CHECK(v.fetch_in_flight());

  jwks_server server;
  server.body = new_key.add_to(jwks_of(old_key));
  auto waiting = v.verify(server, token);
  REQUIRE_FALSE(waiting);
  CHECK(waiting.error().code == errc::auth_keys_unavailable);
  CHECK(server.fetches == 0);  // still one fetch at a time
  const auto c = v.challenge_for(waiting.error());
  CHECK(c.status == 503);
  CHECK(c.retry_after > 0);

  http_response answer;
  answer.status = 200;
  answer.body = server.body;
  REQUIRE(v.jwks_response(answer));
  CHECK_FALSE(v.fetch_in_flight());
  CHECK(v.verify(server, token));
  // With no fetch out, an unknown kid within the cooldown is the token's fault again (401).
  jose_test::es256_signer stranger("stranger");
  auto forged = v.verify(server, "Bearer " + stranger.sign(payload("")));
  REQUIRE_FALSE(forged);
  CHECK(forged.error().code == errc::jwt_no_matching_key);
  CHECK(v.challenge_for(forged.error()).status == 401);
  CHECK(server.fetches == 0);
}

TEST_CASE("api verifier: options are checked", "[api][verifier]") {
  api::verifier_options o;
  CHECK_FALSE(api::access_token_verifier<>(o).valid());
  o.issuer = "tenant.logto.app";
  o.audience = api_resource;
  CHECK_FALSE(api::access_token_verifier<>(o).valid());
  o.issuer = issuer;
  CHECK(api::access_token_verifier<>(o).valid());
  auto bad_scope = o;
  bad_scope.required_scopes = {"read data"};
  CHECK_FALSE(api::access_token_verifier<>(bad_scope).valid());
  auto bad_realm = o;
  bad_realm.realm = "a\"b";
  CHECK_FALSE(api::access_token_verifier<>(bad_realm).valid());
  auto both = o;
  both.any_organization = true;
  CHECK_FALSE(api::access_token_verifier<>(both).valid());
  api::verifier_options nothing;
  nothing.issuer = issuer;
  auto r = api::access_token_verifier<>(nothing).verify("Bearer x");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::invalid_argument);
}

#if LOGTO_TEST_THREADS
TEST_CASE("api verifier: many threads at once share one verifier", "[api][verifier]") {
  jose_test::es256_signer key;
  api::verifier_options o = resource_options();
  o.cache_capacity = 8;  // small: eviction runs under contention too
  api::access_token_verifier<shared_clock, std::mutex> v(o, shared_clock{});
  REQUIRE(v.load_jwks(jwks_of(key)));
  std::vector<std::string> tokens;
  for (int i = 0; i < 16; ++i) tokens.push_back(key.sign(payload(R"("jti":")" + std::to_string(i) + R"(")")));
  std::string forged = tokens[0];
  forged[forged.size() - 3] = forged[forged.size() - 3] == 'A' ? 'B' : 'A';
  std::atomic<int> accepted{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        if (v.verify("Bearer " + tokens[static_cast<std::size_t>((i + t) % 16)])) ++accepted;
        if (!v.verify("Bearer " + forged)) ++refused;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(accepted == 160);
  CHECK(refused == 160);
  CHECK(v.cache_size() <= 8);
}
#endif
