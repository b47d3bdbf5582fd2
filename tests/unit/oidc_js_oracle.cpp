// Differential test against the official SDK: tests/data/oidc/js_oracle.json holds inputs and the outputs of
// @logto/js 6.1.2 / @logto/client 3.1.9 (generateSignInUri, normalizeLogtoConfig, the token / refresh /
// revocation bodies, generateSignOutUri, buildAccessTokenKey) for pseudo-random values covering every byte
// class of the form encoding. Regenerate with tests/interop/oidc/capture.mjs (see its README).
#include <logto/oidc/config.hpp>
#include <logto/oidc/session.hpp>
#include <logto/oidc/sign_in.hpp>
#include <logto/oidc/sign_out.hpp>
#include <logto/oidc/token.hpp>

#include <fstream>
#include <sstream>

#include "catch2_compat.hpp"
#include "js_oracle_sign_in.hpp"

using namespace logto;

namespace {
json::value load_oracle() {
  std::ifstream in(std::string(LOGTO_TEST_DATA_DIR) + "/oidc/js_oracle.json", std::ios::binary);
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  auto v = json::parse(text.str());
  REQUIRE(v);
  REQUIRE(v->is<json::object>());
  return *v;
}

const json::object& obj(const json::value& v) {
  REQUIRE(v.is<json::object>());
  return v.get<json::object>();
}
const json::array& arr(const json::object& o, const char* key) {
  const json::value* v = json::find(o, key);
  REQUIRE(v != nullptr);
  REQUIRE(v->is<json::array>());
  return v->get<json::array>();
}
// A string member; "" when absent (JS `undefined`).
std::string str(const json::object& o, const char* key) {
  const json::value* v = json::find(o, key);
  if (v == nullptr) return std::string();
  REQUIRE(v->is<std::string>());
  return v->get<std::string>();
}
std::vector<std::string> strings(const json::object& o, const char* key) {
  std::vector<std::string> out;
  const json::value* v = json::find(o, key);
  if (v == nullptr) return out;
  REQUIRE(v->is<json::array>());
  for (const auto& e : v->get<json::array>()) {
    REQUIRE(e.is<std::string>());
    out.push_back(e.get<std::string>());
  }
  return out;
}
bool flag(const json::object& o, const char* key) {
  const json::value* v = json::find(o, key);
  REQUIRE(v != nullptr);
  REQUIRE(v->is<bool>());
  return v->get<bool>();
}
}  // namespace

TEST_CASE("@logto/js generateSignInUri oracle: byte-identical URIs", "[oidc][sign_in][oracle]") {
  const json::value oracle = load_oracle();
  const auto& cases = arr(obj(oracle), "signIn");
  REQUIRE(cases.size() >= 40);
  for (const auto& c : cases) {
    oidc::sign_in_uri_params p = js_oracle::sign_in_params(obj(*json::find(obj(c), "input")));
    auto uri = oidc::build_sign_in_uri(p);
    REQUIRE(uri);
    CHECK(*uri == str(obj(c), "uri"));
    // @logto/js sends no nonce; logto::client does. With one, the URI is exactly @logto/js's plus
    // "&nonce=<value>" at the end, so everything the oracle checks above still holds for the client's URIs.
    p.nonce = "n 0S6~/=";
    bool js_has_nonce = false;
    for (const auto& kv : p.extra_params) js_has_nonce = js_has_nonce || kv.first == "nonce";
    auto with_nonce = oidc::build_sign_in_uri(p);
    if (js_has_nonce) {
      REQUIRE_FALSE(with_nonce);  // two nonces: refused
      CHECK(with_nonce.error().detail == "nonce");
    } else {
      REQUIRE(with_nonce);
      CHECK(*with_nonce == str(obj(c), "uri") + "&nonce=n+0S6%7E%2F%3D");
    }
  }
}

TEST_CASE("@logto/client normalizeLogtoConfig oracle", "[oidc][config][oracle]") {
  const json::value oracle = load_oracle();
  for (const auto& c : arr(obj(oracle), "normalize")) {
    const auto& in = obj(*json::find(obj(c), "input"));
    config cfg;
    cfg.endpoint = str(in, "endpoint");
    cfg.app_id = str(in, "appId");
    cfg.scopes = strings(in, "scopes");
    cfg.resources = strings(in, "resources");
    cfg.include_reserved_scopes = flag(in, "includeReservedScopes");
    auto n = normalize(cfg);
    REQUIRE(n);
    CHECK(n->scopes == strings(obj(c), "scopes"));
    CHECK(n->resources == strings(obj(c), "resources"));
  }
}

TEST_CASE("@logto/js token, refresh, revocation bodies and sign-out URI oracle", "[oidc][token][oracle]") {
  const json::value oracle = load_oracle();
  const oidc::client_auth client{"my-app", ""};
  for (const auto& c : arr(obj(oracle), "requests")) {
    const auto& o = obj(c);
    const auto& code = obj(*json::find(o, "code"));
    oidc::authorization_code_grant g{str(code, "code"), str(code, "codeVerifier"), str(code, "redirectUri"),
                                     str(code, "resource")};
    auto code_req = oidc::build_authorization_code_request(client, str(code, "tokenEndpoint"), g);
    REQUIRE(code_req);
    CHECK(code_req->body == str(o, "codeBody"));

    const auto& refresh = obj(*json::find(o, "refresh"));
    oidc::refresh_token_grant r;
    r.refresh_token = str(refresh, "refreshToken");
    r.resource = str(refresh, "resource");
    r.organization_id = str(refresh, "organizationId");
    r.scopes = strings(refresh, "scopes");
    auto refresh_req = oidc::build_refresh_token_request(client, str(refresh, "tokenEndpoint"), r);
    REQUIRE(refresh_req);
    CHECK(refresh_req->body == str(o, "refreshBody"));

    auto revoke =
        oidc::build_revocation_request(client, "https://foo.logto.app/oidc/token/revocation", str(o, "revokeToken"));
    REQUIRE(revoke);
    CHECK(revoke->body == str(o, "revokeBody"));

    auto sign_out =
        oidc::build_end_session_uri("https://foo.logto.app/oidc/session/end", "my-app", str(o, "postLogout"));
    REQUIRE(sign_out);
    CHECK(*sign_out == str(o, "signOutUri"));
  }
}

TEST_CASE("@logto/client buildAccessTokenKey oracle", "[oidc][session][oracle]") {
  const json::value oracle = load_oracle();
  for (const auto& c : arr(obj(oracle), "keys")) {
    const auto& o = obj(c);
    CHECK(oidc::build_access_token_key(str(o, "resource"), str(o, "organizationId"), strings(o, "scopes")) ==
          str(o, "key"));
  }
}
