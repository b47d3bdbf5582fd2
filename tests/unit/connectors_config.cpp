// Connector configs (zod guards of the official connectors), error hygiene (no secrets in errors),
// robustness against malformed provider responses, header/URL injection, and send() over a transport.
#include <logto/connectors/aliyun_dm.hpp>
#include <logto/connectors/aliyun_sms.hpp>
#include <logto/connectors/tencent_sms.hpp>
#include <logto/connectors/twilio_sms.hpp>

#include <functional>
#include <string>
#include <vector>

#include "catch2_compat.hpp"

using namespace logto;
using namespace logto::connectors;

namespace {

const char* const sms_secret = "S3cr3t-AliyunSms-Zq9";
const char* const dm_secret = "S3cr3t-AliyunDm-Xk2";
const char* const tencent_secret = "S3cr3t-Tencent-Wm4";
const char* const twilio_secret = "S3cr3t-Twilio-Pp7";

std::string aliyun_sms_config() {
  return std::string(R"({"accessKeyId":"LTAI5tKeyId","accessKeySecret":")") + sms_secret +
         R"(","signName":"Logto","templates":[{"usageType":"SignIn","templateCode":"SMS_1"},
         {"usageType":"Register","templateCode":"SMS_2"},{"usageType":"ForgotPassword","templateCode":"SMS_3"},
         {"usageType":"Generic","templateCode":{"china":"SMS_CN","overseas":"SMS_INTL"}}]})";
}
std::string aliyun_dm_config() {
  return std::string(R"({"accessKeyId":"LTAI5tDmKeyId","accessKeySecret":")") + dm_secret +
         R"(","accountName":"noreply@mail.example","regionId":"eu-central-1","templates":[
         {"usageType":"SignIn","subject":"s {{code}}","content":"c {{code}}"},
         {"usageType":"Register","subject":"r","content":"r"},{"usageType":"ForgotPassword","subject":"f","content":"f"},
         {"usageType":"Generic","subject":"g {{code}}","content":"g {{code}}"}]})";
}
std::string tencent_config() {
  return std::string(R"({"accessKeyId":"AKIDTestSecretId","accessKeySecret":")") + tencent_secret +
         R"(","signName":"Logto","sdkAppId":"1400000001","region":"ap-guangzhou","templates":[
         {"usageType":"SignIn","templateCode":"1"},{"usageType":"Register","templateCode":"2"},
         {"usageType":"ForgotPassword","templateCode":"3"},{"usageType":"Generic","templateCode":"5"}]})";
}
std::string twilio_config() {
  return std::string(R"({"accountSID":"AC00000000000000000000000000000001","authToken":")") + twilio_secret +
         R"(","fromMessagingServiceSID":"MG00000000000000000000000000000001","templates":[
         {"usageType":"SignIn","content":"Sign in: {{code}}"},{"usageType":"Register","content":"r"},
         {"usageType":"ForgotPassword","content":"f"},{"usageType":"Generic","content":"Code {{code}}"}]})";
}

// Edits a config: `edit` gets the root object.
std::string edited(const std::string& config, const std::function<void(json::object&)>& edit) {
  auto v = json::parse(config);
  REQUIRE(v);
  edit(v->get<json::object>());
  return json::stringify(*v);
}

// from_json of the named connector, reduced to its error (or ok()).
result<void> load(const std::string& connector, const std::string& config) {
  const auto strip = [](auto r) -> result<void> {
    if (!r) return r.error();
    return ok();
  };
  if (connector == "aliyun-sms") return strip(aliyun_sms::from_json(config));
  if (connector == "aliyun-dm") return strip(aliyun_dm::from_json(config));
  if (connector == "tencent-sms") return strip(tencent_sms::from_json(config));
  return strip(twilio_sms::from_json(config));
}

struct connector_fixture {
  const char* name;
  std::string (*config)();
  std::vector<const char*> required_strings;
};

const std::vector<connector_fixture>& fixtures() {
  static const std::vector<connector_fixture> f = {
      {"aliyun-sms", aliyun_sms_config, {"accessKeyId", "accessKeySecret", "signName"}},
      {"aliyun-dm", aliyun_dm_config, {"accessKeyId", "accessKeySecret", "accountName"}},
      {"tencent-sms", tencent_config, {"accessKeyId", "accessKeySecret", "signName", "sdkAppId", "region"}},
      {"twilio-sms", twilio_config, {"accountSID", "authToken", "fromMessagingServiceSID"}},
  };
  return f;
}

