/// @file
/// @brief Twilio SMS, byte-compatible with `@logto/connector-twilio-sms` 1.4.4.
///
/// Request: `POST https://api.twilio.com/2010-04-01/Accounts/<accountSID>/Messages.json` with
/// `Authorization: Basic base64(accountSID ":" authToken)` and
/// `Content-Type: application/x-www-form-urlencoded`; form body To (`to`, with a '+' prepended when it
/// does not start with one), MessagingServiceSid, Body (the template rendered with the full payload),
/// RiskCheck (`disable` when disableRiskCheck, else `enable`). Template: usage type, else Generic.
///
/// The official code pastes the SID into the URL unencoded and got/WHATWG URL parsing then
/// percent-encodes space, `"`, `<`, `>`, `` ` ``, `{`, `}` and non-ASCII bytes of the path (Node 20 leaves
/// `^` and `|` alone); we produce the same URL. A SID that would change the URL's structure (`/`, `\`,
/// `?`, `#`, a control character, or a `.`/`..` segment) is refused with invalid_config instead of
/// sending the request somewhere else.
///
/// Deliberate differences from the official connector: transport failure -> errc::general (official:
/// raw RequestError); **a 304 is not success** -> general (official: got counts 304 as ok although
/// nothing says the message was sent; a POST never legitimately gets a 304); other 3xx -> general;
/// the SID check above; non-UTF-8 message text -> invalid_request_parameters.
#pragma once

#include <cstdint>      // std::int64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "logto/connectors/connector.hpp"
#include "logto/core/crypto.hpp"
#include "logto/core/encoding.hpp"
#include "logto/core/strict_json.hpp"
#include "logto/core/result.hpp"
#include "logto/core/time.hpp"
#include "logto/core/url.hpp"
#include "logto/http.hpp"

namespace logto {
namespace connectors {

/// `@logto/connector-twilio-sms` (metadata id `twilio-short-message-service`).
class twilio_sms {
 public:
  struct template_config {
    std::string usage_type;
    std::string content;  ///< with {{placeholders}}
  };

  struct config {
    std::string account_sid;
    crypto::secret auth_token;
    std::string from_messaging_service_sid;
    bool disable_risk_check = false;
    std::vector<template_config> templates;
  };

  /// Reads the config JSON, validated like `twilioSmsConfigGuard` (unknown keys ignored).
  static result<twilio_sms> from_json(std::string_view config_json) {
    detail::config_checker check("twilio-sms");
    return from_checked(check, check.parse(config_json));
  }
  /// The same from a parsed value: the config as the host already holds it (Logto stores connector
  /// configs as JSON). Only for exactly `json::value`; text goes to the overload above.
  template <class Json, detail::if_json_value<Json> = 0>
  static result<twilio_sms> from_json(const Json& config) {
    detail::config_checker check("twilio-sms");
    return from_checked(check, check.use(config));
  }

 private:
  static result<twilio_sms> from_checked(detail::config_checker& check, const json::object* root) {
    if (root == nullptr) return check.failure();
    config c;
    if (const auto* s = check.string(*root, "accountSID")) c.account_sid = *s;
    if (const auto* s = check.string(*root, "authToken")) c.auth_token = crypto::secret(*s);
    if (const auto* s = check.string(*root, "fromMessagingServiceSID")) c.from_messaging_service_sid = *s;
    if (auto b = check.optional_bool(*root, "disableRiskCheck")) c.disable_risk_check = *b;
    check.templates(*root, c.templates, [&check](const json::object& t, const std::string& at, template_config& tc) {
      if (const auto* s = check.string(t, "content", at)) tc.content = *s;
    });
    if (!check.ok()) return check.failure();
    return twilio_sms(std::move(c));
  }

 public:
  /// Wraps a config built in code; checks the required templates.
  static result<twilio_sms> from_config(config c) {
    detail::config_checker check("twilio-sms");
    check.require_templates(c.templates);
    if (!check.ok()) return check.failure();
    return twilio_sms(std::move(c));
  }

  const config& settings() const noexcept { return config_; }

  /// The Messages endpoint for `account_sid`, as got sends it (see the file comment).
  static result<std::string> messages_url(std::string_view account_sid) {
    const auto refuse = [](const std::string& why) {
      return make_error(errc::invalid_config, "invalid twilio-sms config: accountSID " + why, "accountSID");
    };
    for (const char ch : account_sid) {
      const auto c = static_cast<unsigned char>(ch);
      if (c < 0x20) return refuse("contains a control character");
      if (c == '/' || c == '\\' || c == '?' || c == '#') return refuse("contains '/', '\\', '?' or '#'");
    }
    const std::string lower = logto::detail::ascii_lower(account_sid);
    if (lower == "." || lower == "%2e" || lower == ".." || lower == ".%2e" || lower == "%2e." || lower == "%2e%2e") {
      return refuse("is a '.' or '..' path segment");
    }
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string url = "https://api.twilio.com/2010-04-01/Accounts/";
    url.reserve(url.size() + account_sid.size() * 3 + 14);
    for (const char ch : account_sid) {
      const auto c = static_cast<unsigned char>(ch);
      // WHATWG path percent-encode set as Node 20 applies it (C0 controls are refused above).
      if (c == ' ' || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' || c == '}' || c >= 0x7F) {
        url += '%';
        url += digits[c >> 4];
        url += digits[c & 15];
      } else {
        url += static_cast<char>(c);
      }
    }
    url += "/Messages.json";
    return url;
  }

