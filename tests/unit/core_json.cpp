// Strict JSON (RFC 8259) over picojson, type-checked access, JSON.stringify-exact output.
#include <logto/connectors/connector.hpp>
#include <logto/core/strict_json.hpp>
#include <logto/oidc/session.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

// No fork() on Windows or WebAssembly: the child-process test below is left out there.
#if !defined(_WIN32) && !defined(__wasm__)
#include <fcntl.h>     // open
#include <csignal>     // SIGABRT
#include <sys/wait.h>  // waitpid
#include <unistd.h>    // fork, pipe, dup2
#endif

#include "catch2_compat.hpp"

using namespace logto;

TEST_CASE("RFC 8259: valid documents parse", "[core][json]") {
  auto v = json::parse(R"( {"a":[1,-2.5e3,true,false,null],"s":"x\u00e9\ud83d\ude80\n","o":{}} )");
  REQUIRE(v);
  const auto* obj = json::as_object(*v);
  REQUIRE(obj != nullptr);
  const auto* arr = json::as_array(*json::find(*obj, "a"));
  REQUIRE(arr != nullptr);
  CHECK(arr->size() == 5);
  CHECK((*arr)[1].get<double>() == -2500.0);
  CHECK(*json::as_string(*json::find(*obj, "s")) == "x\xc3\xa9\xf0\x9f\x9a\x80\n");
}

TEST_CASE("malformed and hostile JSON is rejected with a message", "[core][json]") {
  const char* bad[] = {
      "",                   // empty
      "{",                  // truncated
      "{\"a\":1,}",         // trailing comma
      "[1,]",               // trailing comma
      "{\"a\":1 \"b\":2}",  // missing comma
      "01",                 // leading zero
      "1.",                 // bad fraction
      "1e",                 // bad exponent
      "-",                  // lone minus
      "NaN",                // not JSON
      "1e400",              // picojson throws std::overflow_error on this
      "-1e400",             //
      "\"\\ud800\"",        // lone high surrogate
      "\"\\udc00\"",        // lone low surrogate
      "\"a\tb\"",           // raw control character
      "\"\\x41\"",          // invalid escape
      "\"\xff\"",           // invalid UTF-8
      "{\"a\":1,\"a\":2}",  // duplicate member (picojson keeps the last)
      "{\"a\":{\"b\":1,\"b\":1}}",
      "[1] 2",      // trailing data
      "tru",        // bad literal
      "{'a':1}",    // single quotes
      "/* c */ 1",  // comments
  };
  for (const char* text : bad) {
    auto r = json::parse(text);
    INFO(text);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::invalid_json);
    CHECK(r.error().message.find("invalid JSON at offset") == 0);
  }
}

TEST_CASE("nesting depth is bounded", "[core][json]") {
  std::string deep(LOGTO_MAX_JSON_DEPTH, '[');
  deep += std::string(LOGTO_MAX_JSON_DEPTH, ']');
  CHECK(json::parse(deep));
  std::string too_deep(LOGTO_MAX_JSON_DEPTH + 1, '[');
  too_deep += std::string(LOGTO_MAX_JSON_DEPTH + 1, ']');
  auto r = json::parse(too_deep);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("nesting") != std::string::npos);
  std::string bomb(100000, '[');
  CHECK_FALSE(json::parse(bomb));
}

TEST_CASE("accessors check types first", "[core][json]") {
  auto v = json::parse(R"({"s":"x","n":1700000000,"f":1.5,"big":9007199254740992,"b":true,"z":null,"e":"1"})");
  REQUIRE(v);
  const auto& o = *json::as_object(*v);
  CHECK(*json::get_string(o, "s") == "x");
  auto missing = json::get_string(o, "nope", "token response");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == "token response: \"nope\" is missing");
  auto wrong = json::get_string(o, "n");
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().message == "\"n\" must be a string");
  CHECK(*json::get_integer(o, "n") == 1700000000);
  CHECK_FALSE(json::get_integer(o, "f"));    // fraction
  CHECK_FALSE(json::get_integer(o, "big"));  // beyond 2^53 - 1
  CHECK_FALSE(json::get_integer(o, "e"));    // a string is not a NumericDate
  CHECK(json::get_optional_integer(o, "nope")->has_value() == false);
  CHECK(**json::get_optional_bool(o, "b"));
  CHECK_FALSE(json::get_optional_bool(o, "s"));
  CHECK_FALSE(json::get_optional_string(o, "z"));
  CHECK_FALSE(json::get_optional_string(o, "z", {}, true)->has_value());
}

