// logto::client against a scripted in-memory provider: @logto/client's behaviour (storage keys and
// formats, callback, refresh, organization tokens, sign-out) and what we add (serialised refresh shared
// by concurrent callers, rotation stored first, invalid_grant -> session_expired, userinfo sub check).
// ID tokens that must carry the run's nonce or the at_hash of an access token are signed here by a P-256 key
// added to the provider's JWKS (jose_signer.hpp); the others are the jose fixtures (signed by npm jose; issuer
// https://tenant.logto.app/oidc, client client-123, T = 1700000000). The real-provider versions of these flows
// are tests/interop/client_interop.cpp. Fixtures shared with the core's tests: client_fixtures.hpp.
#include "client_fixtures.hpp"
#include "counting_mutex.hpp"
#include "test_threads.hpp"

#include <atomic>
#include <chrono>
#include <vector>

using namespace logto;
using namespace client_test;

namespace {

template <class Mutex>
using test_client_with = client<fake_provider, memory_storage, test_clock, crypto::default_random, Mutex>;
using test_client = test_client_with<default_mutex>;

template <class Mutex>
struct basic_harness {
  fake_provider provider;
  memory_storage storage;
  test_clock clock;
  jose_test::es256_signer signer;
  test_client_with<Mutex> cl;
  std::string nonce;     // the nonce of the last sign-in URI
  std::string state;     // its state
  std::string id_token;  // the last ID token made by issue_id_token
  explicit basic_harness(config c = test_config(), client_options o = {}) : cl(c, provider, storage, o, clock) {
    clock.t->store(jose_test::fixtures().T + 10);
    provider.jwks = signer.add_to(provider.jwks);
  }
  // A fixture ID token (for sessions that are already stored; its at_hash "x" binds to no access token).
  std::string valid_id_token() const { return jose_test::token("valid.ES384"); }

  // An ID token as the provider issues it at the token endpoint: the fixtures' claims, "nonce" when
  // `nonce_value` is not empty, the at_hash of `access_token` when it is not empty, then `extra` members.
  std::string issue_id_token(const std::string& nonce_value, const std::string& access_token,
                             const std::string& extra = {}, const std::string& aud = "\"client-123\"",
                             const std::string& sub = "user-1") {
    id_token = client_test::issue_id_token(signer, nonce_value, access_token, extra, aud, sub);
    return id_token;
  }

  // Starts a sign-in and remembers its state and nonce.
  result<std::string> start_sign_in() {
    auto url = cl.sign_in("com.example.app://callback");
    if (!url) return url;
    const auto query = parse_query(parse_url(*url)->query);
    const std::string* s = find_param(*query, "state");
    const std::string* n = find_param(*query, "nonce");
    state = s ? *s : std::string();
    nonce = n ? *n : std::string();
    return url;
  }
  result<void> callback() {
    return cl.handle_sign_in_callback("com.example.app://callback?code=the-code&state=" + form_encode(state));
  }
  // Completes a sign-in whose code exchange answers `body()` (built after the sign-in URI).
  result<void> sign_in_with(const std::function<std::string()>& body) {
    provider.on_token = [body](const http_request&) { return json_response(200, body()); };
    auto url = start_sign_in();
    if (!url) return url.error();
    return callback();
  }
  // Completes a sign-in with a well-behaved provider.
  result<void> sign_in(const std::string& at = "AT1", const std::string& rt = "RT1") {
    return sign_in_with([this, at, rt] { return token_body(at, rt); });
  }
  // A token response whose ID token carries the last sign-in's nonce (if any) and the at_hash of `at`.
  std::string token_body(const std::string& at = "AT1", const std::string& rt = "RT1") {
    return token_body_with(at, rt, issue_id_token(nonce, at));
  }
  static std::string token_body_with(const std::string& at, const std::string& rt, const std::string& id) {
    return R"({"access_token":")" + at + R"(","refresh_token":")" + rt + R"(","id_token":")" + id +
           R"(","scope":"openid offline_access profile","expires_in":3600,"token_type":"Bearer"})";
  }
};

using harness = basic_harness<default_mutex>;

}  // namespace

TEST_CASE("sign_in stores the session in @logto/client's format and returns the URI", "[client]") {
  harness h;
  h.storage.set("idToken", "old-id-token");
  h.storage.set("refreshToken", "old-rt");
  auto url = h.cl.sign_in("com.example.app://callback");
  REQUIRE(url);
  auto u = parse_url(*url);
  REQUIRE(u);
  CHECK(u->without_query() == "https://tenant.logto.app/oidc/auth");
  auto q = parse_query(u->query);
  REQUIRE(q);
  CHECK((*q)[0] == std::make_pair(std::string("client_id"), std::string("client-123")));
  CHECK(*find_param(*q, "redirect_uri") == "com.example.app://callback");
  CHECK(*find_param(*q, "scope") == "openid offline_access profile");
  CHECK(*find_param(*q, "resource") == "https://api.example.com");
  CHECK(*find_param(*q, "prompt") == "consent");
  const std::string state = *find_param(*q, "state");
  CHECK(state.size() == 86);  // 64 random bytes, base64url
  auto session = json::parse(stored(h.storage, "signInSession"));
  REQUIRE(session);
  const auto& s = *json::as_object(*session);
  CHECK(*json::get_string(s, "redirectUri") == "com.example.app://callback");
  CHECK(*json::get_string(s, "state") == state);
  // S256: the challenge in the URL is the hash of the stored verifier.
  CHECK(*find_param(*q, "code_challenge") == *oidc::generate_code_challenge(*json::get_string(s, "codeVerifier")));
  CHECK(stored(h.storage, "signInSession").rfind("{\"redirectUri\":", 0) == 0);
  // Tokens of the previous session are gone (clearTokens defaults to true).
  CHECK_FALSE(h.storage.get("idToken"));
  CHECK_FALSE(h.storage.get("refreshToken"));
  CHECK(h.provider.count("/oidc/.well-known/openid-configuration") == 1);
}

TEST_CASE("sign_in with clear_tokens=false keeps the tokens; options reach the URI", "[client]") {
  harness h;
  h.storage.set("idToken", "old-id-token");
  sign_in_options o;
  o.redirect_uri = "http://127.0.0.1:51234/callback";
  o.clear_tokens = false;
  o.prompt = {"login"};
  o.login_hint = "a@b.c";
  o.first_screen = "identifier:sign_in";
  o.identifiers = {"email"};
  o.extra_params = {{"organization_id", "org_1"}};
  auto url = h.cl.sign_in(o);
  REQUIRE(url);
  CHECK(url->find("&prompt=login&") != std::string::npos);
  CHECK(url->find("&login_hint=a%40b.c&") != std::string::npos);
  CHECK(url->find("&first_screen=identifier%3Asign_in&identifier=email&organization_id=org_1") != std::string::npos);
  CHECK(stored(h.storage, "idToken") == "old-id-token");
}