bool mentions_a_secret(const error& e) {
  for (const char* s : {sms_secret, dm_secret, tencent_secret, twilio_secret}) {
    if (e.message.find(s) != std::string::npos || e.detail.find(s) != std::string::npos) return true;
  }
  return false;
}

struct fake_transport {
  std::vector<http_request> sent;
  result<http_response> reply = http_response{200, {}, ""};
  result<http_response> send(const http_request& r) {
    sent.push_back(r);
    return reply;
  }
};

struct counting_random {  // bytes 0, 1, 2, ...: a predictable "random" source for tests
  bool fill(unsigned char* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<unsigned char>(i);
    return true;
  }
};
struct failing_random {
  bool fill(unsigned char*, std::size_t) { return false; }
};

message code_message(const char* to, const char* type = "SignIn") {
  payload p;
  p.code("123456");
  return message(to, std::string(type), p);
}

}  // namespace

TEST_CASE("valid configs load; unknown keys are ignored", "[connectors][config]") {
  for (const auto& f : fixtures()) {
    INFO(f.name);
    CHECK(load(f.name, f.config()));
    CHECK(load(f.name, edited(f.config(), [](json::object& o) { o["somethingElse"] = json::value(1.0); })));
  }
}

TEST_CASE("a missing or mistyped required field is invalid_config naming the field", "[connectors][config]") {
  for (const auto& f : fixtures()) {
    for (const char* field : f.required_strings) {
      INFO(f.name << " " << field);
      const std::string key = field;
      auto missing = load(f.name, edited(f.config(), [&key](json::object& o) { o.erase(key); }));
      REQUIRE_FALSE(missing);
      CHECK(missing.error().code == errc::invalid_config);
      CHECK(missing.error().message.find(key + ": expected a string, got nothing") != std::string::npos);
      CHECK(missing.error().detail == key);
      auto wrong = load(f.name, edited(f.config(), [&key](json::object& o) { o[key] = json::value(7.0); }));
      REQUIRE_FALSE(wrong);
      CHECK(wrong.error().code == errc::invalid_config);
      CHECK(wrong.error().message.find(key + ": expected a string, got a number") != std::string::npos);
    }
  }
}

TEST_CASE("template problems: element fields, a missing Generic template, a non-array", "[connectors][config]") {
  for (const auto& f : fixtures()) {
    INFO(f.name);
    auto bad_usage = load(f.name, edited(f.config(), [](json::object& o) {
                            o["templates"].get<json::array>()[2].get<json::object>()["usageType"] = json::value(3.0);
                          }));
    REQUIRE_FALSE(bad_usage);
    CHECK(bad_usage.error().code == errc::invalid_config);
    CHECK(bad_usage.error().message.find("templates[2].usageType: expected a string, got a number") !=
          std::string::npos);
    CHECK(bad_usage.error().detail == "templates[2].usageType");

    auto no_generic =
        load(f.name, edited(f.config(), [](json::object& o) { o["templates"].get<json::array>().pop_back(); }));
    REQUIRE_FALSE(no_generic);
    CHECK(no_generic.error().code == errc::invalid_config);
    CHECK(no_generic.error().message.find("templates: templates for usage type(s) Generic must be present") !=
          std::string::npos);

    auto only_sign_in = load(f.name, edited(f.config(), [](json::object& o) {
                               auto& a = o["templates"].get<json::array>();
                               a.erase(a.begin() + 1, a.end());
                             }));
    REQUIRE_FALSE(only_sign_in);
    CHECK(only_sign_in.error().message.find("Register, ForgotPassword, Generic") != std::string::npos);

    auto not_array =
        load(f.name, edited(f.config(), [](json::object& o) { o["templates"] = json::value(json::object()); }));
    REQUIRE_FALSE(not_array);
    CHECK(not_array.error().message.find("templates: expected an array, got an object") != std::string::npos);

    auto element =
        load(f.name,
             edited(f.config(), [](json::object& o) { o["templates"].get<json::array>()[0] = json::value("SignIn"); }));
    REQUIRE_FALSE(element);
    CHECK(element.error().message.find("templates[0]: expected an object, got a string") != std::string::npos);
  }
}

