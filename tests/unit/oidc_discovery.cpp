// Discovery (OIDC Discovery 1.0 4; @logto/client utils/index.test.ts getDiscoveryEndpoint, @logto/js
// core/oidc-config.test.ts) with the issuer check of section 4.3.
#include <logto/oidc/discovery.hpp>

#include "catch2_compat.hpp"

using namespace logto;

namespace {
http_response respond(int status, std::string body) {
  http_response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// A Logto-shaped document for the endpoint https://foo.logto.app (paths as in the SDK test mocks).
std::string logto_document(const std::string& issuer = "https://foo.logto.app/oidc") {
  return R"({"issuer":")" + issuer +
         R"(","authorization_endpoint":"https://foo.logto.app/oidc/auth",)"
         R"("token_endpoint":"https://foo.logto.app/oidc/token","userinfo_endpoint":"https://foo.logto.app/oidc/me",)"
         R"("end_session_endpoint":"https://foo.logto.app/oidc/session/end",)"
         R"("revocation_endpoint":"https://foo.logto.app/oidc/token/revocation",)"
         R"("jwks_uri":"https://foo.logto.app/oidc/jwks",)"
         R"("device_authorization_endpoint":"https://foo.logto.app/oidc/device/auth",)"
         R"("authorization_response_iss_parameter_supported":true,"code_challenge_methods_supported":["S256"],)"
         R"("id_token_signing_alg_values_supported":["ES384"]})";
}
}  // namespace

TEST_CASE("@logto/client getDiscoveryEndpoint: bare endpoint and tenant paths", "[oidc][discovery]") {
  // Outputs of @logto/client 3.1.9 getDiscoveryEndpoint.
  const std::pair<const char*, const char*> cases[] = {
      {"https://example.com", "https://example.com/oidc/.well-known/openid-configuration"},
      {"https://cloud.logto.io/tenantId", "https://cloud.logto.io/tenantId/oidc/.well-known/openid-configuration"},
      {"https://foo.logto.app/tenant/", "https://foo.logto.app/tenant/oidc/.well-known/openid-configuration"},
      {"https://foo.logto.app/a/../b/./c?x=1#f", "https://foo.logto.app/b/c/oidc/.well-known/openid-configuration"},
  };
  for (const auto& c : cases) {
    auto u = oidc::discovery_url(c.first);
    INFO(c.first);
    REQUIRE(u);
    CHECK(*u == c.second);
  }
  auto issuer = oidc::expected_issuer("https://cloud.logto.io/tenantId/");
  REQUIRE(issuer);
  CHECK(*issuer == "https://cloud.logto.io/tenantId/oidc");
  for (const char* bad : {"", "example.com", "io.app://callback", "ftp://example.com"}) {
    auto u = oidc::discovery_url(bad);
    INFO(bad);
    REQUIRE_FALSE(u);
    CHECK(u.error().code == errc::invalid_url);
  }
}

TEST_CASE("@logto/js fetchOidcConfig: a plain GET without headers", "[oidc][discovery]") {
  auto req = oidc::build_discovery_request("https://foo.logto.app");
  REQUIRE(req);
  CHECK(req->method == "GET");
  CHECK(req->url == "https://foo.logto.app/oidc/.well-known/openid-configuration");
  CHECK(req->headers.empty());
  CHECK(req->body.empty());
}

TEST_CASE("discovery: the fields the client uses are read from a Logto document", "[oidc][discovery]") {
  auto d = oidc::parse_discovery_response(respond(200, logto_document()), "https://foo.logto.app");
  REQUIRE(d);
  CHECK(d->issuer == "https://foo.logto.app/oidc");
  CHECK(d->authorization_endpoint == "https://foo.logto.app/oidc/auth");
  CHECK(d->token_endpoint == "https://foo.logto.app/oidc/token");
  CHECK(d->userinfo_endpoint == "https://foo.logto.app/oidc/me");
  CHECK(d->end_session_endpoint == "https://foo.logto.app/oidc/session/end");
  CHECK(d->revocation_endpoint == "https://foo.logto.app/oidc/token/revocation");
  CHECK(d->jwks_uri == "https://foo.logto.app/oidc/jwks");
  CHECK(d->device_authorization_endpoint == "https://foo.logto.app/oidc/device/auth");
  CHECK(d->authorization_response_iss_parameter_supported);
  CHECK(d->id_token_signing_alg_values_supported == std::vector<std::string>{"ES384"});

  // Optional fields absent or null.
  auto minimal = oidc::parse_discovery_response(
      respond(200,
              R"({"issuer":"http://localhost:3001/oidc","authorization_endpoint":"http://localhost:3001/oidc/auth",)"
              R"("token_endpoint":"http://localhost:3001/oidc/token","jwks_uri":"http://localhost:3001/oidc/jwks",)"
              R"("userinfo_endpoint":null,"authorization_response_iss_parameter_supported":null})"),
      "http://localhost:3001");
  REQUIRE(minimal);
  CHECK(minimal->userinfo_endpoint.empty());
  CHECK(minimal->end_session_endpoint.empty());
  CHECK(minimal->device_authorization_endpoint.empty());
  CHECK_FALSE(minimal->authorization_response_iss_parameter_supported);
  CHECK(minimal->id_token_signing_alg_values_supported.empty());
}