TEST_CASE("handle_sign_in_callback stores tokens exactly like @logto/client and removes the session", "[client]") {
  harness h;
  REQUIRE_OK(h.sign_in());
  CHECK(stored(h.storage, "refreshToken") == "RT1");
  CHECK(stored(h.storage, "idToken") == h.id_token);
  const std::int64_t expires = jose_test::fixtures().T + 10 + 3600;
  CHECK(stored(h.storage, "accessToken") ==
        R"({"@":{"token":"AT1","scope":"openid offline_access profile","expiresAt":)" + std::to_string(expires) + "}}");
  CHECK_FALSE(h.storage.get("signInSession"));
  CHECK(h.cl.is_authenticated());
  // The code exchange body, in @logto/js's order.
  auto posts = h.provider.to("/oidc/token");
  REQUIRE(posts.size() == 1);
  CHECK(posts[0].body.rfind("client_id=client-123&code=the-code&code_verifier=", 0) == 0);
  CHECK(posts[0].body.find("&redirect_uri=com.example.app%3A%2F%2Fcallback&grant_type=authorization_code") !=
        std::string::npos);
  auto claims = h.cl.get_id_token_claims();
  REQUIRE(claims);
  CHECK(claims->sub == "user-1");
  // The access token comes from the cache: no refresh.
  auto at = h.cl.get_access_token();
  REQUIRE(at);
  CHECK(*at == "AT1");
  CHECK(h.provider.count("/oidc/token") == 1);
  // A replayed callback finds no session.
  auto again = h.cl.handle_sign_in_callback("com.example.app://callback?code=the-code&state=x");
  REQUIRE_FALSE(again);
  CHECK(again.error().code == errc::sign_in_session_not_found);
}

TEST_CASE("a failed callback stores nothing and keeps the session for a retry", "[client]") {
  harness h;
  h.provider.on_token = [&h](const http_request&) { return json_response(200, h.token_body()); };
  REQUIRE(h.start_sign_in());
  const std::string session = stored(h.storage, "signInSession");
  const std::string state = h.state;

  SECTION("tampered state") {
    auto r = h.cl.handle_sign_in_callback("com.example.app://callback?code=c&state=forged");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::callback_state_mismatched);
    CHECK(h.provider.count("/oidc/token") == 0);
  }
  SECTION("the provider says access_denied") {
    auto r = h.cl.handle_sign_in_callback("com.example.app://callback?error=access_denied&error_description=no&state=" +
                                          form_encode(state));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::callback_error_found);
  }
  SECTION("another redirect URI") {
    auto r = h.cl.handle_sign_in_callback("com.example.app://callbackX?code=c&state=" + form_encode(state));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::callback_redirect_uri_mismatched);
  }
  SECTION("the token endpoint refuses the code") {
    h.provider.on_token = [](const http_request&) {
      return json_response(400, R"({"error":"invalid_grant","error_description":"grant request is invalid"})");
    };
    auto r = h.cl.handle_sign_in_callback("com.example.app://callback?code=c&state=" + form_encode(state));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::oauth_error);  // a bad code, not an expired session
    CHECK(r.error().detail == "invalid_grant");
    CHECK(r.error().message.find("authorization code") != std::string::npos);
  }
  SECTION("the ID token has the wrong issuer") {
    h.provider.on_token = [](const http_request&) {
      return json_response(200, R"({"access_token":"AT","id_token":")" + jose_test::token("claims.iss-wrong") +
                                    R"(","expires_in":3600})");
    };
    auto r = h.cl.handle_sign_in_callback("com.example.app://callback?code=c&state=" + form_encode(state));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::jwt_claim_invalid);
  }
  SECTION("the ID token is forged") {
    h.provider.on_token = [](const http_request&) {
      return json_response(
          200, R"({"access_token":"AT","id_token":")" + jose_test::token("forged.ES384") + R"(","expires_in":3600})");
    };
    auto r = h.cl.handle_sign_in_callback("com.example.app://callback?code=c&state=" + form_encode(state));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::jwt_signature_invalid);
  }
  SECTION("the ID token lacks the nonce sent with the request (OIDC Core 3.1.3.7 step 11)") {
    h.provider.on_token = [&h](const http_request&) {
      return json_response(200, harness::token_body_with("AT", "RT", h.issue_id_token("", "AT")));
    };
    auto r = h.callback();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::jwt_claim_invalid);
    CHECK(r.error().detail == "nonce");
  }
  SECTION("the ID token carries another nonce (a replayed or injected token)") {
    h.provider.on_token = [&h](const http_request&) {
      return json_response(200, harness::token_body_with("AT", "RT", h.issue_id_token(h.nonce + "x", "AT")));
    };
    auto r = h.callback();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::jwt_claim_invalid);
    CHECK(r.error().detail == "nonce");
  }
  SECTION("the ID token's at_hash belongs to another access token (OIDC Core 3.3.2.11)") {
    h.provider.on_token = [&h](const http_request&) {
      return json_response(200, harness::token_body_with("AT-swapped", "RT", h.issue_id_token(h.nonce, "AT")));
    };
    auto r = h.callback();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::jwt_claim_invalid);
    CHECK(r.error().detail == "at_hash");
  }
  SECTION("the ID token also names an untrusted audience (OIDC Core 3.1.3.7 step 3)") {
    h.provider.on_token = [&h](const http_request&) {
      const std::string id =
          h.issue_id_token(h.nonce, "AT", R"(,"azp":"client-123")", R"(["client-123","https://evil.example"])");
      return json_response(200, harness::token_body_with("AT", "RT", id));
    };
    auto r = h.callback();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::jwt_claim_invalid);
    CHECK(r.error().detail == "aud");
  }
  SECTION("no ID token at all") {
    h.provider.on_token = [](const http_request&) { return json_response(200, R"({"access_token":"AT"})"); };
    auto r = h.cl.handle_sign_in_callback("com.example.app://callback?code=c&state=" + form_encode(state));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::token_response_invalid);
  }
  CHECK_FALSE(h.storage.get("idToken"));
  CHECK_FALSE(h.storage.get("refreshToken"));
  CHECK_FALSE(h.storage.get("accessToken"));
  CHECK(stored(h.storage, "signInSession") == session);
  CHECK_FALSE(h.cl.is_authenticated());
}

