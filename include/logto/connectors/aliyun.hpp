/// @file
/// @brief Aliyun (Alibaba Cloud) POP RPC signature, version 1.0 (HMAC-SHA1), as used by
/// `@logto/connector-aliyun-sms` and `@logto/connector-aliyun-dm`.
///
/// Two different percent-encodings are involved, and mixing them up breaks the signature:
/// * signing: RFC 3986 over UTF-8 (`A-Z a-z 0-9 - _ . ~` literal, space `%20`, `*` `%2A`), which is
///   the connectors' `encodeURIComponent(...)` + `! " ' ( ) * +` escaper;
/// * the POST body: WHATWG `application/x-www-form-urlencoded` (`URLSearchParams`): space `+`,
///   `~` `%7E`, `*` literal, parameters in insertion order with `Signature` last.
/// Procedure (https://www.alibabacloud.com/help/doc-detail/28139.htm, "Request signatures"):
///   CanonicalizedQueryString = sort(encode(k) + "=" + encode(v)) joined with "&"
///   StringToSign = METHOD + "&" + encode("/") + "&" + encode(CanonicalizedQueryString)
///   Signature    = base64(HMAC-SHA1(key = AccessKeySecret + "&", StringToSign))
#pragma once

#include <algorithm>    // std::sort
#include <cstdint>      // std::int64_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "logto/core/crypto.hpp"
#include "logto/core/encoding.hpp"
#include "logto/core/result.hpp"
#include "logto/core/time.hpp"
#include "logto/core/url.hpp"
#include "logto/http.hpp"

namespace logto {
namespace connectors {
namespace aliyun {

namespace detail {
/// Appends the RFC 3986 encoding of `s` (the signing encoding).
inline void append_rfc3986(std::string& out, std::string_view s) {
  static constexpr char digits[] = "0123456789ABCDEF";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
}
}  // namespace detail

/// The canonicalized query string: every `encode(key)=encode(value)` (RFC 3986), sorted as
/// JavaScript's `Array.prototype.sort()` sorts strings (the encoded pairs are ASCII, so bytewise),
/// joined with `&`. (Sorting the encoded pairs, not the keys, is what the official code does.)
inline std::string canonicalized_query(const query_params& params) {
  std::string pairs;  // all encoded pairs back to back; `spans` points into it
  std::size_t estimate = 0;
  for (const auto& kv : params) estimate += kv.first.size() + kv.second.size() + 2;
  pairs.reserve(estimate + estimate / 2);
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  spans.reserve(params.size());
  for (const auto& kv : params) {
    const std::size_t start = pairs.size();
    detail::append_rfc3986(pairs, kv.first);
    pairs += '=';
    detail::append_rfc3986(pairs, kv.second);
    spans.emplace_back(start, pairs.size() - start);
  }
  const std::string_view all(pairs);
  std::sort(spans.begin(), spans.end(), [all](const auto& a, const auto& b) {
    return all.substr(a.first, a.second) < all.substr(b.first, b.second);
  });
  std::string out;
  out.reserve(pairs.size() + spans.size());
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (i != 0) out += '&';
    out.append(pairs, spans[i].first, spans[i].second);
  }
  return out;
}

/// `METHOD&%2F&` + RFC 3986 encoding of the canonicalized query string. `method` is upper-cased.
inline std::string string_to_sign(std::string_view method, const query_params& params) {
  const std::string cq = canonicalized_query(params);
  std::string sts;
  sts.reserve(method.size() + 4 + cq.size() + cq.size() / 3);
  for (const char c : method) sts += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  sts += "&%2F&";
  detail::append_rfc3986(sts, cq);
  return sts;
}

/// base64(HMAC-SHA1(access_key_secret + "&", string_to_sign(method, params))).
inline result<std::string> signature(std::string_view method, const query_params& params,
                                     std::string_view access_key_secret) {
  const std::string sts = string_to_sign(method, params);
  std::string key;
  key.reserve(access_key_secret.size() + 1);
  key.append(access_key_secret.data(), access_key_secret.size());
  key += '&';
  auto mac = crypto::hmac(crypto::hash_alg::sha1, key, sts);
  crypto::wipe(key);
  if (!mac) return mac.error();
  std::string b64 = base64_encode(*mac);
  crypto::wipe(*mac);
  return b64;
}

/// The signed POST body: `params` form-encoded in their order, then `&Signature=<signature>`.
inline result<std::string> signed_form_body(const query_params& params, std::string_view access_key_secret) {
  auto sig = signature("POST", params, access_key_secret);
  if (!sig) return sig.error();
  std::string body = build_query(params);
  body += body.empty() ? "Signature=" : "&Signature=";
  body += form_encode(*sig);
  return body;
}

/// The signed form POST to `url` (`Content-Type: application/x-www-form-urlencoded`, body
/// `signed_form_body`) both Aliyun connectors send.
inline result<http_request> signed_form_post(std::string url, const query_params& params,
                                             std::string_view access_key_secret) {
  auto body = signed_form_body(params, access_key_secret);
  if (!body) return body.error();
  http_request req;
  req.method = "POST";
  req.url = std::move(url);
  req.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  req.body = std::move(*body);
  return req;
}

/// Aliyun's `Timestamp`: `YYYY-MM-DDTHH:MM:SSZ` in UTC (`toISOString()` without milliseconds).
inline std::string timestamp(std::int64_t unix_seconds) { return format_iso8601(unix_seconds); }

}  // namespace aliyun
}  // namespace connectors
}  // namespace logto
