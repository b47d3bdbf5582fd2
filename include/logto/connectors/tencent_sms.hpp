/// @file
/// @brief Tencent Cloud SMS, byte-compatible with `@logto/connector-tencent-sms` 1.4.4.
///
/// Request: `POST https://sms.tencentcloudapi.com/` with headers (official order) Authorization (TC3,
/// tencent.hpp), `Content-Type: application/json; charset=utf-8`, `Host: sms.tencentcloudapi.com`
/// (signed; the transport must not add a second Host), X-TC-Action: SendSms, X-TC-Timestamp,
/// X-TC-Version: 2021-01-11, X-TC-Region (sent even when empty). Body: JSON.stringify of
/// {SmsSdkAppId, SignName, TemplateId, TemplateParamSet, PhoneNumberSet: [to]} where TemplateParamSet is
/// `Object.values(payload without locale).map(String)`. Templates: exact usage type only, no Generic
/// fallback (template_not_found otherwise).
///
/// Deliberate differences from the official connector:
/// * transport failure -> errc::general with the transport's message (official: raw RequestError);
/// * a 2xx body that is empty, not JSON, or JSON without the expected shape -> errc::invalid_response
///   (official: a raw got ParseError or a TypeError from reading `undefined`, no ConnectorError);
/// * any 3xx, 304 included, is an HTTP error status -> general (official: a 304 goes down the success
///   path and crashes with a TypeError on its empty body);
/// * a SecretId or region with control characters is invalid_config before anything is signed
///   (Node throws ERR_INVALID_CHAR when it writes the header); non-UTF-8 message text is
///   invalid_request_parameters;
/// * limits (official: general, as every other code): a used-up SMS package or a daily limit of the
///   application (`FailedOperation.InsufficientBalanceInSmsPackage`, `LimitExceeded.*DailyLimit` but
///   the phone number's) is usage_limit_exceeded; the per-phone-number frequency limits
///   (`LimitExceeded.PhoneNumber*Limit`) and API throttling (`RequestLimitExceeded`) are
///   rate_limit_exceeded, as the official Aliyun connector reports Aliyun's own frequency limit.
#pragma once

#include <cstdint>      // std::int64_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "logto/connectors/connector.hpp"
#include "logto/connectors/tencent.hpp"
#include "logto/core/crypto.hpp"
#include "logto/core/strict_json.hpp"
#include "logto/core/result.hpp"
#include "logto/core/time.hpp"
#include "logto/http.hpp"

namespace logto {
namespace connectors {

/// `@logto/connector-tencent-sms` (metadata id `tencent-short-message-service`).
class tencent_sms {
 public:
  static constexpr std::string_view host = "sms.tencentcloudapi.com";
  static constexpr std::string_view endpoint = "https://sms.tencentcloudapi.com/";
  static constexpr std::string_view content_type = "application/json; charset=utf-8";

  struct template_config {
    std::string usage_type;
    std::string template_code;
  };

  struct config {
    std::string access_key_id;         ///< SecretId
    crypto::secret access_key_secret;  ///< SecretKey
    std::string sign_name;
    std::string sdk_app_id;
    std::string region;
    std::vector<template_config> templates;
  };

  /// Reads the config JSON, validated like `SmsConfigGuard` (unknown keys ignored; "" accepted).
  static result<tencent_sms> from_json(std::string_view config_json) {
    detail::config_checker check("tencent-sms");
    return from_checked(check, check.parse(config_json));
  }
  /// The same from a parsed value: the config as the host already holds it (Logto stores connector
  /// configs as JSON). Only for exactly `json::value`; text goes to the overload above.
  template <class Json, detail::if_json_value<Json> = 0>
  static result<tencent_sms> from_json(const Json& config) {
    detail::config_checker check("tencent-sms");
    return from_checked(check, check.use(config));
  }

