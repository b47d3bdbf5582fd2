// Target connector_config: the connector config JSON a Logto console stores. Byte 0 picks the
// connector (aliyun-sms, aliyun-dm, tencent-sms, twilio-sms, smtp); the rest is the config text.
//
// Property: a config from_json accepts re-serialises to an equivalent one. This target writes the
// parsed settings back as console JSON (its own writer below, field by field); from_json must accept
// that, give equal settings (every field, secrets included), and writing those again gives the same
// bytes. A field from_json reads but drops, mangles or defaults differently shows up as a difference.
#include <logto/connectors/aliyun_dm.hpp>
#include <logto/connectors/aliyun_sms.hpp>
#include <logto/connectors/smtp.hpp>
#include <logto/connectors/tencent_sms.hpp>
#include <logto/connectors/twilio_sms.hpp>

#include "common.hpp"

namespace {

namespace cn = logto::connectors;

/// A tiny JSON object writer.
class writer {
 public:
  writer& key(std::string_view k) {
    out_ += first_ ? "" : ",";
    first_ = false;
    logto::json::append_quoted(out_, k);
    out_ += ':';
    return *this;
  }
  writer& str(std::string_view k, std::string_view v) {
    key(k);
    logto::json::append_quoted(out_, v);
    return *this;
  }
  writer& boolean(std::string_view k, bool v) {
    key(k);
    out_ += v ? "true" : "false";
    return *this;
  }
  writer& number(std::string_view k, long long v) {
    key(k);
    out_ += std::to_string(v);
    return *this;
  }
  writer& raw(std::string_view k, const std::string& json) {
    key(k);
    out_ += json;
    return *this;
  }
  std::string done() const { return "{" + out_ + "}"; }

 private:
  std::string out_;
  bool first_ = true;
};

template <class T, class F>
std::string array_of(const std::vector<T>& items, F write) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i != 0) out += ',';
    out += write(items[i]);
  }
  return out + "]";
}

// ---- aliyun-sms
std::string write(const cn::aliyun_sms::config& c) {
  const auto tmpl = [](const cn::aliyun_sms::template_config& t) {
    writer w;
    w.str("usageType", t.usage_type);
    if (t.type) w.number("type", *t.type);
    if (t.regional) {
      w.raw("templateCode", writer().str("china", t.china).str("overseas", t.overseas).done());
    } else {
      w.str("templateCode", t.template_code);
    }
    return w.done();
  };
  return writer()
      .str("accessKeyId", c.access_key_id)
      .str("accessKeySecret", c.access_key_secret.reveal())
      .str("signName", c.sign_name)
      .raw("templates", array_of(c.templates, tmpl))
      .boolean("strictPhoneRegionNumberCheck", c.strict_phone_region_number_check)
      .done();
}
bool equal(const cn::aliyun_sms::config& a, const cn::aliyun_sms::config& b) {
  if (a.templates.size() != b.templates.size()) return false;
  for (std::size_t i = 0; i < a.templates.size(); ++i) {
    const auto &x = a.templates[i], &y = b.templates[i];
    if (x.usage_type != y.usage_type || x.type != y.type || x.regional != y.regional ||
        x.template_code != y.template_code || x.china != y.china || x.overseas != y.overseas) {
      return false;
    }
  }
  return a.access_key_id == b.access_key_id && a.access_key_secret.reveal() == b.access_key_secret.reveal() &&
         a.sign_name == b.sign_name && a.strict_phone_region_number_check == b.strict_phone_region_number_check;
}

