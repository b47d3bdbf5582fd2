/// @file
/// @brief The SMTP e-mail connector, compatible with `@logto/connector-smtp` 1.5.4 (nodemailer 8):
/// the same config JSON, the same message bytes (tests/interop/smtp/expected.json), the same
/// conversation, over a byte stream the host connects (smtp/stream.hpp).
///
/// ```
/// auto smtp = logto::connectors::smtp::from_json(config_json);         // result<smtp>
/// logto::connectors::message m("user@example.com", logto::connectors::usage_type::sign_in,
///                              logto::connectors::payload().code("123456"));
/// auto sent = smtp->send(m, my_connect);   // my_connect(host, port, timeout_ms) -> result<Stream>
/// ```
///
/// Config (Logto console JSON; unknown keys are ignored): `host`, `port`, `auth`
/// (`{user, pass, type?: "login"}` or `{type: "oauth2", user, accessToken}`), `fromEmail`,
/// `replyTo?`, `templates` (`usageType`, `contentType` text/plain | text/html, `subject`, `content`;
/// Register, SignIn, ForgotPassword and Generic required), `secure?`, `requireTLS?`, `ignoreTLS?`,
/// `tls?` (`rejectUnauthorized`, `ca` (PEM string or array), `servername`), `servername?`, `name?`
/// (EHLO name), `customHeaders?` (object of string or string[], order kept),
/// `connectionTimeout?` / `greetingTimeout?` / `socketTimeout?` (ms; 0 or absent: 120000 / 30000 /
/// 600000 as nodemailer).
///
/// Errors: config problems are errc::invalid_config naming the field (never the value); a missing
/// template is template_not_found; message text that cannot be sent (CR/LF in the rendered subject,
/// a `to` that is not one address, invalid UTF-8) is invalid_request_parameters; everything that
/// happens on the connection is errc::general, as the official connector reports it, with the
/// specific cause in the message and the server's reply (or the low-level code: timeout,
/// connection_closed, tls_error, protocol_error) in the detail. `logto::smtp::deliver` gives the
/// low-level codes directly.
///
/// Deliberate differences from the official connector / nodemailer:
/// * `requireTLS` together with `ignoreTLS` (without `secure`) is an invalid_config error (nodemailer
///   lets ignoreTLS win and sends in cleartext).
/// * `requireTLS` with a server that does not offer STARTTLS fails before sending STARTTLS
///   (nodemailer sends it blindly and fails on the server's 5xx).
/// * Credentials are never sent over a connection without TLS unless `ignoreTLS: true` (nodemailer
///   logs in over cleartext when the server offers no STARTTLS).
/// * Nor is the message: it carries a one-time code, a credential. When the server offers no
///   STARTTLS (or an attacker on the path strips it from the EHLO reply) the send fails with
///   tls_error before MAIL FROM, unless `ignoreTLS: true` or the host is loopback
///   (`smtp::is_loopback_host`: `localhost`, 127.0.0.0/8, `::1`). nodemailer sends it in
///   cleartext unless `requireTLS` is set.
/// * After STARTTLS the client discards bytes the server sent with its 220 (RFC 3207 4.2); any data
///   the server sends when no reply is due is a protocol error.
/// * `QUIT` is sent after the message was accepted (nodemailer just closes); its reply is awaited
///   for at most 10 s and its failure ignored.
/// * The EHLO name defaults to `[127.0.0.1]` (nodemailer uses the machine's host name when it
///   contains a dot; the library does not look it up: set `name`).
/// * Only a static OAuth 2.0 `accessToken` is supported; the Google refresh flows
///   (clientId/clientSecret/refreshToken, privateKey/serviceClient) are an invalid_config error.
/// * SASL: PLAIN, LOGIN, XOAUTH2 (no CRAM-MD5). A 334 after the last PLAIN/LOGIN step is cancelled
///   with `*`.
/// * SMTPUTF8 needed (non-ASCII local part) but not offered is an error before MAIL FROM
///   (nodemailer sends the address anyway).
/// * CR/LF/NUL in any header field (subject, addresses, custom headers) or the EHLO name is refused
///   (nodemailer replaces line breaks with spaces); a bare CR in the body becomes CRLF; custom
///   `Content-Type` / `Content-Disposition` headers are refused; `to` must be exactly one address.
/// * Timeouts are deadlines per reply (nodemailer's socketTimeout is an idle timer).
/// * TLS: mbedTLS, TLS 1.2 minimum, verification against `tls.ca` or the system bundle
///   (`LOGTO_SMTP_DEFAULT_CA_FILE`); other `tls.*` options of Node (ciphers, minVersion, key/cert)
///   are ignored. mbedTLS 2.28 cannot verify IP-address certificates: use `servername`.
#pragma once