TEST_CASE("config text that is not a JSON object is invalid_config", "[connectors][config]") {
  for (const auto& f : fixtures()) {
    INFO(f.name);
    for (const char* text : {"", "[]", "null", "\"x\"", "{", "{\"a\":1,\"a\":2}"}) {
      auto r = load(f.name, text);
      REQUIRE_FALSE(r);
      CHECK(r.error().code == errc::invalid_config);
      CHECK(r.error().message.find("(config): ") != std::string::npos);
    }
  }
}

TEST_CASE("connector-specific guards: optional booleans, aliyun template type and code union, DM region",
          "[connectors][config]") {
  const auto msg = [](const result<void>& r) { return r ? std::string() : r.error().message; };
  CHECK(
      msg(load("aliyun-sms", edited(aliyun_sms_config(),
                                    [](json::object& o) { o["strictPhoneRegionNumberCheck"] = json::value("true"); })))
          .find("strictPhoneRegionNumberCheck: expected a boolean, got a string") != std::string::npos);
  CHECK(load("aliyun-sms", edited(aliyun_sms_config(), [](json::object& o) {
               o["templates"].get<json::array>()[0].get<json::object>()["type"] = json::value(7.0);
             })));
  CHECK(msg(load("aliyun-sms", edited(aliyun_sms_config(),
                                      [](json::object& o) {
                                        o["templates"].get<json::array>()[0].get<json::object>()["type"] =
                                            json::value(3.0);
                                      })))
            .find("templates[0].type: expected one of 0, 1, 2, 6, 7") != std::string::npos);
  CHECK(msg(load("aliyun-sms", edited(aliyun_sms_config(),
                                      [](json::object& o) {
                                        o["templates"].get<json::array>()[3].get<json::object>()["templateCode"] =
                                            json::value(json::object());
                                      })))
            .find("templates[3].templateCode: expected a string or an object {china, overseas}") != std::string::npos);
  CHECK(msg(load("twilio-sms", edited(twilio_config(), [](json::object& o) { o["disableRiskCheck"] = json::value(); })))
            .find("disableRiskCheck: expected a boolean, got null") != std::string::npos);

  auto unknown_region = load(
      "aliyun-dm", edited(aliyun_dm_config(), [](json::object& o) { o["regionId"] = json::value("cn-shanghai"); }));
  REQUIRE_FALSE(unknown_region);
  CHECK(unknown_region.error().code == errc::invalid_config);
  CHECK(unknown_region.error().message.find("regionId: expected one of cn-hangzhou") != std::string::npos);
  CHECK(unknown_region.error().message.find("cn-shanghai") == std::string::npos);  // values are never echoed
  CHECK(unknown_region.error().detail == "regionId");
  CHECK_FALSE(load("aliyun-dm", edited(aliyun_dm_config(), [](json::object& o) { o["fromAlias"] = json::value(); })));
  CHECK(load("aliyun-dm", edited(aliyun_dm_config(), [](json::object& o) { o.erase("regionId"); })));

  // Configs built in code go through the same template and region checks.
  aliyun_dm::config dm;
  dm.region_id = std::string("mars-1");
  dm.templates = {{"Generic", "s", "c"}};
  auto r = aliyun_dm::from_config(std::move(dm));
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("regionId") != std::string::npos);
  CHECK(r.error().message.find("Register, SignIn, ForgotPassword") != std::string::npos);
  twilio_sms::config tw;
  tw.templates = {{"Register", ""}, {"SignIn", ""}, {"ForgotPassword", ""}, {"Generic", ""}};
  CHECK(twilio_sms::from_config(std::move(tw)));
}

