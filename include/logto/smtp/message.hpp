/// @file
/// @brief A single-part RFC 5322 / MIME (RFC 2045, 2047) message built exactly as nodemailer 8
/// builds it for @logto/connector-smtp, plus the SMTP envelope and the DATA encoding (RFC 5321
/// 4.5.2 dot-stuffing). Pure: time and randomness are passed in.
///
/// Header order (nodemailer's MimeNode): custom headers first, in the given order; then `From`,
/// `To`, `Reply-To`, `Subject` (a custom header with one of these names is replaced in place, so
/// the field keeps the custom position); `Message-ID`, `Content-Transfer-Encoding`, `Date`,
/// `MIME-Version: 1.0`; `Content-Type` always last.
///
/// Differences from nodemailer, on purpose: CR, LF or NUL in any header name or value, address or
/// subject is an error (nodemailer turns line breaks into spaces); header names must be printable
/// ASCII without `:`; `Content-Type` and `Content-Disposition` cannot be given as custom headers
/// (nodemailer would write two Content-Type fields); a From without an address and a To that is not
/// exactly one mailbox are errors (nodemailer sends `MAIL FROM:<>` or several RCPTs). Other control
/// characters (C0 but HTAB, and DEL) never stand raw in a header: text is RFC 2047-encoded, a
/// structured field (address, message id) holding one is an error; header lines are folded at SP
/// and HTAB only (nodemailer folds at any JavaScript white space, VT and FF included). At the SMTP
/// layer (`encode_data`) a bare CR becomes CRLF like a bare LF (nodemailer passes a bare CR through;
/// RFC 5322 2.3 forbids it and it is an SMTP-smuggling vector).
#pragma once

#include <cstddef>      // std::size_t
#include <cstdint>      // std::int64_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "logto/core/crypto.hpp"
#include "logto/core/encoding.hpp"
#include "logto/core/result.hpp"
#include "logto/core/time.hpp"
#include "logto/smtp/address.hpp"
#include "logto/smtp/mime.hpp"