 private:
  static result<tencent_sms> from_checked(detail::config_checker& check, const json::object* root) {
    if (root == nullptr) return check.failure();
    config c;
    if (const auto* s = check.string(*root, "accessKeyId")) c.access_key_id = *s;
    if (const auto* s = check.string(*root, "accessKeySecret")) c.access_key_secret = crypto::secret(*s);
    if (const auto* s = check.string(*root, "signName")) c.sign_name = *s;
    if (const auto* s = check.string(*root, "sdkAppId")) c.sdk_app_id = *s;
    if (const auto* s = check.string(*root, "region")) c.region = *s;
    check.templates(*root, c.templates, [&check](const json::object& t, const std::string& at, template_config& tc) {
      if (const auto* s = check.string(t, "templateCode", at)) tc.template_code = *s;
    });
    if (!check.ok()) return check.failure();
    return tencent_sms(std::move(c));
  }

 public:
  /// Wraps a config built in code; checks the required templates.
  static result<tencent_sms> from_config(config c) {
    detail::config_checker check("tencent-sms");
    check.require_templates(c.templates);
    if (!check.ok()) return check.failure();
    return tencent_sms(std::move(c));
  }

  const config& settings() const noexcept { return config_; }

  /// The request the official connector sends for `m` at `unix_seconds` (`Math.floor(Date.now()/1000)`;
  /// see unix_seconds_from_ms). Tencent uses no nonce; the parameter keeps the connectors uniform.
  result<http_request> build_request(const message& m, std::int64_t unix_seconds, std::string_view nonce = {}) const {
    (void)nonce;
    auto checked = detail::check_message(m);
    if (!checked) return checked.error();
    if (!detail::header_value_ok(config_.access_key_id)) {
      return make_error(errc::invalid_config,
                        "invalid tencent-sms config: accessKeyId contains a control character (it goes into the "
                        "Authorization header)",
                        "accessKeyId");
    }
    if (!detail::header_value_ok(config_.region)) {
      return make_error(errc::invalid_config,
                        "invalid tencent-sms config: region contains a control character (it goes into the "
                        "X-TC-Region header)",
                        "region");
    }
    const template_config* t = find_template_exact(config_.templates, m.type);
    if (t == nullptr) return detail::template_not_found(m);
    std::string body;
    body.reserve(128 + config_.sign_name.size() + m.to.size() + 16 * m.payload.size());
    body += "{\"SmsSdkAppId\":";
    json::append_quoted(body, config_.sdk_app_id);
    body += ",\"SignName\":";
    json::append_quoted(body, config_.sign_name);
    body += ",\"TemplateId\":";
    json::append_quoted(body, t->template_code);
    body += ",\"TemplateParamSet\":[";
    bool first = true;
    std::string text;
    m.payload.as_value().for_each_member_js_order([&body, &first, &text](const value::member& mem) {
      if (mem.first == "locale") return;
      if (!first) body += ',';
      first = false;
      text.clear();
      mem.second.append_js_string(text);  // String(v): null -> "null", {} -> "[object Object]"
      json::append_quoted(body, text);
    });
    body += "],\"PhoneNumberSet\":[";
    json::append_quoted(body, m.to);
    body += "]}";

    tencent::tc3_input in;
    in.host = host;
    in.service = "sms";
    in.content_type = content_type;
    in.payload = body;
    in.timestamp = unix_seconds;
    auto auth = tencent::authorization(in, config_.access_key_id, config_.access_key_secret.reveal());
    if (!auth) return auth.error();

    http_request req;
    req.method = "POST";
    req.url = std::string(endpoint);
    req.headers.reserve(7);
    req.headers.push_back({"Authorization", std::move(*auth)});
    req.headers.push_back({"Content-Type", std::string(content_type)});
    req.headers.push_back({"Host", std::string(host)});
    req.headers.push_back({"X-TC-Action", "SendSms"});
    req.headers.push_back({"X-TC-Timestamp", std::to_string(unix_seconds)});
    req.headers.push_back({"X-TC-Version", "2021-01-11"});
    req.headers.push_back({"X-TC-Region", config_.region});
    req.body = std::move(body);
    return req;
  }

