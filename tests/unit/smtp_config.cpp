// The SMTP connector's config (the Logto console JSON of @logto/connector-smtp 1.5.4): every field
// is read and checked, and every error names the field, never its value.
#include <logto/connectors/smtp.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "catch2_compat.hpp"

using namespace logto;

namespace {

const char* const templates = R"("templates":[
  {"usageType":"SignIn","contentType":"text/plain","subject":"s","content":"c"},
  {"usageType":"Register","contentType":"text/html","subject":"s","content":"c"},
  {"usageType":"ForgotPassword","contentType":"text/plain","subject":"s","content":"c"},
  {"usageType":"Generic","contentType":"text/plain","subject":"s","content":"c"}])";

std::string config_with(const std::string& fields) { return std::string("{") + fields + "," + templates + "}"; }

const std::string base =
    R"("host":"smtp.example.com","port":587,"auth":{"user":"u@example.com","pass":"hunter2-SECRET"},"fromEmail":"Logto <noreply@example.com>")";

// The error for a config; checks it is invalid_config naming `field` and leaking no secret.
error config_error(const std::string& json, const std::string& field) {
  auto r = connectors::smtp::from_json(json);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::invalid_config);
  CHECK(r.error().message.find(field) != std::string::npos);
  CHECK(r.error().message.find("hunter2-SECRET") == std::string::npos);
  CHECK(r.error().detail.find("hunter2-SECRET") == std::string::npos);
  CHECK(r.error().message.find("ya29.SECRET") == std::string::npos);
  return r.error();
}

}  // namespace

TEST_CASE("SMTP config: the console JSON with nodemailer's defaults", "[smtp][config]") {
  auto c = connectors::smtp::from_json(config_with(base + R"(,"unknownKey":{"x":1},"logger":false)"));
  REQUIRE(c);
  const auto& s = c->settings();
  CHECK(s.host == "smtp.example.com");
  CHECK(s.port == 587);
  REQUIRE(s.auth);
  CHECK(s.auth->type == connectors::smtp::auth_config::kind::login);
  CHECK(s.auth->user == "u@example.com");
  CHECK(s.templates.size() == 4);
  const auto o = c->session_options();
  CHECK(o.client.ehlo_name == "[127.0.0.1]");
  CHECK_FALSE(o.client.implicit_tls);
  CHECK_FALSE(o.client.require_tls);
  CHECK_FALSE(o.client.ignore_tls);
  CHECK(o.tls.verify);
  CHECK(o.tls.server_name == "smtp.example.com");
  CHECK(o.tls.ca_pem.empty());
  CHECK(o.timeout.connection_ms == 120000);
  CHECK(o.timeout.greeting_ms == 30000);
  CHECK(o.timeout.socket_ms == 600000);
  REQUIRE(o.client.auth);
  CHECK(o.client.auth->secret.reveal() == "hunter2-SECRET");
}

