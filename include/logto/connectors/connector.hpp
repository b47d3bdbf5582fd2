/// @file
/// @brief What every passwordless connector shares: usage types, the message and its ordered payload,
/// template lookup, `{{placeholder}}` rendering, e-mail templates, config validation and error helpers.
///
/// Mirrors `@logto/connector-kit` 5.1.1 (TemplateType, SendMessageData, getConfigTemplateByType,
/// replaceSendMessageHandlebars, ConnectorErrorCodes), byte for byte.
///
/// API summary (stable; smtp.hpp and the provider headers build on it):
///
///   enum class usage_type { sign_in, register_, forgot_password, organization_invitation, generic,
///                           user_permission_validation, bind_new_identifier, mfa_verification, bind_mfa };
///   std::string_view to_string(usage_type);                        // "SignIn", "Register", ...
///   std::optional<usage_type> usage_type_from_string(std::string_view);
///   inline constexpr std::string_view required_usage_types[4];     // Register, SignIn, ForgotPassword, Generic
///
///   class value;      // ordered JSON value (objects keep insertion order, as JS objects do)
///     value::parse(json_text) -> result<value>; (connectors::value is json::value, core/json_value.hpp)
///     type(), if_bool/if_number/if_string/if_array/if_object, find(key)
///     to_json()       -> JSON.stringify(v)  (JS key order: array-index keys first, JS number format)
///     to_js_string()  -> String(v)          ("[object Object]", arrays joined with ",", null -> "null")
///   class payload;    // SendMessagePayload: an ordered object ({code, locale?, uiLocales?, user?, ...})
///     payload::parse(json_object_text) -> result<payload>; payload::from_value(value) -> result<payload>
///     set(key, value) (replaces in place, else appends), code(), link(), locale(), ui_locales(),
///     find(key), find_string(key), contains(key), erase(key), members(), as_value(), to_json()
///   struct message { std::string to; std::string type; connectors::payload payload; usage() };
///     type is connector-kit's TemplateType string; any string is allowed (unknown types stay usable).
///   std::string render_template(std::string_view tmpl, const payload&);   // replaceSendMessageHandlebars
///   const T* find_template(const std::vector<T>&, std::string_view type);         // exact, else "Generic"
///   const T* find_template_exact(const std::vector<T>&, std::string_view type);   // exact only (tencent)
///       (T needs a `std::string usage_type` member)
///   struct email_template { subject, content, content_type?, reply_to?, send_from? };
///   using i18n_email_template_provider =
///       std::function<std::optional<email_template>(std::string_view type, std::optional<std::string_view> locale)>;
///   class i18n_email_templates;  // Logto core's getI18nEmailTemplate over the host's localized templates:
///       (type, locale) -> (type, fallback language) -> (Generic, fallback language) -> none;
///       find(type, locale), provider(), from_json(GET /api/email-templates answer, fallback language)
///   std::int64_t unix_seconds_from_ms(std::int64_t ms);                // floor(ms / 1000)
///   struct send_result { message_id, request_id, code, message, reply, tls, auth_mechanism, ... };
///                              // what every connector's send() returns: result<send_result>
///   detail::config_checker     // zod-like config validation: collects issues with their paths, never values;
///                              // templates() reads the `templates` array, require_templates() checks code-built ones
///   detail::i18n_template      // the host's i18n e-mail template for a message, if any
///   detail::template_not_found // connector-kit's "Cannot find template for type: <type>"
///   detail::send_http          // an HTTP connector's send(): build, send, wipe Authorization, parse
///   detail::transport_failure  // errc::general from a transport error (official connectors crash instead)
///   detail::excerpt            // a provider body, shortened for error details
///   detail::header_value_ok    // no CR/LF/NUL/control characters in a header value
///
/// Error codes are connector-kit's (errc::general, invalid_config, invalid_response, template_not_found,
/// rate_limit_exceeded, ...). Messages and details never contain secrets: config errors name the field
/// and the expected type, never the value.
#pragma once

// The parts, one concept per header (each includes the one before it):
#include "logto/connectors/usage.hpp"           // usage_type, unix_seconds_from_ms
#include "logto/connectors/js_value.hpp"        // value (ordered JSON, JavaScript semantics)
#include "logto/connectors/message.hpp"         // payload, message
#include "logto/connectors/templates.hpp"       // find_template, email_template, render_template
#include "logto/connectors/config_checker.hpp"  // detail::config_checker
#include "logto/connectors/i18n_templates.hpp"  // i18n_email_templates (Logto core's getI18nEmailTemplate)
#include "logto/connectors/send_result.hpp"     // send_result (what every send() returns)
#include "logto/connectors/send.hpp"            // detail::send_http and the error helpers