#include <cstdint>      // std::int64_t, std::uint16_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <type_traits>  // std::decay
#include <utility>      // std::move
#include <vector>       // std::vector

#include "logto/connectors/connector.hpp"
#include "logto/core/crypto.hpp"
#include "logto/core/strict_json.hpp"
#include "logto/core/result.hpp"
#include "logto/core/time.hpp"
#include "logto/smtp/address.hpp"
#include "logto/smtp/client.hpp"
#include "logto/smtp/message.hpp"
#include "logto/smtp/session.hpp"
#include "logto/smtp/stream.hpp"
#include "logto/smtp/tls.hpp"

namespace logto {
namespace connectors {

/// `@logto/connector-smtp` (metadata id `simple-mail-transfer-protocol`).
class smtp {
 public:
  struct template_config {
    std::string usage_type;
    std::string content_type;  ///< "text/plain" or "text/html"
    std::string subject;
    std::string content;
    std::optional<std::string> reply_to;   ///< honoured when present (raw config key `replyTo`)
    std::optional<std::string> send_from;  ///< honoured when present (raw config key `sendFrom`)
  };

  struct auth_config {
    enum class kind { login, oauth2 };
    kind type = kind::login;
    std::string user;
    crypto::secret secret;  ///< `pass`, or the OAuth 2.0 `accessToken`
  };

  struct tls_config {
    bool reject_unauthorized = true;
    std::string ca;          ///< PEM (several certificates may follow each other)
    std::string servername;  ///< `tls.servername`
  };

  struct config {
    std::string host;
    std::uint16_t port = 25;
    std::optional<auth_config> auth;  ///< nullopt: no credentials (`auth: {}`)
    std::string from_email;
    std::optional<std::string> reply_to;
    std::vector<template_config> templates;
    bool secure = false;
    bool require_tls = false;
    bool ignore_tls = false;
    tls_config tls;
    std::string servername;  ///< top-level `servername`
    std::string name;        ///< EHLO name; empty: `[127.0.0.1]`
    std::vector<::logto::smtp::header_field> custom_headers;
    int connection_timeout_ms = 120000;
    int greeting_timeout_ms = 30000;
    int socket_timeout_ms = 600000;
  };

  /// What the server said when it took the message.
  struct send_result {
    std::string message_id;      ///< `<...@domain>`
    std::string reply;           ///< e.g. `250 OK: queued as 12345`
    bool tls = false;            ///< the message travelled over TLS
    std::string auth_mechanism;  ///< PLAIN, LOGIN, XOAUTH2 or empty
  };