  /// Success when the first SendStatusSet entry's Code is "ok" in any case; `Response.Error` and a
  /// non-ok Code are general (detail `<Code>: <Message>`), so is every non-2xx status; a missing
  /// or empty SendStatusSet is general ("Cannot find item at index 0"); everything the official
  /// connector crashes on (empty or non-JSON 2xx body, wrong shape) is invalid_response. On success the
  /// entry's SerialNo, Code and Message and the RequestId (where they are strings) fill the send_result.
  result<send_result> parse_response(const http_response& r) const {
    if (!logto::detail::http_ok(r.status)) {
      // got's HTTPError path: `{Response:{Error:{Code,Message}}}` or anything else, both general.
      auto parsed = json::parse(r.body);
      if (parsed) {
        const json::value* err = error_object(*parsed);
        if (err != nullptr) {
          const json::object& e = *err->if_object();
          const std::string& code = *json::as_string(*json::find(e, "Code"));
          return make_error(classify(code),
                            "Tencent Cloud SMS refused the request (" + detail::status_text(r.status) + ")",
                            code + ": " + *json::as_string(*json::find(e, "Message")));
        }
      }
      return make_error(errc::general, "Tencent Cloud SMS answered " + detail::status_text(r.status),
                        detail::status_text(r.status) + ": " + detail::excerpt(r.body, 256));
    }
    const auto shape_error = [&r](std::string_view why) {
      return make_error(errc::invalid_response,
                        "Tencent Cloud SMS answered " + detail::status_text(r.status) + " with " + std::string(why),
                        detail::excerpt(r.body));
    };
    if (r.body.empty()) return shape_error("an empty body");
    auto parsed = json::parse(r.body);
    if (!parsed) return shape_error("a body that is not JSON");
    if (const json::value* err = error_object(*parsed)) {
      const json::object& e = *err->if_object();
      const std::string& code = *json::as_string(*json::find(e, "Code"));
      return make_error(classify(code), "Tencent Cloud SMS refused the request (" + detail::status_text(r.status) + ")",
                        code + ": " + *json::as_string(*json::find(e, "Message")));
    }
    // `const { Response: { SendStatusSet, RequestId } } = body; safeGetArray(SendStatusSet, 0)`
    const json::object* root = json::as_object(*parsed);
    const json::value* response = root == nullptr ? nullptr : json::find(*root, "Response");
    if (response == nullptr || response->is_null()) return shape_error("no Response object");
    const json::object* resp = json::as_object(*response);
    const json::value* set = resp == nullptr ? nullptr : json::find(*resp, "SendStatusSet");
    if (set == nullptr || set->is_null()) return shape_error("no Response.SendStatusSet");
    const json::value* item = nullptr;
    bool truthy_primitive = false;  // a truthy non-object first item (a string's first character)
    if (const json::array* a = json::as_array(*set)) {
      if (!a->empty()) item = &(*a)[0];
    } else if (const json::object* o = json::as_object(*set)) {
      item = json::find(*o, "0");
    } else if (const std::string* s = json::as_string(*set)) {
      truthy_primitive = !s->empty();
    }
    if (item != nullptr && !truthy_primitive && !js_truthy(*item)) item = nullptr;
    if (item == nullptr && !truthy_primitive) {
      return make_error(errc::general, "Tencent Cloud SMS returned no send status", "Cannot find item at index 0");
    }
    const json::object* status = item == nullptr ? nullptr : json::as_object(*item);
    const json::value* code_value = status == nullptr ? nullptr : json::find(*status, "Code");
    const std::string* code = code_value == nullptr ? nullptr : json::as_string(*code_value);
    if (code == nullptr) return shape_error("a SendStatusSet entry without a string Code");
    if (is_ok(*code)) {
      send_result out;
      if (auto s = json::get_string(*status, "SerialNo")) out.message_id = std::move(*s);
      if (auto s = json::get_string(*resp, "RequestId")) out.request_id = std::move(*s);
      out.code = *code;
      if (auto s = json::get_string(*status, "Message")) out.message = std::move(*s);
      return out;
    }
    const json::value* msg = json::find(*status, "Message");
    const json::value* request_id = json::find(*resp, "RequestId");
    return make_error(
        classify(*code), "Tencent Cloud SMS did not send the message",
        *code + ": " + js_string_or_undefined(msg) + ", RequestId: " + js_string_or_undefined(request_id));
  }

