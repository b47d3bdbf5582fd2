/// @file
/// @brief The SMTP client as a sans-I/O state machine (RFC 5321, RFC 3207 STARTTLS, RFC 4954 AUTH
/// with PLAIN (RFC 4616), LOGIN and XOAUTH2, RFC 6531 SMTPUTF8). Bytes in, bytes and actions out:
/// it never touches a socket, a clock or TLS. `smtp/session.hpp` drives it over a host stream; a
/// host with its own event loop (and its own TLS) can drive it directly:
///
/// ```
/// auto c = smtp::client::create(options, msg);          // result<client>
/// for (;;) switch (c->next()) {
///   case smtp::client::action::send:      write(c->take_output()); break;      // then wipe the buffer
///   case smtp::client::action::receive:   n = read(...); n ? c->feed(bytes) : c->feed_eof(); break;
///   case smtp::client::action::start_tls: handshake(); c->tls_started(); break;  // or c->fail(err)
///   case smtp::client::action::close:     close(); return c->outcome();
/// }
/// ```
///
/// Conversation (nodemailer's, with the differences listed in connectors/smtp.hpp): greeting 220;
/// `EHLO name` (`HELO` when EHLO is refused with anything but 421); `STARTTLS` when offered and TLS
/// is not off, or always with `require_tls` (an error when it is not offered); `EHLO` again after
/// the upgrade; AUTH when the server advertises it (PLAIN > LOGIN for passwords, XOAUTH2 for OAuth
/// tokens); `MAIL FROM:<a>` (+ ` SMTPUTF8` when an address needs it), `RCPT TO:<b>`, `DATA`, the
/// dot-stuffed message, and `QUIT`.
///
/// Safety: credentials are never sent before TLS is up unless `ignore_tls` says cleartext is
/// acceptable; neither is the message (it carries a one-time code) unless `ignore_tls` or
/// `allow_cleartext` (a loopback host) says so; bytes that arrive after the 220 to STARTTLS are discarded (RFC
/// 3207 4.2, STARTTLS response injection); a reply line longer than `LOGTO_SMTP_MAX_REPLY_LINE` bytes or a reply of
/// more than `LOGTO_SMTP_MAX_REPLY_LINES` lines, a malformed line, or data the server sends when no
/// reply is due is a protocol error, so memory stays bounded whatever the server sends.
#pragma once

#include <cstddef>      // std::size_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "logto/core/crypto.hpp"
#include "logto/core/encoding.hpp"
#include "logto/core/result.hpp"
#include "logto/smtp/message.hpp"

#ifndef LOGTO_SMTP_MAX_REPLY_LINE
/// Longest reply line accepted, CRLF excluded (RFC 5321 4.5.3.1.5 requires at least 512).
#define LOGTO_SMTP_MAX_REPLY_LINE 4096u
#endif

#ifndef LOGTO_SMTP_MAX_REPLY_LINES
/// Most lines accepted in one (multi-line) reply.
#define LOGTO_SMTP_MAX_REPLY_LINES 128u
#endif

#ifndef LOGTO_SMTP_MAX_DETAIL
/// Longest server text kept in an error's detail (bytes).
#define LOGTO_SMTP_MAX_DETAIL 2048u
#endif