  /// The request the official connector sends for `m`. Twilio signs nothing with time or nonce; the
  /// parameters keep the connectors uniform.
  result<http_request> build_request(const message& m, std::int64_t unix_seconds = 0,
                                     std::string_view nonce = {}) const {
    (void)unix_seconds;
    (void)nonce;
    auto checked = detail::check_message(m);
    if (!checked) return checked.error();
    const template_config* t = find_template(config_.templates, m.type);
    if (t == nullptr) return detail::template_not_found(m);
    auto url = messages_url(config_.account_sid);
    if (!url) return url.error();

    std::string to;
    if (m.to.empty() || m.to[0] != '+') to += '+';
    to += m.to;
    query_params form;
    form.reserve(4);
    add_param(form, "To", std::move(to));
    add_param(form, "MessagingServiceSid", config_.from_messaging_service_sid);
    add_param(form, "Body", render_template(t->content, m.payload));
    add_param(form, "RiskCheck", config_.disable_risk_check ? "disable" : "enable");

    // Buffer.from([accountSID, authToken].join(':')).toString('base64')
    std::string credentials;
    credentials.reserve(config_.account_sid.size() + 1 + config_.auth_token.reveal().size());
    credentials += config_.account_sid;
    credentials += ':';
    credentials += config_.auth_token.reveal();
    std::string encoded = base64_encode(credentials);
    crypto::wipe(credentials);
    std::string auth;
    auth.reserve(6 + encoded.size());
    auth += "Basic ";
    auth += encoded;
    crypto::wipe(encoded);

    http_request req;
    req.method = "POST";
    req.url = std::move(*url);
    req.headers.reserve(2);
    req.headers.push_back({"Authorization", std::move(auth)});
    req.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
    req.body = build_query(form);
    return req;
  }

  /// 2xx -> success whatever the body (as in the official connector), with the message resource's `sid`
  /// and `status` and the `Twilio-Request-Id` header in the send_result when they are there; anything
  /// else, 304 included (deliberate difference, see the file comment), -> general with the body as detail.
  /// Twilio's own error (`{"code":21211,"message":"...","more_info":"https://www.twilio.com/docs/errors/21211"}`)
  /// is named in the message, so a person sees which number or setting is wrong.
  result<send_result> parse_response(const http_response& r) const {
    if (logto::detail::http_ok(r.status)) {
      send_result out;
      if (const std::string* id = http_find_header(r.headers, "Twilio-Request-Id")) out.request_id = *id;
      if (auto body = json::parse(r.body)) {
        if (const json::object* o = json::as_object(*body)) {
          if (auto sid = json::get_string(*o, "sid")) out.message_id = std::move(*sid);
          if (auto status = json::get_string(*o, "status")) out.code = std::move(*status);
        }
      }
      return out;
    }
    std::string message = "Twilio refused to send the message (" + detail::status_text(r.status);
    if (auto body = json::parse(r.body); body && body->if_object() != nullptr) {
      const json::object& o = *body->if_object();
      const auto code = json::get_integer(o, "code");
      const auto text = json::get_string(o, "message");
      if (code) message += ", Twilio error " + std::to_string(*code);
      if (text) {
        std::string said = detail::excerpt(*text, 300);
        for (char& c : said) {
          if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';  // one line in a log
        }
        message += ": " + said;
      }
      if (code) message += "; see https://www.twilio.com/docs/errors/" + std::to_string(*code);
    }
    message += ")";
    return make_error(errc::general, std::move(message), detail::excerpt(r.body));
  }

  /// Builds, sends through `transport` and parses; the Basic credentials are wiped once sent.
  /// Clock and random are unused by Twilio.
  template <class Transport, class Clock = system_clock, class Random = crypto::default_random>
  result<send_result> send(const message& m, Transport& transport, Clock&& clock = Clock{},
                           Random&& random = Random{}) const {
    return detail::send_http<detail::request_stamp::none>(*this, m, transport, clock, random, "Twilio");
  }

 private:
  explicit twilio_sms(config c) : config_(std::move(c)) {}
  config config_;
};

}  // namespace connectors
}  // namespace logto