TEST_CASE("discovery: missing or mistyped fields -> discovery_invalid naming the field", "[oidc][discovery]") {
  const char* required[] = {"issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"};
  for (const char* field : required) {
    auto doc = json::parse(logto_document());
    REQUIRE(doc);
    doc->get<json::object>().erase(field);
    auto d = oidc::parse_discovery(doc->get<json::object>(), "https://foo.logto.app");
    INFO(field);
    REQUIRE_FALSE(d);
    CHECK(d.error().code == errc::discovery_invalid);
    CHECK(d.error().detail == field);
    CHECK(d.error().message.find(field) != std::string::npos);
    CHECK(d.error().message.find("missing") != std::string::npos);
  }
  const std::pair<const char*, const char*> mistyped[] = {
      {"token_endpoint", "42"},
      {"jwks_uri", "\"/oidc/jwks\""},
      {"userinfo_endpoint", "\"javascript:alert(1)\""},
      {"revocation_endpoint", "[]"},
      {"authorization_endpoint", "\"https://foo.logto.app/oidc/auth#x\""},
      {"device_authorization_endpoint", "\"not a url\""},
      {"authorization_response_iss_parameter_supported", "\"yes\""},
      {"id_token_signing_alg_values_supported", "\"ES384\""},
      {"id_token_signing_alg_values_supported", "[\"ES384\", 1]"},
      {"issuer", "\"https://foo.logto.app/oidc?x=1\""},
      {"issuer", "\"io.logto://oidc\""},
  };
  for (const auto& m : mistyped) {
    auto doc = json::parse(logto_document());
    REQUIRE(doc);
    auto value = json::parse(m.second);
    REQUIRE(value);
    doc->get<json::object>()[m.first] = *value;
    auto d = oidc::parse_discovery(doc->get<json::object>(), "https://foo.logto.app");
    INFO(m.first << " = " << m.second);
    REQUIRE_FALSE(d);
    CHECK(d.error().code == errc::discovery_invalid);
    CHECK(d.error().detail == m.first);
  }
}

TEST_CASE("OIDC Discovery 4.3: the issuer must be <endpoint>/oidc unless relaxed", "[oidc][discovery]") {
  auto other = oidc::parse_discovery_response(respond(200, logto_document("https://evil.example/oidc")),
                                              "https://foo.logto.app");
  REQUIRE_FALSE(other);
  CHECK(other.error().code == errc::discovery_invalid);
  CHECK(other.error().detail == "issuer");
  CHECK(other.error().message.find("4.3") != std::string::npos);

  // Trailing slash or another tenant path is a different issuer.
  CHECK_FALSE(oidc::parse_discovery_response(respond(200, logto_document("https://foo.logto.app/oidc/")),
                                             "https://foo.logto.app"));
  CHECK_FALSE(oidc::parse_discovery_response(respond(200, logto_document()), "https://foo.logto.app/tenant"));
  // Host case in the configured endpoint does not matter.
  CHECK(oidc::parse_discovery_response(respond(200, logto_document()), "https://FOO.logto.app/"));

  // Relaxed: Logto reached through an internal address, announcing its public issuer.
  oidc::discovery_options relaxed;
  relaxed.require_issuer_match = false;
  auto internal = oidc::parse_discovery_response(respond(200, logto_document()), "http://logto.internal:3001", relaxed);
  REQUIRE(internal);
  CHECK(internal->issuer == "https://foo.logto.app/oidc");
  // Still a valid URL.
  CHECK_FALSE(
      oidc::parse_discovery_response(respond(200, logto_document("not a url")), "https://foo.logto.app", relaxed));
}

TEST_CASE("discovery: error statuses and non-object bodies", "[oidc][discovery]") {
  auto not_found = oidc::parse_discovery_response(respond(404, "Not Found"), "https://foo.logto.app");
  REQUIRE_FALSE(not_found);
  CHECK(not_found.error().code == errc::http_error);
  CHECK(not_found.error().detail == "http_error_404");
  for (const char* body : {"", "<html>", "[]", "{\"issuer\":", "1e999"}) {
    auto d = oidc::parse_discovery_response(respond(200, body), "https://foo.logto.app");
    INFO(body);
    REQUIRE_FALSE(d);
    CHECK(d.error().code == errc::unexpected_response_error);
  }
  auto huge =
      oidc::parse_discovery_response(respond(200, std::string(LOGTO_MAX_JSON_SIZE + 1, ' ')), "https://foo.logto.app");
  REQUIRE_FALSE(huge);
  CHECK(huge.error().code == errc::unexpected_response_error);
  auto bad_endpoint = oidc::parse_discovery_response(respond(200, logto_document()), "foo.logto.app");
  REQUIRE_FALSE(bad_endpoint);
  CHECK(bad_endpoint.error().code == errc::invalid_url);
}

TEST_CASE("discovery: a 404 names the URL tried and what to check", "[oidc][discovery]") {
  http_response not_found;
  not_found.status = 404;
  not_found.body = "Not Found";
  auto d = oidc::parse_discovery_response(not_found, "https://foo.logto.app/oidc");
  REQUIRE_FALSE(d);
  CHECK(d.error().code == errc::http_error);
  CHECK(d.error().message.find("https://foo.logto.app/oidc/oidc/.well-known/openid-configuration") !=
        std::string::npos);
  CHECK(d.error().message.find("without /oidc") != std::string::npos);
  http_response down;
  down.status = 503;
  down.body = "busy";
  auto e = oidc::parse_discovery_response(down, "https://foo.logto.app");
  REQUIRE_FALSE(e);
  CHECK(e.error().message.find("fetching the OpenID discovery document from "
                               "https://foo.logto.app/oidc/.well-known/openid-configuration failed") !=
        std::string::npos);
}