TEST_CASE("SMTP config: TLS, names, timeouts and custom headers in document order", "[smtp][config]") {
  auto c = connectors::smtp::from_json(config_with(
      base + R"(,"secure":true,"requireTLS":true,"ignoreTLS":false,"name":"mail.example.com","servername":"top.example",
      "tls":{"rejectUnauthorized":false,"ca":["-----BEGIN CERTIFICATE-----A","-----BEGIN CERTIFICATE-----B"],"servername":"tls.example","minVersion":"TLSv1.2"},
      "connectionTimeout":5000,"greetingTimeout":0,"socketTimeout":1e12,
      "customHeaders":{"X-Zeta":"z","X-Alpha":["a1","a2"],"x-lower":"l"})"));
  REQUIRE(c);
  const auto o = c->session_options();
  CHECK(o.client.implicit_tls);
  CHECK(o.client.require_tls);
  CHECK(o.client.ehlo_name == "mail.example.com");
  CHECK_FALSE(o.tls.verify);
  CHECK(o.tls.ca_pem == "-----BEGIN CERTIFICATE-----A\n-----BEGIN CERTIFICATE-----B");
  CHECK(o.tls.server_name == "tls.example");  // tls.servername > servername > host (nodemailer)
  CHECK(o.timeout.connection_ms == 5000);
  CHECK(o.timeout.greeting_ms == 30000);  // 0 means the default (`|| GREETING_TIMEOUT`)
  CHECK(o.timeout.socket_ms == 2147483647);
  const auto& h = c->settings().custom_headers;
  REQUIRE(h.size() == 4);
  CHECK(h[0].name == "X-Zeta");
  CHECK(h[1].name == "X-Alpha");
  CHECK(h[1].value == "a1");
  CHECK(h[2].value == "a2");
  CHECK(h[3].name == "x-lower");
  auto top = connectors::smtp::from_json(config_with(base + R"(,"servername":"top.example")"));
  REQUIRE(top);
  CHECK(top->session_options().tls.server_name == "top.example");
}

TEST_CASE("SMTP config: auth shapes (login, oauth2 with a static token, none)", "[smtp][config]") {
  const std::string rest = R"("host":"h.example","port":465,"fromEmail":"a@example.com")";
  auto oauth = connectors::smtp::from_json(config_with(
      rest + R"(,"auth":{"type":"OAuth2","user":"o@example.com","accessToken":"ya29.SECRET","expires":1})"));
  REQUIRE(oauth);
  REQUIRE(oauth->session_options().client.auth);
  CHECK(oauth->session_options().client.auth->type == smtp::credentials::kind::oauth2);
  auto none = connectors::smtp::from_json(config_with(rest + R"(,"auth":{})"));
  REQUIRE(none);
  CHECK_FALSE(none->session_options().client.auth);
  auto upper = connectors::smtp::from_json(config_with(rest + R"(,"auth":{"type":"LOGIN","user":"u","pass":"p"})"));
  CHECK(upper);
  // nodemailer's refresh flows: a refresh token, or a service account with an RSA key
  auto refresh = connectors::smtp::from_json(config_with(
      rest +
      R"(,"auth":{"type":"oauth2","user":"o@example.com","clientId":"id","clientSecret":"hunter2-SECRET","refreshToken":"r"})"));
  REQUIRE(refresh);
  CHECK(refresh->needs_token_request(0));
  config_error(
      config_with(rest + R"(,"auth":{"type":"oauth2","user":"o@example.com","privateKey":"k","serviceClient":"1"})"),
      "auth.privateKey");
  config_error(config_with(rest + R"(,"auth":{"type":"oauth2","user":"o@example.com","serviceClient":"1"})"),
               "auth.privateKey");
  config_error(config_with(rest + R"(,"auth":{"type":"oauth2","user":"o@example.com"})"), "auth.accessToken");
  config_error(
      config_with(rest + R"(,"auth":{"type":"oauth2","user":"o@example.com","accessToken":"t","customParams":{}})"),
      "auth.customParams");
  config_error(config_with(rest + R"(,"auth":{"type":"oauth2","accessToken":"ya29.SECRET"})"), "auth.user");
  config_error(config_with(rest + R"(,"auth":{"type":"cram-md5","user":"u","pass":"hunter2-SECRET"})"), "auth.type");
  config_error(config_with(rest + R"(,"auth":{"user":"u"})"), "auth.pass");
  config_error(config_with(rest + R"(,"auth":{"pass":"hunter2-SECRET"})"), "auth.user");
  config_error(config_with(rest + R"(,"auth":"u:hunter2-SECRET")"), "auth");
  config_error(config_with(rest), "auth");
  config_error(config_with(rest + R"(,"auth":{"user":"u","pass":"hunter2-SECRET\r\nQUIT"})"), "auth.pass");
}

TEST_CASE("SMTP config: every invalid field is named", "[smtp][config]") {
  const std::string auth = R"("auth":{"user":"u@example.com","pass":"hunter2-SECRET"})";
  const std::string rest = auth + R"(,"fromEmail":"a@example.com")";
  config_error(config_with(R"("port":25,)" + rest), "host");
  config_error(config_with(R"("host":"a b","port":25,)" + rest), "host");
  config_error(config_with(R"("host":"h","port":"25",)" + rest), "port");
  config_error(config_with(R"("host":"h","port":70000,)" + rest), "port");
  config_error(config_with(R"("host":"h","port":25.5,)" + rest), "port");
  config_error(config_with(R"("host":"h","port":25,)" + auth), "fromEmail");
  config_error(config_with(R"("host":"h","port":25,"fromEmail":"Just A Name",)" + auth), "fromEmail");
  config_error(config_with(R"("host":"h","port":25,"fromEmail":"a@example.com\nBcc: x@example.com",)" + auth),
               "fromEmail");
  config_error(config_with(base + R"(,"replyTo":7)"), "replyTo");
  config_error(config_with(base + R"(,"secure":"yes")"), "secure");
  config_error(config_with(base + R"(,"requireTLS":1)"), "requireTLS");
  config_error(config_with(base + R"(,"requireTLS":true,"ignoreTLS":true)"), "requireTLS");
  CHECK(connectors::smtp::from_json(config_with(base + R"(,"secure":true,"requireTLS":true,"ignoreTLS":true)")));
  config_error(config_with(base + R"(,"tls":{"rejectUnauthorized":"no"})"), "tls.rejectUnauthorized");
  config_error(config_with(base + R"(,"tls":{"ca":5})"), "tls.ca");
  config_error(config_with(base + R"(,"tls":true)"), "tls");
  config_error(config_with(base + R"(,"name":"bad name")"), "name");
  config_error(config_with(base + R"(,"name":"x\r\nMAIL FROM:<e@x>")"), "name");
  config_error(config_with(base + R"(,"socketTimeout":-1)"), "socketTimeout");
  config_error(config_with(base + R"(,"greetingTimeout":"30s")"), "greetingTimeout");
  config_error(config_with(base + R"(,"customHeaders":{"X-Num":5})"), "customHeaders.X-Num");
  config_error(config_with(base + R"(,"customHeaders":{"X-Inj":"a\r\nBcc: x@example.com"})"), "customHeaders.X-Inj");
  config_error(config_with(base + R"(,"customHeaders":{"content-type":"text/csv"})"), "customHeaders.content-type");
  config_error(config_with(base + R"(,"customHeaders":{"Bad Name":"v"})"), "customHeaders");
  config_error(config_with(base + R"(,"customHeaders":["X-A"])"), "customHeaders");
  // templates
  config_error("{" + base + "}", "templates");
  config_error("{" + base +
                   R"(,"templates":[{"usageType":"SignIn","contentType":"text/plain","subject":"s","content":"c"}])" +
                   "}",
               "Register, ForgotPassword, Generic");
  config_error(
      "{" + base +
          R"(,"templates":[{"usageType":"Generic","contentType":"text/markdown","subject":"s","content":"c"}])" + "}",
      "templates[0].contentType");
  config_error("{" + base + R"(,"templates":[{"usageType":"Generic","subject":"s","content":"c"}])" + "}",
               "templates[0].contentType");
  config_error("{" + base +
                   R"(,"templates":[{"usageType":"Generic","contentType":"text/plain","subject":"a\nb","content":"c"},
    {"usageType":"SignIn","contentType":"text/plain","subject":"s","content":"c"},
    {"usageType":"Register","contentType":"text/plain","subject":"s","content":"c"},
    {"usageType":"ForgotPassword","contentType":"text/plain","subject":"s","content":"c"}])" +
                   "}",
               "templates[0].subject");
  config_error("[1,2]", "(config)");
  config_error("{not json", "(config)");
}

