// Header fields survive every character: RFC 5322 2.2.3 folding only at SP/HTAB, no raw control
// characters (C0 but HTAB, DEL), and unfolding + RFC 2047 decoding gives the input back. Every byte
// value 0..255 (and U+0080..U+00FF as characters) goes through the subject, a custom header and a
// display name, at every column around the fold point.
#include <logto/core/encoding.hpp>
#include <logto/smtp/address.hpp>
#include <logto/smtp/message.hpp>

#include <string>
#include <vector>

#include "catch2_compat.hpp"

using namespace logto;

namespace {

bool is_wsp(char c) { return c == ' ' || c == '\t'; }

// RFC 5322 2.2.3: "unfolding is accomplished by simply removing any CRLF that is immediately
// followed by WSP". Returns false when a CR or LF is anything but such a fold.
bool unfold(const std::string& folded, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < folded.size(); ++i) {
    const char c = folded[i];
    if (c == '\r') {
      if (i + 2 >= folded.size() || folded[i + 1] != '\n' || !is_wsp(folded[i + 2])) return false;
      ++i;
      continue;
    }
    if (c == '\n') return false;
    out += c;
  }
  return true;
}

// One RFC 2047 encoded-word (`=?UTF-8?Q|B?text?=`), or false when `w` is not one.
bool decode_encoded_word(const std::string& w, std::string& out) {
  if (w.size() < 12 || w.compare(0, 8, "=?UTF-8?") != 0 || w[9] != '?' || w.compare(w.size() - 2, 2, "?=") != 0) {
    return false;
  }
  const std::string text = w.substr(10, w.size() - 12);
  if (w[8] == 'B') {
    auto d = base64_decode(text);
    if (!d) return false;
    out = *d;
    return true;
  }
  if (w[8] != 'Q') return false;
  out.clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_') {
      out += ' ';
    } else if (text[i] == '=') {
      auto b = hex_decode(text.substr(i + 1, 2));
      if (!b) return false;
      out += *b;
      i += 2;
    } else {
      out += text[i];
    }
  }
  return true;
}

// RFC 2047 6.2 display: encoded-words decoded, white space between two adjacent encoded-words dropped.
std::string decode_words(const std::string& value) {
  std::string out;
  std::string pending_space;
  bool last_encoded = false;
  std::size_t i = 0;
  while (i < value.size()) {
    const std::size_t ws = i;
    while (i < value.size() && is_wsp(value[i])) ++i;
    const std::string space = value.substr(ws, i - ws);
    const std::size_t start = i;
    while (i < value.size() && !is_wsp(value[i])) ++i;
    const std::string word = value.substr(start, i - start);
    std::string decoded;
    const bool encoded = decode_encoded_word(word, decoded);
    if (!(encoded && last_encoded)) out += space;
    out += encoded ? decoded : word;
    last_encoded = encoded && !word.empty();
  }
  return out;
}

// RFC 5322 3.2.4 quoted-string content.
std::string unquote(const std::string& q) {
  std::string out;
  for (std::size_t i = 1; i + 1 < q.size(); ++i) {
    if (q[i] == '\\' && i + 2 < q.size()) ++i;
    out += q[i];
  }
  return out;
}

// The structural promises for one header field line (without its final CRLF).
void check_wire_header(const std::string& line) {
  INFO("header: " << hex_encode(line));
  std::string unfolded;
  CHECK(unfold(line, unfolded));  // every CR/LF is a fold followed by SP/HTAB
  bool raw_control = false;
  for (const char c : unfolded) {
    const auto u = static_cast<unsigned char>(c);
    raw_control = raw_control || (u < 0x20 && c != '\t') || u == 0x7F;
  }
  CHECK_FALSE(raw_control);
}

// The value of the field `name` in `unfolded` ("Name: value").
std::string field_value(const std::string& unfolded, const std::string& name) {
  REQUIRE(unfolded.compare(0, name.size() + 2, name + ": ") == 0);
  return unfolded.substr(name.size() + 2);
}

