// Token-endpoint requests (@logto/js core/fetch-token.test.ts, revoke.test.ts, user-info.test.ts, the real
// bodies of the reference section 7), confidential-client Basic auth (@logto/node), the requester's error
// mapping (@logto/client utils/requester.test.ts) and token-response parsing.
#include <logto/oidc/token.hpp>
#include <logto/oidc/user_info.hpp>

#include "catch2_compat.hpp"

using namespace logto;

namespace {
const oidc::client_auth public_client{"my-app", ""};

const std::string* header(const http_request& req, std::string_view name) {
  return http_find_header(req.headers, name);
}

http_response respond(int status, std::string body) {
  http_response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

void check_form_post(const http_request& req, const char* url) {
  CHECK(req.method == "POST");
  CHECK(req.url == url);
  const std::string* ct = header(req, "content-type");
  REQUIRE(ct != nullptr);
  CHECK(*ct == "application/x-www-form-urlencoded");
}
}  // namespace

TEST_CASE("@logto/js fetchTokenByAuthorizationCode: the real body", "[oidc][token]") {
  oidc::authorization_code_grant g;
  g.code = "CODE1";
  g.code_verifier = "VERIFIER_abc";
  g.redirect_uri = "http://localhost:3000/callback";
  auto req = oidc::build_authorization_code_request(public_client, "https://foo.logto.app/oidc/token", g);
  REQUIRE(req);
  check_form_post(*req, "https://foo.logto.app/oidc/token");
  CHECK(req->body ==
        "client_id=my-app&code=CODE1&code_verifier=VERIFIER_abc&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback"
        "&grant_type=authorization_code");
  CHECK(header(*req, "Authorization") == nullptr);  // public client: no secret, no header

  g.resource = "https://api.example.com";  // fetch-token.test: optional resource goes last
  auto with_resource = oidc::build_authorization_code_request(public_client, "https://foo.logto.app/oidc/token", g);
  REQUIRE(with_resource);
  CHECK(with_resource->body.size() > req->body.size());
  CHECK(with_resource->body.substr(req->body.size()) == "&resource=https%3A%2F%2Fapi.example.com");
}

TEST_CASE("@logto/js fetchTokenByRefreshToken: the real bodies", "[oidc][token]") {
  const char* token_endpoint = "https://foo.logto.app/oidc/token";
  oidc::refresh_token_grant g;
  g.refresh_token = "RT1";
  g.resource = "https://api.example.com";
  auto r1 = oidc::build_refresh_token_request(public_client, token_endpoint, g);
  REQUIRE(r1);
  check_form_post(*r1, token_endpoint);
  CHECK(r1->body ==
        "client_id=my-app&refresh_token=RT1&grant_type=refresh_token&resource=https%3A%2F%2Fapi.example.com");

  oidc::refresh_token_grant org;
  org.refresh_token = "RT2";
  org.organization_id = "org_1";
  auto r2 = oidc::build_refresh_token_request(public_client, token_endpoint, org);
  REQUIRE(r2);
  CHECK(r2->body == "client_id=my-app&refresh_token=RT2&grant_type=refresh_token&organization_id=org_1");

  oidc::refresh_token_grant plain;
  plain.refresh_token = "refresh_token_value";
  auto r3 = oidc::build_refresh_token_request({"app_id_value", ""}, token_endpoint, plain);
  REQUIRE(r3);
  CHECK(r3->body == "client_id=app_id_value&refresh_token=refresh_token_value&grant_type=refresh_token");

  // fetch-token.test: resource and scopes -> scope joined with spaces, last.
  oidc::refresh_token_grant all;
  all.refresh_token = "rt";
  all.resource = "api";
  all.organization_id = "o";
  all.scopes = {"read", "register", "manage"};
  auto r4 = oidc::build_refresh_token_request(public_client, token_endpoint, all);
  REQUIRE(r4);
  CHECK(r4->body ==
        "client_id=my-app&refresh_token=rt&grant_type=refresh_token&resource=api&organization_id=o&scope=read+register+"
        "manage");
}

TEST_CASE("@logto/js revoke: POST client_id and token", "[oidc][token]") {
  auto req = oidc::build_revocation_request(public_client, "https://foo.logto.app/oidc/token/revocation", "RT1");
  REQUIRE(req);
  check_form_post(*req, "https://foo.logto.app/oidc/token/revocation");
  CHECK(req->body == "client_id=my-app&token=RT1");
  CHECK(oidc::parse_revocation_response(respond(200, "")));
  CHECK(oidc::parse_revocation_response(respond(204, "not json")));
  auto failed = oidc::parse_revocation_response(respond(400, R"({"error":"invalid_request"})"));
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code == errc::oauth_error);
}

