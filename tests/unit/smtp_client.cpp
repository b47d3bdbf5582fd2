// The SMTP conversation: the sans-I/O client (smtp/client.hpp) replayed against the official
// connector's captured transcripts, and the driver (smtp/session.hpp) against a scripted in-memory
// server for failures at every step (RFC 5321 replies, RFC 3207 STARTTLS, RFC 4954 AUTH).
#include <logto/connectors/smtp.hpp>
#include <logto/smtp/client.hpp>
#include <logto/smtp/session.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "catch2_compat.hpp"
#include "smtp_fixtures.hpp"
#include "test_threads.hpp"

using namespace logto;
using smtp_test::scripted_server;

namespace {

smtp::message simple_message(std::string from = "noreply@example.com",
                             std::vector<std::string> to = {"user@example.com"}) {
  smtp::message m;
  m.mail_from = std::move(from);
  m.rcpt_to = std::move(to);
  m.message_id = "<id@example.com>";
  m.data = "Subject: hi\r\n\r\nbody\r\n";
  return m;
}

smtp::credentials password(std::string user = "smtp-user@example.com", std::string pass = "smtp-p@ss w0rd") {
  smtp::credentials c;
  c.user = std::move(user);
  c.secret = crypto::secret(std::move(pass));
  return c;
}

// Drives a client with whole replies; returns everything it wrote.
struct harness {
  smtp::client c;
  std::string written;
  explicit harness(smtp::client cl) : c(std::move(cl)) {}
  void pump() {
    while (c.next() == smtp::client::action::send) written += c.take_output();
  }
  void reply(const std::string& bytes) {
    REQUIRE(c.next() == smtp::client::action::receive);
    c.feed(bytes);
    pump();
  }
};

harness start(smtp::client_options o, const smtp::message& m = simple_message()) {
  auto c = smtp::client::create(std::move(o), m);
  REQUIRE(c);
  harness h(std::move(*c));
  h.pump();
  return h;
}

const std::string ehlo_plain = "250-smtp.test greets you\r\n250-PIPELINING\r\n250 AUTH LOGIN PLAIN\r\n";

smtp::session_options plain_session() {
  smtp::session_options o;
  o.client.ehlo_name = "client.test";
  o.client.ignore_tls = true;  // the scripted server has no TLS
  o.client.auth = password();
  o.timeout.greeting_ms = 2000;
  o.timeout.socket_ms = 2000;
  return o;
}

// A full successful script for plain_session() with PLAIN auth.
scripted_server happy_server() {
  scripted_server s("220 smtp.test ESMTP\r\n");
  s.then("EHLO client.test", ehlo_plain)
      .then("AUTH PLAIN AHNtdHAtdXNlckBleGFtcGxlLmNvbQBzbXRwLXBAc3MgdzByZA==",
            "235 2.7.0 Authentication successful\r\n")
      .then("MAIL FROM:<noreply@example.com>", "250 Accepted\r\n")
      .then("RCPT TO:<user@example.com>", "250 Accepted\r\n")
      .then("DATA", "354 End data with <CR><LF>.<CR><LF>\r\n")
      .then("<message>", "250 OK: message queued\r\n")
      .then("QUIT", "221 Bye\r\n");
  s.eof_when_idle = true;
  return s;
}

}  // namespace

TEST_CASE("official connector transcripts: the client sends the same bytes (plus QUIT)", "[smtp][client]") {
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
    smtp::client_options o = connector->session_options().client;
    // The capture server offers AUTH without STARTTLS; we would refuse that in cleartext, so the replay
    // stands for a TLS connection. The host supplies the EHLO name nodemailer took from os.hostname().
    o.implicit_tls = true;
    if (k.name == "ehlo-default-fqdn-hostname") o.ehlo_name = k.ehlo_name;
    auto c = smtp::client::create(o, *msg);
    REQUIRE(c);
    std::string expected;
    for (const auto& line : k.transcript) {
      if (line.rfind("C: <message", 0) == 0) {
        expected += smtp::encode_data(msg->data);
      } else if (line.rfind("C: ", 0) == 0) {
        expected += line.substr(3) + "\r\n";
      }
    }
    expected += "QUIT\r\n";
    std::string written;
    std::size_t ti = 0;
    for (int guard = 0; guard < 100; ++guard) {
      const auto a = c->next();
      if (a == smtp::client::action::close) break;
      REQUIRE(a != smtp::client::action::start_tls);
      if (a == smtp::client::action::send) {
        written += c->take_output();
        continue;
      }
      while (ti < k.transcript.size() && k.transcript[ti].rfind("S: ", 0) != 0) ++ti;
      std::string chunk;
      while (ti < k.transcript.size() && k.transcript[ti].rfind("S: ", 0) == 0)
        chunk += k.transcript[ti++].substr(3) + "\r\n";
      c->feed(chunk.empty() ? std::string("221 Bye\r\n") : chunk);
    }
    CHECK(c->outcome());
    CHECK(c->delivered());
    if (k.name == "body-line-endings") {
      CHECK(written.size() == expected.size());  // same length: the bare CR became CRLF in both
    } else {
      CHECK(written == expected);
    }
  }
}

