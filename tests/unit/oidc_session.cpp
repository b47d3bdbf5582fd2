// Storage formats of @logto/client: access-token keys (utils/index.test.ts), the `accessToken` map
// (saveAccessTokenMap / loadAccessTokenMap / isLogtoAccessTokenMap) and the `signInSession` item
// (index.sign-in.test.ts), byte-identical to JSON.stringify.
#include <logto/oidc/session.hpp>

#include "catch2_compat.hpp"

using namespace logto;

TEST_CASE("@logto/client buildAccessTokenKey", "[oidc][session]") {
  CHECK(oidc::build_access_token_key("resource", {}, {"scope1", "scope2"}) == "scope1 scope2@resource");
  CHECK(oidc::build_access_token_key("resource", "organization", {"scope1", "scope2"}) ==
        "scope1 scope2@resource#organization");
  CHECK(oidc::build_access_token_key({}, "organization") == "@#organization");
  // Keys the client actually uses (it never passes scopes).
  CHECK(oidc::build_access_token_key() == "@");
  CHECK(oidc::build_access_token_key("https://api.example.com") == "@https://api.example.com");
  CHECK(oidc::build_access_token_key({}, "org_1") == "@#org_1");
  CHECK(oidc::build_access_token_key("https://api", "org_1") == "@https://api#org_1");
  // Scopes are sorted (output of @logto/client 3.1.9: buildAccessTokenKey('resource', undefined, ['scope2','scope1'])).
  CHECK(oidc::build_access_token_key("resource", {}, {"scope2", "scope1"}) == "scope1 scope2@resource");
}

TEST_CASE("accessToken map: serialized exactly as JSON.stringify(Object.fromEntries(map))", "[oidc][session]") {
  oidc::access_token_map m;
  m.set("@", {"AT1", "openid offline_access profile", 1795350026});
  m.set("@https://api.example.com", {"AT2", "read", 1795350027});
  m.set("@#org_1", {"AT3", "", 1795350028});
  CHECK(oidc::serialize_access_token_map(m) ==
        R"({"@":{"token":"AT1","scope":"openid offline_access profile","expiresAt":1795350026},)"
        R"("@https://api.example.com":{"token":"AT2","scope":"read","expiresAt":1795350027},)"
        R"("@#org_1":{"token":"AT3","scope":"","expiresAt":1795350028}})");
  CHECK(oidc::serialize_access_token_map({}) == "{}");

  // JSON.stringify escaping and number forms.
  oidc::access_token_map odd;
  odd.set("s\"c@r\\", {"t\n\x01", "\xE6\xB5\x8B", 1.5});
  CHECK(oidc::serialize_access_token_map(odd) == R"({"s\"c@r\\":{"token":"t\n\u0001","scope":"测","expiresAt":1.5}})");
}

TEST_CASE("accessToken map: JavaScript Map ordering on set, re-set and delete", "[oidc][session]") {
  oidc::access_token_map m;
  m.set("@a", {"1", "", 1});
  m.set("@b", {"2", "", 2});
  m.set("@a", {"3", "", 3});  // replacing keeps the place
  REQUIRE(m.size() == 2);
  CHECK(m.entries()[0].first == "@a");
  CHECK(m.find("@a")->token == "3");
  CHECK(m.erase("@a"));
  CHECK_FALSE(m.erase("@a"));
  m.set("@a", {"4", "", 4});  // deleted then set: goes to the end
  CHECK(m.entries()[0].first == "@b");
  CHECK(m.entries()[1].first == "@a");
  CHECK(m.find("@missing") == nullptr);
  m.clear();
  CHECK(m.empty());
}

TEST_CASE("accessToken map: round trip keeps document order and bytes", "[oidc][session]") {
  const std::string stored =
      R"({"@z":{"token":"AT1","scope":"a b","expiresAt":1795350026},"@a":{"token":"AT2","scope":"","expiresAt":17}})";
  auto m = oidc::parse_access_token_map(stored);
  REQUIRE(m);
  REQUIRE(m->size() == 2);
  CHECK(m->entries()[0].first == "@z");  // document order, not sorted
  CHECK(m->find("@z")->token == "AT1");
  CHECK(m->find("@z")->scope == "a b");
  CHECK(m->find("@z")->expires_at == 1795350026.0);
  CHECK(oidc::serialize_access_token_map(*m) == stored);
  auto empty = oidc::parse_access_token_map("{}");
  REQUIRE(empty);
  CHECK(empty->empty());
}

TEST_CASE("accessToken map: any malformed entry rejects the whole map (isLogtoAccessTokenMap)", "[oidc][session]") {
  const char* bad[] = {
      "token1",  // @logto/client index.test: an invalid persisted map
      "",
      "null",
      "[]",
      R"("str")",
      R"({"@":{"token":"AT","scope":"s"}})",
      R"({"@":{"token":"AT","expiresAt":1}})",
      R"({"@":{"scope":"s","expiresAt":1}})",
      R"({"@":{"token":1,"scope":"s","expiresAt":1}})",
      R"({"@":{"token":"AT","scope":null,"expiresAt":1}})",
      R"({"@":{"token":"AT","scope":"s","expiresAt":"1"}})",
      R"({"@":{"token":"AT","scope":"s","expiresAt":1},"@x":"oops"})",
      R"({"@":{"token":"AT","scope":"s","expiresAt":1},"@":{"token":"AT","scope":"s","expiresAt":2}})",
      R"({"@":{"token":"AT","scope":"s","expiresAt":1e999}})",
      R"({"@":{"token":"AT","scope":"s","expiresAt":1})",
  };
  for (const char* text : bad) {
    auto m = oidc::parse_access_token_map(text);
    INFO(text);
    REQUIRE_FALSE(m);
    CHECK(m.error().code == errc::invalid_json);
    CHECK_FALSE(m.error().message.empty());
    CHECK(m.error().message.find("AT") == std::string::npos);  // token values never quoted
  }
}

