// Signing contenders other than logto-cpp: the limit (minimal mbedTLS signers) and the official Node
// signers. Inputs are the connector capture cases aliyun-sms/basic-ascii and tencent-sms/basic-ascii
// from tests/interop/connectors/cases.json; the expected outputs below are copied from
// tests/interop/connectors/expected.json (captured from @logto/connector-aliyun-sms 1.5.5 and
// @logto/connector-tencent-sms 1.4.4 with frozen time and nonce).
#include <sstream>

#include "bench.hpp"
#include "limit_signers.hpp"
#include "peer.hpp"
#include "sign_cases.hpp"

namespace bench {
namespace {

class aliyun_limit_op : public op {
 public:
  std::size_t run(std::size_t n) override {
    std::size_t ok = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const limit::request r = limit::aliyun_sms(aliyun_case::access_key_id, aliyun_case::access_key_secret,
                                                 aliyun_case::sign_name, aliyun_case::template_code, aliyun_case::phone,
                                                 aliyun_case::code, aliyun_case::unix_seconds, aliyun_case::nonce);
      ok += r.body.size() > 0 ? 1 : 0;
    }
    return ok;
  }
};

class tencent_limit_op : public op {
 public:
  std::size_t run(std::size_t n) override {
    std::size_t ok = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const limit::request r =
          limit::tencent_sms(tencent_case::secret_id, tencent_case::secret_key, tencent_case::sdk_app_id,
                             tencent_case::sign_name, tencent_case::template_id, tencent_case::region,
                             tencent_case::phone, tencent_case::code, tencent_case::unix_seconds);
      ok += r.headers.size() > 0 ? 1 : 0;
    }
    return ok;
  }
};

const register_op reg_aliyun_limit("sign/aliyun-sms (POP RPC v1, HMAC-SHA1)", "limit: minimal mbedTLS signer", 0, true,
                                   [](std::string& self_check, std::string& why_not) -> std::unique_ptr<op> {
                                     const limit::request r = limit::aliyun_sms(
                                         aliyun_case::access_key_id, aliyun_case::access_key_secret,
                                         aliyun_case::sign_name, aliyun_case::template_code, aliyun_case::phone,
                                         aliyun_case::code, aliyun_case::unix_seconds, aliyun_case::nonce);
                                     if (r.body != aliyun_case::expected_body) {
                                       why_not = "body differs from the official connector's capture: " + r.body;
                                       return nullptr;
                                     }
                                     self_check =
                                         "body byte-identical to the official connector capture aliyun-sms/basic-ascii";
                                     return std::make_unique<aliyun_limit_op>();
                                   });

const register_op reg_tencent_limit(
    "sign/tencent-sms (TC3-HMAC-SHA256)", "limit: minimal mbedTLS signer", 0, true,
    [](std::string& self_check, std::string& why_not) -> std::unique_ptr<op> {
      const limit::request r =
          limit::tencent_sms(tencent_case::secret_id, tencent_case::secret_key, tencent_case::sdk_app_id,
                             tencent_case::sign_name, tencent_case::template_id, tencent_case::region,
                             tencent_case::phone, tencent_case::code, tencent_case::unix_seconds);
      if (r.body != tencent_case::expected_body || r.headers[0].second != tencent_case::expected_authorization) {
        why_not = "differs from the official connector's capture: " + r.headers[0].second;
        return nullptr;
      }
      self_check = "body and Authorization identical to the official connector capture tencent-sms/basic-ascii";
      return std::make_unique<tencent_limit_op>();
    });

// Extracts a JSON string member from the peer's one-line sample (no escapes expected in these values).
std::string sample_field(const std::string& json, const std::string& key) {
  const std::string k = "\"" + key + "\":\"";
  const auto p = json.find(k);
  if (p == std::string::npos) return {};
  const auto e = json.find('"', p + k.size());
  return json.substr(p + k.size(), e - p - k.size());
}

const register_op reg_aliyun_node(
    "sign/aliyun-sms (POP RPC v1, HMAC-SHA1)", "node @alicloud/pop-core 1.8 (request() up to the HTTP call)", 50, false,
    [](std::string& self_check, std::string& why_not) -> std::unique_ptr<op> {
      auto o = make_peer_sign_op("aliyun", why_not);
      if (!o) return nullptr;
      // pop-core picks its own Timestamp and SignatureNonce: recompute its signature with the limit signer.
      const std::string body = sample_field(peer_sample("aliyun"), "body");
      std::vector<std::pair<std::string, std::string>> params;
      std::string signature;
      std::istringstream in(body);
      for (std::string kv; std::getline(in, kv, '&');) {
        const auto eq = kv.find('=');
        const std::string k = limit::percent_decode_form(kv.substr(0, eq));
        const std::string v = limit::percent_decode_form(kv.substr(eq + 1));
        if (k == "Signature") {
          signature = v;
        } else {
          params.emplace_back(k, v);
        }
      }
      if (params.size() != 13 || signature != limit::aliyun_signature(params, aliyun_case::access_key_secret)) {
        why_not = "pop-core's signature does not match the limit signer's for the same parameters: " + body;
        return nullptr;
      }
      self_check = "its signature (13 parameters, own Timestamp/nonce, Format=JSON) recomputed equal by the limit";
      return o;
    });

const register_op reg_tencent_node(
    "sign/tencent-sms (TC3-HMAC-SHA256)", "node tencentcloud-sdk-nodejs-common 4.1 (Sign.sign3)", 50, false,
    [](std::string& self_check, std::string& why_not) -> std::unique_ptr<op> {
      auto o = make_peer_sign_op("tencent", why_not);
      if (!o) return nullptr;
      const std::string auth = sample_field(peer_sample("tencent"), "authorization");
      if (auth != tencent_case::expected_authorization) {
        why_not = "Authorization differs from the official connector capture: " + auth;
        return nullptr;
      }
      self_check = "Authorization identical to the official connector capture tencent-sms/basic-ascii";
      return o;
    });

}  // namespace
}  // namespace bench
