// The e-mail message as @logto/connector-smtp 1.5.4 (nodemailer 8.0.11) builds it: every captured case
// of tests/interop/smtp/expected.json byte for byte, and the RFC 2045/2047/5322 building blocks.
#include <logto/connectors/smtp.hpp>
#include <logto/smtp/address.hpp>
#include <logto/smtp/message.hpp>
#include <logto/smtp/mime.hpp>

#include <string>
#include <vector>

#include "catch2_compat.hpp"
#include "smtp_fixtures.hpp"

using namespace logto;

namespace {

// What we send where we deliberately differ from nodemailer: a bare CR becomes CRLF (RFC 5322 2.3).
std::string without_bare_cr(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    out += s[i];
    if (s[i] == '\r' && (i + 1 >= s.size() || s[i + 1] != '\n')) out += '\n';
  }
  return out;
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t nl = s.find("\r\n", pos);
    if (nl == std::string::npos) nl = s.size();
    out.push_back(s.substr(pos, nl - pos));
    pos = nl + 2;
  }
  return out;
}

// RFC 2047 decoding of one encoded-word (test oracle).
std::string decode_word(const std::string& w) {
  REQUIRE(w.rfind("=?UTF-8?", 0) == 0);
  REQUIRE(w.size() >= 12);
  const char enc = w[8];
  const std::string text = w.substr(10, w.size() - 12);
  if (enc == 'B') {
    auto d = base64_decode(text);
    REQUIRE(d);
    return *d;
  }
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_') {
      out += ' ';
    } else if (text[i] == '=') {
      auto b = hex_decode(text.substr(i + 1, 2));
      REQUIRE(b);
      out += *b;
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// Quoted-printable decoding (test oracle): soft breaks removed, =XX decoded.
std::string qp_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '=' && s.compare(i + 1, 2, "\r\n") == 0) {
      i += 2;
    } else if (s[i] == '=') {
      auto b = hex_decode(s.substr(i + 1, 2));
      REQUIRE(b);
      out += *b;
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string sample_text(unsigned seed, std::size_t len) {
  static const char* const pieces[] = {"a",
                                       "Z",
                                       " ",
                                       "\xC3\xA4",
                                       "\xE9\xAA\x8C",
                                       "\xF0\x9F\x94\x90",
                                       ".",
                                       "=",
                                       "?",
                                       "_",
                                       "\"",
                                       "\t",
                                       "x",
                                       "7",
                                       "\xE2\x80\x93",
                                       "\n"};
  std::string out;
  unsigned state = seed * 2654435761u + 1u;
  while (out.size() < len) {
    state = state * 1103515245u + 12345u;
    out += pieces[(state >> 16) % 16u];
  }
  return out;
}

}  // namespace

TEST_CASE("official connector captures: message bytes, headers and envelope for every case", "[smtp][message]") {
  const auto captures = smtp_test::load_captures();
  REQUIRE(captures.size() >= 50);
  for (const auto& k : captures) {
    INFO("case " << k.name);
    auto connector = connectors::smtp::from_json(k.config_json);
    REQUIRE(connector);
    if (k.has_i18n) {
      const connectors::email_template t = k.i18n;
      connector->set_i18n_template_provider([t](std::string_view, std::optional<std::string_view>) {
        return std::optional<connectors::email_template>(t);
      });
    }
    auto msg = connector->build_message(k.message, connectors::unix_seconds_from_ms(k.time_ms),
                                        smtp_test::message_id_bytes(k.message_id));
    REQUIRE(msg);
    CHECK(msg->message_id == k.message_id);
    CHECK(smtp_test::header_list(msg->data) == k.headers);
    const std::string wire = smtp::encode_data(msg->data);
    if (k.name == "body-line-endings") {
      // Deliberate difference: nodemailer passes the template's bare CR through; we send CRLF.
      CHECK(wire != k.wire);
      CHECK(wire == without_bare_cr(k.wire));
    } else {
      CHECK(wire == k.wire);
    }
    CHECK(k.mail_from.rfind("MAIL FROM:<" + msg->mail_from + ">", 0) == 0);
    REQUIRE(msg->rcpt_to.size() == k.rcpt_to.size());
    for (std::size_t i = 0; i < msg->rcpt_to.size(); ++i) CHECK(k.rcpt_to[i] == "RCPT TO:<" + msg->rcpt_to[i] + ">");
  }
}