// The field `name` of a built message's header section (folded, without its CRLF).
std::string find_field(const std::string& data, const std::string& name) {
  const std::string head = data.substr(0, data.find("\r\n\r\n"));
  std::size_t pos = 0;
  while (pos < head.size()) {
    std::size_t end = pos;
    for (;;) {  // a field ends at a CRLF not followed by WSP
      end = head.find("\r\n", end);
      if (end == std::string::npos || end + 2 >= head.size() || !is_wsp(head[end + 2])) break;
      end += 2;
    }
    if (end == std::string::npos) end = head.size();
    const std::string field = head.substr(pos, end - pos);
    if (field.compare(0, name.size() + 1, name + ":") == 0) return field;
    pos = end + 2;
  }
  return std::string();
}

// The character under test: the byte itself below 0x80, else the code point U+0080..U+00FF.
std::string as_character(unsigned b) {
  std::string s;
  if (b < 0x80) {
    s += static_cast<char>(b);
  } else {
    append_utf8(s, static_cast<char32_t>(b));
  }
  return s;
}

// Values with `ch` at every column around the 76-column fold of "Subject: ..." and a few more shapes.
std::vector<std::string> frames(const std::string& ch) {
  const std::string text = "Your Logto verification code is 123456 and it stays valid for ten minutes only, thanks";
  std::vector<std::string> out;
  for (std::size_t p : {std::size_t(0), std::size_t(1), std::size_t(30)})
    out.push_back(text.substr(0, p) + ch + text.substr(p));
  for (std::size_t p = 55; p <= 80 && p <= text.size(); ++p) out.push_back(text.substr(0, p) + ch + text.substr(p));
  out.push_back(text + ch);
  std::string repeated;
  for (int i = 0; i < 90; ++i) repeated += ch;
  out.push_back(repeated);
  std::string spaced;
  for (int i = 0; i < 40; ++i) spaced += "a" + ch + " ";
  out.push_back(spaced + "end");
  return out;
}

bool refused_byte(unsigned b) { return b == 0 || b == '\r' || b == '\n'; }

}  // namespace

TEST_CASE("encode_header: every byte value in an unstructured field folds at SP/HTAB and round-trips",
          "[smtp][headers]") {
  for (unsigned b = 0; b < 256; ++b) {
    INFO("byte " << b);
    for (const std::string& value : frames(as_character(b))) {
      for (const char* name : {"Subject", "X-Logto-Tag"}) {
        auto line = smtp::encode_header(name, value);
        if (refused_byte(b)) {
          REQUIRE_FALSE(line);
          CHECK(line.error().code == errc::invalid_argument);
          CHECK(line.error().message.find("CR, LF or NUL") != std::string::npos);
          continue;
        }
        REQUIRE(line);
        if (value.find_first_not_of(" \t") == std::string::npos) {  // blank: left out, as nodemailer does
          CHECK(line->empty());
          continue;
        }
        check_wire_header(*line);
        std::string unfolded;
        REQUIRE(unfold(*line, unfolded));
        CHECK(decode_words(field_value(unfolded, name)) == value);
      }
    }
    if (b >= 0x80) {  // the raw byte alone is not UTF-8: a clear error, never a mangled header
      auto raw = smtp::encode_header("Subject", "code " + std::string(1, static_cast<char>(b)));
      REQUIRE_FALSE(raw);
      CHECK(raw.error().message.find("UTF-8") != std::string::npos);
    }
  }
}

