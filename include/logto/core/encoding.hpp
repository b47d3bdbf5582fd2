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
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  const auto byte = [&in](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(in[k])); };
  for (; i + 3 <= in.size(); i += 3) {
    const std::uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  const std::size_t rest = in.size() - i;
  if (rest == 1) {
    const std::uint32_t n = byte(i) << 16;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    if (pad) out += "==";
  } else if (rest == 2) {
    const std::uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    if (pad) out += '=';
  }
  return out;
}

inline int base64_value(char c, bool url) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (url) {
    if (c == '-') return 62;
    if (c == '_') return 63;
  } else {
    if (c == '+') return 62;
    if (c == '/') return 63;
  }
  return -1;
}

// Decodes unpadded base64 data (the padding, if any, was already checked and stripped).
inline result<std::string> base64_decode_body(std::string_view in, bool url, const char* what) {
  if (in.size() % 4 == 1) {
    return make_error(errc::invalid_encoding, std::string(what) + ": length " + std::to_string(in.size()) +
                                                  " is not a valid encoded length");
  }
  std::string out;
  out.reserve(in.size() / 4 * 3 + 2);
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const int v = base64_value(in[i], url);
    if (v < 0) {
      return make_error(errc::invalid_encoding,
                        std::string(what) + ": invalid character at offset " + std::to_string(i));
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFFu);
    }
  }
  // RFC 4648 3.5: the unused low bits of the last character must be zero (canonical encoding).
  if (bits > 0 && (acc & ((1u << bits) - 1u)) != 0) {
    return make_error(errc::invalid_encoding, std::string(what) + ": non-canonical trailing bits");
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
  return detail::base64_decode_body(text.substr(0, text.size() - pad), false, "base64");
}

/// base64url without padding (RFC 4648 section 5; RFC 7515 section 2 "Base64url Encoding").
inline std::string base64url_encode(std::string_view bytes) {
  return detail::base64_encode_with(bytes, detail::base64_url_alphabet, false);
}

/// Strict base64url as JOSE requires: no padding, no whitespace, URL alphabet only, canonical
/// trailing bits. (Not `mbedtls_base64_decode`: 2.28 silently truncates unpadded input.)
inline result<std::string> base64url_decode(std::string_view text) {
  return detail::base64_decode_body(text, true, "base64url");
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
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
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
