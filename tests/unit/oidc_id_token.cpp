// ID-token validation, OpenID Connect Core 1.0 3.1.3.7, one test per rule in the spirit of the OpenID RP
// certification tests (rp-id_token-*, rp-nonce-invalid, oidcc-client-test-refresh-token-*), plus the
// @logto/client iat check, the refresh rule of 12.2, at_hash (3.3.2.11) and discovery's algorithm list.
#include <logto/jose/id_token.hpp>  // the deprecated aliases (last test)
#include <logto/oidc/id_token.hpp>

#include <string>
#include <type_traits>

#include "catch2_compat.hpp"
#include "jose_fixtures.hpp"
#include "jose_signer.hpp"

using namespace logto;
using namespace logto::jose;
using namespace logto::oidc;
using jose_test::es256_signer;
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
          "[oidc][id_token]") {
  for (const char* name : {"valid.RS256", "valid.RS384", "valid.RS512", "valid.PS256", "valid.PS384", "valid.PS512",
                           "valid.RS256-4096", "valid.ES256", "valid.ES384", "valid.ES512", "valid.ES384-typ-jwt"}) {
    accepts(name);
  }
  auto r = verify_id_token(token("valid.ES384"), main_keys(), options());
  REQUIRE(r);
  CHECK(*r->claims.nonce == fixtures().nonce);
  CHECK(r->payload.count("at_hash") == 1);
}