TEST_CASE("RFC 2047 encoded-words: whole-value Q/B choice, 52-character words, whole characters", "[smtp][message]") {
  using smtp::mime::encode_words;
  CHECK(encode_words("plain ASCII subject") == "plain ASCII subject");
  CHECK(encode_words("Your \"secure\" code") == "=?UTF-8?Q?Your_=22secure=22_code?=");
  CHECK(encode_words("\xE6\xB3\xA8\xE5\x86\x8C\xE9\xAA\x8C\xE8\xAF\x81\xE7\xA0\x81 654321") ==
        "=?UTF-8?B?5rOo5YaM6aqM6K+B56CBIDY1NDMyMQ==?=");  // reference doc 4.4
  for (unsigned seed = 1; seed < 60; ++seed) {
    const std::string text = sample_text(seed, 20 + seed * 3);
    std::string value;
    for (const char c : text) value += c == '\n' ? ' ' : c;  // header values have no line breaks
    const std::string encoded = encode_words(value);
    if (!smtp::mime::needs_encoded_words(value)) {
      CHECK(encoded == value);
      continue;
    }
    // words are separated by single spaces, each at most 52 characters, and decode back to the value
    std::string decoded;
    std::size_t pos = 0;
    while (pos < encoded.size()) {
      std::size_t sp = encoded.find(' ', pos);
      if (sp == std::string::npos) sp = encoded.size();
      const std::string word = encoded.substr(pos, sp - pos);
      CHECK(word.size() <= 52);
      const std::string piece = decode_word(word);
      CHECK(is_valid_utf8(piece));  // RFC 2047 6.3: no character split across words
      decoded += piece;
      pos = sp + 1;
    }
    CHECK(decoded == value);
  }
}

TEST_CASE("RFC 5322 2.2.3 folding at 76 columns before white space", "[smtp][message]") {
  const std::string folded = smtp::mime::fold_lines(
      "Subject: Your Logto verification code is 123456 and it will remain active for the next ten minutes only");
  CHECK(folded ==
        "Subject: Your Logto verification code is 123456 and it will remain active\r\n for the next ten minutes only");
  for (const auto& line : split_lines(folded)) CHECK(line.size() <= 76);
  // an unbreakable token stays whole
  const std::string token(101, 'x');
  CHECK(smtp::mime::fold_lines("X-Long-Nospace: " + token) == "X-Long-Nospace:\r\n " + token);
}

TEST_CASE("RFC 2045 6.7 quoted-printable: 76-column lines, soft breaks, round trip", "[smtp][message]") {
  CHECK(smtp::mime::qp_encode("a b \r\nc\t") == "a b=20\r\nc=09");
  CHECK(smtp::mime::qp_encode("=\xC3\xA4") == "=3D=C3=A4");
  for (unsigned seed = 1; seed < 80; ++seed) {
    std::string text = sample_text(seed, 10 + seed * 7);
    std::string crlf;
    for (const char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    const std::string qp = smtp::mime::qp_wrap(smtp::mime::qp_encode(crlf), 76);
    for (const auto& line : split_lines(qp)) CHECK(line.size() <= 76);
    CHECK(qp_decode(qp) == crlf);
  }
}

TEST_CASE("RFC 2045 6.8 base64 bodies in 76-character lines", "[smtp][message]") {
  const std::string body(400, '\xE9');
  const std::string wrapped = smtp::mime::base64_wrap(base64_encode(body), 76);
  const auto lines = split_lines(wrapped);
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) CHECK(lines[i].size() == 76);
  CHECK(lines.back().size() <= 76);
  std::string joined;
  for (const auto& l : lines) joined += l;
  CHECK(joined == base64_encode(body));
}

TEST_CASE("nodemailer's body transfer encoding choice", "[smtp][message]") {
  const auto cte = [](const std::string& body) {
    smtp::mail m;
    m.from = "a@example.com";
    m.to = "b@example.com";
    m.body = body;
    auto r = smtp::build_message(m, 0, std::string(16, '\x01'));
    REQUIRE(r);
    for (const auto& h : smtp_test::header_list(r->data)) {
      if (h.first == "Content-Transfer-Encoding") return h.second;
    }
    return std::string("(none)");
  };
  CHECK(cte(std::string(76, 'a')) == "7bit");
  CHECK(cte(std::string(77, 'a')) == "quoted-printable");
  CHECK(cte("Gr\xC3\xBC\xC3\x9F"
            "e aus K\xC3\xB6ln") == "quoted-printable");                          // more letters than non-ASCII
  CHECK(cte("\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xBD\xA0\xE5\xA5\xBD ab") == "base64");  // 4 non-Latin vs 2 letters
  CHECK(cte("\xE4\xBD\xA0\xE5\xA5\xBD abc") == "quoted-printable");               // 2 vs 3
  CHECK(cte("bell\x07") == "quoted-printable");
  CHECK(cte("") == "(none)");  // nodemailer: an empty body has no transfer encoding and no charset
}