TEST_CASE("signInSession: JSON.stringify key order, postRedirectUri omitted when absent", "[oidc][session]") {
  oidc::sign_in_session s;
  s.redirect_uri = "io.logto.example://callback";
  s.code_verifier = "VERIFIER_abc";
  s.state = "STATE_xyz";
  CHECK(oidc::serialize_sign_in_session(s) ==
        R"({"redirectUri":"io.logto.example://callback","codeVerifier":"VERIFIER_abc","state":"STATE_xyz"})");
  s.post_redirect_uri = "/post-redirect-uri";
  const std::string with_post = oidc::serialize_sign_in_session(s);
  CHECK(with_post == R"({"redirectUri":"io.logto.example://callback","postRedirectUri":"/post-redirect-uri",)"
                     R"("codeVerifier":"VERIFIER_abc","state":"STATE_xyz"})");
  CHECK(oidc::storage_keys::sign_in_session == "signInSession");
  CHECK(oidc::storage_keys::access_token == "accessToken");
  CHECK(oidc::storage_keys::id_token == "idToken");
  CHECK(oidc::storage_keys::refresh_token == "refreshToken");

  // Round trip (index.sign-in.test: session round-trip).
  auto back = oidc::parse_sign_in_session(with_post);
  REQUIRE(back);
  CHECK(back->redirect_uri == s.redirect_uri);
  CHECK(*back->post_redirect_uri == "/post-redirect-uri");
  CHECK(back->code_verifier == "VERIFIER_abc");
  CHECK(back->state == "STATE_xyz");
  CHECK(oidc::serialize_sign_in_session(*back) == with_post);
}

TEST_CASE("signInSession: invalid items -> sign_in_session.invalid", "[oidc][session]") {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"redirectUri":"r","codeVerifier":"VERIFIER_abc"})", "state"},  // index.sign-in.test: missing state
      {R"({"codeVerifier":"v","state":"s"})", "redirectUri"},
      {R"({"redirectUri":"r","state":"s"})", "codeVerifier"},
      {R"({"redirectUri":1,"codeVerifier":"v","state":"s"})", "redirectUri"},
      {R"({"redirectUri":"r","codeVerifier":"v","state":null})", "state"},
      {R"({"redirectUri":"r","postRedirectUri":5,"codeVerifier":"v","state":"s"})", "postRedirectUri"},
  };
  for (const auto& c : cases) {
    auto s = oidc::parse_sign_in_session(c.first);
    INFO(c.first);
    REQUIRE_FALSE(s);
    CHECK(s.error().code == errc::sign_in_session_invalid);
    CHECK(s.error().detail == c.second);
    CHECK(s.error().message.find("VERIFIER_abc") == std::string::npos);
  }
  for (const char* text : {"", "{", "null", "[]", "\"x\"", R"({"redirectUri":"r","redirectUri":"r"})"}) {
    auto s = oidc::parse_sign_in_session(text);
    INFO(text);
    REQUIRE_FALSE(s);
    CHECK(s.error().code == errc::sign_in_session_invalid);
    CHECK_FALSE(s.error().message.empty());
  }
  auto null_post =
      oidc::parse_sign_in_session(R"({"redirectUri":"r","postRedirectUri":null,"codeVerifier":"v","state":"s"})");
  REQUIRE(null_post);
  CHECK_FALSE(null_post->post_redirect_uri);
  CHECK(to_string(errc::sign_in_session_invalid) == "sign_in_session.invalid");
}

TEST_CASE("signInSession: the nonce (not in @logto/client) is an extra last member; JS sessions have none",
          "[oidc][session][nonce]") {
  oidc::sign_in_session s;
  s.redirect_uri = "io.logto.example://callback";
  s.code_verifier = "VERIFIER_abc";
  s.state = "STATE_xyz";
  s.nonce = "NONCE_123";
  const std::string text = oidc::serialize_sign_in_session(s);
  CHECK(text == R"({"redirectUri":"io.logto.example://callback","codeVerifier":"VERIFIER_abc","state":"STATE_xyz",)"
                R"("nonce":"NONCE_123"})");
  auto back = oidc::parse_sign_in_session(text);
  REQUIRE(back);
  CHECK(*back->nonce == "NONCE_123");
  // Written by @logto/client: no nonce member (or null): parsed, with no nonce to require.
  auto js = oidc::parse_sign_in_session(R"({"redirectUri":"r","codeVerifier":"v","state":"s"})");
  REQUIRE(js);
  CHECK_FALSE(js->nonce);
  auto null_nonce = oidc::parse_sign_in_session(R"({"redirectUri":"r","codeVerifier":"v","state":"s","nonce":null})");
  REQUIRE(null_nonce);
  CHECK_FALSE(null_nonce->nonce);
  auto bad = oidc::parse_sign_in_session(R"({"redirectUri":"r","codeVerifier":"v","state":"s","nonce":7})");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == errc::sign_in_session_invalid);
  CHECK(bad.error().detail == "nonce");
}