TEST_CASE("encode_header: ordinary text is written exactly as nodemailer writes it", "[smtp][headers]") {
  auto plain = smtp::encode_header("subject", "Your sign-in code");
  REQUIRE(plain);
  CHECK(*plain == "Subject: Your sign-in code");
  auto quoted = smtp::encode_header("Subject", "Ihr Best\xC3\xA4tigungscode 314159");
  REQUIRE(quoted);
  CHECK(*quoted == "Subject: =?UTF-8?Q?Ihr_Best=C3=A4tigungscode_314159?=");
  auto blank = smtp::encode_header("Subject", "   ");
  REQUIRE(blank);
  CHECK(blank->empty());  // left out, as nodemailer does
  // VT, FF and DEL are encoded rather than folded at
  auto vt = smtp::encode_header("Subject", "a\vb");
  REQUIRE(vt);
  CHECK(*vt == "Subject: =?UTF-8?Q?a=0Bb?=");
  CHECK_FALSE(smtp::encode_header("Bad Name", "v"));
  // a structured field cannot carry a control character: refused with the field named
  auto id = smtp::encode_header("Message-ID", "<a\x7f@example.com>");
  REQUIRE_FALSE(id);
  CHECK(id.error().detail == "header Message-ID");
}

TEST_CASE("build_message: every byte value in the subject, a custom header and a display name", "[smtp][headers]") {
  const std::string rnd(16, '\x05');
  for (unsigned b = 0; b < 256; ++b) {
    INFO("byte " << b);
    const std::string ch = as_character(b);
    for (const std::string& value : frames(ch)) {
      smtp::mail m;
      m.from = "Logto <noreply@example.com>";
      m.body = "Your code is 123456.";
      m.subject = value;
      m.headers.push_back({"X-Logto-Tag", value});
      // a display name, quoted as a person would write it; the expected name is what the
      // address parser (nodemailer's addressparser) reads from it
      std::string quoted_name = "\"";
      for (const char c : value) {
        if (c == '"' || c == '\\') quoted_name += '\\';
        quoted_name += c;
      }
      m.to = quoted_name + "\" <user@example.com>";
      auto built = smtp::build_message(m, 1704164645, rnd);
      if (refused_byte(b)) {
        REQUIRE_FALSE(built);
        continue;
      }
      REQUIRE(built);
      const std::string& data = built->data;
      const std::string head = data.substr(0, data.find("\r\n\r\n"));
      // RFC 5322 2.2: every line of the header section starts a field (`Name:`) or continues one
      for (std::size_t pos = 0; pos <= head.size();) {
        std::size_t end = head.find("\r\n", pos);
        if (end == std::string::npos) end = head.size();
        const std::string line = head.substr(pos, end - pos);
        const std::size_t colon = line.find(':');
        const bool starts_field = colon != std::string::npos && colon > 0 &&
                                  smtp::mime::is_header_safe(line.substr(0, colon)) &&
                                  line.find_first_of(" \t") > colon;
        CHECK((starts_field || (!line.empty() && is_wsp(line[0]))));
        CHECK(line.find_first_of("\r\n") == std::string::npos);
        pos = end + 2;
      }
      for (const std::string name : {"Subject", "X-Logto-Tag", "To"}) {
        const std::string field = find_field(data, name);
        if (name != "To" && value.find_first_not_of(" \t") == std::string::npos) {
          CHECK(field.empty());
          continue;
        }
        REQUIRE_FALSE(field.empty());
        check_wire_header(field);
        std::string unfolded;
        REQUIRE(unfold(field, unfolded));
        const std::string v = field_value(unfolded, name);
        if (name != "To") {
          CHECK(decode_words(v) == value);
          continue;
        }
        auto parsed = smtp::parse_addresses(m.to);
        REQUIRE(parsed.size() == 1);
        const std::string suffix = " <user@example.com>";
        if (parsed.front().name.empty()) {
          CHECK(v == "user@example.com");
          continue;
        }
        REQUIRE(v.size() > suffix.size());
        REQUIRE(v.compare(v.size() - suffix.size(), suffix.size(), suffix) == 0);
        const std::string name_part = v.substr(0, v.size() - suffix.size());
        const std::string shown = name_part.front() == '"' ? unquote(name_part) : decode_words(name_part);
        CHECK(shown == parsed.front().name);
      }
    }
  }
}