TEST_CASE("without a session or tokens: @logto/client's errors", "[client]") {
  harness h;
  auto cb = h.cl.handle_sign_in_callback("com.example.app://callback?code=c&state=s");
  REQUIRE_FALSE(cb);
  CHECK(cb.error().code == errc::sign_in_session_not_found);
  h.storage.set("signInSession", R"({"redirectUri":"x","codeVerifier":"v"})");
  cb = h.cl.handle_sign_in_callback("com.example.app://callback?code=c&state=s");
  REQUIRE_FALSE(cb);
  CHECK(cb.error().code == errc::sign_in_session_invalid);
  auto at = h.cl.get_access_token();
  REQUIRE_FALSE(at);
  CHECK(at.error().code == errc::not_authenticated);
  auto claims = h.cl.get_id_token_claims();
  REQUIRE_FALSE(claims);
  CHECK(claims.error().code == errc::not_authenticated);
  h.storage.set("idToken", h.valid_id_token());
  at = h.cl.get_access_token();
  REQUIRE_FALSE(at);
  CHECK(at.error().code == errc::not_authenticated);
  CHECK(at.error().message.find("Refresh token not found") != std::string::npos);
}

TEST_CASE("refresh: body order, rotation stored, cache key, safety margin", "[client]") {
  harness h;
  h.storage.set("idToken", h.valid_id_token());
  h.storage.set("refreshToken", "RT1");
  int n = 0;
  h.provider.on_token = [&n](const http_request&) {
    ++n;
    return json_response(200, R"({"access_token":"AT-)" + std::to_string(n) + R"(","refresh_token":"RT)" +
                                  std::to_string(n + 1) + R"(","scope":"read:data","expires_in":3600})");
  };
  auto at = h.cl.get_access_token("https://api.example.com");
  REQUIRE(at);
  CHECK(*at == "AT-1");
  auto posts = h.provider.to("/oidc/token");
  REQUIRE(posts.size() == 1);
  CHECK(posts[0].body ==
        "client_id=client-123&refresh_token=RT1&grant_type=refresh_token&resource=https%3A%2F%2Fapi.example.com");
  CHECK(stored(h.storage, "refreshToken") == "RT2");
  CHECK(stored(h.storage, "accessToken").find(R"("@https://api.example.com":{"token":"AT-1","scope":"read:data")") !=
        std::string::npos);
  // Cached until 60 s before expiry.
  h.clock.t->fetch_add(3600 - 61);
  CHECK(*h.cl.get_access_token("https://api.example.com") == "AT-1");
  CHECK(n == 1);
  h.clock.t->fetch_add(2);  // 59 s left: refresh (the JS SDK would hand out the token)
  CHECK(*h.cl.get_access_token("https://api.example.com") == "AT-2");
  CHECK(h.provider.to("/oidc/token").back().body.find("refresh_token=RT2&") != std::string::npos);
  CHECK(stored(h.storage, "refreshToken") == "RT3");
}

#if LOGTO_TEST_THREADS
TEST_CASE("concurrent get_access_token calls share one refresh", "[client][threads]") {
  harness h;
  h.storage.set("idToken", h.valid_id_token());
  h.storage.set("refreshToken", "RT1");
  std::atomic<int> refreshes{0};
  h.provider.token_delay = std::chrono::milliseconds(100);
  h.provider.on_token = [&refreshes](const http_request& req) {
    const int n = ++refreshes;
    // A reused (already rotated) refresh token revokes the grant, as Logto does.
    if (req.body.find("refresh_token=RT1&") == std::string::npos) {
      return json_response(400, R"({"error":"invalid_grant","error_description":"refresh token already used"})");
    }
    return json_response(200, R"({"access_token":"AT-)" + std::to_string(n) +
                                  R"(","refresh_token":"RT2","scope":"","expires_in":3600})");
  };
  std::vector<std::thread> threads;
  std::vector<std::string> got(8);
  for (std::size_t i = 0; i < got.size(); ++i) {
    threads.emplace_back([&h, &got, i] {
      auto at = h.cl.get_access_token("https://api.example.com");
      got[i] = at ? *at : "error: " + at.error().message;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(refreshes.load() == 1);
  for (const auto& g : got) CHECK(g == "AT-1");
  CHECK(stored(h.storage, "refreshToken") == "RT2");
}

TEST_CASE("refreshes for different resources are serialised and each uses the rotated token", "[client][threads]") {
  config c = test_config();
  for (int i = 0; i < 6; ++i) c.resources.push_back("https://api" + std::to_string(i) + ".example.com");
  harness h(c);
  h.storage.set("idToken", h.valid_id_token());
  h.storage.set("refreshToken", "RT0");
  std::mutex m;
  int current = 0;
  bool reused = false;
  h.provider.token_delay = std::chrono::milliseconds(20);
  h.provider.on_token = [&](const http_request& req) {
    std::lock_guard<std::mutex> lock(m);
    if (req.body.find("refresh_token=RT" + std::to_string(current) + "&") == std::string::npos) reused = true;
    ++current;
    return json_response(200, R"({"access_token":"AT","refresh_token":"RT)" + std::to_string(current) +
                                  R"(","scope":"","expires_in":3600})");
  };
  std::vector<std::thread> threads;
  threads.reserve(6);
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&h, i] { (void)h.cl.get_access_token("https://api" + std::to_string(i) + ".example.com"); });
  }
  for (auto& t : threads) t.join();
  CHECK_FALSE(reused);
  CHECK(current == 6);
  CHECK(stored(h.storage, "refreshToken") == "RT6");
}
#endif  // LOGTO_TEST_THREADS

TEST_CASE("invalid_grant on refresh says the session is gone", "[client]") {
  harness h;
  h.storage.set("idToken", h.valid_id_token());
  h.storage.set("refreshToken", "RT-dead");
  SECTION("OAuth error body (oidc-provider)") {
    h.provider.on_token = [](const http_request&) {
      return json_response(400, R"({"error":"invalid_grant","error_description":"grant request is invalid"})");
    };
    auto at = h.cl.get_access_token();
    REQUIRE_FALSE(at);
    CHECK(at.error().code == errc::session_expired);
    CHECK(at.error().detail == "invalid_grant");
    CHECK(at.error().message.find("sign in again") != std::string::npos);
  }
  SECTION("Logto's error body") {
    h.provider.on_token = [](const http_request&) {
      return json_response(400, R"({"code":"oidc.invalid_grant","message":"Grant request is invalid."})");
    };
    auto at = h.cl.get_access_token();
    REQUIRE_FALSE(at);
    CHECK(at.error().code == errc::session_expired);
    CHECK(at.error().detail == "oidc.invalid_grant");
  }
  SECTION("other errors keep their code") {
    h.provider.on_token = [](const http_request&) { return http_response{503, {}, "upstream down"}; };
    auto at = h.cl.get_access_token();
    REQUIRE_FALSE(at);
    CHECK(at.error().code == errc::http_error);
    CHECK(at.error().detail == "http_error_503");
  }
}

