// Minimal mbedTLS signers for Aliyun POP RPC v1 and Tencent TC3 (the limit). See limit_signers.hpp.
#include "limit_signers.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <stdexcept>

#include <mbedtls/md.h>

namespace bench {
namespace limit {

namespace {
const char kHex[] = "0123456789ABCDEF";
const char kHexLower[] = "0123456789abcdef";

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

// WHATWG application/x-www-form-urlencoded byte serializer.
void form_append(std::string& out, const std::string& s) {
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '*' || c == '-' ||
        c == '.' || c == '_') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
}

// JSON.stringify of a string (ASCII control characters escaped, the rest raw).
void json_quote(std::string& out, const std::string& s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHexLower[c >> 4]);
          out.push_back(kHexLower[c & 15]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

void hmac(mbedtls_md_type_t t, const std::string& key, const std::string& msg, unsigned char* out) {
  if (mbedtls_md_hmac(mbedtls_md_info_from_type(t), reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                      reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out) != 0) {
    throw std::runtime_error("mbedtls_md_hmac failed");
  }
}

std::string sha256_hex(const std::string& msg) {
  unsigned char h[32];
  mbedtls_md(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), reinterpret_cast<const unsigned char*>(msg.data()),
             msg.size(), h);
  std::string out(64, '\0');
  for (int i = 0; i < 32; ++i) {
    out[2 * i] = kHexLower[h[i] >> 4];
    out[2 * i + 1] = kHexLower[h[i] & 15];
  }
  return out;
}

std::string base64(const unsigned char* p, std::size_t n) {
  static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((n + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const unsigned v = (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];
    out.push_back(a[v >> 18]);
    out.push_back(a[(v >> 12) & 63]);
    out.push_back(a[(v >> 6) & 63]);
    out.push_back(a[v & 63]);
  }
  if (n - i == 1) {
    const unsigned v = p[i] << 16;
    out.push_back(a[v >> 18]);
    out.push_back(a[(v >> 12) & 63]);
    out += "==";
  } else if (n - i == 2) {
    const unsigned v = (p[i] << 16) | (p[i + 1] << 8);
    out.push_back(a[v >> 18]);
    out.push_back(a[(v >> 12) & 63]);
    out.push_back(a[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

std::tm utc(std::int64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return tm;
}
}  // namespace

std::string rfc3986(const std::string& s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (unsigned char c : s) {
    if (unreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string percent_decode_form(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string aliyun_signature(const std::vector<std::pair<std::string, std::string>>& params,
                             const std::string& access_key_secret) {
  std::vector<std::string> pairs;
  pairs.reserve(params.size());
  for (const auto& kv : params) pairs.push_back(rfc3986(kv.first) + "=" + rfc3986(kv.second));
  std::sort(pairs.begin(), pairs.end());
  std::string cqs;
  for (const auto& p : pairs) {
    if (!cqs.empty()) cqs.push_back('&');
    cqs += p;
  }
  const std::string sts = "POST&%2F&" + rfc3986(cqs);
  unsigned char mac[20];
  hmac(MBEDTLS_MD_SHA1, access_key_secret + "&", sts, mac);
  return base64(mac, sizeof mac);
}

request aliyun_sms(const std::string& access_key_id, const std::string& access_key_secret, const std::string& sign_name,
                   const std::string& template_code, const std::string& phone, const std::string& code,
                   std::int64_t unix_seconds, const std::string& nonce) {
  std::string template_param = "{\"code\":";
  json_quote(template_param, code);
  template_param.push_back('}');
  const std::tm tm = utc(unix_seconds);
  char ts[64];
  std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  const std::vector<std::pair<std::string, std::string>> params{{"Action", "SendSms"},
                                                                {"Format", "json"},
                                                                {"RegionId", "cn-hangzhou"},
                                                                {"SignatureMethod", "HMAC-SHA1"},
                                                                {"SignatureVersion", "1.0"},
                                                                {"Version", "2017-05-25"},
                                                                {"AccessKeyId", access_key_id},
                                                                {"PhoneNumbers", phone},
                                                                {"SignName", sign_name},
                                                                {"TemplateCode", template_code},
                                                                {"TemplateParam", template_param},
                                                                {"SignatureNonce", nonce},
                                                                {"Timestamp", ts}};
  const std::string signature = aliyun_signature(params, access_key_secret);
  request r;
  r.method = "POST";
  r.url = "https://dysmsapi.aliyuncs.com/";
  r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  for (const auto& kv : params) {
    if (!r.body.empty()) r.body.push_back('&');
    form_append(r.body, kv.first);
    r.body.push_back('=');
    form_append(r.body, kv.second);
  }
  r.body += "&Signature=";
  form_append(r.body, signature);
  return r;
}

request tencent_sms(const std::string& secret_id, const std::string& secret_key, const std::string& sdk_app_id,
                    const std::string& sign_name, const std::string& template_id, const std::string& region,
                    const std::string& phone, const std::string& code, std::int64_t unix_seconds) {
  request r;
  r.method = "POST";
  r.url = "https://sms.tencentcloudapi.com/";
  std::string& body = r.body;
  body = "{\"SmsSdkAppId\":";
  json_quote(body, sdk_app_id);
  body += ",\"SignName\":";
  json_quote(body, sign_name);
  body += ",\"TemplateId\":";
  json_quote(body, template_id);
  body += ",\"TemplateParamSet\":[";
  json_quote(body, code);
  body += "],\"PhoneNumberSet\":[";
  json_quote(body, phone);
  body += "]}";

  const std::string canonical =
      "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:sms.tencentcloudapi.com\n\ncontent-type;host\n" +
      sha256_hex(body);
  const std::tm tm = utc(unix_seconds);
  char date[48];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  const std::string ts = std::to_string(unix_seconds);
  const std::string scope = std::string(date) + "/sms/tc3_request";
  const std::string sts = "TC3-HMAC-SHA256\n" + ts + "\n" + scope + "\n" + sha256_hex(canonical);
  unsigned char k1[32], k2[32], k3[32], sig[32];
  hmac(MBEDTLS_MD_SHA256, "TC3" + secret_key, date, k1);
  hmac(MBEDTLS_MD_SHA256, std::string(reinterpret_cast<char*>(k1), 32), "sms", k2);
  hmac(MBEDTLS_MD_SHA256, std::string(reinterpret_cast<char*>(k2), 32), "tc3_request", k3);
  hmac(MBEDTLS_MD_SHA256, std::string(reinterpret_cast<char*>(k3), 32), sts, sig);
  std::string sig_hex(64, '\0');
  for (int i = 0; i < 32; ++i) {
    sig_hex[2 * i] = kHexLower[sig[i] >> 4];
    sig_hex[2 * i + 1] = kHexLower[sig[i] & 15];
  }
  r.headers.emplace_back("Authorization", "TC3-HMAC-SHA256 Credential=" + secret_id + "/" + scope +
                                              ", SignedHeaders=content-type;host, Signature=" + sig_hex);
  r.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  r.headers.emplace_back("Host", "sms.tencentcloudapi.com");
  r.headers.emplace_back("X-TC-Action", "SendSms");
  r.headers.emplace_back("X-TC-Timestamp", ts);
  r.headers.emplace_back("X-TC-Version", "2021-01-11");
  r.headers.emplace_back("X-TC-Region", region);
  return r;
}

}  // namespace limit
}  // namespace bench
