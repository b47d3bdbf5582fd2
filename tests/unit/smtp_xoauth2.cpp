// XOAUTH2 beyond a static token, as nodemailer 8.0.11's lib/xoauth2 does it: the refresh-token grant
// and the service account's RS256 JWT bearer grant (RFC 7523 2.1) through the host's HTTP transport.
#include <logto/connectors/smtp.hpp>
#include <logto/core/private_key.hpp>
#include <logto/smtp/xoauth2.hpp>

#include <mbedtls/pk.h>

#include <string>
#include <vector>

#include "catch2_compat.hpp"
#include "smtp_fixtures.hpp"

using namespace logto;
using smtp_test::scripted_server;

namespace {

std::string test_file(const std::string& name) {
  return smtp_test::read_file(std::string(LOGTO_TEST_DATA_DIR) + "/smtp/" + name);
}

// Splits a form body into its raw `key=value` items, in order.
std::vector<std::string> form_items(const std::string& body) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= body.size()) {
    const std::size_t amp = body.find('&', pos);
    out.push_back(body.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos));
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return out;
}

struct scripted_transport {
  std::vector<http_request> requests;
  http_response answer;
  result<http_response> send(const http_request& r) {
    requests.push_back(r);
    return answer;
  }
};

const char* const templates = R"("templates":[
  {"usageType":"SignIn","contentType":"text/plain","subject":"Code {{code}}","content":"Your code is {{code}}."},
  {"usageType":"Register","contentType":"text/plain","subject":"s","content":"c"},
  {"usageType":"ForgotPassword","contentType":"text/plain","subject":"s","content":"c"},
  {"usageType":"Generic","contentType":"text/plain","subject":"s","content":"c"}])";

}  // namespace

TEST_CASE("XOAUTH2 refresh-token grant: nodemailer's form fields, order, trimming and encodeURIComponent",
          "[smtp][xoauth2]") {
  smtp::xoauth2::settings s;
  s.user = "o@example.com";
  smtp::xoauth2::refresh_grant g;
  g.client_id = " client id+1 ";  // values are trimmed, then encodeURIComponent'ed
  g.client_secret = crypto::secret("s3cr/t!*'()~");
  g.refresh_token = crypto::secret("1//refresh");
  s.refresh = g;
  CHECK(smtp::xoauth2::needs_request(s, 0));
  crypto::default_random rng;
  auto r = smtp::xoauth2::build_token_request(s, 1704164645, rng);
  REQUIRE(r);
  CHECK(r->method == "POST");
  CHECK(r->url == "https://accounts.google.com/o/oauth2/token");
  REQUIRE(http_find_header(r->headers, "content-type") != nullptr);
  CHECK(*http_find_header(r->headers, "content-type") == "application/x-www-form-urlencoded");
  CHECK(form_items(r->body) == std::vector<std::string>{"client_id=client%20id%2B1", "client_secret=s3cr%2Ft!*'()~",
                                                        "refresh_token=1%2F%2Frefresh", "grant_type=refresh_token"});
  // when a token is there and valid it is used as is; expired with a refresh possible: fetch
  s.access_token = crypto::secret("ya29.old");
  s.expires_ms = 0;
  CHECK_FALSE(smtp::xoauth2::needs_request(s, 1704164645));
  s.expires_ms = 1704164645000 + 1;
  CHECK_FALSE(smtp::xoauth2::needs_request(s, 1704164645));
  s.expires_ms = 1704164645000;
  CHECK(smtp::xoauth2::needs_request(s, 1704164645));
  s.refresh.reset();
  CHECK_FALSE(smtp::xoauth2::needs_request(s, 1704164645));  // nodemailer reuses an expired static token
}