TEST_CASE("rp-id_token-bad-sig-rs256 / -es256: a bad signature is refused for every algorithm", "[oidc][id_token]") {
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

TEST_CASE("3.1.3.7 step 2 / rp-id_token-issuer-mismatch: iss must equal the issuer exactly", "[oidc][id_token]") {
  CHECK(rejects("claims.iss-wrong", errc::jwt_claim_invalid, "iss").message.find("evil.example") != std::string::npos);
  rejects("claims.iss-trailing-slash", errc::jwt_claim_invalid, "iss");
  rejects("claims.iss-missing", errc::jwt_claim_invalid, "iss");
}

TEST_CASE("3.1.3.7 step 3 / rp-id_token-aud: aud must contain the client id", "[oidc][id_token]") {
  rejects("claims.aud-missing", errc::jwt_claim_invalid, "aud");
  rejects("claims.aud-other", errc::jwt_claim_invalid, "aud");
  rejects("claims.aud-array-without-client", errc::jwt_claim_invalid, "aud");
  rejects("claims.aud-empty-array", errc::jwt_claim_invalid, "aud");
  accepts("claims.aud-array-single");
}

TEST_CASE("3.1.3.7 step 3: an aud array with audiences the client does not trust is refused", "[oidc][id_token]") {
  // aud [client-123, https://api.example.com], azp client-123: step 3 says "MUST be rejected if the ID Token
  // [...] contains additional audiences not trusted by the Client", whatever azp says.
  const error e = rejects("claims.aud-array-azp", errc::jwt_claim_invalid, "aud");
  CHECK(e.message.find("https://api.example.com") != std::string::npos);
  CHECK(e.message.find("trusted_audiences") != std::string::npos);
  rejects("claims.aud-array-no-azp", errc::jwt_claim_invalid, "aud");
  // Trusted by the app: accepted.
  id_token_options trusting = options();
  trusting.trusted_audiences = {fixtures().resource};
  accepts("claims.aud-array-azp", trusting);
  // Trusting one other audience does not trust a third.
  id_token_options other = options();
  other.trusted_audiences = {"https://unrelated.example.com"};
  rejects("claims.aud-array-azp", errc::jwt_claim_invalid, "aud", other);
  // Access tokens are not ID tokens: RFC 9068 only needs the expected audience in aud.
  auto at = verify_jwt(token("claims.aud-array-azp"), main_keys(),
                       verify_options::access_token(fixtures().issuer, fixtures().client_id, fixtures().T + 60));
  CHECK(at);
}

TEST_CASE("3.1.3.7 steps 4-5: azp is required with several audiences and must be the client id", "[oidc][id_token]") {
  id_token_options trusting = options();
  trusting.trusted_audiences = {fixtures().resource};
  accepts("claims.aud-array-azp", trusting);
  accepts("claims.azp-same");
  // The azp rules still hold for trusted extra audiences.
  rejects("claims.aud-array-no-azp", errc::jwt_claim_invalid, "azp", trusting);
  rejects("claims.aud-array-azp-other", errc::jwt_claim_invalid, "azp", trusting);
  rejects("claims.azp-other", errc::jwt_claim_invalid, "azp");
}

TEST_CASE("3.1.3.7 step 9: an expired ID token is refused; exp is required", "[oidc][id_token]") {
  rejects("claims.expired", errc::jwt_expired, "exp");
  rejects("claims.exp-missing", errc::jwt_claim_invalid, "exp");
  rejects("claims.exp-string", errc::jwt_claim_invalid, "exp");
}

TEST_CASE("@logto/client: |iat - now| beyond the leeway is id_token.invalid_iat (rp-id_token-iat)",
          "[oidc][id_token]") {
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

TEST_CASE("rp-id_token-sub: sub must be present and a non-empty string", "[oidc][id_token]") {
  rejects("claims.sub-missing", errc::jwt_claim_invalid, "sub");
  rejects("claims.sub-empty", errc::jwt_claim_invalid, "sub");
  CHECK(rejects("claims.sub-number", errc::jwt_claim_invalid, "sub").message.find("must be a string") !=
        std::string::npos);
}

TEST_CASE("3.1.3.7 step 11 / rp-nonce-invalid: the nonce must match when one was sent", "[oidc][id_token]") {
  rejects("claims.nonce-other", errc::jwt_claim_invalid, "nonce");
  rejects("claims.nonce-missing", errc::jwt_claim_invalid, "nonce");
  // Nothing sent: nothing to compare (a refreshed ID token, 12.2).
  id_token_options no_nonce = options();
  no_nonce.nonce.reset();
  accepts("claims.nonce-missing", no_nonce);
  accepts("valid.ES384", no_nonce);
}

TEST_CASE("RFC 7519 4.1.5: nbf in the future is refused, nbf in the past is fine", "[oidc][id_token]") {
  rejects("claims.nbf-future", errc::jwt_not_yet_valid, "nbf");
  accepts("claims.nbf-past");
}

TEST_CASE("3.1.3.7 step 6-7: the allow-list (discovery's id_token_signing_alg_values_supported) applies",
          "[oidc][id_token]") {
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

TEST_CASE("12.2 / oidcc-client-test-refresh-token-*: a refreshed ID token keeps iss and sub", "[oidc][id_token]") {
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

namespace {

std::string id_claims(const std::string& extra) {
  const auto& f = fixtures();
  return R"({"iss":")" + f.issuer + R"(","sub":"user-1","aud":")" + f.client_id + R"(","iat":)" + std::to_string(f.T) +
         R"(,"exp":)" + std::to_string(f.T + 3600) + extra + "}";
}

}  // namespace

TEST_CASE("at_hash (OIDC Core 3.3.2.11): left half of the alg's hash of the access token, base64url",
          "[oidc][id_token][at_hash]") {
  // OIDC Core Appendix A.4 (RS256).
  CHECK(*compute_at_hash(algorithm::rs256, "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y") == "77QmUPtjPfzWtF2AnpK9RQ");
  // SHA-384 / SHA-512 vectors computed with Python's hashlib (an independent implementation).
  CHECK(*compute_at_hash(algorithm::es384, "AT1") == "UqSC1dVk-EmZE9xJM7oLVviKstMYD6HH");
  CHECK(*compute_at_hash(algorithm::ps384, "AT1") == "UqSC1dVk-EmZE9xJM7oLVviKstMYD6HH");
  CHECK(*compute_at_hash(algorithm::rs512, "AT1") == "L2k573c4trrHTrSKC38yhouAfvsZrjZBL4hGWOtZHBc");
  CHECK(*compute_at_hash(algorithm::es256, "AT1") == *compute_at_hash(algorithm::ps256, "AT1"));
}

TEST_CASE("at_hash: an ID token from the token endpoint must match the access token of its response",
          "[oidc][id_token][at_hash]") {
  es256_signer signer;
  key_set keys = *key_set::parse(signer.add_to(R"({"keys":[]})"));
  id_token_options o = options();
  o.nonce.reset();
  const std::string good = signer.sign(id_claims(R"(,"at_hash":")" + *compute_at_hash(algorithm::es256, "AT1") + "\""));
  o.access_token = "AT1";
  CHECK(verify_id_token(good, keys, o));
  // Another access token (a response that mixes tokens of two grants): refused.
  o.access_token = "AT2";
  auto mixed = verify_id_token(good, keys, o);
  REQUIRE_FALSE(mixed);
  CHECK(mixed.error().code == errc::jwt_claim_invalid);
  CHECK(mixed.error().detail == "at_hash");
  CHECK(mixed.error().message.find("does not match") != std::string::npos);
  // The SHA-384 value under an ES256 token (wrong length), the full hash, a truncation, a number: refused.
  o.access_token = "AT1";
  for (const std::string& bad :
       {std::string(R"(,"at_hash":")") + *compute_at_hash(algorithm::es384, "AT1") + "\"",
        std::string(R"(,"at_hash":")") + base64url_encode(*crypto::sha256("AT1")) + "\"",
        std::string(R"(,"at_hash":")") + compute_at_hash(algorithm::es256, "AT1")->substr(0, 21) + "\"",
        std::string(R"(,"at_hash":"")"), std::string(R"(,"at_hash":12)")}) {
    INFO(bad);
    auto r = verify_id_token(signer.sign(id_claims(bad)), keys, o);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::jwt_claim_invalid);
    CHECK(r.error().detail == "at_hash");
  }
  // The fixtures carry at_hash "x": fine without an access token (an ID token verified on its own), refused
  // with one.
  id_token_options fixture = options();
  accepts("valid.ES384", fixture);
  fixture.access_token = "AT1";
  rejects("valid.ES384", errc::jwt_claim_invalid, "at_hash", fixture);
  // No at_hash at all: optional in the code flow, accepted.
  o.access_token = "AT1";
  CHECK(verify_id_token(signer.sign(id_claims("")), keys, o));
}

TEST_CASE("nonce: missing, wrong, or present although none was sent", "[oidc][id_token][nonce]") {
  es256_signer signer;
  key_set keys = *key_set::parse(signer.add_to(R"({"keys":[]})"));
  id_token_options o = options();
  o.nonce = "n-sent";
  CHECK(verify_id_token(signer.sign(id_claims(R"(,"nonce":"n-sent")")), keys, o));
  for (const char* extra : {"", R"(,"nonce":"n-other")", R"(,"nonce":"n-sent ")", R"(,"nonce":"")", R"(,"nonce":null)",
                            R"(,"nonce":["n-sent"])"}) {
    INFO(extra);
    auto r = verify_id_token(signer.sign(id_claims(extra)), keys, o);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::jwt_claim_invalid);
    CHECK(r.error().detail == "nonce");
  }
  // None sent (a session written by @logto/client, a refresh, the device flow): a nonce in the token is not
  // compared, as OIDC Core 3.1.3.7 step 11 only applies when one was sent.
  o.nonce.reset();
  CHECK(verify_id_token(signer.sign(id_claims(R"(,"nonce":"whatever")")), keys, o));
}

TEST_CASE("discovery's id_token_signing_alg_values_supported narrows the allow-list", "[oidc][id_token][alg]") {
  const algorithm_set all = algorithm_set::all();
  CHECK(*narrow_id_token_algorithms(all, {"ES384"}) == algorithm_set{algorithm::es384});
  CHECK(*narrow_id_token_algorithms(all, {}) == all);  // the document has no list: ours
  // none, HS* and unknown names never enter, even when advertised.
  CHECK(*narrow_id_token_algorithms(all, {"none", "HS256", "RS256", "EdDSA"}) == algorithm_set{algorithm::rs256});
  CHECK(*narrow_id_token_algorithms(algorithm_set{algorithm::es256, algorithm::es384}, {"ES384", "RS256"}) ==
        algorithm_set{algorithm::es384});
  // Nothing in common: a clear error naming both lists.
  auto none = narrow_id_token_algorithms(algorithm_set{algorithm::es384}, {"RS256", "none", "HS256"});
  REQUIRE_FALSE(none);
  CHECK(none.error().code == errc::jwt_unsupported_algorithm);
  CHECK(none.error().message.find("RS256, none, HS256") != std::string::npos);
  CHECK(none.error().message.find("id_token_algorithms: ES384") != std::string::npos);
  // A token signed with an algorithm outside the provider's list is refused even if ours allows it.
  id_token_options o = options();
  o.algorithms = *narrow_id_token_algorithms(all, {"RS256"});
  auto r = verify_id_token(token("valid.ES384"), main_keys(), o);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::jwt_unsupported_algorithm);
}

TEST_CASE("logto/jose/id_token.hpp still compiles old code (deprecated aliases of the oidc:: names)",
          "[oidc][id_token]") {
  static_assert(std::is_same<jose::id_token_options, oidc::id_token_options>::value, "alias");
  jose::id_token_options o = options();
  CHECK(jose::verify_id_token(token("valid.ES384"), main_keys(), o));
  auto original = jose::verify_id_token(token("valid.ES384"), main_keys(), o);
  REQUIRE(original);
  CHECK(jose::check_refreshed_id_token(token("valid.ES384"), original->claims, fixtures().client_id));
}
