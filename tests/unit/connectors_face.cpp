// What every connector shares (issue 19, "Connectors share one face"): send() returns
// result<send_result> for all five; from_json takes the config as text or as a parsed json::value;
// message::from_json reads the data Logto passes to sendMessage (connector-kit sendMessageDataGuard).
#include <logto/connectors/aliyun_dm.hpp>
#include <logto/connectors/aliyun_sms.hpp>
#include <logto/connectors/smtp.hpp>
#include <logto/connectors/tencent_sms.hpp>
#include <logto/connectors/twilio_sms.hpp>

#include <string>
#include <type_traits>
#include <utility>

#include "catch2_compat.hpp"

using namespace logto;
using namespace logto::connectors;

namespace {

const char* const templates_sms =
    R"("templates":[{"usageType":"SignIn","templateCode":"1"},{"usageType":"Register","templateCode":"2"},
    {"usageType":"ForgotPassword","templateCode":"3"},{"usageType":"Generic","templateCode":"4"}])";
const char* const templates_content =
    R"("templates":[{"usageType":"SignIn","subject":"s","content":"c {{code}}","contentType":"text/plain"},
    {"usageType":"Register","subject":"s","content":"c","contentType":"text/plain"},
    {"usageType":"ForgotPassword","subject":"s","content":"c","contentType":"text/plain"},
    {"usageType":"Generic","subject":"s","content":"c","contentType":"text/plain"}])";

std::string config_text(const std::string& connector) {
  if (connector == "aliyun-sms") {
    return std::string(R"({"accessKeyId":"id","accessKeySecret":"secret","signName":"Logto",)") + templates_sms + "}";
  }
  if (connector == "aliyun-dm") {
    return std::string(R"({"accessKeyId":"id","accessKeySecret":"secret","accountName":"a@mail.example",)") +
           templates_content + "}";
  }
  if (connector == "tencent-sms") {
    return std::string(
               R"({"accessKeyId":"id","accessKeySecret":"secret","signName":"Logto","sdkAppId":"1","region":"r",)") +
           templates_sms + "}";
  }
  if (connector == "twilio-sms") {
    return std::string(R"({"accountSID":"AC1","authToken":"secret","fromMessagingServiceSID":"MG1",)") +
           templates_content + "}";
  }
  return std::string(R"({"host":"smtp.example.com","port":2525,"auth":{"user":"u","pass":"secret"},)"
                     R"("fromEmail":"noreply@example.com","customHeaders":{"X-A":"1","X-B":["2","3"]},)") +
         templates_content + "}";
}

// from_json of `Connector` from text and from the parsed value must agree: both succeed with the same
// settings (compared through the config's templates and a field), or fail with the same error.
template <class Connector>
void same_from_text_and_value(const std::string& text) {
  auto parsed = json::parse(text);
  REQUIRE(parsed);
  auto from_text = Connector::from_json(text);
  auto from_value = Connector::from_json(*parsed);
  REQUIRE(static_cast<bool>(from_text) == static_cast<bool>(from_value));
  if (!from_text) {
    CHECK(from_text.error().code == from_value.error().code);
    CHECK(from_text.error().message == from_value.error().message);
    CHECK(from_text.error().detail == from_value.error().detail);
    return;
  }
  const auto& a = from_text->settings();
  const auto& b = from_value->settings();
  REQUIRE(a.templates.size() == b.templates.size());
  for (std::size_t i = 0; i < a.templates.size(); ++i) CHECK(a.templates[i].usage_type == b.templates[i].usage_type);
}

}  // namespace

