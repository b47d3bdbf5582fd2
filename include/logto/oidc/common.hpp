/// @file
/// @brief Pieces shared by the OIDC request builders and response parsers: client authentication
/// (`client_auth`, HTTP Basic), endpoint URL checks, and making peer text safe for error messages.
#pragma once

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "logto/core/crypto.hpp"
#include "logto/core/encoding.hpp"
#include "logto/core/result.hpp"
#include "logto/core/url.hpp"
#include "logto/http.hpp"

namespace logto {
namespace oidc {

/// Who the app is at the token, revocation and device-authorization endpoints. The views must outlive
/// the call they are passed to (build it inline: `{cfg.app_id, cfg.app_secret}`).
struct client_auth {
  std::string_view client_id;      ///< the Logto app ID; sent as `client_id` in every form body
  std::string_view client_secret;  ///< empty for a public client (no `Authorization` header is sent)

  /// True when a secret is set: requests then carry `Authorization: Basic base64(id:secret)`.
  bool is_confidential() const noexcept { return !client_secret.empty(); }
};

namespace detail {

/// Joins `items` with `sep` (JS `array.join(sep)`).
inline std::string join(const std::vector<std::string>& items, char sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i != 0) out += sep;
    out += items[i];
  }
  return out;
}

/// Text that came from a peer (a response body, a callback parameter), made safe to put into an error
/// message: control characters become spaces, invalid UTF-8 bytes become '?', and the text is cut at
/// `max_bytes` on a character boundary with "..." appended. Messages get logged; a peer must not be
/// able to forge log lines or flood them.
inline std::string printable(std::string_view text, std::size_t max_bytes = 512) {
  const bool utf8 = is_valid_utf8(text);
  std::size_t cut = text.size();
  bool truncated = false;
  if (cut > max_bytes) {
    cut = max_bytes;
    truncated = true;
    if (utf8) {
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0u) == 0x80u) --cut;
    }
  }
  std::string out;
  out.reserve(cut + 3);
  for (std::size_t i = 0; i < cut; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      out += ' ';
    } else if (c >= 0x80 && !utf8) {
      out += '?';
    } else {
      out += static_cast<char>(c);
    }
  }
  if (truncated) out += "...";
  return out;
}

/// Checks that `text` is an absolute `http`/`https` URL with a host and (unless `allow_fragment`) no
/// fragment: what every endpoint the library sends requests to must be. `what` names it in the error
/// ("token_endpoint").
inline result<url> check_http_url(std::string_view text, std::string_view what, bool allow_fragment = false) {
  auto u = parse_url(text);
  if (!u) {
    return make_error(errc::invalid_url, std::string(what) + " is not a valid URL (" + u.error().message + ")",
                      std::string(what));
  }
  if (u->scheme != "https" && u->scheme != "http") {
    return make_error(errc::invalid_url, std::string(what) + " must be an http or https URL", std::string(what));
  }
  if (!u->has_authority || u->host.empty()) {
    return make_error(errc::invalid_url, std::string(what) + " must be an absolute URL with a host", std::string(what));
  }
  if (u->has_fragment && !allow_fragment) {
    return make_error(errc::invalid_url, std::string(what) + " must not contain a #fragment", std::string(what));
  }
  return u;
}

/// `Basic base64(client_id ":" client_secret)`, as @logto/node builds it: the two values are joined
/// as they are (not form-encoded first, unlike RFC 6749 2.3.1 suggests) and encoded as UTF-8 bytes.
/// A client ID containing ':' cannot be carried by Basic (RFC 7617 2) and is rejected.
inline result<std::string> basic_authorization(const client_auth& client) {
  if (client.client_id.find(':') != std::string_view::npos) {
    return make_error(errc::invalid_argument,
                      "the app ID contains ':', which HTTP Basic authentication cannot carry (RFC 7617 2)");
  }
  std::string joined;
  joined.reserve(client.client_id.size() + 1 + client.client_secret.size());
  joined.append(client.client_id.data(), client.client_id.size());
  joined += ':';
  joined.append(client.client_secret.data(), client.client_secret.size());
  std::string value = "Basic " + base64_encode(joined);
  crypto::wipe(joined);
  return value;
}

/// Checks the app ID every request carries: non-empty, no control characters.
inline result<void> check_client_id(std::string_view client_id) {
  if (client_id.empty()) return make_error(errc::invalid_argument, "the app ID (client_id) is empty");
  for (const char c : client_id) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7F) {
      return make_error(errc::invalid_argument, "the app ID (client_id) contains a control character");
    }
  }
  return ok();
}

/// A form POST to `endpoint` (checked with `check_http_url`) carrying `fields`, with the Basic header
/// for a confidential client. `what` names the endpoint in errors.
inline result<http_request> client_form_post(const client_auth& client, std::string_view endpoint,
                                             std::string_view what, const query_params& fields) {
  auto checked_id = check_client_id(client.client_id);
  if (!checked_id) return checked_id.error();
  auto u = check_http_url(endpoint, what);
  if (!u) return u.error();
  http_request req = ::logto::detail::form_post(std::string(endpoint), fields);
  if (client.is_confidential()) {
    auto basic = basic_authorization(client);
    if (!basic) return basic.error();
    req.headers.push_back({"Authorization", std::move(*basic)});
  }
  return req;
}

}  // namespace detail
}  // namespace oidc
}  // namespace logto