TEST_CASE("@logto/node confidential client: Basic base64(app_id:app_secret), not form-encoded, client_id still in body",
          "[oidc][token]") {
  const oidc::client_auth confidential{"my-app", "p@ss w%rd+\xC3\xA9:x"};
  oidc::refresh_token_grant g;
  g.refresh_token = "RT1";
  auto req = oidc::build_refresh_token_request(confidential, "https://foo.logto.app/oidc/token", g);
  REQUIRE(req);
  const std::string* auth = header(*req, "Authorization");
  REQUIRE(auth != nullptr);
  // base64 of the raw UTF-8 bytes "my-app:p@ss w%rd+é:x" (python3 base64.b64encode).
  CHECK(*auth == "Basic bXktYXBwOnBAc3MgdyVyZCvDqTp4");
  CHECK(*auth == "Basic " + base64_encode("my-app:p@ss w%rd+\xC3\xA9:x"));
  CHECK(req->body.rfind("client_id=my-app&", 0) == 0);

  oidc::authorization_code_grant code{"c", "v", "https://a/cb", ""};
  auto code_req = oidc::build_authorization_code_request(confidential, "https://foo.logto.app/oidc/token", code);
  REQUIRE(code_req);
  CHECK(header(*code_req, "Authorization") != nullptr);
  auto revoke = oidc::build_revocation_request(confidential, "https://foo.logto.app/oidc/token/revocation", "t");
  REQUIRE(revoke);
  CHECK(header(*revoke, "Authorization") != nullptr);

  // An app ID with ':' cannot be carried by Basic (RFC 7617 2).
  auto colon = oidc::build_revocation_request({"a:b", "s"}, "https://foo.logto.app/oidc/token/revocation", "t");
  REQUIRE_FALSE(colon);
  CHECK(colon.error().code == errc::invalid_argument);
  CHECK(colon.error().message.find("p@ss") == std::string::npos);
}

TEST_CASE("userinfo: GET with Bearer only (Bearer wins over Basic in @logto/node)", "[oidc][token]") {
  auto req = oidc::build_user_info_request("https://foo.logto.app/oidc/me", "access_token_value");
  REQUIRE(req);
  CHECK(req->method == "GET");
  CHECK(req->url == "https://foo.logto.app/oidc/me");
  CHECK(req->body.empty());
  REQUIRE(req->headers.size() == 1);
  CHECK(req->headers[0].name == "Authorization");
  CHECK(req->headers[0].value == "Bearer access_token_value");

  auto empty = oidc::build_user_info_request("https://foo.logto.app/oidc/me", "");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code == errc::fetch_user_info_failed);
  const std::string_view bad_tokens[] = {"SECRETX\r\nX-Injected: 1", "SECRETX en", std::string_view("SECRETX\0en", 10),
                                         "SECRETX\xC3\xA9"};
  for (const auto bad : bad_tokens) {
    auto r = oidc::build_user_info_request("https://foo.logto.app/oidc/me", bad);
    INFO(std::string(bad));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::invalid_argument);
    CHECK(r.error().message.find("SECRETX") == std::string::npos);
  }
}

