/// @file
/// @brief MIME building blocks (RFC 2045 quoted-printable and base64 bodies, RFC 2047 encoded-words,
/// RFC 5322 header folding) written the way nodemailer 8 writes them, so that a message built here
/// is byte-identical to what @logto/connector-smtp sends (tests/interop/smtp/expected.json).
///
/// nodemailer works on JavaScript strings, so several of its rules count UTF-16 code units (an
/// emoji counts 2). The functions here take and return UTF-8 and count the way nodemailer does.
/// Inputs are expected to be valid UTF-8 (the message builder checks); invalid bytes are read as
/// U+FFFD and never cause out-of-bounds reads.
#pragma once

#include <algorithm>    // std::max
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint32_t
#include <string>       // std::string, std::u16string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "logto/core/encoding.hpp"

namespace logto {
namespace smtp {
namespace mime {

namespace detail {

/// Reads one code point of UTF-8 at `s[i]` and advances `i` (invalid input: U+FFFD, one byte).
inline char32_t next_code_point(std::string_view s, std::size_t& i) noexcept {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    ++i;
    return c;
  }
  std::size_t len = 0;
  char32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1Fu;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0Fu;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07u;
  } else {
    ++i;
    return 0xFFFD;
  }
  if (s.size() - i < len) {
    ++i;
    return 0xFFFD;
  }
  for (std::size_t k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0u) != 0x80u) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (cc & 0x3Fu);
  }
  i += len;
  return cp;
}

inline void append_utf8(std::string& out, char32_t cp) {
  if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // a lone surrogate (Node writes U+FFFD)
  logto::append_utf8(out, cp);
}

inline std::vector<char32_t> to_code_points(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) out.push_back(next_code_point(s, i));
  return out;
}

inline std::string from_code_points(const std::vector<char32_t>& cps, std::size_t begin, std::size_t end) {
  std::string out;
  for (std::size_t i = begin; i < end && i < cps.size(); ++i) append_utf8(out, cps[i]);
  return out;
}

inline std::u16string to_utf16(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const char32_t cp = next_code_point(s, i);
    if (cp >= 0x10000) {
      out += static_cast<char16_t>(0xD800 + ((cp - 0x10000) >> 10));
      out += static_cast<char16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      out += static_cast<char16_t>(cp);
    }
  }
  return out;
}

inline std::string from_utf16(std::u16string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char16_t u = s[i];
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < s.size() && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
      append_utf8(out,
                  0x10000 + ((static_cast<char32_t>(u) - 0xD800) << 10) + (static_cast<char32_t>(s[i + 1]) - 0xDC00));
      ++i;
    } else {
      append_utf8(out, u);
    }
  }
  return out;
}

/// JavaScript's `\s` (WhiteSpace and LineTerminator).
constexpr bool is_js_space(char32_t c) noexcept {
  return c == 0x09 || c == 0x0A || c == 0x0B || c == 0x0C || c == 0x0D || c == 0x20 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 ||
         c == 0xFEFF;
}

/// The only characters a header line may be folded at (RFC 5322 2.2.3 / 3.2.2: FWS is SP or HTAB).
constexpr bool is_fold_space(char32_t c) noexcept { return c == 0x20 || c == 0x09; }

/// A control character a header value must not carry raw: C0 except HTAB, and DEL (RFC 5322 3.2.5
/// `VCHAR` / `WSP`). nodemailer sends them as they are and folds at VT and FF.
constexpr bool is_header_control(char32_t c) noexcept { return (c < 0x20 && c != 0x09) || c == 0x7F; }

/// JavaScript's `\w`.
constexpr bool is_js_word(char32_t c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

constexpr char hex_upper(unsigned v) noexcept { return "0123456789ABCDEF"[v & 15u]; }

inline bool is_hex(char c) noexcept { return logto::detail::hex_value(c) >= 0; }

}  // namespace detail

/// JavaScript's `String.prototype.trim` on UTF-8 text (strips Unicode white space too).
inline std::string_view js_trim(std::string_view s) {
  std::size_t begin = 0;
  while (begin < s.size()) {
    std::size_t next = begin;
    if (!detail::is_js_space(detail::next_code_point(s, next))) break;
    begin = next;
  }
  std::size_t end = s.size();
  while (end > begin) {
    // step back to the start of the last code point
    std::size_t start = end - 1;
    while (start > begin && (static_cast<unsigned char>(s[start]) & 0xC0u) == 0x80u) --start;
    std::size_t probe = start;
    const char32_t cp = detail::next_code_point(s, probe);
    if (probe != end || !detail::is_js_space(cp)) break;
    end = start;
  }
  return s.substr(begin, end - begin);
}

