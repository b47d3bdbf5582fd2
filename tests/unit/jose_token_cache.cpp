// The verified-token cache for API servers: repeat checks are cheap, but never outlive exp (+ the verifier's own
// leeway), never bypass the caller's options, are bounded, and are dropped when the key set changes.
#include <logto/jose/token_cache.hpp>

#include <string>

#include "catch2_compat.hpp"
#include "jose_fixtures.hpp"

using namespace logto;
using namespace logto::jose;
using jose_test::fixtures;
using jose_test::main_keys;
using jose_test::token;

namespace {

verify_options at_options(std::int64_t now_offset = 60) {
  const auto& f = fixtures();
  return verify_options::access_token(f.issuer, f.resource, f.T + now_offset);
}

}  // namespace

TEST_CASE("token cache: the second check of a token is answered from the cache", "[jose][token_cache]") {
  verified_token_cache cache(8);
  auto first = cache.verify(token("at.valid"), main_keys(), at_options());
  REQUIRE(first);
  CHECK(cache.misses() == 1);
  CHECK(cache.size() == 1);
  auto second = cache.verify(token("at.valid"), main_keys(), at_options(120));
  REQUIRE(second);
  CHECK(cache.hits() == 1);
  CHECK(second->get() == first->get());
  CHECK(*(*second)->claims.jti == "at-1");
}

TEST_CASE("token cache: hits are re-validated under the current options", "[jose][token_cache]") {
  verified_token_cache cache(8);
  REQUIRE(cache.verify(token("at.valid"), main_keys(), at_options()));
  verify_options other = at_options();
  other.audience = "https://other.example.com";
  auto r = cache.verify(token("at.valid"), main_keys(), other);
  REQUIRE_FALSE(r);
  CHECK(r.error().detail == "aud");
  verify_options scoped = at_options();
  scoped.required_scopes = {"admin"};
  r = cache.verify(token("at.valid"), main_keys(), scoped);
  REQUIRE_FALSE(r);
  CHECK(r.error().detail == "scope");
  verify_options es256_only = at_options();
  es256_only.algorithms = algorithm_set{algorithm::es256};
  r = cache.verify(token("at.valid"), main_keys(), es256_only);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::jwt_unsupported_algorithm);
  CHECK(cache.size() == 1);  // still valid for callers whose options it meets
  CHECK(cache.hits() == 3);
}

TEST_CASE("token cache: an entry is never returned past exp plus the verifier's leeway", "[jose][token_cache]") {
  verified_token_cache cache(8);
  // at.short: exp = T + 120; access-token leeway 60 s.
  REQUIRE(cache.verify(token("at.short"), main_keys(), at_options(60)));
  CHECK(cache.verify(token("at.short"), main_keys(), at_options(179)));
  auto expired = cache.verify(token("at.short"), main_keys(), at_options(180));
  REQUIRE_FALSE(expired);
  CHECK(expired.error().code == errc::jwt_expired);
  CHECK(cache.size() == 0);  // dropped

  // Even a caller asking for a huge leeway gets at most max_leeway (600 s), as from verify_jwt.
  REQUIRE(cache.verify(token("at.short"), main_keys(), at_options(60)));
  verify_options lax = at_options(120 + max_leeway);
  lax.leeway = 100000;
  auto r = cache.verify(token("at.short"), main_keys(), lax);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::jwt_expired);
}

TEST_CASE("token cache: bounded size; expired entries go first, then the one expiring soonest", "[jose][token_cache]") {
  verified_token_cache cache(2);
  REQUIRE(cache.verify(token("at.valid"), main_keys(), at_options()));    // exp T + 3600
  REQUIRE(cache.verify(token("at.valid-2"), main_keys(), at_options()));  // exp T + 1800
  REQUIRE(cache.verify(token("at.valid-3"), main_keys(), at_options()));  // exp T + 7200: evicts at.valid-2
  CHECK(cache.size() == 2);
  const auto misses = cache.misses();
  REQUIRE(cache.verify(token("at.valid"), main_keys(), at_options()));
  REQUIRE(cache.verify(token("at.valid-3"), main_keys(), at_options()));
  CHECK(cache.misses() == misses);
  REQUIRE(cache.verify(token("at.valid-2"), main_keys(), at_options()));
  CHECK(cache.misses() == misses + 1);

  verified_token_cache two_entry(2);
  REQUIRE(two_entry.verify(token("at.short"), main_keys(), at_options(60)));  // exp T + 120
  REQUIRE(two_entry.verify(token("at.valid-3"), main_keys(), at_options(60)));
  // Long after at.short expired (beyond any leeway), a new token pushes out at.short, not at.valid-3.
  REQUIRE(two_entry.verify(token("at.valid"), main_keys(), at_options(120 + max_leeway)));
  CHECK(two_entry.size() == 2);
  const auto before = two_entry.misses();
  REQUIRE(two_entry.verify(token("at.valid-3"), main_keys(), at_options(120 + max_leeway)));
  CHECK(two_entry.misses() == before);
}

TEST_CASE("token cache: a different key set (rotation) empties the cache", "[jose][token_cache]") {
  verified_token_cache cache(8);
  REQUIRE(cache.verify(token("at.valid"), main_keys(), at_options()));
  REQUIRE(cache.verify(token("at.valid-2"), main_keys(), at_options()));
  CHECK(cache.size() == 2);
  const auto misses = cache.misses();
  REQUIRE(cache.verify(token("at.valid"), jose_test::keys("jwks-rotated.json"), at_options()));
  CHECK(cache.misses() == misses + 1);
  CHECK(cache.size() == 1);
  // And back: the token cannot be vouched for by the other set's verification.
  auto single = cache.verify(token("at.valid"), jose_test::keys("jwks-single.json"), at_options());
  REQUIRE(single);
  CHECK(cache.misses() == misses + 2);
  auto gone = cache.verify(token("at.rs256"), jose_test::keys("jwks-single.json"), at_options());
  REQUIRE_FALSE(gone);
  CHECK(gone.error().code == errc::jwt_no_matching_key);
}

TEST_CASE("token cache: failures, tokens without exp and capacity 0 are not cached", "[jose][token_cache]") {
  verified_token_cache cache(8);
  auto bad = cache.verify(jose_test::tamper_signature(token("at.valid")), main_keys(), at_options());
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == errc::jwt_signature_invalid);
  CHECK(cache.size() == 0);
  verify_options lax = at_options();
  lax.require_exp = false;
  REQUIRE(cache.verify(token("at.no-exp"), main_keys(), lax));
  CHECK(cache.size() == 0);
  verified_token_cache off(0);
  REQUIRE(off.verify(token("at.valid"), main_keys(), at_options()));
  REQUIRE(off.verify(token("at.valid"), main_keys(), at_options()));
  CHECK(off.size() == 0);
  CHECK(off.misses() == 2);
  verify_options incomplete = at_options();
  incomplete.now.reset();
  auto arg = cache.verify(token("at.valid"), main_keys(), incomplete);
  REQUIRE_FALSE(arg);
  CHECK(arg.error().code == errc::invalid_argument);
}
