// connector-kit semantics shared by every connector (connectors/connector.hpp): usage types, template
// lookup, {{placeholder}} rendering, the ordered payload and JavaScript's String() / JSON.stringify.
// Expected strings marked "(kit)" are what @logto/connector-kit 5.1.1's replaceSendMessageHandlebars
// returned for the same input under Node 20; "(JS)" marks outputs of String()/JSON.stringify in Node 20.
#include <logto/connectors/connector.hpp>

#include <limits>

#include "catch2_compat.hpp"

using namespace logto;
using namespace logto::connectors;

namespace {
payload parse_payload(const char* text) {
  auto p = payload::parse(text);
  REQUIRE(p);
  return std::move(*p);
}
struct tpl {
  std::string usage_type;
  int id;
};
}  // namespace

TEST_CASE("connector-kit TemplateType strings round-trip; unknown strings stay usable", "[connectors][templates]") {
  const char* names[] = {"SignIn",
                         "Register",
                         "ForgotPassword",
                         "OrganizationInvitation",
                         "Generic",
                         "UserPermissionValidation",
                         "BindNewIdentifier",
                         "MfaVerification",
                         "BindMfa"};
  for (int i = 0; i < 9; ++i) {
    const auto t = static_cast<usage_type>(i);
    CHECK(to_string(t) == names[i]);
    CHECK(usage_type_from_string(names[i]) == t);
  }
  CHECK(to_string(usage_type::register_) == "Register");
  CHECK_FALSE(usage_type_from_string("signin"));  // the kit compares exactly
  CHECK_FALSE(usage_type_from_string("Test"));
  message m("+1", "CustomFlow");
  CHECK(m.type == "CustomFlow");
  CHECK_FALSE(m.usage());
  CHECK(message("+1", usage_type::mfa_verification).type == "MfaVerification");
}

TEST_CASE("getConfigTemplateByType: exact usage type (first wins), else Generic; tencent exact only",
          "[connectors][templates]") {
  const std::vector<tpl> ts = {{"SignIn", 1}, {"Generic", 2}, {"SignIn", 3}, {"Register", 4}, {"Generic", 5}};
  CHECK(find_template(ts, "SignIn")->id == 1);
  CHECK(find_template(ts, "Register")->id == 4);
  CHECK(find_template(ts, "BindMfa")->id == 2);
  CHECK(find_template(ts, "anything")->id == 2);
  CHECK(find_template_exact(ts, "BindMfa") == nullptr);
  CHECK(find_template_exact(ts, "Register")->id == 4);
  const std::vector<tpl> none = {{"SignIn", 1}};
  CHECK(find_template(none, "Register") == nullptr);
}

TEST_CASE("replaceSendMessageHandlebars: documented and captured examples (kit)", "[connectors][templates]") {
  // connectors-behaviour.md 0.4
  CHECK(render_template("Hello {{user.name}}, code {{ code }}", parse_payload(R"({"code":"135790","user":{}})")) ==
        "Hello , code 135790");
  CHECK(render_template("{{missing.key}}", parse_payload(R"({"code":"1"})")) == "{{missing.key}}");
  // connector-kit's own doc comment examples
  CHECK(render_template("Your verification code is {{code}}", parse_payload(R"({"code":"123456"})")) ==
        "Your verification code is 123456");
  CHECK(render_template("Your application name is {{application.name}}",
                        parse_payload(R"({"application":{"name":"Logto"}})")) == "Your application name is Logto");
  CHECK(render_template("Your application name is {{application.name}}", parse_payload(R"({"application":{}})")) ==
        "Your application name is ");
  CHECK(render_template("Your verification code is {{code}}", parse_payload("{}")) ==
        "Your verification code is {{code}}");
  // (kit) one template exercising every rule
  const payload p = parse_payload(R"({"code":"135790","user":{},"n":null,"list":[1,"a",null,[2,3],{}]})");
  CHECK(render_template("Hello {{user.name}}, code {{ code }} {{missing.key}} {{{code}}} {{ code-x }} {{}} {code} "
                        "{{user}} {{n}} {{list}} {{list.0}} {{list.length}} {{n.x}} {{code.length}}",
                        p) ==
        "Hello , code 135790 {{missing.key}} {135790} {{ code-x }} {{}} {code} [object Object]  1,a,,2,3,[object "
        "Object] 1 5  ");
}

