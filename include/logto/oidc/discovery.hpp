/// @file
/// @brief OpenID Provider discovery (OIDC Discovery 1.0 section 4): the URL, the GET request, and a
/// parser for the fields the client uses, with the issuer check of section 4.3.
#pragma once

#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "logto/core/strict_json.hpp"
#include "logto/core/result.hpp"
#include "logto/core/url.hpp"
#include "logto/http.hpp"
#include "logto/oidc/common.hpp"
#include "logto/oidc/constants.hpp"
#include "logto/oidc/response.hpp"

namespace logto {
namespace oidc {

/// The provider metadata the client uses. Optional endpoints are empty when the document has none.
struct discovery {
  std::string issuer;
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string userinfo_endpoint;     ///< optional
  std::string end_session_endpoint;  ///< optional
  std::string revocation_endpoint;   ///< optional
  std::string jwks_uri;
  std::string device_authorization_endpoint;  ///< optional (RFC 8628 4); Logto: `<issuer>/device/auth`
  /// RFC 9207 3: the provider puts `iss` into authorization responses (then a callback without it
  /// must be rejected; see `callback_options::require_issuer`).
  bool authorization_response_iss_parameter_supported = false;
  /// The JWS algorithms the provider signs ID tokens with (OIDC Discovery 3); empty when the document has
  /// none. Narrows the client's allow-list (`narrow_id_token_algorithms` in oidc/id_token.hpp).
  std::vector<std::string> id_token_signing_alg_values_supported;
};

/// How strictly `parse_discovery` checks the issuer.
struct discovery_options {
  /// OIDC Discovery 4.3: "The issuer value returned MUST be identical to the Issuer URL that was used
  /// as the prefix to /.well-known/openid-configuration", i.e. `<endpoint>/oidc` for Logto. This stops
  /// one provider from posing as another (the issuer is what ID tokens are checked against). Turn it
  /// off only when the app reaches Logto under another address than the one Logto calls itself: an
  /// internal host name, a reverse proxy or a port forward. The issuer must still be a valid URL.
  bool require_issuer_match = true;
};

/// `getDiscoveryEndpoint`: `<endpoint path>/oidc/.well-known/openid-configuration` (tenant path kept,
/// query and fragment dropped). `errc::invalid_url` when `endpoint` is not an absolute http(s) URL.
inline result<std::string> discovery_url(std::string_view endpoint) {
  auto checked = detail::check_http_url(endpoint, "config.endpoint", true);
  if (!checked) return checked.error();
  return append_path(endpoint, discovery_path);
}

/// The issuer Logto announces for `endpoint`: `<endpoint path>/oidc` (the discovery URL's prefix).
inline result<std::string> expected_issuer(std::string_view endpoint) {
  auto checked = detail::check_http_url(endpoint, "config.endpoint", true);
  if (!checked) return checked.error();
  return append_path(endpoint, "/oidc");
}

/// The discovery request: a plain GET with no headers (as @logto/js sends it). No client secret is
/// sent, unlike @logto/node's requester which adds Basic to every call: the document is public.
inline result<http_request> build_discovery_request(std::string_view endpoint) {
  auto u = discovery_url(endpoint);
  if (!u) return u.error();
  http_request req;
  req.method = "GET";
  req.url = std::move(*u);
  return req;
}

namespace detail {
inline error discovery_error(std::string_view field, const std::string& why) {
  return make_error(errc::discovery_invalid, "OpenID discovery document: \"" + std::string(field) + "\" " + why,
                    std::string(field));
}

inline result<std::string> discovery_url_field(const json::object& doc, std::string_view field, bool required) {
  const json::value* v = json::find(doc, field);
  if (v == nullptr || (!required && v->is_null())) {
    if (required) return discovery_error(field, "is missing");
    return std::string();
  }
  const std::string* s = json::as_string(*v);
  if (s == nullptr) return discovery_error(field, "must be a string");
  auto u = check_http_url(*s, field);
  if (!u) return discovery_error(field, "is not an absolute http(s) URL without a fragment");
  return *s;
}
}  // namespace detail

/// Reads the metadata from a parsed discovery document. Required: `issuer`, `authorization_endpoint`,
/// `token_endpoint`, `jwks_uri`; optional: `userinfo_endpoint`, `end_session_endpoint`,
/// `revocation_endpoint`, `device_authorization_endpoint`, `id_token_signing_alg_values_supported` (an array of
/// strings; null counts as absent). Every endpoint must
/// be an absolute http(s) URL; the issuer must also have no query (OIDC Discovery 3) and, unless
/// relaxed, equal `expected_issuer(endpoint)`. Errors: `errc::discovery_invalid`, detail = the field.
inline result<discovery> parse_discovery(const json::object& doc, std::string_view endpoint,
                                         const discovery_options& options = {}) {
  discovery d;
  auto issuer = detail::discovery_url_field(doc, "issuer", true);
  if (!issuer) return issuer.error();
  auto issuer_url = parse_url(*issuer);
  if (!issuer_url || issuer_url->has_query) return detail::discovery_error("issuer", "must be a URL without a query");
  if (options.require_issuer_match) {
    auto expected = expected_issuer(endpoint);
    if (!expected) return expected.error();
    if (*issuer != *expected) {
      return detail::discovery_error(
          "issuer", "is \"" + detail::printable(*issuer, 256) + "\", but the document was fetched for issuer \"" +
                        *expected +
                        "\" (OpenID Connect Discovery 4.3; set discovery_options::require_issuer_match "
                        "= false only if Logto is reached under another address)");
    }
  }
  d.issuer = std::move(*issuer);

  struct field {
    std::string_view name;
    std::string* target;
    bool required;
  };
  const field fields[] = {
      {"authorization_endpoint", &d.authorization_endpoint, true},
      {"token_endpoint", &d.token_endpoint, true},
      {"userinfo_endpoint", &d.userinfo_endpoint, false},
      {"end_session_endpoint", &d.end_session_endpoint, false},
      {"revocation_endpoint", &d.revocation_endpoint, false},
      {"jwks_uri", &d.jwks_uri, true},
      {"device_authorization_endpoint", &d.device_authorization_endpoint, false},
  };
  for (const auto& f : fields) {
    auto v = detail::discovery_url_field(doc, f.name, f.required);
    if (!v) return v.error();
    *f.target = std::move(*v);
  }
  const json::value* iss_supported = json::find(doc, "authorization_response_iss_parameter_supported");
  if (iss_supported != nullptr && !iss_supported->is_null()) {
    const bool* flag = json::as_bool(*iss_supported);
    if (flag == nullptr) {
      return detail::discovery_error("authorization_response_iss_parameter_supported", "must be a boolean");
    }
    d.authorization_response_iss_parameter_supported = *flag;
  }
  const json::value* algs = json::find(doc, "id_token_signing_alg_values_supported");
  if (algs != nullptr && !algs->is_null()) {
    const json::array* arr = json::as_array(*algs);
    if (arr == nullptr) return detail::discovery_error("id_token_signing_alg_values_supported", "must be an array");
    for (const auto& item : *arr) {
      const std::string* name = json::as_string(item);
      if (name == nullptr) {
        return detail::discovery_error("id_token_signing_alg_values_supported", "must hold only strings");
      }
      d.id_token_signing_alg_values_supported.push_back(*name);
    }
  }
  return d;
}

/// Parses the discovery response: non-2xx statuses map as `map_error_response` does; a 2xx body that
/// is not a JSON object is `errc::unexpected_response_error`; then `parse_discovery`.
inline result<discovery> parse_discovery_response(const http_response& response, std::string_view endpoint,
                                                  const discovery_options& options = {}) {
  auto obj = parse_json_object_response(response, "OpenID discovery document");
  if (!obj) {
    // Say which URL answered and what to check: a wrong endpoint is the usual cause.
    error e = std::move(obj).error();
    const auto url = discovery_url(endpoint);
    std::string where = url ? *url : std::string(endpoint);
    if (response.status == 404 || response.status == 403 || response.status == 401) {
      e.message = "the OpenID discovery document was not found at " + where + " (HTTP " +
                  std::to_string(response.status) +
                  "): check config.endpoint. It is the tenant's base URL, e.g. https://your-tenant.logto.app, "
                  "without /oidc (the library adds /oidc/.well-known/openid-configuration). Server said: " +
                  e.message;
    } else {
      e.message = "fetching the OpenID discovery document from " + where + " failed: " + e.message;
    }
    return e;
  }
  return parse_discovery(*obj, endpoint, options);
}

}  // namespace oidc
}  // namespace logto
