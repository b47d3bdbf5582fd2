/// @file
/// @brief Aliyun Direct Mail, byte-compatible with `@logto/connector-aliyun-dm` 1.6.1.
///
/// Request: `POST https://dm[.<region>].aliyuncs.com/`, form body Action=SingleSendMail, Format=json,
/// SignatureMethod=HMAC-SHA1, SignatureVersion=1.0, Version=2015-11-23, AccessKeyId, AccountName,
/// ReplyToAddress=false, AddressType=1, ToAddress (`to` verbatim), FromAlias (omitted when unset),
/// Subject, HtmlBody (always HTML), RegionId, SignatureNonce, Timestamp, Signature (aliyun.hpp).
/// Template: the host's i18n template (`getI18nEmailTemplate(type, payload.locale)`) if it gives
/// one (`i18n_email_templates` gives Logto core's locale fallbacks), else the config template for the usage
/// type, else `Generic`. Subject, HtmlBody and an i18n
/// `sendFrom` are rendered with `render_template` over the full payload.
///
/// Deliberate differences from the official connector: a transport failure is errc::general (official:
/// raw RequestError); a 3xx is handled like an HTTP error status, never as success; JSON is parsed
/// strictly; non-UTF-8 message text is refused with invalid_request_parameters.
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

/// `@logto/connector-aliyun-dm` (metadata id `aliyun-direct-mail`).
class aliyun_dm {
 public:
  /// The regions the official config accepts, with their endpoints.
  static constexpr std::string_view region_ids[5] = {"cn-hangzhou", "ap-southeast-1", "ap-southeast-2", "eu-central-1",
                                                     "us-east-1"};
  static constexpr std::string_view region_endpoints[5] = {
      "https://dm.aliyuncs.com/", "https://dm.ap-southeast-1.aliyuncs.com/", "https://dm.ap-southeast-2.aliyuncs.com/",
      "https://dm.eu-central-1.aliyuncs.com/", "https://dm.us-east-1.aliyuncs.com/"};

  struct template_config {
    std::string usage_type;
    std::string subject;
    std::string content;  ///< HTML, with {{placeholders}}
  };

  struct config {
    std::string access_key_id;
    crypto::secret access_key_secret;
    std::optional<std::string> region_id;  ///< one of region_ids; unset means cn-hangzhou
    std::string account_name;
    std::optional<std::string> from_alias;  ///< unset: FromAlias is not sent; "" is sent as `FromAlias=`
    std::vector<template_config> templates;
  };

  /// The official connector's `{EnvId, RequestId}` as message_id (and the deprecated env_id) and
  /// request_id. The same type for every connector.
  using send_result = connectors::send_result;

  /// Reads the config JSON, validated like `aliyunDmConfigGuard` (unknown keys ignored).
  static result<aliyun_dm> from_json(std::string_view config_json) {
    detail::config_checker check("aliyun-dm");
    return from_checked(check, check.parse(config_json));
  }
  /// The same from a parsed value: the config as the host already holds it (Logto stores connector
  /// configs as JSON). Only for exactly `json::value`; text goes to the overload above.
  template <class Json, detail::if_json_value<Json> = 0>
  static result<aliyun_dm> from_json(const Json& config) {
    detail::config_checker check("aliyun-dm");
    return from_checked(check, check.use(config));
  }

 private:
  static result<aliyun_dm> from_checked(detail::config_checker& check, const json::object* root) {
    if (root == nullptr) return check.failure();
    config c;
    if (const auto* s = check.string(*root, "accessKeyId")) c.access_key_id = *s;
    if (const auto* s = check.string(*root, "accessKeySecret")) c.access_key_secret = crypto::secret(*s);
    if (const json::value* region = json::find(*root, "regionId")) {
      const std::string* s = json::as_string(*region);
      if (s == nullptr || endpoint_for(*s).empty()) {
        // The value is not echoed: whatever was typed there stays out of logs.
        check.issue("regionId",
                    "expected one of cn-hangzhou, ap-southeast-1, ap-southeast-2, eu-central-1, "
                    "us-east-1, got " +
                        (s == nullptr ? detail::config_checker::type_name(region) : std::string("an unknown region")));
      } else {
        c.region_id = *s;
      }
    }
    if (const auto* s = check.string(*root, "accountName")) c.account_name = *s;
    if (const auto* s = check.optional_string(*root, "fromAlias")) c.from_alias = *s;
    check.templates(*root, c.templates, [&check](const json::object& t, const std::string& at, template_config& tc) {
      if (const auto* s = check.string(t, "subject", at)) tc.subject = *s;
      if (const auto* s = check.string(t, "content", at)) tc.content = *s;
    });
    if (!check.ok()) return check.failure();
    return aliyun_dm(std::move(c));
  }

 public:
  /// Wraps a config built in code; checks the region and the required templates.
  static result<aliyun_dm> from_config(config c) {
    detail::config_checker check("aliyun-dm");
    if (c.region_id && endpoint_for(*c.region_id).empty()) {
      check.issue("regionId", "expected one of cn-hangzhou, ap-southeast-1, ap-southeast-2, eu-central-1, us-east-1");
    }
    check.require_templates(c.templates);
    if (!check.ok()) return check.failure();
    return aliyun_dm(std::move(c));
  }

  /// The endpoint of a region id, or "" if the region is unknown.
  static std::string_view endpoint_for(std::string_view region) noexcept {
    for (std::size_t i = 0; i < 5; ++i) {
      if (region_ids[i] == region) return region_endpoints[i];
    }
    return {};
  }

  const config& settings() const noexcept { return config_; }

