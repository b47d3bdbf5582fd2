// SMTP interop test: logto-cpp's SMTP connector against a real SMTP server (tests/interop/smtp/server.mjs,
// smtp-server 3.21.6 + mailparser 3.14.2), over real TCP (examples/common/posix_stream.hpp) with real TLS
// (mbedTLS). Every delivered message is read back from the server's maildir (<n>.json and <n>.eml) and
// checked: envelope, AUTH method, TLS state, the parsed subject/text/html, and the exact bytes.
//
// It needs three servers, started by the runner (the program opens connections to 127.0.0.1 only):
//   certs:  tests/interop/smtp/make-certs.sh $CERTS
//   plain:    node tests/interop/smtp/server.mjs --maildir $M/plain --mode plain --no-starttls --auth-optional
//   (continued)
//               --auth PLAIN,LOGIN,XOAUTH2 --user smtp-user@example.com --pass 'smtp-p@ss w0rd' (continued)
//               --token ya29.interop-token --smtputf8 --ready-file $M/plain.ready
//   starttls: node tests/interop/smtp/server.mjs --maildir $M/starttls --mode starttls (continued)
//               --cert $CERTS/server.pem --key $CERTS/server-key.pem --auth PLAIN,LOGIN (continued)
//               --user smtp-user@example.com --pass 'smtp-p@ss w0rd' --ready-file $M/starttls.ready
//   implicit: node tests/interop/smtp/server.mjs --maildir $M/implicit --mode implicit (continued)
//               --cert $CERTS/server.pem --key $CERTS/server-key.pem --auth LOGIN (continued)
//               --user smtp-user@example.com --pass 'smtp-p@ss w0rd' --ready-file $M/implicit.ready
// (each prints {"ready":true,"port":N}; use --port 0 and read the port from the ready file), then
//   smtp_interop --plain-port N --plain-maildir $M/plain --starttls-port N --starttls-maildir $M/starttls (continued)
//                --implicit-port N --implicit-maildir $M/implicit --ca $CERTS/ca.pem --other-ca $CERTS/other-ca.pem
//                [--clientcert-port N --clientcert-maildir $M/clientcert --client-cert $CERTS/client.pem (continued)
//                 --client-key $CERTS/client-key.pem]   (an implicit-TLS server started with --client-ca $CERTS/ca.pem)
// Every option can also come from the environment: SMTP_INTEROP_PLAIN_PORT, SMTP_INTEROP_PLAIN_MAILDIR,
// SMTP_INTEROP_STARTTLS_PORT, ..., SMTP_INTEROP_CA, SMTP_INTEROP_OTHER_CA (options win). The maildirs
// must be empty at the start (message numbers are counted from 1). Exit status 0 = every case passed.
//
// Build by hand (Debian 12):
//   g++ -std=c++17 -Wall -Wextra -Iinclude -I. tests/interop/smtp_interop.cpp -o smtp_interop (continued)
//       -lmbedtls -lmbedx509 -lmbedcrypto
#include <logto/connectors/smtp.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "examples/common/posix_stream.hpp"

using namespace logto;