TEST_CASE("SMTP templates: usage type lookup with Generic fallback, i18n first", "[smtp][config]") {
  auto c = connectors::smtp::from_json(config_with(base + R"(,"replyTo":"support@example.com")"));
  REQUIRE(c);
  const connectors::message m("user@example.com", connectors::usage_type::bind_mfa, connectors::payload().code("1"));
  auto mail = c->build_mail(m);
  REQUIRE(mail);
  CHECK(mail->from == "Logto <noreply@example.com>");
  CHECK(mail->reply_to == "support@example.com");
  auto reg =
      c->build_mail(connectors::message("user@example.com", connectors::usage_type::register_, connectors::payload()));
  REQUIRE(reg);
  CHECK(reg->html);
  c->set_i18n_template_provider([](std::string_view type, std::optional<std::string_view> locale) {
    connectors::email_template t;
    t.subject = std::string(type) + " " + std::string(locale.value_or("-")) + " {{code}}";
    t.content = "<p>{{code}}</p>";
    t.send_from = "Acme <noreply@example.com>";
    t.reply_to = "support+{{code}}@example.com";
    return std::optional<connectors::email_template>(t);
  });
  auto i18n = c->build_mail(connectors::message("user@example.com", connectors::usage_type::sign_in,
                                                connectors::payload().code("42").locale("de")));
  REQUIRE(i18n);
  CHECK(i18n->subject == "SignIn de 42");
  CHECK(i18n->html);  // an i18n template without contentType is HTML (official connector)
  CHECK(i18n->from == "Acme <noreply@example.com>");
  CHECK(i18n->reply_to == "support+42@example.com");
}

