/// @file
/// @brief URLs (RFC 3986 generic syntax) and query strings (WHATWG form encoding).
#pragma once

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <tuple>        // std::forward_as_tuple
#include <utility>      // std::pair
#include <vector>       // std::vector

#include "logto/core/encoding.hpp"
#include "logto/core/result.hpp"

namespace logto {

/// Ordered name/value pairs, as in a query string or a form body. Order is kept; names may repeat.
using query_params = std::vector<std::pair<std::string, std::string>>;

/// Appends `name=value` to `params`. (One function rather than `emplace_back` with literals of every
/// length, each of which would be a template instantiation of its own in every translation unit.)
// NOLINTNEXTLINE(performance-unnecessary-value-param): moved into the pair (clang-tidy 14 misreads the tuple)
inline void add_param(query_params& params, std::string_view name, std::string value) {
  params.emplace_back(std::piecewise_construct, std::forward_as_tuple(name), std::forward_as_tuple(std::move(value)));
}

/// A parsed absolute URL. Custom schemes (`com.example.app://callback`, `com.example.app:/cb`) and
/// loopback URLs (`http://127.0.0.1:51234/callback`, `http://[::1]/cb`) are both fine.
struct url {
  std::string scheme;  ///< lower-cased (schemes are case-insensitive, RFC 3986 3.1)
  bool has_authority = false;
  std::string userinfo;
  std::string host;  ///< as written, IPv6 literals keep their brackets; lower-cased
  std::string port;  ///< digits, or empty
  std::string path;
  bool has_query = false;
  std::string query;  ///< raw (still percent-encoded), without '?'
  bool has_fragment = false;
  std::string fragment;  ///< raw, without '#'

  /// `scheme:` + `//authority` + path: the part a redirect URI is matched on.
  std::string without_query() const {
    std::string out = scheme + ":";
    if (has_authority) {
      out += "//";
      if (!userinfo.empty()) out += userinfo + "@";
      out += host;
      if (!port.empty()) out += ":" + port;
    }
    out += path;
    return out;
  }

  /// The whole URL again (normalised scheme and host case).
  std::string to_string() const {
    std::string out = without_query();
    if (has_query) out += "?" + query;
    if (has_fragment) out += "#" + fragment;
    return out;
  }
};

namespace detail {
inline char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}
inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}
}  // namespace detail

/// Parses an absolute URL. Rejects empty input, a missing or malformed scheme, spaces and control
/// characters, a malformed port, and malformed percent-escapes anywhere.
inline result<url> parse_url(std::string_view text) {
  const auto fail = [](const std::string& why) { return make_error(errc::invalid_url, "invalid URL: " + why); };
  if (text.empty()) return fail("empty");
  if (text.size() > 16384) return fail("longer than 16384 bytes");
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c <= 0x20 || c == 0x7F) return fail("space or control character at offset " + std::to_string(i));
    if (c == '%') {
      if (i + 2 >= text.size() || detail::hex_value(text[i + 1]) < 0 || detail::hex_value(text[i + 2]) < 0) {
        return fail("malformed percent-escape at offset " + std::to_string(i));
      }
    }
  }
  url u;
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )  (RFC 3986 3.1)
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) return fail("no scheme");
  for (std::size_t i = 0; i < colon; ++i) {
    const char c = text[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!(alpha || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')))) {
      return fail("malformed scheme");
    }
  }
  u.scheme = detail::ascii_lower(text.substr(0, colon));
  std::string_view rest = text.substr(colon + 1);

  const std::size_t hash = rest.find('#');
  if (hash != std::string_view::npos) {
    u.has_fragment = true;
    u.fragment = std::string(rest.substr(hash + 1));
    rest = rest.substr(0, hash);
  }
  const std::size_t qmark = rest.find('?');
  if (qmark != std::string_view::npos) {
    u.has_query = true;
    u.query = std::string(rest.substr(qmark + 1));
    rest = rest.substr(0, qmark);
  }
  if (rest.size() >= 2 && rest[0] == '/' && rest[1] == '/') {
    u.has_authority = true;
    rest = rest.substr(2);
    const std::size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    const std::size_t at = authority.rfind('@');
    if (at != std::string_view::npos) {
      u.userinfo = std::string(authority.substr(0, at));
      authority = authority.substr(at + 1);
    }
    std::string_view host = authority;
    std::string_view port;
    if (!authority.empty() && authority[0] == '[') {
      const std::size_t close = authority.find(']');
      if (close == std::string_view::npos) return fail("unterminated IPv6 literal");
      host = authority.substr(0, close + 1);
      const std::string_view after = authority.substr(close + 1);
      if (!after.empty()) {
        if (after[0] != ':') return fail("garbage after IPv6 literal");
        port = after.substr(1);
      }
    } else {
      const std::size_t pc = authority.rfind(':');
      if (pc != std::string_view::npos) {
        host = authority.substr(0, pc);
        port = authority.substr(pc + 1);
      }
    }
    if (port.size() > 5) return fail("port out of range");
    unsigned long port_number = 0;
    for (const char c : port) {
      if (c < '0' || c > '9') return fail("port is not a number");
      port_number = port_number * 10 + static_cast<unsigned long>(c - '0');
    }
    if (port_number > 65535) return fail("port out of range");
    for (const char c : host) {
      if (c == '/' || c == '?' || c == '#' || c == '@' || c == '\\' || (c == ':' && host.front() != '[')) {
        return fail("invalid character in host");
      }
    }
    u.host = detail::ascii_lower(host);
    u.port = std::string(port);
  }
  u.path = std::string(rest);
  return u;
}