TEST_CASE("numbers read by the parser equal strtod's correctly rounded double", "[core][json]") {
  // The parser has an exact fast path (<= 15 significant digits, |10^e| <= 10^22) and a general one;
  // both must give the double C's strtod gives (correctly rounded on glibc), for every spelling.
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  const auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const char* formats[] = {"%.17g", "%.15g", "%.6g", "%.3e", "%.0f", "%.2f", "%.9e", "%.16e"};
  int checked = 0;
  for (int i = 0; i < 20000; ++i) {
    double v = 0;
    const std::uint64_t r = next();
    if (i % 3 == 0) {
      std::memcpy(&v, &r, sizeof v);  // any bit pattern
      if (!std::isfinite(v)) continue;
    } else if (i % 3 == 1) {
      v = static_cast<double>(r % 100000000000ULL) / std::pow(10.0, static_cast<double>(r % 23));  // short decimals
    } else {
      v = static_cast<double>(static_cast<std::int64_t>(r >> 11)) * (r & 1 ? -1 : 1);  // integers up to 2^53
    }
    char buf[400];  // "%.2f" of 1e308 has 312 characters
    const int n = std::snprintf(buf, sizeof buf, formats[(r >> 3) % 8], v);
    REQUIRE((n > 0 && static_cast<std::size_t>(n) < sizeof buf));
    const double expected = std::strtod(buf, nullptr);
    if (!std::isfinite(expected)) continue;
    auto parsed = json::parse(buf);
    INFO(buf);
    REQUIRE(parsed);
    REQUIRE(parsed->if_number() != nullptr);
    CHECK(std::memcmp(parsed->if_number(), &expected, sizeof expected) == 0);
    ++checked;
  }
  CHECK(checked > 15000);
}

TEST_CASE("objects keep document and insertion order", "[core][json]") {
  auto doc = json::parse_document(R"({"zeta":1,"alpha":{"y":1,"x":2},"mid":3})");
  REQUIRE(doc);
  const auto& root = *json::as_object(doc->root());
  CHECK(doc->keys(root) == std::vector<std::string>{"zeta", "alpha", "mid"});
  CHECK(doc->keys(*json::as_object(*json::find(root, "alpha"))) == std::vector<std::string>{"y", "x"});
  json::object other;
  other["b"] = json::value(1.0);
  other["a"] = json::value(2.0);
  CHECK(doc->keys(other) == std::vector<std::string>{"b", "a"});
  // Assigning to an existing member keeps its place (as JavaScript does); emplace keeps the first.
  other["b"] = json::value(3.0);
  CHECK_FALSE(other.emplace("a", json::value(4.0)).second);
  CHECK(json::stringify(json::value(other)) == R"({"b":3,"a":2})");
  CHECK(other.erase("b") == 1);
  CHECK(other.erase("b") == 0);
  CHECK(json::stringify(json::value(other)) == R"({"a":2})");
}

TEST_CASE("objects enumerate as JavaScript does: array-index names first, ascending", "[core][json]") {
  // JSON.stringify(JSON.parse('{"b":1,"10":2,"a":3,"2":4,"01":5}')) === '{"2":4,"10":2,"b":1,"a":3,"01":5}'
  auto v = json::parse(R"({"b":1,"10":2,"a":3,"2":4,"01":5})");
  REQUIRE(v);
  CHECK(json::stringify(*v) == R"({"2":4,"10":2,"b":1,"a":3,"01":5})");
}

TEST_CASE("a large object with a duplicate name is refused without quadratic work", "[core][json]") {
  std::string text = "{";
  for (int i = 0; i < 5000; ++i) text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  auto ok = json::parse(text.substr(0, text.size() - 1) + "}");
  REQUIRE(ok);
  CHECK(json::as_object(*ok)->size() == 5000);
  text += "\"k4321\":0}";
  auto dup = json::parse(text);
  REQUIRE_FALSE(dup);
  CHECK(dup.error().code == errc::invalid_json);
  CHECK(dup.error().message.find("duplicate member name \"k4321\"") != std::string::npos);
}

TEST_CASE("stringify matches JSON.stringify", "[core][json]") {
  CHECK(json::quote("a\"b\\c\n\t\x01\x1f/\xe6\xb5\x8b") == "\"a\\\"b\\\\c\\n\\t\\u0001\\u001f/\xe6\xb5\x8b\"");
  json::members m{{"code", json::value("123456")},
                  {"n", json::value(1795350026.0)},
                  {"f", json::value(0.5)},
                  {"neg", json::value(-3.0)},
                  {"arr", json::value(json::array{json::value(true), json::value()})}};
  CHECK(json::stringify(m) == R"({"code":"123456","n":1795350026,"f":0.5,"neg":-3,"arr":[true,null]})");
  auto v = json::parse(R"({"b":[1e-7,1.25,100],"a":"x"})");
  REQUIRE(v);
  CHECK(json::stringify(*v) == R"({"b":[1e-7,1.25,100],"a":"x"})");
}