TEST_CASE("a refresh that returns an ID token verifies it and keeps iss/sub (OIDC Core 12.2)", "[client]") {
  harness h;
  h.storage.set("idToken", h.valid_id_token());
  h.storage.set("refreshToken", "RT1");
  std::string id_token;
  h.provider.on_token = [&id_token](const http_request&) {
    return json_response(200, R"({"access_token":"AT","refresh_token":"RT2","id_token":")" + id_token +
                                  R"(","scope":"","expires_in":3600})");
  };
  SECTION("same subject: stored") {
    id_token = h.issue_id_token("", "AT", R"(,"auth_time":1699999900)");
    REQUIRE(h.cl.get_access_token());
    CHECK(stored(h.storage, "idToken") == id_token);
  }
  SECTION("no nonce is required of a refreshed ID token (OIDC Core 12.2), one carried along is not compared") {
    id_token = h.issue_id_token("n-from-the-original-sign-in", "AT");
    REQUIRE(h.cl.get_access_token());
    CHECK(stored(h.storage, "idToken") == id_token);
  }
  SECTION("its at_hash belongs to another access token: rejected, the old ID token stays") {
    id_token = h.issue_id_token("", "AT-other");
    auto at = h.cl.get_access_token();
    REQUIRE_FALSE(at);
    CHECK(at.error().code == errc::jwt_claim_invalid);
    CHECK(at.error().detail == "at_hash");
    CHECK(stored(h.storage, "idToken") == h.valid_id_token());
    CHECK_FALSE(h.storage.get("accessToken"));
  }
  SECTION("another subject: rejected, the old ID token stays, the rotated refresh token is kept") {
    id_token = h.issue_id_token("", "AT", {}, "\"client-123\"", "user-2");
    auto at = h.cl.get_access_token();
    REQUIRE_FALSE(at);
    CHECK(at.error().code == errc::jwt_claim_invalid);
    CHECK(at.error().detail == "sub");
    CHECK(stored(h.storage, "idToken") == h.valid_id_token());
    CHECK(stored(h.storage, "refreshToken") == "RT2");
    CHECK_FALSE(h.storage.get("accessToken"));
  }
}

TEST_CASE("a resource that is not in config.resources is refused before anything is sent", "[client]") {
  harness h;
  h.storage.set("idToken", h.valid_id_token());
  h.storage.set("refreshToken", "RT1");
  auto at = h.cl.get_access_token("https://not-configured.example.com");
  REQUIRE_FALSE(at);
  CHECK(at.error().code == errc::invalid_argument);
  CHECK(at.error().message.find("config.resources") != std::string::npos);
  CHECK(h.provider.requests.empty());
  CHECK(stored(h.storage, "refreshToken") == "RT1");
}

TEST_CASE("sign-out forgets shared refresh outcomes too", "[client]") {
  harness h;
  h.storage.set("idToken", h.valid_id_token());
  h.storage.set("refreshToken", "RT1");
  h.provider.on_token = [](const http_request&) {
    return json_response(200, R"({"access_token":"AT-1","refresh_token":"RT2","scope":"","expires_in":3600})");
  };
  REQUIRE(h.cl.get_access_token());
  REQUIRE(h.cl.sign_out());
  auto at = h.cl.get_access_token();
  REQUIRE_FALSE(at);
  CHECK(at.error().code == errc::not_authenticated);
}

