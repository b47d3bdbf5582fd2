// Unverified claim decoding (@logto/js utils/id-token.test.ts, utils/access-token.test.ts) and userinfo
// parsing (@logto/js core/user-info.test.ts, OIDC Core 5.3.2).
#include <logto/oidc/claims.hpp>
#include <logto/oidc/user_info.hpp>

#include "catch2_compat.hpp"

using namespace logto;

namespace {
// header.payload.signature with the given payload text (the signature is not looked at).
std::string jwt(const std::string& payload) {
  return base64url_encode(R"({"alg":"RS256","typ":"JWT","kid":"k1"})") + "." + base64url_encode(payload) + "." +
         base64url_encode("not-a-real-signature");
}

const std::string id_payload =
    R"({"iss":"https://foo.logto.app/oidc","sub":"user_1","aud":"my-app","exp":1700003600,"iat":1700000000,)"
    R"("at_hash":"x1","name":"测试用户","username":"john","picture":null,"email":"j@example.com",)"
    R"("email_verified":true,"phone_number_verified":false,"roles":["admin"],"organizations":["org_1"],)"
    R"("organization_roles":["org_1:member"],"custom_claim":{"nested":[1,2]}})";

http_response respond(int status, std::string body) {
  http_response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}
}  // namespace

TEST_CASE("@logto/js decodeIdToken: a valid JWT with a UTF-8 name gives its claims", "[oidc][claims]") {
  auto c = oidc::decode_id_token(jwt(id_payload));
  REQUIRE(c);
  CHECK(c->iss == "https://foo.logto.app/oidc");
  CHECK(c->sub == "user_1");
  CHECK(c->aud == "my-app");
  CHECK(c->audiences == std::vector<std::string>{"my-app"});
  CHECK(c->exp == 1700003600);
  CHECK(c->iat == 1700000000);
  CHECK(*c->at_hash == "x1");
  CHECK(*c->name == "\xE6\xB5\x8B\xE8\xAF\x95\xE7\x94\xA8\xE6\x88\xB7");  // 测试用户
  CHECK(*c->username == "john");
  CHECK_FALSE(c->picture);  // null
  CHECK(*c->email == "j@example.com");
  CHECK(*c->email_verified);
  CHECK_FALSE(*c->phone_number_verified);
  CHECK_FALSE(c->phone_number);
  CHECK(c->roles == std::vector<std::string>{"admin"});
  CHECK(c->organizations == std::vector<std::string>{"org_1"});
  CHECK(c->organization_roles == std::vector<std::string>{"org_1:member"});
}

TEST_CASE("@logto/js decodeIdToken: custom claims are preserved", "[oidc][claims]") {
  auto c = oidc::decode_id_token(jwt(id_payload));
  REQUIRE(c);
  const json::value* custom = json::find(c->raw, "custom_claim");
  REQUIRE(custom != nullptr);
  CHECK(json::stringify(*custom) == R"({"nested":[1,2]})");
  CHECK(json::find(c->raw, "sub") != nullptr);
}

TEST_CASE("@logto/js decodeIdToken: wrong claim types give JS's messages", "[oidc][claims]") {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"iss":"i","sub":"s","aud":"a","exp":1,"iat":1,"at_hash":123})",
       "At path: IdToken.at_hash: expected null or a string"},
      {R"({"sub":"s","aud":"a","exp":1,"iat":1})", "At path: IdToken.iss: expected a string"},
      {R"({"iss":"i","aud":"a","exp":1,"iat":1})", "At path: IdToken.sub: expected a string"},
      {R"({"iss":"i","sub":"s","exp":1,"iat":1})", "At path: IdToken.aud: expected a string"},
      {R"({"iss":"i","sub":"s","aud":"a","iat":1})", "At path: IdToken.exp: expected a number"},
      {R"({"iss":"i","sub":"s","aud":"a","exp":1})", "At path: IdToken.iat: expected a number"},
      {R"({"iss":"i","sub":"s","aud":"a","exp":"1","iat":1})", "At path: IdToken.exp: expected a number"},
      {R"({"iss":"i","sub":"s","aud":"a","exp":1,"iat":1,"email_verified":"true"})",
       "At path: IdToken.email_verified: expected a boolean"},
      {R"({"iss":"i","sub":"s","aud":"a","exp":1,"iat":1,"phone_number_verified":null})",
       "At path: IdToken.phone_number_verified: expected a boolean"},
      {R"({"iss":null,"sub":"s","aud":"a","exp":1,"iat":1})", "At path: IdToken.iss: expected a string"},
      // Beyond JS: typed arrays, array aud elements, absurd numbers.
      {R"({"iss":"i","sub":"s","aud":"a","exp":1,"iat":1,"roles":"admin"})",
       "At path: IdToken.roles: expected an array of strings"},
      {R"({"iss":"i","sub":"s","aud":"a","exp":1,"iat":1,"organizations":[1]})",
       "At path: IdToken.organizations: expected an array of strings"},
      {R"({"iss":"i","sub":"s","aud":[],"exp":1,"iat":1})",
       "At path: IdToken.aud: expected a string or an array of strings"},
      {R"({"iss":"i","sub":"s","aud":["a",2],"exp":1,"iat":1})",
       "At path: IdToken.aud: expected a string or an array of strings"},
      {R"({"iss":"i","sub":"s","aud":"a","exp":1e300,"iat":1})",
       "At path: IdToken.exp: expected a number within +-(2^53 - 1)"},
  };
  for (const auto& c : cases) {
    auto r = oidc::decode_id_token(jwt(c.first));
    INFO(c.first);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::id_token_invalid_token);
    CHECK(r.error().message == c.second);
  }
}