TEST_CASE("secrets never appear in errors from from_json, build_request or parse_response", "[connectors][config]") {
  std::vector<error> errors;
  const auto collect = [&errors](const auto& r) {
    if (!r) errors.push_back(r.error());
  };
  for (const auto& f : fixtures()) {
    const std::string base = f.config();
    // Every required field broken in turn (the secret stays in the document), plus structural damage.
    for (const char* field : f.required_strings) {
      const std::string key = field;
      collect(load(f.name, edited(base, [&key](json::object& o) { o[key] = json::value(1.0); })));
      collect(load(f.name, edited(base, [&key](json::object& o) { o.erase(key); })));
    }
    collect(load(f.name, edited(base, [](json::object& o) { o["templates"] = json::value(3.0); })));
    collect(load(f.name, base.substr(0, base.size() - 2)));  // truncated JSON
    collect(load(f.name, base + "x"));                       // trailing garbage
    // A secret typed into the wrong field is not echoed either.
    collect(load(f.name, edited(base, [](json::object& o) {
                   o["regionId"] = json::value(tencent_secret);
                   o["disableRiskCheck"] = json::value(twilio_secret);
                   o["strictPhoneRegionNumberCheck"] = json::value(sms_secret);
                   o["templates"].get<json::array>()[0].get<json::object>()["templateCode"] = json::value(1.0);
                   o["templates"].get<json::array>()[0].get<json::object>()["content"] = json::value(1.0);
                   o["templates"].get<json::array>()[0].get<json::object>()["subject"] = json::value(1.0);
                 })));
  }
  // build_request failures and every kind of provider answer.
  auto sms = aliyun_sms::from_json(aliyun_sms_config());
  auto dm = aliyun_dm::from_json(aliyun_dm_config());
  auto tc = tencent_sms::from_json(tencent_config());
  auto tw = twilio_sms::from_json(twilio_config());
  REQUIRE((sms && dm && tc && tw));
  collect(tc->build_request(code_message("+86", "BindMfa"), 0));
  collect(tc->build_request(message("\xff", usage_type::sign_in), 0));
  const std::vector<http_response> responses = {
      {200, {}, ""},
      {200, {}, "not json"},
      {200, {}, R"({"Code":"isv.BUSINESS_LIMIT_CONTROL","Message":"m","RequestId":"r"})"},
      {200, {}, R"({"Code":"X","Message":"m","RequestId":"r"})"},
      {400, {}, R"({"Code":"SignatureDoesNotMatch","Message":"m","RequestId":"r"})"},
      {403, {}, R"({"Response":{"Error":{"Code":"AuthFailure","Message":"m"}}})"},
      {200, {}, R"({"Response":{"SendStatusSet":[{"Code":"Fail","Message":"m"}],"RequestId":"r"}})"},
      {500, {}, "<html>oops</html>"},
      {304, {}, ""},
  };
  for (const auto& r : responses) {
    auto a = sms->parse_response(r);
    if (!a) errors.push_back(a.error());
    auto b = dm->parse_response(r);
    if (!b) errors.push_back(b.error());
    collect(tc->parse_response(r));
    collect(tw->parse_response(r));
  }
  REQUIRE(errors.size() > 50);
  for (const auto& e : errors) {
    INFO(e.message << " | " << e.detail);
    CHECK_FALSE(mentions_a_secret(e));
    CHECK_FALSE(e.message.empty());
  }
}

TEST_CASE("malformed provider responses never crash and map to a connector error", "[connectors][responses]") {
  auto sms = aliyun_sms::from_json(aliyun_sms_config());
  auto dm = aliyun_dm::from_json(aliyun_dm_config());
  auto tc = tencent_sms::from_json(tencent_config());
  auto tw = twilio_sms::from_json(twilio_config());
  REQUIRE((sms && dm && tc && tw));
  std::string deep(2000, '[');
  deep += std::string(2000, ']');
  const std::vector<std::string> bodies = {"",
                                           " ",
                                           "null",
                                           "true",
                                           "0",
                                           "\"OK\"",
                                           "[]",
                                           "{}",
                                           "[{}]",
                                           "{\"Code\":null}",
                                           "\xff\xfe",
                                           "\xEF\xBB\xBF{}",
                                           "{\"a\":1,\"a\":2}",
                                           "{\"Code\":\"OK\",\"Message\":\"OK\",\"RequestId\":\"r\",\"BizId\":null}",
                                           "{\"Response\":null}",
                                           "{\"Response\":[]}",
                                           "{\"Response\":\"x\"}",
                                           "{\"Response\":{\"SendStatusSet\":null}}",
                                           "{\"Response\":{\"SendStatusSet\":\"abc\"}}",
                                           "{\"Response\":{\"SendStatusSet\":[null]}}",
                                           "{\"Response\":{\"SendStatusSet\":[{\"Code\":5}]}}",
                                           "{\"Response\":{\"Error\":{\"Code\":1,\"Message\":\"m\"}}}",
                                           deep,
                                           std::string(LOGTO_MAX_JSON_SIZE + 10, ' '),
                                           "{\"EnvId\":[],\"RequestId\":{}}"};
  const int statuses[] = {0, 100, 200, 201, 204, 301, 304, 400, 404, 429, 500, 502, 999, -1};
  std::size_t runs = 0;
  for (const auto& body : bodies) {
    for (const int status : statuses) {
      const http_response r{status, {}, body};
      const auto allowed = [](errc c) {
        return c == errc::general || c == errc::invalid_response || c == errc::rate_limit_exceeded;
      };
      auto a = sms->parse_response(r);
      CHECK((a || allowed(a.error().code)));
      auto b = dm->parse_response(r);
      CHECK((b || allowed(b.error().code)));
      auto c = tc->parse_response(r);
      CHECK((c || allowed(c.error().code)));
      auto d = tw->parse_response(r);
      CHECK((d || allowed(d.error().code)));
      // Only a 2xx can be success.
      if (a || b || c || d) CHECK((status >= 200 && status < 300));
      ++runs;
    }
  }
  CHECK(runs == bodies.size() * (sizeof statuses / sizeof statuses[0]));
}

