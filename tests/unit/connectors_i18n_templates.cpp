// Localized e-mail templates: Logto core's getI18nEmailTemplate fallbacks (i18n_email_templates), read from
// the Management API's list, and used by the e-mail connectors before their config templates. The same
// fallbacks run against the official aliyun-dm connector in connectors_differential.cpp ("aliyun-dm/i18n-...").
#include <logto/connectors/aliyun_dm.hpp>
#include <logto/connectors/smtp.hpp>

#include <string>

#include "catch2_compat.hpp"

using namespace logto;
using namespace logto::connectors;

namespace {

// As `GET /api/email-templates` answers (ids and dates included; they are ignored).
const char* const management_api_list = R"([
  {"tenantId":"t","id":"1","languageTag":"fr","templateType":"SignIn","createdAt":1,
   "details":{"subject":"Connexion {{code}}","content":"<p>{{code}}</p>","sendFrom":"Logto FR"}},
  {"tenantId":"t","id":"2","languageTag":"en","templateType":"SignIn",
   "details":{"subject":"Sign in {{code}}","content":"Code {{code}}","contentType":"text/plain"}},
  {"tenantId":"t","id":"3","languageTag":"fr","templateType":"Generic","details":{"subject":"fr generic","content":"c"}},
  {"tenantId":"t","id":"4","languageTag":"en","templateType":"Generic","details":{"subject":"en generic","content":"c"}}
])";

std::string subject_for(const i18n_email_templates& store, std::string_view type,
                        std::optional<std::string_view> locale) {
  const email_template* t = store.find(type, locale);
  return t == nullptr ? std::string("(none)") : t->subject;
}

}  // namespace

TEST_CASE("i18n_email_templates: Logto core's fallbacks, in its order", "[connectors][i18n]") {
  auto store = i18n_email_templates::from_json(management_api_list, "en");
  REQUIRE(store);
  REQUIRE(store->templates().size() == 4);
  CHECK(store->templates()[1].details.content_type == std::optional<std::string>("text/plain"));
  CHECK(store->templates()[0].details.send_from == std::optional<std::string>("Logto FR"));
  // 1. the type in the locale
  CHECK(subject_for(*store, "SignIn", "fr") == "Connexion {{code}}");
  // 2. the type in the fallback language: unknown locale, other case, no locale, an empty locale
  CHECK(subject_for(*store, "SignIn", "de") == "Sign in {{code}}");
  CHECK(subject_for(*store, "SignIn", "FR") == "Sign in {{code}}");
  CHECK(subject_for(*store, "SignIn", std::nullopt) == "Sign in {{code}}");
  CHECK(subject_for(*store, "SignIn", "") == "Sign in {{code}}");
  // 3. Generic in the fallback language, not in the locale's language (Logto never asks for Generic in `fr`)
  CHECK(subject_for(*store, "Register", "fr") == "en generic");
  // 4. nothing: the connector's config templates then apply
  const i18n_email_templates no_fallback(store->templates(), "ja");
  CHECK(subject_for(no_fallback, "Register", "fr") == "(none)");
  CHECK(subject_for(no_fallback, "SignIn", "fr") == "Connexion {{code}}");
}

TEST_CASE("i18n_email_templates::from_json: text or value; every bad element named by path", "[connectors][i18n]") {
  auto parsed = json::parse(management_api_list);
  REQUIRE(parsed);
  auto from_value = i18n_email_templates::from_json(*parsed, "en");
  REQUIRE(from_value);
  CHECK(from_value->fallback_language() == "en");
  CHECK(subject_for(*from_value, "SignIn", "fr") == "Connexion {{code}}");

  auto bad = i18n_email_templates::from_json(
      R"([{"languageTag":1,"templateType":"Test","details":{"subject":"s","content":2,"contentType":"text/markdown"}},
          3, {"languageTag":"en","templateType":"SignIn"}])",
      "en");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == errc::invalid_config);
  CHECK(bad.error().message ==
        "invalid email templates config: [0].languageTag: expected a string, got a number; [0].templateType: expected "
        "a TemplateType (SignIn, ..., Generic); [0].details.content: expected a string, got a number; "
        "[0].details.contentType: expected text/html or text/plain; [1]: expected an object, got a number; "
        "[2].details: expected an object, got nothing (the field is required)");
  CHECK(bad.error().detail == "[0].languageTag");
  auto not_array = i18n_email_templates::from_json(R"({"languageTag":"en"})", "en");
  REQUIRE_FALSE(not_array);
  CHECK(not_array.error().message == "invalid email templates config: (templates): expected an array, got an object");
  CHECK_FALSE(i18n_email_templates::from_json("[", "en"));
}

TEST_CASE("e-mail connectors ask the i18n templates with the payload's locale, then use their config",
          "[connectors][i18n]") {
  auto store = i18n_email_templates::from_json(management_api_list, "en");
  REQUIRE(store);
  const std::string templates =
      R"("templates":[{"usageType":"SignIn","subject":"config sign-in","content":"c","contentType":"text/plain"},
      {"usageType":"Register","subject":"config register","content":"c","contentType":"text/plain"},
      {"usageType":"ForgotPassword","subject":"config reset","content":"c","contentType":"text/plain"},
      {"usageType":"Generic","subject":"config generic","content":"c","contentType":"text/plain"}])";
  auto smtp = connectors::smtp::from_json(R"({"host":"smtp.example.com","port":25,"auth":{"user":"u","pass":"p"},)"
                                          R"("fromEmail":"noreply@example.com",)" +
                                          templates + "}");
  REQUIRE(smtp);
  const auto subject = [&smtp](usage_type type, const char* locale) {
    payload p;
    p.code("42");
    if (locale != nullptr) p.locale(locale);
    auto mail = smtp->build_mail(message("user@example.com", type, std::move(p)));
    REQUIRE(mail);
    return mail->subject;
  };
  CHECK(subject(usage_type::sign_in, "fr") == "config sign-in");  // no provider yet
  smtp->set_i18n_template_provider(store->provider());
  CHECK(subject(usage_type::sign_in, "fr") == "Connexion 42");
  CHECK(subject(usage_type::sign_in, "de") == "Sign in 42");
  CHECK(subject(usage_type::sign_in, nullptr) == "Sign in 42");
  CHECK(subject(usage_type::register_, "fr") == "en generic");
  smtp->set_i18n_template_provider(i18n_email_templates(store->templates(), "ja").provider());
  CHECK(subject(usage_type::register_, "fr") == "config register");
  CHECK(subject(usage_type::bind_mfa, "fr") == "config generic");

  auto dm = aliyun_dm::from_json(R"({"accessKeyId":"id","accessKeySecret":"s","accountName":"a@mail.example",)" +
                                 templates + "}");
  REQUIRE(dm);
  dm->set_i18n_template_provider(store->provider());
  auto req = dm->build_request(message("user@example.com", usage_type::sign_in, payload().code("42").locale("fr")), 0,
                               "nonce");
  REQUIRE(req);
  CHECK(req->body.find("&Subject=Connexion+42&") != std::string::npos);
  CHECK(req->body.find("&FromAlias=Logto+FR&") != std::string::npos);
}
