/// @file
/// @brief Aliyun Short Message Service, byte-compatible with `@logto/connector-aliyun-sms` 1.5.5.
///
/// Request: `POST https://dysmsapi.aliyuncs.com/`, `Content-Type: application/x-www-form-urlencoded`,
/// body = form encoding of Action=SendSms, Format=json, RegionId=cn-hangzhou, SignatureMethod=HMAC-SHA1,
/// SignatureVersion=1.0, Version=2017-05-25, AccessKeyId, PhoneNumbers (`to` verbatim), SignName,
/// TemplateCode, TemplateParam (= JSON.stringify(payload without `locale`)), SignatureNonce, Timestamp,
/// then Signature (aliyun.hpp). The provider template is looked up by usage type, else `Generic`.
///
/// Deliberate differences from the official connector (everything else matches the oracle):
/// * a transport failure is errc::general with the transport's message (official: got's raw
///   RequestError escapes);
/// * a 3xx response is never success: it is handled like an HTTP error status (the body is parsed;
///   a 304's empty body gives invalid_response, which is also what the official connector reports);
/// * JSON is parsed strictly (duplicate member names, lone surrogates, > LOGTO_MAX_JSON_SIZE are
///   invalid_response where `JSON.parse` would accept them);
/// * a message whose `to` or payload is not valid UTF-8 is refused with invalid_request_parameters
///   (a JavaScript string cannot hold such bytes);
/// * an account quota or balance that is used up (`isv.AMOUNT_NOT_ENOUGH`, `isv.OUT_OF_SERVICE`,
///   `isv.DAY_LIMIT_CONTROL`, `isv.MONTH_LIMIT_CONTROL`) is usage_limit_exceeded (official: general),
///   so a host can tell "top up or raise the limit" from "try again later" (rate_limit_exceeded).
#pragma once

#include <cstdint>      // std::int64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "logto/connectors/aliyun.hpp"
#include "logto/connectors/connector.hpp"
#include "logto/core/crypto.hpp"
#include "logto/core/strict_json.hpp"
#include "logto/core/result.hpp"
#include "logto/core/time.hpp"
#include "logto/http.hpp"

namespace logto {
namespace connectors {

/// `@logto/connector-aliyun-sms` (metadata id `aliyun-short-message-service`).
class aliyun_sms {
 public:
  static constexpr std::string_view endpoint = "https://dysmsapi.aliyuncs.com/";

  /// One entry of `templates`. `templateCode` is a string, or `{china, overseas}` (`regional`).
  struct template_config {
    std::string usage_type;
    std::optional<int> type;  ///< SmsTemplateType 0, 1, 2, 6 or 7; validated, never sent
    bool regional = false;
    std::string template_code;  ///< when !regional
    std::string china;          ///< when regional
    std::string overseas;       ///< when regional
  };

  struct config {
    std::string access_key_id;
    crypto::secret access_key_secret;
    std::string sign_name;
    std::vector<template_config> templates;
    bool strict_phone_region_number_check = false;
  };

  /// What a successful send returns: the official connector's `{Code, Message, BizId?, RequestId}` as
  /// code, message, message_id (and the deprecated biz_id) and request_id. The same type for every connector.
  using send_result = connectors::send_result;

  /// Reads the connector config JSON a Logto console stores, validated like `aliyunSmsConfigGuard`.
  /// Unknown keys are ignored. Errors are errc::invalid_config naming each bad field.
  static result<aliyun_sms> from_json(std::string_view config_json) {
    detail::config_checker check("aliyun-sms");
    return from_checked(check, check.parse(config_json));
  }
  /// The same from a parsed value: the config as the host already holds it (Logto stores connector
  /// configs as JSON). Only for exactly `json::value`; text goes to the overload above.
  template <class Json, detail::if_json_value<Json> = 0>
  static result<aliyun_sms> from_json(const Json& config) {
    detail::config_checker check("aliyun-sms");
    return from_checked(check, check.use(config));
  }