TEST_CASE("tencent-sms success path follows the official JavaScript semantics", "[connectors][responses]") {
  auto tc = tencent_sms::from_json(tencent_config());
  REQUIRE(tc);
  const auto code = [&tc](const char* body) {
    auto r = tc->parse_response({200, {}, body});
    return r ? std::string("ok") : std::string(to_string(r.error().code));
  };
  CHECK(code(R"({"Response":{"SendStatusSet":[{"Code":"Ok"}]}})") == "ok");
  CHECK(code(R"({"Response":{"SendStatusSet":[{"Code":"oK"}]}})") == "ok");
  CHECK(code("{\"Response\":{\"SendStatusSet\":[{\"Code\":\"O\xE2\x84\xAA\"}]}}") == "ok");  // KELVIN SIGN -> 'k'
  CHECK(code(R"({"Response":{"SendStatusSet":{"0":{"Code":"Ok"}}}})") == "ok");  // SendStatusSet[0] on an object
  CHECK(code(R"({"Response":{"SendStatusSet":[]}})") == "general");              // Cannot find item at index 0
  CHECK(code(R"({"Response":{"SendStatusSet":[0]}})") == "general");
  CHECK(code(R"({"Response":{"SendStatusSet":5}})") == "general");
  CHECK(code(R"({"Response":{"SendStatusSet":""}})") == "general");
  CHECK(code(R"({"Response":{"SendStatusSet":"abc"}})") == "invalid_response");  // "a".Code.toLowerCase()
  CHECK(code(R"({"Response":{"SendStatusSet":[{"Code":5}]}})") == "invalid_response");
  CHECK(code(R"({"Response":{"SendStatusSet":[[1]]}})") == "invalid_response");
  CHECK(code(R"({"Response":{"Error":{"Code":"E","Message":"m"},"SendStatusSet":[{"Code":"Ok"}]}})") == "general");
  CHECK(code(R"({"Response":{"Error":{"Code":"E"},"SendStatusSet":[{"Code":"Ok"}]}})") == "ok");  // guard fails
  CHECK(code(R"({"Response":{"SendStatusSet":[{"Code":"Fail","Message":"m"}],"RequestId":"r"}})") == "general");
  auto detail = tc->parse_response({200, {}, R"({"Response":{"SendStatusSet":[{"Code":"LimitExceeded"}]}})"});
  REQUIRE_FALSE(detail);
  CHECK(detail.error().detail == "LimitExceeded: undefined, RequestId: undefined");  // as the JS template literal
}

