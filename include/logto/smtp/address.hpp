/// @file
/// @brief RFC 5322 address fields the way nodemailer 8 reads and writes them: its `addressparser`
/// (lenient: `Name <addr>`, `"Quoted, Name" <addr>`, bare addresses, groups, comments), address
/// normalisation (domain lower-cased and punycoded, RFC 3492 / RFC 5890) and the `From:` / `To:`
/// header form (plain, quoted or RFC 2047-encoded display names).
///
/// Inputs are UTF-8. Field values longer than `LOGTO_SMTP_MAX_ADDRESS_FIELD` bytes are not parsed
/// (the parser answers with an empty list), which bounds the work on hostile input.
#pragma once

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint32_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "logto/smtp/mime.hpp"

#ifndef LOGTO_SMTP_MAX_ADDRESS_FIELD
/// Longest address field (bytes) the address parser accepts.
#define LOGTO_SMTP_MAX_ADDRESS_FIELD 4096u
#endif

namespace logto {
namespace smtp {

/// One parsed entry of an address field: a mailbox (`addr` set, `name` optional), a group
/// (`is_group`, members in `group`) or a bare name (`addr` empty: nodemailer drops it on output).
struct address {
  std::string name;
  std::string addr;
  bool is_group = false;
  std::vector<address> group;
};

namespace punycode {

namespace detail {
constexpr std::uint32_t base = 36, t_min = 1, t_max = 26, skew = 38, damp = 700, initial_bias = 72, initial_n = 128,
                        max_int = 0x7FFFFFFF;

inline std::uint32_t adapt(std::uint32_t delta, std::uint32_t num_points, bool first_time) {
  std::uint32_t k = 0;
  delta = first_time ? delta / damp : delta >> 1;
  delta += delta / num_points;
  while (delta > ((base - t_min) * t_max) >> 1) {
    delta /= base - t_min;
    k += base;
  }
  return k + (base - t_min + 1) * delta / (delta + skew);
}

inline char digit_to_basic(std::uint32_t d) { return static_cast<char>(d < 26 ? 'a' + d : '0' + (d - 26)); }

inline std::uint32_t basic_to_digit(char32_t c) {
  if (c >= 0x30 && c < 0x3A) return 26 + (c - 0x30);
  if (c >= 0x41 && c < 0x5B) return c - 0x41;
  if (c >= 0x61 && c < 0x7B) return c - 0x61;
  return base;
}

/// Splits a domain at the RFC 3490 separators (`.`, U+3002, U+FF0E, U+FF61).
inline std::vector<std::vector<char32_t>> labels(std::string_view domain) {
  std::vector<std::vector<char32_t>> out(1);
  for (const char32_t c : mime::detail::to_code_points(domain)) {
    if (c == 0x2E || c == 0x3002 || c == 0xFF0E || c == 0xFF61) {
      out.emplace_back();
    } else {
      out.back().push_back(c);
    }
  }
  return out;
}
}  // namespace detail

/// RFC 3492 encoding of one label (without `xn--`), or nullopt on overflow.
inline std::optional<std::string> encode(const std::vector<char32_t>& input) {
  using namespace detail;
  std::string output;
  for (const char32_t c : input) {
    if (c < 0x80) output += static_cast<char>(c);
  }
  const auto basic_length = static_cast<std::uint32_t>(output.size());
  std::uint32_t handled = basic_length;
  if (basic_length != 0) output += '-';
  std::uint32_t n = initial_n, delta = 0, bias = initial_bias;
  const auto input_length = static_cast<std::uint32_t>(input.size());
  while (handled < input_length) {
    std::uint32_t m = max_int;
    for (const char32_t c : input) {
      if (c >= n && c < m) m = static_cast<std::uint32_t>(c);
    }
    if (m - n > (max_int - delta) / (handled + 1)) return std::nullopt;
    delta += (m - n) * (handled + 1);
    n = m;
    for (const char32_t c : input) {
      if (c < n && ++delta > max_int) return std::nullopt;
      if (c == n) {
        std::uint32_t q = delta;
        for (std::uint32_t k = base;; k += base) {
          const std::uint32_t t = k <= bias ? t_min : k >= bias + t_max ? t_max : k - bias;
          if (q < t) break;
          output += digit_to_basic(t + (q - t) % (base - t));
          q = (q - t) / (base - t);
        }
        output += digit_to_basic(q);
        bias = adapt(delta, handled + 1, handled == basic_length);
        delta = 0;
        ++handled;
      }
    }
    ++delta;
    ++n;
  }
  return output;
}

/// RFC 3492 decoding of one label (without `xn--`), or nullopt when it is not valid Punycode.
inline std::optional<std::vector<char32_t>> decode(const std::vector<char32_t>& input) {
  using namespace detail;
  std::vector<char32_t> output;
  std::size_t basic = 0;
  for (std::size_t k = input.size(); k > 0; --k) {
    if (input[k - 1] == '-') {
      basic = k - 1;
      break;
    }
  }
  for (std::size_t j = 0; j < basic; ++j) {
    if (input[j] >= 0x80) return std::nullopt;
    output.push_back(input[j]);
  }
  std::uint32_t i = 0, n = initial_n, bias = initial_bias;
  for (std::size_t index = basic > 0 ? basic + 1 : 0; index < input.size();) {
    const std::uint32_t old_i = i;
    std::uint32_t w = 1;
    for (std::uint32_t k = base;; k += base) {
      if (index >= input.size()) return std::nullopt;
      const std::uint32_t digit = basic_to_digit(input[index++]);
      if (digit >= base) return std::nullopt;
      if (digit > (max_int - i) / w) return std::nullopt;
      i += digit * w;
      const std::uint32_t t = k <= bias ? t_min : k >= bias + t_max ? t_max : k - bias;
      if (digit < t) break;
      if (w > max_int / (base - t)) return std::nullopt;
      w *= base - t;
    }
    const auto out = static_cast<std::uint32_t>(output.size() + 1);
    bias = adapt(i - old_i, out, old_i == 0);
    if (i / out > max_int - n) return std::nullopt;
    n += i / out;
    i %= out;
    if (n > 0x10FFFF) return std::nullopt;  // String.fromCodePoint would fail (RangeError)
    output.insert(output.begin() + static_cast<std::ptrdiff_t>(i), static_cast<char32_t>(n));
    ++i;
  }
  return output;
}

/// punycode.js `toASCII`: labels with non-ASCII characters become `xn--...` (no case mapping or
/// other IDNA processing, exactly as nodemailer does); nullopt on overflow.
inline std::optional<std::string> to_ascii(std::string_view domain) {
  std::string out;
  bool first = true;
  for (const auto& label : detail::labels(domain)) {
    if (!first) out += '.';
    first = false;
    bool ascii = true;
    for (const char32_t c : label) ascii = ascii && c < 0x80;
    if (ascii) {
      out += mime::detail::from_code_points(label, 0, label.size());
    } else {
      auto enc = encode(label);
      if (!enc) return std::nullopt;
      out += "xn--" + *enc;
    }
  }
  return out;
}

/// punycode.js `toUnicode`: `xn--` labels decoded; nullopt when one is not valid Punycode.
inline std::optional<std::string> to_unicode(std::string_view domain) {
  std::string out;
  bool first = true;
  for (const auto& label : detail::labels(domain)) {
    if (!first) out += '.';
    first = false;
    if (label.size() >= 4 && label[0] == 'x' && label[1] == 'n' && label[2] == '-' && label[3] == '-') {
      std::vector<char32_t> rest(label.begin() + 4, label.end());
      for (char32_t& c : rest) {
        if (c >= 'A' && c <= 'Z') c = c - 'A' + 'a';
      }
      auto dec = decode(rest);
      if (!dec) return std::nullopt;
      out += mime::detail::from_code_points(*dec, 0, dec->size());
    } else {
      out += mime::detail::from_code_points(label, 0, label.size());
    }
  }
  return out;
}

}  // namespace punycode

namespace detail {

struct address_token {
  bool is_operator = false;
  char op = 0;
  bool no_break = false;
  std::string value;
};

inline char closing_operator(char c) {
  switch (c) {
    case '"': return '"';
    case '(': return ')';
    case '<': return '>';
    case ':': return ';';
    default: return 0;  // ',' and ';' expect nothing
  }
}

inline bool is_operator_char(char c) { return c == '"' || c == '(' || c == '<' || c == ',' || c == ':' || c == ';'; }

// nodemailer addressparser's Tokenizer.
inline std::vector<address_token> tokenize_addresses(std::string_view str) {
  std::vector<address_token> list;
  char expecting = 0;
  bool escaped = false;
  long node = -1;  // index of the open text token
  for (std::size_t i = 0; i < str.size(); ++i) {
    char chr = str[i];
    const bool has_next = i + 1 < str.size();
    const char next = has_next ? str[i + 1] : 0;
    if (escaped) {
      // the escaped character is plain text
    } else if (expecting != 0 && chr == expecting) {
      address_token t;
      t.is_operator = true;
      t.op = chr;
      t.value = std::string(1, chr);
      if (has_next && next != ' ' && next != '\t' && next != '\r' && next != '\n' && next != ',' && next != ';') {
        t.no_break = true;
      }
      list.push_back(std::move(t));
      node = -1;
      expecting = 0;
      escaped = false;
      continue;
    } else if (expecting == 0 && is_operator_char(chr)) {
      address_token t;
      t.is_operator = true;
      t.op = chr;
      t.value = std::string(1, chr);
      list.push_back(std::move(t));
      node = -1;
      expecting = closing_operator(chr);
      escaped = false;
      continue;
    } else if (expecting == '"' && chr == '\\') {
      escaped = true;
      continue;
    }
    if (node < 0) {
      list.emplace_back();
      node = static_cast<long>(list.size() - 1);
    }
    if (chr == '\n') chr = ' ';
    const auto u = static_cast<unsigned char>(chr);
    if (u >= 0x21 || chr == ' ' || chr == '\t') list[static_cast<std::size_t>(node)].value += chr;
    escaped = false;
  }
  std::vector<address_token> out;
  for (auto& t : list) {
    t.value = std::string(mime::js_trim(t.value));
    if (!t.value.empty()) out.push_back(std::move(t));
  }
  return out;
}

// /^[^@\s]+@[^@\s]+$/
inline bool is_strict_address(std::string_view s) {
  const auto cps = mime::detail::to_code_points(s);
  std::size_t at = cps.size();
  for (std::size_t k = 0; k < cps.size(); ++k) {
    if (mime::detail::is_js_space(cps[k])) return false;
    if (cps[k] == '@') {
      if (at != cps.size()) return false;
      at = k;
    }
  }
  return at != cps.size() && at > 0 && at + 1 < cps.size();
}

// The first match of /\s*\b[^@\s]+@[^\s]+\b\s*/ in `cps` as [begin, end), or false.
inline bool find_loose_address(const std::vector<char32_t>& t, std::size_t& begin, std::size_t& end) {
  const std::size_t n = t.size();
  const auto space = [&t](std::size_t k) { return mime::detail::is_js_space(t[k]); };
  const auto word = [&t, n](std::size_t k) { return k < n && mime::detail::is_js_word(t[k]); };
  const auto boundary = [&word](std::size_t k) { return (k > 0 && word(k - 1)) != word(k); };
  for (std::size_t s = 0; s < n; ++s) {
    std::size_t p = s;
    while (p < n && space(p)) ++p;
    if (!boundary(p)) continue;
    std::size_t q = p;
    while (q < n && t[q] != '@' && !space(q)) ++q;
    if (q == p || q >= n || t[q] != '@') continue;
    std::size_t r = q + 1;
    while (r < n && !space(r)) ++r;
    if (r == q + 1) continue;
    std::size_t e = r;
    while (e > q + 1 && !boundary(e)) --e;
    if (e == q + 1) continue;
    std::size_t e2 = e;
    if (e == r) {
      while (e2 < n && space(e2)) ++e2;
    }
    begin = s;
    end = e2;
    return true;
  }
  return false;
}

inline std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    if (k != 0) out += sep;
    out += parts[k];
  }
  return out;
}

inline std::vector<address> parse_address_list(std::string_view str, int depth);

// nodemailer addressparser's _handleAddress.
inline std::vector<address> handle_address(const std::vector<address_token>& tokens, int depth) {
  enum { text = 0, addr = 1, comment = 2, group = 3 };
  bool is_group = false;
  int state = text;
  std::vector<std::string> data[4];
  std::vector<bool> text_was_quoted;
  bool inside_quotes = false;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const address_token& token = tokens[i];
    const address_token* prev = i != 0 ? &tokens[i - 1] : nullptr;
    if (token.is_operator) {
      switch (token.op) {
        case '<':
          state = addr;
          inside_quotes = false;
          break;
        case '(':
          state = comment;
          inside_quotes = false;
          break;
        case ':':
          state = group;
          is_group = true;
          inside_quotes = false;
          break;
        case '"':
          inside_quotes = !inside_quotes;
          state = text;
          break;
        default:
          state = text;
          inside_quotes = false;
          break;
      }
      continue;
    }
    std::string value = token.value;
    if (state == addr) {
      // /^[^<]*<\s*/: drop an unquoted name fragment up to a stray '<'
      const std::size_t lt = value.find('<');
      if (lt != std::string::npos) {
        std::size_t k = lt + 1;
        while (k < value.size()) {
          std::size_t probe = k;
          if (!mime::detail::is_js_space(mime::detail::next_code_point(value, probe))) break;
          k = probe;
        }
        value.erase(0, k);
      }
    }
    if (value.empty()) continue;
    auto& list = data[state];
    if (prev != nullptr && prev->no_break && !list.empty()) {
      list.back() += value;
      if (state == text && inside_quotes && !text_was_quoted.empty()) text_was_quoted.back() = true;
    } else {
      list.push_back(std::move(value));
      if (state == text) text_was_quoted.push_back(inside_quotes);
    }
  }