TEST_CASE("organization tokens need the organizations scope", "[client]") {
  {
    harness h;
    auto t = h.cl.get_organization_token("org_1");
    REQUIRE_FALSE(t);
    CHECK(t.error().code == errc::missing_scope_organizations);
  }
  harness h(test_config({"urn:logto:scope:organizations"}));
  CHECK(h.cl.get_config().resources.back() == "urn:logto:resource:organizations");
  h.storage.set("idToken", h.valid_id_token());
  h.storage.set("refreshToken", "RT1");
  h.provider.on_token = [](const http_request&) {
    return json_response(200, R"({"access_token":"ORG-AT","refresh_token":"RT2","scope":"","expires_in":3600})");
  };
  auto t = h.cl.get_organization_token("org_1");
  REQUIRE(t);
  CHECK(*t == "ORG-AT");
  CHECK(h.provider.to("/oidc/token")[0].body ==
        "client_id=client-123&refresh_token=RT1&grant_type=refresh_token&organization_id=org_1");
  CHECK(stored(h.storage, "accessToken").find(R"("@#org_1":)") != std::string::npos);
}

TEST_CASE("a corrupt stored token map is treated as absent", "[client]") {
  harness h;
  h.storage.set("idToken", h.valid_id_token());
  h.storage.set("refreshToken", "RT1");
  h.storage.set("accessToken", R"({"@":{"token":1}})");
  h.provider.on_token = [](const http_request&) {
    return json_response(200, R"({"access_token":"FRESH","scope":"","expires_in":3600})");
  };
  auto at = h.cl.get_access_token();
  REQUIRE(at);
  CHECK(*at == "FRESH");
}

TEST_CASE("a session stored by another client instance (or by @logto/client) is used as is", "[client]") {
  harness h;
  h.storage.set("idToken", h.valid_id_token());
  h.storage.set("refreshToken", "RT1");
  const std::int64_t later = jose_test::fixtures().T + 7200;
  h.storage.set("accessToken",
                R"({"@":{"token":"FROM-JS","scope":"openid","expiresAt":)" + std::to_string(later) + "}}");
  auto at = h.cl.get_access_token();
  REQUIRE(at);
  CHECK(*at == "FROM-JS");
  CHECK(h.provider.count("/oidc/token") == 0);
}

TEST_CASE("fetch_user_info uses the default token and checks sub", "[client]") {
  harness h;
  REQUIRE_OK(h.sign_in());
  std::string sub = "user-1";
  h.provider.on_userinfo = [&sub](const http_request& req) {
    const auto* auth = http_find_header(req.headers, "Authorization");
    if (auth == nullptr || *auth != "Bearer AT1") return json_response(401, R"({"error":"invalid_token"})");
    return json_response(200, R"({"sub":")" + sub + R"(","name":"Test"})");
  };
  auto info = h.cl.fetch_user_info();
  REQUIRE(info);
  CHECK(info->sub == "user-1");
  CHECK(*info->name == "Test");
  sub = "user-2";
  info = h.cl.fetch_user_info();
  REQUIRE_FALSE(info);
  CHECK(info.error().code == errc::user_info_sub_mismatched);
}

TEST_CASE("sign_out revokes the refresh token, clears tokens and returns the end-session URL", "[client]") {
  harness h;
  REQUIRE_OK(h.sign_in());
  auto url = h.cl.sign_out("com.example.app://callback/sign-out");
  REQUIRE(url);
  CHECK(*url ==
        "https://tenant.logto.app/oidc/session/end?client_id=client-123&post_logout_redirect_uri="
        "com.example.app%3A%2F%2Fcallback%2Fsign-out");
  auto revocations = h.provider.to("/oidc/token/revocation");
  REQUIRE(revocations.size() == 1);
  CHECK(revocations[0].body == "client_id=client-123&token=RT1");
  CHECK_FALSE(h.storage.get("idToken"));
  CHECK_FALSE(h.storage.get("refreshToken"));
  CHECK_FALSE(h.storage.get("accessToken"));
  CHECK_FALSE(h.cl.is_authenticated());
  CHECK(*h.cl.sign_out() == "https://tenant.logto.app/oidc/session/end?client_id=client-123");
}

TEST_CASE("discovery is fetched once and a failed fetch is not cached", "[client]") {
  harness h;
  h.provider.discovery_failures_left = 1;
  auto first = h.cl.sign_in("com.example.app://callback");
  REQUIRE_FALSE(first);
  CHECK(first.error().code == errc::transport_error);
  REQUIRE(h.cl.sign_in("com.example.app://callback"));
  REQUIRE(h.cl.sign_in("com.example.app://callback"));
  CHECK(h.provider.count("/oidc/.well-known/openid-configuration") == 2);
}

TEST_CASE("the JWKS is fetched once and cached across sign-ins", "[client]") {
  harness h;
  REQUIRE_OK(h.sign_in());
  REQUIRE_OK(h.sign_in("AT2", "RT2"));
  CHECK(h.provider.count("/oidc/jwks") == 1);
}

TEST_CASE("device sign-in: pending, slow_down, then tokens", "[client][device]") {
  harness h;
  h.provider.on_device = [](const http_request& req) {
    CHECK(req.body.rfind("client_id=client-123&scope=openid+offline_access+profile", 0) == 0);
    return json_response(200, R"({"device_code":"DC","user_code":"BCDF-GHJK","verification_uri":
      "https://tenant.logto.app/oidc/device","expires_in":600,"interval":5})");
  };
  int polls = 0;
  h.provider.on_token = [&](const http_request& req) {
    CHECK(req.body.find("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code") != std::string::npos);
    ++polls;
    if (polls == 1) return json_response(400, R"({"error":"authorization_pending"})");
    if (polls == 2) return json_response(400, R"({"error":"slow_down"})");
    return json_response(200, h.token_body("DEV-AT", "DEV-RT"));
  };
  auto flow = h.cl.start_device_sign_in();
  REQUIRE(flow);
  CHECK(flow->authorization.user_code == "BCDF-GHJK");
  std::vector<std::int64_t> sleeps;
  auto done = h.cl.wait_for_device_sign_in(*flow, [&](std::int64_t s) {
    sleeps.push_back(s);
    h.clock.t->fetch_add(s);
  });
  REQUIRE(done);
  CHECK(sleeps == std::vector<std::int64_t>{5, 5, 10});  // slow_down adds 5 s (RFC 8628 3.5)
  CHECK(stored(h.storage, "refreshToken") == "DEV-RT");
  CHECK(*h.cl.get_access_token() == "DEV-AT");
}

TEST_CASE("device sign-in: denied and expired", "[client][device]") {
  harness h;
  h.provider.on_device = [](const http_request&) {
    return json_response(200, R"({"device_code":"DC","user_code":"U","verification_uri":"https://x/device",
      "expires_in":12,"interval":5})");
  };
  SECTION("denied") {
    h.provider.on_token = [](const http_request&) { return json_response(400, R"({"error":"access_denied"})"); };
    auto flow = h.cl.start_device_sign_in();
    REQUIRE(flow);
    auto done = h.cl.wait_for_device_sign_in(*flow, [&](std::int64_t s) { h.clock.t->fetch_add(s); });
    REQUIRE_FALSE(done);
    CHECK(done.error().code == errc::access_denied);
  }
  SECTION("expired") {
    h.provider.on_token = [](const http_request&) {
      return json_response(400, R"({"error":"authorization_pending"})");
    };
    auto flow = h.cl.start_device_sign_in();
    REQUIRE(flow);
    auto done = h.cl.wait_for_device_sign_in(*flow, [&](std::int64_t s) { h.clock.t->fetch_add(s); });
    REQUIRE_FALSE(done);
    CHECK(done.error().code == errc::expired_token);
  }
  CHECK_FALSE(h.cl.is_authenticated());
}

TEST_CASE("client credentials: Basic auth, cached per resource", "[client][m2m]") {
  config c;
  c.endpoint = endpoint;
  c.app_id = "m2m-app";
  c.app_secret = "s3cr3t";
  fake_provider provider;
  memory_storage storage;
  test_clock clock;
  clock.t->store(1700000000);
  test_client cl(c, provider, storage, {}, clock);
  provider.on_token = [](const http_request& req) {
    CHECK(*http_find_header(req.headers, "Authorization") == "Basic " + base64_encode("m2m-app:s3cr3t"));
    CHECK(req.body.find("grant_type=client_credentials") != std::string::npos);
    return json_response(200, R"({"access_token":"M2M","scope":"read:data","expires_in":3600})");
  };
  CHECK(*cl.get_client_credentials_token("https://api.example.com", {"read:data"}) == "M2M");
  CHECK(*cl.get_client_credentials_token("https://api.example.com", {"read:data"}) == "M2M");
  CHECK(provider.count("/oidc/token") == 1);
  CHECK(*cl.get_client_credentials_token("https://other.example.com") == "M2M");
  CHECK(provider.count("/oidc/token") == 2);
  CHECK(storage.size() == 0);  // M2M tokens are never persisted
}

TEST_CASE("an invalid config is reported by every operation, never thrown", "[client]") {
  config c;
  c.endpoint = "not a url";
  c.app_id = "x";
  fake_provider provider;
  memory_storage storage;
  test_client cl(c, provider, storage);
  REQUIRE_FALSE(cl.valid());
  CHECK(cl.valid().error().code == errc::invalid_url);
  CHECK_FALSE(cl.sign_in("com.example.app://callback"));
  CHECK_FALSE(cl.get_access_token());
  CHECK_FALSE(cl.sign_out());
  CHECK(provider.requests.empty());
}

TEST_CASE("null_mutex builds a single-threaded client", "[client]") {
  fake_provider provider;
  memory_storage storage;
  client<fake_provider, memory_storage, test_clock, crypto::default_random, null_mutex> cl(test_config(), provider,
                                                                                           storage);
  REQUIRE(cl.sign_in("com.example.app://callback"));
}