/// Length of `s` in UTF-16 code units (JavaScript's `length`).
inline std::size_t utf16_length(std::string_view s) noexcept {
  std::size_t n = 0;
  std::size_t i = 0;
  while (i < s.size()) n += detail::next_code_point(s, i) >= 0x10000 ? 2 : 1;
  return n;
}

/// The two RFC 2047 encodings.
enum class word_encoding { q, b };

/// nodemailer's `_getTextEncoding`: Q when ASCII letters outnumber "non-Latin" UTF-16 units (C0
/// controls other than TAB, LF, CR, and every unit >= 0x80), otherwise B. The same rule picks
/// quoted-printable over base64 for bodies.
inline word_encoding choose_encoding(std::string_view utf8) noexcept {
  std::size_t non_latin = 0;
  std::size_t latin = 0;
  std::size_t i = 0;
  while (i < utf8.size()) {
    const char32_t c = detail::next_code_point(utf8, i);
    if (c >= 0x10000) {
      non_latin += 2;
    } else if (c <= 0x08 || c == 0x0B || c == 0x0C || (c >= 0x0E && c <= 0x1F) || c >= 0x80) {
      ++non_latin;
    } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
      ++latin;
    }
  }
  return non_latin < latin ? word_encoding::q : word_encoding::b;
}

/// nodemailer's `isPlainText`: no C0 control other than TAB, LF, CR and nothing >= 0x80.
inline bool is_plain_text(std::string_view s) noexcept {
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80 || c <= 0x08 || c == 0x0B || c == 0x0C || (c >= 0x0E && c <= 0x1F)) return false;
  }
  return true;
}

/// nodemailer's `hasLongerLines`: some line (split at LF, CR, U+2028, U+2029) is longer than
/// `line_length` UTF-16 units; text over 128 Ki units always counts as having long lines.
inline bool has_longer_lines(std::string_view s, std::size_t line_length) noexcept {
  if (utf16_length(s) > std::size_t{128} * 1024u) return true;
  std::size_t run = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    const char32_t c = detail::next_code_point(s, i);
    if (c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029) {
      run = 0;
      continue;
    }
    run += c >= 0x10000 ? 2 : 1;
    if (run > line_length) return true;
  }
  return false;
}

/// Quoted-printable encoding of bytes (nodemailer `qp.encode`): TAB, LF, CR and 0x20-0x7E except
/// `=` stay literal, except a SP or TAB at the end or before LF/CR; everything else is `=XX`.
inline std::string qp_encode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 3);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    const bool allowed = c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0x3C) || (c >= 0x3E && c <= 0x7E);
    const bool trailing_ws =
        (c == 0x20 || c == 0x09) && (i + 1 == bytes.size() || bytes[i + 1] == '\n' || bytes[i + 1] == '\r');
    if (allowed && !trailing_ws) {
      out += static_cast<char>(c);
    } else {
      out += '=';
      out += detail::hex_upper(c >> 4u);
      out += detail::hex_upper(c);
    }
  }
  return out;
}

namespace detail {
// /[=][\da-f]{0,N}$/i: the start of the match, or npos.
inline std::size_t trailing_escape(std::string_view line, std::size_t max_hex) {
  std::size_t hex = 0;
  while (hex < line.size() && hex <= max_hex && is_hex(line[line.size() - 1 - hex])) ++hex;
  // the '=' may sit 0..max_hex characters before the end, provided all between are hex
  for (std::size_t k = 0; k <= max_hex && k < line.size(); ++k) {
    if (k > hex) break;
    if (line[line.size() - 1 - k] == '=') return line.size() - 1 - k;
  }
  return std::string_view::npos;
}
inline bool ends_with_full_escape(std::string_view line) {  // /[=][\da-f]{2}$/i
  return line.size() >= 3 && line[line.size() - 3] == '=' && is_hex(line[line.size() - 2]) &&
         is_hex(line[line.size() - 1]);
}
inline bool only_escapes_1_to_4(std::string_view line) {  // /^(?:=[\da-f]{2}){1,4}$/i
  if (line.empty() || line.size() % 3 != 0 || line.size() > 12) return false;
  for (std::size_t k = 0; k < line.size(); k += 3) {
    if (line[k] != '=' || !is_hex(line[k + 1]) || !is_hex(line[k + 2])) return false;
  }
  return true;
}
inline bool is_qp_break_char(char c) noexcept {
  return c == ' ' || c == '\t' || c == '.' || c == ',' || c == '!' || c == '?';
}
}  // namespace detail

