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

namespace {
// Counts live instances, so the test sees every construction matched by one destruction.
struct tracked {
  static int live;
  std::string text;
  explicit tracked(std::string t) : text(std::move(t)) { ++live; }
  tracked(const tracked& o) : text(o.text) { ++live; }
  tracked(tracked&& o) noexcept : text(std::move(o.text)) { ++live; }
  tracked& operator=(const tracked&) = default;
  tracked& operator=(tracked&&) noexcept = default;
  ~tracked() { --live; }
};
int tracked::live = 0;
}  // namespace

TEST_CASE("result copies, moves and assigns across value and error", "[core][result]") {
  {
    result<tracked> v = tracked("a");
    result<tracked> e = make_error(errc::timeout, "slow");
    CHECK(tracked::live == 1);

    result<tracked> v2 = v;              // copy a value
    result<tracked> e2 = e;              // copy an error
    result<tracked> v3 = std::move(v2);  // move a value
    CHECK(tracked::live == 3);           // v, v3, and the moved-from v2 still holds a (moved-from) value
    REQUIRE(v3);
    CHECK(v3->text == "a");
    REQUIRE_FALSE(e2);
    CHECK(e2.error().message == "slow");

    e2 = v;  // error <- value: the error is destroyed, a value is constructed
    REQUIRE(e2);
    CHECK(e2->text == "a");
    CHECK(tracked::live == 4);

    v3 = e;  // value <- error: the value is destroyed
    REQUIRE_FALSE(v3);
    CHECK(v3.error().code == errc::timeout);
    CHECK(tracked::live == 3);

    result<tracked> w = tracked("b");
    w = result<tracked>(tracked("c"));  // value <- value (move assignment)
    CHECK(w->text == "c");
    const result<tracked>& same = w;
    w = same;  // self-assignment keeps the value
    REQUIRE(w);
    CHECK(w->text == "c");

    result<tracked> x = make_error(errc::general, "first");
    x = result<tracked>(make_error(errc::invalid_argument, "second"));  // error <- error
    REQUIRE_FALSE(x);
    CHECK(x.error().message == "second");
    x = std::move(w);  // error <- value (move)
    REQUIRE(x);
    CHECK(x->text == "c");
  }
  CHECK(tracked::live == 0);  // nothing leaked, nothing destroyed twice (ASan checks the latter too)
}

// Containers move results rather than copy them when growing.
static_assert(std::is_nothrow_move_constructible<result<std::string>>::value, "result<string> moves without throwing");
static_assert(std::is_nothrow_move_constructible<result<std::unique_ptr<int>>>::value, "move-only values move");

TEST_CASE("any result converts to result<void>: the error kept, the value dropped", "[core][result]") {
  // Code written when the connectors' send returned result<void> keeps compiling and behaving.
  const logto::result<void> fine = logto::result<int>(5);
  CHECK(fine.has_value());
  const logto::result<void> failed = logto::result<int>(logto::make_error(logto::errc::transport_error, "offline"));
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error().code == logto::errc::transport_error);
  CHECK(failed.error().message == "offline");
}