TEST_CASE("send() and parse_response() return result<send_result> for every connector", "[connectors][face]") {
  using expected = result<send_result>;
  static_assert(
      std::is_same<decltype(std::declval<const aliyun_sms&>().parse_response(http_response{})), expected>::value,
      "aliyun-sms");
  static_assert(
      std::is_same<decltype(std::declval<const aliyun_dm&>().parse_response(http_response{})), expected>::value,
      "aliyun-dm");
  static_assert(
      std::is_same<decltype(std::declval<const tencent_sms&>().parse_response(http_response{})), expected>::value,
      "tencent-sms");
  static_assert(
      std::is_same<decltype(std::declval<const twilio_sms&>().parse_response(http_response{})), expected>::value,
      "twilio-sms");
  static_assert(std::is_same<aliyun_sms::send_result, send_result>::value &&
                    std::is_same<aliyun_dm::send_result, send_result>::value &&
                    std::is_same<connectors::smtp::send_result, send_result>::value,
                "the per-connector names stay, as aliases of the one type");

  SECTION("aliyun-sms: BizId, RequestId, Code, Message") {
    auto c = aliyun_sms::from_json(config_text("aliyun-sms"));
    REQUIRE(c);
    auto r = c->parse_response({200, {}, R"({"RequestId":"R-1","Message":"OK","BizId":"B-1","Code":"OK"})"});
    REQUIRE(r);
    CHECK(r->message_id == "B-1");
    CHECK(r->request_id == "R-1");
    CHECK(r->code == "OK");
    CHECK(r->message == "OK");
    CHECK(r->biz_id == std::optional<std::string>("B-1"));  // the deprecated name still holds it
  }
  SECTION("aliyun-dm: EnvId, RequestId") {
    auto c = aliyun_dm::from_json(config_text("aliyun-dm"));
    REQUIRE(c);
    auto r = c->parse_response({200, {}, R"({"EnvId":"E-1","RequestId":"R-2"})"});
    REQUIRE(r);
    CHECK(r->message_id == "E-1");
    CHECK(r->request_id == "R-2");
    CHECK(r->env_id == "E-1");
  }
  SECTION("tencent-sms: SerialNo, RequestId, Code, Message of the first SendStatusSet entry") {
    auto c = tencent_sms::from_json(config_text("tencent-sms"));
    REQUIRE(c);
    auto r = c->parse_response(
        {200,
         {},
         R"({"Response":{"SendStatusSet":[{"SerialNo":"2028:1","PhoneNumber":"+8613800138000","Fee":1,)"
         R"("SessionContext":"","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"T-1"}})"});
    REQUIRE(r);
    CHECK(r->message_id == "2028:1");
    CHECK(r->request_id == "T-1");
    CHECK(r->code == "Ok");
    CHECK(r->message == "send success");
  }
  SECTION("twilio-sms: sid, status and the Twilio-Request-Id header; any 2xx body is still a success") {
    auto c = twilio_sms::from_json(config_text("twilio-sms"));
    REQUIRE(c);
    auto r = c->parse_response({201,
                                {{"twilio-request-id", "RQ1"}},
                                R"({"sid":"SM1","status":"queued","body":"Code 123456","error_code":null})"});
    REQUIRE(r);
    CHECK(r->message_id == "SM1");
    CHECK(r->request_id == "RQ1");
    CHECK(r->code == "queued");
    CHECK(r->message.empty());  // Twilio's `body` is the text sent (the code): not kept
    auto bare = c->parse_response({200, {}, "not json"});
    REQUIRE(bare);
    CHECK(bare->message_id.empty());
  }
}

TEST_CASE("from_json takes the config as text or as a parsed json::value, alike", "[connectors][face]") {
  for (const std::string& bad : {std::string("[1]"), std::string(R"({"templates":3})"), std::string("{}")}) {
    INFO(bad);
    same_from_text_and_value<aliyun_sms>(bad);
    same_from_text_and_value<aliyun_dm>(bad);
    same_from_text_and_value<tencent_sms>(bad);
    same_from_text_and_value<twilio_sms>(bad);
    same_from_text_and_value<connectors::smtp>(bad);
  }
  same_from_text_and_value<aliyun_sms>(config_text("aliyun-sms"));
  same_from_text_and_value<aliyun_dm>(config_text("aliyun-dm"));
  same_from_text_and_value<tencent_sms>(config_text("tencent-sms"));
  same_from_text_and_value<twilio_sms>(config_text("twilio-sms"));
  same_from_text_and_value<connectors::smtp>(config_text("smtp"));

  // A value that is not an object names the problem as the text overload does.
  auto not_object = twilio_sms::from_json(json::value(3.0));
  REQUIRE_FALSE(not_object);
  CHECK(not_object.error().code == errc::invalid_config);
  CHECK(not_object.error().message == "invalid twilio-sms config: (config): expected a JSON object, got a number");
  // Text of every spelling still picks the text overload (json::value converts from strings too).
  CHECK_FALSE(twilio_sms::from_json("3"));
  CHECK_FALSE(twilio_sms::from_json(std::string("3")));
  CHECK(twilio_sms::from_json(config_text("twilio-sms").c_str()));
  // The parsed config is read, not consumed: the caller's value is unchanged (not wiped).
  auto parsed = json::parse(config_text("twilio-sms"));
  REQUIRE(parsed);
  const std::string before = json::stringify(*parsed);
  REQUIRE(twilio_sms::from_json(*parsed));
  CHECK(json::stringify(*parsed) == before);
}

