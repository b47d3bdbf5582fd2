// Minimal request signers on mbedTLS (the "limit" for the connector signing benchmarks), written for the
// benchmark only: the same canonicalisation and HMACs as Logto's aliyun-sms and tencent-sms connectors,
// producing the same request (checked against the official connectors' captures), with nothing else.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace bench {
namespace limit {

struct request {
  std::string method, url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Aliyun POP RPC v1 over an ordered parameter list (Signature excluded): returns base64(HMAC-SHA1).
std::string aliyun_signature(const std::vector<std::pair<std::string, std::string>>& params,
                             const std::string& access_key_secret);

// aliyun-sms SendSms request (connector order, Signature last).
request aliyun_sms(const std::string& access_key_id, const std::string& access_key_secret, const std::string& sign_name,
                   const std::string& template_code, const std::string& phone, const std::string& code,
                   std::int64_t unix_seconds, const std::string& nonce);

// tencent-sms SendSms request (TC3-HMAC-SHA256).
request tencent_sms(const std::string& secret_id, const std::string& secret_key, const std::string& sdk_app_id,
                    const std::string& sign_name, const std::string& template_id, const std::string& region,
                    const std::string& phone, const std::string& code, std::int64_t unix_seconds);

// Helpers shared with the cross-checks.
std::string percent_decode_form(const std::string& s);  // %XX and '+' -> ' '
std::string rfc3986(const std::string& s);

}  // namespace limit
}  // namespace bench
