// JWT (RFC 7519) claim validation, the generic verifier and access tokens for an API resource (RFC 9068).
#include <logto/jose/jwt.hpp>

#include <string>

#include "catch2_compat.hpp"
#include "jose_fixtures.hpp"

using namespace logto;
using namespace logto::jose;
using jose_test::fixtures;
using jose_test::main_keys;
using jose_test::token;

namespace {

verify_options at_options(std::int64_t now_offset = 60, std::vector<std::string> scopes = {}) {
  const auto& f = fixtures();
  return verify_options::access_token(f.issuer, f.resource, f.T + now_offset, std::move(scopes));
}

error expect_error(const std::string& tok, const verify_options& o, errc code, const std::string& detail = {}) {
  auto r = verify_jwt(tok, main_keys(), o);
  REQUIRE_FALSE(r);
  INFO(r.error().message);
  CHECK(r.error().code == code);
  CHECK_FALSE(r.error().message.empty());
  if (!detail.empty()) CHECK(r.error().detail == detail);
  return r.error();
}

}  // namespace

TEST_CASE("RFC 9068: a Logto access token verifies for its resource and exposes its claims", "[jose][jwt]") {
  const auto& f = fixtures();
  auto r = verify_jwt(token("at.valid"), main_keys(), at_options());
  REQUIRE(r);
  CHECK(r->alg == algorithm::es384);
  CHECK(*r->kid == "ec-p384");
  CHECK(*r->typ == "at+jwt");
  CHECK(*r->claims.iss == f.issuer);
  CHECK(r->claims.aud == std::vector<std::string>{f.resource});
  CHECK(*r->claims.client_id == f.client_id);
  CHECK(*r->claims.jti == "at-1");
  CHECK(*r->claims.exp == f.T + 3600);
  CHECK(*r->claims.iat == f.T);
  CHECK(r->claims.has_scope("read:orders"));
  CHECK(r->claims.has_scope("write:orders"));
  CHECK_FALSE(r->claims.has_scope("read"));
  CHECK_FALSE(r->claims.has_scope(""));
  CHECK(r->payload.count("scope") == 1);
  // RS256 with Logto's 4096-bit RSA key.
  CHECK(verify_jwt(token("at.rs256"), main_keys(), at_options()));
}

TEST_CASE("RFC 9068 4: access-token audience, issuer, scopes and typ", "[jose][jwt]") {
  const auto& f = fixtures();
  auto other = verify_options::access_token(f.issuer, "https://other.example.com", f.T + 60);
  expect_error(token("at.valid"), other, errc::jwt_claim_invalid, "aud");
  auto wrong_iss = verify_options::access_token("https://tenant.logto.app/oidc/", f.resource, f.T + 60);
  expect_error(token("at.valid"), wrong_iss, errc::jwt_claim_invalid, "iss");

  CHECK(verify_jwt(token("at.valid"), main_keys(), at_options(60, {"read:orders", "write:orders"})));
  const error e =
      expect_error(token("at.valid"), at_options(60, {"read:orders", "admin"}), errc::jwt_claim_invalid, "scope");
  CHECK(e.message.find("\"admin\"") != std::string::npos);
  CHECK(e.message.find("access token") == 0);

  verify_options typed = at_options();
  typed.typ = "at+jwt";
  CHECK(verify_jwt(token("at.valid"), main_keys(), typed));
  typed.typ = "application/at+jwt";
  CHECK(verify_jwt(token("at.valid"), main_keys(), typed));
  expect_error(token("at.no-typ"), typed, errc::jwt_claim_invalid, "typ");
  typed.typ = "JWT";
  expect_error(token("at.valid"), typed, errc::jwt_claim_invalid, "typ");
}

TEST_CASE("RFC 7519 4.1.4: exp is required by default and honoured with a bounded leeway", "[jose][jwt]") {
  const auto& f = fixtures();
  expect_error(token("at.no-exp"), at_options(), errc::jwt_claim_invalid, "exp");
  verify_options lax = at_options();
  lax.require_exp = false;
  CHECK(verify_jwt(token("at.no-exp"), main_keys(), lax));

  const std::int64_t exp = f.T + 3600;
  verify_options o = at_options();  // leeway 60
  o.now = exp + 59;
  CHECK(verify_jwt(token("at.valid"), main_keys(), o));
  o.now = exp + 60;
  expect_error(token("at.valid"), o, errc::jwt_expired, "exp");
  // A huge leeway is clamped to max_leeway (600 s).
  o.leeway = 100000;
  o.now = exp + max_leeway - 1;
  CHECK(verify_jwt(token("at.valid"), main_keys(), o));
  o.now = exp + max_leeway;
  expect_error(token("at.valid"), o, errc::jwt_expired);
  // A negative leeway is 0: valid strictly before exp.
  o.leeway = -5;
  o.now = exp - 1;
  CHECK(verify_jwt(token("at.valid"), main_keys(), o));
  o.now = exp;
  expect_error(token("at.valid"), o, errc::jwt_expired);
}