namespace {

const char* const kUser = "smtp-user@example.com";
const char* const kPass = "smtp-p@ss w0rd";
const char* const kToken = "ya29.interop-token";
const std::int64_t kTime = 1704164645;  // Tue, 02 Jan 2024 03:04:05 +0000

struct server {
  int port = 0;
  std::string maildir;
  int delivered = 0;  // messages stored so far (the server numbers them from 1)
};

std::map<std::string, std::string> options;
server plain_server, starttls_server, implicit_server, clientcert_server;
std::string ca_file, other_ca_file;
int failures = 0;
int passes = 0;

std::string option(const std::string& name, const char* env) {
  auto it = options.find(name);
  if (it != options.end()) return it->second;
  const char* v = std::getenv(env);
  return v == nullptr ? std::string() : std::string(v);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool file_exists(const std::string& path) { return static_cast<bool>(std::ifstream(path)); }

void check(bool ok, const std::string& name, const std::string& what) {
  if (!ok) {
    ++failures;
    std::printf("  FAIL %s: %s\n", name.c_str(), what.c_str());
  }
}

const json::value& member(const json::value& v, const char* key) {
  static const json::value null_value;
  const json::object* o = json::as_object(v);
  if (o == nullptr) return null_value;
  const json::value* m = json::find(*o, key);
  return m == nullptr ? null_value : *m;
}

std::string str(const json::value& v) {
  const std::string* s = json::as_string(v);
  return s == nullptr ? std::string("<not a string>") : *s;
}

bool boolean(const json::value& v) { return v.is<bool>() && v.get<bool>(); }

// A deterministic random source, so the Message-ID (and so the whole message) can be recomputed.
struct fixed_random {
  unsigned char next = 1;
  bool fill(unsigned char* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = next++;
    return true;
  }
};

std::string templates_json(const std::string& content_type, const std::string& subject, const std::string& content) {
  std::string t = "[";
  const char* const types[] = {"SignIn", "Register", "ForgotPassword", "Generic"};
  for (int i = 0; i < 4; ++i) {
    if (i != 0) t += ",";
    t += "{\"usageType\":\"" + std::string(types[i]) + "\",\"contentType\":" + json::quote(content_type) +
         ",\"subject\":" + json::quote(subject) + ",\"content\":" + json::quote(content) + "}";
  }
  return t + "]";
}

struct case_spec {
  std::string name;
  server* srv = nullptr;
  std::string extra;  // more config members, JSON without braces (",..." is added)
  std::string auth = std::string("{\"user\":") + json::quote(kUser) + ",\"pass\":" + json::quote(kPass) + "}";
  std::string content_type = "text/plain";
  std::string subject = "Your code {{code}}";
  std::string content = "Your Logto verification code is {{code}}.";
  std::string to = "user@example.com";
  std::string host = "127.0.0.1";  // the config's host; the connection always goes to 127.0.0.1
  std::string code = "123456";
  bool expect_ok = true;
  std::string expect_detail;        // when failing: exact detail (after connector mapping)
  std::string expect_message_part;  // when failing: part of the message
  std::string expect_auth;          // when ok: PLAIN / LOGIN / XOAUTH2 / "" (none)
  bool expect_secure = false;
  bool expect_upgraded = false;
  std::string expect_text, expect_html, expect_subject;
  bool expect_smtputf8 = false;
};

std::string unstuffed(const std::string& wire) {
  // encode_data output back to the .eml the server stores: drop ".\r\n", undo dot-stuffing
  std::string body = wire.substr(0, wire.size() - 3);
  std::string out;
  bool line_start = true;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (line_start && body[i] == '.' && i + 1 < body.size() && body[i + 1] == '.') {
      line_start = false;
      continue;
    }
    out += body[i];
    line_start = body[i] == '\n';
  }
  return out;
}

void run(const case_spec& c) {
  const int failures_before = failures;
  std::printf("case %s\n", c.name.c_str());
  std::string config = "{\"host\":" + json::quote(c.host) + ",\"port\":" + std::to_string(c.srv->port) +
                       ",\"auth\":" + c.auth +
                       ",\"fromEmail\":\"Logto Interop <noreply@example.com>\",\"name\":\"logto-interop.test\"" +
                       ",\"templates\":" + templates_json(c.content_type, c.subject, c.content) +
                       ",\"greetingTimeout\":5000,\"socketTimeout\":10000,\"connectionTimeout\":5000" + c.extra + "}";
  auto connector = connectors::smtp::from_json(config);
  if (!connector) {
    check(false, c.name, "config rejected: " + connector.error().message);
    return;
  }
  const connectors::message m(c.to, connectors::usage_type::sign_in, connectors::payload().code(c.code));
  // Tests only contact 127.0.0.1: whatever the config's host, connect there.
  auto loopback = [](std::string_view, std::uint16_t port, int timeout_ms) {
    return logto_examples::posix_connect{}("127.0.0.1", port, timeout_ms);
  };
  auto sent = connector->send(m, loopback, manual_clock{kTime}, fixed_random{});
  if (!c.expect_ok) {
    check(!sent, c.name, "expected a failure, the message was sent");
    if (!sent) {
      std::printf("  error: %s | detail: %s\n", sent.error().message.c_str(), sent.error().detail.c_str());
      check(sent.error().code == errc::general, c.name, "error code is not general");
      if (!c.expect_detail.empty()) {
        check(sent.error().detail == c.expect_detail, c.name,
              "detail \"" + sent.error().detail + "\" != \"" + c.expect_detail + "\"");
      }
      if (!c.expect_message_part.empty()) {
        check(sent.error().message.find(c.expect_message_part) != std::string::npos, c.name,
              "message lacks \"" + c.expect_message_part + "\"");
      }
      check(sent.error().message.find(kPass) == std::string::npos, c.name, "the password leaked into the message");
      check(sent.error().message.find(kToken) == std::string::npos, c.name, "the token leaked into the message");
    }
    // nothing may have been stored
    check(!file_exists(c.srv->maildir + "/" + std::to_string(c.srv->delivered + 1) + ".json"), c.name,
          "the server stored a message");
  } else {
    check(static_cast<bool>(sent), c.name,
          sent ? "" : "send failed: " + sent.error().message + " | " + sent.error().detail);
    if (sent) {
      ++c.srv->delivered;
      const std::string base = c.srv->maildir + "/" + std::to_string(c.srv->delivered);
      auto record = json::parse(read_file(base + ".json"));
      check(static_cast<bool>(record), c.name, "cannot read " + base + ".json");
      if (record) {
        const json::value& env = member(*record, "envelope");
        check(str(member(env, "mailFrom")) == "noreply@example.com", c.name, "envelope sender");
        const json::array* rcpt = json::as_array(member(env, "rcptTo"));
        check(rcpt != nullptr && rcpt->size() == 1 && str((*rcpt)[0]) == c.to, c.name, "envelope recipient");
        check(boolean(member(env, "smtpUtf8")) == c.expect_smtputf8, c.name, "SMTPUTF8 flag");
        const json::value& auth = member(*record, "auth");
        check(c.expect_auth.empty() ? auth.is_null() : str(member(auth, "method")) == c.expect_auth, c.name,
              "auth method");
        const json::value& conn = member(*record, "connection");
        check(boolean(member(conn, "secure")) == c.expect_secure, c.name, "TLS at DATA time");
        check(boolean(member(conn, "upgraded")) == c.expect_upgraded, c.name, "upgraded by STARTTLS");
        check(str(member(conn, "heloName")) == "logto-interop.test", c.name, "EHLO name");
        const json::value& parsed = member(*record, "parsed");
        check(str(member(parsed, "subject")) == c.expect_subject, c.name,
              "subject \"" + str(member(parsed, "subject")) + "\"");
        if (!c.expect_text.empty()) {
          check(str(member(parsed, "text")) == c.expect_text, c.name,
                "text body \"" + str(member(parsed, "text")) + "\"");
        }
        if (!c.expect_html.empty()) {
          check(str(member(parsed, "html")) == c.expect_html, c.name,
                "html body \"" + str(member(parsed, "html")) + "\"");
        }
        check(str(member(parsed, "messageId")) == sent->message_id, c.name, "Message-ID");
        // the exact bytes: rebuild the message with the same clock and random bytes
        fixed_random rnd;
        auto bytes = crypto::random_bytes(rnd, 16);
        auto expected = connector->build_message(m, kTime, *bytes);
        check(expected && read_file(base + ".eml") == unstuffed(smtp::encode_data(expected->data)), c.name,
              ".eml differs from the built message");
      }
    }
  }
  if (failures == failures_before) {
    ++passes;
    std::printf("  ok\n");
  }
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string key = argv[i];
    if (key.rfind("--", 0) == 0) key = key.substr(2);
    options[key] = argv[i + 1];
  }
  plain_server.port = std::atoi(option("plain-port", "SMTP_INTEROP_PLAIN_PORT").c_str());
  plain_server.maildir = option("plain-maildir", "SMTP_INTEROP_PLAIN_MAILDIR");
  starttls_server.port = std::atoi(option("starttls-port", "SMTP_INTEROP_STARTTLS_PORT").c_str());
  starttls_server.maildir = option("starttls-maildir", "SMTP_INTEROP_STARTTLS_MAILDIR");
  implicit_server.port = std::atoi(option("implicit-port", "SMTP_INTEROP_IMPLICIT_PORT").c_str());
  implicit_server.maildir = option("implicit-maildir", "SMTP_INTEROP_IMPLICIT_MAILDIR");
  clientcert_server.port = std::atoi(option("clientcert-port", "SMTP_INTEROP_CLIENTCERT_PORT").c_str());
  clientcert_server.maildir = option("clientcert-maildir", "SMTP_INTEROP_CLIENTCERT_MAILDIR");
  const std::string client_cert_file = option("client-cert", "SMTP_INTEROP_CLIENT_CERT");
  const std::string client_key_file = option("client-key", "SMTP_INTEROP_CLIENT_KEY");
  ca_file = option("ca", "SMTP_INTEROP_CA");
  other_ca_file = option("other-ca", "SMTP_INTEROP_OTHER_CA");
  if (plain_server.port == 0 || starttls_server.port == 0 || implicit_server.port == 0 ||
      plain_server.maildir.empty() || starttls_server.maildir.empty() || implicit_server.maildir.empty() ||
      ca_file.empty() || other_ca_file.empty()) {
    std::fprintf(stderr, "usage: see the comment at the top of tests/interop/smtp_interop.cpp\n");
    return 2;
  }
  const std::string ca = read_file(ca_file);
  const std::string other_ca = read_file(other_ca_file);
  const std::string verified_tls = ",\"servername\":\"localhost\",\"tls\":{\"ca\":" + json::quote(ca) + "}";
  const std::string token_auth = std::string("{\"type\":\"oauth2\",\"user\":") + json::quote(kUser) +
                                 ",\"accessToken\":" + json::quote(kToken) + "}";

