// Target address: an RFC 5322 address field (a connector's fromEmail / replyTo / a message's `to`),
// parsed the way nodemailer's addressparser does and written back as a header value.
//
// Properties:
// - the written field holds no CR, LF or NUL, and no envelope address holds a control character, '<'
//   or '>' (they become `MAIL FROM:<...>` / `RCPT TO:<...>`);
// - writing is stable for the envelope: for UTF-8 without control characters (what the message builder
//   lets through) whose addresses are plain addr-specs, parsing the written field gives the same unique
//   addresses (so the envelope and the From/To a recipient reads agree);
// - a display name encodes reversibly: encode_address_name(s) unquotes (quoted-string) or RFC 2047
//   decodes back to s;
// - Punycode round-trips: to_unicode(to_ascii(d)) == d for a lower-case UTF-8 domain without `xn--` labels
//   (separators U+3002, U+FF0E, U+FF61 read as '.').
#include <logto/smtp/address.hpp>

#include <algorithm>

#include "common.hpp"

namespace {

std::vector<std::string> unique_addresses(std::string_view field, std::string* written) {
  auto list = logto::smtp::parse_addresses(field);
  std::vector<logto::smtp::address> unique;
  *written = logto::smtp::format_addresses(list, &unique);
  std::vector<std::string> out;
  // An address that normalises to nothing (`<<<` -> "") stays in the list as "" and is written as `<>`, as
  // nodemailer does; the message builder refuses such an envelope address later. Compared without it.
  for (const auto& a : unique) {
    if (!a.addr.empty()) out.push_back(a.addr);
  }
  return out;
}

/// Every '<' closed by a '>' before the next '<' (no nested or stray angle brackets).
bool balanced_angles(std::string_view s) {
  bool open = false;
  for (const char c : s) {
    if (c == '<') {
      if (open) return false;
      open = true;
    } else if (c == '>') {
      if (!open) return false;
      open = false;
    }
  }
  return !open;
}

std::string unquote(std::string_view s) {
  std::string out;
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\\' && i + 2 < s.size()) ++i;
    out += s[i];
  }
  return out;
}

std::string dots(std::string_view s) {
  std::string out(s);
  for (const char* sep : {"\xE3\x80\x82", "\xEF\xBC\x8E", "\xEF\xBD\xA1"}) {
    for (std::size_t p = out.find(sep); p != std::string::npos; p = out.find(sep, p)) out.replace(p, 3, ".");
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in = fuzz::as_view(data, size);

  std::string written;
  const auto addrs = unique_addresses(in, &written);
  FUZZ_REQUIRE(!fuzz::has_cr_lf_nul(written), "a written address field holds no CR, LF or NUL");
  for (const auto& a : addrs) {
    bool clean = a.find_first_of("<>") == std::string::npos;
    for (const char c : a) clean = clean && static_cast<unsigned char>(c) >= 0x20;
    FUZZ_REQUIRE(clean, "an envelope address holds no control character, '<' or '>'");
  }
  // The message builder refuses CR, LF and NUL and requires UTF-8 (message.hpp), so the header written
  // from such a field is what recipients parse.
  // Only for plain addr-specs and fields without quotes, comments or stray '<>': addressparser is lenient with
  // garbage (unbalanced comments, quotes), and
  // nodemailer's own output of such input does not re-parse the same either.
  if (fuzz::has_control(in) || !logto::is_valid_utf8(in) || in.find_first_of("\"()\\") != std::string_view::npos ||
      !balanced_angles(in)) {
    return 0;
  }
  if (in.find("xn--") != std::string_view::npos) return 0;  // a non-ASCII local part decodes xn-- domains
  for (const auto& a : addrs) {
    if (a.find_first_of("()\"\\,;:[] \t") != std::string::npos || std::count(a.begin(), a.end(), '@') != 1) return 0;
  }
  std::string rewritten;
  const auto again = unique_addresses(written, &rewritten);
  if (again != addrs) {
    std::fprintf(stderr, "field: [%s]\nwritten: [%s]\n", std::string(in).c_str(), written.c_str());
  }
  FUZZ_REQUIRE(again == addrs, "re-parsing a written field gives the same envelope addresses");

  {
    const std::string name = logto::smtp::encode_address_name(in);
    FUZZ_REQUIRE(!fuzz::has_cr_lf_nul(name), "an encoded display name holds no CR, LF or NUL");
    std::string decoded;
    if (!name.empty() && name.front() == '"') {
      decoded = unquote(name);
    } else if (name.rfind("=?", 0) == 0) {
      decoded = fuzz::rfc2047_decode(name);
    } else {
      decoded = name;
    }
    FUZZ_REQUIRE(decoded == in, "a display name decodes back to itself");

    std::string lower = dots(in);
    for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower.find("xn--") == std::string::npos) {
      // normalize_address lower-cases the domain first (and toUnicode lower-cases xn-- labels, as punycode.js)
      if (const auto ascii = logto::smtp::punycode::to_ascii(lower)) {
        for (const char c : *ascii) FUZZ_REQUIRE(static_cast<unsigned char>(c) < 0x80, "to_ascii gives ASCII");
        const auto back = logto::smtp::punycode::to_unicode(*ascii);
        FUZZ_REQUIRE(back && *back == lower, "to_unicode(to_ascii(d)) == d");
      }
    }
  }
  return 0;
}
