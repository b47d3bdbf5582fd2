// The sans-I/O JWKS cache: jose's createRemoteJWKSet policy (cacheMaxAge 10 min, cooldown 30 s, one refetch on
// an unknown kid), OIDC Core 10.1.1 key rotation (OIDF rp-key-rotation-op-sign-key).
#include <logto/oidc/id_token.hpp>
#include <logto/jose/jwks_cache.hpp>

#include <string>

#include "catch2_compat.hpp"
#include "jose_fixtures.hpp"

using namespace logto;
using namespace logto::jose;
using jose_test::fixtures;
using jose_test::read_data;
using jose_test::token;
using logto::oidc::id_token_options;
using logto::oidc::verify_id_token;

namespace {

id_token_options options(std::int64_t now) {
  const auto& f = fixtures();
  id_token_options o;
  o.issuer = f.issuer;
  o.client_id = f.client_id;
  o.nonce = f.nonce;
  o.now = now;
  o.leeway = 600;  // the cache tests move the clock by minutes
  return o;
}

}  // namespace

TEST_CASE("jwks_cache: no keys -> fetch; fresh for max_age (600 s); then stale", "[jose][jwks_cache]") {
  const std::int64_t T = fixtures().T;
  jwks_cache cache;
  CHECK(cache.fetch_needed(T) == jwks_fetch_reason::no_keys);
  CHECK(cache.fetch_needed(T, "ec-p384") == jwks_fetch_reason::no_keys);
  CHECK_FALSE(cache.keys());
  REQUIRE(cache.update(read_data("jwks.json"), T));
  REQUIRE(cache.keys());
  CHECK(cache.keys()->size() == 5);
  CHECK(cache.generation() == 1);
  CHECK(cache.fetched_at() == T);
  CHECK(cache.fetch_needed(T + 599) == jwks_fetch_reason::none);
  CHECK(cache.fetch_needed(T + 600) == jwks_fetch_reason::stale);
  // Custom timing.
  jwks_cache quick(jwks_cache_options{60, 5});
  REQUIRE(quick.update(read_data("jwks.json"), T));
  CHECK(quick.fetch_needed(T + 60) == jwks_fetch_reason::stale);
}

TEST_CASE("jwks_cache: an unknown kid asks for one refetch, rate-limited by the 30 s cooldown", "[jose][jwks_cache]") {
  const std::int64_t T = fixtures().T;
  jwks_cache cache;
  REQUIRE(cache.update(read_data("jwks.json"), T));
  CHECK(cache.fetch_needed(T + 10, "ec-p384") == jwks_fetch_reason::none);
  CHECK(cache.fetch_needed(T + 10, "rsa-1024") == jwks_fetch_reason::none);      // known, just unusable
  CHECK(cache.fetch_needed(T + 10, "ec-p384-next") == jwks_fetch_reason::none);  // within the cooldown
  CHECK_FALSE(cache.refetch_allowed(T + 29));
  CHECK(cache.fetch_needed(T + 30, "ec-p384-next") == jwks_fetch_reason::unknown_kid);
  CHECK(cache.refetch_allowed(T + 30));
  // The kid comes from the (unverified) header.
  auto header = decode_header(token("kid-unknown.ES384"));
  REQUIRE(header);
  CHECK(cache.fetch_needed(T + 45, *header->kid) == jwks_fetch_reason::unknown_kid);

  const auto before = cache.keys();
  REQUIRE(cache.update(read_data("jwks-rotated.json"), T + 45));
  CHECK(cache.generation() == 2);
  CHECK(cache.keys() != before);
  CHECK(cache.fetch_needed(T + 45, "ec-p384-next") == jwks_fetch_reason::none);
  CHECK(verify_id_token(token("kid-unknown.ES384"), *cache.keys(), options(T + 60)));
  // The old snapshot stays usable by whoever still holds it.
  CHECK(verify_id_token(token("valid.ES384"), *before, options(T + 60)));
}