TEST_CASE("reference transcripts: AUTH PLAIN, LOGIN and XOAUTH2 bytes", "[smtp][client]") {
  smtp::client_options o;
  o.ehlo_name = "logto-capture.test";
  o.implicit_tls = true;
  SECTION("PLAIN: \\0user\\0pass, no authzid") {
    o.auth = password();
    auto h = start(o);
    h.reply("220 smtp.capture.test ESMTP capture\r\n");
    CHECK(h.written == "EHLO logto-capture.test\r\n");
    h.reply(
        "250-smtp.capture.test Nice to meet you, [127.0.0.1]\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
        "250 AUTH LOGIN PLAIN\r\n");
    CHECK(h.written ==
          "EHLO logto-capture.test\r\nAUTH PLAIN AHNtdHAtdXNlckBleGFtcGxlLmNvbQBzbXRwLXBAc3MgdzByZA==\r\n");
    h.reply("235 Authentication successful\r\n");
    CHECK(h.c.auth_mechanism() == "PLAIN");
  }
  SECTION("LOGIN when PLAIN is not offered") {
    o.auth = password();
    auto h = start(o);
    h.reply("220 x\r\n");
    h.reply("250-x\r\n250 AUTH LOGIN\r\n");
    h.reply("334 VXNlcm5hbWU6\r\n");
    h.reply("334 UGFzc3dvcmQ6\r\n");
    h.reply("235 ok\r\n");
    CHECK(h.written ==
          "EHLO logto-capture.test\r\nAUTH LOGIN\r\nc210cC11c2VyQGV4YW1wbGUuY29t\r\nc210cC1wQHNzIHcwcmQ=\r\n"
          "MAIL FROM:<noreply@example.com>\r\n");
  }
  SECTION("XOAUTH2 with a static access token") {
    smtp::credentials t;
    t.type = smtp::credentials::kind::oauth2;
    t.user = "oauth-user@example.com";
    t.secret = crypto::secret("ya29.capture-access-token");
    o.auth = t;
    auto h = start(o);
    h.reply("220 x\r\n");
    h.reply("250-x\r\n250 AUTH PLAIN LOGIN XOAUTH2\r\n");
    CHECK(h.written.find("AUTH XOAUTH2 dXNlcj1vYXV0aC11c2VyQGV4YW1wbGUuY29tAWF1dGg9QmVhcmVyIHlhMjkuY2FwdHVyZS1hY2Nlc3Mt"
                         "dG9rZW4BAQ==\r\n") != std::string::npos);
    SECTION("rejected token: 334 error challenge, empty line, 535") {
      h.reply(
          "334 eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==\r\n");
      CHECK(h.written.substr(h.written.size() - 2) == "\r\n");
      CHECK(h.written.find("==\r\n\r\n") != std::string::npos);  // the empty answer line
      h.reply("535 5.7.8 Authentication failed\r\n");
      auto r = h.c.outcome();
      REQUIRE_FALSE(r);
      CHECK(r.error().code == errc::general);
      CHECK(r.error().detail == "535 5.7.8 Authentication failed");
      CHECK(r.error().message.find("\"status\":\"401\"") != std::string::npos);
      CHECK(r.error().message.find("ya29") == std::string::npos);
    }
  }
  SECTION("a 334 after the last PLAIN step is cancelled with *") {
    o.auth = password();
    auto h = start(o);
    h.reply("220 x\r\n");
    h.reply(ehlo_plain);
    h.reply("334 \r\n");
    CHECK(h.written.substr(h.written.size() - 3) == "*\r\n");
    h.reply("501 5.7.0 cancelled\r\n");
    auto r = h.c.outcome();
    REQUIRE_FALSE(r);
    CHECK(r.error().detail == "334");
  }
}