TEST_CASE("numbers are written as ECMA-262 Number::toString writes them", "[core][json]") {
  const std::pair<double, const char*> cases[] = {
      {0.0, "0"},
      {-0.0, "0"},
      {1e-6, "0.000001"},
      {1e-7, "1e-7"},
      {1.5e-7, "1.5e-7"},
      {1e21, "1e+21"},
      {1e20, "100000000000000000000"},
      {0.1, "0.1"},
      {-2.5, "-2.5"},
      {123.456, "123.456"},
      {1795350026.5, "1795350026.5"},
      {5e-324, "5e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
  };
  for (const auto& c : cases) {
    std::string out;
    json::append_number(out, c.first);
    CHECK(out == c.second);
  }
  std::string nan;
  json::append_number(nan, std::nan(""));
  CHECK(nan == "null");  // JSON.stringify(NaN)
  std::string js;
  json::append_js_number(js, std::nan(""));
  CHECK(js == "NaN");  // String(NaN)
}

namespace {
// The bits of a double, so that 0 and -0 differ.
std::uint64_t bits(double d) {
  std::uint64_t u = 0;
  std::memcpy(&u, &d, sizeof u);
  return u;
}
}  // namespace

TEST_CASE("numbers are read as JSON.parse reads them; too large for a double is refused", "[core][json]") {
  const double tiny = std::numeric_limits<double>::denorm_min();  // 5e-324
  const std::pair<const char*, double> cases[] = {
      {"1e-400", 0.0},                    // too small for any double: 0, as JSON.parse
      {"-1e-400", -0.0},                  // keeping the sign
      {"1e-99999999999999999999", 0.0},   // an exponent beyond any integer type
      {"4.9e-324", tiny},                 // the nearest double is the smallest subnormal
      {"2.4703282292062328e-324", tiny},  // just above half of it: rounds up
      {"2.4703282292062327e-324", 0.0},   // just below: rounds to 0
      {"1e-310", 1e-310},                 // subnormal
      {"2.2250738585072011e-308", 2.2250738585072011e-308},
      {"1.7976931348623157e308", std::numeric_limits<double>::max()},
      {"0.1", 0.1},
  };
  for (const auto& c : cases) {
    INFO(c.first);
    auto v = json::parse(c.first);
    REQUIRE(v);
    REQUIRE(v->is<double>());
    CHECK(bits(v->get<double>()) == bits(c.second));
  }
  // JSON.parse gives Infinity for these; a document never holds a non-finite number.
  for (const char* big : {"1e400", "-1e400", "1.7976931348623159e308", "1e99999999999999999999"}) {
    INFO(big);
    auto v = json::parse(big);
    REQUIRE_FALSE(v);
    CHECK(v.error().message.find("number out of range") != std::string::npos);
  }
  // Re-written as JSON.stringify(JSON.parse(text)) writes them.
  auto doc = json::parse("[1e-400,-1e-400,4.9e-324]");
  REQUIRE(doc);
  CHECK(json::stringify(*doc) == "[0,0,5e-324]");
}

TEST_CASE("non-finite numbers in the library's own types are written as null, as JSON.stringify does", "[core][json]") {
  const double inf = std::numeric_limits<double>::infinity();
  for (const double bad : {std::nan(""), inf, -inf}) {
    CHECK(connectors::value(bad).to_json() == "null");
    connectors::value::object_type members{{"n", connectors::value(bad)}};
    CHECK(connectors::value(members).to_json() == R"({"n":null})");
    oidc::access_token_map map;
    map.set("@", oidc::access_token_entry{"t", "", bad});
    CHECK(oidc::serialize_access_token_map(map) == R"({"@":{"token":"t","scope":"","expiresAt":null}})");
  }
}

#if !defined(_WIN32) && !defined(__wasm__)
namespace {
// Runs `f(fd)` in a child process (SIGABRT reset to its default action, so that the test framework's
// handler stays out of it; stderr to /dev/null); returns the child's wait status and what it wrote to `fd`.
template <class F>
int run_in_child(F f, std::string& output) {
  int fds[2];
  if (::pipe(fds) != 0) return -1;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    std::signal(SIGABRT, SIG_DFL);
    const int null_fd = ::open("/dev/null", O_WRONLY);
    if (null_fd >= 0) ::dup2(null_fd, 2);  // std::terminate's message
    f(fds[1]);
    ::_exit(0);
  }
  ::close(fds[1]);
  char buf[256];
  for (;;) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    output.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}
}  // namespace

TEST_CASE("reading a json::value as a type it does not hold stops the program, never reads garbage", "[core][json]") {
  // The same contract picojson's assertion gave: check is<T>() (or use json::as_* / json::reader)
  // first. A wrong get<T>() or a missing object::at() aborts before anything is written.
  const auto wrong_get = [](int fd) noexcept {
    const json::value v(std::string("text"));
    const double d = v.get<double>();
    const std::string text = std::to_string(d);
    if (::write(fd, text.data(), text.size()) < 0) ::_exit(2);
  };
  const auto missing_member = [](int fd) noexcept {
    const json::object o{{"a", json::value(1)}};
    const std::string text = json::stringify(o.at("b"));
    if (::write(fd, text.data(), text.size()) < 0) ::_exit(2);
  };
  for (int which = 0; which < 2; ++which) {
    std::string output;
    const int status = which == 0 ? run_in_child(wrong_get, output) : run_in_child(missing_member, output);
    INFO("case " << which << ", the child wrote: " << output);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGABRT);
    CHECK(output.empty());
  }
  // And the checked paths answer without stopping.
  const json::value v(std::string("text"));
  CHECK_FALSE(v.is<double>());
  CHECK(v.if_number() == nullptr);
  CHECK_FALSE(json::as_integer(v));
}
#endif