namespace {
std::string test_file(const std::string& name) {
  std::ifstream in(std::string(LOGTO_TEST_DATA_DIR) + "/smtp/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  REQUIRE_FALSE(ss.str().empty());
  return ss.str();
}
}  // namespace

TEST_CASE("SMTP config: every console field is honoured or refused by name", "[smtp][config]") {
  SECTION("switches the library honours as they are") {
    auto c = connectors::smtp::from_json(config_with(
        base + R"(,"logger":false,"debug":false,"disableFileAccess":true,"disableUrlAccess":false,"localAddress":"")"));
    REQUIRE(c);
  }
  SECTION("logging, a local address and a DNS timeout are refused by name") {
    config_error(config_with(base + R"(,"logger":true)"), "logger");
    config_error(config_with(base + R"(,"debug":true)"), "debug");
    config_error(config_with(base + R"(,"debug":"yes")"), "debug");
    config_error(config_with(base + R"(,"disableFileAccess":1)"), "disableFileAccess");
    config_error(config_with(base + R"(,"localAddress":"192.0.2.1")"), "localAddress");
    config_error(config_with(base + R"(,"dnsTimeout":30000)"), "dnsTimeout");
  }
  SECTION("tls options: versions, ciphers, client certificate reach the TLS settings") {
    const std::string tls = R"(,"tls":{"minVersion":"TLSv1.2","maxVersion":"TLSv1.2",)"
                            R"("ciphers":"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384",)"
                            R"("cert":)" +
                            json::quote(test_file("client.pem")) + R"(,"key":)" +
                            json::quote(test_file("client-key.pem")) + "}";
    auto c = connectors::smtp::from_json(config_with(base + tls));
    REQUIRE(c);
    const auto o = c->session_options().tls;
    CHECK(o.min_version == smtp::tls_version::tls1_2);
    CHECK(o.max_version == smtp::tls_version::tls1_2);
    CHECK(o.ciphers == std::vector<std::string>{"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384"});
    CHECK(o.cert_pem == test_file("client.pem"));
    CHECK(o.key_pem.reveal() == test_file("client-key.pem"));
    // an encrypted key with its passphrase
    const std::string enc = R"(,"tls":{"cert":)" + json::quote(test_file("client.pem")) + R"(,"key":)" +
                            json::quote(test_file("rsa-key-encrypted.pem"));
    CHECK(connectors::smtp::from_json(config_with(base + enc + R"(,"passphrase":"correct-horse"})")));
    config_error(config_with(base + enc + "}"), "tls.key");
    config_error(config_with(base + enc + R"(,"passphrase":"wrong"})"), "tls.key");
  }
  SECTION("tls options that cannot be honoured are refused by name") {
    config_error(config_with(base + R"(,"tls":{"minVersion":"TLSv1"})"), "tls.minVersion");
    config_error(config_with(base + R"(,"tls":{"maxVersion":"SSLv3"})"), "tls.maxVersion");
    config_error(config_with(base + R"(,"tls":{"ciphers":"HIGH:!aNULL"})"), "tls.ciphers");
    config_error(config_with(base + R"(,"tls":{"ciphers":"ECDHE-RSA-AES128-GCM-SHA256:NOT-A-CIPHER"})"),
                 "NOT-A-CIPHER");
    config_error(config_with(base + R"(,"tls":{"ciphers":7})"), "tls.ciphers");
    config_error(config_with(base + R"(,"tls":{"key":)" + json::quote(test_file("client-key.pem")) + "}"), "tls.cert");
    config_error(config_with(base + R"(,"tls":{"cert":)" + json::quote(test_file("client.pem")) + "}"), "tls.key");
    config_error(config_with(base + R"(,"tls":{"cert":"not a certificate","key":"not a key"})"), "tls.cert");
    config_error(config_with(base + R"(,"tls":{"pfx":"MII..."})"), "tls.pfx");
    config_error(config_with(base + R"(,"tls":{"ecdhCurve":"auto"})"), "tls.ecdhCurve");
    if (!smtp::tls13_available()) config_error(config_with(base + R"(,"tls":{"minVersion":"TLSv1.3"})"), "TLSv1.3");
  }
  SECTION("cipher names map onto mbedTLS suites") {
    for (const char* n : {"ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305", "AES256-SHA",
                          "TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256"}) {
      INFO(n);
      const char* mbed = smtp::tls_cipher_suite_name(n);
      REQUIRE(mbed != nullptr);
      CHECK(mbedtls_ssl_get_ciphersuite_id(mbed) != 0);
    }
    CHECK(smtp::tls_cipher_suite_name("HIGH") == nullptr);
  }
}
