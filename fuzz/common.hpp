// Shared helpers for the libFuzzer targets in fuzz/: the property check, input splitting, and small
// decoders written independently of the library (base64, quoted-printable, RFC 5322 unfolding,
// RFC 2047 encoded-words, a percent-decoder), so that a property is checked against a second
// implementation rather than against the library itself.
#pragma once

#include <picojson.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

/// A violated property: print what and where, then abort() so libFuzzer records the input.
#define FUZZ_REQUIRE(cond, what)                                                                           \
  do {                                                                                                     \
    if (!(cond)) {                                                                                         \
      std::fprintf(stderr, "\nPROPERTY VIOLATED at %s:%d: %s\n  (%s)\n", __FILE__, __LINE__, what, #cond); \
      std::abort();                                                                                        \
    }                                                                                                      \
  } while (0)

namespace fuzz {

inline std::string_view as_view(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Takes the first byte of `in` (0 when empty) and removes it.
inline unsigned take_byte(std::string_view& in) {
  if (in.empty()) return 0;
  const auto b = static_cast<unsigned char>(in.front());
  in.remove_prefix(1);
  return b;
}

/// Splits `in` at every `sep` into at most `max_parts` parts (the last part keeps the rest).
inline std::vector<std::string_view> split(std::string_view in, char sep, std::size_t max_parts) {
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < max_parts) {
    const std::size_t p = in.find(sep);
    if (p == std::string_view::npos) break;
    parts.push_back(in.substr(0, p));
    in.remove_prefix(p + 1);
  }
  parts.push_back(in);
  return parts;
}

/// A test data file (tests/data/..., tests/interop/...) read at start-up; aborts when it is missing,
/// so a misconfigured build cannot fuzz against an empty key set.
inline std::string read_source_file(const std::string& relative) {
  const std::string path = std::string(LOGTO_SOURCE_DIR) + "/" + relative;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "fuzz: cannot read %s\n", path.c_str());
    std::abort();
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// picojson's own parser (not the library's strict one): the second opinion on JSON text.
/// picojson throws std::overflow_error for a number that overflows a double (`1e999`); that is a
/// "no" here, not a crash.
inline std::optional<picojson::value> independent_json(std::string_view text) {
  picojson::value v;
  std::string err;
  try {
    picojson::parse(v, text.begin(), text.end(), &err);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (!err.empty()) return std::nullopt;
  return v;
}

inline const picojson::value* member(const picojson::value& obj, const std::string& key) {
  if (!obj.is<picojson::object>()) return nullptr;
  const auto& o = obj.get<picojson::object>();
  const auto it = o.find(key);
  return it == o.end() ? nullptr : &it->second;
}

inline const std::string* member_string(const picojson::value& obj, const std::string& key) {
  const picojson::value* v = member(obj, key);
  return v != nullptr && v->is<std::string>() ? &v->get<std::string>() : nullptr;
}

/// An optional string member as the library reads one: absent or null gives nullopt; any other
/// non-string is a property violation (the caller only asks about values the library accepted).
inline std::optional<std::string> optional_string(const picojson::value& obj, const char* name) {
  const picojson::value* v = member(obj, name);
  if (v == nullptr || v->is<picojson::null>()) return std::nullopt;
  FUZZ_REQUIRE(v->is<std::string>(), "an accepted optional string member is a string or null");
  return v->get<std::string>();
}

/// base64 (RFC 4648 4, `url` = false) or base64url (5) decoding. `strict`: no padding for base64url,
/// padding required for base64, canonical trailing bits. Not strict: padding optional, trailing bits
/// ignored.
inline std::optional<std::string> base64_decode(std::string_view in, bool url, bool strict) {
  auto value = [url](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == (url ? '-' : '+')) return 62;
    if (c == (url ? '_' : '/')) return 63;
    return -1;
  };
  std::size_t pad = 0;
  while (!in.empty() && in.back() == '=' && pad < 2) {
    in.remove_suffix(1);
    ++pad;
  }
  if (strict && (url ? pad != 0 : (in.size() + pad) % 4 != 0)) return std::nullopt;
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : in) {
    const int v = value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFFu);
    }
  }
  if (strict && (acc & ((1u << bits) - 1u)) != 0) return std::nullopt;
  return out;
}

inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Decodes the two hex digits after `in[i]` (an escape character) into `out` and moves `i` past them.
inline bool decode_escape(std::string_view in, std::size_t& i, std::string& out) {
  if (i + 2 >= in.size()) return false;
  const int h = hex_digit(in[i + 1]);
  const int l = hex_digit(in[i + 2]);
  if (h < 0 || l < 0) return false;
  out += static_cast<char>(h * 16 + l);
  i += 2;
  return true;
}

/// %XX decoding (and '+' as space when `plus`); nullopt on a malformed escape.
inline std::optional<std::string> percent_decode(std::string_view in, bool plus) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%') {
      if (!decode_escape(in, i, out)) return std::nullopt;
    } else if (plus && in[i] == '+') {
      out += ' ';
    } else {
      out += in[i];
    }
  }
  return out;
}

/// True when every CR is followed by LF and every LF preceded by CR.
inline bool only_crlf_line_breaks(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && (i + 1 >= s.size() || s[i + 1] != '\n')) return false;
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) return false;
  }
  return true;
}

/// RFC 5322 2.2.3 unfolding: CRLF immediately followed by WSP is removed.
inline std::string unfold(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 2 < s.size() && s[i + 1] == '\n' && (s[i + 2] == ' ' || s[i + 2] == '\t')) {
      ++i;
      continue;
    }
    out += s[i];
  }
  return out;
}

/// Quoted-printable decoding (RFC 2045 6.7): soft line breaks removed, =XX decoded.
inline std::optional<std::string> qp_decode(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out += in[i];
      continue;
    }
    if (i + 2 < in.size() && in[i + 1] == '\r' && in[i + 2] == '\n') {
      i += 2;
      continue;
    }
    if (!decode_escape(in, i, out)) return std::nullopt;
  }
  return out;
}

/// One RFC 2047 encoded-word `=?charset?enc?text?=` at `s[i]`: its decoded bytes, `i` moved past it.
inline std::optional<std::string> encoded_word(std::string_view s, std::size_t& i) {
  if (s.compare(i, 2, "=?") != 0) return std::nullopt;
  const std::size_t q1 = s.find('?', i + 2);
  if (q1 == std::string_view::npos || q1 + 2 >= s.size() || s[q1 + 2] != '?') return std::nullopt;
  const char enc = s[q1 + 1];
  const std::size_t end = s.find("?=", q1 + 3);
  if (end == std::string_view::npos) return std::nullopt;
  const std::string_view text = s.substr(q1 + 3, end - q1 - 3);
  if (text.find(' ') != std::string_view::npos) return std::nullopt;  // RFC 2047 5: no white space inside
  std::optional<std::string> decoded;
  if (enc == 'B' || enc == 'b') {
    decoded = base64_decode(text, false, false);
  } else if (enc == 'Q' || enc == 'q') {
    std::string t;
    for (const char c : text) t += c == '_' ? ' ' : c;
    decoded = qp_decode(t);
  }
  if (decoded) i = end + 2;
  return decoded;
}

/// RFC 2047 decoding of an unstructured header value: encoded-words decoded, white space between two
/// adjacent encoded-words dropped (6.2), everything else kept as it is.
inline std::string rfc2047_decode(std::string_view s) {
  std::string out;
  std::string pending_space;
  bool last_was_word = false;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ' || s[i] == '\t') {
      pending_space += s[i++];
      continue;
    }
    std::size_t j = i;
    if (auto w = encoded_word(s, j)) {
      // a word must stand alone: followed by white space or the end
      if (j == s.size() || s[j] == ' ' || s[j] == '\t') {
        if (!last_was_word) out += pending_space;
        pending_space.clear();
        out += *w;
        last_was_word = true;
        i = j;
        continue;
      }
    }
    out += pending_space;
    pending_space.clear();
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') out += s[i++];
    last_was_word = false;
  }
  out += pending_space;
  return out;
}

inline bool has_control(std::string_view s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return true;
  }
  return false;
}

inline bool has_cr_lf_nul(std::string_view s) { return s.find_first_of(std::string_view("\r\n\0", 3)) != s.npos; }

}  // namespace fuzz
