/// @file
/// @brief The userinfo request (OIDC Core 5.3.1, @logto/js `fetchUserInfo`) and its response: `sub`,
/// the common claims typed, and the whole JSON object for the rest (`custom_data`, `identities`,
/// `organization_data`, `address`, ...).
#pragma once

#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "logto/core/crypto.hpp"
#include "logto/core/strict_json.hpp"
#include "logto/core/result.hpp"
#include "logto/http.hpp"
#include "logto/oidc/claims.hpp"
#include "logto/oidc/common.hpp"
#include "logto/oidc/response.hpp"

namespace logto {
namespace oidc {

/// The userinfo response (`UserInfoResponse`).
struct user_info {
  std::string sub;
  std::optional<std::string> name, username, picture, email, phone_number;  ///< null = absent
  std::optional<bool> email_verified, phone_number_verified;                ///< null = absent
  std::vector<std::string> roles, organizations, organization_roles;
  json::object raw;  ///< everything, as the server sent it (JS returns only this)
};

/// GET the userinfo endpoint with `Authorization: Bearer <access_token>` (RFC 6750 2.1). Only the
/// Bearer header is sent, also for confidential clients (in @logto/node it overrides Basic).
/// `errc::fetch_user_info_failed` for an empty token (as JS); `errc::invalid_argument` when the token
/// has characters outside visible ASCII (it would otherwise be able to break the header).
inline result<http_request> build_user_info_request(std::string_view userinfo_endpoint, std::string_view access_token) {
  auto endpoint = detail::check_http_url(userinfo_endpoint, "userinfo_endpoint");
  if (!endpoint) return endpoint.error();
  if (access_token.empty()) {
    return make_error(errc::fetch_user_info_failed, "Unable to fetch user info. The access token is empty.");
  }
  for (const char ch : access_token) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F) {
      return make_error(errc::invalid_argument,
                        "the access token has a character that cannot go into an Authorization header");
    }
  }
  http_request req;
  req.method = "GET";
  req.url = std::string(userinfo_endpoint);
  std::string value = "Bearer ";
  value.append(access_token.data(), access_token.size());
  req.headers.push_back({"Authorization", std::move(value)});
  return req;
}

/// Reads a userinfo object: `sub` required (string); `name username picture email phone_number`
/// strings, `email_verified phone_number_verified` booleans, `roles organizations organization_roles`
/// arrays of strings, each optional (null = absent). `errc::unexpected_response_error`, detail = the
/// field, for a wrong type (JS does not check; a typed field cannot hold a wrong type).
inline result<user_info> parse_user_info(json::object obj) {
  user_info u;
  const detail::claim_reader r{obj, "UserInfo", errc::unexpected_response_error};
  auto sub = r.required_string("sub");
  if (!sub) return sub.error();
  u.sub = std::move(*sub);
  struct string_claim {
    std::string_view name;
    std::optional<std::string>* target;
  };
  const string_claim strings[] = {{"name", &u.name},
                                  {"username", &u.username},
                                  {"picture", &u.picture},
                                  {"email", &u.email},
                                  {"phone_number", &u.phone_number}};
  for (const auto& s : strings) {
    auto v = r.optional_string(s.name);
    if (!v) return v.error();
    *s.target = std::move(*v);
  }
  auto email_verified = r.optional_bool("email_verified", true);
  if (!email_verified) return email_verified.error();
  u.email_verified = *email_verified;
  auto phone_verified = r.optional_bool("phone_number_verified", true);
  if (!phone_verified) return phone_verified.error();
  u.phone_number_verified = *phone_verified;
  struct array_claim {
    std::string_view name;
    std::vector<std::string>* target;
  };
  const array_claim arrays[] = {
      {"roles", &u.roles}, {"organizations", &u.organizations}, {"organization_roles", &u.organization_roles}};
  for (const auto& a : arrays) {
    auto v = r.string_array(a.name);
    if (!v) return v.error();
    *a.target = std::move(*v);
  }
  u.raw = std::move(obj);
  return u;
}

/// Parses the userinfo response: non-2xx as `map_error_response` (an expired token gives Logto's
/// `oidc.invalid_token`); a 2xx body that is not a JSON object is `errc::unexpected_response_error`.
inline result<user_info> parse_user_info_response(const http_response& response) {
  auto obj = parse_json_object_response(response, "userinfo response");
  if (!obj) return obj.error();
  return parse_user_info(std::move(*obj));
}

/// OIDC Core 5.3.2: the userinfo `sub` must equal the ID token's; `errc::user_info_sub_mismatched`
/// otherwise (the response may have been substituted).
inline result<void> check_user_info_subject(const user_info& info, std::string_view id_token_sub) {
  if (info.sub != id_token_sub) {
    return make_error(errc::user_info_sub_mismatched,
                      "the userinfo \"sub\" differs from the ID token's \"sub\" (OpenID Connect Core 5.3.2)");
  }
  return ok();
}

}  // namespace oidc
}  // namespace logto