namespace logto {
namespace smtp {

/// SMTP credentials. `secret` is the password (PLAIN/LOGIN) or the OAuth 2.0 access token (XOAUTH2).
struct credentials {
  enum class kind { password, oauth2 };
  kind type = kind::password;
  std::string user;
  crypto::secret secret;
};

/// What the client does; the TLS handshakes themselves are the driver's.
struct client_options {
  /// EHLO/HELO name (nodemailer: config `name`, else the host name if it has a dot, else this).
  std::string ehlo_name = "[127.0.0.1]";
  /// The connection is already TLS (implicit TLS, `secure: true`): no STARTTLS.
  bool implicit_tls = false;
  /// STARTTLS is mandatory: fail when the server does not offer it (`requireTLS`).
  bool require_tls = false;
  /// Never STARTTLS, and allow AUTH and the message over cleartext (`ignoreTLS`).
  bool ignore_tls = false;
  /// Allow the message (not the credentials) over a connection without TLS when the server offers
  /// no STARTTLS. Off by default: the message carries a one-time code, a credential, and a missing
  /// STARTTLS may be an attacker stripping it. The connector sets it for loopback hosts
  /// (`is_loopback_host`); nodemailer sends in cleartext unless `requireTLS` is set.
  bool allow_cleartext = false;
  /// Log in with these when the server advertises AUTH.
  std::optional<credentials> auth;
  /// Send QUIT after the message was accepted (nodemailer just closes the socket).
  bool send_quit = true;
};

/// One server reply: the code and each line's text (after `ddd-` / `ddd `).
struct reply {
  int code = 0;
  std::vector<std::string> lines;
  /// The reply as the server wrote it, lines joined by "\n" (e.g. `535 5.7.8 Authentication failed`).
  std::string text() const {
    std::string out;
    for (std::size_t k = 0; k < lines.size(); ++k) {
      if (k != 0) out += '\n';
      out += std::to_string(code);
      if (!lines[k].empty()) {
        out += k + 1 == lines.size() ? ' ' : '-';
        out += lines[k];
      }
    }
    return out;
  }
};

namespace detail {

// RFC 791 dotted quad of four decimal octets 0..255 (no shorthand, no leading zero, no hex).
inline bool parse_ipv4(std::string_view s, unsigned char out[4]) {
  std::size_t part = 0, i = 0;
  while (part < 4) {
    const std::size_t start = i;
    unsigned v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3)
      v = v * 10 + static_cast<unsigned>(s[i++] - '0');
    if (i == start || v > 255 || (i - start > 1 && s[start] == '0')) return false;
    out[part++] = static_cast<unsigned char>(v);
    if (part < 4) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
  }
  return i == s.size();
}

// RFC 4291 2.2 text form (with `::` and an embedded IPv4 tail) into 16 bytes.
inline bool parse_ipv6(std::string_view s, unsigned char out[16]) {
  unsigned char head[16] = {0}, tail[16] = {0};
  std::size_t nh = 0, nt = 0;
  bool gap = false;
  std::size_t i = 0;
  if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
    gap = true;
    i = 2;
  } else if (!s.empty() && s[0] == ':') {
    return false;
  }
  while (i < s.size()) {
    unsigned char* dst = gap ? tail : head;
    std::size_t& n = gap ? nt : nh;
    const std::size_t dot = s.find('.', i);
    const std::size_t colon = s.find(':', i);
    if (dot != std::string_view::npos && (colon == std::string_view::npos || dot < colon)) {  // IPv4 tail
      if (n + (gap ? nh : nt) + 4 > 16 || !parse_ipv4(s.substr(i), dst + n)) return false;
      n += 4;
      i = s.size();
      break;
    }
    const std::size_t end = colon == std::string_view::npos ? s.size() : colon;
    if (end == i || end - i > 4 || nh + nt + 2 > 16) return false;
    unsigned v = 0;
    for (std::size_t k = i; k < end; ++k) {
      const int h = logto::detail::hex_value(s[k]);
      if (h < 0) return false;
      v = v * 16 + static_cast<unsigned>(h);
    }
    dst[n++] = static_cast<unsigned char>(v >> 8);
    dst[n++] = static_cast<unsigned char>(v & 0xFF);
    i = end;
    if (i < s.size()) {
      ++i;  // the ':'
      if (i < s.size() && s[i] == ':') {
        if (gap) return false;
        gap = true;
        ++i;
      } else if (i == s.size()) {
        return false;  // trailing single ':'
      }
    }
  }
  if (!gap && nh != 16) return false;
  if (gap && nh + nt > 14) return false;
  for (std::size_t k = 0; k < 16; ++k) out[k] = 0;
  for (std::size_t k = 0; k < nh; ++k) out[k] = head[k];
  for (std::size_t k = 0; k < nt; ++k) out[16 - nt + k] = tail[k];
  return true;
}

inline std::string printable(std::string_view s, std::size_t max = LOGTO_SMTP_MAX_DETAIL) {
  std::string out;
  for (const char c : s.substr(0, max)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 && c != '\n' && c != '\t') || u == 0x7F ? '?' : c;
  }
  if (s.size() > max) out += "...";
  return out;
}

inline std::string upper_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  return out;
}

