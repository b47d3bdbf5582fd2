// logto-cpp's connector signers, through the public API: aliyun_sms / tencent_sms built once from the
// connector config JSON (as the official connectors get it), then build_request(message, time, nonce) per
// operation: template lookup, payload JSON, canonicalisation, HMAC, body and headers, as an http_request.
// Same inputs as the limit and the captures (sign_cases.hpp); the result is checked byte for byte.
#include <stdexcept>

#include <logto/connectors/aliyun_sms.hpp>
#include <logto/connectors/tencent_sms.hpp>

#include "bench.hpp"
#include "sign_cases.hpp"

namespace {

using namespace logto;
using namespace logto::connectors;

const char* const kAliyunConfig =
    R"({"accessKeyId":"LTAI5tCaptureAccessKeyId","accessKeySecret":"CaptureAccessKeySecret0123456789",)"
    R"("signName":"Logto","templates":[{"usageType":"SignIn","templateCode":"SMS_100000001"},)"
    R"({"usageType":"Register","templateCode":"SMS_100000002"},)"
    R"({"usageType":"ForgotPassword","templateCode":"SMS_100000003"},)"
    R"({"usageType":"Generic","templateCode":"SMS_100000005"}]})";

const char* const kTencentConfig =
    R"({"accessKeyId":"AKIDCaptureSecretId0000000000000000","accessKeySecret":"CaptureSecretKey00000000000000000",)"
    R"("signName":"Logto","sdkAppId":"1400000001","region":"ap-guangzhou","templates":[)"
    R"({"usageType":"SignIn","templateCode":"1000001"},{"usageType":"Register","templateCode":"1000002"},)"
    R"({"usageType":"ForgotPassword","templateCode":"1000003"},{"usageType":"OrganizationInvitation","templateCode":"1000004"},)"
    R"({"usageType":"Generic","templateCode":"1000005"},{"usageType":"UserPermissionValidation","templateCode":"1000006"},)"
    R"({"usageType":"BindNewIdentifier","templateCode":"1000007"},{"usageType":"MfaVerification","templateCode":"1000008"},)"
    R"({"usageType":"BindMfa","templateCode":"1000009"}]})";

message make_message(const char* to) {
  message m;
  m.to = to;
  m.type = "SignIn";
  m.payload.code(bench::aliyun_case::code);
  return m;
}

const std::string* header(const http_request& r, const char* name) {
  for (const auto& h : r.headers) {
    if (h.name.size() == std::char_traits<char>::length(name)) {
      bool eq = true;
      for (std::size_t i = 0; i < h.name.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(h.name[i])) != std::tolower(static_cast<unsigned char>(name[i]))) {
          eq = false;
        }
      }
      if (eq) return &h.value;
    }
  }
  return nullptr;
}

template <class Connector>
class sign_op : public bench::op {
 public:
  sign_op(Connector c, message m, std::int64_t t, std::string nonce)
      : c_(std::move(c)), m_(std::move(m)), t_(t), nonce_(std::move(nonce)) {}
  result<http_request> once() const { return c_.build_request(m_, t_, nonce_); }
  std::size_t run(std::size_t n) override {
    std::size_t ok = 0;
    for (std::size_t i = 0; i < n; ++i) ok += once().has_value() ? 1 : 0;
    return ok;
  }

 private:
  Connector c_;
  message m_;
  std::int64_t t_;
  std::string nonce_;
};

const bench::register_op reg_aliyun(
    "sign/aliyun-sms (POP RPC v1, HMAC-SHA1)", "logto-cpp: aliyun_sms::build_request", 10, false,
    [](std::string& self_check, std::string& why_not) -> std::unique_ptr<bench::op> {
      auto c = aliyun_sms::from_json(kAliyunConfig);
      if (!c) {
        why_not = "from_json: " + c.error().message;
        return nullptr;
      }
      auto o = std::make_unique<sign_op<aliyun_sms>>(std::move(*c), make_message(bench::aliyun_case::phone),
                                                     bench::aliyun_case::unix_seconds, bench::aliyun_case::nonce);
      auto r = o->once();
      if (!r) {
        why_not = "build_request: " + r.error().message;
        return nullptr;
      }
      if (r->body != bench::aliyun_case::expected_body) {
        why_not = "body differs from the official connector capture: " + r->body;
        return nullptr;
      }
      self_check = "body byte-identical to the official connector capture aliyun-sms/basic-ascii";
      return o;
    });

const bench::register_op reg_tencent(
    "sign/tencent-sms (TC3-HMAC-SHA256)", "logto-cpp: tencent_sms::build_request", 10, false,
    [](std::string& self_check, std::string& why_not) -> std::unique_ptr<bench::op> {
      auto c = tencent_sms::from_json(kTencentConfig);
      if (!c) {
        why_not = "from_json: " + c.error().message;
        return nullptr;
      }
      auto o = std::make_unique<sign_op<tencent_sms>>(std::move(*c), make_message(bench::tencent_case::phone),
                                                      bench::tencent_case::unix_seconds, std::string());
      auto r = o->once();
      if (!r) {
        why_not = "build_request: " + r.error().message;
        return nullptr;
      }
      const std::string* auth = header(*r, "authorization");
      if (r->body != bench::tencent_case::expected_body || auth == nullptr ||
          *auth != bench::tencent_case::expected_authorization) {
        why_not = "differs from the official connector capture: " + (auth ? *auth : std::string("no Authorization"));
        return nullptr;
      }
      self_check = "body and Authorization identical to the official connector capture tencent-sms/basic-ascii";
      return o;
    });

}  // namespace
