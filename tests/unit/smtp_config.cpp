// The SMTP connector's config (the Logto console JSON of @logto/connector-smtp 1.5.4): every field
// is read and checked, and every error names the field, never its value.
#include <logto/connectors/smtp.hpp>

#include <string>

#include "catch2_compat.hpp"

using namespace logto;

namespace {

const char* const templates = R"("templates":[
  {"usageType":"SignIn","contentType":"text/plain","subject":"s","content":"c"},
  {"usageType":"Register","contentType":"text/html","subject":"s","content":"c"},
  {"usageType":"ForgotPassword","contentType":"text/plain","subject":"s","content":"c"},
  {"usageType":"Generic","contentType":"text/plain","subject":"s","content":"c"}])";

std::string config_with(const std::string& fields) {
  return std::string("{") + fields + "," + templates + "}";
}

const std::string base = R"("host":"smtp.example.com","port":587,"auth":{"user":"u@example.com","pass":"hunter2-SECRET"},"fromEmail":"Logto <noreply@example.com>")";

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
  auto c = connectors::smtp::from_json(config_with(base + R"(,"unknownKey":{"x":1},"logger":true)"));
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
  auto oauth = connectors::smtp::from_json(
      config_with(rest + R"(,"auth":{"type":"OAuth2","user":"o@example.com","accessToken":"ya29.SECRET","expires":1})"));
  REQUIRE(oauth);
  REQUIRE(oauth->session_options().client.auth);
  CHECK(oauth->session_options().client.auth->type == smtp::credentials::kind::oauth2);
  auto none = connectors::smtp::from_json(config_with(rest + R"(,"auth":{})"));
  REQUIRE(none);
  CHECK_FALSE(none->session_options().client.auth);
  auto upper = connectors::smtp::from_json(config_with(rest + R"(,"auth":{"type":"LOGIN","user":"u","pass":"p"})"));
  CHECK(upper);
  // Google refresh flows are out of scope, and say so
  const error e = config_error(
      config_with(rest + R"(,"auth":{"type":"oauth2","user":"o@example.com","clientId":"id","clientSecret":"hunter2-SECRET","refreshToken":"r"})"),
      "auth.accessToken");
  CHECK(e.message.find("refresh") != std::string::npos);
  config_error(config_with(rest + R"(,"auth":{"type":"oauth2","user":"o@example.com","privateKey":"k","serviceClient":"1"})"),
               "auth.accessToken");
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
  config_error("{" + base + R"(,"templates":[{"usageType":"SignIn","contentType":"text/plain","subject":"s","content":"c"}])" + "}",
               "Register, ForgotPassword, Generic");
  config_error("{" + base + R"(,"templates":[{"usageType":"Generic","contentType":"text/markdown","subject":"s","content":"c"}])" + "}",
               "templates[0].contentType");
  config_error("{" + base + R"(,"templates":[{"usageType":"Generic","subject":"s","content":"c"}])" + "}",
               "templates[0].contentType");
  config_error("{" + base + R"(,"templates":[{"usageType":"Generic","contentType":"text/plain","subject":"a\nb","content":"c"},
    {"usageType":"SignIn","contentType":"text/plain","subject":"s","content":"c"},
    {"usageType":"Register","contentType":"text/plain","subject":"s","content":"c"},
    {"usageType":"ForgotPassword","contentType":"text/plain","subject":"s","content":"c"}])" + "}",
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
  auto reg = c->build_mail(connectors::message("user@example.com", connectors::usage_type::register_, connectors::payload()));
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
