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
/// `tls?` (`rejectUnauthorized`, `ca` (PEM string or array), `servername`, `minVersion` /
/// `maxVersion` ("TLSv1.2" | "TLSv1.3"), `ciphers` (OpenSSL names separated by ':', mapped onto
/// mbedTLS suites by `smtp::tls_cipher_suite_name`), `cert` + `key` (+ `passphrase`): a client
/// certificate), `servername?`, `name?` (EHLO name), `customHeaders?` (object of string or string[],
/// order kept), `connectionTimeout?` / `greetingTimeout?` / `socketTimeout?` (ms; 0 or absent:
/// 120000 / 30000 / 600000 as nodemailer), `logger?` / `debug?` (false only: the library prints
/// nothing and has no log hook, so `true` is an error naming the field), `disableFileAccess?` /
/// `disableUrlAccess?` (either value: the connector's messages have no attachments, so neither
/// nodemailer nor this library reads files or URLs). `localAddress` (non-empty), `dnsTimeout` and any
/// other `tls` option (pfx, ecdhCurve, ...) are errors naming the field: the host's stream factory
/// binds and resolves. Other unknown top-level keys are ignored, as Logto's zod guard lets them pass.
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
/// * OAuth 2.0: a static `accessToken`, or nodemailer's refresh flows (`clientId` / `clientSecret` /
///   `refreshToken`, or `serviceClient` + `privateKey` with `scope` / `serviceRequestTimeout`, to
///   `accessUrl`; smtp/xoauth2.hpp) through the host's HTTP transport: `send(m, connection,
///   transport)`. The token is fetched before connecting; a token the server rejects is not
///   refreshed and retried (nodemailer retries once). Other `auth` keys are errors naming them.
/// * SASL: PLAIN, LOGIN, XOAUTH2 (no CRAM-MD5). A 334 after the last PLAIN/LOGIN step is cancelled
///   with `*`.
/// * SMTPUTF8 needed (non-ASCII local part) but not offered is an error before MAIL FROM
///   (nodemailer sends the address anyway).
/// * CR/LF/NUL in any header field (subject, addresses, custom headers) or the EHLO name is refused
///   (nodemailer replaces line breaks with spaces); a bare CR in the body becomes CRLF; custom
///   `Content-Type` / `Content-Disposition` headers are refused; `to` must be exactly one address.
/// * Timeouts are deadlines per reply (nodemailer's socketTimeout is an idle timer).
/// * TLS: mbedTLS, TLS 1.2 minimum (`minVersion: "TLSv1"` / `"TLSv1.1"` is an error; TLSv1.3 needs
///   an mbedTLS with TLS 1.3), verification against `tls.ca` or the system bundle
///   (`LOGTO_SMTP_DEFAULT_CA_FILE`). `tls.ciphers` takes suite names, not OpenSSL cipher-list
///   keywords (`HIGH`, `!aNULL`: an error); as in Node, a list without TLS 1.3 suites keeps the
///   default TLS 1.3 ones. mbedTLS 2.28 cannot verify IP-address certificates: use `servername`.
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
#include "logto/smtp/xoauth2.hpp"

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
    crypto::secret secret;  ///< `pass`, or the OAuth 2.0 `accessToken` (may be empty when it can be fetched)
    /// OAuth 2.0: how to get a fresh token (refresh token or service account); `oauth.user` and
    /// `oauth.access_token` mirror `user` and `secret`.
    ::logto::smtp::xoauth2::settings oauth;
  };

  struct tls_config {
    bool reject_unauthorized = true;
    std::string ca;          ///< PEM (several certificates may follow each other)
    std::string servername;  ///< `tls.servername`
    ::logto::smtp::tls_version min_version = ::logto::smtp::tls_version::unset;  ///< `tls.minVersion`
    ::logto::smtp::tls_version max_version = ::logto::smtp::tls_version::unset;  ///< `tls.maxVersion`
    std::vector<std::string> ciphers;  ///< `tls.ciphers`, split at ':' (OpenSSL / Node names)
    std::string cert;                  ///< `tls.cert`: client certificate PEM
    crypto::secret key;                ///< `tls.key`: its private key
    crypto::secret passphrase;         ///< `tls.passphrase`
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

  /// What the server said when it took the message: message_id (`<...@domain>`), code and message (the
  /// reply split after its code), reply (e.g. `250 OK: queued as 12345`), tls and auth_mechanism. The same
  /// type for every connector.
  using send_result = connectors::send_result;

  /// Reads the console config JSON (see the file comment), validating every field.
  static result<smtp> from_json(std::string_view config_json) {
    detail::config_checker check("smtp");
    return from_checked(check, check.parse(config_json));
  }
  /// The same from a parsed value: the config as the host already holds it (Logto stores connector
  /// configs as JSON). Only for exactly `json::value`; text goes to the overload above.
  template <class Json, detail::if_json_value<Json> = 0>
  static result<smtp> from_json(const Json& config) {
    detail::config_checker check("smtp");
    return from_checked(check, check.use(config));
  }

 private:
  static result<smtp> from_checked(detail::config_checker& check, const json::object* root) {
    if (root == nullptr) return check.failure();
    config c;
    if (const auto* s = check.string(*root, "host")) c.host = *s;
    if (const json::value* port = json::find(*root, "port")) {
      const auto p = json::as_integer(*port);
      if (port->if_number() == nullptr) {
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
        read_tls_version(check, *t, "minVersion", c.tls.min_version);
        read_tls_version(check, *t, "maxVersion", c.tls.max_version);
        if (const auto* s = check.optional_string(*t, "ciphers", "tls")) {
          std::size_t i = 0;
          while (i < s->size()) {  // OpenSSL separates with ':', also accepts ',' and ' '
            const std::size_t end = s->find_first_of(": ,", i);
            const std::string name = s->substr(i, end == std::string::npos ? std::string::npos : end - i);
            if (!name.empty()) c.tls.ciphers.push_back(name);
            if (end == std::string::npos) break;
            i = end + 1;
          }
        }
        if (const auto* s = check.optional_string(*t, "cert", "tls")) c.tls.cert = *s;
        if (const auto* s = check.optional_string(*t, "key", "tls")) c.tls.key = crypto::secret(*s);
        if (const auto* s = check.optional_string(*t, "passphrase", "tls")) c.tls.passphrase = crypto::secret(*s);
        for (const auto& key : check.document().keys(*t)) {
          static constexpr std::string_view known[] = {"rejectUnauthorized", "ca",      "servername", "minVersion",
                                                       "maxVersion",         "ciphers", "cert",       "key",
                                                       "passphrase"};
          bool ok = false;
          for (const auto k : known) ok = ok || key == k;
          if (!ok) {
            check.issue(detail::config_checker::path("tls", key),
                        "is not supported (supported tls options: rejectUnauthorized, ca, servername, minVersion, "
                        "maxVersion, ciphers, cert, key, passphrase); remove it");
          }
        }
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
    // Console switches: honoured (false: the library logs nothing; the connector's messages have no
    // attachments, so nodemailer reads no file or URL either) or refused by name.
    for (const char* key : {"logger", "debug"}) {
      if (auto b = check.optional_bool(*root, key)) {
        if (*b) {
          check.issue(key,
                      "true is not supported: the library prints nothing and has no log hook; log from your "
                      "stream factory instead, and set it to false or remove it");
        }
      }
    }
    check.optional_bool(*root, "disableFileAccess");
    check.optional_bool(*root, "disableUrlAccess");
    if (const auto* s = check.optional_string(*root, "localAddress")) {
      if (!s->empty()) {
        check.issue("localAddress",
                    "is not supported: the library opens no sockets; bind the local address in your "
                    "stream factory and remove this field");
      }
    }
    if (const json::value* v = json::find(*root, "dnsTimeout")) {
      if (!v->is_null()) {
        check.issue("dnsTimeout",
                    "is not supported: the host's stream factory resolves the name, within "
                    "connectionTimeout; remove this field");
      }
    }
    read_timeout(check, *root, "connectionTimeout", c.connection_timeout_ms);
    read_timeout(check, *root, "greetingTimeout", c.greeting_timeout_ms);
    read_timeout(check, *root, "socketTimeout", c.socket_timeout_ms);
    if (!check.ok()) return check.failure();
    return from_config(std::move(c));
  }

 public:
  /// Wraps a config built in code, with the same checks as `from_json`.
  static result<smtp> from_config(config c) {
    detail::config_checker check("smtp");
    validate(check, c);
    if (!check.ok()) return check.failure();
    return smtp(std::move(c));
  }

  const config& settings() const noexcept { return config_; }

  /// Sets the host's `getI18nEmailTemplate` (e.g. `i18n_email_templates::provider()`, Logto core's locale
  /// fallbacks). It is asked first; nullopt falls back to the config.
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
      if (!is_valid_utf8(*s))
        return make_error(errc::invalid_request_parameters, "the e-mail template is not valid UTF-8");
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
  ::logto::smtp::session_options session_options() const { return session_options_with(nullptr); }

  /// Whether `send` must fetch an OAuth 2.0 access token over HTTP first (at `unix_seconds`).
  bool needs_token_request(std::int64_t unix_seconds) const {
    return config_.auth && config_.auth->type == auth_config::kind::oauth2 &&
           ::logto::smtp::xoauth2::needs_request(config_.auth->oauth, unix_seconds);
  }

  /// `send` for OAuth 2.0 configs that refresh their token: the token request goes through
  /// `transport` (an HTTP transport, logto/http.hpp) when `needs_token_request`, then the message is
  /// sent over `connection` as with `send(m, connection)`. A failed token request is `general`, as
  /// the official connector reports it, with the cause in the message and its code in the detail.
  template <class Connection, class Transport, class Clock = system_clock, class Random = crypto::default_random,
            class = typename std::enable_if<is_transport<typename std::decay<Transport>::type>::value>::type>
  result<send_result> send(const message& m, Connection&& connection, Transport&& transport, Clock&& clock = Clock{},
                           Random&& random = Random{}) const {
    const auto now = static_cast<std::int64_t>(clock.now());
    if (!needs_token_request(now)) return send(m, connection, clock, random);
    auto request = ::logto::smtp::xoauth2::build_token_request(config_.auth->oauth, now, random);
    if (!request) return token_failure(request.error());
    auto response = transport.send(*request);
    crypto::wipe(request->body);
    if (!response) return token_failure(response.error());
    auto token = ::logto::smtp::xoauth2::parse_token_response(*response);
    if (!token) return token_failure(token.error());
    return send_impl(m, connection, clock, random, &*token);
  }

  ::logto::smtp::session_options session_options_with(const crypto::secret* access_token) const {
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
      cred.secret = access_token != nullptr ? *access_token : config_.auth->secret;
      o.client.auth = std::move(cred);
    }
    o.tls.verify = config_.tls.reject_unauthorized;
    o.tls.ca_pem = config_.tls.ca;
    o.tls.min_version = config_.tls.min_version;
    o.tls.max_version = config_.tls.max_version;
    o.tls.ciphers = config_.tls.ciphers;
    o.tls.cert_pem = config_.tls.cert;
    o.tls.key_pem = config_.tls.key;
    o.tls.passphrase = config_.tls.passphrase;
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
  template <class Connection, class Clock = system_clock, class Random = crypto::default_random,
            class = typename std::enable_if<!is_transport<typename std::decay<Clock>::type>::value>::type>
  result<send_result> send(const message& m, Connection&& connection, Clock&& clock = Clock{},
                           Random&& random = Random{}) const {
    if (needs_token_request(static_cast<std::int64_t>(clock.now()))) {
      return make_error(errc::general,
                        "SMTP: the OAuth 2.0 access token is missing or expired and must be fetched over HTTP: call "
                        "send(message, connection, transport)",
                        "auth.accessToken");
    }
    return send_impl(m, connection, clock, random, nullptr);
  }

 private:
  static result<send_result> token_failure(const error& e) {
    return make_error(errc::general, e.message, e.detail.empty() ? std::string(to_string(e.code)) : e.detail);
  }

  template <class Connection, class Clock, class Random>
  result<send_result> send_impl(const message& m, Connection& connection, Clock& clock, Random& random,
                                const crypto::secret* access_token) const {
    auto nonce = crypto::random_bytes(random, 16);
    if (!nonce) return nonce.error();
    auto msg = build_message(m, static_cast<std::int64_t>(clock.now()), *nonce);
    if (!msg) return msg.error();
    using C = typename std::decay<Connection>::type;
    if constexpr (::logto::smtp::is_stream<C>::value) {
      return finish(::logto::smtp::deliver(connection, session_options_with(access_token), *msg));
    } else {
      auto s = connection(std::string_view(config_.host), config_.port, config_.connection_timeout_ms);
      if (!s) {
        const error& e = s.error();
        return make_error(
            errc::general,
            "SMTP: could not connect to " + config_.host + ":" + std::to_string(config_.port) + ": " + e.message,
            e.detail.empty() ? std::string(to_string(e.code)) : e.detail);
      }
      return finish(::logto::smtp::deliver(*s, session_options_with(access_token), *msg));
    }
  }

  explicit smtp(config c) : config_(std::move(c)) {}

  static result<send_result> finish(result<::logto::smtp::delivery_info> r) {
    if (!r) {
      const error& e = r.error();
      // The official connector reports every transport failure as `general` with nodemailer's message.
      return make_error(errc::general, e.message, e.detail.empty() ? std::string(to_string(e.code)) : e.detail);
    }
    send_result out;
    out.message_id = r->message_id;
    // `250 2.0.0 OK: queued` (lines joined by '\n', each `<code>[ -]<text>`): the code, and the texts.
    out.code = r->reply.substr(0, 3);
    for (std::size_t at = 0; at < r->reply.size();) {
      std::size_t end = r->reply.find('\n', at);
      if (end == std::string::npos) end = r->reply.size();
      if (at != 0) out.message += '\n';
      if (end > at + 4) out.message.append(r->reply, at + 4, end - at - 4);
      at = end + 1;
    }
    out.reply = r->reply;
    out.tls = r->tls;
    out.auth_mechanism = r->auth_mechanism;
    return out;
  }

  static void read_timeout(detail::config_checker& check, const json::object& root, std::string_view key, int& out) {
    const json::value* v = json::find(root, key);
    if (v == nullptr) return;
    if (v->if_number() == nullptr) return check.expected(std::string(key), "a number (milliseconds)", v);
    const double ms = *v->if_number();
    if (!(ms >= 0)) return check.issue(std::string(key), "expected a number of milliseconds >= 0");
    if (ms >= 1) out = ms > 2147483647.0 ? 2147483647 : static_cast<int>(ms);  // 0 keeps the default (as `|| default`)
  }

  static void read_tls_version(detail::config_checker& check, const json::object& t, const char* key,
                               ::logto::smtp::tls_version& out) {
    const std::string* s = check.optional_string(t, key, "tls");
    if (s == nullptr) return;
    const auto v = ::logto::smtp::parse_tls_version(*s);
    if (!v) {
      check.issue(detail::config_checker::path("tls", key),
                  "expected \"TLSv1.2\" or \"TLSv1.3\" (TLS 1.2 is the library's floor; TLSv1 and TLSv1.1 are "
                  "not supported)");
      return;
    }
    out = *v;
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
        return check.issue(has_user ? "auth.pass" : "auth.user",
                           "is required together with auth." + std::string(has_user ? "user" : "pass"));
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
    auth_config ac;
    ac.type = auth_config::kind::oauth2;
    ac.user = *user;
    ac.secret = crypto::secret(token != nullptr ? *token : std::string());
    ::logto::smtp::xoauth2::settings& o = ac.oauth;
    o.user = *user;
    o.access_token = ac.secret;
    if (const auto* s = check.optional_string(*a, "accessUrl", "auth")) {
      if (!s->empty()) o.access_url = *s;
    }
    if (const json::value* e = json::find(*a, "expires")) {
      const auto ms = json::as_integer(*e);
      if (e->if_number() == nullptr || !ms || *ms < 0)
        return check.issue("auth.expires", "expected a time in ms since the epoch");
      o.expires_ms = *ms;
    }
    const std::string* client_id = check.optional_string(*a, "clientId", "auth");
    const std::string* client_secret = check.optional_string(*a, "clientSecret", "auth");
    const std::string* refresh_token = check.optional_string(*a, "refreshToken", "auth");
    if (refresh_token != nullptr && !refresh_token->empty()) {
      ::logto::smtp::xoauth2::refresh_grant g;
      g.client_id = client_id != nullptr ? *client_id : std::string();
      g.client_secret = crypto::secret(client_secret != nullptr ? *client_secret : std::string());
      g.refresh_token = crypto::secret(*refresh_token);
      o.refresh = std::move(g);
    }
    const std::string* service_client = check.optional_string(*a, "serviceClient", "auth");
    if (service_client != nullptr && !service_client->empty()) {
      ::logto::smtp::xoauth2::service_account sa;
      sa.service_client = *service_client;
      const json::value* pk = json::find(*a, "privateKey");
      if (pk == nullptr) return check.issue("auth.privateKey", "is required with auth.serviceClient");
      if (const std::string* pem = json::as_string(*pk)) {
        sa.private_key = crypto::secret(*pem);
      } else if (const json::object* po = json::as_object(*pk)) {
        const std::string* k = check.string(*po, "key", "auth.privateKey");
        const std::string* pass = check.string(*po, "passphrase", "auth.privateKey");
        if (k == nullptr || pass == nullptr) return;
        sa.private_key = crypto::secret(*k);
        sa.passphrase = crypto::secret(*pass);
      } else {
        return check.expected("auth.privateKey", "a PEM string or {key, passphrase}", pk);
      }
      if (const auto* sc = check.optional_string(*a, "scope", "auth")) {
        if (!sc->empty()) sa.scope = *sc;
      }
      if (const json::value* t = json::find(*a, "serviceRequestTimeout")) {
        const auto secs = json::as_integer(*t);
        if (!secs) return check.issue("auth.serviceRequestTimeout", "expected a number of seconds");
        sa.request_timeout_s = *secs <= 0 ? 300 : *secs > 3600 ? 3600 : static_cast<int>(*secs);
      }
      crypto::private_key key;
      auto parsed = key.parse(sa.private_key.reveal(), sa.passphrase.reveal(), "auth.privateKey");
      if (!parsed) return check.issue("auth.privateKey", "cannot be read (PEM, RSA; passphrase when encrypted)");
      if (!key.is_rsa()) return check.issue("auth.privateKey", "must be an RSA key (the assertion is signed RS256)");
      o.service = std::move(sa);
    }
    for (const auto& key : check.document().keys(*a)) {
      static constexpr std::string_view known[] = {
          "type",         "user",         "accessToken",   "accessUrl",  "expires", "clientId",
          "clientSecret", "refreshToken", "serviceClient", "privateKey", "scope",   "serviceRequestTimeout"};
      bool ok = false;
      for (const auto k : known) ok = ok || key == k;
      if (!ok) check.issue(detail::config_checker::path("auth", key), "is not supported for OAuth 2.0; remove it");
    }
    if (ac.secret.empty() && !o.refresh && !o.service) {
      return check.issue("auth.accessToken",
                         "is required for OAuth 2.0 (XOAUTH2) unless auth.refreshToken or "
                         "auth.serviceClient + auth.privateKey let the connector fetch one");
    }
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
      if (c.auth->user.empty() || has_line_break(c.auth->user))
        check.issue("auth.user", "must be non-empty without CR/LF/NUL");
      const bool fetchable =
          c.auth->type == auth_config::kind::oauth2 && (c.auth->oauth.refresh || c.auth->oauth.service);
      if ((c.auth->secret.empty() && !fetchable) || has_line_break(c.auth->secret.reveal())) {
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
    if (!c.servername.empty() && bad_token(c.servername))
      check.issue("servername", "must not contain spaces or control characters");
    if (!c.tls.servername.empty() && bad_token(c.tls.servername)) {
      check.issue("tls.servername", "must not contain spaces or control characters");
    }
    {
      ::logto::smtp::tls_options t;
      t.min_version = c.tls.min_version;
      t.max_version = c.tls.max_version;
      t.ciphers = c.tls.ciphers;
      t.cert_pem = c.tls.cert;
      t.key_pem = c.tls.key;
      t.passphrase = c.tls.passphrase;
      auto tls_ok = ::logto::smtp::check_tls_options(t);
      if (!tls_ok) check.issue(tls_ok.error().detail, tls_ok.error().message);
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