TEST_CASE("client credentials (M2M) and token exchange (RFC 8693) bodies", "[oidc][token]") {
  const oidc::client_auth m2m{"m2m-app", "secret"};
  oidc::client_credentials_grant cc;
  cc.resource = "https://api.example.com";
  cc.scopes = {"read:data", "write:data"};
  auto req = oidc::build_client_credentials_request(m2m, "https://foo.logto.app/oidc/token", cc);
  REQUIRE(req);
  check_form_post(*req, "https://foo.logto.app/oidc/token");
  CHECK(req->body ==
        "grant_type=client_credentials&resource=https%3A%2F%2Fapi.example.com&scope=read%3Adata+write%3Adata");
  CHECK(*header(*req, "Authorization") == "Basic " + base64_encode("m2m-app:secret"));
  auto no_secret = oidc::build_client_credentials_request(public_client, "https://foo.logto.app/oidc/token", cc);
  REQUIRE_FALSE(no_secret);
  CHECK(no_secret.error().code == errc::invalid_argument);

  oidc::token_exchange_grant tx;
  tx.subject_token = "SUBJECT";
  auto t1 = oidc::build_token_exchange_request(public_client, "https://foo.logto.app/oidc/token", tx);
  REQUIRE(t1);
  CHECK(t1->body ==
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token=SUBJECT"
        "&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token&client_id=my-app");
  CHECK(header(*t1, "Authorization") == nullptr);

  tx.subject_token_type = std::string(oidc::token_types::personal_access_token);
  tx.actor_token = "ACTOR";
  tx.actor_token_type = std::string(oidc::token_types::access_token);
  tx.resource = "https://api.example.com";
  tx.organization_id = "org_1";
  tx.scopes = {"a", "b"};
  auto t2 = oidc::build_token_exchange_request(m2m, "https://foo.logto.app/oidc/token", tx);
  REQUIRE(t2);
  CHECK(
      t2->body ==
      "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token=SUBJECT"
      "&subject_token_type=urn%3Alogto%3Atoken-type%3Apersonal_access_token&actor_token=ACTOR"
      "&actor_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token&resource=https%3A%2F%2Fapi.example.com"
      "&organization_id=org_1&scope=a+b&client_id=m2m-app");
  CHECK(header(*t2, "Authorization") != nullptr);

  oidc::token_exchange_grant no_actor_type;
  no_actor_type.subject_token = "S";
  no_actor_type.actor_token = "A";
  auto bad = oidc::build_token_exchange_request(public_client, "https://foo.logto.app/oidc/token", no_actor_type);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == errc::invalid_argument);
}

TEST_CASE("request builders reject bad endpoints and empty inputs", "[oidc][token]") {
  oidc::refresh_token_grant g;
  g.refresh_token = "rt";
  for (const char* endpoint : {"", "/oidc/token", "ftp://x/token", "https://x/token#f", "https://x/\r\n"}) {
    auto r = oidc::build_refresh_token_request(public_client, endpoint, g);
    INFO(endpoint);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::invalid_url);
    CHECK(r.error().message.find("token_endpoint") != std::string::npos);
  }
  auto no_id = oidc::build_refresh_token_request({"", ""}, "https://x/token", g);
  REQUIRE_FALSE(no_id);
  CHECK(no_id.error().code == errc::invalid_argument);
  auto no_rt = oidc::build_refresh_token_request(public_client, "https://x/token", {});
  REQUIRE_FALSE(no_rt);
  CHECK(no_rt.error().code == errc::invalid_argument);
  auto no_code = oidc::build_authorization_code_request(public_client, "https://x/token", {});
  REQUIRE_FALSE(no_code);
  CHECK(no_code.error().code == errc::invalid_argument);
  auto no_token = oidc::build_revocation_request(public_client, "https://x/revoke", "");
  REQUIRE_FALSE(no_token);
  CHECK(no_token.error().code == errc::invalid_argument);
}

