// result<T>, error codes and their Logto strings.
#include <logto/core/result.hpp>

#include <memory>
#include <set>

#include "catch2_compat.hpp"

using namespace logto;

static result<int> half(int x) {
  if (x % 2 != 0) return make_error(errc::invalid_argument, "odd", "x=" + std::to_string(x));
  return x / 2;
}

TEST_CASE("result holds a value or an error", "[core][result]") {
  auto a = half(4);
  REQUIRE(a);
  CHECK(*a == 2);
  CHECK(a.value_or(7) == 2);
  auto b = half(3);
  REQUIRE_FALSE(b);
  CHECK(b.error().code == errc::invalid_argument);
  CHECK(b.error().message == "odd");
  CHECK(b.error().detail == "x=3");
  CHECK(b.value_or(7) == 7);
  result<std::unique_ptr<int>> moved = std::make_unique<int>(5);
  REQUIRE(moved);
  std::unique_ptr<int> p = std::move(moved).value();
  CHECK(*p == 5);
  result<std::string> s = "text";
  CHECK(s->size() == 4);
  result<void> fine = ok();
  CHECK(fine);
  result<void> bad = make_error(errc::timeout, "slow");
  CHECK_FALSE(bad);
  CHECK(bad.error().code == errc::timeout);
}

TEST_CASE("error codes are Logto's strings", "[core][result]") {
  CHECK(to_string(errc::callback_state_mismatched) == "callback_uri_verification.state_mismatched");
  CHECK(to_string(errc::callback_redirect_uri_mismatched) == "callback_uri_verification.redirect_uri_mismatched");
  CHECK(to_string(errc::sign_in_session_not_found) == "sign_in_session.not_found");
  CHECK(to_string(errc::id_token_invalid_iat) == "id_token.invalid_iat");
  CHECK(to_string(errc::missing_scope_organizations) == "missing_scope_organizations");
  CHECK(to_string(errc::invalid_config) == "invalid_config");
  CHECK(to_string(errc::rate_limit_exceeded) == "rate_limit_exceeded");
  CHECK(to_string(errc::unexpected_response_error) == "unexpected_response_error");
  // Every code has a distinct string.
  std::set<std::string_view> seen;
  for (int i = 0; i <= static_cast<int>(errc::protocol_error); ++i) {
    const auto s = to_string(static_cast<errc>(i));
    CHECK(s != "unknown");
    CHECK(seen.insert(s).second);
  }
}
