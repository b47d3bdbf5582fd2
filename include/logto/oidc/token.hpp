/// @file
/// @brief Token-endpoint requests (authorization code, refresh token, client credentials, token
/// exchange), token revocation, and the token response parser.
///
/// Bodies are `application/x-www-form-urlencoded` with the fields in @logto/js's order. A confidential
/// client (non-empty secret) also sends `Authorization: Basic base64(app_id:app_secret)` and still puts
/// `client_id` into the body, exactly as @logto/node does.
#pragma once

#include <cstdint>      // std::int64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "logto/core/crypto.hpp"
#include "logto/core/strict_json.hpp"
#include "logto/core/result.hpp"
#include "logto/core/url.hpp"
#include "logto/http.hpp"
#include "logto/oidc/common.hpp"
#include "logto/oidc/constants.hpp"
#include "logto/oidc/response.hpp"

namespace logto {
namespace oidc {

/// A successful token response (RFC 6749 5.1). Never log it.
struct token_response {
  std::string access_token;
  std::optional<std::string> token_type;   ///< "Bearer" from Logto; not checked (JS ignores it)
  std::optional<std::int64_t> expires_in;  ///< seconds; absent when the server sent none
  std::optional<std::string> refresh_token;
  std::optional<std::string> id_token;
  std::optional<std::string> scope;
};

/// `fetchTokenByAuthorizationCode` parameters.
struct authorization_code_grant {
  std::string code;
  std::string code_verifier;
  std::string redirect_uri;  ///< exactly the one sent in the sign-in URI
  std::string resource;      ///< optional; @logto/client never sends it
};

/// `fetchTokenByRefreshToken` parameters. Empty fields are not sent.
struct refresh_token_grant {
  std::string refresh_token;
  std::string resource;
  std::string organization_id;
  std::vector<std::string> scopes;  ///< space-joined into `scope`
};

/// Client credentials (RFC 6749 4.4; Logto machine-to-machine apps). Needs a secret.
struct client_credentials_grant {
  std::string resource;             ///< the API resource indicator (Logto requires one for M2M)
  std::vector<std::string> scopes;  ///< space-joined into `scope`
};

/// Token exchange (RFC 8693 2.1) as Logto implements it. Empty optional fields are not sent.
struct token_exchange_grant {
  std::string subject_token;
  std::string subject_token_type{token_types::access_token};  ///< or `token_types::personal_access_token`
  std::string actor_token;                                    ///< optional; adds an `act` claim
  std::string actor_token_type;                               ///< required with `actor_token`
  std::string resource;
  std::string organization_id;
  std::vector<std::string> scopes;
};

/// POST `client_id, code, code_verifier, redirect_uri, grant_type=authorization_code[, resource]`.
inline result<http_request> build_authorization_code_request(const client_auth& client, std::string_view token_endpoint,
                                                             const authorization_code_grant& grant) {
  if (grant.code.empty()) return make_error(errc::invalid_argument, "the authorization code is empty");
  if (grant.code_verifier.empty()) return make_error(errc::invalid_argument, "the code verifier is empty");
  if (grant.redirect_uri.empty()) return make_error(errc::invalid_argument, "the redirect URI is empty");
  query_params f;
  add_param(f, "client_id", std::string(client.client_id));
  add_param(f, "code", grant.code);
  add_param(f, "code_verifier", grant.code_verifier);
  add_param(f, "redirect_uri", grant.redirect_uri);
  add_param(f, "grant_type", std::string(grant_types::authorization_code));
  if (!grant.resource.empty()) add_param(f, "resource", grant.resource);
  return detail::client_form_post(client, token_endpoint, "token_endpoint", f);
}

/// POST `client_id, refresh_token, grant_type=refresh_token[, resource][, organization_id][, scope]`.
inline result<http_request> build_refresh_token_request(const client_auth& client, std::string_view token_endpoint,
                                                        const refresh_token_grant& grant) {
  if (grant.refresh_token.empty()) return make_error(errc::invalid_argument, "the refresh token is empty");
  query_params f;
  add_param(f, "client_id", std::string(client.client_id));
  add_param(f, "refresh_token", grant.refresh_token);
  add_param(f, "grant_type", std::string(grant_types::refresh_token));
  if (!grant.resource.empty()) add_param(f, "resource", grant.resource);
  if (!grant.organization_id.empty()) add_param(f, "organization_id", grant.organization_id);
  if (!grant.scopes.empty()) add_param(f, "scope", detail::join(grant.scopes, ' '));
  return detail::client_form_post(client, token_endpoint, "token_endpoint", f);
}

/// POST `grant_type=client_credentials[, resource][, scope]` with HTTP Basic, as Logto's M2M guide
/// sends it (no `client_id` in the body: Basic identifies the app). `errc::invalid_argument` without
/// a secret.
inline result<http_request> build_client_credentials_request(const client_auth& client, std::string_view token_endpoint,
                                                             const client_credentials_grant& grant) {
  if (!client.is_confidential()) {
    return make_error(errc::invalid_argument, "the client credentials grant needs the app secret");
  }
  query_params f;
  add_param(f, "grant_type", std::string(grant_types::client_credentials));
  if (!grant.resource.empty()) add_param(f, "resource", grant.resource);
  if (!grant.scopes.empty()) add_param(f, "scope", detail::join(grant.scopes, ' '));
  return detail::client_form_post(client, token_endpoint, "token_endpoint", f);
}

/// POST `grant_type=urn:ietf:params:oauth:grant-type:token-exchange, subject_token, subject_token_type
/// [, actor_token, actor_token_type][, resource][, organization_id][, scope], client_id`. `client_id` is
/// last and always sent (a public client has no other way to say who it is; with Basic it is
/// redundant but harmless, as in the other grants).
inline result<http_request> build_token_exchange_request(const client_auth& client, std::string_view token_endpoint,
                                                         const token_exchange_grant& grant) {
  if (grant.subject_token.empty()) return make_error(errc::invalid_argument, "the subject token is empty");
  if (grant.subject_token_type.empty()) return make_error(errc::invalid_argument, "subject_token_type is empty");
  if (!grant.actor_token.empty() && grant.actor_token_type.empty()) {
    return make_error(errc::invalid_argument, "actor_token_type is required with actor_token (RFC 8693 2.1)");
  }
  query_params f;
  add_param(f, "grant_type", std::string(grant_types::token_exchange));
  add_param(f, "subject_token", grant.subject_token);
  add_param(f, "subject_token_type", grant.subject_token_type);
  if (!grant.actor_token.empty()) {
    add_param(f, "actor_token", grant.actor_token);
    add_param(f, "actor_token_type", grant.actor_token_type);
  }
  if (!grant.resource.empty()) add_param(f, "resource", grant.resource);
  if (!grant.organization_id.empty()) add_param(f, "organization_id", grant.organization_id);
  if (!grant.scopes.empty()) add_param(f, "scope", detail::join(grant.scopes, ' '));
  add_param(f, "client_id", std::string(client.client_id));
  return detail::client_form_post(client, token_endpoint, "token_endpoint", f);
}

/// `revoke`: POST `client_id, token` (RFC 7009 2.1, no `token_type_hint`, as JS sends it).
inline result<http_request> build_revocation_request(const client_auth& client, std::string_view revocation_endpoint,
                                                     std::string_view token) {
  if (token.empty()) return make_error(errc::invalid_argument, "the token to revoke is empty");
  query_params f;
  add_param(f, "client_id", std::string(client.client_id));
  add_param(f, "token", std::string(token));
  return detail::client_form_post(client, revocation_endpoint, "revocation_endpoint", f);
}

/// A revocation response: any 2xx is success whatever the body (RFC 7009 2.2; JS chokes on the empty
/// body and its caller ignores that); other statuses map as `map_error_response` does.
inline result<void> parse_revocation_response(const http_response& response) {
  if (::logto::detail::http_ok(response.status)) return ok();
  return map_error_response(response);
}

namespace detail {
/// Overwrites the token strings left in a parsed response before it is freed.
inline void wipe_token_members(json::object& obj) {
  for (const char* key : {"access_token", "refresh_token", "id_token"}) {
    const auto it = obj.find(key);
    if (it == obj.end()) continue;
    if (std::string* s = it->second.if_string()) crypto::wipe(*s);
  }
}
}  // namespace detail

/// Reads a token response object: `access_token` (required, non-empty string), `token_type`,
/// `refresh_token`, `id_token`, `scope` (strings; null counts as absent), `expires_in` (a non-negative
/// integer JSON number). `errc::token_response_invalid`, detail = the field; no value is ever quoted.
/// An object without `access_token` but with a string `error` (some servers answer errors with 200) is
/// mapped like an error response (`errc::oauth_error` / `errc::request_error`).
inline result<token_response> parse_token_response(const json::object& obj) {
  const json::reader r(obj, "token response", errc::token_response_invalid);
  if (!r["access_token"].present() && r["error"].string_ptr() != nullptr) {
    return detail::map_error_json(json::value(obj), 200, {});  // has `error`: never the raw-body case
  }
  token_response t;
  auto access = r["access_token"].string();
  if (!access) return access.error();
  if (access->empty()) return r["access_token"].fail("is empty");
  t.access_token = std::move(*access);
  struct optional_field {
    std::string_view name;
    std::optional<std::string>* target;
  };
  const optional_field fields[] = {{"token_type", &t.token_type},
                                   {"refresh_token", &t.refresh_token},
                                   {"id_token", &t.id_token},
                                   {"scope", &t.scope}};
  for (const auto& f : fields) {
    auto v = r[f.name].optional_string();
    if (!v) return v.error();
    *f.target = std::move(*v);
  }
  const json::reader expires = r["expires_in"];
  auto n = expires.optional_integer();
  if (!n || (*n && **n < 0)) return expires.fail("must be a non-negative integer JSON number");
  if (*n) t.expires_in = **n;
  return t;
}

/// Parses a token-endpoint response: non-2xx as `map_error_response`; a 2xx body that is not a JSON
/// object is `errc::unexpected_response_error`; then `parse_token_response(object)`.
inline result<token_response> parse_token_response(const http_response& response) {
  auto obj = parse_json_object_response(response, "token response");
  if (!obj) return obj.error();
  auto tokens = parse_token_response(*obj);
  detail::wipe_token_members(*obj);
  return tokens;
}

}  // namespace oidc
}  // namespace logto
