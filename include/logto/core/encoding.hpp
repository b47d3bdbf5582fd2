/// @file
/// @brief Byte encodings: base64 (RFC 4648 4), strict base64url (RFC 4648 5, no padding), hex,
/// RFC 3986 percent-encoding, WHATWG `application/x-www-form-urlencoded`, percent-decoding, UTF-8.
///
/// Decoders are strict and never read out of bounds: anything that is not the canonical encoding of
/// some byte string is an `errc::invalid_encoding` error with a message saying where.
#pragma once

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint8_t, std::uint32_t
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "logto/core/result.hpp"

namespace logto {
namespace detail {

constexpr char base64_std_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char base64_url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

inline std::string base64_encode_with(std::string_view in, const char* alphabet, bool pad) {
  const std::size_t whole = in.size() / 3;
  const std::size_t rest = in.size() % 3;
  std::string out;
  out.resize(whole * 4 + (rest == 0 ? 0 : (pad ? 4 : rest + 1)));  // one allocation, no per-byte checks
  char* dst = out.data();
  const auto byte = [&in](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(in[k])); };
  std::size_t i = 0;
  for (std::size_t q = 0; q < whole; ++q, i += 3, dst += 4) {
    const std::uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    dst[0] = alphabet[(n >> 18) & 63];
    dst[1] = alphabet[(n >> 12) & 63];
    dst[2] = alphabet[(n >> 6) & 63];
    dst[3] = alphabet[n & 63];
  }
  if (rest != 0) {
    const std::uint32_t n = (byte(i) << 16) | (rest == 2 ? byte(i + 1) << 8 : 0u);
    dst[0] = alphabet[(n >> 18) & 63];
    dst[1] = alphabet[(n >> 12) & 63];
    if (rest == 2) {
      dst[2] = alphabet[(n >> 6) & 63];
    } else if (pad) {
      dst[2] = '=';
    }
    if (pad) dst[3] = '=';
  }
  return out;
}

/// Reverse alphabet: the 6-bit value of every byte, `base64_invalid` for bytes outside the alphabet.
struct base64_reverse_table {
  unsigned char value[256];
};
constexpr unsigned char base64_invalid = 0xFF;

constexpr base64_reverse_table make_base64_reverse_table(const char* alphabet) noexcept {
  base64_reverse_table t{};
  for (std::size_t i = 0; i < 256; ++i) t.value[i] = base64_invalid;
  for (unsigned char v = 0; v < 64; ++v) t.value[static_cast<unsigned char>(alphabet[v])] = v;
  return t;
}

inline constexpr base64_reverse_table base64_std_reverse = make_base64_reverse_table(base64_std_alphabet);
inline constexpr base64_reverse_table base64_url_reverse = make_base64_reverse_table(base64_url_alphabet);

// The first byte of in[from, from + count) outside the alphabet (the caller knows there is one).
inline error base64_invalid_character(std::string_view in, std::size_t from, std::size_t count,
                                      const unsigned char* table, const char* what) {
  std::size_t i = from;
  while (i + 1 < from + count && table[static_cast<unsigned char>(in[i])] != base64_invalid) ++i;
  return make_error(errc::invalid_encoding, std::string(what) + ": invalid character at offset " + std::to_string(i));
}

// Decodes unpadded base64 data (the padding, if any, was already checked and stripped). Table-driven,
// 4 characters into 3 bytes per step, written into a string sized once. Errors, in this order: an
// impossible length, the first character outside the alphabet, non-zero unused bits in the last character.
// The caller names the table, so a program that decodes only one alphabet links only that table.
inline result<std::string> base64_decode_body(std::string_view in, const unsigned char* table, const char* what) {
  const std::size_t tail = in.size() % 4;
  if (tail == 1) {
    return make_error(errc::invalid_encoding,
                      std::string(what) + ": length " + std::to_string(in.size()) + " is not a valid encoded length");
  }
  const auto value = [&in, table](std::size_t k) {
    return static_cast<std::uint32_t>(table[static_cast<unsigned char>(in[k])]);
  };
  const std::size_t whole = in.size() / 4;
  std::string out;
  out.resize(whole * 3 + (tail == 0 ? 0 : tail - 1));
  char* dst = out.data();
  std::size_t i = 0;
  for (std::size_t q = 0; q < whole; ++q, i += 4, dst += 3) {
    const std::uint32_t a = value(i), b = value(i + 1), c = value(i + 2), d = value(i + 3);
    if (((a | b | c | d) & 0x80u) != 0) return base64_invalid_character(in, i, 4, table, what);
    const std::uint32_t n = (a << 18) | (b << 12) | (c << 6) | d;
    dst[0] = static_cast<char>((n >> 16) & 0xFFu);
    dst[1] = static_cast<char>((n >> 8) & 0xFFu);
    dst[2] = static_cast<char>(n & 0xFFu);
  }
  if (tail != 0) {
    const std::uint32_t a = value(i), b = value(i + 1), c = tail == 3 ? value(i + 2) : 0u;
    if (((a | b | c) & 0x80u) != 0) return base64_invalid_character(in, i, tail, table, what);
    // RFC 4648 3.5: the unused low bits of the last character must be zero (canonical encoding).
    if ((tail == 2 ? (b & 0x0Fu) : (c & 0x03u)) != 0) {
      return make_error(errc::invalid_encoding, std::string(what) + ": non-canonical trailing bits");
    }
    const std::uint32_t n = (a << 18) | (b << 12) | (c << 6);
    dst[0] = static_cast<char>((n >> 16) & 0xFFu);
    if (tail == 3) dst[1] = static_cast<char>((n >> 8) & 0xFFu);
  }
  return out;
}

}  // namespace detail