TEST_CASE("replaceSendMessageHandlebars: inherited names, JS whitespace and odd keys (kit)",
          "[connectors][templates]") {
  const payload p = parse_payload(R"({"code":"1","user":{},"list":[]})");
  // `baseKey in payload` also sees Object.prototype; String(function) is V8's native-code text.
  CHECK(render_template("{{toString}} {{valueOf}} {{user.isPrototypeOf}} {{list.map}} {{list.constructor}} "
                        "{{user.__proto__}}",
                        p) ==
        "function toString() { [native code] } function valueOf() { [native code] } function isPrototypeOf() { "
        "[native code] } function map() { [native code] } function Array() { [native code] } [object Object]");
  CHECK(render_template("{{constructor}}|{{list.__proto__}}|{{user.hasOwnProperty}}", p) ==
        "function Object() { [native code] }||function hasOwnProperty() { [native code] }");
  // Empty root key, unknown root, empty path part.
  CHECK(render_template("{{ .code }}|{{a..b}}|{{code.}}", p) == "{{ .code }}|{{a..b}}|");
  // \s is Unicode-aware (U+00A0, U+3000 match); U+200B is not whitespace.
  CHECK(render_template("{{\xC2\xA0"
                        "code\xE3\x80\x80}}|{{\xE2\x80\x8B"
                        "code}}",
                        p) ==
        "1|{{\xE2\x80\x8B"
        "code}}");
  CHECK(render_template("{{\tcode\n}}{{code}}{{ code }", p) == "11{{ code }");
}

TEST_CASE("String() and JSON.stringify of payload values match JavaScript (JS)", "[connectors][templates]") {
  const struct {
    double d;
    const char* js;
  } numbers[] = {{1e21, "1e+21"},
                 {1e-7, "1e-7"},
                 {0.000001, "0.000001"},
                 {123e-20, "1.23e-18"},
                 {-0.0, "0"},
                 {0.1 + 0.2, "0.30000000000000004"},
                 {5e-324, "5e-324"},
                 {1.7976931348623157e308, "1.7976931348623157e+308"},
                 {100, "100"},
                 {123456789012345680000.0, "123456789012345680000"},
                 {-1.5, "-1.5"},
                 {1e20, "100000000000000000000"},
                 {0.5, "0.5"},
                 {1234.5678, "1234.5678"},
                 {9007199254740992.0, "9007199254740992"},
                 {-1e-7, "-1e-7"}};
  for (const auto& n : numbers) {
    INFO(n.js);
    CHECK(value(n.d).to_js_string() == n.js);
    CHECK(value(n.d).to_json() == n.js);
  }
  CHECK(value(std::numeric_limits<double>::quiet_NaN()).to_js_string() == "NaN");
  CHECK(value(std::numeric_limits<double>::quiet_NaN()).to_json() == "null");
  CHECK(value(-std::numeric_limits<double>::infinity()).to_js_string() == "-Infinity");
  // String(["x",1,false,null]) === "x,1,false," (the oracle engineer's finding)
  auto arr = value::parse(R"(["x",1,false,null])");
  REQUIRE(arr);
  CHECK(arr->to_js_string() == "x,1,false,");
  CHECK(value().to_js_string() == "null");
  CHECK(value::make_object().to_js_string() == "[object Object]");
  // JSON.stringify enumerates array-index keys first (ascending), then the rest in insertion order.
  auto obj = value::parse(R"({"b":1,"2":2,"a":3,"1":4,"01":5,"4294967295":6,"4294967294":7})");
  REQUIRE(obj);
  CHECK(obj->to_json() == R"({"1":4,"2":2,"4294967294":7,"b":1,"a":3,"01":5,"4294967295":6})");
  // JSON.stringify escaping: control characters, but not '/', U+007F or U+2028.
  CHECK(value("a\"\\/\b\f\n\r\t\x01\x7f\xE2\x80\xA8").to_json() ==
        "\"a\\\"\\\\/\\b\\f\\n\\r\\t\\u0001\x7f\xE2\x80\xA8\"");
}

TEST_CASE("payload keeps insertion order at every depth; set() keeps an existing key's position",
          "[connectors][templates]") {
  payload p = parse_payload(R"({"code":"1","user":{"id":"u","username":"alice","profile":{}},"z":[{"b":1,"a":2}]})");
  CHECK(p.to_json() == R"({"code":"1","user":{"id":"u","username":"alice","profile":{}},"z":[{"b":1,"a":2}]})");
  p.set("code", value("2")).locale("en").ui_locales("en fr").link("https://x/?a=b");
  CHECK(p.to_json() ==
        R"({"code":"2","user":{"id":"u","username":"alice","profile":{}},"z":[{"b":1,"a":2}],"locale":"en",)"
        R"("uiLocales":"en fr","link":"https://x/?a=b"})");
  CHECK(p.find_string("locale") != nullptr);
  CHECK(p.erase("user"));
  CHECK_FALSE(p.contains("user"));
  CHECK(p.size() == 5);
  payload q;
  q.code("246810").set("count", value(42)).set("flag", value(true)).set("nothing", value(nullptr));
  CHECK(q.to_json() == R"({"code":"246810","count":42,"flag":true,"nothing":null})");
  CHECK_FALSE(payload::parse("[1]"));
  CHECK_FALSE(payload::parse("{"));
}