TEST_CASE("RFC 3207 4.2: bytes after the 220 to STARTTLS are discarded (response injection)", "[smtp][client]") {
  smtp::client_options o;
  o.ehlo_name = "client.test";
  o.auth = password();
  auto h = start(o);
  h.reply("220 smtp.test\r\n");
  h.reply("250-smtp.test\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n");
  CHECK(h.written == "EHLO client.test\r\nSTARTTLS\r\n");
  REQUIRE(h.c.next() == smtp::client::action::receive);
  h.c.feed("220 ready\r\n250 injected\r\n");  // one segment, as an attacker would send it
  REQUIRE(h.c.next() == smtp::client::action::start_tls);
  h.c.tls_started();
  h.pump();
  CHECK(h.written == "EHLO client.test\r\nSTARTTLS\r\nEHLO client.test\r\n");
  // the injected "250 injected" was not taken as the EHLO reply: the client waits for the real one
  REQUIRE(h.c.next() == smtp::client::action::receive);
  h.reply("250-smtp.test\r\n250 AUTH PLAIN\r\n");
  CHECK(h.written.find("AUTH PLAIN ") != std::string::npos);
  CHECK(h.c.tls_active());
}

// Found by fuzz/smtp_client: with both set, ignoreTLS skipped STARTTLS and the message went out in cleartext.
TEST_CASE("requireTLS with ignoreTLS is refused, not silently downgraded", "[smtp][client]") {
  smtp::client_options o;
  o.ehlo_name = "client.test";
  o.require_tls = true;
  o.ignore_tls = true;
  auto c = smtp::client::create(o, simple_message());
  REQUIRE_FALSE(c);
  CHECK(c.error().code == errc::invalid_argument);
  CHECK(c.error().message.find("requireTLS and ignoreTLS") != std::string::npos);
  o.implicit_tls = true;  // already TLS: nothing to skip
  CHECK(smtp::client::create(o, simple_message()));
}

TEST_CASE("STARTTLS policy: required, opportunistic, ignored; no credentials in cleartext", "[smtp][client]") {
  smtp::client_options o;
  o.ehlo_name = "client.test";
  SECTION("requireTLS but STARTTLS not offered: tls_error, nothing else sent") {
    o.require_tls = true;
    o.auth = password();
    auto h = start(o);
    h.reply("220 x\r\n");
    h.reply(ehlo_plain);
    auto r = h.c.outcome();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::tls_error);
    CHECK(r.error().message.find("requireTLS") != std::string::npos);
    CHECK(h.written == "EHLO client.test\r\nQUIT\r\n");
  }
  SECTION("credentials over a plaintext connection are refused") {
    o.auth = password();
    auto h = start(o);
    h.reply("220 x\r\n");
    h.reply(ehlo_plain);
    auto r = h.c.outcome();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::tls_error);
    CHECK(r.error().message.find("ignoreTLS") != std::string::npos);
    CHECK(h.written.find("AUTH") == std::string::npos);
  }
  SECTION("ignoreTLS: no STARTTLS even when offered, AUTH allowed in cleartext") {
    o.auth = password();
    o.ignore_tls = true;
    auto h = start(o);
    h.reply("220 x\r\n");
    h.reply("250-x\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n");
    CHECK(h.written.find("STARTTLS") == std::string::npos);
    CHECK(h.written.find("AUTH PLAIN ") != std::string::npos);
  }
  SECTION("opportunistic STARTTLS without credentials; a refused STARTTLS is an error") {
    auto h = start(o);
    h.reply("220 x\r\n");
    h.reply("250-x\r\n250 starttls\r\n");  // keywords are case-insensitive
    CHECK(h.written == "EHLO client.test\r\nSTARTTLS\r\n");
    h.reply("454 4.7.0 TLS not available\r\n");
    auto r = h.c.outcome();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::tls_error);
    CHECK(r.error().detail == "454 4.7.0 TLS not available");
  }
  SECTION("no AUTH advertised: no AUTH sent (nodemailer)") {
    o.auth = password();
    o.implicit_tls = true;
    auto h = start(o);
    h.reply("220 x\r\n");
    h.reply("250-x\r\n250 8BITMIME\r\n");
    CHECK(h.written == "EHLO client.test\r\nMAIL FROM:<noreply@example.com>\r\n");
  }
}