TEST_CASE("@logto/client requester: ok -> JSON; {code,message} -> LogtoRequestError", "[oidc][token][requester]") {
  auto ok_obj = oidc::parse_json_object_response(respond(200, R"({"foo":"bar"})"), "response");
  REQUIRE(ok_obj);
  CHECK(*json::as_string(*json::find(*ok_obj, "foo")) == "bar");

  const error e =
      oidc::map_error_response(respond(400, R"({"code":"oidc.invalid_grant","message":"Grant is invalid"})"));
  CHECK(e.code == errc::request_error);
  CHECK(e.detail == "oidc.invalid_grant");
  CHECK(e.message == "Grant is invalid");

  // Extra fields (Logto's real body carries error, error_description, error_uri): still a request error.
  const error logto = oidc::map_error_response(respond(
      400, R"({"code":"oidc.invalid_grant","message":"Grant request is invalid.","error":"invalid_grant",)"
           R"("error_description":"grant request is invalid","error_uri":"https://openid.sh/debug/invalid_grant"})"));
  CHECK(logto.code == errc::request_error);
  CHECK(logto.detail == "oidc.invalid_grant");
  CHECK(oidc::oauth_error_name(logto) == "invalid_grant");
}

TEST_CASE("@logto/client requester: only code, only message, {} -> unexpected_response_error",
          "[oidc][token][requester]") {
  for (const char* body : {R"({"code":"some_code"})", R"({"message":"some message"})", "{}", "[1,2]", "\"text\"",
                           R"({"code":1,"message":"m"})", "null"}) {
    const error e = oidc::map_error_response(respond(400, body));
    INFO(body);
    CHECK(e.code == errc::unexpected_response_error);
    CHECK(e.message.find("HTTP 400") != std::string::npos);
    CHECK(oidc::oauth_error_name(e).empty());
  }
}

TEST_CASE("@logto/client requester: non-JSON -> http_error_<status> with the text; 429 -> rate_limited",
          "[oidc][token][requester]") {
  const error e = oidc::map_error_response(respond(400, "Bad Request"));
  CHECK(e.code == errc::http_error);
  CHECK(e.detail == "http_error_400");
  CHECK(e.message == "Bad Request");

  const error limited = oidc::map_error_response(respond(429, "Too Many Requests"));
  CHECK(limited.code == errc::rate_limited);
  CHECK(limited.detail == "rate_limited");
  CHECK(limited.message == "Too Many Requests");

  const error empty = oidc::map_error_response(respond(502, ""));
  CHECK(empty.code == errc::http_error);
  CHECK(empty.detail == "http_error_502");
  CHECK(empty.message == "HTTP 502 with an empty body");

  // A huge HTML page with line breaks: truncated, one line, valid UTF-8.
  std::string html = "<html>\r\n";
  for (int i = 0; i < 500; ++i) html += "\xE6\xB5\x8B\xE8\xAF\x95 line\n";
  const error big = oidc::map_error_response(respond(503, html));
  CHECK(big.code == errc::http_error);
  CHECK(big.message.size() <= 515);
  CHECK(big.message.find('\n') == std::string::npos);
  CHECK(big.message.find('\r') == std::string::npos);
  CHECK(is_valid_utf8(big.message));
  CHECK(big.message.substr(big.message.size() - 3) == "...");

  // A redirect is not followed by the transport and is an error here.
  CHECK(oidc::map_error_response(respond(302, "")).detail == "http_error_302");
}

TEST_CASE("RFC 6749 5.2 error bodies -> oauth_error; oauth_error_name for both spellings", "[oidc][token][requester]") {
  const error e = oidc::map_error_response(
      respond(400, R"({"error":"invalid_grant","error_description":"refresh token already used"})"));
  CHECK(e.code == errc::oauth_error);
  CHECK(e.detail == "invalid_grant");
  CHECK(e.message == "refresh token already used");
  CHECK(oidc::oauth_error_name(e) == "invalid_grant");

  const error bare = oidc::map_error_response(respond(401, R"({"error":"invalid_client"})"));
  CHECK(bare.code == errc::oauth_error);
  CHECK(bare.message.find("invalid_client") != std::string::npos);
  CHECK(bare.message.find("401") != std::string::npos);

  CHECK(oidc::oauth_error_name(make_error(errc::request_error, "m", "session.not_found")).empty());
  CHECK(oidc::oauth_error_name(make_error(errc::request_error, "m", "oidc.")).empty());
  CHECK(oidc::oauth_error_name(make_error(errc::http_error, "m", "http_error_400")).empty());
  CHECK(oidc::oauth_error_name(make_error(errc::callback_error_found, "m", "access_denied")) == "access_denied");
}

TEST_CASE("token response: all fields, optional fields, null as absent", "[oidc][token]") {
  auto t = oidc::parse_token_response(respond(
      200, R"({"access_token":"AT","token_type":"Bearer","expires_in":3600,"refresh_token":"RT","id_token":"IDT",)"
           R"("scope":"openid offline_access"})"));
  REQUIRE(t);
  CHECK(t->access_token == "AT");
  CHECK(*t->token_type == "Bearer");
  CHECK(*t->expires_in == 3600);
  CHECK(*t->refresh_token == "RT");
  CHECK(*t->id_token == "IDT");
  CHECK(*t->scope == "openid offline_access");

  auto minimal = oidc::parse_token_response(respond(200, R"({"access_token":"AT","refresh_token":null})"));
  REQUIRE(minimal);
  CHECK_FALSE(minimal->token_type);
  CHECK_FALSE(minimal->expires_in);
  CHECK_FALSE(minimal->refresh_token);
  CHECK_FALSE(minimal->id_token);
  CHECK_FALSE(minimal->scope);
}

TEST_CASE("token response: malformed input is token_response_invalid naming the field, never the value",
          "[oidc][token]") {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"token_type":"Bearer"})", "access_token"},
      {R"({"access_token":"SECRET1","expires_in":"3600"})", "expires_in"},
      {R"({"access_token":"SECRET1","expires_in":1.5})", "expires_in"},
      {R"({"access_token":"SECRET1","expires_in":-1})", "expires_in"},
      {R"({"access_token":"SECRET1","expires_in":1e300})", "expires_in"},
      {R"({"access_token":"SECRET1","expires_in":9007199254740993})", "expires_in"},
      {R"({"access_token":42})", "access_token"},
      {R"({"access_token":""})", "access_token"},
      {R"({"access_token":"SECRET1","refresh_token":7})", "refresh_token"},
      {R"({"access_token":"SECRET1","id_token":{}})", "id_token"},
      {R"({"access_token":"SECRET1","scope":["a"]})", "scope"},
      {R"({"access_token":"SECRET1","token_type":true})", "token_type"},
  };
  for (const auto& c : cases) {
    auto t = oidc::parse_token_response(respond(200, c.first));
    INFO(c.first);
    REQUIRE_FALSE(t);
    CHECK(t.error().code == errc::token_response_invalid);
    CHECK(t.error().detail == c.second);
    CHECK(t.error().message.find(c.second) != std::string::npos);
    CHECK(t.error().message.find("SECRET1") == std::string::npos);
  }
}

