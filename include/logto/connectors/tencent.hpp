/// @file
/// @brief Tencent Cloud API 3.0 signature v3 (TC3-HMAC-SHA256), as used by
/// `@logto/connector-tencent-sms`, generic over service, host and payload.
///
/// Procedure (Tencent Cloud API "Signature v3", e.g. https://cloud.tencent.com/document/api/213/30654):
/// @verbatim
///   CanonicalRequest = METHOD \n URI \n QUERY \n "content-type:<ct>\nhost:<host>\n" \n "content-type;host" \n
///                      hex(sha256(payload))
///   CredentialScope  = <UTC date of timestamp> "/" <service> "/tc3_request"
///   StringToSign     = "TC3-HMAC-SHA256\n" <timestamp> "\n" CredentialScope "\n" hex(sha256(CanonicalRequest))
///   SecretDate = HMAC-SHA256("TC3" + SecretKey, date); SecretService = HMAC(SecretDate, service);
///   SecretSigning = HMAC(SecretService, "tc3_request"); Signature = hex(HMAC(SecretSigning, StringToSign))
///   Authorization = "TC3-HMAC-SHA256 Credential=<SecretId>/<scope>, SignedHeaders=content-type;host,
///                    Signature=<signature>"
/// @endverbatim
/// Only `content-type` and `host` are signed, exactly as the official connector does.
#pragma once

#include <cstddef>      // std::size_t
#include <cstdint>      // std::int64_t
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "logto/core/crypto.hpp"  // crypto::backend (core/crypto/backend.hpp)
#include "logto/core/encoding.hpp"
#include "logto/core/result.hpp"
#include "logto/core/time.hpp"

namespace logto {
namespace connectors {
namespace tencent {

/// What TC3 signs.
struct tc3_input {
  std::string_view method = "POST";
  std::string_view canonical_uri = "/";
  std::string_view canonical_query;  ///< "" for POST
  std::string_view content_type = "application/json; charset=utf-8";
  std::string_view host;       ///< e.g. "sms.tencentcloudapi.com"
  std::string_view service;    ///< e.g. "sms", "cvm"
  std::string_view payload;    ///< the exact request body
  std::int64_t timestamp = 0;  ///< unix seconds (X-TC-Timestamp)
};

/// Every intermediate value, for tests and debugging. `signature` is lower-case hex.
struct tc3_signature {
  std::string date;              ///< YYYY-MM-DD, the UTC day of the timestamp
  std::string credential_scope;  ///< date/service/tc3_request
  std::string hashed_payload;    ///< hex(sha256(payload))
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
};

namespace detail {

/// HMAC-SHA256 for the whole key-derivation chain, through the crypto backend (with mbedTLS: one context
/// reused, so one allocation per signing, not one per HMAC; freeing it zeroizes the key material).
class hmac_sha256 {
 public:
  bool setup() noexcept { return h_.setup(); }
  /// out = HMAC-SHA256(key, msg).
  bool mac(const unsigned char* key, std::size_t key_len, std::string_view msg, unsigned char out[32]) noexcept {
    return h_.mac(key, key_len, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out);
  }

 private:
  crypto::backend::hmac_sha256 h_;
};

/// Appends lower-case hex of `n` bytes.
inline void append_hex(std::string& out, const unsigned char* p, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
}

/// Appends hex(sha256(data)).
inline bool append_sha256_hex(std::string& out, std::string_view data) {
  unsigned char digest[32];
  if (crypto::backend::digest(crypto::backend::hash_id::sha256, reinterpret_cast<const unsigned char*>(data.data()),
                              data.size(), digest) != 0) {
    return false;
  }
  append_hex(out, digest, sizeof digest);
  return true;
}

}  // namespace detail

/// Computes the TC3 signature of `in` with `secret_key`; derived keys are wiped before returning.
inline result<tc3_signature> sign(const tc3_input& in, std::string_view secret_key) {
  tc3_signature s;
  s.date = format_date(in.timestamp);
  s.credential_scope.reserve(s.date.size() + in.service.size() + 13);
  s.credential_scope += s.date;
  s.credential_scope += '/';
  s.credential_scope += in.service;
  s.credential_scope += "/tc3_request";

  s.hashed_payload.reserve(64);
  if (!detail::append_sha256_hex(s.hashed_payload, in.payload)) {
    return make_error(errc::crypto_error, "SHA-256 is not available in this mbedTLS build");
  }
  std::string& cr = s.canonical_request;
  cr.reserve(in.method.size() + in.canonical_uri.size() + in.canonical_query.size() + in.content_type.size() +
             in.host.size() + 110);
  cr += in.method;
  cr += '\n';
  cr += in.canonical_uri;
  cr += '\n';
  cr += in.canonical_query;
  cr += "\ncontent-type:";
  cr += in.content_type;
  cr += "\nhost:";
  cr += in.host;
  cr += "\n\ncontent-type;host\n";
  cr += s.hashed_payload;

  const std::string ts = std::to_string(in.timestamp);
  std::string& sts = s.string_to_sign;
  sts.reserve(17 + ts.size() + 1 + s.credential_scope.size() + 1 + 64);
  sts += "TC3-HMAC-SHA256\n";
  sts += ts;
  sts += '\n';
  sts += s.credential_scope;
  sts += '\n';
  if (!detail::append_sha256_hex(sts, cr)) {
    return make_error(errc::crypto_error, "SHA-256 is not available in this mbedTLS build");
  }

  detail::hmac_sha256 h;
  if (!h.setup()) return make_error(errc::crypto_error, "HMAC-SHA256 is not available in this mbedTLS build");
  std::string key;
  key.reserve(3 + secret_key.size());
  key += "TC3";
  key.append(secret_key.data(), secret_key.size());
  unsigned char k1[32];
  unsigned char k2[32];
  unsigned char out[32];
  const bool ok = h.mac(reinterpret_cast<const unsigned char*>(key.data()), key.size(), s.date, k1) &&
                  h.mac(k1, sizeof k1, in.service, k2) &&       // SecretService
                  h.mac(k2, sizeof k2, "tc3_request", k1) &&    // SecretSigning
                  h.mac(k1, sizeof k1, s.string_to_sign, out);  // Signature
  crypto::wipe(key);
  crypto::zeroize(k1, sizeof k1);
  crypto::zeroize(k2, sizeof k2);
  if (!ok) return make_error(errc::crypto_error, "mbedTLS HMAC-SHA256 failed");
  s.signature.reserve(64);
  detail::append_hex(s.signature, out, sizeof out);
  return s;
}

/// The `Authorization` header value for `in`.
inline result<std::string> authorization(const tc3_input& in, std::string_view secret_id, std::string_view secret_key) {
  auto s = sign(in, secret_key);
  if (!s) return s.error();
  std::string a;
  a.reserve(64 + secret_id.size() + s->credential_scope.size() + 64);
  a += "TC3-HMAC-SHA256 Credential=";
  a += secret_id;
  a += '/';
  a += s->credential_scope;
  a += ", SignedHeaders=content-type;host, Signature=";
  a += s->signature;
  return a;
}

}  // namespace tencent
}  // namespace connectors
}  // namespace logto