TEST_CASE("token exchange (RFC 8693) posts Logto's parameters and returns the response unstored", "[client]") {
  harness h;
  h.provider.on_token = [](const http_request& req) {
    CHECK(req.body.find("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange") != std::string::npos);
    CHECK(req.body.find("subject_token=SUBJECT") != std::string::npos);
    CHECK(req.body.find("subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token") !=
          std::string::npos);
    CHECK(req.body.find("resource=https%3A%2F%2Fapi.example.com") != std::string::npos);
    return json_response(200, R"({"access_token":"EXCHANGED","token_type":"Bearer","expires_in":600,"scope":""})");
  };
  oidc::token_exchange_grant grant;
  grant.subject_token = "SUBJECT";
  grant.resource = "https://api.example.com";
  auto tokens = h.cl.exchange_token(grant);
  REQUIRE_OK(tokens);
  CHECK(tokens->access_token == "EXCHANGED");
  CHECK(*tokens->expires_in == 600);
  CHECK(h.storage.size() == 0);
}

// ------------------------------------------------------------------------------------------------
// Defects of the client before the sans-I/O core (each of these failed on it)

TEST_CASE("clear_all_tokens() or sign_in() while a refresh is in flight: the session stays ended", "[client]") {
  harness h;
  h.storage.set("idToken", h.valid_id_token());
  h.storage.set("refreshToken", "RT1");
  bool signed_in_again = false;
  SECTION("clear_all_tokens") {
    CHECK(h.cl.is_authenticated());
    h.provider.on_token = [&h](const http_request&) {
      h.cl.clear_all_tokens();  // the user signs out while the refresh is on the wire
      return json_response(200, R"({"access_token":"AT-ended","refresh_token":"RT2","scope":"","expires_in":3600})");
    };
  }
  SECTION("sign_in") {
    CHECK(h.cl.is_authenticated());
    h.provider.on_token = [&h, &signed_in_again](const http_request&) {
      signed_in_again = static_cast<bool>(h.cl.sign_in("com.example.app://callback"));
      return json_response(200, R"({"access_token":"AT-ended","refresh_token":"RT2","scope":"","expires_in":3600})");
    };
  }
  auto at = h.cl.get_access_token();
  REQUIRE_FALSE(at);
  CHECK(at.error().code == errc::not_authenticated);
  CHECK_FALSE(h.storage.get("refreshToken"));
  CHECK_FALSE(h.storage.get("idToken"));
  CHECK_FALSE(h.storage.get("accessToken"));
  CHECK_FALSE(h.cl.is_authenticated());
  if (signed_in_again) CHECK(h.storage.get("signInSession"));
}

TEST_CASE("invalid_grant clears the dead tokens and calls the session-expired hook once", "[client]") {
  harness h;
  h.storage.set("idToken", h.valid_id_token());
  h.storage.set("refreshToken", "RT-dead");
  int told = 0;
  h.cl.set_session_expired_handler([&h, &told](const error& e) {
    ++told;
    CHECK(e.code == errc::session_expired);
    CHECK_FALSE(h.cl.is_authenticated());  // called without the client's lock: the client is usable
  });
  h.provider.on_token = [](const http_request&) {
    return json_response(400, R"({"error":"invalid_grant","error_description":"grant request is invalid"})");
  };
  auto at = h.cl.get_access_token();
  REQUIRE_FALSE(at);
  CHECK(at.error().code == errc::session_expired);
  CHECK_FALSE(h.storage.get("refreshToken"));
  CHECK_FALSE(h.storage.get("idToken"));
  auto again = h.cl.get_access_token();
  REQUIRE_FALSE(again);
  CHECK(again.error().code == errc::not_authenticated);
  CHECK(told == 1);
  CHECK(h.provider.count("/oidc/token") == 1);
}

TEST_CASE("get_access_token(resource, organization_id): getAccessToken(resource?, organizationId?)", "[client]") {
  config c = test_config({"urn:logto:scope:organizations"});
  harness h(c);
  h.storage.set("idToken", h.valid_id_token());
  h.storage.set("refreshToken", "RT1");
  h.provider.on_token = [](const http_request&) {
    return json_response(200, R"({"access_token":"ORG-API","refresh_token":"RT2","scope":"","expires_in":3600})");
  };
  auto t = h.cl.get_access_token("https://api.example.com", "org_1");
  REQUIRE_OK(t);
  CHECK(*t == "ORG-API");
  CHECK(h.provider.to("/oidc/token")[0].body.find("&resource=https%3A%2F%2Fapi.example.com&organization_id=org_1") !=
        std::string::npos);
  CHECK(stored(h.storage, "accessToken").find(R"("@https://api.example.com#org_1":)") != std::string::npos);
}

TEST_CASE("device sign-in: the last wait ends at the code's expiry (expires_in 12, interval 5)", "[client][device]") {
  harness h;
  h.provider.on_device = device_answer(R"("expires_in":12,"interval":5)");
  h.provider.on_token = [](const http_request&) { return json_response(400, R"({"error":"authorization_pending"})"); };
  auto flow = h.cl.start_device_sign_in();
  REQUIRE(flow);
  std::vector<std::int64_t> sleeps;
  auto done = h.cl.wait_for_device_sign_in(*flow, [&](std::int64_t s) {
    sleeps.push_back(s);
    h.clock.t->fetch_add(s);
  });
  REQUIRE_FALSE(done);
  CHECK(done.error().code == errc::expired_token);
  CHECK(sleeps == std::vector<std::int64_t>{5, 5, 2});  // not 5, 5, 5: never past the deadline
  CHECK(h.provider.count("/oidc/token") == 2);
}

TEST_CASE("device sign-in: slow_down is capped, and a bool sleep cancels the wait", "[client][device]") {
  harness h;
  h.provider.on_device = device_answer(R"("expires_in":100000,"interval":5)");
  h.provider.on_token = [](const http_request&) { return json_response(400, R"({"error":"slow_down"})"); };
  auto flow = h.cl.start_device_sign_in();
  REQUIRE(flow);
  std::vector<std::int64_t> sleeps;
  auto done = h.cl.wait_for_device_sign_in(*flow, [&](std::int64_t s) {
    sleeps.push_back(s);
    h.clock.t->fetch_add(s);
    return sleeps.size() < 20;  // the user gives up
  });
  REQUIRE_FALSE(done);
  CHECK(done.error().code == errc::user_cancelled);
  REQUIRE(sleeps.size() == 20);
  CHECK(sleeps.back() == 60);  // 5 + 5 per slow_down, capped at client_options::device_max_interval
  CHECK(h.provider.count("/oidc/token") == 19);
}

TEST_CASE("a refused write of the rotated refresh token is an error naming the key, and is retried", "[client]") {
  fake_provider provider;
  refusing_storage storage;
  test_clock clock;
  clock.t->store(jose_test::fixtures().T + 10);
  client<fake_provider, refusing_storage, test_clock> cl(test_config(), provider, storage, {}, clock);
  storage.inner.set("idToken", jose_test::token("valid.ES384"));
  storage.inner.set("refreshToken", "RT1");
  int n = 0;
  provider.on_token = [&n](const http_request&) {
    ++n;
    return json_response(200, R"({"access_token":"AT-)" + std::to_string(n) + R"(","refresh_token":"RT)" +
                                  std::to_string(n + 1) + R"(","scope":"","expires_in":3600})");
  };
  storage.failing = {"refreshToken"};
  auto at = cl.get_access_token();
  REQUIRE_FALSE(at);  // no access token while its refresh token is lost
  CHECK(at.error().code == errc::storage_write_failed);
  CHECK(at.error().detail == "refreshToken");
  CHECK(cl.get_refresh_token() == std::optional<std::string>("RT2"));
  storage.failing.clear();
  auto later = cl.get_access_token();
  REQUIRE_OK(later);
  CHECK(*later == "AT-2");
  CHECK(provider.to("/oidc/token").back().body.find("refresh_token=RT2&") != std::string::npos);
  CHECK(stored(storage.inner, "refreshToken") == "RT3");
}