TEST_CASE("RFC 3492 Punycode and nodemailer's address normalisation", "[smtp][message]") {
  // RFC 3492 7.1 sample (A) and (L), and the IDNA example of RFC 5890
  const auto cps = [](std::string_view s) { return smtp::mime::detail::to_code_points(s); };
  CHECK(smtp::punycode::encode(cps("\xD9\x84\xD9\x8A\xD9\x87\xD9\x85\xD8\xA7\xD8\xA8\xD8\xAA\xD9\x83\xD9\x84\xD9\x85"
                                   "\xD9\x88\xD8\xB4\xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A\xD8\x9F")) ==
        std::string("egbpdaj6bu4bxfgehfvwxn"));
  CHECK(smtp::punycode::encode(cps("3\xE5\xB9\xB4"
                                   "B\xE7\xB5\x84\xE9\x87\x91\xE5\x85\xAB\xE5\x85\x88\xE7\x94\x9F")) ==
        std::string("3B-ww4c5e180e575a65lsy2b"));
  CHECK(smtp::punycode::to_ascii("b\xC3\xBC"
                                 "cher.example") == std::string("xn--bcher-kva.example"));
  CHECK(smtp::punycode::to_unicode("xn--bcher-kva.example") == std::string("b\xC3\xBC"
                                                                           "cher.example"));
  CHECK_FALSE(smtp::punycode::to_unicode("xn--!!.example"));
  CHECK(smtp::normalize_address("User.Name+tag@Example.COM") == "User.Name+tag@example.com");
  CHECK(smtp::normalize_address("user@B\xC3\xBC"
                                "cher.example") == "user@xn--bcher-kva.example");
  CHECK(smtp::normalize_address("\xE7\x94\xA8@xn--bcher-kva.example") ==
        "\xE7\x94\xA8@b\xC3\xBC"
        "cher.example");
  CHECK(smtp::normalize_address("john doe@example.com") == "\"john doe\"@example.com");
}

TEST_CASE("nodemailer's addressparser", "[smtp][message]") {
  const auto one = [](const char* field) {
    auto list = smtp::parse_addresses(field);
    REQUIRE(list.size() == 1);
    return std::make_pair(list[0].name, list[0].addr);
  };
  CHECK(one("noreply@example.com") == std::make_pair(std::string(), std::string("noreply@example.com")));
  CHECK(one("Logto Team <noreply@example.com>") ==
        std::make_pair(std::string("Logto Team"), std::string("noreply@example.com")));
  CHECK(one("\"Acme, Inc.\" <a@example.com>") ==
        std::make_pair(std::string("Acme, Inc."), std::string("a@example.com")));
  CHECK(one("Acme, Inc. <a@example.com>") == std::make_pair(std::string("Acme, Inc."), std::string("a@example.com")));
  CHECK(one("\"Logto \\\"Dev\\\" Team\" <a@example.com>") ==
        std::make_pair(std::string("Logto \"Dev\" Team"), std::string("a@example.com")));
  CHECK(one("Logto noreply@example.com") == std::make_pair(std::string("Logto"), std::string("noreply@example.com")));
  CHECK(one("a@example.com (Comment)") == std::make_pair(std::string("Comment"), std::string("a@example.com")));
  // an address inside a quoted string is not taken when another candidate exists (nodemailer's misrouting fix)
  CHECK(one("real@example.com \"evil@attacker.example\"") ==
        std::make_pair(std::string("evil@attacker.example"), std::string("real@example.com")));
  auto group = smtp::parse_addresses("Team: a@example.com, B <b@example.com>;");
  REQUIRE(group.size() == 1);
  CHECK(group[0].is_group);
  CHECK(group[0].group.size() == 2);
  CHECK(smtp::format_addresses(group) == "Team:a@example.com, B <b@example.com>;");
  CHECK(smtp::parse_addresses("a@example.com, b@example.com").size() == 2);
  CHECK(smtp::parse_addresses(std::string(LOGTO_SMTP_MAX_ADDRESS_FIELD + 1, 'a')).empty());
  CHECK(smtp::encode_address_name("O'Brien & Co.") == "\"O'Brien & Co.\"");
  CHECK(smtp::encode_address_name("J\xC3\xBCrgen M\xC3\xBCller") == "=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=");
}

TEST_CASE("nodemailer's header name normalisation", "[smtp][message]") {
  using smtp::mime::normalize_header_key;
  CHECK(normalize_header_key("x-lower-case") == "X-Lower-Case");
  CHECK(normalize_header_key("X-MULTI-CASE") == "X-Multi-Case");
  CHECK(normalize_header_key("message-id") == "Message-ID");
  CHECK(normalize_header_key("mime-version") == "MIME-Version");
  CHECK(normalize_header_key("dkim-signature") == "DKIM-Signature");
  CHECK(normalize_header_key("content-md5") == "Content-MD5");
  CHECK(normalize_header_key("x-smtpapi") == "X-SMTPAPI");
  CHECK(normalize_header_key("content-features") == "Content-features");
  CHECK(normalize_header_key("mimeo") == "Mimeo");
}

