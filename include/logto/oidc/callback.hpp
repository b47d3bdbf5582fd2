/// @file
/// @brief Checking the authorization response (the callback URI the browser comes back to) and taking
/// the code out of it: @logto/js's `verifyAndParseCodeFromCallbackUri`, with its checks, order and
/// error codes, made stricter where JS is wrong, plus RFC 9207 `iss`.
///
/// Differences from @logto/js, on purpose:
/// - JS tests `callbackUri.startsWith(redirectUri)`, so `https://app.example/cb` accepts
///   `https://app.example/cb.evil/...` and `https://app.example/cbx`. Here both URIs are parsed and the
///   scheme, authority (user info, host, port) and path must be equal; scheme and host compare
///   case-insensitively, an omitted http/https port equals the default one, and an empty http(s) path
///   equals "/" (RFC 3986 6.2.2-6.2.3). The port must match exactly even for loopback redirect URIs:
///   RFC 8252 7.3 lets the *server* accept any port at request time, but the response comes back to the
///   exact redirect URI the app sent. If the redirect URI has a query of its own, the callback's query
///   must start with it (what JS's prefix test required).
/// - JS takes the text between the first and the second '?' and keeps a `#fragment` inside the last
///   value (`state=abc#x` gives state `abc#x`). Here the query runs to the first '#', the fragment is
///   ignored, and a '?' inside the query is data (RFC 3986 3.4).
/// - RFC 9207: an `iss` parameter must equal the issuer (`errc::callback_issuer_mismatched`); with
///   `require_issuer` a callback without `iss` is rejected too. This check runs right after the
///   redirect-URI check, before the `error` check: RFC 9207 2.4 applies it to error responses as well,
///   and an error that claims to come from another provider must not be reported as ours.
/// - `state` is compared in constant time.
/// Kept from JS: the first occurrence of a repeated parameter counts; an empty `error`, `state` or
/// `code` counts as absent; `error` is checked before `state`.
#pragma once

#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "logto/core/crypto.hpp"
#include "logto/core/result.hpp"
#include "logto/core/url.hpp"
#include "logto/oidc/common.hpp"