  /// Reads the console config JSON (see the file comment), validating every field.
  static result<smtp> from_json(std::string_view config_json) {
    detail::config_checker check("smtp");
    const json::object* root = check.parse(config_json);
    if (root == nullptr) return check.failure();
    config c;
    if (const auto* s = check.string(*root, "host")) c.host = *s;
    if (const json::value* port = json::find(*root, "port")) {
      const auto p = json::as_integer(*port);
      if (!port->is<double>()) {
        check.expected("port", "a number", port);
      } else if (!p || *p < 1 || *p > 65535) {
        check.issue("port", "expected an integer from 1 to 65535");
      } else {
        c.port = static_cast<std::uint16_t>(*p);
      }
    } else {
      check.expected("port", "a number", nullptr);
    }
    if (const json::value* auth = json::find(*root, "auth")) {
      read_auth(check, *auth, c);
    } else {
      check.expected("auth", "an object", nullptr);
    }
    if (const auto* s = check.string(*root, "fromEmail")) c.from_email = *s;
    if (const auto* s = check.optional_string(*root, "replyTo")) c.reply_to = *s;
    check.templates(*root, c.templates, [&check](const json::object& t, const std::string& at, template_config& tc) {
      if (const json::value* ct = json::find(t, "contentType")) {
        const std::string* s = json::as_string(*ct);
        if (s == nullptr || (*s != "text/plain" && *s != "text/html")) {
          check.issue(detail::config_checker::path(at, "contentType"), "expected \"text/plain\" or \"text/html\"");
        } else {
          tc.content_type = *s;
        }
      } else {
        check.expected(detail::config_checker::path(at, "contentType"), "\"text/plain\" or \"text/html\"", nullptr);
      }
      if (const auto* s = check.string(t, "subject", at)) tc.subject = *s;
      if (const auto* s = check.string(t, "content", at)) tc.content = *s;
      if (const auto* s = check.optional_string(t, "replyTo", at)) tc.reply_to = *s;
      if (const auto* s = check.optional_string(t, "sendFrom", at)) tc.send_from = *s;
    });
    if (auto b = check.optional_bool(*root, "secure")) c.secure = *b;
    if (auto b = check.optional_bool(*root, "requireTLS")) c.require_tls = *b;
    if (auto b = check.optional_bool(*root, "ignoreTLS")) c.ignore_tls = *b;
    if (const json::value* tls = json::find(*root, "tls")) {
      if (const json::object* t = json::as_object(*tls)) {
        if (auto b = check.optional_bool(*t, "rejectUnauthorized", "tls")) c.tls.reject_unauthorized = *b;
        if (const json::value* ca = json::find(*t, "ca")) {
          if (const std::string* s = json::as_string(*ca)) {
            c.tls.ca = *s;
          } else if (const json::array* list = json::as_array(*ca)) {
            for (std::size_t i = 0; i < list->size(); ++i) {
              const std::string* pem = json::as_string((*list)[i]);
              if (pem == nullptr) {
                check.expected(detail::config_checker::index_path("tls.ca", i), "a PEM string", &(*list)[i]);
                continue;
              }
              if (!c.tls.ca.empty()) c.tls.ca += '\n';
              c.tls.ca += *pem;
            }
          } else {
            check.expected("tls.ca", "a PEM string or an array of them", ca);
          }
        }
        if (const auto* s = check.optional_string(*t, "servername", "tls")) c.tls.servername = *s;
      } else {
        check.expected("tls", "an object", tls);
      }
    }
    if (const auto* s = check.optional_string(*root, "servername")) c.servername = *s;
    if (const auto* s = check.optional_string(*root, "name")) c.name = *s;
    if (const json::value* headers = json::find(*root, "customHeaders")) {
      if (const json::object* h = json::as_object(*headers)) {
        for (const auto& key : check.document().keys(*h)) {
          const json::value* v = json::find(*h, key);
          const std::string at = detail::config_checker::path("customHeaders", key);
          if (v == nullptr) continue;
          if (const std::string* s = json::as_string(*v)) {
            c.custom_headers.push_back({key, *s});
          } else if (const json::array* list = json::as_array(*v)) {
            for (std::size_t i = 0; i < list->size(); ++i) {
              const std::string* s2 = json::as_string((*list)[i]);
              if (s2 == nullptr) {
                check.expected(detail::config_checker::index_path(at, i), "a string", &(*list)[i]);
              } else {
                c.custom_headers.push_back({key, *s2});
              }
            }
          } else {
            check.expected(at, "a string or an array of strings", v);
          }
        }
      } else {
        check.expected("customHeaders", "an object", headers);
      }
    }
    read_timeout(check, *root, "connectionTimeout", c.connection_timeout_ms);
    read_timeout(check, *root, "greetingTimeout", c.greeting_timeout_ms);
    read_timeout(check, *root, "socketTimeout", c.socket_timeout_ms);
    if (!check.ok()) return check.failure();
    return from_config(std::move(c));
  }

  /// Wraps a config built in code, with the same checks as `from_json`.
  static result<smtp> from_config(config c) {
    detail::config_checker check("smtp");
    validate(check, c);
    if (!check.ok()) return check.failure();
    return smtp(std::move(c));
  }

  const config& settings() const noexcept { return config_; }

  /// Sets the host's `getI18nEmailTemplate`. It is asked first; nullopt falls back to the config.
  void set_i18n_template_provider(i18n_email_template_provider provider) { i18n_ = std::move(provider); }