/// Soft line breaks for quoted-printable text (nodemailer `qp.wrap`): lines of at most
/// `line_length` characters including the `=`, broken after white space or punctuation when there
/// is some near the end, never inside an `=XX` escape or a UTF-8 sequence.
inline std::string qp_wrap(std::string_view str, std::size_t line_length = 76) {
  if (str.size() <= line_length) return std::string(str);
  const std::size_t len = str.size();
  const std::size_t margin = line_length / 3;
  std::string out;
  out.reserve(len + len / line_length * 3 + 3);
  std::size_t pos = 0;
  while (pos < len) {
    std::string_view line = str.substr(pos, line_length);
    const std::size_t crlf = line.find("\r\n");
    if (crlf != std::string_view::npos) {
      line = line.substr(0, crlf + 2);
      out += line;
      pos += line.size();
      continue;
    }
    if (!line.empty() && line.back() == '\n') {
      out += line;
      pos += line.size();
      continue;
    }
    {
      // /\n.*?$/ on the last `margin` characters: the last LF there with no CR/LF after it
      const std::size_t tail_start = line.size() > margin ? line.size() - margin : 0;
      std::size_t found = std::string_view::npos;
      for (std::size_t k = line.size(); k > tail_start; --k) {
        const char c = line[k - 1];
        if (c == '\r') break;
        if (c == '\n') {
          found = k - 1;
          break;
        }
      }
      if (found != std::string_view::npos) {
        line = line.substr(0, found + 1);
        out += line;
        pos += line.size();
        continue;
      }
    }
    bool broke_at_space = false;
    if (line.size() > line_length - margin) {
      // /[ \t.,!?][^ \t.,!?]*$/ on the last `margin` characters: keep the break character
      const std::size_t tail_start = line.size() - margin;
      for (std::size_t k = line.size(); k > tail_start; --k) {
        if (detail::is_qp_break_char(line[k - 1])) {
          line = line.substr(0, k);
          broke_at_space = true;
          break;
        }
      }
    }
    if (!broke_at_space && detail::trailing_escape(line, 2) != std::string_view::npos) {
      const std::size_t partial = detail::trailing_escape(line, 1);
      if (partial != std::string_view::npos) line = line.substr(0, partial);
      // do not split a UTF-8 sequence across lines
      while (line.size() > 3 && line.size() < len - pos && !detail::only_escapes_1_to_4(line) &&
             detail::ends_with_full_escape(line)) {
        const int code = logto::detail::hex_value(line[line.size() - 2]) * 16 + logto::detail::hex_value(line.back());
        if (code < 128) break;
        line = line.substr(0, line.size() - 3);
        if (code >= 0xC0) break;
      }
    }
    if (pos + line.size() < len && (line.empty() || line.back() != '\n')) {
      if (line.size() == line_length && detail::ends_with_full_escape(line)) {
        line = line.substr(0, line.size() - 3);
      } else if (line.size() == line_length) {
        line = line.substr(0, line.size() - 1);
      }
      if (line.empty()) line = str.substr(pos, 1);  // cannot happen for QP input; guarantees progress
      pos += line.size();
      out += line;
      out += "=\r\n";
    } else {
      pos += line.size();
      out += line;
    }
  }
  return out;
}

/// Base64 body lines of `line_length` characters separated by CRLF (nodemailer `base64.wrap`).
inline std::string base64_wrap(std::string_view b64, std::size_t line_length = 76) {
  std::string out;
  out.reserve(b64.size() + b64.size() / line_length * 2);
  for (std::size_t pos = 0; pos < b64.size(); pos += line_length) {
    if (pos != 0) out += "\r\n";
    out += b64.substr(pos, line_length);
  }
  return out;
}