namespace logto {
namespace oidc {

/// What the callback carried.
struct callback_params {
  std::string code;                ///< the authorization code
  std::optional<std::string> iss;  ///< RFC 9207 issuer identifier, when the provider sent one
};

/// Optional RFC 9207 checks.
struct callback_options {
  /// The issuer from discovery. When set, an `iss` parameter in the callback must equal it exactly
  /// (RFC 9207 2.4, simple string comparison). Empty: `iss` is returned but not checked.
  std::string_view issuer;
  /// Reject a callback without `iss` (needs `issuer`). Set it from
  /// `discovery::authorization_response_iss_parameter_supported`, as RFC 9207 2.4 requires.
  bool require_issuer = false;
};

namespace detail {

inline unsigned long effective_port(const url& u) {
  if (u.port.empty()) return u.scheme == "https" ? 443ul : u.scheme == "http" ? 80ul : 0ul;
  unsigned long n = 0;
  for (const char c : u.port) n = n * 10 + static_cast<unsigned long>(c - '0');  // digits, checked by parse_url
  return n;
}

inline std::string_view effective_path(const url& u) {
  if (u.path.empty() && (u.scheme == "http" || u.scheme == "https")) return "/";
  return u.path;
}

}  // namespace detail

/// True when `candidate` is a response to `redirect_uri`: same scheme, authority and path (compared as
/// described in the file comment), and its query starts with the redirect URI's own query, if any.
/// The fragment is ignored. False when either is not a valid absolute URL.
inline bool matches_redirect_uri(std::string_view candidate, std::string_view redirect_uri) {
  auto c = parse_url(candidate);
  auto r = parse_url(redirect_uri);
  if (!c || !r) return false;
  if (c->scheme != r->scheme || c->has_authority != r->has_authority) return false;
  if (c->has_authority &&
      (c->userinfo != r->userinfo || c->host != r->host || detail::effective_port(*c) != detail::effective_port(*r))) {
    return false;
  }
  if (detail::effective_path(*c) != detail::effective_path(*r)) return false;
  if (!r->query.empty()) {
    const std::string& q = c->query;
    if (q.compare(0, r->query.size(), r->query) != 0) return false;
    if (q.size() != r->query.size() && q[r->query.size()] != '&') return false;
  }
  return true;
}

/// `verifyAndParseCodeFromCallbackUri(callbackUri, redirectUri, state)`. In order:
/// 1. `errc::callback_redirect_uri_mismatched`: not a response to `redirect_uri` (see
///    `matches_redirect_uri`), or not a valid URL;
/// 2. `errc::callback_issuer_mismatched`: RFC 9207 (`options`);
/// 3. `errc::callback_error_found`: an `error` parameter; detail = `error`, message = "Error found in
///    the callback URI: <error>: <error_description>" (both made printable);
/// 4. `errc::callback_missing_state`, 5. `errc::callback_state_mismatched` (constant-time compare);
/// 6. `errc::callback_missing_code`.
/// `errc::invalid_argument` when the stored `redirect_uri` or `state` itself is unusable.
inline result<callback_params> verify_and_parse_callback_uri(std::string_view callback_uri,
                                                             std::string_view redirect_uri, std::string_view state,
                                                             const callback_options& options = {}) {
  auto redirect = parse_url(redirect_uri);
  if (!redirect) return make_error(errc::invalid_argument, "the stored redirect URI is not a valid URL");
  if (redirect->has_fragment) return make_error(errc::invalid_argument, "the stored redirect URI has a #fragment");
  if (state.empty()) return make_error(errc::invalid_argument, "the stored state is empty");
  if (options.require_issuer && options.issuer.empty()) {
    return make_error(errc::invalid_argument, "callback_options::require_issuer needs callback_options::issuer");
  }

  auto callback = parse_url(callback_uri);
  if (!callback) {
    return make_error(errc::callback_redirect_uri_mismatched,
                      "The callback URI mismatches the redirect URI: the callback URI is not a valid URL (" +
                          callback.error().message + ").");
  }
  if (!matches_redirect_uri(callback_uri, redirect_uri)) {
    return make_error(errc::callback_redirect_uri_mismatched,
                      "The callback URI mismatches the redirect URI: scheme, host, port and path must equal "
                      "those of \"" +
                          detail::printable(redirect_uri, 256) + "\".");
  }
  auto params = parse_query(callback->query);
  if (!params) {
    return make_error(errc::callback_redirect_uri_mismatched,
                      "The callback URI has a malformed query: " + params.error().message);
  }
  const auto get = [&params](std::string_view name) -> std::string_view {
    const std::string* v = find_param(*params, name);
    return v == nullptr ? std::string_view() : std::string_view(*v);
  };

  const std::string_view iss = get("iss");
  if (!options.issuer.empty()) {
    if (iss.empty() && options.require_issuer) {
      return make_error(errc::callback_issuer_mismatched,
                        "The callback URI has no \"iss\" parameter, but the provider announces RFC 9207 "
                        "issuer identification.");
    }
    if (!iss.empty() && iss != options.issuer) {
      return make_error(errc::callback_issuer_mismatched,
                        "The callback URI comes from issuer \"" + detail::printable(iss, 256) + "\", expected \"" +
                            detail::printable(options.issuer, 256) + "\" (RFC 9207 2.4).");
    }
  }

  const std::string_view err = get("error");
  if (!err.empty()) {
    const std::string_view description = get("error_description");
    std::string message = "Error found in the callback URI: " + detail::printable(err, 128);
    if (!description.empty()) message += ": " + detail::printable(description);
    return make_error(errc::callback_error_found, std::move(message), detail::printable(err, 128));
  }

  const std::string_view returned_state = get("state");
  if (returned_state.empty()) {
    return make_error(errc::callback_missing_state, "Missing state in the callback URI.");
  }
  if (!crypto::constant_time_equal(returned_state, state)) {
    return make_error(errc::callback_state_mismatched, "State mismatched in the callback URI.");
  }
  const std::string_view code = get("code");
  if (code.empty()) return make_error(errc::callback_missing_code, "Missing code in the callback URI.");

  callback_params out;
  out.code = std::string(code);
  if (!iss.empty()) out.iss = std::string(iss);
  return out;
}

}  // namespace oidc
}  // namespace logto