  /// The mail for `m`: template (i18n first, then the config's for the type, then Generic),
  /// `{{placeholders}}` rendered in subject, content, and a template's sendFrom / replyTo.
  result<::logto::smtp::mail> build_mail(const message& m) const {
    auto checked = detail::check_message(m);
    if (!checked) return checked.error();
    const std::optional<email_template> custom = detail::i18n_template(i18n_, m);
    std::string subject, content, content_type;
    std::optional<std::string> reply_to, send_from;
    if (custom) {
      subject = custom->subject;
      content = custom->content;
      content_type = custom->content_type ? *custom->content_type : std::string("text/html");
      reply_to = custom->reply_to;
      send_from = custom->send_from;
    } else {
      const template_config* t = find_template(config_.templates, m.type);
      if (t == nullptr) {
        return make_error(errc::template_not_found, "Template not found for type: " + m.type, m.type);
      }
      subject = t->subject;
      content = t->content;
      content_type = t->content_type;
      reply_to = t->reply_to;
      send_from = t->send_from;
    }
    for (const std::string* s : {&subject, &content}) {
      if (!is_valid_utf8(*s)) return make_error(errc::invalid_request_parameters, "the e-mail template is not valid UTF-8");
    }
    ::logto::smtp::mail mail;
    mail.to = m.to;
    mail.subject = render_template(subject, m.payload);
    mail.body = render_template(content, m.payload);
    mail.html = content_type != "text/plain";
    // `template.replyTo ? render(template.replyTo) : config.replyTo` (an empty string is falsy)
    mail.reply_to = reply_to && !reply_to->empty() ? render_template(*reply_to, m.payload)
                                                   : config_.reply_to.value_or(std::string());
    mail.from = send_from && !send_from->empty() ? render_template(*send_from, m.payload) : config_.from_email;
    mail.headers = config_.custom_headers;
    const std::pair<const char*, const std::string*> fields[] = {
        {"to", &mail.to}, {"subject", &mail.subject}, {"replyTo", &mail.reply_to}, {"sendFrom", &mail.from}};
    for (const auto& f : fields) {
      if (has_line_break(*f.second)) {
        return make_error(errc::invalid_request_parameters,
                          std::string("the e-mail ") + f.first +
                              " contains CR, LF or NUL after rendering (header injection is refused)",
                          f.first);
      }
    }
    return mail;
  }

  /// The message (headers, body, envelope) the official connector would send for `m`, dated
  /// `unix_seconds`, with the Message-ID from `random16` (16 bytes).
  result<::logto::smtp::message> build_message(const message& m, std::int64_t unix_seconds,
                                               std::string_view random16) const {
    auto mail = build_mail(m);
    if (!mail) return mail.error();
    auto built = ::logto::smtp::build_message(*mail, unix_seconds, random16);
    if (!built) {
      error e = std::move(built).error();
      if (e.code == errc::invalid_argument) e.code = errc::invalid_request_parameters;
      return e;
    }
    return built;
  }

  /// The SMTP session settings derived from the config (TLS, auth, timeouts, EHLO name).
  ::logto::smtp::session_options session_options() const {
    ::logto::smtp::session_options o;
    o.client.ehlo_name = config_.name.empty() ? std::string("[127.0.0.1]") : config_.name;
    o.client.implicit_tls = config_.secure;
    o.client.require_tls = config_.require_tls;
    o.client.ignore_tls = config_.ignore_tls;
    o.client.allow_cleartext = ::logto::smtp::is_loopback_host(config_.host);
    if (config_.auth) {
      ::logto::smtp::credentials cred;
      cred.type = config_.auth->type == auth_config::kind::oauth2 ? ::logto::smtp::credentials::kind::oauth2
                                                                  : ::logto::smtp::credentials::kind::password;
      cred.user = config_.auth->user;
      cred.secret = config_.auth->secret;
      o.client.auth = std::move(cred);
    }
    o.tls.verify = config_.tls.reject_unauthorized;
    o.tls.ca_pem = config_.tls.ca;
    o.tls.server_name = !config_.tls.servername.empty() ? config_.tls.servername
                        : !config_.servername.empty()   ? config_.servername
                                                        : config_.host;
    o.timeout.connection_ms = config_.connection_timeout_ms;
    o.timeout.greeting_ms = config_.greeting_timeout_ms;
    o.timeout.socket_ms = config_.socket_timeout_ms;
    return o;
  }