TEST_CASE("@logto/js decodeIdToken: 'invalid-JWT' and other malformed tokens -> id_token.invalid_token",
          "[oidc][claims]") {
  const std::string good_payload = base64url_encode(R"({"iss":"i","sub":"s","aud":"a","exp":1,"iat":1})");
  const std::string cases[] = {
      "invalid-JWT",
      "",
      "a.",
      "a..c",
      "a.!!!.c",                                   // not base64url
      "a." + base64url_encode("not json") + ".c",  // not JSON
      "a." + base64url_encode("[1,2]") + ".c",     // not an object
      "a." + base64url_encode("\"str\"") + ".c",
      "a." + base64url_encode("{\"iss\":\"\xff\"}") + ".c",             // invalid UTF-8
      "a." + base64url_encode("{\"iss\":\"i\",\"iss\":\"j\"}") + ".c",  // duplicate claim
      "a." + good_payload.substr(0, good_payload.size() - 3) + ".c",    // truncated
      "a." + std::string(LOGTO_MAX_JWT_SIZE, 'A') + ".c",               // huge
  };
  for (const auto& t : cases) {
    auto r = oidc::decode_id_token(t);
    INFO(t.substr(0, 80));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::id_token_invalid_token);
    CHECK_FALSE(r.error().message.empty());
  }
  CHECK(to_string(errc::id_token_invalid_token) == "id_token.invalid_token");
}

TEST_CASE("decodeIdToken: padding tolerated like atob, two-segment and JWE-shaped splits as JS", "[oidc][claims]") {
  const std::string payload = R"({"iss":"i","sub":"s","aud":"a","exp":1,"iat":1.9})";  // 50 bytes -> 2 pad chars
  std::string padded = base64_encode(payload);
  for (char& ch : padded) ch = ch == '+' ? '-' : ch == '/' ? '_' : ch;
  REQUIRE(padded.back() == '=');
  auto r = oidc::decode_id_token("h." + padded + ".s");
  REQUIRE(r);
  CHECK(r->iat == 1);  // a fraction is rounded down
  auto two = oidc::decode_id_token("h." + base64url_encode(payload));
  REQUIRE(two);
  CHECK(two->sub == "s");
}

TEST_CASE("decodeIdToken: aud as an array (OIDC Core 2) is accepted", "[oidc][claims]") {
  auto one = oidc::decode_id_token(jwt(R"({"iss":"i","sub":"s","aud":["my-app"],"exp":1,"iat":1})"));
  REQUIRE(one);
  CHECK(one->aud == "my-app");
  auto many = oidc::decode_id_token(jwt(R"({"iss":"i","sub":"s","aud":["my-app","api"],"exp":1,"iat":1})"));
  REQUIRE(many);
  CHECK(many->aud.empty());
  CHECK(many->audiences == std::vector<std::string>{"my-app", "api"});
}

TEST_CASE("@logto/js decodeAccessToken: valid JWT, custom claims, opaque token", "[oidc][claims]") {
  auto c = oidc::decode_access_token(
      jwt(R"({"jti":"j1","iss":"https://foo.logto.app/oidc","sub":"user_1","aud":"https://api.example.com",)"
          R"("client_id":"my-app","scope":"read write","exp":1700003600,"iat":1700000000,"organization_id":"org_1"})"));
  REQUIRE(c);
  CHECK(*c->jti == "j1");
  CHECK(*c->iss == "https://foo.logto.app/oidc");
  CHECK(*c->sub == "user_1");
  CHECK(*c->aud == "https://api.example.com");
  CHECK(*c->client_id == "my-app");
  CHECK(*c->scope == "read write");
  CHECK(*c->exp == 1700003600);
  CHECK(*c->iat == 1700000000);
  CHECK(*json::as_string(*json::find(c->raw, "organization_id")) == "org_1");

  auto opaque = oidc::decode_access_token("invalid-JWT");
  REQUIRE(opaque);
  CHECK(opaque->raw.empty());
  CHECK_FALSE(opaque->sub);
  CHECK_FALSE(opaque->exp);
  CHECK(opaque->audiences.empty());
  auto logto_opaque = oidc::decode_access_token("Hc8Rf8uY0Hs3Gf6o8WkBq2W0oG-wJ8o9N3mX4tXyZ1q");
  REQUIRE(logto_opaque);
  CHECK(logto_opaque->raw.empty());

  auto nulls = oidc::decode_access_token(jwt(R"({"sub":null,"exp":null,"aud":null})"));
  REQUIRE(nulls);
  CHECK_FALSE(nulls->sub);
  CHECK_FALSE(nulls->exp);
  CHECK_FALSE(nulls->aud);
}