TEST_CASE("header and command injection is refused (CR, LF, NUL)", "[smtp][message]") {
  smtp::mail m;
  m.from = "noreply@example.com";
  m.to = "user@example.com";
  m.subject = "ok";
  m.body = "body";
  const std::string rnd(16, '\x02');
  REQUIRE(smtp::build_message(m, 0, rnd));
  const auto refused = [&rnd](smtp::mail bad) {
    auto r = smtp::build_message(bad, 0, rnd);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::invalid_argument);
    return r.error().detail;
  };
  smtp::mail bad = m;
  bad.subject = "hi\r\nBcc: victim@example.com";
  CHECK(refused(bad) == "subject");
  bad = m;
  bad.to = "user@example.com>\r\nRCPT TO:<other@example.com";
  CHECK(refused(bad) == "to");
  bad = m;
  bad.from = "noreply@example.com\n";
  CHECK(refused(bad) == "from");
  bad = m;
  bad.reply_to = std::string("a@example.com\0b", 15);
  CHECK(refused(bad) == "reply_to");
  bad = m;
  bad.headers.push_back({"X-Tag", "a\rb"});
  refused(bad);
  bad = m;
  bad.headers.push_back({"X-Bad:Name", "v"});
  refused(bad);
  bad = m;
  bad.headers.push_back({"Content-Type", "text/csv"});
  refused(bad);
  bad = m;
  bad.to = "a@example.com, b@example.com";
  CHECK(refused(bad) == "to");
  bad = m;
  bad.from = "Just A Name";
  CHECK(refused(bad) == "from");

  // The connector refuses a subject that gains a line break from the payload.
  auto connector = connectors::smtp::from_json(R"({"host":"smtp.example.com","port":465,"auth":{"user":"u","pass":"p"},
    "fromEmail":"noreply@example.com","templates":[
      {"usageType":"SignIn","contentType":"text/plain","subject":"Code {{code}}","content":"c"},
      {"usageType":"Register","contentType":"text/plain","subject":"s","content":"c"},
      {"usageType":"ForgotPassword","contentType":"text/plain","subject":"s","content":"c"},
      {"usageType":"Generic","contentType":"text/plain","subject":"s","content":"c"}]})");
  REQUIRE(connector);
  connectors::message msg("user@example.com", connectors::usage_type::sign_in,
                          connectors::payload().code("1\r\nBcc: victim@example.com"));
  auto built = connector->build_message(msg, 0, rnd);
  REQUIRE_FALSE(built);
  CHECK(built.error().code == errc::invalid_request_parameters);
  CHECK(built.error().detail == "subject");
  connectors::message to_injection("user@example.com\r\nRCPT TO:<x@example.com>", connectors::usage_type::sign_in,
                                   connectors::payload().code("1"));
  auto built2 = connector->build_message(to_injection, 0, rnd);
  REQUIRE_FALSE(built2);
  CHECK(built2.error().code == errc::invalid_request_parameters);
}

TEST_CASE("RFC 5321 4.5.2 DATA: CRLF line ends, dot-stuffing, terminator", "[smtp][message]") {
  CHECK(smtp::encode_data("a\r\n.b\r\n") == "a\r\n..b\r\n.\r\n");
  CHECK(smtp::encode_data(".\n..\nx") == "..\r\n...\r\nx\r\n.\r\n");
  CHECK(smtp::encode_data("bare\rcr\r.dot") == "bare\r\ncr\r\n..dot\r\n.\r\n");  // bare CR -> CRLF, then stuffed
  CHECK(smtp::encode_data("end\r\n\r\n") == "end\r\n\r\n.\r\n");
}

TEST_CASE("random address fields never crash the parser or the formatter", "[smtp][message]") {
  const std::string alphabet = "ab@.<>\"(),:;\\ \t\xC3\xA4\xE7\x94\xA8xn--";
  unsigned state = 99u;
  for (int round = 0; round < 2000; ++round) {
    std::string field;
    state = state * 1103515245u + 12345u;
    const unsigned len = (state >> 16) % 40;
    for (unsigned i = 0; i < len; ++i) {
      state = state * 1103515245u + 12345u;
      field += alphabet[(state >> 16) % alphabet.size()];
    }
    auto list = smtp::parse_addresses(field);
    std::vector<smtp::address> unique;
    const std::string formatted = smtp::format_addresses(list, &unique);
    CHECK(formatted.find('\r') == std::string::npos);
    CHECK(formatted.find('\n') == std::string::npos);
  }
}