/// Splits Q-encoded text into chunks of at most `max_length` characters without cutting an `=XX`
/// escape or a UTF-8 sequence (nodemailer `splitMimeEncodedString`).
inline std::vector<std::string> split_mime_encoded(std::string_view str, std::size_t max_length) {
  std::vector<std::string> lines;
  if (max_length < 12) max_length = 12;
  while (!str.empty()) {
    std::string_view cur = str.substr(0, max_length);
    const std::size_t partial = detail::trailing_escape(cur, 1);
    if (partial != std::string_view::npos) cur = cur.substr(0, partial);
    for (;;) {
      const std::string_view rest = str.substr(cur.size());
      if (rest.size() >= 3 && rest[0] == '=' && detail::is_hex(rest[1]) && detail::is_hex(rest[2])) {
        const int chr = logto::detail::hex_value(rest[1]) * 16 + logto::detail::hex_value(rest[2]);
        if (chr < 0xC2 && chr > 0x7F && cur.size() >= 3) {
          cur = cur.substr(0, cur.size() - 3);
          continue;
        }
      }
      break;
    }
    if (cur.empty()) cur = str.substr(0, max_length);  // unreachable for valid UTF-8; keeps progress
    lines.emplace_back(cur);
    str.remove_prefix(cur.size());
  }
  return lines;
}

/// One RFC 2047 encoded-word, split into several space-separated words when `max_length` (the whole
/// word's budget, nodemailer passes 52) is exceeded (nodemailer `encodeWord`). Q words use `_` for
/// space and `=XX` for everything outside `[A-Za-z0-9!*+-/=]`; B words carry whole characters.
inline std::string encode_word(std::string_view utf8, word_encoding enc, std::size_t max_length = 0) {
  static constexpr std::string_view charset = "UTF-8";
  if (max_length > 7 + charset.size()) max_length -= 7 + charset.size();
  std::string encoded;
  if (enc == word_encoding::q) {
    const std::string qp = qp_encode(utf8);
    encoded.reserve(qp.size() * 2);
    for (const char c : qp) {
      const auto u = static_cast<unsigned char>(c);
      if (logto::detail::is_alnum(u) || c == '!' || c == '*' || c == '+' || c == '-' || c == '/' || c == '=') {
        encoded += c;
      } else if (c == ' ') {
        encoded += '_';
      } else {
        encoded += '=';
        encoded += detail::hex_upper(u >> 4u);
        encoded += detail::hex_upper(u);
      }
    }
    if (max_length != 0 && encoded.size() > max_length) {
      const auto parts = split_mime_encoded(encoded, max_length);
      std::string joined;
      for (std::size_t k = 0; k < parts.size(); ++k) {
        if (k != 0) joined += "?= =?UTF-8?Q?";
        joined += parts[k];
      }
      encoded = std::move(joined);
    }
    return "=?UTF-8?Q?" + encoded + "?=";
  }
  // B: chunks of whole characters of at most max(3, floor(budget / 4) * 3) UTF-8 bytes.
  const std::size_t chunk = max_length != 0 ? (std::max<std::size_t>)(3, (max_length - max_length % 4) / 4 * 3) : 0;
  if (chunk == 0) return "=?UTF-8?B?" + base64_encode(utf8) + "?=";
  std::string result;
  std::string part;
  std::size_t i = 0;
  bool first_char = true;
  while (i < utf8.size()) {
    const std::size_t start = i;
    detail::next_code_point(utf8, i);
    const std::string_view ch = utf8.substr(start, i - start);
    if (part.size() + ch.size() <= chunk || first_char) {
      part += ch;
    } else {
      if (!result.empty()) result += "?= =?UTF-8?B?";
      result += base64_encode(part);
      part.assign(ch.data(), ch.size());
    }
    first_char = false;
  }
  if (!part.empty()) {
    if (!result.empty()) result += "?= =?UTF-8?B?";
    result += base64_encode(part);
  }
  return "=?UTF-8?B?" + result + "?=";
}

/// True when a header value is written as encoded-words: it holds `"` or a non-ASCII character
/// (nodemailer's rule), or a control character (`detail::is_header_control`; our addition, so that
/// VT, FF, ESC or DEL reach the reader intact instead of breaking the header section).
inline bool needs_encoded_words(std::string_view utf8) noexcept {
  for (const char c : utf8) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || u >= 0x80 || detail::is_header_control(u)) return true;
  }
  return false;
}