/// Standard base64 with padding (RFC 4648 section 4).
inline std::string base64_encode(std::string_view bytes) {
  return detail::base64_encode_with(bytes, detail::base64_std_alphabet, true);
}

/// Strict standard base64: padding required, no whitespace, canonical trailing bits.
inline result<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return make_error(errc::invalid_encoding, "base64: length must be a multiple of 4 (padding required)");
  }
  std::size_t pad = 0;
  while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
  return detail::base64_decode_body(text.substr(0, text.size() - pad), detail::base64_std_reverse.value, "base64");
}

/// base64url without padding (RFC 4648 section 5; RFC 7515 section 2 "Base64url Encoding").
inline std::string base64url_encode(std::string_view bytes) {
  return detail::base64_encode_with(bytes, detail::base64_url_alphabet, false);
}

/// Strict base64url as JOSE requires: no padding, no whitespace, URL alphabet only, canonical
/// trailing bits. (Not `mbedtls_base64_decode`: 2.28 silently truncates unpadded input.)
inline result<std::string> base64url_decode(std::string_view text) {
  return detail::base64_decode_body(text, detail::base64_url_reverse.value, "base64url");
}

/// Lower-case hex.
inline std::string hex_encode(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

namespace detail {
inline int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
inline void append_percent(std::string& out, unsigned char b) {
  static constexpr char digits[] = "0123456789ABCDEF";
  out += '%';
  out += digits[b >> 4];
  out += digits[b & 15];
}
inline bool is_alnum(unsigned char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
}  // namespace detail

/// Hex (either case) to bytes.
inline result<std::string> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0) return make_error(errc::invalid_encoding, "hex: odd number of digits");
  std::string out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = detail::hex_value(text[i]);
    const int lo = detail::hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) {
      return make_error(errc::invalid_encoding, "hex: invalid digit at offset " + std::to_string(hi < 0 ? i : i + 1));
    }
    out += static_cast<char>((hi << 4) | lo);
  }
  return out;
}

/// RFC 3986 section 2 percent-encoding: the unreserved set `A-Z a-z 0-9 - . _ ~` stays literal, every
/// other byte becomes `%XX` (upper-case hex). Space is `%20`, `*` is `%2A`. (Aliyun's signing encoding.)
inline std::string percent_encode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 3);
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (detail::is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      detail::append_percent(out, c);
    }
  }
  return out;
}

/// WHATWG `application/x-www-form-urlencoded` serializing (what JS `URLSearchParams` produces):
/// `A-Z a-z 0-9 * - . _` literal, space is `+`, every other byte `%XX` (so `~` is `%7E`).
inline std::string form_encode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 3);
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (detail::is_alnum(c) || c == '*' || c == '-' || c == '.' || c == '_') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      detail::append_percent(out, c);
    }
  }
  return out;
}

/// Percent-decoding. `%` must be followed by two hex digits; with `plus_as_space` a `+` is a space
/// (form decoding). The result is bytes; validate UTF-8 separately where text is required.
inline result<std::string> percent_decode(std::string_view text, bool plus_as_space = false) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) {
        return make_error(errc::invalid_encoding, "percent-encoding: truncated escape at offset " + std::to_string(i));
      }
      const int hi = detail::hex_value(text[i + 1]);
      const int lo = detail::hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) {
        return make_error(errc::invalid_encoding, "percent-encoding: malformed escape at offset " + std::to_string(i));
      }
      out += static_cast<char>((hi << 4) | lo);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

/// Appends the UTF-8 encoding (RFC 3629) of the Unicode scalar value `cp` (not a surrogate, at most
/// U+10FFFF; callers check or replace those first).
inline void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

/// True when `text` is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, at most U+10FFFF).
inline bool is_valid_utf8(std::string_view text) noexcept {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
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
      return false;
    }
    if (n - i < len) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0u) != 0x80u) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

/// True when `text` contains CR, LF or NUL: such a value must never reach a header or an SMTP command.
inline bool has_line_break(std::string_view text) noexcept {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

}  // namespace logto