TEST_CASE("RFC 7519 2: NumericDate claims must be JSON numbers; other typed claims are type-checked", "[jose][jwt]") {
  verify_options o = at_options();
  o.audience = fixtures().client_id;
  expect_error(token("claims.exp-string"), o, errc::jwt_claim_invalid, "exp");
  expect_error(token("claims.iat-string"), o, errc::jwt_claim_invalid, "iat");
  expect_error(token("claims.exp-huge"), o, errc::jwt_claim_invalid, "exp");
  expect_error(token("claims.sub-number"), o, errc::jwt_claim_invalid, "sub");
  expect_error(token("claims.aud-number"), o, errc::jwt_claim_invalid, "aud");
  expect_error(token("claims.aud-empty-array"), o, errc::jwt_claim_invalid, "aud");
  // A fractional exp is a valid NumericDate; it is rounded down.
  auto frac = verify_jwt(token("claims.exp-fraction"), main_keys(), o);
  REQUIRE(frac);
  CHECK(*frac->claims.exp == fixtures().T + 3600);

  json::object payload;
  payload["nbf"] = json::value(10.25);
  payload["iat"] = json::value(10.75);
  auto c = jwt_claims::from_payload(payload);
  REQUIRE(c);
  CHECK(*c->nbf == 11);  // rounded towards "not yet valid"
  CHECK(*c->iat == 10);
  payload["azp"] = json::value(true);
  auto bad = jwt_claims::from_payload(payload);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().detail == "azp");
}

TEST_CASE("RFC 7519 7.2: the payload must be a UTF-8 JSON object without duplicate members", "[jose][jwt]") {
  const verify_options o = at_options();
  CHECK(expect_error(token("attack.dup-claim"), o, errc::jwt_malformed).message.find("duplicate member") !=
        std::string::npos);
  expect_error(token("attack.payload-array"), o, errc::jwt_malformed);
  expect_error(token("attack.payload-string"), o, errc::jwt_malformed);
  expect_error(token("attack.payload-not-json"), o, errc::jwt_malformed);
  CHECK(expect_error(token("attack.payload-non-utf8"), o, errc::jwt_malformed).message.find("UTF-8") !=
        std::string::npos);
  expect_error(token("attack.payload-empty-object"), o, errc::jwt_claim_invalid, "iss");
}

TEST_CASE("nbf in the future is refused (RFC 7519 4.1.5), within the leeway it is fine", "[jose][jwt]") {
  verify_options o = at_options();
  o.audience = fixtures().client_id;
  expect_error(token("claims.nbf-future"), o, errc::jwt_not_yet_valid, "nbf");  // nbf = T + 1000, now = T + 60
  o.now = fixtures().T + 1000 - 60;                                             // exactly nbf - leeway
  CHECK(verify_jwt(token("claims.nbf-future"), main_keys(), o));
  o.now = fixtures().T + 1000 - 61;
  expect_error(token("claims.nbf-future"), o, errc::jwt_not_yet_valid);
}

TEST_CASE("incomplete verify_options are an argument error, not a verdict", "[jose][jwt]") {
  verify_options o = at_options();
  o.issuer.clear();
  expect_error(token("at.valid"), o, errc::invalid_argument);
  o = at_options();
  o.audience.clear();
  expect_error(token("at.valid"), o, errc::invalid_argument);
  o = at_options();
  o.now.reset();
  expect_error(token("at.valid"), o, errc::invalid_argument);
  o = at_options();
  o.now = -1;
  expect_error(token("at.valid"), o, errc::invalid_argument);
}

TEST_CASE("signature failures come before claim checks; claims are never read from a forged token", "[jose][jwt]") {
  // Expired AND tampered: the signature verdict wins.
  verify_options o = at_options(100000);
  expect_error(jose_test::tamper_signature(token("at.valid")), o, errc::jwt_signature_invalid);
}

TEST_CASE("decode_unverified reads claims without checking the signature (for stored tokens only)", "[jose][jwt]") {
  auto d = decode_unverified(jose_test::tamper_signature(token("valid.ES384")));
  REQUIRE(d);
  CHECK(*d->claims.sub == "user-1");
  CHECK(d->header.alg == algorithm::es384);
  auto bad = decode_unverified(token("attack.payload-array"));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == errc::jwt_malformed);
  auto none = decode_unverified(token("attack.none"));
  REQUIRE_FALSE(none);
  CHECK(none.error().code == errc::jwt_unsupported_algorithm);
}