TEST_CASE("token response: non-JSON, truncated, non-object 2xx bodies -> unexpected_response_error", "[oidc][token]") {
  for (const char* body : {"", "<html>ok</html>", R"({"access_token":"SECRET1")", "[]", "\"SECRET1\"", "null",
                           R"({"access_token":"SECRET1","access_token":"x"})"}) {
    auto t = oidc::parse_token_response(respond(200, body));
    INFO(body);
    REQUIRE_FALSE(t);
    CHECK(t.error().code == errc::unexpected_response_error);
    CHECK_FALSE(t.error().message.empty());
    CHECK(t.error().message.find("SECRET1") == std::string::npos);
    CHECK(t.error().detail.find("SECRET1") == std::string::npos);
  }
  // Error statuses map like the requester.
  auto e = oidc::parse_token_response(
      respond(400, R"({"code":"oidc.invalid_grant","message":"m","error":"invalid_grant"})"));
  REQUIRE_FALSE(e);
  CHECK(e.error().code == errc::request_error);
  // Some servers answer errors with 200.
  auto ok_error = oidc::parse_token_response(respond(200, R"({"error":"invalid_grant","error_description":"d"})"));
  REQUIRE_FALSE(ok_error);
  CHECK(ok_error.error().code == errc::oauth_error);
  CHECK(ok_error.error().detail == "invalid_grant");
}
