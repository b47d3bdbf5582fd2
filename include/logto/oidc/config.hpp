/// @file
/// @brief `logto::config` (@logto/client's `LogtoConfig`) and its normalisation
/// (`normalizeLogtoConfig` + `withReservedScopes`), with validation of the endpoint and app ID.
#pragma once

#include <algorithm>    // std::find
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "logto/core/result.hpp"
#include "logto/oidc/common.hpp"
#include "logto/oidc/constants.hpp"

namespace logto {

/// The app's Logto settings; mirrors `LogtoConfig`. Pass it through `normalize` before use.
struct config {
  std::string endpoint;    ///< e.g. `https://foo.logto.app` (a tenant path is kept)
  std::string app_id;      ///< sent as `client_id`
  std::string app_secret;  ///< empty = public client; else HTTP Basic on token-endpoint calls
  std::vector<std::string> scopes;
  std::vector<std::string> resources;
  std::vector<std::string> prompt{"consent"};  ///< joined with ' ' in the sign-in URI
  bool include_reserved_scopes = true;
};

namespace oidc {

/// `withReservedScopes(scopes)`: `openid offline_access profile` followed by `scopes`, each distinct
/// string once (first occurrence wins, order kept), joined with spaces. Byte-identical to @logto/js.
inline std::string with_reserved_scopes(const std::vector<std::string>& scopes) {
  std::vector<std::string> unique;
  const auto add = [&unique](std::string_view s) {
    if (std::find(unique.begin(), unique.end(), s) == unique.end()) unique.emplace_back(s);
  };
  for (const auto s : default_scopes) add(s);
  for (const auto& s : scopes) add(s);
  return detail::join(unique, ' ');
}

namespace detail {
inline void push_unique(std::vector<std::string>& out, std::string_view s) {
  if (std::find(out.begin(), out.end(), s) == out.end()) out.emplace_back(s);
}
}  // namespace detail

}  // namespace oidc

/// `normalizeLogtoConfig`, plus validation. Returns the config to use everywhere else:
/// - `include_reserved_scopes` (default): scopes = `openid offline_access profile`, then the given
///   scopes in order, duplicates dropped; otherwise the scopes stay exactly as given;
/// - `urn:logto:scope:organizations` in the given scopes appends `urn:logto:resource:organizations`
///   to the resources and drops duplicate resources (only then, as JS does);
/// - an empty `prompt` becomes `{"consent"}`.
/// Errors: `errc::invalid_url` when the endpoint is not an absolute http(s) URL with a host (a query or
/// fragment is allowed and ignored, as JS's `appendPath` drops them);
/// `errc::invalid_argument` when the app ID is empty or has control characters.
///
/// Differences from JS (both only for malformed input): JS joins the scopes and splits them on ' '
/// again, so a scope string holding a space becomes two scopes and an empty scope survives as "";
/// here scopes are split on spaces too, but empty pieces are dropped and duplicates removed after
/// the split. JS keeps `prompt: []` and sends `prompt=`; a C++ vector cannot tell "unset" from
/// "empty", so empty means the default.
inline result<config> normalize(const config& cfg) {
  auto endpoint = oidc::detail::check_http_url(cfg.endpoint, "config.endpoint", true);
  if (!endpoint) return endpoint.error();
  auto id = oidc::detail::check_client_id(cfg.app_id);
  if (!id) return make_error(errc::invalid_argument, "config.app_id: " + id.error().message);

  config out = cfg;
  if (cfg.include_reserved_scopes) {
    out.scopes.clear();
    for (const auto s : oidc::default_scopes) oidc::detail::push_unique(out.scopes, s);
    for (const auto& s : cfg.scopes) {
      std::size_t start = 0;
      while (start <= s.size()) {
        std::size_t space = s.find(' ', start);
        if (space == std::string::npos) space = s.size();
        if (space > start) oidc::detail::push_unique(out.scopes, std::string_view(s).substr(start, space - start));
        start = space + 1;
      }
    }
  }
  if (std::find(cfg.scopes.begin(), cfg.scopes.end(), oidc::user_scope::organizations) != cfg.scopes.end()) {
    out.resources.clear();
    for (const auto& r : cfg.resources) oidc::detail::push_unique(out.resources, r);
    oidc::detail::push_unique(out.resources, oidc::reserved_resource::organization);
  }
  if (out.prompt.empty()) out.prompt.emplace_back(oidc::prompts::consent);
  return out;
}

}  // namespace logto