TEST_CASE("no header or URL injection through config values; non-UTF-8 text is refused", "[connectors][config]") {
  auto bad_region = tencent_sms::from_json(
      edited(tencent_config(), [](json::object& o) { o["region"] = json::value("ap-guangzhou\r\nX-Evil: 1"); }));
  REQUIRE(bad_region);  // the zod guard accepts any string ...
  auto r = bad_region->build_request(code_message("+8613800138000"), 1704164645);
  REQUIRE_FALSE(r);  // ... but it never reaches a header
  CHECK(r.error().code == errc::invalid_config);
  CHECK(r.error().detail == "region");
  auto bad_id = tencent_sms::from_json(
      edited(tencent_config(), [](json::object& o) { o["accessKeyId"] = json::value("AKID\n"); }));
  REQUIRE(bad_id);
  CHECK(bad_id->build_request(code_message("+1"), 0).error().detail == "accessKeyId");

  for (const char* sid : {"AC/../x", "AC?x", "AC#x", "AC\\x", ".", "..", "%2E", ".%2e", "AC\tx"}) {
    INFO(sid);
    auto url = twilio_sms::messages_url(sid);
    REQUIRE_FALSE(url);
    CHECK(url.error().code == errc::invalid_config);
  }
  CHECK(*twilio_sms::messages_url("AC 1\xC3\xA9\"<>`{}^|%") ==
        "https://api.twilio.com/2010-04-01/Accounts/AC%201%C3%A9%22%3C%3E%60%7B%7D^|%/Messages.json");

  auto sms = aliyun_sms::from_json(aliyun_sms_config());
  REQUIRE(sms);
  auto bad_to = sms->build_request(code_message("\xC3"), 0, "n");
  REQUIRE_FALSE(bad_to);
  CHECK(bad_to.error().code == errc::invalid_request_parameters);
  payload p;
  p.set("x", value(std::string("\xED\xA0\x80")));  // an encoded surrogate is not UTF-8
  CHECK(sms->build_request(message("1", usage_type::sign_in, p), 0, "n").error().code ==
        errc::invalid_request_parameters);
}

TEST_CASE("a provider's used-up quota is usage_limit_exceeded, a frequency limit rate_limit_exceeded",
          "[connectors][responses]") {
  auto sms = aliyun_sms::from_json(aliyun_sms_config());
  auto tc = tencent_sms::from_json(tencent_config());
  REQUIRE((sms && tc));
  const auto aliyun = [&sms](const std::string& code, int status = 200) {
    auto r = sms->parse_response({status, {}, R"({"Code":")" + code + R"(","Message":"m","RequestId":"r"})"});
    REQUIRE_FALSE(r);
    CHECK(r.error().detail == code + ": m");  // the provider's own code, for the host's logs
    return std::string(to_string(r.error().code));
  };
  CHECK(aliyun("isv.AMOUNT_NOT_ENOUGH") == "usage_limit_exceeded");
  CHECK(aliyun("isv.OUT_OF_SERVICE") == "usage_limit_exceeded");
  CHECK(aliyun("isv.DAY_LIMIT_CONTROL") == "usage_limit_exceeded");
  CHECK(aliyun("isv.MONTH_LIMIT_CONTROL") == "usage_limit_exceeded");
  CHECK(aliyun("isv.BUSINESS_LIMIT_CONTROL") == "rate_limit_exceeded");  // the official mapping
  CHECK(aliyun("isv.MOBILE_NUMBER_ILLEGAL") == "general");
  CHECK(aliyun("isv.AMOUNT_NOT_ENOUGH", 400) == "general");  // as BUSINESS_LIMIT_CONTROL: only on a 2xx
  const auto tencent = [&tc](const std::string& code) {
    const std::string status =
        R"({"Response":{"SendStatusSet":[{"Code":")" + code + R"(","Message":"m"}],"RequestId":"r"}})";
    const std::string error = R"({"Response":{"Error":{"Code":")" + code + R"(","Message":"m"},"RequestId":"r"}})";
    auto a = tc->parse_response({200, {}, status});
    auto b = tc->parse_response({200, {}, error});
    REQUIRE_FALSE(a);
    REQUIRE_FALSE(b);
    CHECK(a.error().code == b.error().code);  // in the send status and as the request's error alike
    return std::string(to_string(a.error().code));
  };
  CHECK(tencent("FailedOperation.InsufficientBalanceInSmsPackage") == "usage_limit_exceeded");
  CHECK(tencent("LimitExceeded.AppDailyLimit") == "usage_limit_exceeded");
  CHECK(tencent("LimitExceeded.DailyLimit") == "usage_limit_exceeded");
  CHECK(tencent("LimitExceeded.AppMainlandChinaDailyLimit") == "usage_limit_exceeded");
  CHECK(tencent("LimitExceeded.PhoneNumberDailyLimit") == "rate_limit_exceeded");
  CHECK(tencent("LimitExceeded.PhoneNumberThirtySecondLimit") == "rate_limit_exceeded");
  CHECK(tencent("RequestLimitExceeded") == "rate_limit_exceeded");
  CHECK(tencent("LimitExceeded.PhoneNumberCountLimit") == "general");  // too many numbers in one request
  CHECK(tencent("FailedOperation.SignatureIncorrectOrUnapproved") == "general");
}

