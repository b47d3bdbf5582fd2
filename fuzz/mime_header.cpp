// Target mime_header: header and body encoding of the SMTP message builder (smtp/message.hpp, mime.hpp):
// a subject, a custom header value and a body as a template renders them. Input: byte 0 (bit 0: HTML
// body), then `subject NUL header-value NUL body`.
//
// Properties, when build_message accepts the mail:
// - the header block holds only CRLF line breaks (no bare CR or LF) and every line is a `Name: value`
//   field or a continuation starting with SP or HTAB (RFC 5322 2.2, 2.2.3);
// - after RFC 5322 unfolding and RFC 2047 decoding, Subject and the custom header give back exactly
//   the input (when not blank, which the builder leaves out as nodemailer does);
// - the body decodes back (7bit as is, quoted-printable, base64) to the input (line breaks compared as
//   CRLF, which they become on the wire, plus the final line break the builder adds);
// - the DATA encoding, dot-unstuffed, is the message with every line break as CRLF.
#include <logto/smtp/message.hpp>

#include "common.hpp"

namespace {

/// The unfolded value of the first `name:` field in the header block, or nullopt.
std::optional<std::string> header_value(const std::string& unfolded, std::string_view name) {
  for (std::string_view line : fuzz::split(unfolded, '\n', SIZE_MAX)) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > name.size() + 1 && line.compare(0, name.size(), name) == 0 && line[name.size()] == ':') {
      std::string_view v = line.substr(name.size() + 1);
      if (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      return std::string(v);
    }
  }
  return std::nullopt;
}

std::string crlf(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' || s[i] == '\n') {
      if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      out += "\r\n";
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string dot_unstuff(std::string_view data) {
  FUZZ_REQUIRE(data.size() >= 3 && data.substr(data.size() - 3) == ".\r\n", "DATA ends with the lone dot");
  data.remove_suffix(3);
  std::string out;
  bool line_start = true;
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (line_start && data[i] == '.') {
      FUZZ_REQUIRE(i + 1 < data.size() && data[i + 1] == '.', "a line starting with '.' is stuffed");
      ++i;
    }
    out += data[i];
    line_start = data[i] == '\n';
  }
  return out;
}

bool blank(std::string_view s) { return logto::smtp::mime::js_trim(s).empty(); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = fuzz::as_view(data, size);
  const unsigned flags = fuzz::take_byte(in);
  const auto parts = fuzz::split(in, '\0', 3);
  logto::smtp::mail m;
  m.from = "Logto <noreply@example.com>";
  m.to = "user@example.com";
  m.subject = std::string(parts[0]);
  if (parts.size() > 1) m.headers.push_back({"X-Fuzz", std::string(parts[1])});
  if (parts.size() > 2) m.body = std::string(parts[2]);
  m.html = (flags & 1) != 0;
  const std::string random16(16, '\x42');

  auto msg = logto::smtp::build_message(m, 1704164645, random16);
  if (!msg) return 0;
  const std::string& out = msg->data;
  const std::size_t end = out.find("\r\n\r\n");
  FUZZ_REQUIRE(end != std::string::npos, "the header block ends with an empty line");
  const std::string header = out.substr(0, end + 2);
  FUZZ_REQUIRE(fuzz::only_crlf_line_breaks(header), "the header block holds no bare CR or LF");
  for (std::string_view line : fuzz::split(std::string_view(header).substr(0, end), '\n', SIZE_MAX)) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const bool continuation = !line.empty() && (line.front() == ' ' || line.front() == '\t');
    const std::size_t colon = line.find(':');
    FUZZ_REQUIRE(continuation || (colon != std::string_view::npos && colon > 0 &&
                                  line.substr(0, colon).find_first_of(" \t") == std::string_view::npos),
                 "every header line is a field or a continuation (RFC 5322 2.2)");
  }
  const std::string unfolded = fuzz::unfold(header);
  // A value that already contains something shaped like an RFC 2047 encoded-word ("=?...?=") is sent as
  // written, as nodemailer and the official connector do (the captured oracles require those bytes); a
  // reader then decodes it. Such values are left out of the round-trip property (a known difference kept
  // for byte-identity: fuzz/README.md, regression literal-encoded-word).
  const auto looks_encoded = [](const std::string& v) { return v.find("=?") != std::string::npos; };
  if (!blank(m.subject) && !looks_encoded(m.subject)) {
    const auto v = header_value(unfolded, "Subject");
    FUZZ_REQUIRE(v.has_value(), "a non-blank subject is written");
    if (fuzz::rfc2047_decode(*v) != m.subject) {
      std::fprintf(stderr, "subject written as [%s]\n", v->c_str());
    }
    FUZZ_REQUIRE(fuzz::rfc2047_decode(*v) == m.subject, "Subject unfolds and decodes to its input");
  }
  if (!m.headers.empty() && !blank(m.headers[0].value) && !looks_encoded(m.headers[0].value)) {
    const auto v = header_value(unfolded, "X-Fuzz");
    FUZZ_REQUIRE(v.has_value(), "a non-blank custom header is written");
    FUZZ_REQUIRE(fuzz::rfc2047_decode(*v) == m.headers[0].value, "a custom header unfolds and decodes to its input");
  }

  if (!m.body.empty()) {
    const auto cte = header_value(unfolded, "Content-Transfer-Encoding");
    FUZZ_REQUIRE(cte.has_value(), "a body has a Content-Transfer-Encoding");
    std::string_view body = std::string_view(out).substr(end + 4);
    std::optional<std::string> decoded;
    if (*cte == "7bit") {
      decoded = std::string(body);
      if (body.size() >= 2 && body.substr(body.size() - 2) == "\r\n" && crlf(m.body) != crlf(*decoded)) {
        decoded->resize(decoded->size() - 2);  // the final line break the builder adds
      }
      FUZZ_REQUIRE(crlf(*decoded) == crlf(m.body), "a 7bit body is the input");
    } else if (*cte == "quoted-printable") {
      // Line breaks stay literal in quoted-printable and become CRLF on the wire (encode_data), and the
      // builder ends the message with a line break (a final bare CR gets its LF): compare in CRLF form.
      decoded = fuzz::qp_decode(body);
      FUZZ_REQUIRE(decoded && (crlf(*decoded) == crlf(m.body) || crlf(*decoded) == crlf(m.body) + "\r\n"),
                   "a quoted-printable body decodes to the input");
    } else {
      FUZZ_REQUIRE(*cte == "base64", "the transfer encoding is 7bit, quoted-printable or base64");
      std::string joined;
      for (const char c : body) {
        if (c != '\r' && c != '\n') joined += c;
      }
      decoded = fuzz::base64_decode(joined, false, true);
      FUZZ_REQUIRE(decoded && *decoded == m.body, "a base64 body decodes to the input");
    }
  }

  const std::string wire = logto::smtp::encode_data(out);
  FUZZ_REQUIRE(fuzz::only_crlf_line_breaks(wire), "DATA holds no bare CR or LF");
  std::string expected = crlf(out);
  if (expected.size() < 2 || expected.substr(expected.size() - 2) != "\r\n") expected += "\r\n";
  FUZZ_REQUIRE(dot_unstuff(wire) == expected, "DATA dot-unstuffs to the message with CRLF line breaks");
  return 0;
}
