/// @file
/// @brief Localized e-mail templates: Logto core's `getI18nEmailTemplate(templateType, languageTag)` with its
/// fallbacks, over templates the host holds, as the provider the e-mail connectors (smtp, aliyun_dm) ask
/// first. Part of the connector foundation; `logto/connectors/connector.hpp` includes every part.
///
/// Which connectors look templates up by locale (official packages, pinned versions): smtp 1.5.4 and
/// aliyun-dm 1.6.1 call `getI18nEmailTemplate?.(type, payload.locale)` and fall back to their config
/// templates (the usage type, else Generic). aliyun-sms 1.5.5, tencent-sms 1.4.4 and twilio-sms 1.4.4 have
/// no localized templates: their templates are keyed by usage type only, and `locale` is left out of the
/// provider's parameters (aliyun-sms, tencent-sms) or is one more payload value (twilio-sms `{{locale}}`).
#pragma once

#include "logto/connectors/config_checker.hpp"

namespace logto {
namespace connectors {

/// One of Logto's e-mail templates (table `email_templates`, Management API `GET /api/email-templates`):
/// the details for a language tag and a template type.
struct localized_email_template {
  std::string language_tag;   ///< e.g. `en`, `zh-CN`; compared exactly, as Logto's query does
  std::string template_type;  ///< connector-kit TemplateType string (`SignIn`, ..., `Generic`)
  email_template details;
};

/// Logto core's `getI18nEmailTemplate(templateType, languageTag)` (packages/core, libraries/connector)
/// over a list the host holds, with its fallbacks in its order:
///   1. the template for (type, locale) when a locale is given and not empty;
///   2. the template for (type, fallback language), Logto's sign-in experience `languageInfo.fallbackLanguage`;
///   3. the template for (`Generic`, fallback language);
///   4. none: the connector then uses its config templates (the usage type, else `Generic`).
/// Hand `provider()` to `smtp::set_i18n_template_provider` or `aliyun_dm::set_i18n_template_provider`.
class i18n_email_templates {
 public:
  i18n_email_templates() = default;
  i18n_email_templates(std::vector<localized_email_template> templates, std::string fallback_language)
      : templates_(std::move(templates)), fallback_language_(std::move(fallback_language)) {}

  /// Reads Logto's `GET /api/email-templates` answer (an array of `{languageTag, templateType, details:
  /// {subject, content, contentType?, replyTo?, sendFrom?}}`; other members such as `id` are ignored),
  /// validated like Logto's guards. Errors are errc::invalid_config naming each bad element by path.
  static result<i18n_email_templates> from_json(std::string_view templates_json, std::string fallback_language) {
    detail::config_checker check("email templates");
    auto parsed = json::parse(templates_json);
    if (!parsed) {
      check.issue("(templates)", parsed.error().message);
      return check.failure();
    }
    return from_checked(check, *parsed, std::move(fallback_language));
  }
  /// The same from a parsed value. Only for exactly `json::value`; text goes to the overload above.
  template <class Json, detail::if_json_value<Json> = 0>
  static result<i18n_email_templates> from_json(const Json& templates, const std::string& fallback_language) {
    detail::config_checker check("email templates");
    return from_checked(check, templates, fallback_language);
  }

  const std::vector<localized_email_template>& templates() const noexcept { return templates_; }
  const std::string& fallback_language() const noexcept { return fallback_language_; }

  /// The template Logto core would give for `type` and `locale` (see the class comment), or nullptr.
  const email_template* find(std::string_view type, std::optional<std::string_view> locale) const noexcept {
    if (locale && !locale->empty()) {  // `if (languageTag)`: an empty string is falsy
      if (const email_template* t = exact(type, *locale)) return t;
    }
    if (const email_template* t = exact(type, fallback_language_)) return t;
    return exact("Generic", fallback_language_);
  }

  /// `find` as the e-mail connectors' i18n provider (it holds a copy of the templates).
  i18n_email_template_provider provider() const {
    return [self = *this](std::string_view type, std::optional<std::string_view> locale) {
      const email_template* t = self.find(type, locale);
      return t == nullptr ? std::optional<email_template>() : std::optional<email_template>(*t);
    };
  }

 private:
  /// `findByLanguageTagAndTemplateType`: exact language tag and type (unique in Logto's table; first wins here).
  const email_template* exact(std::string_view type, std::string_view language) const noexcept {
    for (const auto& t : templates_) {
      if (t.template_type == type && t.language_tag == language) return &t.details;
    }
    return nullptr;
  }

  static result<i18n_email_templates> from_checked(detail::config_checker& check, const json::value& root,
                                                   std::string fallback_language) {
    const json::array* list = json::as_array(root);
    if (list == nullptr) {
      check.expected("(templates)", "an array", &root);
      return check.failure();
    }
    std::vector<localized_email_template> out;
    out.reserve(list->size());
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string at = detail::config_checker::index_path("", i);
      const json::object* element = check.element_object((*list)[i], at);
      if (element == nullptr) continue;
      localized_email_template t;
      if (const auto* s = check.string(*element, "languageTag", at)) t.language_tag = *s;
      if (const auto* s = check.string(*element, "templateType", at)) {
        if (usage_type_from_string(*s)) {
          t.template_type = *s;
        } else {
          check.issue(detail::config_checker::path(at, "templateType"),
                      "expected a TemplateType (SignIn, ..., Generic)");
        }
      }
      const std::string details_at = detail::config_checker::path(at, "details");
      const json::value* details = json::find(*element, "details");
      const json::object* d = details == nullptr ? nullptr : json::as_object(*details);
      if (d == nullptr) {
        check.expected(details_at, "an object", details);
      } else {
        // emailTemplateDetailsGuard
        if (const auto* s = check.string(*d, "subject", details_at)) t.details.subject = *s;
        if (const auto* s = check.string(*d, "content", details_at)) t.details.content = *s;
        if (const auto* s = check.optional_string(*d, "contentType", details_at)) {
          if (*s == "text/html" || *s == "text/plain") {
            t.details.content_type = *s;
          } else {
            check.issue(detail::config_checker::path(details_at, "contentType"), "expected text/html or text/plain");
          }
        }
        if (const auto* s = check.optional_string(*d, "replyTo", details_at)) t.details.reply_to = *s;
        if (const auto* s = check.optional_string(*d, "sendFrom", details_at)) t.details.send_from = *s;
      }
      out.push_back(std::move(t));
    }
    if (!check.ok()) return check.failure();
    return i18n_email_templates(std::move(out), std::move(fallback_language));
  }

  std::vector<localized_email_template> templates_;
  std::string fallback_language_;
};

}  // namespace connectors
}  // namespace logto