/// True when `value` can stand raw in a header line: no control character but HTAB (no CR or LF
/// either), so folding (at SP/HTAB only) keeps every line a valid RFC 5322 header line.
inline bool is_header_safe(std::string_view value) noexcept {
  for (const char c : value) {
    if (detail::is_header_control(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

/// A header value as nodemailer's `_encodeWords` writes it: unchanged when plain, otherwise the whole
/// value as encoded-words (Q or B by `choose_encoding`, 52-character words).
inline std::string encode_words(std::string_view utf8) {
  if (!needs_encoded_words(utf8)) return std::string(utf8);
  return encode_word(utf8, choose_encoding(utf8), 52);
}

/// Folds one header line (`Name: value`) at `line_length` UTF-16 units the way nodemailer's
/// `foldLines` does: break before the last white space that fits (it starts the continuation
/// line); a longer unbreakable token stays whole. Unlike nodemailer (any JavaScript `\s`), only SP
/// and HTAB count as white space here: a break before VT, FF or U+2028 would start a continuation
/// line that is not one (RFC 5322 2.2.3), corrupting the header section.
inline std::string fold_lines(std::string_view text, std::size_t line_length = 76) {
  const std::u16string str = detail::to_utf16(text);
  const std::size_t len = str.size();
  std::u16string out;
  std::size_t pos = 0;
  while (pos < len) {
    std::u16string line = str.substr(pos, line_length);
    if (line.size() < line_length) {
      out += line;
      break;
    }
    // /^[^\n\r]*(\r?\n|\r)/
    const std::size_t nl = line.find_first_of(u"\r\n");
    if (nl != std::u16string::npos) {
      std::size_t end = nl + 1;
      if (line[nl] == u'\r' && nl + 1 < line.size() && line[nl + 1] == u'\n') end = nl + 2;
      out += line.substr(0, end);
      pos += end;
      continue;
    }
    // /([ \t]+)[^ \t]*$/ with the white-space run not at the start
    std::size_t k = line.size();
    while (k > 0 && !detail::is_fold_space(line[k - 1])) --k;
    std::size_t run_start = k;
    while (run_start > 0 && detail::is_fold_space(line[run_start - 1])) --run_start;
    if (k > 0 && run_start > 0) {
      line.resize(run_start);
    } else {
      // /^[^ \t]+/ on the rest: extend the line over the rest of an unbreakable token
      std::size_t r = pos + line.size();
      while (r < len && !detail::is_fold_space(str[r]) && str[r] != u'\r' && str[r] != u'\n') ++r;
      line = str.substr(pos, r - pos);
    }
    out += line;
    pos += line.size();
    if (pos < len) out += u"\r\n";
  }
  return detail::from_utf16(out);
}

/// nodemailer's `_normalizeHeaderKey`: lower case, then upper-case the first letter and every
/// letter after `-`; `MIME`, `DKIM`, `ARC`, `BIMI` prefixes and `-SPF`, `-FBL`, `-ID`, `-MD5`
/// suffixes in capitals; `X-SMTPAPI`; `Content-features`. ASCII names (the caller checks).
inline std::string normalize_header_key(std::string_view key) {
  std::string s(js_trim(key));
  for (char& c : s) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  const auto upper = [](char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; };
  const auto upper_range = [&s, &upper](std::size_t from, std::size_t n) {
    for (std::size_t k = from; k < from + n && k < s.size(); ++k) s[k] = upper(s[k]);
  };
  const auto alpha = [](char c) { return c >= 'a' && c <= 'z'; };
  std::size_t p = 0;
  while (p < s.size()) {
    if (p == 0 && s == "x-smtpapi") {
      upper_range(0, s.size());
      break;
    }
    if (p == 0) {
      bool prefix = false;
      for (const std::string_view word :
           {std::string_view("mime"), std::string_view("dkim"), std::string_view("arc"), std::string_view("bimi")}) {
        if (s.compare(0, word.size(), word) == 0 &&
            (s.size() == word.size() || !detail::is_js_word(static_cast<unsigned char>(s[word.size()])))) {
          upper_range(0, word.size());
          p = word.size();
          prefix = true;
          break;
        }
      }
      if (prefix) continue;
      if (alpha(s[0])) {
        s[0] = upper(s[0]);
        p = 1;
        continue;
      }
    }
    if (s[p] == '-') {
      bool suffix = false;
      for (const std::string_view word :
           {std::string_view("spf"), std::string_view("fbl"), std::string_view("id"), std::string_view("md5")}) {
        if (s.size() - p - 1 == word.size() && s.compare(p + 1, word.size(), word) == 0) {
          upper_range(p + 1, word.size());
          p = s.size();
          suffix = true;
          break;
        }
      }
      if (suffix) break;
      if (p + 1 < s.size() && alpha(s[p + 1])) {
        s[p + 1] = upper(s[p + 1]);
        p += 2;
        continue;
      }
    }
    ++p;
  }
  if (s == "Content-Features") s = "Content-features";
  return s;
}

}  // namespace mime
}  // namespace smtp
}  // namespace logto