TEST_CASE("cleartext policy: the message (a one-time code) needs TLS unless ignoreTLS or a loopback host",
          "[smtp][client]") {
  SECTION("is_loopback_host") {
    for (const char* host : {"localhost", "LocalHost", "localhost.", "127.0.0.1", "127.255.0.9", "::1", "[::1]",
                             "0:0:0:0:0:0:0:1", "0000:0000::0001", "::ffff:127.0.0.1", "::FFFF:127.1.2.3"}) {
      INFO(host);
      CHECK(smtp::is_loopback_host(host));
    }
    for (const char* host : {"smtp.example.com",
                             "localhost.example.com",
                             "mylocalhost",
                             "128.0.0.1",
                             "10.0.0.1",
                             "127.1",
                             "0x7f.0.0.1",
                             "127.000.0.1",
                             "127.0.0.1.",
                             "127.0.0.256",
                             "127.0.0.1x",
                             "::2",
                             "::",
                             "1::1",
                             "::ffff:10.0.0.1",
                             ":::1",
                             "::1:",
                             "[::1",
                             "0:0:0:0:0:0:0:0:1",
                             "",
                             "127.0.0.1:25"}) {
      INFO(host);
      CHECK_FALSE(smtp::is_loopback_host(host));
    }
  }
  smtp::client_options o;
  o.ehlo_name = "client.test";
  SECTION("no STARTTLS offered (or stripped), no credentials: refused before MAIL FROM") {
    auto h = start(o);
    h.reply("220 x\r\n");
    h.reply("250-x\r\n250 8BITMIME\r\n");
    auto r = h.c.outcome();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::tls_error);
    CHECK(r.error().message.find("ignoreTLS: true") != std::string::npos);
    CHECK(h.written == "EHLO client.test\r\nQUIT\r\n");
  }
  SECTION("HELO fallback: refused the same way") {
    auto h = start(o);
    h.reply("220 x\r\n");
    h.reply("502 no EHLO\r\n");
    h.reply("250 hello\r\n");
    CHECK_FALSE(h.c.outcome());
    CHECK(h.written.find("MAIL FROM") == std::string::npos);
  }
  SECTION("allow_cleartext (loopback) or ignore_tls: sent") {
    for (const bool ignore : {false, true}) {
      smtp::client_options p = o;
      (ignore ? p.ignore_tls : p.allow_cleartext) = true;
      auto h = start(p);
      h.reply("220 x\r\n");
      h.reply("250-x\r\n250 8BITMIME\r\n");
      CHECK(h.written == "EHLO client.test\r\nMAIL FROM:<noreply@example.com>\r\n");
    }
  }
  SECTION("allow_cleartext does not let credentials go in cleartext") {
    o.allow_cleartext = true;
    o.auth = password();
    auto h = start(o);
    h.reply("220 x\r\n");
    h.reply(ehlo_plain);
    CHECK_FALSE(h.c.outcome());
    CHECK(h.written.find("AUTH") == std::string::npos);
  }
}