  /// Sets the host's `getI18nEmailTemplate` (e.g. `i18n_email_templates::provider()`, Logto core's locale
  /// fallbacks). It is asked first; nullopt falls back to the config.
  void set_i18n_template_provider(i18n_email_template_provider provider) { i18n_ = std::move(provider); }

  /// The request the official connector sends for `m` at `unix_seconds` with SignatureNonce `nonce`.
  result<http_request> build_request(const message& m, std::int64_t unix_seconds, std::string_view nonce) const {
    auto checked = detail::check_message(m);
    if (!checked) return checked.error();
    const std::optional<email_template> custom = detail::i18n_template(i18n_, m);
    std::string subject;
    std::string html_body;
    std::optional<std::string> from_alias = config_.from_alias;
    if (custom) {
      if (!is_valid_utf8(custom->subject) || !is_valid_utf8(custom->content) ||
          (custom->send_from && !is_valid_utf8(*custom->send_from))) {
        return make_error(errc::invalid_request_parameters, "the i18n e-mail template is not valid UTF-8");
      }
      subject = render_template(custom->subject, m.payload);
      html_body = render_template(custom->content, m.payload);
      // `customTemplate?.sendFrom ? render(sendFrom) : config.fromAlias` (an empty sendFrom is falsy).
      if (custom->send_from && !custom->send_from->empty()) from_alias = render_template(*custom->send_from, m.payload);
    } else {
      const template_config* t = find_template(config_.templates, m.type);
      if (t == nullptr) return detail::template_not_found(m);
      subject = render_template(t->subject, m.payload);
      html_body = render_template(t->content, m.payload);
    }
    const std::string_view region = config_.region_id ? std::string_view(*config_.region_id) : "cn-hangzhou";
    const std::string_view url = endpoint_for(region);
    if (url.empty()) return make_error(errc::invalid_config, "invalid aliyun-dm config: unknown regionId", "regionId");

    query_params params;
    params.reserve(17);
    add_param(params, "Action", "SingleSendMail");
    add_param(params, "Format", "json");
    add_param(params, "SignatureMethod", "HMAC-SHA1");
    add_param(params, "SignatureVersion", "1.0");
    add_param(params, "Version", "2015-11-23");
    add_param(params, "AccessKeyId", config_.access_key_id);
    add_param(params, "AccountName", config_.account_name);
    add_param(params, "ReplyToAddress", "false");
    add_param(params, "AddressType", "1");
    add_param(params, "ToAddress", m.to);
    if (from_alias) add_param(params, "FromAlias", std::move(*from_alias));  // undefined is dropped
    add_param(params, "Subject", std::move(subject));
    add_param(params, "HtmlBody", std::move(html_body));
    add_param(params, "RegionId", std::string(region));
    add_param(params, "SignatureNonce", std::string(nonce));
    add_param(params, "Timestamp", aliyun::timestamp(unix_seconds));
    return aliyun::signed_form_post(std::string(url), params, config_.access_key_secret.reveal());
  }

  /// As the official connector: 2xx needs `{EnvId: string, RequestId: string}` (else
  /// invalid_response); an error status with `{Code, Message}` (strings; RequestId, HostId, Recommend
  /// optional strings) is general with detail `<Code>: <Message>`; anything else is invalid_response.
  result<send_result> parse_response(const http_response& r) const {
    auto parsed = json::parse(r.body);
    if (!parsed) {
      return make_error(
          errc::invalid_response,
          "Aliyun Direct Mail answered " + detail::status_text(r.status) + " with a body that is not JSON",
          detail::excerpt(r.body));
    }
    const json::object* obj = json::as_object(*parsed);
    std::string missing;
    const auto field = [&](std::string_view key, bool required) -> const std::string* {
      const json::value* v = obj == nullptr ? nullptr : json::find(*obj, key);
      const std::string* s = v == nullptr ? nullptr : json::as_string(*v);
      if ((v == nullptr && required) || (v != nullptr && s == nullptr)) {
        if (!missing.empty()) missing += ", ";
        missing += key;
      }
      return s;
    };
    const auto malformed = [&]() {
      return make_error(errc::invalid_response,
                        "Aliyun Direct Mail answered " + detail::status_text(r.status) +
                            (obj == nullptr ? std::string(" with JSON that is not an object")
                                            : " with a body whose fields are missing or not strings: " + missing),
                        detail::excerpt(r.body));
    };
    if (obj == nullptr) return malformed();
    if (logto::detail::http_ok(r.status)) {
      const std::string* env_id = field("EnvId", true);
      const std::string* request_id = field("RequestId", true);
      if (!missing.empty()) return malformed();
      send_result out;
      out.message_id = *env_id;
      out.env_id = *env_id;
      out.request_id = *request_id;
      return out;
    }
    const std::string* code = field("Code", true);
    const std::string* msg = field("Message", true);
    const std::string* request_id = field("RequestId", false);
    field("HostId", false);
    field("Recommend", false);
    if (!missing.empty()) return malformed();
    return make_error(errc::general,
                      "Aliyun Direct Mail refused to send the message (" + detail::status_text(r.status) +
                          (request_id != nullptr ? ", RequestId " + *request_id : std::string()) + ")",
                      *code + ": " + *msg);
  }

  /// Builds, sends through `transport` (stamped by `clock`, nonce from `random`) and parses.
  template <class Transport, class Clock = system_clock, class Random = crypto::default_random>
  result<send_result> send(const message& m, Transport& transport, Clock&& clock = Clock{},
                           Random&& random = Random{}) const {
    return detail::send_http<detail::request_stamp::time_and_nonce>(*this, m, transport, clock, random,
                                                                    "Aliyun Direct Mail");
  }

 private:
  explicit aliyun_dm(config c) : config_(std::move(c)) {}
  config config_;
  i18n_email_template_provider i18n_;
};

}  // namespace connectors
}  // namespace logto