TEST_CASE("XOAUTH2 service account: RS256 JWT bearer assertion with nodemailer's claims", "[smtp][xoauth2]") {
  smtp::xoauth2::settings s;
  s.user = "o@example.com";
  s.access_url = "https://oauth2.example.test/token";
  smtp::xoauth2::service_account a;
  a.service_client = "svc@project.iam.example";
  a.private_key = crypto::secret(test_file("rsa-key-encrypted.pem"));
  a.passphrase = crypto::secret("correct-horse");
  s.service = a;
  crypto::default_random rng;
  const std::int64_t iat = 1704164645;
  auto r = smtp::xoauth2::build_token_request(s, iat, rng);
  REQUIRE(r);
  CHECK(r->url == "https://oauth2.example.test/token");
  const auto items = form_items(r->body);
  REQUIRE(items.size() == 2);
  CHECK(items[0] == "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer");
  REQUIRE(items[1].rfind("assertion=", 0) == 0);
  const std::string jwt = items[1].substr(10);  // base64url and '.' need no escaping
  const std::size_t d1 = jwt.find('.'), d2 = jwt.rfind('.');
  REQUIRE(d1 != d2);
  CHECK(*base64url_decode(jwt.substr(0, d1)) == R"({"alg":"RS256","typ":"JWT"})");
  const std::string claims = *base64url_decode(jwt.substr(d1 + 1, d2 - d1 - 1));
  auto parsed = json::parse_document(claims);
  REQUIRE(parsed);
  const json::value* doc = &parsed->root();
  CHECK(parsed->keys(*json::as_object(*doc)) == std::vector<std::string>{"iss", "scope", "sub", "aud", "iat", "exp"});
  CHECK(*json::as_string(smtp_test::member(*doc, "iss")) == "svc@project.iam.example");
  CHECK(*json::as_string(smtp_test::member(*doc, "scope")) == "https://mail.google.com/");
  CHECK(*json::as_string(smtp_test::member(*doc, "sub")) == "o@example.com");
  CHECK(*json::as_string(smtp_test::member(*doc, "aud")) == "https://oauth2.example.test/token");
  CHECK(*json::as_integer(smtp_test::member(*doc, "iat")) == iat);
  CHECK(*json::as_integer(smtp_test::member(*doc, "exp")) == iat + 300);
  // the signature verifies with the key's public half (RSASSA-PKCS1-v1_5, SHA-256)
  crypto::private_key key;
  REQUIRE(key.parse(test_file("rsa-key.pem"), "", "test"));
  const auto hash = *crypto::sha256(jwt.substr(0, d2));
  const std::string sig = *base64url_decode(jwt.substr(d2 + 1));
  CHECK(mbedtls_pk_verify(key.get(), MBEDTLS_MD_SHA256, reinterpret_cast<const unsigned char*>(hash.data()),
                          hash.size(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size()) == 0);
  // serviceRequestTimeout is clamped to 3600
  s.service->request_timeout_s = 7200;
  auto longer = smtp::xoauth2::build_assertion(s, iat, rng);
  REQUIRE(longer);
  const std::size_t e1 = longer->find('.'), e2 = longer->rfind('.');
  auto doc2 = json::parse(*base64url_decode(longer->substr(e1 + 1, e2 - e1 - 1)));
  CHECK(*json::as_integer(smtp_test::member(*doc2, "exp")) == iat + 3600);
}

TEST_CASE("XOAUTH2 token responses: token, OAuth error, garbage", "[smtp][xoauth2]") {
  http_response ok;
  ok.status = 200;
  ok.body = R"({"access_token":"ya29.fresh","expires_in":3599,"token_type":"Bearer"})";
  auto t = smtp::xoauth2::parse_token_response(ok);
  REQUIRE(t);
  CHECK(t->reveal() == "ya29.fresh");
  http_response err;
  err.status = 400;
  err.body = R"({"error":"invalid_grant","error_description":"Token has been expired or revoked."})";
  auto e = smtp::xoauth2::parse_token_response(err);
  REQUIRE_FALSE(e);
  CHECK(e.error().code == errc::oauth_error);
  CHECK(e.error().detail == "invalid_grant");
  CHECK(e.error().message.find("invalid_grant: Token has been expired or revoked.") != std::string::npos);
  for (const char* body : {"<html>", "[]", "{}", R"({"access_token":""})", R"({"access_token":5})"}) {
    http_response bad;
    bad.status = 200;
    bad.body = body;
    CHECK_FALSE(smtp::xoauth2::parse_token_response(bad));
  }
}

TEST_CASE("connector: an OAuth 2.0 refresh token is exchanged over the transport, then XOAUTH2", "[smtp][xoauth2]") {
  const std::string config = std::string(R"({"host":"smtp.example.com","port":465,"secure":true,"name":"client.test",
    "auth":{"type":"oauth2","user":"o@example.com","clientId":"id","clientSecret":"cs","refreshToken":"rt",
            "accessUrl":"https://oauth2.example.test/token"},
    "fromEmail":"noreply@example.com",)") +
                             templates + "}";
  auto connector = connectors::smtp::from_json(config);
  REQUIRE(connector);
  const connectors::message m("user@example.com", connectors::usage_type::sign_in,
                              connectors::payload().code("123456"));
  // without a transport: a clear error, nothing sent
  scripted_server idle("220 x\r\n");
  auto no_transport = connector->send(m, idle, manual_clock{1704164645});
  REQUIRE_FALSE(no_transport);
  CHECK(no_transport.error().message.find("transport") != std::string::npos);
  // the token endpoint answers; the fresh token goes into AUTH XOAUTH2
  scripted_transport http;
  http.answer.status = 200;
  http.answer.body = R"({"access_token":"ya29.fresh","expires_in":3599})";
  const std::string xoauth =
      "AUTH XOAUTH2 " + base64_encode(std::string("user=o@example.com\x01") + "auth=Bearer ya29.fresh\x01\x01");
  CHECK(connector->session_options().client.auth->secret.empty());  // nothing static to send
  scripted_transport failing;
  failing.answer.status = 400;
  failing.answer.body = R"({"error":"invalid_grant"})";
  scripted_server never("220 x\r\n");
  auto refused = connector->send(m, never, failing, manual_clock{1704164645});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == errc::general);
  CHECK(refused.error().detail == "invalid_grant");
  CHECK(never.written.empty());
  REQUIRE(failing.requests.size() == 1);
  CHECK(failing.requests[0].body == "client_id=id&client_secret=cs&refresh_token=rt&grant_type=refresh_token");
  // over a plaintext scripted server (ignoreTLS) the whole conversation can be checked
  const std::string plain_config =
      std::string(R"({"host":"smtp.example.com","port":2525,"ignoreTLS":true,"name":"client.test",
    "auth":{"type":"oauth2","user":"o@example.com","clientId":"id","clientSecret":"cs","refreshToken":"rt"},
    "fromEmail":"noreply@example.com",)") +
      templates + "}";
  auto plain = connectors::smtp::from_json(plain_config);
  REQUIRE(plain);
  scripted_server s("220 x\r\n");
  s.eof_when_idle = true;
  s.then("EHLO client.test", "250-x\r\n250 AUTH XOAUTH2 PLAIN\r\n")
      .then(xoauth, "235 2.7.0 Accepted\r\n")
      .then("MAIL FROM:<noreply@example.com>", "250 ok\r\n")
      .then("RCPT TO:<user@example.com>", "250 ok\r\n")
      .then("DATA", "354 go\r\n")
      .then("<message>", "250 queued\r\n")
      .then("QUIT", "221 bye\r\n");
  auto sent = plain->send(m, s, http, manual_clock{1704164645});
  REQUIRE(sent);
  CHECK(sent->auth_mechanism == "XOAUTH2");
  CHECK(s.mismatches.empty());
  REQUIRE(http.requests.size() == 1);
  CHECK(http.requests[0].url == "https://accounts.google.com/o/oauth2/token");
}