// ---- aliyun-dm
std::string write(const cn::aliyun_dm::config& c) {
  writer w;
  w.str("accessKeyId", c.access_key_id).str("accessKeySecret", c.access_key_secret.reveal());
  if (c.region_id) w.str("regionId", *c.region_id);
  w.str("accountName", c.account_name);
  if (c.from_alias) w.str("fromAlias", *c.from_alias);
  w.raw("templates", array_of(c.templates, [](const cn::aliyun_dm::template_config& t) {
          return writer().str("usageType", t.usage_type).str("subject", t.subject).str("content", t.content).done();
        }));
  return w.done();
}
bool equal(const cn::aliyun_dm::config& a, const cn::aliyun_dm::config& b) {
  if (a.templates.size() != b.templates.size()) return false;
  for (std::size_t i = 0; i < a.templates.size(); ++i) {
    const auto &x = a.templates[i], &y = b.templates[i];
    if (x.usage_type != y.usage_type || x.subject != y.subject || x.content != y.content) return false;
  }
  return a.access_key_id == b.access_key_id && a.access_key_secret.reveal() == b.access_key_secret.reveal() &&
         a.region_id == b.region_id && a.account_name == b.account_name && a.from_alias == b.from_alias;
}

// ---- tencent-sms
std::string write(const cn::tencent_sms::config& c) {
  return writer()
      .str("accessKeyId", c.access_key_id)
      .str("accessKeySecret", c.access_key_secret.reveal())
      .str("signName", c.sign_name)
      .str("sdkAppId", c.sdk_app_id)
      .str("region", c.region)
      .raw("templates",
           array_of(c.templates,
                    [](const cn::tencent_sms::template_config& t) {
                      return writer().str("usageType", t.usage_type).str("templateCode", t.template_code).done();
                    }))
      .done();
}
bool equal(const cn::tencent_sms::config& a, const cn::tencent_sms::config& b) {
  if (a.templates.size() != b.templates.size()) return false;
  for (std::size_t i = 0; i < a.templates.size(); ++i) {
    if (a.templates[i].usage_type != b.templates[i].usage_type ||
        a.templates[i].template_code != b.templates[i].template_code) {
      return false;
    }
  }
  return a.access_key_id == b.access_key_id && a.access_key_secret.reveal() == b.access_key_secret.reveal() &&
         a.sign_name == b.sign_name && a.sdk_app_id == b.sdk_app_id && a.region == b.region;
}

// ---- twilio-sms
std::string write(const cn::twilio_sms::config& c) {
  return writer()
      .str("accountSID", c.account_sid)
      .str("authToken", c.auth_token.reveal())
      .str("fromMessagingServiceSID", c.from_messaging_service_sid)
      .boolean("disableRiskCheck", c.disable_risk_check)
      .raw("templates", array_of(c.templates,
                                 [](const cn::twilio_sms::template_config& t) {
                                   return writer().str("usageType", t.usage_type).str("content", t.content).done();
                                 }))
      .done();
}
bool equal(const cn::twilio_sms::config& a, const cn::twilio_sms::config& b) {
  if (a.templates.size() != b.templates.size()) return false;
  for (std::size_t i = 0; i < a.templates.size(); ++i) {
    if (a.templates[i].usage_type != b.templates[i].usage_type || a.templates[i].content != b.templates[i].content) {
      return false;
    }
  }
  return a.account_sid == b.account_sid && a.auth_token.reveal() == b.auth_token.reveal() &&
         a.from_messaging_service_sid == b.from_messaging_service_sid && a.disable_risk_check == b.disable_risk_check;
}