 private:
  static result<aliyun_sms> from_checked(detail::config_checker& check, const json::object* root) {
    if (root == nullptr) return check.failure();
    config c;
    if (const auto* s = check.string(*root, "accessKeyId")) c.access_key_id = *s;
    if (const auto* s = check.string(*root, "accessKeySecret")) c.access_key_secret = crypto::secret(*s);
    if (const auto* s = check.string(*root, "signName")) c.sign_name = *s;
    // The schema lists `type` before `usageType`, so its issue comes first.
    const auto read_type = [&check](const json::object& t, const std::string& at, template_config& tc) {
      if (const json::value* type = json::find(t, "type")) {
        const auto n = json::as_integer(*type);
        if (!n || !(*n == 0 || *n == 1 || *n == 2 || *n == 6 || *n == 7)) {
          check.issue(
              detail::config_checker::path(at, "type"),
              "expected one of 0, 1, 2, 6, 7 (SmsTemplateType), got " + detail::config_checker::type_name(type));
        } else {
          tc.type = static_cast<int>(*n);
        }
      }
    };
    const auto read_template_code = [&check](const json::object& t, const std::string& at, template_config& tc) {
      const json::value* code = json::find(t, "templateCode");
      const std::string code_path = detail::config_checker::path(at, "templateCode");
      if (code != nullptr && code->if_string() != nullptr) {
        tc.template_code = *code->if_string();
      } else if (code != nullptr && code->if_object() != nullptr) {
        // The union's object branch `{china: string, overseas: string}`; zod reports the union's path.
        tc.regional = true;
        const json::object& regional = *code->if_object();
        for (const char* key : {"china", "overseas"}) {
          const json::value* v = json::find(regional, key);
          if (v == nullptr || v->if_string() == nullptr) {
            check.issue(code_path,
                        "expected a string or an object {china, overseas} of strings, got an object "
                        "whose \"" +
                            std::string(key) + "\" is " + detail::config_checker::type_name(v));
          } else {
            (std::string_view(key) == "china" ? tc.china : tc.overseas) = *v->if_string();
          }
        }
      } else {
        check.expected(code_path, "a string or an object {china, overseas}", code);
      }
    };
    check.templates(*root, c.templates, read_type, read_template_code);
    if (auto strict = check.optional_bool(*root, "strictPhoneRegionNumberCheck")) {
      c.strict_phone_region_number_check = *strict;
    }
    if (!check.ok()) return check.failure();
    return aliyun_sms(std::move(c));
  }

 public:
  /// Wraps a config built in code; checks the required templates like `from_json` does.
  static result<aliyun_sms> from_config(config c) {
    detail::config_checker check("aliyun-sms");
    check.require_templates(c.templates);
    if (!check.ok()) return check.failure();
    return aliyun_sms(std::move(c));
  }

  const config& settings() const noexcept { return config_; }

  /// `isChinaNumber`: `^(?:\+86|0086|86)?1\d{10}$`, or with `strict` the prefix is required.
  static bool is_china_number(std::string_view to, bool strict) noexcept {
    const auto mobile = [](std::string_view rest) {
      if (rest.size() != 11 || rest[0] != '1') return false;
      for (const char c : rest) {
        if (c < '0' || c > '9') return false;
      }
      return true;
    };
    for (const std::string_view prefix : {std::string_view("+86"), std::string_view("0086"), std::string_view("86")}) {
      if (to.substr(0, prefix.size()) == prefix && mobile(to.substr(prefix.size()))) return true;
    }
    return !strict && mobile(to);
  }

  /// The request the official connector sends for `m` at `unix_seconds` with SignatureNonce `nonce`.
  result<http_request> build_request(const message& m, std::int64_t unix_seconds, std::string_view nonce) const {
    auto checked = detail::check_message(m);
    if (!checked) return checked.error();
    const template_config* t = find_template(config_.templates, m.type);
    if (t == nullptr) return detail::template_not_found(m);
    const std::string& code = !t->regional                                                      ? t->template_code
                              : is_china_number(m.to, config_.strict_phone_region_number_check) ? t->china
                                                                                                : t->overseas;
    // TemplateParam = JSON.stringify({...payload} without `locale`) (every `locale` member, should a
    // payload built in code hold two).
    payload template_values = m.payload;
    while (template_values.erase("locale")) {
    }
    std::string template_param = template_values.to_json();

    query_params params;
    params.reserve(14);
    add_param(params, "Action", "SendSms");
    add_param(params, "Format", "json");
    add_param(params, "RegionId", "cn-hangzhou");
    add_param(params, "SignatureMethod", "HMAC-SHA1");
    add_param(params, "SignatureVersion", "1.0");
    add_param(params, "Version", "2017-05-25");
    add_param(params, "AccessKeyId", config_.access_key_id);
    add_param(params, "PhoneNumbers", m.to);
    add_param(params, "SignName", config_.sign_name);
    add_param(params, "TemplateCode", code);
    add_param(params, "TemplateParam", std::move(template_param));
    add_param(params, "SignatureNonce", std::string(nonce));
    add_param(params, "Timestamp", aliyun::timestamp(unix_seconds));
    return aliyun::signed_form_post(std::string(endpoint), params, config_.access_key_secret.reveal());
  }