inline bool is_ascii(std::string_view s) {
  for (const char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

inline bool valid_envelope_address(std::string_view a) {
  return !a.empty() && a.find_first_of(std::string_view("\r\n<>\0", 5)) == std::string_view::npos;
}

}  // namespace detail

/// True when `host` names this machine: `localhost` (any case, an optional final dot; RFC 6761
/// 6.3), an IPv4 address in 127.0.0.0/8 written as a dotted quad, or the IPv6 loopback `::1` (any
/// spelling, brackets allowed, also IPv4-mapped as in `0:0:0:0:0:ffff:127.0.0.1`). Traffic to it never leaves the
/// machine, so the connector lets the message go without TLS there. Anything else (other names, shorthand such as
/// `127.1`) is not loopback: the stricter answer.
inline bool is_loopback_host(std::string_view host) {
  const std::string upper = detail::upper_ascii(host);
  if (upper == "LOCALHOST" || upper == "LOCALHOST.") return true;
  unsigned char v4[4];
  if (detail::parse_ipv4(host, v4)) return v4[0] == 127;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned char v6[16];
  if (!detail::parse_ipv6(host, v6)) return false;
  bool zero_prefix = true;
  for (std::size_t k = 0; k < 10; ++k) zero_prefix = zero_prefix && v6[k] == 0;
  if (zero_prefix && v6[10] == 0xFF && v6[11] == 0xFF) return v6[12] == 127;  // IPv4-mapped (RFC 4291 2.5.5.2)
  bool loop = zero_prefix && v6[10] == 0 && v6[11] == 0 && v6[12] == 0 && v6[13] == 0 && v6[14] == 0;
  return loop && v6[15] == 1;
}

/// The SMTP client state machine for one message on one connection.
class client {
 public:
  /// What the driver should do next.
  enum class action {
    send,       ///< write `take_output()` to the connection (all of it), then ask again
    receive,    ///< read from the connection and `feed()` it (`feed_eof()` on close)
    start_tls,  ///< run a TLS client handshake on the connection, then `tls_started()` (or `fail()`)
    close,      ///< close the connection; `outcome()` says whether the message was accepted
  };

  /// Which timeout applies while the client waits (nodemailer: greetingTimeout / socketTimeout).
  enum class wait { greeting, reply, quit };

  /// Validates the options and the envelope and prepares the conversation. `msg.data` is
  /// DATA-encoded here (`encode_data`).
  static result<client> create(client_options options, const message& msg) {
    const std::string& name = options.ehlo_name;
    if (name.empty()) return make_error(errc::invalid_argument, "SMTP: the EHLO name is empty");
    for (const char c : name) {
      const auto u = static_cast<unsigned char>(c);
      if (u <= 0x20 || u == 0x7F) {
        return make_error(errc::invalid_argument,
                          "SMTP: the EHLO name must not contain spaces or control characters (CR/LF injection)");
      }
    }
    // ignore_tls would skip the STARTTLS that require_tls demands and send in cleartext (nodemailer
    // does); a requirement the caller set must not be dropped silently.
    if (options.require_tls && options.ignore_tls && !options.implicit_tls) {
      return make_error(errc::invalid_argument,
                        "SMTP: requireTLS and ignoreTLS contradict each other (ignoreTLS would send without the TLS "
                        "that requireTLS demands); set only one");
    }
    if (!detail::valid_envelope_address(msg.mail_from)) {
      return make_error(errc::invalid_argument,
                        "SMTP: invalid envelope sender (empty, or contains CR, LF, NUL, < or >)");
    }
    if (msg.rcpt_to.empty()) return make_error(errc::invalid_argument, "SMTP: no recipients");
    for (const auto& r : msg.rcpt_to) {
      if (!detail::valid_envelope_address(r)) {
        return make_error(errc::invalid_argument, "SMTP: invalid recipient (empty, or contains CR, LF, NUL, < or >)");
      }
    }
    if (options.auth) {
      const auto& a = *options.auth;
      if (a.user.empty() || a.secret.empty()) {
        return make_error(errc::invalid_argument, "SMTP: credentials need a user and a password or access token");
      }
      if (has_line_break(a.user) || has_line_break(a.secret.reveal())) {
        return make_error(errc::invalid_argument, "SMTP: credentials must not contain CR, LF or NUL");
      }
    }
    client c;
    c.options_ = std::move(options);
    c.from_ = msg.mail_from;
    c.rcpt_ = msg.rcpt_to;
    c.data_ = encode_data(msg.data);
    c.tls_ = c.options_.implicit_tls;
    return result<client>(std::move(c));
  }

  client(client&&) = default;
  client& operator=(client&&) = default;
  client(const client&) = delete;
  client& operator=(const client&) = delete;
  ~client() { crypto::wipe(output_); }

  /// The next thing the driver must do.
  action next() const noexcept {
    if (!output_.empty()) return action::send;
    switch (state_) {
      case state::start_tls: return action::start_tls;
      case state::done:
      case state::failed: return action::close;
      default: return action::receive;
    }
  }

  /// Which timeout the current wait uses.
  wait waiting_for() const noexcept {
    return state_ == state::greeting ? wait::greeting : state_ == state::quit ? wait::quit : wait::reply;
  }

  /// Bytes to write. They may hold credentials: wipe the buffer (crypto::wipe) once written.
  std::string take_output() noexcept {
    std::string out = std::move(output_);
    crypto::wipe(output_);
    return out;
  }

  /// Bytes read from the server.
  void feed(std::string_view bytes) {
    if (state_ == state::done || state_ == state::failed) return;
    if (state_ == state::start_tls) return;  // nothing may arrive before the handshake; ignore
    buffer_.append(bytes.data(), bytes.size());
    process_buffer();
  }

  /// The server closed the connection.
  void feed_eof() {
    if (state_ == state::quit) {
      state_ = state::done;
      return;
    }
    if (state_ == state::done || state_ == state::failed) return;
    fail_now(make_error(errc::connection_closed, "SMTP: the server closed the connection " + std::string(where()) +
                                                     (buffer_.empty() ? "" : " in the middle of a reply")));
  }

  /// The TLS handshake requested by `action::start_tls` succeeded: everything learnt before it is
  /// forgotten (RFC 3207 4.2) and EHLO is sent again.
  void tls_started() {
    if (state_ != state::start_tls) return;
    tls_ = true;
    buffer_.clear();
    reset_extensions();
    send_command("EHLO " + options_.ehlo_name, state::ehlo);
  }

  /// The driver could not do its part (I/O error, timeout, TLS failure). After the message was
  /// accepted, failures (of QUIT) no longer count.
  void fail(error e) {
    if (state_ == state::quit || state_ == state::done) {
      state_ = state::done;
      crypto::wipe(output_);
      return;
    }
    if (state_ == state::failed) return;
    crypto::wipe(output_);
    state_ = state::failed;
    error_ = std::move(e);
  }

  /// After `action::close`: success when the server accepted the message.
  result<void> outcome() const {
    if (delivered_) return ok();
    if (state_ == state::failed) return error_;
    return make_error(errc::general, "SMTP: the conversation ended before the message was sent");
  }

  bool delivered() const noexcept { return delivered_; }
  bool tls_active() const noexcept { return tls_; }
  /// The last complete reply (for logs and tests).
  const reply& last_reply() const noexcept { return last_; }
  /// Recipients the server refused while others were accepted (nodemailer's `rejected`).
  const std::vector<std::string>& rejected() const noexcept { return rejected_; }
  /// The server's reply to the message once delivered (e.g. `250 OK: queued as 12345`).
  const std::string& delivery_reply() const noexcept { return delivery_reply_; }
  /// The SASL mechanism used, empty when no AUTH was done.
  const std::string& auth_mechanism() const noexcept { return mechanism_; }

 private:
  enum class state {
    greeting,
    ehlo,
    helo,
    starttls,
    start_tls,
    auth_plain,
    auth_login_user,
    auth_login_pass,
    auth_login_done,
    auth_xoauth2,
    auth_xoauth2_error,
    auth_cancel,
    mail,
    rcpt,
    data,
    data_end,
    quit,
    done,
    failed
  };

  client() = default;

  const char* where() const noexcept {
    switch (state_) {
      case state::greeting: return "before its greeting";
      case state::ehlo: return "after EHLO";
      case state::helo: return "after HELO";
      case state::starttls: return "after STARTTLS";
      case state::auth_plain:
      case state::auth_login_user:
      case state::auth_login_pass:
      case state::auth_login_done:
      case state::auth_xoauth2:
      case state::auth_xoauth2_error:
      case state::auth_cancel: return "during AUTH";
      case state::mail: return "after MAIL FROM";
      case state::rcpt: return "after RCPT TO";
      case state::data: return "after DATA";
      case state::data_end: return "after the message";
      default: return "";
    }
  }

  void reset_extensions() {
    starttls_ = smtputf8_ = auth_advertised_ = false;
    mechanisms_.clear();
    helo_mode_ = false;
  }

  void send_command(const std::string& line, state next_state) {
    output_ += line;
    output_ += "\r\n";
    state_ = next_state;
  }

  void fail_now(error e) {
    crypto::wipe(output_);
    state_ = state::failed;
    error_ = std::move(e);
  }

  // A refusal by the server: keep its reply in the detail and say goodbye politely.
  void refused(errc code, const std::string& what) {
    const std::string text = detail::printable(last_.text());
    fail_now(make_error(code, "SMTP: " + what + ": " + text, text));
    output_ = "QUIT\r\n";
  }

  void protocol_error(const std::string& what, std::string_view offending = {}) {
    fail_now(make_error(errc::protocol_error, "SMTP: " + what, detail::printable(offending, 256)));
  }

  void process_buffer() {
    for (;;) {
      if (state_ == state::failed || state_ == state::done || state_ == state::start_tls) return;
      const std::size_t nl = buffer_.find('\n');
      if (nl == std::string::npos) {
        if (buffer_.size() > LOGTO_SMTP_MAX_REPLY_LINE + 1) {
          protocol_error("reply line longer than " + std::to_string(LOGTO_SMTP_MAX_REPLY_LINE) + " bytes",
                         buffer_.substr(0, 64));
        }
        return;
      }
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.size() > LOGTO_SMTP_MAX_REPLY_LINE) {
        protocol_error("reply line longer than " + std::to_string(LOGTO_SMTP_MAX_REPLY_LINE) + " bytes",
                       line.substr(0, 64));
        return;
      }
      // RFC 5321 4.2: three digits, then SP or '-' (or nothing), then text.
      const bool digits = line.size() >= 3 && line[0] >= '1' && line[0] <= '5' && line[1] >= '0' && line[1] <= '9' &&
                          line[2] >= '0' && line[2] <= '9';
      if (!digits || (line.size() > 3 && line[3] != ' ' && line[3] != '-')) {
        protocol_error("malformed reply line (expected a three-digit code) " + std::string(where()), line);
        return;
      }
      const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
      const bool more = line.size() > 3 && line[3] == '-';
      if (!partial_.lines.empty() && code != partial_.code) {
        protocol_error("inconsistent codes in a multi-line reply", line);
        return;
      }
      partial_.code = code;
      partial_.lines.push_back(line.size() > 4 ? line.substr(4) : std::string());
      if (partial_.lines.size() > LOGTO_SMTP_MAX_REPLY_LINES) {
        protocol_error("reply with more than " + std::to_string(LOGTO_SMTP_MAX_REPLY_LINES) + " lines");
        return;
      }
      if (more) continue;
      last_ = std::move(partial_);
      partial_ = reply();
      on_reply();
      if (state_ == state::start_tls) {
        buffer_.clear();  // RFC 3207 4.2: discard whatever came with the 220 (response injection)
        return;
      }
      if (state_ == state::quit || state_ == state::done) {
        if (state_ == state::done) buffer_.clear();
        continue;
      }
      if (!buffer_.empty() && state_ != state::failed) {
        protocol_error("the server sent data " + std::string(where()) + " before the client's next command",
                       buffer_.substr(0, 64));
        return;
      }
    }
  }

  void on_reply() {
    const int code = last_.code;
    const bool ok2 = code / 100 == 2;
    switch (state_) {
      case state::greeting:
        if (code != 220) return refused(errc::general, "the server refused the connection (greeting)");
        return send_command("EHLO " + options_.ehlo_name, state::ehlo);
      case state::ehlo:
        if (code == 421) return refused(errc::general, "the server is closing the connection (EHLO)");
        if (!ok2) {
          if (options_.require_tls)
            return refused(errc::tls_error, "EHLO failed, so STARTTLS (requireTLS) is impossible");
          return send_command("HELO " + options_.ehlo_name, state::helo);
        }
        parse_ehlo();
        return after_hello();
      case state::helo:
        if (!ok2) return refused(errc::general, "HELO failed");
        reset_extensions();
        helo_mode_ = true;
        return after_hello();
      case state::starttls:
        if (code != 220) return refused(errc::tls_error, "STARTTLS failed");
        state_ = state::start_tls;
        return;
      case state::auth_plain:
      case state::auth_login_done:
        if (ok2) return authenticated();
        if (code == 334) {  // a challenge after our final step: cancel (RFC 4954 4)
          auth_failure_ = last_.text();
          return send_command("*", state::auth_cancel);
        }
        return refused(errc::general, "authentication (" + mechanism_ + ") failed");
      case state::auth_cancel: {
        const std::string text = detail::printable(auth_failure_);
        fail_now(make_error(errc::general, "SMTP: authentication (" + mechanism_ + ") failed: " + text, text));
        output_ = "QUIT\r\n";
      }
        return;
      case state::auth_login_user:
        if (code != 334) return refused(errc::general, "authentication (LOGIN) failed, expected 334 for the user name");
        return send_secret_line(base64_encode(options_.auth->user), state::auth_login_pass);
      case state::auth_login_pass:
        if (code != 334) return refused(errc::general, "authentication (LOGIN) failed, expected 334 for the password");
        return send_secret_line(base64_encode(options_.auth->secret.reveal()), state::auth_login_done);
      case state::auth_xoauth2:
        if (ok2) return authenticated();
        if (code == 334) {
          // RFC 7628 3.2.3 style error challenge: answer with an empty line, then the final reply comes.
          const std::string challenge = last_.lines.empty() ? std::string() : last_.lines.front();
          auto decoded = base64_decode(challenge);
          auth_failure_ = decoded && is_valid_utf8(*decoded) ? *decoded : challenge;
          return send_command("", state::auth_xoauth2_error);
        }
        return refused(errc::general, "authentication (XOAUTH2) failed");
      case state::auth_xoauth2_error: {
        const std::string text = detail::printable(last_.text());
        fail_now(make_error(errc::general,
                            "SMTP: authentication (XOAUTH2) failed: " + text +
                                " (server said: " + detail::printable(auth_failure_, 512) + ")",
                            text));
        output_ = "QUIT\r\n";
        return;
      }
      case state::mail:
        if (!ok2) return refused(errc::general, "the server refused the sender (MAIL FROM)");
        return next_rcpt();
      case state::rcpt:
        if (ok2) {
          ++accepted_;
        } else {
          rejected_.push_back(rcpt_[rcpt_index_]);
          rejected_detail_ = last_.text();
        }
        ++rcpt_index_;
        if (rcpt_index_ < rcpt_.size()) return next_rcpt();
        if (accepted_ == 0) return refused(errc::general, "the server refused the recipient (RCPT TO)");
        return send_command("DATA", state::data);
      case state::data:
        if (code != 354) return refused(errc::general, "the server refused DATA");
        output_ += data_;
        crypto::wipe(data_);
        state_ = state::data_end;
        return;
      case state::data_end:
        if (!ok2) return refused(errc::general, "the server refused the message");
        delivered_ = true;
        delivery_reply_ = detail::printable(last_.text());
        if (options_.send_quit) return send_command("QUIT", state::quit);
        state_ = state::done;
        return;
      case state::quit: state_ = state::done; return;
      default: return;
    }
  }

  void parse_ehlo() {
    reset_extensions();
    for (std::size_t k = 1; k < last_.lines.size(); ++k) {
      const std::string& line = last_.lines[k];
      std::vector<std::string> words;
      std::size_t i = 0;
      while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
        if (i > start) words.push_back(detail::upper_ascii(line.substr(start, i - start)));
      }
      if (words.empty()) continue;
      const std::string& keyword = words.front();
      if (keyword == "STARTTLS") starttls_ = true;
      if (keyword == "SMTPUTF8") smtputf8_ = true;
      if (keyword == "AUTH" || keyword.compare(0, 5, "AUTH=") == 0) {
        auth_advertised_ = true;
        if (keyword.size() > 5) mechanisms_.push_back(keyword.substr(5));
        for (std::size_t w = 1; w < words.size(); ++w) mechanisms_.push_back(words[w]);
      }
    }
  }

  bool offers(std::string_view mech) const {
    for (const auto& m : mechanisms_) {
      if (m == mech) return true;
    }
    return false;
  }

  void after_hello() {
    if (!tls_ && !options_.ignore_tls && (starttls_ || options_.require_tls)) {
      if (!starttls_) {
        fail_now(make_error(errc::tls_error,
                            "SMTP: requireTLS is set but the server does not offer STARTTLS; refusing to continue "
                            "without TLS (nodemailer would try STARTTLS anyway and fail)"));
        output_ = "QUIT\r\n";
        return;
      }
      return send_command("STARTTLS", state::starttls);
    }
    if (options_.auth && (auth_advertised_ || helo_mode_)) return start_auth();
    return start_mail();
  }

  void start_auth() {
    const credentials& a = *options_.auth;
    if (!tls_ && !options_.ignore_tls) {
      fail_now(
          make_error(errc::tls_error,
                     "SMTP: refusing to send credentials over an unencrypted connection (the server offers no "
                     "STARTTLS). Use implicit TLS (secure: true) or a server with STARTTLS, or set ignoreTLS: true "
                     "to allow authentication in cleartext"));
      output_ = "QUIT\r\n";
      return;
    }
    if (a.type == credentials::kind::oauth2) {
      mechanism_ = "XOAUTH2";
      std::string token;
      token.reserve(a.user.size() + a.secret.reveal().size() + 24);
      token += "user=" + a.user + "\x01" + "auth=Bearer ";
      token += a.secret.reveal();
      token += "\x01\x01";
      std::string line = "AUTH XOAUTH2 " + base64_encode(token);
      crypto::wipe(token);
      send_secret_line(std::move(line), state::auth_xoauth2);
      return;
    }
    if (offers("PLAIN") || mechanisms_.empty()) {
      mechanism_ = "PLAIN";
      std::string token;
      token.reserve(a.user.size() + a.secret.reveal().size() + 2);
      token += '\0';
      token += a.user;
      token += '\0';
      token += a.secret.reveal();
      std::string line = "AUTH PLAIN " + base64_encode(token);
      crypto::wipe(token);
      send_secret_line(std::move(line), state::auth_plain);
      return;
    }
    if (offers("LOGIN")) {
      mechanism_ = "LOGIN";
      return send_command("AUTH LOGIN", state::auth_login_user);
    }
    std::string offered;
    for (const auto& m : mechanisms_) offered += (offered.empty() ? "" : " ") + m;
    fail_now(make_error(errc::general, "SMTP: the server offers AUTH " + detail::printable(offered, 256) +
                                           ", none of which is supported for password credentials (PLAIN, LOGIN)"));
    output_ = "QUIT\r\n";
  }

  void send_secret_line(std::string line, state next_state) {
    output_ += line;
    output_ += "\r\n";
    crypto::wipe(line);
    state_ = next_state;
  }

  void authenticated() { start_mail(); }

  void start_mail() {
    if (!tls_ && !options_.ignore_tls && !options_.allow_cleartext) {
      fail_now(make_error(errc::tls_error,
                          "SMTP: refusing to send the message over an unencrypted connection: the server offers no "
                          "STARTTLS (or something on the way removed it), and the message carries a one-time code. "
                          "Use implicit TLS (secure: true, usually port 465) or a server with STARTTLS, or set "
                          "ignoreTLS: true to send in cleartext on purpose"));
      output_ = "QUIT\r\n";
      return;
    }
    bool needs_utf8 = !detail::is_ascii(from_);
    for (const auto& r : rcpt_) needs_utf8 = needs_utf8 || !detail::is_ascii(r);
    if (needs_utf8 && !smtputf8_) {
      fail_now(make_error(errc::general,
                          "SMTP: an envelope address is not ASCII, which needs the SMTPUTF8 extension (RFC 6531), "
                          "but the server does not offer it"));
      output_ = "QUIT\r\n";
      return;
    }
    send_command("MAIL FROM:<" + from_ + ">" + (needs_utf8 ? " SMTPUTF8" : ""), state::mail);
  }

  void next_rcpt() { send_command("RCPT TO:<" + rcpt_[rcpt_index_] + ">", state::rcpt); }

  client_options options_;
  std::string from_;
  std::vector<std::string> rcpt_;
  std::string data_;
  std::string output_;
  std::string buffer_;
  reply partial_;
  reply last_;
  state state_ = state::greeting;
  error error_;
  bool tls_ = false;
  bool starttls_ = false, smtputf8_ = false, auth_advertised_ = false, helo_mode_ = false;
  std::vector<std::string> mechanisms_;
  std::string mechanism_;
  std::string auth_failure_;
  std::size_t rcpt_index_ = 0, accepted_ = 0;
  std::vector<std::string> rejected_;
  std::string rejected_detail_;
  bool delivered_ = false;
  std::string delivery_reply_;
};

}  // namespace smtp
}  // namespace logto