/// Serializes `params` as WHATWG `application/x-www-form-urlencoded` (`URLSearchParams.toString()`).
inline std::string build_query(const query_params& params) {
  std::string out;
  for (const auto& kv : params) {
    if (!out.empty()) out += '&';
    out += form_encode(kv.first);
    out += '=';
    out += form_encode(kv.second);
  }
  return out;
}

/// Parses a query string or form body into ordered pairs (`+` is a space; `%XX` decoded). Empty
/// pieces are skipped, a piece without `=` has an empty value; malformed escapes are errors.
inline result<query_params> parse_query(std::string_view query) {
  query_params out;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view piece = query.substr(start, amp - start);
    if (!piece.empty()) {
      const std::size_t eq = piece.find('=');
      auto name = percent_decode(piece.substr(0, eq), true);
      if (!name) return name.error();
      auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1), true);
      if (!value) return value.error();
      out.emplace_back(std::move(*name), std::move(*value));
    }
    start = amp + 1;
  }
  return out;
}

/// The first value of `name` in `params`, or nullptr.
inline const std::string* find_param(const query_params& params, std::string_view name) {
  for (const auto& kv : params) {
    if (kv.first == name) return &kv.second;
  }
  return nullptr;
}

/// Joins `suffix` onto the path of `endpoint` the way `@logto/client` does (`appendPath`): empty and
/// `.` segments dropped, `..` resolved, query and fragment of the endpoint dropped, tenant path kept.
/// `https://cloud.logto.io/tenantId` + `/oidc/token` -> `https://cloud.logto.io/tenantId/oidc/token`.
inline result<std::string> append_path(std::string_view endpoint, std::string_view suffix) {
  auto u = parse_url(endpoint);
  if (!u) return u.error();
  if (!u->has_authority || u->host.empty()) {
    return make_error(errc::invalid_url, "invalid URL: endpoint needs a host: " + std::string(endpoint));
  }
  std::vector<std::string_view> segments;
  const auto add = [&segments](std::string_view path) {
    std::size_t start = 0;
    while (start <= path.size()) {
      std::size_t slash = path.find('/', start);
      if (slash == std::string_view::npos) slash = path.size();
      const std::string_view seg = path.substr(start, slash - start);
      if (seg == "..") {
        if (!segments.empty()) segments.pop_back();
      } else if (!seg.empty() && seg != ".") {
        segments.push_back(seg);
      }
      start = slash + 1;
    }
  };
  const std::string base_path = u->path;
  add(base_path);
  add(suffix);
  url out = *u;
  out.has_query = out.has_fragment = false;
  out.query.clear();
  out.fragment.clear();
  out.path.clear();
  for (const auto seg : segments) {
    out.path += '/';
    out.path += seg;
  }
  if (out.path.empty()) out.path = "/";
  return out.to_string();
}

}  // namespace logto