TEST_CASE("connector: cleartext to a remote host is refused, to a loopback host allowed", "[smtp][connector]") {
  const auto config = [](const std::string& host, const std::string& extra) {
    return R"({"host":")" + host + R"(","port":2525,"name":"client.test","auth":{},"fromEmail":"noreply@example.com",
    "templates":[
      {"usageType":"SignIn","contentType":"text/plain","subject":"Code {{code}}","content":"Your code is {{code}}."},
      {"usageType":"Register","contentType":"text/plain","subject":"s","content":"c"},
      {"usageType":"ForgotPassword","contentType":"text/plain","subject":"s","content":"c"},
      {"usageType":"Generic","contentType":"text/plain","subject":"s","content":"c"}])" +
           extra + "}";
  };
  const auto no_tls_server = [](bool expect_message) {
    scripted_server s("220 x\r\n");
    s.eof_when_idle = true;
    s.then("EHLO client.test", "250-x\r\n250 8BITMIME\r\n");
    if (expect_message) {
      s.then("MAIL FROM:<noreply@example.com>", "250 ok\r\n")
          .then("RCPT TO:<user@example.com>", "250 ok\r\n")
          .then("DATA", "354 go\r\n")
          .then("<message>", "250 queued\r\n")
          .then("QUIT", "221 bye\r\n");
    } else {
      s.then("QUIT", "221 bye\r\n");
    }
    return s;
  };
  const connectors::message m("user@example.com", connectors::usage_type::sign_in,
                              connectors::payload().code("123456"));
  for (const std::string host : {"smtp.example.com", "192.0.2.10", "127.1"}) {
    INFO(host);
    auto connector = connectors::smtp::from_json(config(host, ""));
    REQUIRE(connector);
    auto s = no_tls_server(false);
    auto r = connector->send(m, s);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::general);
    CHECK(r.error().detail == "tls_error");
    CHECK(s.written.find("123456") == std::string::npos);
    CHECK(s.mismatches.empty());
  }
  for (const std::string host : {"127.0.0.1", "localhost", "::1"}) {
    INFO(host);
    auto connector = connectors::smtp::from_json(config(host, ""));
    REQUIRE(connector);
    auto s = no_tls_server(true);
    CHECK(connector->send(m, s));
    CHECK(s.mismatches.empty());
  }
  {  // ignoreTLS: true says so explicitly
    auto connector = connectors::smtp::from_json(config("smtp.example.com", R"(,"ignoreTLS":true)"));
    REQUIRE(connector);
    auto s = no_tls_server(true);
    CHECK(connector->send(m, s));
  }
}

TEST_CASE("RFC 5321 4.1.4 HELO fallback and 4.2 reply parsing", "[smtp][client]") {
  smtp::client_options o;
  o.ehlo_name = "client.test";
  o.allow_cleartext = true;  // these servers offer no STARTTLS
  SECTION("EHLO refused: HELO") {
    auto h = start(o);
    h.reply("220 x\r\n");
    h.reply("502 5.5.2 Command not recognized\r\n");
    h.reply("250 hello\r\n");
    CHECK(h.written == "EHLO client.test\r\nHELO client.test\r\nMAIL FROM:<noreply@example.com>\r\n");
  }
  SECTION("EHLO 421: error") {
    auto h = start(o);
    h.reply("220 x\r\n");
    h.reply("421 4.3.2 shutting down\r\n");
    CHECK(h.c.outcome().error().detail == "421 4.3.2 shutting down");
  }
  SECTION("multi-line greeting and LF-only line ends") {
    auto h = start(o);
    h.reply("220-first\n220-second\r\n220 third\r\n");
    CHECK(h.written == "EHLO client.test\r\n");
  }
  SECTION("a reply split across many reads") {
    auto h = start(o);
    for (const char ch : std::string("220 split greeting\r\n")) {
      REQUIRE(h.c.next() == smtp::client::action::receive);
      h.c.feed(std::string(1, ch));
    }
    h.pump();
    CHECK(h.written == "EHLO client.test\r\n");
  }
  const auto protocol = [&o](const std::string& greeting) {
    auto h = start(o);
    h.reply(greeting);
    auto r = h.c.outcome();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::protocol_error);
    CHECK(h.written.empty());
    return r.error();
  };
  SECTION("garbage") { protocol("HTTP/1.1 400 Bad Request\r\n"); }
  SECTION("code without separator") { protocol("2200 hi\r\n"); }
  SECTION("inconsistent multi-line codes") { protocol("220-a\r\n250 b\r\n"); }
  SECTION("data after the reply, before any command") { protocol("220 hi\r\n250 extra\r\n"); }
  SECTION("reply line over the limit, with and without its CRLF") {
    protocol(std::string(LOGTO_SMTP_MAX_REPLY_LINE + 10, '2'));
    protocol("220 " + std::string(LOGTO_SMTP_MAX_REPLY_LINE, 'x') + "\r\n");
  }
  SECTION("too many reply lines") {
    std::string many;
    for (unsigned i = 0; i <= LOGTO_SMTP_MAX_REPLY_LINES; ++i) many += "220-line\r\n";
    protocol(many);
  }
  SECTION("control characters of a garbage line are not echoed raw") {
    const error e = protocol(std::string("\x1b[31mhello\r\n"));
    CHECK(e.detail.find('\x1b') == std::string::npos);
  }
}