TEST_CASE("aliyun-sms picks the {china, overseas} template code like isChinaNumber", "[connectors][aliyun]") {
  CHECK(aliyun_sms::is_china_number("13800138000", false));
  CHECK(aliyun_sms::is_china_number("14155550100", false));  // 1 + 10 digits counts as China when not strict
  CHECK(aliyun_sms::is_china_number("+8613800138000", true));
  CHECK(aliyun_sms::is_china_number("008613800138000", true));
  CHECK(aliyun_sms::is_china_number("8613800138000", true));
  CHECK_FALSE(aliyun_sms::is_china_number("13800138000", true));
  CHECK_FALSE(aliyun_sms::is_china_number("+86 138 0013 8000", false));
  CHECK_FALSE(aliyun_sms::is_china_number("+861088888888", false));
  CHECK_FALSE(aliyun_sms::is_china_number("+14155550100", false));
}

TEST_CASE("aliyun-dm asks the i18n template provider with the usage type and payload locale", "[connectors][aliyun]") {
  auto dm = aliyun_dm::from_json(aliyun_dm_config());
  REQUIRE(dm);
  std::vector<std::pair<std::string, std::optional<std::string>>> asked;
  dm->set_i18n_template_provider([&asked](std::string_view type, std::optional<std::string_view> locale) {
    asked.emplace_back(std::string(type), locale ? std::optional<std::string>(std::string(*locale)) : std::nullopt);
    if (locale && *locale == "fr") {
      email_template t;
      t.subject = "Code {{code}}";
      t.content = "<p>{{code}}</p>";
      t.send_from = "Acme";
      return std::optional<email_template>(t);
    }
    return std::optional<email_template>();
  });
  payload fr;
  fr.code("42").locale("fr");
  auto a = dm->build_request(message("u@example.com", usage_type::register_, fr), 1704164645, "n");
  REQUIRE(a);
  CHECK(a->url == "https://dm.eu-central-1.aliyuncs.com/");
  CHECK(a->body.find("&FromAlias=Acme&Subject=Code+42&HtmlBody=%3Cp%3E42%3C%2Fp%3E&RegionId=eu-central-1&") !=
        std::string::npos);
  auto b = dm->build_request(code_message("u@example.com", "BindMfa"), 1704164645, "n");  // no locale -> config
  REQUIRE(b);
  CHECK(b->body.find("&ToAddress=u%40example.com&Subject=g+123456&HtmlBody=g+123456&") != std::string::npos);
  REQUIRE(asked.size() == 2);
  CHECK(asked[0].first == "Register");
  CHECK(asked[0].second == std::optional<std::string>("fr"));
  CHECK(asked[1].first == "BindMfa");
  CHECK_FALSE(asked[1].second);
}

