// Differential test against the official Logto connector packages (the oracle).
//
// tests/interop/connectors/cases.json lists request, response and config cases; expected.json is what
// @logto/connector-aliyun-sms 1.5.5, -aliyun-dm 1.6.1, -tencent-sms 1.4.4 and -twilio-sms 1.4.4 did with
// them (frozen clock and nonce; see tests/interop/connectors/README.md). Every case is run through our
// connectors:
// * request cases: method, URL, body and the headers the connector itself sets must be identical byte for
//   byte (header names compared case-insensitively; got's user-agent/accept/accept-encoding/content-length
//   and Node's `Host`/`Connection` are not the connector's; content-length must equal our body size);
// * response cases: parse_response must give the same outcome class (ok or the connector-kit error code);
// * config cases: from_json (or, for a template miss, build_request) must fail with the same code.
// Where we differ on purpose, the difference is listed in `deliberate_differences` below with the
// official outcome asserted too, so a change on either side makes the test fail.
#include <logto/connectors/aliyun_dm.hpp>
#include <logto/connectors/aliyun_sms.hpp>
#include <logto/connectors/tencent_sms.hpp>
#include <logto/connectors/twilio_sms.hpp>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "catch2_compat.hpp"

using namespace logto;
using namespace logto::connectors;

namespace {

// LOGTO_TEST_DATA_DIR + "/../interop/connectors/", spelled without ".." when the data dir ends in "/data".
std::string interop_dir() {
  const std::string data = LOGTO_TEST_DATA_DIR;
  if (data.size() >= 5 && data.compare(data.size() - 5, 5, "/data") == 0) {
    return data.substr(0, data.size() - 5) + "/interop/connectors/";
  }
  return data + "/../interop/connectors/";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const json::value& member(const json::value& obj, const char* key) {
  static const json::value null_value;
  const json::object* o = json::as_object(obj);
  if (o == nullptr) return null_value;
  const json::value* v = json::find(*o, key);
  return v == nullptr ? null_value : *v;
}

std::string str(const json::value& v) {
  const std::string* s = json::as_string(v);
  return s == nullptr ? std::string() : *s;
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// The connector under test, whichever it is.
struct any_connector {
  std::string name;
  std::optional<aliyun_sms> sms;
  std::optional<aliyun_dm> dm;
  std::optional<tencent_sms> tencent;
  std::optional<twilio_sms> twilio;
  // aliyun-dm with `i18n_email_templates`: what the connector asked the provider, as "type|locale" ("-" for none).
  std::shared_ptr<std::vector<std::string>> i18n_calls = std::make_shared<std::vector<std::string>>();

  result<http_request> build(const message& m, std::int64_t secs, std::string_view nonce) const {
    if (sms) return sms->build_request(m, secs, nonce);
    if (dm) return dm->build_request(m, secs, nonce);
    if (tencent) return tencent->build_request(m, secs, nonce);
    return twilio->build_request(m, secs, nonce);
  }
  // The outcome class: "ok" or the error code string. For aliyun successes also the result fields.
  std::string parse(const http_response& r, std::string* result_json = nullptr) const {
    if (sms) {
      auto x = sms->parse_response(r);
      if (!x) return std::string(to_string(x.error().code));
      if (result_json != nullptr) {
        json::members m{{"Code", json::value(x->code)}, {"Message", json::value(x->message)}};
        if (x->biz_id) m.emplace_back("BizId", json::value(*x->biz_id));
        m.emplace_back("RequestId", json::value(x->request_id));
        *result_json = json::stringify(m);
      }
      return "ok";
    }
    if (dm) {
      auto x = dm->parse_response(r);
      if (!x) return std::string(to_string(x.error().code));
      if (result_json != nullptr) {
        *result_json = json::stringify(
            json::members{{"EnvId", json::value(x->env_id)}, {"RequestId", json::value(x->request_id)}});
      }
      return "ok";
    }
    auto x = tencent ? tencent->parse_response(r) : twilio->parse_response(r);
    return x ? "ok" : std::string(to_string(x.error().code));
  }
};

result<any_connector> make_connector(const std::string& name, const std::string& config_json,
                                     const json::value& i18n_template, const json::value& i18n_templates) {
  any_connector c;
  c.name = name;
  if (name == "aliyun-sms") {
    auto x = aliyun_sms::from_json(config_json);
    if (!x) return x.error();
    c.sms.emplace(std::move(*x));
  } else if (name == "aliyun-dm") {
    auto x = aliyun_dm::from_json(config_json);
    if (!x) return x.error();
    if (json::as_object(i18n_template) != nullptr) {
      email_template t;
      t.subject = str(member(i18n_template, "subject"));
      t.content = str(member(i18n_template, "content"));
      if (member(i18n_template, "contentType").is<std::string>())
        t.content_type = str(member(i18n_template, "contentType"));
      if (member(i18n_template, "replyTo").is<std::string>()) t.reply_to = str(member(i18n_template, "replyTo"));
      if (member(i18n_template, "sendFrom").is<std::string>()) t.send_from = str(member(i18n_template, "sendFrom"));
      // capture.mjs: getI18nEmailTemplate resolves to this template whatever it is asked for.
      x->set_i18n_template_provider(
          [t](std::string_view, std::optional<std::string_view>) { return std::optional<email_template>(t); });
    }
    if (json::as_object(i18n_templates) != nullptr) {
      // capture.mjs: Logto core's getI18nEmailTemplate over this list; ours is i18n_email_templates.
      auto store = i18n_email_templates::from_json(member(i18n_templates, "templates"),
                                                   str(member(i18n_templates, "fallback_language")));
      REQUIRE(store);
      x->set_i18n_template_provider([provider = store->provider(), calls = c.i18n_calls](
                                        std::string_view type, std::optional<std::string_view> locale) {
        calls->push_back(std::string(type) + "|" + (locale ? std::string(*locale) : std::string("-")));
        return provider(type, locale);
      });
    }
    c.dm.emplace(std::move(*x));
  } else if (name == "tencent-sms") {
    auto x = tencent_sms::from_json(config_json);
    if (!x) return x.error();
    c.tencent.emplace(std::move(*x));
  } else if (name == "twilio-sms") {
    auto x = twilio_sms::from_json(config_json);
    if (!x) return x.error();
    c.twilio.emplace(std::move(*x));
  } else {
    return make_error(errc::invalid_argument, "unknown connector " + name);
  }
  return c;
}

message make_message(const json::document& doc, const json::value& m) {
  message out;
  out.to = str(member(m, "to"));
  out.type = str(member(m, "type"));
  auto p = payload::from_value(value::from_document(doc, member(m, "payload")));
  REQUIRE(p);
  out.payload = std::move(*p);
  return out;
}

// Headers got/Node add by themselves; Node's own Host is spelled "Host" (tencent's connector-set
// header arrives lower-cased as "host" and is compared).
bool added_by_got_or_node(const std::string& name) {
  const std::string n = lower(name);
  return n == "user-agent" || n == "accept" || n == "accept-encoding" || n == "content-length" || n == "connection" ||
         name == "Host";
}

// expected outcome class: "ok", a ConnectorError code, or "raw:<error_class>" for errors the official
// connector does not wrap.
std::string official_class(const json::value& outcome) {
  if (member(outcome, "ok").is<bool>() && member(outcome, "ok").get<bool>()) return "ok";
  const std::string cls = str(member(outcome, "error_class"));
  if (cls == "ConnectorError") return str(member(outcome, "code"));
  return "raw:" + cls;
}

// Our outcome for each official raw (unwrapped) error class: we always wrap.
std::string our_class_for_raw(const std::string& raw) {
  if (raw == "raw:TypeError" || raw == "raw:ParseError") return "invalid_response";  // malformed 2xx body
  return "general";                                                                  // e.g. RequestError
}

// Cases where we deliberately answer differently from the official connector: name -> {official, ours}.
const std::map<std::string, std::pair<std::string, std::string>>& deliberate_differences() {
  static const std::map<std::string, std::pair<std::string, std::string>> table = {
      // got counts 304 as success; a POST never legitimately gets a 304 and nothing says the SMS went out.
      {"twilio-sms/response/http-304-empty", {"ok", "general"}},
      // A per-number frequency limit is a rate limit, as the official Aliyun connector reports Aliyun's
      // own (isv.BUSINESS_LIMIT_CONTROL); see tencent_sms.hpp.
      {"tencent-sms/response/send-status-not-ok", {"general", "rate_limit_exceeded"}},
  };
  return table;
}

struct oracle {
  json::document cases;
  json::document expected;
  std::map<std::string, const json::value*> request_results, response_results, config_results;

  oracle() {
    INFO("reading " << interop_dir() << "cases.json and expected.json");
    const std::string cases_text = read_file(interop_dir() + "cases.json");
    REQUIRE_FALSE(cases_text.empty());
    auto c = json::parse_document(cases_text);
    REQUIRE(c);
    cases = std::move(*c);
    auto e = json::parse_document(read_file(interop_dir() + "expected.json"));
    REQUIRE(e);
    expected = std::move(*e);
    index("request_results", request_results);
    index("response_results", response_results);
    index("config_results", config_results);
  }
  void index(const char* list, std::map<std::string, const json::value*>& out) {
    const json::array* a = json::as_array(member(expected.root(), list));
    REQUIRE(a != nullptr);
    for (const auto& r : *a) out[str(member(r, "name"))] = &r;
  }
  const json::array& list(const char* name) const {
    const json::array* a = json::as_array(member(cases.root(), name));
    REQUIRE(a != nullptr);
    return *a;
  }
};

const oracle& the_oracle() {
  static const oracle o;
  return o;
}

}  // namespace

TEST_CASE("official connectors' request cases: identical method, URL, body and connector headers",
          "[connectors][differential]") {
  const oracle& o = the_oracle();
  const json::array& cases = o.list("request_cases");
  REQUIRE(cases.size() > 0);
  REQUIRE(o.request_results.size() == cases.size());
  std::map<std::string, int> equal_per_connector;
  std::size_t equal = 0;
  std::size_t i18n_cases = 0;
  for (const auto& c : cases) {
    const std::string name = str(member(c, "name"));
    INFO("case " << name);
    const auto it = o.request_results.find(name);
    REQUIRE(it != o.request_results.end());
    const json::value& expected = member(*it->second, "request");
    const std::string connector_name = str(member(c, "connector"));
    auto conn = make_connector(connector_name, json::stringify(member(c, "config")), member(c, "i18n_email_template"),
                               member(c, "i18n_email_templates"));
    REQUIRE(conn);
    const message m = make_message(o.cases, member(c, "message"));
    const auto time_ms = json::as_integer(member(c, "time_ms"));
    REQUIRE(time_ms);
    auto req = conn->build(m, unix_seconds_from_ms(*time_ms), str(member(c, "nonce")));
    REQUIRE(req);
    // The oracle must have succeeded with the canned success response, and so must we.
    CHECK(official_class(member(*it->second, "outcome")) == "ok");

    bool same = true;
    CHECK(req->method == str(member(expected, "method")));
    CHECK(req->url == str(member(expected, "url")));
    CHECK(req->body == str(member(expected, "body")));
    same = same && req->method == str(member(expected, "method")) && req->url == str(member(expected, "url")) &&
           req->body == str(member(expected, "body"));

    std::vector<std::pair<std::string, std::string>> theirs;
    std::string content_length;
    const json::array* headers = json::as_array(member(expected, "headers"));
    REQUIRE(headers != nullptr);
    for (const auto& h : *headers) {
      const json::array* pair = json::as_array(h);
      REQUIRE((pair != nullptr && pair->size() == 2));
      const std::string hn = str((*pair)[0]);
      if (lower(hn) == "content-length") content_length = str((*pair)[1]);
      if (!added_by_got_or_node(hn)) theirs.emplace_back(lower(hn), str((*pair)[1]));
    }
    std::vector<std::pair<std::string, std::string>> ours;
    for (const auto& h : req->headers) ours.emplace_back(lower(h.name), h.value);
    CHECK(ours == theirs);
    CHECK(content_length == std::to_string(req->body.size()));
    same = same && ours == theirs && content_length == std::to_string(req->body.size());
    // The official connector asked getI18nEmailTemplate exactly what ours asked its provider.
    if (const json::array* calls = json::as_array(member(*it->second, "i18n_calls"))) {
      std::vector<std::string> official;
      for (const auto& call : *calls) {
        const json::array* args = json::as_array(call);
        REQUIRE((args != nullptr && args->size() == 2));
        const std::string* locale = json::as_string((*args)[1]);
        official.push_back(str((*args)[0]) + "|" + (locale != nullptr ? *locale : std::string("-")));
      }
      CHECK(*conn->i18n_calls == official);
      same = same && *conn->i18n_calls == official;
      ++i18n_cases;
    }
    if (same) {
      ++equal;
      ++equal_per_connector[connector_name];
    }
  }
  CHECK(equal == cases.size());
  // Every connector is exercised.
  CHECK(equal_per_connector["aliyun-sms"] > 0);
  CHECK(equal_per_connector["aliyun-dm"] > 0);
  CHECK(equal_per_connector["tencent-sms"] > 0);
  CHECK(equal_per_connector["twilio-sms"] > 0);
  CHECK(i18n_cases >= 9);  // Logto core's locale fallbacks (cases.json "aliyun-dm/i18n-...")
}

TEST_CASE("official connectors' response cases: same outcome class (deliberate differences asserted)",
          "[connectors][differential]") {
  const oracle& o = the_oracle();
  const json::array& cases = o.list("response_cases");
  REQUIRE(cases.size() > 0);
  REQUIRE(o.response_results.size() == cases.size());
  std::size_t equal = 0, raw_mapped = 0, deliberate = 0;
  for (const auto& c : cases) {
    const std::string name = str(member(c, "name"));
    INFO("case " << name);
    const auto it = o.response_results.find(name);
    REQUIRE(it != o.response_results.end());
    auto conn =
        make_connector(str(member(c, "connector")), json::stringify(member(c, "config")), json::value(), json::value());
    REQUIRE(conn);
    const json::value& rv = member(c, "response");
    http_response r;
    const auto status = json::as_integer(member(rv, "status"));
    REQUIRE(status);
    r.status = static_cast<int>(*status);
    r.body = str(member(rv, "body"));
    if (const json::object* h = json::as_object(member(rv, "headers"))) {
      for (const auto& kv : *h) r.headers.push_back({kv.first, str(kv.second)});
    }
    const json::value& outcome = member(*it->second, "outcome");
    const std::string official = official_class(outcome);
    std::string result_json;
    const std::string ours = conn->parse(r, &result_json);

    const auto d = deliberate_differences().find(name);
    if (d != deliberate_differences().end()) {
      CHECK(official == d->second.first);
      CHECK(ours == d->second.second);
      if (official == d->second.first && ours == d->second.second) ++deliberate;
      continue;
    }
    if (official.rfind("raw:", 0) == 0) {
      // The official connector crashes with an unwrapped error; we return a connector error instead.
      CHECK(ours == our_class_for_raw(official));
      if (ours == our_class_for_raw(official)) ++raw_mapped;
      continue;
    }
    CHECK(ours == official);
    if (ours != official) continue;
    // Aliyun successes return the same fields as the official connector (extra keys stripped).
    if (ours == "ok" && !member(outcome, "result").is_null()) {
      const json::value& res = member(outcome, "result");
      json::members m;
      const json::object* ro = json::as_object(res);
      REQUIRE(ro != nullptr);
      for (const auto& key : o.expected.keys(*ro)) m.emplace_back(key, *json::find(*ro, key));
      CHECK(result_json == json::stringify(m));
      if (result_json != json::stringify(m)) continue;
    }
    ++equal;
  }
  CHECK(equal + raw_mapped + deliberate == cases.size());
  CHECK(equal > 0);
  CHECK(raw_mapped > 0);
  CHECK(deliberate == deliberate_differences().size());
}

TEST_CASE("official connectors' config cases: same error code, and the message names the field",
          "[connectors][differential]") {
  const oracle& o = the_oracle();
  const json::array& cases = o.list("config_cases");
  REQUIRE(cases.size() > 0);
  REQUIRE(o.config_results.size() == cases.size());
  std::size_t equal = 0;
  for (const auto& c : cases) {
    const std::string name = str(member(c, "name"));
    INFO("case " << name);
    const auto it = o.config_results.find(name);
    REQUIRE(it != o.config_results.end());
    const json::value& sent = member(*it->second, "request_sent");
    CHECK((sent.is<bool>() && !sent.get<bool>()));
    const json::value& outcome = member(*it->second, "outcome");
    const std::string official = official_class(outcome);
    auto conn =
        make_connector(str(member(c, "connector")), json::stringify(member(c, "config")), json::value(), json::value());
    error err;
    if (conn) {
      // Valid config: the failure comes from the template lookup (tencent has no Generic fallback).
      const message m = make_message(o.cases, member(c, "message"));
      auto req = conn->build(m, unix_seconds_from_ms(*json::as_integer(member(c, "time_ms"))), str(member(c, "nonce")));
      REQUIRE_FALSE(req);
      err = req.error();
    } else {
      err = conn.error();
    }
    INFO("our error: " << err.message);
    CHECK(std::string(to_string(err.code)) == official);
    // Every field zod complained about is named in our message ("templates[0].templateCode").
    bool named = true;
    if (const json::array* issues = json::as_array(member(member(outcome, "data"), "issues"))) {
      for (const auto& issue : *issues) {
        std::string path;
        for (const auto& part : *json::as_array(member(issue, "path"))) {
          if (const auto idx = json::as_integer(part)) {
            // Appended piece by piece: g++ 12 -O3 reports `"[" + std::string&&` as a memcpy larger than any
            // object (-Wstringop-overflow, a false positive of its range analysis of the inlined insert).
            path += '[';
            path += std::to_string(*idx);
            path += ']';
          } else {
            if (!path.empty()) path += '.';
            path += str(part);
          }
        }
        INFO("zod path " << path);
        CHECK(err.message.find(path + ":") != std::string::npos);
        named = named && err.message.find(path + ":") != std::string::npos;
      }
    }
    if (std::string(to_string(err.code)) == official && named) ++equal;
  }
  CHECK(equal == cases.size());
}
