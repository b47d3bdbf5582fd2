/// @file
/// @brief The OAuth 2.0 access token for SMTP XOAUTH2 the way nodemailer 8's `XOAuth2` gets it,
/// sans-I/O: a static `accessToken` while it has not expired (`expires`, ms since the epoch), else a
/// token request to `accessUrl` (default Google's): the refresh-token grant (RFC 6749 6) with
/// `clientId` / `clientSecret` / `refreshToken`, or a service account's JWT bearer grant (RFC 7523
/// 2.1) signed RS256 with `privateKey`, claims `iss` = serviceClient, `scope`, `sub` = user,
/// `aud` = accessUrl, `iat`, `exp` = iat + serviceRequestTimeout (default 300 s, at most 3600).
///
/// ```
/// if (xoauth2::needs_request(s, now)) {
///   auto req = xoauth2::build_token_request(s, now, rng);          // result<http_request>
///   auto token = xoauth2::parse_token_response(transport.send(*req));  // result<crypto::secret>
/// }
/// ```
/// The form body is nodemailer's byte for byte (fields in its order, values trimmed,
/// `encodeURIComponent`); the request carries only `Content-Type` (no `accept-encoding: gzip`, as
/// the transport hands the body over undecoded, and no `user-agent`). Differences: the token is
/// fetched before connecting and not cached between sends (the official connector makes a new
/// transporter, hence a new cache, for every message); a rejected token is not refreshed and retried.
#pragma once

#include <cstdint>      // std::int64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "logto/core/crypto.hpp"
#include "logto/core/encoding.hpp"
#include "logto/core/private_key.hpp"
#include "logto/core/result.hpp"
#include "logto/core/strict_json.hpp"
#include "logto/http.hpp"
#include "logto/smtp/mime.hpp"