TEST_CASE("send(): library clock and random source, transport failures, outcome", "[connectors][send]") {
  auto sms = aliyun_sms::from_json(aliyun_sms_config());
  REQUIRE(sms);
  fake_transport t;
  t.reply = http_response{200, {}, R"({"Code":"OK","Message":"OK","RequestId":"R-1","BizId":"B-1"})"};
  manual_clock clock{1704164645};
  counting_random rng;
  auto sent = sms->send(code_message("13800138000"), t, clock, rng);
  REQUIRE(sent);
  CHECK(sent->request_id == "R-1");
  CHECK(sent->biz_id == std::optional<std::string>("B-1"));
  REQUIRE(t.sent.size() == 1);
  // crypto::uuid_v4 over bytes 00..0f, version and variant bits set.
  const std::string nonce = "00010203-0405-4607-8809-0a0b0c0d0e0f";
  CHECK(t.sent[0].body.find("&SignatureNonce=" + nonce + "&Timestamp=2024-01-02T03%3A04%3A05Z&Signature=") !=
        std::string::npos);
  auto direct = sms->build_request(code_message("13800138000"), 1704164645, nonce);
  REQUIRE(direct);
  CHECK(direct->body == t.sent[0].body);
  CHECK(direct->body.find("TemplateCode=SMS_1&") != std::string::npos);

  // Default clock and random source: a fresh v4 UUID nonce.
  fake_transport t2;
  t2.reply = t.reply;
  CHECK(sms->send(code_message("13800138000"), t2));
  REQUIRE(t2.sent.size() == 1);
  const std::string& body = t2.sent[0].body;
  const std::size_t at = body.find("SignatureNonce=");
  REQUIRE(at != std::string::npos);
  const std::string uuid = body.substr(at + 15, 36);
  CHECK(uuid[8] == '-');
  CHECK(uuid[14] == '4');
  CHECK(uuid != nonce);

  failing_random broken;
  auto no_random = sms->send(code_message("13800138000"), t, clock, broken);
  REQUIRE_FALSE(no_random);
  CHECK(no_random.error().code == errc::crypto_error);

  // A transport failure is a connector error (the official connector lets got's RequestError escape).
  fake_transport down;
  down.reply = make_error(errc::transport_error, "connect ECONNREFUSED 127.0.0.1:443", "ECONNREFUSED");
  for (int which = 0; which < 4; ++which) {
    result<void> r = ok();
    if (which == 0) {
      auto x = sms->send(code_message("13800138000"), down, clock, rng);
      r = x ? ok() : result<void>(x.error());
    } else if (which == 1) {
      auto x = aliyun_dm::from_json(aliyun_dm_config())->send(code_message("u@example.com"), down, clock, rng);
      r = x ? ok() : result<void>(x.error());
    } else if (which == 2) {
      auto x = tencent_sms::from_json(tencent_config())->send(code_message("+86"), down, clock, rng);
      r = x ? ok() : result<void>(x.error());
    } else {
      auto x = twilio_sms::from_json(twilio_config())->send(code_message("+1"), down, clock, rng);
      r = x ? ok() : result<void>(x.error());
    }
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::general);
    CHECK(r.error().message.find("connect ECONNREFUSED 127.0.0.1:443") != std::string::npos);
    CHECK(r.error().detail == "transport_error: ECONNREFUSED");
  }

  // Tencent stamps X-TC-Timestamp from the clock; Twilio's 201 is success, its 304 is not.
  auto tc = tencent_sms::from_json(tencent_config());
  fake_transport tt;
  tt.reply = http_response{200, {}, R"({"Response":{"SendStatusSet":[{"Code":"Ok"}],"RequestId":"r"}})"};
  CHECK(tc->send(code_message("+8613800138000"), tt, clock));
  REQUIRE(tt.sent.size() == 1);
  CHECK(http_find_header(tt.sent[0].headers, "x-tc-timestamp") != nullptr);
  CHECK(*http_find_header(tt.sent[0].headers, "x-tc-timestamp") == "1704164645");
  auto tw = twilio_sms::from_json(twilio_config());
  fake_transport tw_t;
  tw_t.reply = http_response{201, {}, "{}"};
  CHECK(tw->send(code_message("14155550100"), tw_t));
  CHECK(tw_t.sent[0].body.rfind("To=%2B14155550100&", 0) == 0);
  tw_t.reply = http_response{304, {}, ""};
  auto not_modified = tw->send(code_message("14155550100"), tw_t);
  REQUIRE_FALSE(not_modified);
  CHECK(not_modified.error().code == errc::general);
}

TEST_CASE("Twilio's own error code and message are in the error a person reads", "[connectors][twilio]") {
  auto tw = twilio_sms::from_json(twilio_config());
  REQUIRE(tw);
  auto r = tw->parse_response(
      {400,
       {},
       R"({"code":21211,"message":"The 'To' number +1555 is not a valid phone number.\r\nX","more_info":"https://www.twilio.com/docs/errors/21211","status":400})"});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::general);  // connector-kit's code, as the official connector
  CHECK(r.error().message.find("HTTP 400") != std::string::npos);
  CHECK(r.error().message.find("Twilio error 21211") != std::string::npos);
  CHECK(r.error().message.find("is not a valid phone number.") != std::string::npos);
  CHECK(r.error().message.find("https://www.twilio.com/docs/errors/21211") != std::string::npos);
  CHECK(r.error().message.find('\r') == std::string::npos);  // the provider's text stays on one line
  // A body that is not Twilio's JSON still says the status.
  auto html = tw->parse_response({502, {}, "<html>bad gateway</html>"});
  REQUIRE_FALSE(html);
  CHECK(html.error().message == "Twilio refused to send the message (HTTP 502)");
}