  /// Classifies the provider's answer as the official connector does, quotas apart:
  /// 2xx + `Code == "OK"` -> success; 2xx + `isv.BUSINESS_LIMIT_CONTROL` -> rate_limit_exceeded;
  /// 2xx + a quota code (`usage_limit_codes`) -> usage_limit_exceeded; any other Code, or any non-2xx
  /// status with a well-formed error body -> general (detail `<Code>: <Message>`); a body that is not
  /// JSON or lacks Code/Message/RequestId -> invalid_response.
  result<send_result> parse_response(const http_response& r) const {
    const bool success_status = logto::detail::http_ok(r.status);
    auto parsed = json::parse(r.body);
    if (!parsed) {
      return make_error(errc::invalid_response,
                        "Aliyun SMS answered " + detail::status_text(r.status) + " with a body that is not JSON",
                        detail::excerpt(r.body));
    }
    const json::object* obj = json::as_object(*parsed);
    if (obj == nullptr) {
      return make_error(errc::invalid_response,
                        "Aliyun SMS answered " + detail::status_text(r.status) + " with JSON that is not an object",
                        detail::excerpt(r.body));
    }
    // sendSmsResponseGuard: {BizId?: string, Code: string, Message: string, RequestId: string}
    const std::string* code = nullptr;
    const std::string* msg = nullptr;
    const std::string* request_id = nullptr;
    const std::string* biz_id = nullptr;
    std::string missing;
    const auto need = [&](std::string_view key, const std::string*& out) {
      const json::value* v = json::find(*obj, key);
      out = v == nullptr ? nullptr : json::as_string(*v);
      if (out == nullptr) {
        if (!missing.empty()) missing += ", ";
        missing += key;
      }
    };
    need("Code", code);
    need("Message", msg);
    need("RequestId", request_id);
    if (const json::value* b = json::find(*obj, "BizId")) {
      biz_id = json::as_string(*b);
      if (biz_id == nullptr) {
        if (!missing.empty()) missing += ", ";
        missing += "BizId";
      }
    }
    if (!missing.empty()) {
      return make_error(errc::invalid_response,
                        "Aliyun SMS answered " + detail::status_text(r.status) +
                            " with a body whose fields are missing or not strings: " + missing,
                        detail::excerpt(r.body));
    }
    std::string where = detail::status_text(r.status) + ", RequestId " + *request_id;
    if (success_status && *code == "OK") {
      send_result out;
      out.code = *code;
      out.message = *msg;
      if (biz_id != nullptr) {
        out.message_id = *biz_id;
        out.biz_id = *biz_id;
      }
      out.request_id = *request_id;
      return out;
    }
    errc ec = errc::general;
    std::string why = "Aliyun SMS refused to send the message (" + where + ")";
    if (success_status && *code == "isv.BUSINESS_LIMIT_CONTROL") {
      ec = errc::rate_limit_exceeded;
    } else if (success_status && is_usage_limit_code(*code)) {
      ec = errc::usage_limit_exceeded;
      why +=
          ": the account's balance or sending quota is used up; top it up or raise the limit in the Aliyun "
          "console";
    }
    return make_error(ec, std::move(why), *code + ": " + *msg);
  }

  /// Aliyun's codes for a used-up balance or quota (dysmsapi error codes): insufficient balance,
  /// service suspended for arrears, the daily and the monthly sending limit set in the console.
  static bool is_usage_limit_code(std::string_view code) noexcept {
    return code == "isv.AMOUNT_NOT_ENOUGH" || code == "isv.OUT_OF_SERVICE" || code == "isv.DAY_LIMIT_CONTROL" ||
           code == "isv.MONTH_LIMIT_CONTROL";
  }

  /// Builds, sends through `transport` (stamped by `clock`, nonce from `random`) and parses.
  template <class Transport, class Clock = system_clock, class Random = crypto::default_random>
  result<send_result> send(const message& m, Transport& transport, Clock&& clock = Clock{},
                           Random&& random = Random{}) const {
    return detail::send_http<detail::request_stamp::time_and_nonce>(*this, m, transport, clock, random, "Aliyun SMS");
  }

 private:
  explicit aliyun_sms(config c) : config_(std::move(c)) {}
  config config_;
};

}  // namespace connectors
}  // namespace logto
