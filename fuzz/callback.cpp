// Target callback: the callback URL the browser comes back with (and the redirect URI and state the
// app stored). Input: `redirect_uri '\n' state '\n' callback_uri`; with fewer lines the fixed redirect
// URI `https://app.example/callback` and state `s-t-a-t-e` fill in. Byte 0 sets the RFC 9207 options.
//
// Properties:
// - parse_url is idempotent: parsing url.to_string() gives the same components;
// - an accepted callback's `code` is the decoding of the first non-empty `code=` value of the callback's
//   query (the text between the first '?' and the first '#', split at '&' by this target); the `state`
//   found the same way equals the stored state; no non-empty `error` comes first; `iss`, when returned,
//   is the decoding of the query's `iss` and equals the issuer when one was given;
// - the callback and the redirect URI have the same scheme and host (case-insensitively);
// - errors carry no control characters (callback text must not forge log lines).
#include <logto/oidc/callback.hpp>

#include "common.hpp"

namespace {

/// The first non-empty value of `name` in the query of `uri`, decoded (form rules), or "" when none;
/// nullopt when an escape on the way is malformed.
std::optional<std::string> first_param(std::string_view uri, std::string_view name) {
  uri = uri.substr(0, uri.find('#'));
  const std::size_t q = uri.find('?');
  if (q == std::string_view::npos) return std::string();
  for (std::string_view pair : fuzz::split(uri.substr(q + 1), '&', SIZE_MAX)) {
    const std::size_t eq = pair.find('=');
    const auto key = fuzz::percent_decode(pair.substr(0, eq), true);
    const auto value =
        fuzz::percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!key || !value) return std::nullopt;
    if (*key == name) return value;  // the first occurrence counts, even when empty
  }
  return std::string();
}

std::string lower(std::string s) {
  for (char& c : s) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return s;
}

void check_url_roundtrip(std::string_view text) {
  auto u = logto::parse_url(text);
  if (!u) return;
  auto again = logto::parse_url(u->to_string());
  FUZZ_REQUIRE(again.has_value(), "a parsed URL's to_string() parses");
  FUZZ_REQUIRE(again->scheme == u->scheme && again->has_authority == u->has_authority &&
                   again->userinfo == u->userinfo && again->host == u->host && again->port == u->port &&
                   again->path == u->path && again->has_query == u->has_query && again->query == u->query &&
                   again->has_fragment == u->has_fragment && again->fragment == u->fragment,
               "parse_url(to_string()) keeps every component");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = fuzz::as_view(data, size);
  const unsigned flags = fuzz::take_byte(in);
  const auto lines = fuzz::split(in, '\n', 3);
  std::string_view redirect = "https://app.example/callback";
  std::string_view state = "s-t-a-t-e";
  std::string_view callback = lines.back();
  if (lines.size() == 3) {
    redirect = lines[0];
    state = lines[1];
  }
  logto::oidc::callback_options options;
  if ((flags & 1) != 0) options.issuer = "https://tenant.logto.app/oidc";
  options.require_issuer = (flags & 3) == 3;

  check_url_roundtrip(callback);
  check_url_roundtrip(redirect);

  const auto r = logto::oidc::verify_and_parse_callback_uri(callback, redirect, state, options);
  if (!r) {
    FUZZ_REQUIRE(!fuzz::has_control(r.error().message) && !fuzz::has_control(r.error().detail),
                 "callback errors hold no control characters");
    return 0;
  }
  const auto code = first_param(callback, "code");
  const auto got_state = first_param(callback, "state");
  const auto error = first_param(callback, "error");
  const auto iss = first_param(callback, "iss");
  FUZZ_REQUIRE(code && got_state && error && iss, "an accepted callback's query decodes");
  FUZZ_REQUIRE(!r->code.empty() && r->code == *code, "the code is the decoded first code parameter");
  FUZZ_REQUIRE(*got_state == state, "the callback's state equals the stored one");
  FUZZ_REQUIRE(error->empty(), "an accepted callback has no error parameter");
  FUZZ_REQUIRE(r->iss.value_or("") == *iss, "the returned iss is the decoded iss parameter");
  if (!options.issuer.empty()) {
    FUZZ_REQUIRE(iss->empty() ? !options.require_issuer : *iss == options.issuer, "RFC 9207 iss is checked");
  }
  const auto c = logto::parse_url(callback);
  const auto d = logto::parse_url(redirect);
  FUZZ_REQUIRE(c && d, "an accepted callback and its redirect URI parse");
  FUZZ_REQUIRE(lower(c->scheme) == lower(d->scheme) && lower(c->host) == lower(d->host),
               "an accepted callback has the redirect URI's scheme and host");
  const std::size_t colon = callback.find(':');
  FUZZ_REQUIRE(colon != std::string_view::npos && lower(std::string(callback.substr(0, colon))) == c->scheme,
               "the scheme is the text before the first ':'");
  return 0;
}