TEST_CASE("two clients on one storage: the token map is merged, not overwritten", "[client]") {
  config c = test_config();
  c.resources.push_back("https://api2.example.com");
  memory_storage shared;
  shared.set("idToken", jose_test::token("valid.ES384"));
  shared.set("refreshToken", "RT1");
  const std::int64_t later = jose_test::fixtures().T + 7200;
  shared.set("accessToken", R"({"@":{"token":"DEFAULT","scope":"","expiresAt":)" + std::to_string(later) + "}}");
  fake_provider provider;
  int n = 0;
  provider.on_token = [&n](const http_request&) {
    ++n;
    return json_response(200, R"({"access_token":"AT-)" + std::to_string(n) + R"(","refresh_token":"RT)" +
                                  std::to_string(n + 1) + R"(","scope":"","expires_in":3600})");
  };
  test_clock clock;
  clock.t->store(jose_test::fixtures().T + 10);
  test_client a(c, provider, shared, {}, clock);
  test_client b(c, provider, shared, {}, clock);
  REQUIRE(*b.get_access_token() == "DEFAULT");  // b has read the map
  REQUIRE(*a.get_access_token("https://api.example.com") == "AT-1");
  REQUIRE(*b.get_access_token("https://api2.example.com") == "AT-2");
  auto map = oidc::parse_access_token_map(*shared.get("accessToken"));
  REQUIRE_OK(map);
  CHECK(map->find("@") != nullptr);
  CHECK(map->find("@https://api.example.com") != nullptr);  // a's entry survived b's write
  CHECK(map->find("@https://api2.example.com") != nullptr);
  CHECK(*b.get_access_token("https://api.example.com") == "AT-1");  // and b uses it
  CHECK(n == 2);
}

#if LOGTO_TEST_THREADS
TEST_CASE("two clients on one storage, in two threads, never refresh with the same token", "[client][threads]") {
  memory_storage shared;
  shared.set("idToken", jose_test::token("valid.ES384"));
  shared.set("refreshToken", "RT1");
  fake_provider provider;
  provider.token_delay = std::chrono::milliseconds(100);
  std::mutex m;
  int current = 1;
  int reused = 0;
  provider.on_token = [&](const http_request& req) {
    std::lock_guard<std::mutex> lock(m);
    if (req.body.find("refresh_token=RT" + std::to_string(current) + "&") == std::string::npos) {
      ++reused;
      return json_response(400, R"({"error":"invalid_grant","error_description":"refresh token reused"})");
    }
    ++current;
    return json_response(200, R"({"access_token":"AT","refresh_token":"RT)" + std::to_string(current) +
                                  R"(","scope":"","expires_in":3600})");
  };
  test_clock clock;
  clock.t->store(jose_test::fixtures().T + 10);
  test_client a(test_config(), provider, shared, {}, clock);
  test_client b(test_config(), provider, shared, {}, clock);
  std::string got_a, got_b;
  std::thread ta([&] {
    auto r = a.get_access_token("https://api.example.com");
    got_a = r ? *r : r.error().message;
  });
  std::thread tb([&] {
    auto r = b.get_access_token("https://api.example.com");
    got_b = r ? *r : r.error().message;
  });
  ta.join();
  tb.join();
  CHECK(reused == 0);
  CHECK(got_a == "AT");
  CHECK(got_b == "AT");
  CHECK(current == 2);  // one refresh: the second client found the token the first one stored
}
#endif  // LOGTO_TEST_THREADS

TEST_CASE("every sign-in sends a fresh nonce, kept in signInSession, required in the ID token (OIDC Core 3.1.2.1)",
          "[client][nonce]") {
  harness h;
  auto url = h.start_sign_in();
  REQUIRE(url);
  CHECK(h.nonce.size() == 86);  // 64 random bytes, base64url, like state
  CHECK(h.nonce != h.state);
  // Appended last, so the rest of the URI is @logto/js's.
  CHECK(url->size() > h.nonce.size());
  CHECK(url->substr(url->size() - h.nonce.size() - 7) == "&nonce=" + h.nonce);
  auto session = json::parse(stored(h.storage, "signInSession"));
  REQUIRE(session);
  CHECK(*json::get_string(*json::as_object(*session), "nonce") == h.nonce);
  const std::string first = h.nonce;
  REQUIRE(h.start_sign_in());
  CHECK(h.nonce != first);
  // The provider echoes it: signed in, and the session (with its nonce) is gone.
  h.provider.on_token = [&h](const http_request&) { return json_response(200, h.token_body()); };
  REQUIRE_OK(h.callback());
  CHECK_FALSE(h.storage.get("signInSession"));
  // The previous sign-in's nonce is not accepted for a new one either.
  REQUIRE(h.start_sign_in());
  h.provider.on_token = [&h, first](const http_request&) {
    return json_response(200, harness::token_body_with("AT", "RT", h.issue_id_token(first, "AT")));
  };
  auto r = h.callback();
  REQUIRE_FALSE(r);
  CHECK(r.error().detail == "nonce");
}