namespace logto {
namespace smtp {

/// One header field as given by the caller (value unencoded UTF-8).
struct header_field {
  std::string name;
  std::string value;
};

/// What to send. Address fields take nodemailer's forms (`addr`, `Name <addr>`, `"Name" <addr>`).
struct mail {
  std::string from;                   ///< required, e.g. `Logto <noreply@example.com>`
  std::string to;                     ///< exactly one mailbox
  std::string reply_to;               ///< optional (empty: no Reply-To)
  std::string subject;                ///< optional (empty: no Subject, as nodemailer)
  std::vector<header_field> headers;  ///< custom headers, in order (a name may repeat)
  bool html = false;                  ///< Content-Type text/html instead of text/plain
  std::string body;                   ///< UTF-8 text; line breaks CRLF, LF or CR
};

/// A built message with its envelope.
struct message {
  std::string mail_from;             ///< envelope sender (`MAIL FROM:<...>`)
  std::vector<std::string> rcpt_to;  ///< envelope recipients (`RCPT TO:<...>`)
  std::string message_id;            ///< the `Message-ID` value, `<...@domain>`
  std::string data;                  ///< header + body as nodemailer produces it (before DATA encoding)
};

namespace detail {

struct built_header {
  std::string key;    // normalised name
  std::string value;  // raw value
};

inline bool has_forbidden_control(std::string_view s) { return has_line_break(s); }

inline bool is_header_name(std::string_view name) {
  if (name.empty()) return false;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7E || c == ':') return false;
  }
  return true;
}

// A header name for an error message: control characters shown as '?'.
inline std::string printable_name(std::string_view name) {
  std::string out;
  for (const char c : name.substr(0, 64)) {
    const auto u = static_cast<unsigned char>(c);
    out += u < 0x20 || u == 0x7F ? '?' : c;
  }
  return out;
}

inline error bad_field(std::string_view field, std::string_view why) {
  return make_error(errc::invalid_argument, "mail " + std::string(field) + ": " + std::string(why), std::string(field));
}

inline result<void> check_text(std::string_view field, std::string_view value) {
  if (has_forbidden_control(value)) {
    return bad_field(field, "contains CR, LF or NUL (header injection is refused)");
  }
  if (!is_valid_utf8(value)) return bad_field(field, "is not valid UTF-8");
  return ok();
}

inline void set_header(std::vector<built_header>& headers, const std::string& key, std::string value) {
  bool added = false;
  for (std::size_t i = 0; i < headers.size();) {
    if (headers[i].key == key) {
      if (!added) {
        headers[i].value = std::move(value);  // NOLINT(bugprone-use-after-move): once only, `added` guards it
        added = true;
        ++i;
      } else {
        headers.erase(headers.begin() + static_cast<std::ptrdiff_t>(i));
      }
    } else {
      ++i;
    }
  }
  if (!added) headers.push_back({key, std::move(value)});
}

inline const std::string* get_header(const std::vector<built_header>& headers, std::string_view key) {
  for (const auto& h : headers) {
    if (h.key == key) return &h.value;
  }
  return nullptr;
}

inline bool is_address_key(std::string_view key) {
  return key == "From" || key == "Sender" || key == "To" || key == "Cc" || key == "Bcc" || key == "Reply-To";
}

inline std::string angle_wrap(std::string value) {
  if (value.empty() || value.front() != '<') value.insert(value.begin(), '<');
  if (value.back() != '>') value += '>';
  return value;
}

// nodemailer's _encodeHeaderValue for the fields this builder writes.
inline std::string encode_header_value(const std::string& key, const std::string& value) {
  if (is_address_key(key)) {
    auto list = parse_addresses(value);
    return format_addresses(list);
  }
  if (key == "Message-ID" || key == "In-Reply-To" || key == "Content-Id") return angle_wrap(value);
  if (key == "References") {
    // <...> groups lose inner white space, then every white-space separated item is wrapped
    std::string squeezed;
    bool in_angle = false;
    for (const char c : mime::js_trim(value)) {
      if (c == '<') in_angle = true;
      if (c == '>') in_angle = false;
      if (in_angle && (c == ' ' || c == '\t')) continue;
      squeezed += c;
    }
    std::string out;
    std::size_t i = 0;
    while (i < squeezed.size()) {
      while (i < squeezed.size() && (squeezed[i] == ' ' || squeezed[i] == '\t')) ++i;
      const std::size_t start = i;
      while (i < squeezed.size() && squeezed[i] != ' ' && squeezed[i] != '\t') ++i;
      if (i > start) {
        if (!out.empty()) out += ' ';
        out += angle_wrap(squeezed.substr(start, i - start));
      }
    }
    return out.empty() ? std::string("<>") : out;
  }
  return mime::encode_words(value);
}

// nodemailer's getEnvelope: sender from From (or an earlier Reply-To/Sender), recipients from To/Cc/Bcc.
inline void collect_envelope(const std::vector<built_header>& headers, std::string& from,
                             std::vector<std::string>& to) {
  from.clear();
  to.clear();
  std::vector<address> recipients;
  for (const auto& h : headers) {
    if (h.key == "From" || (from.empty() && (h.key == "Reply-To" || h.key == "Sender"))) {
      auto list = parse_addresses(h.value);
      std::vector<address> unique;
      format_addresses(list, &unique);
      if (!unique.empty()) from = unique.front().addr;
    } else if (h.key == "To" || h.key == "Cc" || h.key == "Bcc") {
      auto list = parse_addresses(h.value);
      format_addresses(list, &recipients);
    }
  }
  for (const auto& r : recipients) to.push_back(r.addr);
}

// The value as it goes on the wire, or an error when a control character would have to stand raw
// (structured fields: addresses, message ids; unstructured text is encoded by encode_words).
inline result<std::string> wire_header_value(const std::string& key, const std::string& value) {
  std::string encoded = key == "Content-Type" ? value : encode_header_value(key, value);
  if (!mime::is_header_safe(encoded)) {
    return bad_field("header " + key,
                     "contains a control character (C0 or DEL) that this structured field cannot carry; remove it");
  }
  return encoded;
}

}  // namespace detail