  const auto quoted = [&text_was_quoted](std::size_t k) { return k < text_was_quoted.size() && text_was_quoted[k]; };
  if (data[text].empty() && !data[comment].empty()) {
    data[text] = std::move(data[comment]);
    data[comment].clear();
  }

  std::vector<address> out;
  if (is_group) {
    address a;
    a.is_group = true;
    a.name = join(data[text], " ");
    if (!data[group].empty()) {
      for (auto& member : parse_address_list(join(data[group], ","), depth + 1)) {
        if (member.is_group) {
          for (auto& m : member.group) a.group.push_back(std::move(m));
        } else {
          a.group.push_back(std::move(member));
        }
      }
    }
    out.push_back(std::move(a));
    return out;
  }

  if (data[addr].empty() && !data[text].empty()) {
    for (std::size_t k = data[text].size(); k > 0; --k) {
      const std::size_t i = k - 1;
      if (!quoted(i) && is_strict_address(data[text][i])) {
        data[addr].push_back(data[text][i]);
        data[text].erase(data[text].begin() + static_cast<std::ptrdiff_t>(i));
        if (i < text_was_quoted.size()) text_was_quoted.erase(text_was_quoted.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
    if (data[addr].empty()) {
      for (std::size_t k = data[text].size(); k > 0; --k) {
        const std::size_t i = k - 1;
        if (quoted(i)) continue;
        const auto cps = mime::detail::to_code_points(data[text][i]);
        std::size_t b = 0, e = 0;
        const bool extracted = find_loose_address(cps, b, e);
        std::string replaced;
        if (extracted) {
          data[addr].push_back(std::string(mime::js_trim(mime::detail::from_code_points(cps, b, e))));
          replaced =
              mime::detail::from_code_points(cps, 0, b) + " " + mime::detail::from_code_points(cps, e, cps.size());
        } else {
          replaced = data[text][i];
        }
        data[text][i] = std::string(mime::js_trim(replaced));
        if (extracted) break;
      }
    }
  }
  if (data[text].empty() && !data[comment].empty()) {
    data[text] = std::move(data[comment]);
    data[comment].clear();
  }
  if (data[addr].size() > 1) {
    for (std::size_t k = 1; k < data[addr].size(); ++k) data[text].push_back(data[addr][k]);
    data[addr].resize(1);
  }
  const std::string text_joined = join(data[text], " ");
  const std::string addr_joined = join(data[addr], " ");
  address a;
  a.addr = !addr_joined.empty() ? addr_joined : text_joined;
  a.name = !text_joined.empty() ? text_joined : addr_joined;
  if (a.addr == a.name) {
    if (a.addr.find('@') != std::string::npos) {
      a.name.clear();
    } else {
      a.addr.clear();
    }
  }
  out.push_back(std::move(a));
  return out;
}

inline std::vector<address> parse_address_list(std::string_view str, int depth) {
  std::vector<address> parsed;
  if (depth > 50 || str.size() > LOGTO_SMTP_MAX_ADDRESS_FIELD) return parsed;
  const auto tokens = tokenize_addresses(str);
  std::vector<std::vector<address_token>> groups;
  std::vector<address_token> current;
  for (const auto& t : tokens) {
    if (t.is_operator && (t.op == ',' || t.op == ';')) {
      if (!current.empty()) groups.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(t);
    }
  }
  if (!current.empty()) groups.push_back(std::move(current));
  for (const auto& g : groups) {
    for (auto& a : handle_address(g, depth)) parsed.push_back(std::move(a));
  }
  // "Joe Foo, PhD <joe@example.com>": merge a name-only entry into the following mailbox
  for (std::size_t k = parsed.size() >= 2 ? parsed.size() - 1 : 0; k > 0; --k) {
    const std::size_t i = k - 1;
    address& cur = parsed[i];
    const address& nxt = parsed[i + 1];
    if (cur.addr.empty() && !cur.name.empty() && !cur.is_group && !nxt.addr.empty() && !nxt.name.empty()) {
      parsed[i + 1].name = cur.name + ", " + nxt.name;
      parsed.erase(parsed.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  return parsed;
}

inline bool is_name_plain(std::string_view name) {  // /^[\w ]*$/
  for (const char c : name) {
    if (!(mime::detail::is_js_word(static_cast<unsigned char>(c)) || c == ' ')) return false;
  }
  return true;
}

inline bool is_printable_ascii(std::string_view s) {  // /^[\x20-\x7e]*$/
  for (const char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) return false;
  }
  return true;
}

}  // namespace detail

/// Parses an address field as nodemailer's `addressparser` does (never fails; garbage in gives
/// bare names or nothing).
inline std::vector<address> parse_addresses(std::string_view field) { return detail::parse_address_list(field, 0); }

/// nodemailer's `_normalizeAddress`: control characters and `<>` become spaces, the domain is
/// lower-cased (ASCII) and punycoded (or, when the local part is not ASCII, decoded to Unicode),
/// a local part with a space is quoted.
inline std::string normalize_address(std::string_view address_text) {
  std::string cleaned;
  bool in_run = false;
  for (const char c : address_text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x1F || c == '<' || c == '>') {
      if (!in_run) cleaned += ' ';
      in_run = true;
    } else {
      cleaned += c;
      in_run = false;
    }
  }
  std::string address_str(mime::js_trim(cleaned));
  const std::size_t at = address_str.rfind('@');
  if (at == std::string::npos) return address_str;
  std::string user = address_str.substr(0, at);
  const std::string domain = address_str.substr(at + 1);
  std::string lower = domain;
  for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  bool user_ascii = true;
  for (const char c : user) user_ascii = user_ascii && static_cast<unsigned char>(c) < 0x80;
  const std::optional<std::string> converted = user_ascii ? punycode::to_ascii(lower) : punycode::to_unicode(lower);
  const std::string encoded_domain = converted ? *converted : domain;
  if (user.find(' ') != std::string::npos) {
    if (user.empty() || user.front() != '"') user.insert(user.begin(), '"');
    if (user.back() != '"' || user.size() == 1) user += '"';
  }
  return user + "@" + encoded_domain;
}

/// A display name as nodemailer writes it: as is when it matches `^[\w ]*$`, `"quoted"` (with `\`
/// before `\` and `"`) when it is printable ASCII, otherwise RFC 2047 encoded-words.
inline std::string encode_address_name(std::string_view name) {
  if (detail::is_name_plain(name)) return std::string(name);
  if (detail::is_printable_ascii(name)) {
    std::string out = "\"";
    for (const char c : name) {
      if (c == '\\' || c == '"') out += '\\';
      out += c;
    }
    out += '"';
    return out;
  }
  return mime::encode_word(name, mime::choose_encoding(name), 52);
}

/// nodemailer's `_convertAddresses`: the header form of `addresses` (joined by `, `). Every mailbox
/// address is normalised in place; mailboxes not yet in `unique` (by address) are appended to it.
inline std::string format_addresses(std::vector<address>& addresses, std::vector<address>* unique = nullptr) {
  std::vector<std::string> values;
  for (auto& a : addresses) {
    if (!a.addr.empty()) {
      a.addr = normalize_address(a.addr);
      if (a.name.empty()) {
        values.push_back(a.addr.find(' ') != std::string::npos ? "<" + a.addr + ">" : a.addr);
      } else {
        values.push_back(encode_address_name(a.name) + " <" + a.addr + ">");
      }
      if (unique != nullptr) {
        bool seen = false;
        for (const auto& u : *unique) seen = seen || u.addr == a.addr;
        if (!seen) unique->push_back(a);
      }
    } else if (a.is_group) {
      const std::string members = a.group.empty() ? std::string() : format_addresses(a.group, unique);
      values.push_back(encode_address_name(a.name) + ":" + std::string(mime::js_trim(members)) + ";");
    }
  }
  return detail::join(values, ", ");
}

}  // namespace smtp
}  // namespace logto