TEST_CASE("a signInSession written by @logto/client (no nonce) still completes, with no nonce required",
          "[client][nonce]") {
  harness h;
  h.storage.set("signInSession",
                R"({"redirectUri":"com.example.app://callback","codeVerifier":"v-from-js","state":"s-from-js"})");
  h.provider.on_token = [&h](const http_request&) {
    return json_response(200, harness::token_body_with("AT", "RT", h.issue_id_token("", "AT")));
  };
  REQUIRE_OK(h.cl.handle_sign_in_callback("com.example.app://callback?code=c&state=s-from-js"));
  CHECK(stored(h.storage, "idToken") == h.id_token);
}

TEST_CASE("client_options::trusted_audiences admits extra ID-token audiences; azp rules stay", "[client][aud]") {
  client_options o;
  o.trusted_audiences = {"https://api.example.com"};
  harness h(test_config(), o);
  REQUIRE_OK(h.sign_in_with([&h] {
    return harness::token_body_with(
        "AT", "RT",
        h.issue_id_token(h.nonce, "AT", R"(,"azp":"client-123")", R"(["client-123","https://api.example.com"])"));
  }));
  // Trusted, but without azp: OIDC Core 3.1.3.7 step 4 still applies.
  auto r = h.sign_in_with([&h] {
    return harness::token_body_with("AT", "RT",
                                    h.issue_id_token(h.nonce, "AT", {}, R"(["client-123","https://api.example.com"])"));
  });
  REQUIRE_FALSE(r);
  CHECK(r.error().detail == "azp");
}

TEST_CASE("discovery's id_token_signing_alg_values_supported narrows the ID-token algorithms", "[client][alg]") {
  const std::string doc = discovery_json();
  const auto with_algs = [&doc](const std::string& list) {
    return doc.substr(0, doc.size() - 1) + R"(,"id_token_signing_alg_values_supported":)" + list + "}";
  };
  SECTION("the provider signs with ES256 and says so: accepted") {
    harness h;
    h.provider.discovery = with_algs(R"(["ES256"])");
    REQUIRE_OK(h.sign_in());
  }
  SECTION("an ES256 token from a provider that announces only RS256: refused") {
    harness h;
    h.provider.discovery = with_algs(R"(["RS256"])");
    auto r = h.sign_in();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::jwt_unsupported_algorithm);
    CHECK_FALSE(h.storage.get("idToken"));
  }
  SECTION("nothing in common with the app's list: an error naming both") {
    client_options o;
    o.id_token_algorithms = jose::algorithm_set{jose::algorithm::es384};
    harness h(test_config(), o);
    h.provider.discovery = with_algs(R"(["none","HS256","ES256"])");
    auto r = h.sign_in();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::jwt_unsupported_algorithm);
    CHECK(r.error().message.find("none, HS256, ES256") != std::string::npos);
    CHECK(r.error().message.find("ES384") != std::string::npos);
  }
}

TEST_CASE("device sign-in: no nonce is asked for; an at_hash for another access token is refused",
          "[client][device][at_hash]") {
  harness h;
  h.provider.on_device = [](const http_request& req) {
    CHECK(req.body.find("nonce") == std::string::npos);
    return json_response(200, R"({"device_code":"DC","user_code":"U","verification_uri":"https://x/device",
      "expires_in":600,"interval":5})");
  };
  h.provider.on_token = [&h](const http_request&) {
    return json_response(200, harness::token_body_with("DEV-AT", "DEV-RT", h.issue_id_token("", "DEV-AT-other")));
  };
  auto flow = h.cl.start_device_sign_in();
  REQUIRE(flow);
  auto done = h.cl.wait_for_device_sign_in(*flow, [&](std::int64_t s) { h.clock.t->fetch_add(s); });
  REQUIRE_FALSE(done);
  CHECK(done.error().detail == "at_hash");
  CHECK_FALSE(h.storage.get("idToken"));
  CHECK_FALSE(h.storage.get("refreshToken"));
}

TEST_CASE("cancel_sign_in: user_cancelled, and a late redirect cannot complete that sign-in", "[client]") {
  harness h;
  auto url = h.cl.sign_in("com.example.app://callback");
  REQUIRE(url);
  const std::string state = *find_param(*parse_query(parse_url(*url)->query), "state");
  const error cancelled = h.cl.cancel_sign_in();
  CHECK(cancelled.code == errc::user_cancelled);
  CHECK(to_string(cancelled.code) == "user_cancelled");  // @logto/client's LogtoClientError code
  CHECK(stored(h.storage, "signInSession") == "<absent>");
  auto late = h.cl.handle_sign_in_callback("com.example.app://callback?code=the-code&state=" + form_encode(state));
  REQUIRE_FALSE(late);
  CHECK(late.error().code == errc::sign_in_session_not_found);
  CHECK(h.provider.count("/oidc/token") == 0);
  CHECK_FALSE(h.cl.is_authenticated());
}

TEST_CASE("every lock the client takes is released, on success and on error paths", "[client][sync]") {
  auto& c = logto_test::counts();
  const auto balanced = [&c](const char* step) {
    INFO(step << ": " << c.locks << " locks, " << c.unlocks << " unlocks, " << c.misuses << " misuses");
    CHECK(c.locks > 0);  // the step did lock
    CHECK(c.locks == c.unlocks);
    CHECK(c.misuses == 0);
    c = logto_test::mutex_counts{};
  };
  c = logto_test::mutex_counts{};
  {
    basic_harness<logto_test::counting_mutex> h;
    REQUIRE_OK(h.sign_in());
    balanced("sign-in and callback");
    CHECK(h.cl.is_authenticated());
    CHECK(h.cl.get_id_token_claims());
    balanced("reading the stored session");
    CHECK(*h.cl.get_access_token() == "AT1");
    balanced("a cached access token");
    h.provider.on_token = [](const http_request&) {
      return json_response(200, R"({"access_token":"AT2","refresh_token":"RT2","scope":"","expires_in":3600})");
    };
    CHECK(*h.cl.get_access_token("https://api.example.com") == "AT2");
    balanced("a refresh");
    CHECK_FALSE(h.cl.get_access_token("https://not-configured.example.com"));  // refused before any lock
    h.provider.on_token = [](const http_request&) { return json_response(400, R"({"error":"invalid_grant"})"); };
    h.cl.clear_access_token();
    CHECK(h.cl.get_access_token().error().code == errc::session_expired);
    balanced("a refresh that fails");
    h.provider.on_userinfo = [](const http_request&) { return json_response(401, R"({"error":"invalid_token"})"); };
    CHECK_FALSE(h.cl.fetch_user_info());
    balanced("userinfo without a token");
    CHECK(h.cl.handle_sign_in_callback("com.example.app://callback?code=x&state=y").error().code ==
          errc::sign_in_session_not_found);
    balanced("a callback without a session");
    h.provider.on_device = [](const http_request&) {
      return json_response(200, R"({"device_code":"DC","user_code":"U","verification_uri":"https://x/device",
        "expires_in":600,"interval":5})");
    };
    h.provider.on_token = [](const http_request&) { return json_response(400, R"({"error":"access_denied"})"); };
    auto flow = h.cl.start_device_sign_in();
    REQUIRE(flow);
    CHECK(h.cl.wait_for_device_sign_in(*flow, [&h](std::int64_t s) { h.clock.t->fetch_add(s); }).error().code ==
          errc::access_denied);
    balanced("a denied device sign-in");
    CHECK(h.cl.sign_in("com.example.app://callback"));
    CHECK(h.cl.cancel_sign_in().code == errc::user_cancelled);
    balanced("a cancelled sign-in");
    CHECK(h.cl.sign_out("com.example.app://signed-out"));
    balanced("sign-out");
  }
  CHECK(c.misuses == 0);  // and none was destroyed while locked
}