TEST_CASE("RFC 6531 SMTPUTF8 for non-ASCII envelope addresses", "[smtp][client]") {
  smtp::client_options o;
  o.ehlo_name = "client.test";
  o.allow_cleartext = true;
  const auto m = simple_message("noreply@example.com", {"\xE7\x94\xA8\xE6\x88\xB7@example.com"});
  SECTION("offered") {
    auto h = start(o, m);
    h.reply("220 x\r\n");
    h.reply("250-x\r\n250 SMTPUTF8\r\n");
    CHECK(h.written.find("MAIL FROM:<noreply@example.com> SMTPUTF8\r\n") != std::string::npos);
  }
  SECTION("not offered: error before MAIL FROM") {
    auto h = start(o, m);
    h.reply("220 x\r\n");
    h.reply("250 x\r\n");
    auto r = h.c.outcome();
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("SMTPUTF8") != std::string::npos);
    CHECK(h.written.find("MAIL FROM") == std::string::npos);
  }
}

TEST_CASE("client::create refuses command injection and empty envelopes", "[smtp][client]") {
  smtp::client_options o;
  o.ehlo_name = "bad name\r\nMAIL FROM:<x>";
  CHECK_FALSE(smtp::client::create(o, simple_message()));
  o.ehlo_name = "client.test";
  CHECK_FALSE(smtp::client::create(o, simple_message("a@example.com>\r\nRCPT TO:<b@example.com")));
  CHECK_FALSE(smtp::client::create(o, simple_message("a@example.com", {})));
  CHECK_FALSE(smtp::client::create(o, simple_message("a@example.com", {"b@example.com\n"})));
  o.auth = password("user\r\n", "p");
  CHECK_FALSE(smtp::client::create(o, simple_message()));
}

TEST_CASE("driver: a full delivery over the stream, QUIT at the end", "[smtp][session]") {
  auto server = happy_server();
  auto r = smtp::deliver(server, plain_session(), simple_message());
  REQUIRE(r);
  CHECK(server.mismatches.empty());
  CHECK(server.script.empty());
  CHECK(server.closed_by_client);
  CHECK(r->reply == "250 OK: message queued");
  CHECK(r->auth_mechanism == "PLAIN");
  CHECK_FALSE(r->tls);
  CHECK(server.written.find("\r\n\r\nbody\r\n.\r\nQUIT\r\n") != std::string::npos);
}

TEST_CASE("driver: 4xx/5xx at each step keep the server's text in the detail", "[smtp][session]") {
  // index 1 is EHLO refused and then HELO refused (a refused EHLO alone falls back to HELO)
  const std::vector<std::string> steps = {"greeting", "HELO", "AUTH", "MAIL", "RCPT", "DATA", "<message>"};
  for (std::size_t k = 0; k < steps.size(); ++k) {
    for (const std::string code : {"451 4.3.0", "554 5.7.1"}) {
      INFO("refused at " << steps[k] << " with " << code);
      const std::string text = code + " refused at " + steps[k];
      scripted_server s(k == 0 ? text + "\r\n" : "220 smtp.test ESMTP\r\n");
      s.eof_when_idle = true;
      if (k >= 1) s.then("EHLO client.test", k == 1 ? "502 5.5.1 no EHLO\r\n" : ehlo_plain);
      if (k == 1) s.then("HELO client.test", text + "\r\n");
      if (k >= 2) s.then("*", k == 2 ? text + "\r\n" : "235 ok\r\n");
      if (k >= 3) s.then("MAIL FROM:<noreply@example.com>", k == 3 ? text + "\r\n" : "250 ok\r\n");
      if (k >= 4) s.then("RCPT TO:<user@example.com>", k == 4 ? text + "\r\n" : "250 ok\r\n");
      if (k >= 5) s.then("DATA", k == 5 ? text + "\r\n" : "354 go\r\n");
      if (k >= 6) s.then("<message>", text + "\r\n");
      s.then("QUIT", "221 bye\r\n");
      auto r = smtp::deliver(s, plain_session(), simple_message());
      REQUIRE_FALSE(r);
      CHECK(r.error().code == errc::general);
      CHECK(r.error().detail == text);
      CHECK(r.error().message.find(text) != std::string::npos);
      CHECK(s.mismatches.empty());
      CHECK(s.received.back() == "QUIT");  // polite goodbye after a refusal
      CHECK(s.closed_by_client);
      CHECK(r.error().message.find("p@ss") == std::string::npos);
    }
  }
}