namespace logto {
namespace smtp {
namespace xoauth2 {

/// nodemailer's default `accessUrl`.
inline constexpr const char* google_token_url = "https://accounts.google.com/o/oauth2/token";

/// `clientId` / `clientSecret` / `refreshToken`.
struct refresh_grant {
  std::string client_id;
  crypto::secret client_secret;
  crypto::secret refresh_token;
};

/// `serviceClient` / `privateKey` (PEM, RSA; `passphrase` when encrypted).
struct service_account {
  std::string service_client;
  crypto::secret private_key;
  crypto::secret passphrase;
  std::string scope = "https://mail.google.com/";
  int request_timeout_s = 300;  ///< `serviceRequestTimeout`, clamped to 1..3600 (0: 300)
};

/// Everything nodemailer's `XOAuth2` takes from `auth`.
struct settings {
  std::string user;
  crypto::secret access_token;  ///< `accessToken` (may be empty)
  std::int64_t expires_ms = 0;  ///< `expires`: when `access_token` expires, ms since the epoch; 0: unknown
  std::string access_url = google_token_url;
  std::optional<refresh_grant> refresh;
  std::optional<service_account> service;  ///< wins over `refresh`, as in nodemailer
};

/// nodemailer's `getToken(false)`: a token request is needed when there is no access token, or it
/// has expired and a refresh is possible (an expired static token is still used when not).
inline bool needs_request(const settings& s, std::int64_t now_s) {
  const bool can_refresh = s.refresh.has_value() || s.service.has_value();
  if (s.access_token.empty()) return true;
  const bool valid = s.expires_ms == 0 || s.expires_ms > now_s * 1000;
  return !valid && can_refresh;
}

namespace detail {

// JavaScript's encodeURIComponent on UTF-8: A-Z a-z 0-9 - _ . ! ~ * ' ( ) stay, the rest is %XX.
inline std::string encode_uri_component(std::string_view s) {
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (logto::detail::is_alnum(c) || std::string_view("-_.!~*'()").find(ch) != std::string_view::npos) {
      out += ch;
    } else {
      static constexpr char hex[] = "0123456789ABCDEF";
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// nodemailer fetch's form body: `key=value` pairs, values trimmed, joined by `&`.
inline void add_field(std::string& body, std::string_view key, std::string_view value) {
  if (!body.empty()) body += '&';
  body += encode_uri_component(key);
  body += '=';
  body += encode_uri_component(mime::js_trim(value));
}

}  // namespace detail

/// The service account's JWT bearer assertion (RS256), `iat` = `now_s`.
template <class Random>
result<std::string> build_assertion(const settings& s, std::int64_t now_s, Random& rng) {
  if (!s.service) return make_error(errc::invalid_argument, "XOAUTH2: no service account configured");
  const service_account& a = *s.service;
  const int ttl = a.request_timeout_s <= 0 ? 300 : a.request_timeout_s > 3600 ? 3600 : a.request_timeout_s;
  // JSON.stringify({iss, scope, sub, aud, iat, exp}) in that order
  const std::string claims = "{\"iss\":" + json::quote(a.service_client) + ",\"scope\":" + json::quote(a.scope) +
                             ",\"sub\":" + json::quote(s.user) + ",\"aud\":" + json::quote(s.access_url) +
                             ",\"iat\":" + std::to_string(now_s) + ",\"exp\":" + std::to_string(now_s + ttl) + "}";
  const std::string signing_input =
      base64url_encode("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + base64url_encode(claims);
  crypto::private_key key;
  auto parsed = key.parse(a.private_key.reveal(), a.passphrase.reveal(), "auth.privateKey");
  if (!parsed) return parsed.error();
  auto sig = key.sign_rs256(signing_input, rng);
  if (!sig) return sig.error();
  return signing_input + "." + base64url_encode(*sig);
}

/// The token request nodemailer's `generateToken` sends (POST, form-encoded).
template <class Random>
result<http_request> build_token_request(const settings& s, std::int64_t now_s, Random& rng) {
  std::string body;
  if (s.service) {
    auto assertion = build_assertion(s, now_s, rng);
    if (!assertion) return assertion.error();
    detail::add_field(body, "grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
    detail::add_field(body, "assertion", *assertion);
  } else if (s.refresh) {
    detail::add_field(body, "client_id", s.refresh->client_id);
    detail::add_field(body, "client_secret", s.refresh->client_secret.reveal());
    detail::add_field(body, "refresh_token", s.refresh->refresh_token.reveal());
    detail::add_field(body, "grant_type", "refresh_token");
  } else {
    return make_error(errc::invalid_argument, "XOAUTH2: Can't create new access token for user");
  }
  http_request r;
  r.method = "POST";
  r.url = s.access_url;
  r.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  r.body = std::move(body);
  crypto::wipe(body);
  return r;
}

/// The access token from the token endpoint's answer, whatever its HTTP status (nodemailer reads the
/// JSON body of error responses too): `error` (+ `error_description`, `error_uri`) is an error with
/// that text, else `access_token` must be a non-empty string.
inline result<crypto::secret> parse_token_response(const http_response& response) {
  auto doc = json::parse(response.body);
  if (!doc) {
    return make_error(errc::invalid_response, "XOAUTH2: the token endpoint answered HTTP " +
                                                  std::to_string(response.status) + " without a JSON body");
  }
  const json::object* o = json::as_object(*doc);
  if (o == nullptr) return make_error(errc::invalid_response, "XOAUTH2: Invalid authentication response");
  if (const json::value* e = json::find(*o, "error")) {
    const std::string* code = json::as_string(*e);
    std::string text = code != nullptr ? *code : std::string("error");
    if (const json::value* d = json::find(*o, "error_description")) {
      if (const std::string* ds = json::as_string(*d)) text += ": " + *ds;
    }
    if (const json::value* u = json::find(*o, "error_uri")) {
      if (const std::string* us = json::as_string(*u)) text += " (" + *us + ")";
    }
    return make_error(errc::oauth_error, "XOAUTH2: the token endpoint refused: " + text,
                      code != nullptr ? *code : std::string());
  }
  const json::value* t = json::find(*o, "access_token");
  const std::string* token = t == nullptr ? nullptr : json::as_string(*t);
  if (token == nullptr || token->empty()) return make_error(errc::invalid_response, "XOAUTH2: No access token");
  return crypto::secret(*token);
}

}  // namespace xoauth2
}  // namespace smtp
}  // namespace logto
