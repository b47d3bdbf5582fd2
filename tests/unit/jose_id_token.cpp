// ID-token validation, OpenID Connect Core 1.0 3.1.3.7, one test per rule in the spirit of the OpenID RP
// certification tests (rp-id_token-*, rp-nonce-invalid, oidcc-client-test-refresh-token-*), plus the
// @logto/client iat check and the refresh rule of 12.2.
#include <logto/jose/id_token.hpp>

#include <string>

#include "catch2_compat.hpp"
#include "jose_fixtures.hpp"

using namespace logto;
using namespace logto::jose;
using jose_test::fixtures;
using jose_test::main_keys;
using jose_test::token;

namespace {

id_token_options options(std::int64_t now_offset = 60) {
  const auto& f = fixtures();
  id_token_options o;
  o.issuer = f.issuer;
  o.client_id = f.client_id;
  o.nonce = f.nonce;
  o.now = f.T + now_offset;
  return o;
}

error rejects(const std::string& name, errc code, const std::string& detail = {},
              const id_token_options& o = options()) {
  INFO(name);
  const std::string t = token(name);
  REQUIRE_FALSE(t.empty());
  auto r = verify_id_token(t, main_keys(), o);
  REQUIRE_FALSE(r);
  INFO(r.error().message);
  CHECK(r.error().code == code);
  if (!detail.empty()) CHECK(r.error().detail == detail);
  CHECK(r.error().message.find("ID token") != std::string::npos);
  return r.error();
}

void accepts(const std::string& name, const id_token_options& o = options()) {
  INFO(name);
  auto r = verify_id_token(token(name), main_keys(), o);
  if (!r) FAIL(r.error().message);
  CHECK(*r->claims.sub == "user-1");
}

}  // namespace

TEST_CASE("rp-id_token-sig-rs256 / -es256 and the rest: valid ID tokens verify for every algorithm",
          "[jose][id_token]") {
  for (const char* name : {"valid.RS256", "valid.RS384", "valid.RS512", "valid.PS256", "valid.PS384", "valid.PS512",
                           "valid.RS256-4096", "valid.ES256", "valid.ES384", "valid.ES512", "valid.ES384-typ-jwt"}) {
    accepts(name);
  }
  auto r = verify_id_token(token("valid.ES384"), main_keys(), options());
  REQUIRE(r);
  CHECK(*r->claims.nonce == fixtures().nonce);
  CHECK(r->payload.count("at_hash") == 1);
}

TEST_CASE("rp-id_token-bad-sig-rs256 / -es256: a bad signature is refused for every algorithm", "[jose][id_token]") {
  for (const char* name : {"valid.RS256", "valid.PS256", "valid.ES256", "valid.ES384", "valid.ES512"}) {
    INFO(name);
    auto r = verify_id_token(jose_test::tamper_signature(token(name)), main_keys(), options());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::jwt_signature_invalid);
  }
  // rp-id_token-sig-none and HS256 with the provider's public key as secret: refused (code flow over TLS
  // could accept none per 3.1.3.7 step 6, but Logto never issues such tokens, so this library never does).
  for (const char* name : {"attack.none", "attack.hs256-rsa-pem"}) {
    INFO(name);
    auto r = verify_id_token(token(name), main_keys(), options());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::jwt_unsupported_algorithm);
  }
}

TEST_CASE("3.1.3.7 step 2 / rp-id_token-issuer-mismatch: iss must equal the issuer exactly", "[jose][id_token]") {
  CHECK(rejects("claims.iss-wrong", errc::jwt_claim_invalid, "iss").message.find("evil.example") !=
        std::string::npos);
  rejects("claims.iss-trailing-slash", errc::jwt_claim_invalid, "iss");
  rejects("claims.iss-missing", errc::jwt_claim_invalid, "iss");
}

TEST_CASE("3.1.3.7 step 3 / rp-id_token-aud: aud must contain the client id", "[jose][id_token]") {
  rejects("claims.aud-missing", errc::jwt_claim_invalid, "aud");
  rejects("claims.aud-other", errc::jwt_claim_invalid, "aud");
  rejects("claims.aud-array-without-client", errc::jwt_claim_invalid, "aud");
  rejects("claims.aud-empty-array", errc::jwt_claim_invalid, "aud");
  accepts("claims.aud-array-single");
}

TEST_CASE("3.1.3.7 steps 4-5: azp is required with several audiences and must be the client id",
          "[jose][id_token]") {
  accepts("claims.aud-array-azp");
  accepts("claims.azp-same");
  rejects("claims.aud-array-no-azp", errc::jwt_claim_invalid, "azp");
  rejects("claims.aud-array-azp-other", errc::jwt_claim_invalid, "azp");
  rejects("claims.azp-other", errc::jwt_claim_invalid, "azp");
}

TEST_CASE("3.1.3.7 step 9: an expired ID token is refused; exp is required", "[jose][id_token]") {
  rejects("claims.expired", errc::jwt_expired, "exp");
  rejects("claims.exp-missing", errc::jwt_claim_invalid, "exp");
  rejects("claims.exp-string", errc::jwt_claim_invalid, "exp");
}