TEST_CASE("driver: the server closes or stalls at each step", "[smtp][session]") {
  // the steps of happy_server(); the server stops answering after `answered` of them
  for (std::size_t answered = 0; answered <= 5; ++answered) {
    for (const bool close : {true, false}) {
      INFO("after " << answered << " replies, " << (close ? "close" : "stall"));
      auto s = happy_server();
      s.eof_when_idle = close;
      if (answered == 0) s.pending.clear();
      while (s.script.size() > answered) s.script.pop_back();
      // the step after the last answered one is consumed without a reply
      s.then("*", "");
      auto r = smtp::deliver(s, plain_session(), simple_message());
      REQUIRE_FALSE(r);
      CHECK(r.error().code == (close ? errc::connection_closed : errc::timeout));
      CHECK(s.closed_by_client);
      CHECK(s.reads < 50);
    }
  }
}

TEST_CASE("driver: after the message was accepted, a missing QUIT reply does not matter", "[smtp][session]") {
  auto s = happy_server();
  s.script.back().reply = "";  // no 221
  s.eof_when_idle = false;     // stall
  auto r = smtp::deliver(s, plain_session(), simple_message());
  CHECK(r);
}

TEST_CASE("driver: an endless line ends in protocol_error with bounded reads", "[smtp][session]") {
  smtp_test::endless_server s;
  s.chunk = std::string(1000, 'x');
  auto r = smtp::deliver(s, plain_session(), simple_message());
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::protocol_error);
  CHECK(s.reads <= 6);
  CHECK(s.written.empty());
}

TEST_CASE("driver: a server trickling bytes cannot stretch the reply deadline", "[smtp][session]") {
  struct trickle {
    std::string greeting = "220 " + std::string(200, 'x') + "\r\n";
    std::size_t pos = 0;
    result<std::size_t> read(char* buffer, std::size_t, int timeout_ms) {
      if (timeout_ms <= 0) return make_error(errc::timeout, "t");
      logto_test::sleep_for(std::chrono::milliseconds(5));
      buffer[0] = greeting[pos++ % greeting.size()];
      return std::size_t{1};
    }
    result<void> write(std::string_view, int) { return ok(); }
    void close() {}
  } s;
  auto o = plain_session();
  o.timeout.greeting_ms = 60;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = smtp::deliver(s, o, simple_message());
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::timeout);
  CHECK(r.error().message.find("greeting") != std::string::npos);
  CHECK(ms < 1000);
}

TEST_CASE("driver: one of two recipients refused (nodemailer keeps going)", "[smtp][session]") {
  scripted_server s("220 x\r\n");
  s.eof_when_idle = true;
  s.then("EHLO client.test", "250 x\r\n")
      .then("MAIL FROM:<noreply@example.com>", "250 ok\r\n")
      .then("RCPT TO:<a@example.com>", "550 5.1.1 no such user\r\n")
      .then("RCPT TO:<b@example.com>", "250 ok\r\n")
      .then("DATA", "354 go\r\n")
      .then("<message>", "250 queued\r\n")
      .then("QUIT", "221 bye\r\n");
  auto r = smtp::deliver(s, plain_session(), simple_message("noreply@example.com", {"a@example.com", "b@example.com"}));
  REQUIRE(r);
  CHECK(r->rejected == std::vector<std::string>{"a@example.com"});
}