  /// Builds the message and sends it. `connection` is either a connected stream (smtp/stream.hpp)
  /// or a factory `result<Stream>(std::string_view host, std::uint16_t port, int timeout_ms)`,
  /// called with the config's host, port and connectionTimeout. The stream is closed on return.
  template <class Connection, class Clock = system_clock, class Random = crypto::default_random>
  result<send_result> send(const message& m, Connection&& connection, Clock&& clock = Clock{},
                           Random&& random = Random{}) const {
    auto nonce = crypto::random_bytes(random, 16);
    if (!nonce) return nonce.error();
    auto msg = build_message(m, static_cast<std::int64_t>(clock.now()), *nonce);
    if (!msg) return msg.error();
    using C = typename std::decay<Connection>::type;
    if constexpr (::logto::smtp::is_stream<C>::value) {
      return finish(::logto::smtp::deliver(connection, session_options(), *msg));
    } else {
      auto s = connection(std::string_view(config_.host), config_.port, config_.connection_timeout_ms);
      if (!s) {
        const error& e = s.error();
        return make_error(errc::general, "SMTP: could not connect to " + config_.host + ":" +
                                             std::to_string(config_.port) + ": " + e.message,
                          e.detail.empty() ? std::string(to_string(e.code)) : e.detail);
      }
      return finish(::logto::smtp::deliver(*s, session_options(), *msg));
    }
  }

 private:
  explicit smtp(config c) : config_(std::move(c)) {}

  static result<send_result> finish(result<::logto::smtp::delivery_info> r) {
    if (!r) {
      const error& e = r.error();
      // The official connector reports every transport failure as `general` with nodemailer's message.
      return make_error(errc::general, e.message, e.detail.empty() ? std::string(to_string(e.code)) : e.detail);
    }
    send_result out;
    out.message_id = r->message_id;
    out.reply = r->reply;
    out.tls = r->tls;
    out.auth_mechanism = r->auth_mechanism;
    return out;
  }

  static void read_timeout(detail::config_checker& check, const json::object& root, std::string_view key, int& out) {
    const json::value* v = json::find(root, key);
    if (v == nullptr) return;
    if (!v->is<double>()) return check.expected(std::string(key), "a number (milliseconds)", v);
    const double ms = v->get<double>();
    if (!(ms >= 0)) return check.issue(std::string(key), "expected a number of milliseconds >= 0");
    if (ms >= 1) out = ms > 2147483647.0 ? 2147483647 : static_cast<int>(ms);  // 0 keeps the default (as `|| default`)
  }

  static void read_auth(detail::config_checker& check, const json::value& v, config& c) {
    const json::object* a = json::as_object(v);
    if (a == nullptr) return check.expected("auth", "an object", &v);
    std::string type = "login";
    if (const json::value* t = json::find(*a, "type")) {
      const std::string* s = json::as_string(*t);
      std::string upper = s == nullptr ? std::string() : *s;
      for (char& ch : upper) ch = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 'a' + 'A') : ch;
      if (s == nullptr || (upper != "LOGIN" && upper != "OAUTH2") ||
          (*s != "login" && *s != "Login" && *s != "LOGIN" && *s != "oauth2" && *s != "OAuth2" && *s != "OAUTH2")) {
        return check.issue("auth.type", "expected \"login\" or \"oauth2\"");
      }
      type = upper == "OAUTH2" ? "oauth2" : "login";
    }
    const std::string* user = check.optional_string(*a, "user", "auth");
    if (type == "login") {
      const std::string* pass = check.optional_string(*a, "pass", "auth");
      const bool has_user = user != nullptr && !user->empty();
      const bool has_pass = pass != nullptr && !pass->empty();
      if (has_user != has_pass) {
        return check.issue(has_user ? "auth.pass" : "auth.user", "is required together with auth." +
                                                                     std::string(has_user ? "user" : "pass"));
      }
      if (has_user) {
        auth_config ac;
        ac.type = auth_config::kind::login;
        ac.user = *user;
        ac.secret = crypto::secret(*pass);
        c.auth = std::move(ac);
      }
      return;
    }
    const std::string* token = check.optional_string(*a, "accessToken", "auth");
    if (user == nullptr || user->empty()) return check.issue("auth.user", "is required for OAuth 2.0 (XOAUTH2)");
    if (token == nullptr || token->empty()) {
      const bool refresh_flow = json::find(*a, "refreshToken") != nullptr || json::find(*a, "clientId") != nullptr ||
                                json::find(*a, "privateKey") != nullptr || json::find(*a, "serviceClient") != nullptr;
      return check.issue("auth.accessToken",
                         refresh_flow ? "is required: the Google OAuth 2.0 refresh flows of nodemailer (clientId / "
                                        "clientSecret / refreshToken, privateKey / serviceClient) are not supported; "
                                        "obtain an access token yourself and set auth.accessToken"
                                      : "is required for OAuth 2.0 (XOAUTH2)");
    }
    auth_config ac;
    ac.type = auth_config::kind::oauth2;
    ac.user = *user;
    ac.secret = crypto::secret(*token);
    c.auth = std::move(ac);
  }

