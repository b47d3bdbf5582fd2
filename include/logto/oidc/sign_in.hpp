/// @file
/// @brief The authorization request URI (OIDC Core 3.1.2.1), parameter for parameter and byte for
/// byte what @logto/js's `generateSignInUri` builds.
#pragma once

#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "logto/core/result.hpp"
#include "logto/core/url.hpp"
#include "logto/oidc/common.hpp"
#include "logto/oidc/config.hpp"
#include "logto/oidc/constants.hpp"

namespace logto {
namespace oidc {

/// `DirectSignInOptions`: skip Logto's sign-in page and go to one social / SSO connector.
struct direct_sign_in {
  std::string method;  ///< `direct_sign_in_methods::social` or `direct_sign_in_methods::sso`
  std::string target;  ///< connector target (e.g. "google") or SSO connector ID
};

/// Everything `build_sign_in_uri` puts into the URI. Empty strings and vectors are "not set".
struct sign_in_uri_params {
  std::string authorization_endpoint;  ///< from discovery
  std::string client_id;
  std::string redirect_uri;
  std::string code_challenge;
  std::string state;
  std::vector<std::string> scopes;     ///< the config's (normalised) scopes
  std::vector<std::string> resources;  ///< one `resource` parameter each, in order
  std::vector<std::string> prompt;     ///< joined with ' '; empty = `consent`
  bool include_reserved_scopes = true;
  std::string login_hint;
  std::optional<direct_sign_in> direct_sign_in_target;  ///< `direct_sign_in=<method>:<target>`
  std::string first_screen;                             ///< `first_screens::...`; wins over `interaction_mode`
  std::string interaction_mode;                         ///< deprecated; sent only without `first_screen`
  std::vector<std::string> identifiers;                 ///< `identifier_types::...`, space-joined
  std::string one_time_token;
  query_params extra_params;  ///< appended in order, never deduplicated (as JS does)
  /// Not in @logto/js: the OIDC `nonce` (Core 3.1.2.1), appended after everything else so that the URI
  /// without it stays byte for byte @logto/js's. `logto::client` always sends one.
  std::string nonce;
};

/// `generateSignInUri`: the authorization endpoint, `?`, then `client_id, redirect_uri, code_challenge,`
/// `code_challenge_method=S256, state, response_type=code, prompt, scope, login_hint, direct_sign_in,`
/// `resource..., first_screen | interaction_mode, identifier, one_time_token,` then the extra parameters,
/// then `nonce` when set (@logto/js sends none: without a nonce the URI is exactly its),
/// WHATWG form-encoded (space `+`, `~` `%7E`), exactly as JS `URLSearchParams` writes it.
///
/// Checks (JS has none): the endpoint is an absolute http(s) URL without a fragment (RFC 6749 3.1; if
/// it has a query, the parameters follow it after '&' instead of a second '?'); `redirect_uri` is an
/// absolute URL (custom schemes are fine) without a fragment (RFC 6749 3.1.2); client_id,
/// code_challenge and state are non-empty. Other values are not restricted: CR, LF and NUL are
/// percent-encoded like every other byte outside `A-Z a-z 0-9 * - . _`, so no value can end the URL
/// or reach a header; the server decides what it accepts. With `nonce` set, `extra_params` must not hold
/// another `nonce` (two values would leave it to the server which one the ID token carries).
inline result<std::string> build_sign_in_uri(const sign_in_uri_params& p) {
  auto endpoint = detail::check_http_url(p.authorization_endpoint, "authorization_endpoint");
  if (!endpoint) return endpoint.error();
  auto id = detail::check_client_id(p.client_id);
  if (!id) return id.error();
  auto redirect = parse_url(p.redirect_uri);
  if (!redirect) return make_error(errc::invalid_url, "redirect_uri: " + redirect.error().message, "redirect_uri");
  if (redirect->has_fragment) {
    return make_error(errc::invalid_url, "redirect_uri must not contain a #fragment (RFC 6749 3.1.2)", "redirect_uri");
  }
  if (p.code_challenge.empty()) return make_error(errc::invalid_argument, "code_challenge is empty");
  if (p.state.empty()) return make_error(errc::invalid_argument, "state is empty");

  query_params q;
  add_param(q, "client_id", p.client_id);
  add_param(q, "redirect_uri", p.redirect_uri);
  add_param(q, "code_challenge", p.code_challenge);
  add_param(q, "code_challenge_method", std::string(code_challenge_method));
  add_param(q, "state", p.state);
  add_param(q, "response_type", "code");
  add_param(q, "prompt", p.prompt.empty() ? std::string(prompts::consent) : detail::join(p.prompt, ' '));
  const std::string scope = p.include_reserved_scopes ? with_reserved_scopes(p.scopes) : detail::join(p.scopes, ' ');
  if (!scope.empty()) add_param(q, "scope", scope);
  if (!p.login_hint.empty()) add_param(q, "login_hint", p.login_hint);
  if (p.direct_sign_in_target) {
    add_param(q, "direct_sign_in", p.direct_sign_in_target->method + ":" + p.direct_sign_in_target->target);
  }
  for (const auto& r : p.resources) add_param(q, "resource", r);
  if (!p.first_screen.empty()) {
    add_param(q, "first_screen", p.first_screen);
  } else if (!p.interaction_mode.empty()) {
    add_param(q, "interaction_mode", p.interaction_mode);
  }
  if (!p.identifiers.empty()) add_param(q, "identifier", detail::join(p.identifiers, ' '));
  if (!p.one_time_token.empty()) add_param(q, "one_time_token", p.one_time_token);
  for (const auto& kv : p.extra_params) {
    if (!p.nonce.empty() && kv.first == "nonce") {
      return make_error(errc::invalid_argument,
                        "extra_params has a \"nonce\", but the client sends its own (and checks the ID token "
                        "against it); remove it from extra_params",
                        "nonce");
    }
    q.push_back(kv);
  }
  if (!p.nonce.empty()) add_param(q, "nonce", p.nonce);

  std::string uri = p.authorization_endpoint;
  uri += endpoint->has_query ? (endpoint->query.empty() ? "" : "&") : "?";
  uri += build_query(q);
  return uri;
}

}  // namespace oidc
}  // namespace logto