TEST_CASE("jwks_cache: refetching the same document keeps the key set; failures keep the old keys",
          "[jose][jwks_cache]") {
  const std::int64_t T = fixtures().T;
  jwks_cache cache;
  REQUIRE(cache.update(read_data("jwks.json"), T));
  const auto first = cache.keys();
  REQUIRE(cache.update(read_data("jwks.json"), T + 700));
  CHECK(cache.keys() == first);  // same object, EC tables not rebuilt
  CHECK(cache.generation() == 1);
  CHECK(cache.fetched_at() == T + 700);

  auto bad = cache.update("{\"keys\":", T + 800);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == errc::jwks_invalid);
  CHECK(cache.keys() == first);
  CHECK(cache.fetched_at() == T + 700);
  CHECK_FALSE(cache.refetch_allowed(T + 820));  // the failed attempt counts for the cooldown

  // Stale and the last attempt failed a moment ago: keep using the stale keys until the cooldown is over.
  cache.fetch_failed(T + 1400);
  CHECK(cache.fetch_needed(T + 1410) == jwks_fetch_reason::none);
  CHECK(cache.fetch_needed(T + 1430) == jwks_fetch_reason::stale);

  cache.clear();
  CHECK_FALSE(cache.has_keys());
  CHECK(cache.fetch_needed(T) == jwks_fetch_reason::no_keys);
}

TEST_CASE("verify_with_jwks_cache: fetch on demand, one refetch on key rotation, cooldown against forged kids",
          "[jose][jwks_cache]") {
  const std::int64_t T = fixtures().T;
  jwks_cache cache;
  int fetches = 0;
  std::string served = read_data("jwks.json");
  const auto fetch = [&]() -> result<std::string> {
    ++fetches;
    return served;
  };
  const auto verifier = [&](const std::string& tok, std::int64_t now) {
    return [tok, now](const key_set& keys) { return verify_id_token(tok, keys, options(now)); };
  };

  // First use: no keys -> one fetch.
  CHECK(verify_with_jwks_cache(cache, T, fetch, verifier(token("valid.ES384"), T)));
  CHECK(fetches == 1);
  CHECK(verify_with_jwks_cache(cache, T + 5, fetch, verifier(token("valid.ES256"), T + 5)));
  CHECK(fetches == 1);

  // The provider rotated: the token's kid is unknown -> exactly one refetch, then it verifies.
  served = read_data("jwks-rotated.json");
  CHECK(verify_with_jwks_cache(cache, T + 40, fetch, verifier(token("kid-unknown.ES384"), T + 40)));
  CHECK(fetches == 2);

  // A token with a kid nobody has: one refetch when the cooldown allows, none while it runs.
  auto r = verify_with_jwks_cache(cache, T + 50, fetch, verifier(token("kid-other-p384.ES384"), T + 50));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::jwt_no_matching_key);
  CHECK(fetches == 2);
  r = verify_with_jwks_cache(cache, T + 71, fetch, verifier(token("kid-other-p384.ES384"), T + 71));
  REQUIRE_FALSE(r);
  CHECK(fetches == 3);
  r = verify_with_jwks_cache(cache, T + 80, fetch, verifier(token("kid-other-p384.ES384"), T + 80));
  REQUIRE_FALSE(r);
  CHECK(fetches == 3);

  // Other failures never trigger a fetch.
  CHECK_FALSE(verify_with_jwks_cache(cache, T + 200, fetch, verifier(token("forged.ES384"), T + 200)));
  CHECK(fetches == 3);
}

TEST_CASE("verify_with_jwks_cache: transport failures are reported and rate-limited", "[jose][jwks_cache]") {
  const std::int64_t T = fixtures().T;
  jwks_cache cache;
  bool up = false;
  int fetches = 0;
  const auto fetch = [&]() -> result<std::string> {
    ++fetches;
    if (!up) return make_error(errc::transport_error, "connection refused");
    return read_data("jwks.json");
  };
  const auto verify = [&](const key_set& keys) { return verify_id_token(token("valid.ES384"), keys, options(T)); };
  auto r = verify_with_jwks_cache(cache, T, fetch, verify);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::transport_error);
  up = true;
  CHECK(verify_with_jwks_cache(cache, T + 1, fetch, verify));
  CHECK(fetches == 2);

  // A kid miss whose refetch fails keeps the original verdict and says what happened.
  up = false;
  auto miss = verify_with_jwks_cache(cache, T + 40, fetch, [&](const key_set& keys) {
    return verify_id_token(token("kid-unknown.ES384"), keys, options(T + 40));
  });
  REQUIRE_FALSE(miss);
  CHECK(miss.error().code == errc::jwt_no_matching_key);
  CHECK(miss.error().message.find("connection refused") != std::string::npos);
  CHECK(fetches == 3);
}