  {  // plain server, no credentials, no ignoreTLS: the host is loopback, so cleartext is allowed
    case_spec c;
    c.name = "plain: loopback host, no STARTTLS, no credentials: sent without ignoreTLS";
    c.srv = &plain_server;
    c.auth = "{}";
    c.expect_auth = "";
    c.expect_subject = "Your code 123456";
    c.expect_text = "Your Logto verification code is 123456.\n";
    run(c);
  }
  {  // the same server under a non-loopback name (it resolves to 127.0.0.1 only through this factory)
    case_spec c;
    c.name = "plain: non-loopback host name, no STARTTLS: refused before MAIL FROM";
    c.srv = &plain_server;
    c.auth = "{}";
    c.host = "smtp.interop.test";
    c.expect_ok = false;
    c.expect_detail = "tls_error";
    c.expect_message_part = "ignoreTLS: true";
    run(c);
  }
  {  // plain server, ignoreTLS: AUTH PLAIN in cleartext, by explicit choice
    case_spec c;
    c.name = "plain: AUTH PLAIN with ignoreTLS";
    c.srv = &plain_server;
    c.extra = ",\"ignoreTLS\":true";
    c.expect_auth = "PLAIN";
    c.expect_subject = "Your code 123456";
    c.expect_text = "Your Logto verification code is 123456.\n";
    run(c);
  }
  {
    case_spec c;
    c.name = "plain: credentials are not sent without TLS";
    c.srv = &plain_server;
    c.expect_ok = false;
    c.expect_detail = "tls_error";
    c.expect_message_part = "ignoreTLS";
    run(c);
  }
  {
    case_spec c;
    c.name = "plain: requireTLS but no STARTTLS offered";
    c.srv = &plain_server;
    c.extra = ",\"requireTLS\":true";
    c.expect_ok = false;
    c.expect_detail = "tls_error";
    c.expect_message_part = "requireTLS";
    run(c);
  }
  {
    case_spec c;
    c.name = "plain: rejected credentials (535)";
    c.srv = &plain_server;
    c.extra = ",\"ignoreTLS\":true";
    c.auth = std::string("{\"user\":") + json::quote(kUser) + ",\"pass\":\"wrong password\"}";
    c.expect_ok = false;
    c.expect_detail = "535 5.7.8 Authentication failed";
    run(c);
  }
  {
    case_spec c;
    c.name = "plain: AUTH XOAUTH2";
    c.srv = &plain_server;
    c.extra = ",\"ignoreTLS\":true";
    c.auth = token_auth;
    c.expect_auth = "XOAUTH2";
    c.expect_subject = "Your code 123456";
    run(c);
  }
  {
    case_spec c;
    c.name = "plain: rejected XOAUTH2 token (334 challenge, 535)";
    c.srv = &plain_server;
    c.extra = ",\"ignoreTLS\":true";
    c.auth = std::string("{\"type\":\"oauth2\",\"user\":") + json::quote(kUser) + ",\"accessToken\":\"ya29.expired\"}";
    c.expect_ok = false;
    c.expect_detail = "535 5.7.8 Authentication failed";
    c.expect_message_part = "\"status\":\"401\"";
    run(c);
  }
  {
    case_spec c;
    c.name = "plain: UTF-8 subject and body (B / quoted-printable)";
    c.srv = &plain_server;
    c.extra = ",\"ignoreTLS\":true";
    c.expect_auth = "PLAIN";
    c.subject = "\xE7\x99\xBB\xE5\xBD\x95\xE9\xAA\x8C\xE8\xAF\x81\xE7\xA0\x81 {{code}}";
    c.content =
        "Hallo,\nIhr Best\xC3\xA4tigungscode lautet {{code}}.\nViele Gr\xC3\xBC\xC3\x9F"
        "e \xF0\x9F\x8E\x89";
    c.expect_subject = "\xE7\x99\xBB\xE5\xBD\x95\xE9\xAA\x8C\xE8\xAF\x81\xE7\xA0\x81 123456";
    c.expect_text =
        "Hallo,\nIhr Best\xC3\xA4tigungscode lautet 123456.\nViele Gr\xC3\xBC\xC3\x9F"
        "e \xF0\x9F\x8E\x89\n";
    run(c);
  }
  {
    case_spec c;
    c.name = "plain: body lines starting with '.' (dot-stuffing)";
    c.srv = &plain_server;
    c.extra = ",\"ignoreTLS\":true";
    c.expect_auth = "PLAIN";
    c.subject = "Dots";
    c.content = ".{{code}} starts with a dot\n..two dots\n.\nend";
    c.expect_subject = "Dots";
    c.expect_text = ".123456 starts with a dot\n..two dots\n.\nend\n";
    run(c);
  }
  {
    case_spec c;
    c.name = "plain: HTML content";
    c.srv = &plain_server;
    c.extra = ",\"ignoreTLS\":true";
    c.expect_auth = "PLAIN";
    c.content_type = "text/html";
    c.subject = "Confirm";
    c.content = "<p>Your code is <b>{{code}}</b>.</p>";
    c.expect_subject = "Confirm";
    c.expect_html = "<p>Your code is <b>123456</b>.</p>\n";
    run(c);
  }
  {
    case_spec c;
    c.name = "plain: non-ASCII local part with SMTPUTF8";
    c.srv = &plain_server;
    c.extra = ",\"ignoreTLS\":true";
    c.expect_auth = "PLAIN";
    c.to = "\xE7\x94\xA8\xE6\x88\xB7@example.com";
    c.expect_subject = "Your code 123456";
    c.expect_smtputf8 = true;
    run(c);
  }
  {  // STARTTLS server
    case_spec c;
    c.name = "starttls: upgrade, certificate verified against tls.ca, AUTH PLAIN";
    c.srv = &starttls_server;
    c.extra = verified_tls;
    c.expect_auth = "PLAIN";
    c.expect_secure = true;
    c.expect_upgraded = true;
    c.expect_subject = "Your code 123456";
    run(c);
  }
  {
    case_spec c;
    c.name = "starttls: requireTLS satisfied";
    c.srv = &starttls_server;
    c.extra = verified_tls + ",\"requireTLS\":true";
    c.expect_auth = "PLAIN";
    c.expect_secure = true;
    c.expect_upgraded = true;
    c.expect_subject = "Your code 123456";
    run(c);
  }
  {
    case_spec c;
    c.name = "starttls: CA not trusted";
    c.srv = &starttls_server;
    c.extra = ",\"servername\":\"localhost\",\"tls\":{\"ca\":" + json::quote(other_ca) + "}";
    c.expect_ok = false;
    c.expect_message_part = "certificate";
    run(c);
  }
  {
    case_spec c;
    c.name = "starttls: rejectUnauthorized false skips verification";
    c.srv = &starttls_server;
    c.extra = ",\"tls\":{\"rejectUnauthorized\":false}";
    c.expect_auth = "PLAIN";
    c.expect_secure = true;
    c.expect_upgraded = true;
    c.expect_subject = "Your code 123456";
    run(c);
  }
  {  // implicit TLS server (advertises LOGIN only)
    case_spec c;
    c.name = "implicit TLS: secure, AUTH LOGIN";
    c.srv = &implicit_server;
    c.extra = verified_tls + ",\"secure\":true";
    c.expect_auth = "LOGIN";
    c.expect_secure = true;
    c.expect_subject = "Your code 123456";
    run(c);
  }
  {
    case_spec c;
    c.name = "implicit TLS: certificate for the wrong host";
    c.srv = &implicit_server;
    c.extra = ",\"servername\":\"wrong.example\",\"tls\":{\"ca\":" + json::quote(ca) + "},\"secure\":true";
    c.expect_ok = false;
    c.expect_message_part = "wrong.example";
    run(c);
  }
  {
    case_spec c;
    c.name = "implicit TLS: CA not trusted";
    c.srv = &implicit_server;
    c.extra = ",\"servername\":\"localhost\",\"tls\":{\"ca\":" + json::quote(other_ca) + "},\"secure\":true";
    c.expect_ok = false;
    c.expect_message_part = "certificate";
    run(c);
  }
  if (clientcert_server.port != 0) {  // implicit TLS that requires a client certificate signed by the CA
    const std::string client_tls = ",\"servername\":\"localhost\",\"secure\":true,\"tls\":{\"ca\":" + json::quote(ca) +
                                   ",\"cert\":" + json::quote(read_file(client_cert_file)) +
                                   ",\"key\":" + json::quote(read_file(client_key_file));
    {
      case_spec c;
      c.name = "client certificate: tls.cert + tls.key presented, server verifies it";
      c.srv = &clientcert_server;
      c.auth = "{}";
      c.extra = client_tls + ",\"minVersion\":\"TLSv1.2\",\"ciphers\":\"ECDHE-ECDSA-AES128-GCM-SHA256\"}";
      c.expect_auth = "";
      c.expect_secure = true;
      c.expect_subject = "Your code 123456";
      c.expect_text = "Your Logto verification code is 123456.\n";
      run(c);
    }
    {
      case_spec c;
      c.name = "client certificate: none given, the server refuses the handshake";
      c.srv = &clientcert_server;
      c.auth = "{}";
      c.extra = verified_tls + ",\"secure\":true";
      c.expect_ok = false;  // a TLS alert or a closed connection, depending on timing
      run(c);
    }
  }
  std::printf("%d cases passed, %d checks failed\n", passes, failures);
  return failures == 0 ? 0 : 1;
}