  static bool bad_token(std::string_view s) {
    for (const char ch : s) {
      const auto u = static_cast<unsigned char>(ch);
      if (u <= 0x20 || u == 0x7F) return true;
    }
    return false;
  }

  static void validate(detail::config_checker& check, const config& c) {
    if (c.host.empty() || bad_token(c.host)) check.issue("host", "expected a host name or IP address without spaces");
    if (c.port == 0) check.issue("port", "expected an integer from 1 to 65535");
    if (c.require_tls && c.ignore_tls && !c.secure) {
      check.issue("requireTLS", "cannot be true together with ignoreTLS (ignoreTLS would send without TLS)");
    }
    if (c.auth) {
      if (c.auth->user.empty() || has_line_break(c.auth->user)) check.issue("auth.user", "must be non-empty without CR/LF/NUL");
      if (c.auth->secret.empty() || has_line_break(c.auth->secret.reveal())) {
        check.issue(c.auth->type == auth_config::kind::oauth2 ? "auth.accessToken" : "auth.pass",
                    "must be non-empty without CR/LF/NUL");
      }
    }
    if (has_line_break(c.from_email)) {
      check.issue("fromEmail", "must not contain CR, LF or NUL");
    } else {
      auto list = ::logto::smtp::parse_addresses(c.from_email);
      std::vector<::logto::smtp::address> unique;
      ::logto::smtp::format_addresses(list, &unique);
      if (unique.empty()) check.issue("fromEmail", "expected an e-mail address (`addr` or `Name <addr>`)");
    }
    if (c.reply_to && has_line_break(*c.reply_to)) check.issue("replyTo", "must not contain CR, LF or NUL");
    for (std::size_t i = 0; i < c.templates.size(); ++i) {
      const auto& t = c.templates[i];
      const std::string at = detail::config_checker::index_path("templates", i);
      if (t.content_type != "text/plain" && t.content_type != "text/html") {
        check.issue(at + ".contentType", "expected \"text/plain\" or \"text/html\"");
      }
      if (has_line_break(t.subject)) check.issue(at + ".subject", "must not contain CR, LF or NUL");
      if (t.reply_to && has_line_break(*t.reply_to)) check.issue(at + ".replyTo", "must not contain CR, LF or NUL");
      if (t.send_from && has_line_break(*t.send_from)) check.issue(at + ".sendFrom", "must not contain CR, LF or NUL");
    }
    check.require_templates(c.templates);
    if (!c.servername.empty() && bad_token(c.servername)) check.issue("servername", "must not contain spaces or control characters");
    if (!c.tls.servername.empty() && bad_token(c.tls.servername)) {
      check.issue("tls.servername", "must not contain spaces or control characters");
    }
    if (!c.name.empty() && bad_token(c.name)) {
      check.issue("name", "the EHLO name must not contain spaces or control characters");
    }
    for (const auto& h : c.custom_headers) {
      const std::string at = "customHeaders." + h.name;
      bool name_ok = !h.name.empty();
      for (const char ch : h.name) {
        const auto u = static_cast<unsigned char>(ch);
        if (u < 0x21 || u > 0x7E || ch == ':') name_ok = false;
      }
      if (!name_ok) {
        check.issue("customHeaders", "a header name must be printable ASCII without spaces or ':'");
        continue;
      }
      const std::string key = ::logto::smtp::mime::normalize_header_key(h.name);
      if (key == "Content-Type" || key == "Content-Disposition") {
        check.issue(at, "cannot be set: the connector writes this header");
      }
      if (has_line_break(h.value)) check.issue(at, "must not contain CR, LF or NUL");
      if (!is_valid_utf8(h.value)) check.issue(at, "must be valid UTF-8");
    }
    if (c.connection_timeout_ms <= 0) check.issue("connectionTimeout", "expected a positive number of milliseconds");
    if (c.greeting_timeout_ms <= 0) check.issue("greetingTimeout", "expected a positive number of milliseconds");
    if (c.socket_timeout_ms <= 0) check.issue("socketTimeout", "expected a positive number of milliseconds");
  }

  config config_;
  i18n_email_template_provider i18n_;
};

}  // namespace connectors
}  // namespace logto