TEST_CASE("@logto/client: |iat - now| beyond the leeway is id_token.invalid_iat (rp-id_token-iat)",
          "[jose][id_token]") {
  CHECK(to_string(errc::id_token_invalid_iat) == "id_token.invalid_iat");
  rejects("claims.iat-missing", errc::id_token_invalid_iat, "iat");
  rejects("claims.iat-future", errc::id_token_invalid_iat, "iat");  // iat = T + 400, now = T + 60
  rejects("claims.iat-old", errc::id_token_invalid_iat, "iat");     // iat = T - 400
  rejects("claims.iat-string", errc::jwt_claim_invalid, "iat");
  // Boundaries with the default leeway (300 s) on a token with iat = T.
  accepts("valid.ES384", options(300));
  rejects("valid.ES384", errc::id_token_invalid_iat, "iat", options(301));
  accepts("valid.ES384", options(-300));
  rejects("valid.ES384", errc::id_token_invalid_iat, "iat", options(-301));
  // The leeway is clamped to 600 s.
  id_token_options wide = options(601);
  wide.leeway = 5000;
  rejects("valid.ES384", errc::id_token_invalid_iat, "iat", wide);
  wide.now = fixtures().T + 600;
  accepts("valid.ES384", wide);
}

TEST_CASE("rp-id_token-sub: sub must be present and a non-empty string", "[jose][id_token]") {
  rejects("claims.sub-missing", errc::jwt_claim_invalid, "sub");
  rejects("claims.sub-empty", errc::jwt_claim_invalid, "sub");
  CHECK(rejects("claims.sub-number", errc::jwt_claim_invalid, "sub").message.find("must be a string") !=
        std::string::npos);
}

TEST_CASE("3.1.3.7 step 11 / rp-nonce-invalid: the nonce must match when one was sent", "[jose][id_token]") {
  rejects("claims.nonce-other", errc::jwt_claim_invalid, "nonce");
  rejects("claims.nonce-missing", errc::jwt_claim_invalid, "nonce");
  // Nothing sent: nothing to compare (a refreshed ID token, 12.2).
  id_token_options no_nonce = options();
  no_nonce.nonce.reset();
  accepts("claims.nonce-missing", no_nonce);
  accepts("valid.ES384", no_nonce);
}

TEST_CASE("RFC 7519 4.1.5: nbf in the future is refused, nbf in the past is fine", "[jose][id_token]") {
  rejects("claims.nbf-future", errc::jwt_not_yet_valid, "nbf");
  accepts("claims.nbf-past");
}

TEST_CASE("3.1.3.7 step 6-7: the allow-list (discovery's id_token_signing_alg_values_supported) applies",
          "[jose][id_token]") {
  id_token_options o = options();
  o.algorithms = algorithm_set::from_names({"RS256"});
  auto r = verify_id_token(token("valid.ES384"), main_keys(), o);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::jwt_unsupported_algorithm);
  accepts("valid.RS256", o);
  o.client_id.clear();
  auto bad = verify_id_token(token("valid.RS256"), main_keys(), o);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == errc::invalid_argument);
}

TEST_CASE("12.2 / oidcc-client-test-refresh-token-*: a refreshed ID token keeps iss and sub", "[jose][id_token]") {
  id_token_options refresh = options(90);
  refresh.nonce.reset();
  auto original = verify_id_token(token("valid.ES384"), main_keys(), options());
  REQUIRE(original);
  auto same = verify_id_token(token("claims.refresh-same"), main_keys(), refresh);
  REQUIRE(same);
  CHECK(check_refreshed_id_token(original->claims, same->claims, fixtures().client_id));
  CHECK(check_refreshed_id_token(token("valid.ES384"), same->claims, fixtures().client_id));

  auto other = verify_id_token(token("claims.refresh-other-sub"), main_keys(), refresh);
  REQUIRE(other);  // a valid ID token on its own ...
  auto r = check_refreshed_id_token(original->claims, other->claims, fixtures().client_id);
  REQUIRE_FALSE(r);  // ... but not as a refresh of the original
  CHECK(r.error().code == errc::jwt_claim_invalid);
  CHECK(r.error().detail == "sub");

  jwt_claims moved = same->claims;
  moved.iss = "https://other.logto.app/oidc";
  auto iss = check_refreshed_id_token(original->claims, moved, fixtures().client_id);
  REQUIRE_FALSE(iss);
  CHECK(iss.error().detail == "iss");
  moved = same->claims;
  moved.aud = {"someone-else"};
  auto aud = check_refreshed_id_token(original->claims, moved, fixtures().client_id);
  REQUIRE_FALSE(aud);
  CHECK(aud.error().detail == "aud");
  jwt_claims with_azp = original->claims;
  with_azp.azp = fixtures().client_id;
  moved = same->claims;
  moved.azp = "other";
  auto azp = check_refreshed_id_token(with_azp, moved, fixtures().client_id);
  REQUIRE_FALSE(azp);
  CHECK(azp.error().detail == "azp");
  auto garbage = check_refreshed_id_token(std::string_view("not.a.token"), same->claims, fixtures().client_id);
  REQUIRE_FALSE(garbage);
  CHECK(garbage.error().code == errc::jwt_malformed);
}
