/// @file
/// @brief The end-session URI (OpenID Connect RP-Initiated Logout 1.0 section 2), as @logto/js's
/// `generateSignOutUri` builds it: `client_id` and an optional `post_logout_redirect_uri`, no
/// `id_token_hint`, no `state`.
#pragma once

#include <string>       // std::string
#include <string_view>  // std::string_view

#include "logto/core/result.hpp"
#include "logto/core/url.hpp"
#include "logto/oidc/common.hpp"

namespace logto {
namespace oidc {

/// `<end_session_endpoint>?client_id=<id>[&post_logout_redirect_uri=<uri>]` (form-encoded). Checks
/// (JS has none): the endpoint is an absolute http(s) URL, the client ID is non-empty, and a given
/// post-logout URI is an absolute URL (`errc::invalid_url`).
inline result<std::string> build_end_session_uri(std::string_view end_session_endpoint, std::string_view client_id,
                                                 std::string_view post_logout_redirect_uri = {}) {
  auto endpoint = detail::check_http_url(end_session_endpoint, "end_session_endpoint");
  if (!endpoint) return endpoint.error();
  auto id = detail::check_client_id(client_id);
  if (!id) return id.error();
  query_params q;
  add_param(q, "client_id", std::string(client_id));
  if (!post_logout_redirect_uri.empty()) {
    auto u = parse_url(post_logout_redirect_uri);
    if (!u) {
      return make_error(errc::invalid_url, "post_logout_redirect_uri: " + u.error().message,
                        "post_logout_redirect_uri");
    }
    add_param(q, "post_logout_redirect_uri", std::string(post_logout_redirect_uri));
  }
  std::string uri(end_session_endpoint);
  uri += endpoint->has_query ? (endpoint->query.empty() ? "" : "&") : "?";
  uri += build_query(q);
  return uri;
}

}  // namespace oidc
}  // namespace logto