// ---- smtp
std::string write(const cn::smtp::config& c) {
  writer w;
  w.str("host", c.host).number("port", c.port);
  writer auth;
  if (c.auth) {
    const bool oauth = c.auth->type == cn::smtp::auth_config::kind::oauth2;
    auth.str("type", oauth ? "oauth2" : "login").str("user", c.auth->user);
    auth.str(oauth ? "accessToken" : "pass", c.auth->secret.reveal());
  }
  w.raw("auth", auth.done());
  w.str("fromEmail", c.from_email);
  if (c.reply_to) w.str("replyTo", *c.reply_to);
  w.raw("templates", array_of(c.templates, [](const cn::smtp::template_config& t) {
          writer tw;
          tw.str("usageType", t.usage_type).str("contentType", t.content_type).str("subject", t.subject);
          tw.str("content", t.content);
          if (t.reply_to) tw.str("replyTo", *t.reply_to);
          if (t.send_from) tw.str("sendFrom", *t.send_from);
          return tw.done();
        }));
  w.boolean("secure", c.secure).boolean("requireTLS", c.require_tls).boolean("ignoreTLS", c.ignore_tls);
  w.raw("tls", writer()
                   .boolean("rejectUnauthorized", c.tls.reject_unauthorized)
                   .str("ca", c.tls.ca)
                   .str("servername", c.tls.servername)
                   .done());
  w.str("servername", c.servername).str("name", c.name);
  // customHeaders: one member per name, its values as an array (a name's values are adjacent, since
  // the config object cannot repeat a member).
  writer headers;
  for (std::size_t i = 0; i < c.custom_headers.size();) {
    std::size_t j = i;
    std::vector<std::string> values;
    while (j < c.custom_headers.size() && c.custom_headers[j].name == c.custom_headers[i].name) {
      values.push_back(c.custom_headers[j++].value);
    }
    headers.raw(c.custom_headers[i].name, array_of(values, [](const std::string& v) {
                  std::string q;
                  logto::json::append_quoted(q, v);
                  return q;
                }));
    i = j;
  }
  w.raw("customHeaders", headers.done());
  w.number("connectionTimeout", c.connection_timeout_ms)
      .number("greetingTimeout", c.greeting_timeout_ms)
      .number("socketTimeout", c.socket_timeout_ms);
  return w.done();
}
bool equal(const cn::smtp::config& a, const cn::smtp::config& b) {
  if (a.templates.size() != b.templates.size() || a.custom_headers.size() != b.custom_headers.size()) return false;
  for (std::size_t i = 0; i < a.templates.size(); ++i) {
    const auto &x = a.templates[i], &y = b.templates[i];
    if (x.usage_type != y.usage_type || x.content_type != y.content_type || x.subject != y.subject ||
        x.content != y.content || x.reply_to != y.reply_to || x.send_from != y.send_from) {
      return false;
    }
  }
  for (std::size_t i = 0; i < a.custom_headers.size(); ++i) {
    if (a.custom_headers[i].name != b.custom_headers[i].name ||
        a.custom_headers[i].value != b.custom_headers[i].value) {
      return false;
    }
  }
  if (a.auth.has_value() != b.auth.has_value()) return false;
  if (a.auth && (a.auth->type != b.auth->type || a.auth->user != b.auth->user ||
                 a.auth->secret.reveal() != b.auth->secret.reveal())) {
    return false;
  }
  return a.host == b.host && a.port == b.port && a.from_email == b.from_email && a.reply_to == b.reply_to &&
         a.secure == b.secure && a.require_tls == b.require_tls && a.ignore_tls == b.ignore_tls &&
         a.tls.reject_unauthorized == b.tls.reject_unauthorized && a.tls.ca == b.tls.ca &&
         a.tls.servername == b.tls.servername && a.servername == b.servername && a.name == b.name &&
         a.connection_timeout_ms == b.connection_timeout_ms && a.greeting_timeout_ms == b.greeting_timeout_ms &&
         a.socket_timeout_ms == b.socket_timeout_ms;
}

template <class Connector>
void round_trip(std::string_view text) {
  auto first = Connector::from_json(text);
  if (!first) {
    FUZZ_REQUIRE(first.error().code == logto::errc::invalid_config, "a refused config is errc::invalid_config");
    return;
  }
  const std::string written = write(first->settings());
  auto second = Connector::from_json(written);
  if (!second) std::fprintf(stderr, "re-parse failed: %s\n", second.error().message.c_str());
  FUZZ_REQUIRE(second.has_value(), "a re-serialised config parses");
  FUZZ_REQUIRE(equal(first->settings(), second->settings()), "parse -> serialise -> parse gives an equal config");
  FUZZ_REQUIRE(write(second->settings()) == written, "serialising the re-parsed config gives the same bytes");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = fuzz::as_view(data, size);
  switch (fuzz::take_byte(in) % 5) {
    case 0: round_trip<cn::aliyun_sms>(in); break;
    case 1: round_trip<cn::aliyun_dm>(in); break;
    case 2: round_trip<cn::tencent_sms>(in); break;
    case 3: round_trip<cn::twilio_sms>(in); break;
    default: round_trip<cn::smtp>(in); break;
  }
  return 0;
}