TEST_CASE("@logto/js decodeAccessToken: wrong types and malformed payloads", "[oidc][claims]") {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"scope":123})", "At path: AccessToken.scope: expected null or a string"},
      {R"({"client_id":true})", "At path: AccessToken.client_id: expected null or a string"},
      {R"({"exp":"1"})", "At path: AccessToken.exp: expected null or a number"},
      {R"({"iat":[]})", "At path: AccessToken.iat: expected null or a number"},
      {R"({"aud":5})", "At path: AccessToken.aud: expected a string or an array of strings"},
  };
  for (const auto& c : cases) {
    auto r = oidc::decode_access_token(jwt(c.first));
    INFO(c.first);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::jwt_malformed);
    CHECK(r.error().message == c.second);
  }
  for (const std::string& t : {std::string("a.$$$.c"), "a." + base64url_encode("nope") + ".c",
                               "a." + base64url_encode("[]") + ".c", "a." + std::string(LOGTO_MAX_JWT_SIZE, 'A')}) {
    auto r = oidc::decode_access_token(t);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::jwt_malformed);
    CHECK_FALSE(r.error().message.empty());
  }
}

TEST_CASE("userinfo response: sub, common claims, raw JSON kept (@logto/js fetchUserInfo returns it as is)",
          "[oidc][claims][user_info]") {
  auto u = oidc::parse_user_info_response(
      respond(200, R"({"sub":"user_1","name":"John","username":null,"email":"j@example.com","email_verified":true,)"
                   R"("phone_number_verified":null,"roles":["admin"],"custom_data":{"plan":"pro"},)"
                   R"("identities":{"google":{"userId":"g1","details":{}}},)"
                   R"("organization_data":[{"id":"org_1","name":"Org","description":null}]})"));
  REQUIRE(u);
  CHECK(u->sub == "user_1");
  CHECK(*u->name == "John");
  CHECK_FALSE(u->username);
  CHECK(*u->email == "j@example.com");
  CHECK(*u->email_verified);
  CHECK_FALSE(u->phone_number_verified);
  CHECK(u->roles == std::vector<std::string>{"admin"});
  CHECK(json::stringify(*json::find(u->raw, "custom_data")) == R"({"plan":"pro"})");
  CHECK(json::find(u->raw, "identities") != nullptr);
  CHECK(json::find(u->raw, "organization_data") != nullptr);
}

TEST_CASE("userinfo response: malformed input and error statuses", "[oidc][claims][user_info]") {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"name":"x"})", "sub"},
      {R"({"sub":1})", "sub"},
      {R"({"sub":"s","email":5})", "email"},
      {R"({"sub":"s","email_verified":"yes"})", "email_verified"},
      {R"({"sub":"s","organization_roles":{}})", "organization_roles"},
  };
  for (const auto& c : cases) {
    auto u = oidc::parse_user_info_response(respond(200, c.first));
    INFO(c.first);
    REQUIRE_FALSE(u);
    CHECK(u.error().code == errc::unexpected_response_error);
    CHECK(u.error().detail == c.second);
  }
  for (const char* body : {"", "[]", "{\"sub\":"}) {
    auto u = oidc::parse_user_info_response(respond(200, body));
    REQUIRE_FALSE(u);
    CHECK(u.error().code == errc::unexpected_response_error);
  }
  auto expired = oidc::parse_user_info_response(
      respond(401, R"({"code":"oidc.invalid_token","message":"invalid token provided","error":"invalid_token"})"));
  REQUIRE_FALSE(expired);
  CHECK(expired.error().code == errc::request_error);
  CHECK(oidc::oauth_error_name(expired.error()) == "invalid_token");
}

TEST_CASE("OIDC Core 5.3.2: the userinfo sub must equal the ID token's", "[oidc][claims][user_info]") {
  auto u = oidc::parse_user_info_response(respond(200, R"({"sub":"user_1"})"));
  REQUIRE(u);
  CHECK(oidc::check_user_info_subject(*u, "user_1"));
  auto bad = oidc::check_user_info_subject(*u, "user_2");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == errc::user_info_sub_mismatched);
}