TEST_CASE("message::from_json reads sendMessage's data (sendMessageDataGuard)", "[connectors][face]") {
  const std::string data =
      R"({"to":"+8613800138000","type":"SignIn","ip":"192.0.2.1","extra":1,)"
      R"("payload":{"code":"123456","uiLocales":"zh-CN en","locale":"zh-CN","user":{"id":"u1"},"application":null}})";
  SECTION("text: every field, payload order kept, unknown members ignored") {
    auto m = message::from_json(data);
    REQUIRE(m);
    CHECK(m->to == "+8613800138000");
    CHECK(m->type == "SignIn");
    CHECK(m->usage() == usage_type::sign_in);
    CHECK(m->ip == std::optional<std::string>("192.0.2.1"));
    CHECK(m->payload.to_json() ==
          R"({"code":"123456","uiLocales":"zh-CN en","locale":"zh-CN","user":{"id":"u1"},"application":null})");
    // What a connector makes of it: aliyun-sms drops `locale` and keeps the order of the rest.
    auto sms = aliyun_sms::from_json(config_text("aliyun-sms"));
    REQUIRE(sms);
    auto req = sms->build_request(*m, 0, "n");
    REQUIRE(req);
    CHECK(req->body.find("TemplateParam=%7B%22code%22%3A%22123456%22%2C%22uiLocales%22") != std::string::npos);
  }
  SECTION("a parsed value gives the same message (member order aside, with a sorted-map value)") {
    auto parsed = json::parse(data);
    REQUIRE(parsed);
    auto m = message::from_json(*parsed);
    REQUIRE(m);
    CHECK(m->to == "+8613800138000");
    CHECK(m->type == "SignIn");
    CHECK(*m->payload.find_string("code") == "123456");
    CHECK(*m->payload.find_string("locale") == "zh-CN");
    CHECK_FALSE(message::from_json("{}"));  // text still picks the text overload
  }
  SECTION("no ip is fine; the payload may be empty") {
    auto m = message::from_json(R"({"to":"a@example.com","type":"Generic","payload":{}})");
    REQUIRE(m);
    CHECK_FALSE(m->ip);
    CHECK(m->payload.empty());
  }
  SECTION("errors name every bad field by path, never a value") {
    const auto error_of = [](const std::string& text) {
      auto m = message::from_json(text);
      REQUIRE_FALSE(m);
      CHECK(m.error().code == errc::invalid_request_parameters);
      return m.error();
    };
    auto e = error_of(R"({"to":"a","type":"SignIn","payload":{"code":123456}})");
    CHECK(e.message == R"(sendMessage data: "payload.code" must be a string)");
    CHECK(e.detail == "payload.code");
    e = error_of(R"({"type":"Test","payload":{"locale":null,"uiLocales":["en"],"link":1},"ip":7})");
    CHECK(e.message ==
          R"(sendMessage data: "to" must be a string; "type" must be one of SignIn, Register, ForgotPassword, )"
          R"(OrganizationInvitation, Generic, UserPermissionValidation, BindNewIdentifier, MfaVerification, BindMfa; )"
          R"("payload.link" must be a string; "payload.locale" must be a string; "payload.uiLocales" must be a )"
          R"(string; "ip" must be a string)");
    CHECK(e.detail == "to");
    e = error_of(R"({"to":"secret-number","type":"SignIn","payload":"123456"})");
    CHECK(e.message == R"(sendMessage data: "payload" must be an object)");
    e = error_of("[]");
    CHECK(e.message == "sendMessage data: must be a JSON object");
    e = error_of(R"({"to":"a",)");
    CHECK(e.message.rfind("sendMessage data: ", 0) == 0);
  }
}