TEST_CASE("connector send(): errors are `general` with the cause kept; streams and factories", "[smtp][connector]") {
  const std::string config = R"({"host":"smtp.example.com","port":2525,"ignoreTLS":true,"name":"client.test",
    "auth":{"user":"smtp-user@example.com","pass":"smtp-p@ss w0rd"},"fromEmail":"noreply@example.com",
    "templates":[
      {"usageType":"SignIn","contentType":"text/plain","subject":"Code {{code}}","content":"Your code is {{code}}."},
      {"usageType":"Register","contentType":"text/plain","subject":"s","content":"c"},
      {"usageType":"ForgotPassword","contentType":"text/plain","subject":"s","content":"c"},
      {"usageType":"Generic","contentType":"text/plain","subject":"s","content":"c"}]})";
  auto connector = connectors::smtp::from_json(config);
  REQUIRE(connector);
  const connectors::message m("user@example.com", connectors::usage_type::sign_in,
                              connectors::payload().code("123456"));
  SECTION("delivered over a stream") {
    auto s = happy_server();
    auto r = connector->send(m, s, manual_clock{1704164645});
    REQUIRE(r);
    CHECK(s.mismatches.empty());
    CHECK(s.written.find("Subject: Code 123456\r\n") != std::string::npos);
    CHECK(s.written.find("Date: Tue, 02 Jan 2024 03:04:05 +0000\r\n") != std::string::npos);
    CHECK(r->message_id.find("@example.com>") != std::string::npos);
    // connectors::send_result: the reply split into the provider's code and text.
    CHECK(r->code == "250");
    CHECK(r->message == "OK: message queued");
    CHECK(r->reply == "250 OK: message queued");
  }
  SECTION("rejected credentials") {
    scripted_server s("220 x\r\n");
    s.eof_when_idle = true;
    s.then("EHLO client.test", ehlo_plain).then("*", "535 5.7.8 Authentication failed\r\n").then("QUIT", "221 bye\r\n");
    auto r = connector->send(m, s);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::general);
    CHECK(r.error().detail == "535 5.7.8 Authentication failed");
    CHECK(r.error().message.find("smtp-p@ss") == std::string::npos);
  }
  SECTION("a timeout keeps its low-level code in the detail") {
    scripted_server s("220 x\r\n");
    s.then("EHLO client.test", "");  // stall
    auto r = connector->send(m, s);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::general);
    CHECK(r.error().detail == "timeout");
  }
  SECTION("a factory gets host, port and connectionTimeout") {
    std::string host;
    int port = 0, timeout = 0;
    auto r = connector->send(m, [&](std::string_view h, std::uint16_t p, int t) -> result<scripted_server> {
      host = std::string(h);
      port = p;
      timeout = t;
      return happy_server();
    });
    CHECK(r);
    CHECK(host == "smtp.example.com");
    CHECK(port == 2525);
    CHECK(timeout == 120000);
  }
  SECTION("a factory that cannot connect") {
    auto r = connector->send(m, [](std::string_view, std::uint16_t, int) -> result<scripted_server> {
      return make_error(errc::transport_error, "connection refused");
    });
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::general);
    CHECK(r.error().message.find("connection refused") != std::string::npos);
  }
}

TEST_CASE("random server bytes never crash the client and never grow it without bound", "[smtp][client]") {
  unsigned state = 12345u;
  const auto next = [&state]() {
    state = state * 1103515245u + 12345u;
    return (state >> 16) & 0x7FFFu;
  };
  static const char raw[] = "0123456789 -\r\n2505354-AUTH PLAIN STARTTLS\x00\xff.";
  const std::string alphabet(raw, sizeof raw - 1);  // the NUL included
  for (int round = 0; round < 300; ++round) {
    smtp::client_options o;
    o.ehlo_name = "client.test";
    o.auth = password();
    o.implicit_tls = (round % 2) == 0;
    auto c = smtp::client::create(o, simple_message());
    REQUIRE(c);
    std::size_t fed = 0;
    for (int step = 0; step < 200; ++step) {
      const auto a = c->next();
      if (a == smtp::client::action::close) break;
      if (a == smtp::client::action::send) {
        c->take_output();
        continue;
      }
      if (a == smtp::client::action::start_tls) {
        c->tls_started();
        continue;
      }
      std::string chunk;
      const unsigned len = 1 + next() % 64;
      for (unsigned i = 0; i < len; ++i) chunk += alphabet[next() % alphabet.size()];
      fed += chunk.size();
      c->feed(chunk);
    }
    CHECK(fed <= std::size_t{200} * 64u);
    if (c->next() == smtp::client::action::close && !c->delivered()) CHECK_FALSE(c->outcome());
  }
}
