// Small helpers shared by the client interop tests (client_interop.cpp, client_adversary.cpp): error
// descriptions, REQUIRE_OK, a clock the test can move, and JSON / URL readers that REQUIRE success.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include <logto/logto.hpp>

#include "catch2_compat.hpp"

namespace logto_test {

inline std::string describe(const logto::error& e) {
  return std::string(logto::to_string(e.code)) + ": " + e.message + (e.detail.empty() ? "" : " [" + e.detail + "]");
}
template <class T>
std::string describe(const logto::result<T>& r) {
  return r ? std::string("ok") : describe(r.error());
}

// REQUIRE that a result holds a value, printing the error otherwise.
#define REQUIRE_OK(expr)                                         \
  do {                                                           \
    const auto& require_ok_r_ = (expr);                          \
    INFO(#expr " -> " << ::logto_test::describe(require_ok_r_)); \
    REQUIRE(require_ok_r_.has_value());                          \
  } while (false)

// The system clock plus an offset the test can move (to step past the JWKS refetch cooldown, or to
// poll the device endpoint "too early" without waiting).
struct offset_clock {
  const std::atomic<std::int64_t>* offset = nullptr;
  std::int64_t now() const { return logto::system_clock{}.now() + (offset != nullptr ? offset->load() : 0); }
};

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

inline std::string path_of(const std::string& url) {
  auto u = logto::parse_url(url);
  return u ? u->path : std::string();
}

inline logto::json::object parse_object(const std::string& text) {
  auto v = logto::json::parse(text);
  INFO("JSON: " << text.substr(0, 300));
  REQUIRE(v.has_value());
  REQUIRE(v->is<logto::json::object>());
  return v->get<logto::json::object>();
}

inline std::string get_string(const logto::json::object& obj, const char* key) {
  auto s = logto::json::get_string(obj, key);
  INFO("member " << key);
  REQUIRE(s.has_value());
  return *s;
}

/// The value of query parameter `name` in `url` ("" when absent).
inline std::string query_param(const std::string& url, const std::string& name) {
  auto u = logto::parse_url(url);
  REQUIRE(u.has_value());
  auto params = logto::parse_query(u->query);
  REQUIRE(params.has_value());
  const std::string* v = logto::find_param(*params, name);
  return v != nullptr ? *v : std::string();
}

}  // namespace logto_test