  /// The connector-kit code for a Tencent error code (see the file comment): usage_limit_exceeded for
  /// a used-up package or an application's daily limit, rate_limit_exceeded for frequency limits,
  /// general otherwise.
  static errc classify(std::string_view code) noexcept {
    // Tencent Cloud SMS API 3.0 error codes (SendSms).
    constexpr std::string_view usage[] = {"FailedOperation.InsufficientBalanceInSmsPackage",
                                          "LimitExceeded.AppDailyLimit",
                                          "LimitExceeded.DailyLimit",
                                          "LimitExceeded.AppCountryOrRegionDailyLimit",
                                          "LimitExceeded.AppGlobalDailyLimit",
                                          "LimitExceeded.AppMainlandChinaDailyLimit"};
    constexpr std::string_view rate[] = {"RequestLimitExceeded", "LimitExceeded.PhoneNumberThirtySecondLimit",
                                         "LimitExceeded.PhoneNumberOneHourLimit", "LimitExceeded.PhoneNumberDailyLimit",
                                         "LimitExceeded.PhoneNumberSameContentDailyLimit"};
    for (const auto u : usage) {
      if (code == u) return errc::usage_limit_exceeded;
    }
    for (const auto r : rate) {
      if (code == r) return errc::rate_limit_exceeded;
    }
    return errc::general;
  }

  /// Builds, sends through `transport` (stamped by `clock`) and parses. `random` is unused (no nonce).
  template <class Transport, class Clock = system_clock, class Random = crypto::default_random>
  result<send_result> send(const message& m, Transport& transport, Clock&& clock = Clock{},
                           Random&& random = Random{}) const {
    return detail::send_http<detail::request_stamp::time>(*this, m, transport, clock, random, "Tencent Cloud SMS");
  }

  /// `Code.toLowerCase() === 'ok'` (U+212A KELVIN SIGN lower-cases to 'k' in JavaScript too).
  static bool is_ok(std::string_view code) noexcept {
    if (code.empty() || (code[0] != 'o' && code[0] != 'O')) return false;
    const std::string_view rest = code.substr(1);
    return rest == "k" || rest == "K" || rest == "\xE2\x84\xAA";
  }

 private:
  explicit tencent_sms(config c) : config_(std::move(c)) {}

  /// `tencentErrorResponse`: {Response: {Error: {Code: string, Message: string}}} -> the Error value.
  static const json::value* error_object(const json::value& root) {
    const json::object* o = json::as_object(root);
    const json::value* response = o == nullptr ? nullptr : json::find(*o, "Response");
    const json::object* ro = response == nullptr ? nullptr : json::as_object(*response);
    const json::value* err = ro == nullptr ? nullptr : json::find(*ro, "Error");
    const json::object* eo = err == nullptr ? nullptr : json::as_object(*err);
    if (eo == nullptr) return nullptr;
    const json::value* code = json::find(*eo, "Code");
    const json::value* msg = json::find(*eo, "Message");
    if (code == nullptr || msg == nullptr || code->if_string() == nullptr || msg->if_string() == nullptr)
      return nullptr;
    return err;
  }

  static bool js_truthy(const json::value& v) {
    if (v.is_null()) return false;
    if (const bool* b = v.if_bool()) return *b;
    if (const double* n = v.if_number()) return *n != 0 && !std::isnan(*n);
    if (const std::string* s = v.if_string()) return !s->empty();
    return true;
  }

  static std::string js_string_or_undefined(const json::value* v) {
    if (v == nullptr) return "undefined";
    return value::from_json(*v).to_js_string();
  }

  config config_;
};

}  // namespace connectors
}  // namespace logto