/// One header field exactly as `build_message` writes it (without the final CRLF; empty when the
/// field would be left out because its value is blank): the name normalised, the value checked
/// (valid UTF-8, no CR, LF or NUL: errc::invalid_argument naming the field), encoded (addresses
/// and message ids as nodemailer writes them; other values as RFC 2047 encoded-words when they
/// hold `"`, non-ASCII or a control character) and folded at 76 columns at SP/HTAB only. The
/// result never holds a control character but HTAB and the CRLF of a fold, and unfolding it
/// (RFC 5322 2.2.3) then decoding the encoded-words gives the value back. Usable on its own (a
/// fuzz target).
inline result<std::string> encode_header(std::string_view name, std::string_view value) {
  if (!detail::is_header_name(name)) {
    return detail::bad_field("header name \"" + detail::printable_name(name) + "\"",
                             "must be printable ASCII without ':' or spaces");
  }
  const std::string key = mime::normalize_header_key(name);
  auto checked = detail::check_text("header " + key, value);
  if (!checked) return checked.error();
  auto encoded = detail::wire_header_value(key, std::string(value));
  if (!encoded) return encoded.error();
  if (mime::js_trim(*encoded).empty()) return std::string();
  return mime::fold_lines(key + ": " + *encoded, 76);
}

/// Builds the message the way nodemailer does. `unix_time` gives the `Date`; `random16` (16 random
/// bytes) gives the `Message-ID` (`<8hex-4hex-4hex-4hex-12hex@domain-of-sender>`).
inline result<message> build_message(const mail& m, std::int64_t unix_time, std::string_view random16) {
  using detail::built_header;
  if (random16.size() < 16) return make_error(errc::invalid_argument, "build_message needs 16 random bytes");
  for (const auto& field : {std::make_pair("from", &m.from), std::make_pair("to", &m.to),
                            std::make_pair("reply_to", &m.reply_to), std::make_pair("subject", &m.subject)}) {
    auto checked = detail::check_text(field.first, *field.second);
    if (!checked) return checked.error();
  }
  if (!is_valid_utf8(m.body)) return detail::bad_field("body", "is not valid UTF-8");
  if (m.body.find('\0') != std::string::npos) return detail::bad_field("body", "contains NUL");

  std::vector<built_header> headers;
  const bool has_body = !m.body.empty();
  // nodemailer: an empty text/html falls back to an empty text/plain node without charset
  headers.push_back(
      {"Content-Type", !has_body ? std::string("text/plain")
                                 : std::string(m.html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8")});
  for (const auto& h : m.headers) {
    if (!detail::is_header_name(h.name)) {
      return detail::bad_field("header name \"" + h.name + "\"", "must be printable ASCII without ':' or spaces");
    }
    auto checked = detail::check_text("header " + h.name, h.value);
    if (!checked) return checked.error();
    const std::string key = mime::normalize_header_key(h.name);
    if (key == "Content-Type" || key == "Content-Disposition") {
      return detail::bad_field("header " + h.name, "is set by the message builder and cannot be a custom header");
    }
    headers.push_back({key, h.value});
  }
  detail::set_header(headers, "From", m.from);
  detail::set_header(headers, "To", m.to);
  if (!m.reply_to.empty()) detail::set_header(headers, "Reply-To", m.reply_to);
  if (!m.subject.empty()) detail::set_header(headers, "Subject", m.subject);

  message out;
  detail::collect_envelope(headers, out.mail_from, out.rcpt_to);
  if (out.mail_from.empty()) return detail::bad_field("from", "has no e-mail address");
  {
    auto to_list = parse_addresses(m.to);
    std::vector<address> unique;
    format_addresses(to_list, &unique);
    if (unique.size() != 1) return detail::bad_field("to", "must be exactly one e-mail address");
  }
  for (const auto& a : out.rcpt_to) {
    if (a.empty() || a.find_first_of("\r\n<>") != std::string::npos)
      return detail::bad_field("to", "is not a valid address");
  }
  if (out.mail_from.find_first_of("\r\n<>") != std::string::npos) {
    return detail::bad_field("from", "is not a valid address");
  }

  if (const std::string* id = detail::get_header(headers, "Message-ID")) {
    out.message_id = detail::angle_wrap(*id);
  } else {
    const std::string h = hex_encode(random16.substr(0, 16));
    const std::size_t at = out.mail_from.rfind('@');
    const std::string domain = at == std::string::npos ? out.mail_from : out.mail_from.substr(at + 1);
    out.message_id = "<" + h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" +
                     h.substr(20, 12) + "@" + domain + ">";
    detail::set_header(headers, "Message-ID", out.message_id);
  }

  // Body transfer encoding (nodemailer getTransferEncoding).
  std::string body;
  if (has_body) {
    std::string cte;
    if (const std::string* custom = detail::get_header(headers, "Content-Transfer-Encoding")) {
      std::string v(mime::js_trim(*custom));
      for (char& c : v) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      if (v == "base64" || v == "quoted-printable") cte = v;
    }
    if (cte.empty()) {
      if (mime::is_plain_text(m.body) && !mime::has_longer_lines(m.body, 76)) {
        cte = "7bit";
      } else {
        cte = mime::choose_encoding(m.body) == mime::word_encoding::q ? "quoted-printable" : "base64";
      }
    }
    if (cte == "7bit") {
      body = m.body;
    } else if (cte == "quoted-printable") {
      body = mime::qp_wrap(mime::qp_encode(m.body), 76);
    } else {
      body = mime::base64_wrap(base64_encode(m.body), 76);
    }
    detail::set_header(headers, "Content-Transfer-Encoding", cte);
  }
  if (detail::get_header(headers, "Date") == nullptr) detail::set_header(headers, "Date", format_rfc5322(unix_time));
  if (detail::get_header(headers, "MIME-Version") == nullptr) detail::set_header(headers, "MIME-Version", "1.0");
  // Content-Type last
  for (std::size_t k = headers.size() >= 2 ? headers.size() - 1 : 0; k > 0; --k) {
    if (headers[k - 1].key == "Content-Type") {
      built_header h = std::move(headers[k - 1]);
      headers.erase(headers.begin() + static_cast<std::ptrdiff_t>(k - 1));
      headers.push_back(std::move(h));
    }
  }

  std::string& data = out.data;
  bool first = true;
  for (const auto& h : headers) {
    if (h.key == "Bcc") continue;
    auto value = detail::wire_header_value(h.key, h.value);
    if (!value) return value.error();
    if (mime::js_trim(*value).empty()) continue;
    if (!first) data += "\r\n";
    first = false;
    data += mime::fold_lines(h.key + ": " + *value, 76);
  }
  data += "\r\n\r\n";
  data += body;
  // nodemailer's LastNewline: the message ends with a line break
  if (data.back() == '\r') {
    data += '\n';
  } else if (data.back() != '\n') {
    data += "\r\n";
  }
  return out;
}

/// `build_message` with the current time of `clock` and 16 bytes from `rng`.
template <class Clock, class Random>
result<message> build_message(const mail& m, Clock& clock, Random& rng) {
  auto bytes = crypto::random_bytes(rng, 16);
  if (!bytes) return bytes.error();
  return build_message(m, static_cast<std::int64_t>(clock.now()), *bytes);
}

/// The DATA payload (RFC 5321 4.5.2 and 4.1.1.4): line breaks normalised to CRLF (CRLF kept; a bare
/// LF or a bare CR becomes CRLF), a `.` at the start of a line doubled, a final CRLF added if
/// missing, then the terminating `.` CRLF.
inline std::string encode_data(std::string_view data) {
  std::string out;
  out.reserve(data.size() + data.size() / 64 + 8);
  bool line_start = true;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const char c = data[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < data.size() && data[i + 1] == '\n') ++i;
      out += "\r\n";
      line_start = true;
      continue;
    }
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = false;
  }
  if (!line_start) out += "\r\n";
  out += ".\r\n";
  return out;
}

}  // namespace smtp
}  // namespace logto
