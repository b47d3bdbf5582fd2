// Target connector_response: an HTTP connector's provider answer (the SMTP connector's answers are the
// SMTP replies of the smtp_client target). Byte 0 picks the connector (aliyun-sms, aliyun-dm,
// tencent-sms, twilio-sms), byte 1 the status, the rest is the body.
//
// Properties:
// - success only for a 2xx status, and only when picojson agrees with the documented success shape:
//   Aliyun SMS `Code == "OK"` with string Message and RequestId (the result's fields equal them);
//   Aliyun DM string EnvId and RequestId (equal); Tencent a Response.SendStatusSet and no
//   Response.Error {Code, Message};
// - a refusal is one of connector-kit's codes (general, invalid_response, rate_limit_exceeded), and
//   rate_limit_exceeded only for Aliyun SMS's `isv.BUSINESS_LIMIT_CONTROL`;
// - the body excerpt in an error detail is bounded and, for a UTF-8 body, still valid UTF-8.
#include <logto/connectors/aliyun_dm.hpp>
#include <logto/connectors/aliyun_sms.hpp>
#include <logto/connectors/tencent_sms.hpp>
#include <logto/connectors/twilio_sms.hpp>

#include "common.hpp"

namespace {

namespace cn = logto::connectors;

constexpr int statuses[16] = {200, 201, 204, 299, 300, 304, 400, 401, 403, 404, 429, 500, 502, 503, 0, 199};

const std::string templates =
    R"("templates":[{"usageType":"SignIn","templateCode":"T1","content":"c {{code}}",)"
    R"("subject":"s"},{"usageType":"Register","templateCode":"T2","content":"c","subject":"s"},)"
    R"({"usageType":"ForgotPassword","templateCode":"T3","content":"c","subject":"s"},)"
    R"({"usageType":"Generic","templateCode":"T4","content":"c","subject":"s"}])";

template <class C>
C make(const std::string& fields) {
  auto c = C::from_json("{" + fields + "," + templates + "}");
  FUZZ_REQUIRE(c.has_value(), "the fixed connector config is valid");
  return std::move(*c);
}

const cn::aliyun_sms& aliyun_sms() {
  static const auto c = make<cn::aliyun_sms>(R"("accessKeyId":"id","accessKeySecret":"secret","signName":"Logto")");
  return c;
}
const cn::aliyun_dm& aliyun_dm() {
  static const auto c = make<cn::aliyun_dm>(R"("accessKeyId":"id","accessKeySecret":"secret","accountName":"a@b.c")");
  return c;
}
const cn::tencent_sms& tencent_sms() {
  static const auto c = make<cn::tencent_sms>(
      R"("accessKeyId":"id","accessKeySecret":"secret","signName":"Logto","sdkAppId":"1400","region":"ap-guangzhou")");
  return c;
}
const cn::twilio_sms& twilio_sms() {
  static const auto c =
      make<cn::twilio_sms>(R"("accountSID":"AC0123","authToken":"token","fromMessagingServiceSID":"MG0123")");
  return c;
}

void check_error(const logto::error& e, std::string_view body) {
  FUZZ_REQUIRE(e.code == logto::errc::general || e.code == logto::errc::invalid_response ||
                   e.code == logto::errc::rate_limit_exceeded,
               "a provider refusal is general, invalid_response or rate_limit_exceeded");
  FUZZ_REQUIRE(e.detail.size() <= 1100, "error details are bounded");
  if (logto::is_valid_utf8(body)) FUZZ_REQUIRE(logto::is_valid_utf8(e.detail), "a UTF-8 body gives a UTF-8 detail");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)aliyun_sms();
  (void)aliyun_dm();
  (void)tencent_sms();
  (void)twilio_sms();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = fuzz::as_view(data, size);
  const unsigned kind = fuzz::take_byte(in) % 4;
  logto::http_response r;
  r.status = statuses[fuzz::take_byte(in) % 16];
  r.body = std::string(in);
  const bool ok_status = logto::detail::http_ok(r.status);
  const auto body = fuzz::independent_json(in);

  switch (kind) {
    case 0: {
      const auto res = aliyun_sms().parse_response(r);
      if (!res) {
        check_error(res.error(), in);
        if (res.error().code == logto::errc::rate_limit_exceeded) {
          FUZZ_REQUIRE(ok_status && body && *fuzz::member_string(*body, "Code") == "isv.BUSINESS_LIMIT_CONTROL",
                       "rate_limit_exceeded only for isv.BUSINESS_LIMIT_CONTROL");
        }
        break;
      }
      FUZZ_REQUIRE(ok_status && body, "Aliyun SMS success needs 2xx and JSON");
      const std::string* code = fuzz::member_string(*body, "Code");
      const std::string* message = fuzz::member_string(*body, "Message");
      const std::string* request_id = fuzz::member_string(*body, "RequestId");
      FUZZ_REQUIRE(code && *code == "OK" && res->code == *code, "Aliyun SMS success has Code OK");
      FUZZ_REQUIRE(message && *message == res->message && request_id && *request_id == res->request_id,
                   "Aliyun SMS success fields agree with picojson");
      break;
    }
    case 1: {
      const auto res = aliyun_dm().parse_response(r);
      if (!res) {
        check_error(res.error(), in);
        FUZZ_REQUIRE(res.error().code != logto::errc::rate_limit_exceeded, "Aliyun DM has no rate-limit code");
        break;
      }
      FUZZ_REQUIRE(ok_status && body, "Aliyun DM success needs 2xx and JSON");
      const std::string* env = fuzz::member_string(*body, "EnvId");
      const std::string* request_id = fuzz::member_string(*body, "RequestId");
      FUZZ_REQUIRE(env && *env == res->env_id && request_id && *request_id == res->request_id,
                   "Aliyun DM success fields agree with picojson");
      break;
    }
    case 2: {
      const auto res = tencent_sms().parse_response(r);
      if (!res) {
        check_error(res.error(), in);
        break;
      }
      FUZZ_REQUIRE(ok_status && body, "Tencent success needs 2xx and JSON");
      const picojson::value* response = fuzz::member(*body, "Response");
      FUZZ_REQUIRE(response != nullptr && fuzz::member(*response, "SendStatusSet") != nullptr,
                   "Tencent success has a Response with a SendStatusSet");
      const picojson::value* error = fuzz::member(*response, "Error");
      FUZZ_REQUIRE(error == nullptr || !fuzz::member_string(*error, "Code") || !fuzz::member_string(*error, "Message"),
                   "Tencent success has no Response.Error {Code, Message}");
      break;
    }
    default: {
      const auto res = twilio_sms().parse_response(r);
      if (!res) check_error(res.error(), in);
      FUZZ_REQUIRE(res.has_value() == ok_status, "Twilio succeeds exactly on 2xx");
      break;
    }
  }
  return 0;
}
