// Target smtp_client: the bytes an SMTP server sends, fed to the sans-I/O client state machine
// (smtp/client.hpp) by a driver like session.hpp's. Byte 0 sets the options (implicit TLS, requireTLS,
// ignoreTLS, credentials, OAuth 2.0, -, a failing TLS handshake, a non-ASCII recipient), byte 1 more
// (no QUIT, allow_cleartext); the rest is the server's side, cut into reads at each NUL byte; after the
// last read the server closes.
//
// Properties:
// - the conversation ends (action::close) within a bound set by the number of reads;
// - every write is whole CRLF-terminated lines without a bare CR or LF;
// - credentials (AUTH, the secret, its base64 forms) never go out before TLS unless ignoreTLS, nor the
//   message unless ignoreTLS or allow_cleartext; requireTLS with ignoreTLS is refused;
// - right after a STARTTLS handshake the first write is EHLO (nothing learnt before it is replayed);
// - the message is written only right after a 354 reply, once;
// - delivered() <=> outcome() succeeds, and with requireTLS a delivery happened over TLS;
// - a SMTPUTF8 envelope is announced when the recipient is not ASCII.
#include <logto/smtp/client.hpp>

#include "common.hpp"

namespace {

const std::string user = "fuzz-user@example.com";
const std::string secret = "s3cr3t-pa55";
const std::string body_marker = "FUZZ-BODY-MARKER";

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = fuzz::as_view(data, size);
  const unsigned flags = fuzz::take_byte(in);
  logto::smtp::client_options o;
  o.ehlo_name = "client.example";
  o.implicit_tls = (flags & 1) != 0;
  o.require_tls = (flags & 2) != 0;
  o.ignore_tls = (flags & 4) != 0;
  if ((flags & 8) != 0) {
    logto::smtp::credentials cred;
    cred.type = (flags & 16) != 0 ? logto::smtp::credentials::kind::oauth2 : logto::smtp::credentials::kind::password;
    cred.user = user;
    cred.secret = logto::crypto::secret(secret);
    o.auth = std::move(cred);
  }
  const bool tls_fails = (flags & 64) != 0;
  const bool utf8_rcpt = (flags & 128) != 0;
  const unsigned more = fuzz::take_byte(in);
  o.send_quit = (more & 1) == 0;
  o.allow_cleartext = (more & 2) != 0;

  logto::smtp::message msg;
  msg.mail_from = "from@example.com";
  msg.rcpt_to = {utf8_rcpt ? "j\xC3\xBCrgen@example.com" : "to@example.com"};
  msg.data = "Subject: x\r\n\r\n" + body_marker + "\r\n.dot line\r\n";
  auto created = logto::smtp::client::create(o, msg);
  if (o.require_tls && o.ignore_tls && !o.implicit_tls) {
    FUZZ_REQUIRE(!created, "requireTLS with ignoreTLS is refused (ignoreTLS would skip the required STARTTLS)");
    return 0;
  }
  FUZZ_REQUIRE(created.has_value(), "the fixed envelope is valid");
  logto::smtp::client& c = *created;

  const std::vector<std::string_view> reads = fuzz::split(in, '\0', SIZE_MAX);
  std::size_t next_read = 0;
  const std::vector<std::string> secrets = {
      secret, logto::base64_encode(secret), logto::base64_encode(std::string("\0", 1) + user + '\0' + secret),
      logto::base64_encode("user=" + user + "\x01" + "auth=Bearer " + secret + "\x01\x01")};
  bool expect_ehlo = false;
  int bodies = 0;
  bool closed = false;
  const std::size_t budget = 4 * reads.size() + 32;
  for (std::size_t step = 0; step < budget && !closed; ++step) {
    switch (c.next()) {
      case logto::smtp::client::action::send: {
        const std::string out = c.take_output();
        FUZZ_REQUIRE(!out.empty() && out.size() >= 2 && out.compare(out.size() - 2, 2, "\r\n") == 0,
                     "writes are whole CRLF-terminated lines");
        FUZZ_REQUIRE(fuzz::only_crlf_line_breaks(out), "writes hold no bare CR or LF");
        if (!c.tls_active() && !o.ignore_tls) {
          FUZZ_REQUIRE(!contains(out, "AUTH "), "no AUTH before TLS");
          for (const auto& s : secrets) FUZZ_REQUIRE(!contains(out, s), "no credentials before TLS");
        }
        if (expect_ehlo) FUZZ_REQUIRE(out.rfind("EHLO ", 0) == 0, "EHLO comes first after STARTTLS");
        expect_ehlo = false;
        if (contains(out, body_marker)) {
          ++bodies;
          FUZZ_REQUIRE(c.tls_active() || o.ignore_tls || o.allow_cleartext,
                       "the message (a one-time code) goes out in cleartext only when allowed");
          FUZZ_REQUIRE(bodies == 1 && c.last_reply().code == 354, "the message goes out once, right after 354");
          FUZZ_REQUIRE(contains(out, "\r\n..dot line\r\n") && contains(out, "\r\n.\r\n"), "the message is dot-stuffed");
        }
        if (out.rfind("MAIL FROM:", 0) == 0) {
          FUZZ_REQUIRE(contains(out, " SMTPUTF8") == utf8_rcpt, "SMTPUTF8 exactly for a non-ASCII envelope");
        }
        break;
      }
      case logto::smtp::client::action::receive:
        if (next_read < reads.size()) {
          c.feed(reads[next_read++]);
        } else {
          c.feed_eof();
        }
        break;
      case logto::smtp::client::action::start_tls:
        FUZZ_REQUIRE(!o.ignore_tls && !o.implicit_tls && !c.tls_active(), "STARTTLS only when TLS is wanted and off");
        if (tls_fails) {
          c.fail(logto::make_error(logto::errc::tls_error, "handshake failed"));
        } else {
          c.tls_started();
          expect_ehlo = true;
        }
        break;
      case logto::smtp::client::action::close: closed = true; break;
    }
  }
  FUZZ_REQUIRE(closed, "the conversation ends within the step budget");
  FUZZ_REQUIRE(c.delivered() == c.outcome().has_value(), "delivered() <=> outcome() succeeds");
  if (c.delivered()) {
    FUZZ_REQUIRE(bodies == 1, "a delivered message was written");
    if (o.require_tls) FUZZ_REQUIRE(c.tls_active(), "requireTLS delivers over TLS only");
  }
  return 0;
}
