// The SMTP connector's header-injection defence, one layer at a time. A line break can reach a header
// field through the message (`to`) or through template rendering (a payload value in the subject, the
// template's replyTo or sendFrom). The connector refuses it right after rendering; smtp::build_message
// (the MIME layer behind it) refuses it again. Each layer is tested alone, by its own message, so
// that removing the first cannot hide behind the second.
#include <logto/connectors/smtp.hpp>
#include <logto/smtp/message.hpp>

#include <string>

#include "catch2_compat.hpp"

using namespace logto;

namespace {

const char* const config_json = R"({"host":"smtp.example.com","port":465,"auth":{"user":"u","pass":"p"},
  "fromEmail":"noreply@example.com","templates":[
    {"usageType":"SignIn","contentType":"text/plain","subject":"Code {{code}}","content":"c"},
    {"usageType":"Register","contentType":"text/plain","subject":"s","content":"c","replyTo":"{{code}}@example.com"},
    {"usageType":"ForgotPassword","contentType":"text/plain","subject":"s","content":"c","sendFrom":"{{code}} <noreply@example.com>"},
    {"usageType":"Generic","contentType":"text/plain","subject":"s","content":"c"}]})";

const char* const injected = "1\r\nBcc: victim@example.com";

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("SMTP connector: a line break in a rendered header field is refused right after rendering",
          "[connectors][smtp][layers]") {
  auto connector = connectors::smtp::from_json(config_json);
  REQUIRE(connector);
  struct attempt {
    connectors::message message;
    const char* field;
  };
  const attempt attempts[] = {
      {connectors::message("user@example.com", connectors::usage_type::sign_in, connectors::payload().code(injected)),
       "subject"},
      {connectors::message("user@example.com", connectors::usage_type::register_, connectors::payload().code(injected)),
       "replyTo"},
      {connectors::message("user@example.com", connectors::usage_type::forgot_password,
                           connectors::payload().code(injected)),
       "sendFrom"},
      {connectors::message("user@example.com\r\nRCPT TO:<x@example.com>", connectors::usage_type::sign_in,
                           connectors::payload().code("1")),
       "to"},
  };
  for (const auto& a : attempts) {
    INFO(a.field);
    // build_mail renders and checks; it builds no MIME message, so only the connector's layer is involved.
    auto mail = connector->build_mail(a.message);
    REQUIRE_FALSE(mail);
    CHECK(mail.error().code == errc::invalid_request_parameters);
    CHECK(mail.error().detail == a.field);
    CHECK(contains(mail.error().message, "after rendering (header injection is refused)"));
  }
  // The same templates with a harmless code render fine: the refusals above come from the line break.
  for (const auto type :
       {connectors::usage_type::sign_in, connectors::usage_type::register_, connectors::usage_type::forgot_password}) {
    CHECK(connector->build_mail(connectors::message("user@example.com", type, connectors::payload().code("123456"))));
  }
}

TEST_CASE("SMTP message: the MIME layer refuses a line break in a header on its own", "[connectors][smtp][layers]") {
  // What the connector's layer would have let through, had it been missing: the rendered fields.
  smtp::mail m;
  m.from = "noreply@example.com";
  m.to = "user@example.com";
  m.subject = "ok";
  m.body = "body";
  const std::string rnd(16, '\x03');
  REQUIRE(smtp::build_message(m, 0, rnd));
  m.subject = std::string("Code ") + injected;
  auto r = smtp::build_message(m, 0, rnd);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::invalid_argument);
  CHECK(r.error().detail == "subject");
  CHECK(contains(r.error().message, "(header injection is refused)"));
  CHECK_FALSE(contains(r.error().message, "after rendering"));  // its own message, not the connector's
}
