// Compact JWS (RFC 7515) parsing and signature verification: every algorithm, and the attack classes of
// RFC 8725 (alg none, HS/RS confusion, psychic ECDSA signatures, non-canonical R||S, trailing signature bytes,
// crit, header-supplied keys, JWE / nested tokens, duplicate members, size limits).
#include <logto/jose/jws.hpp>

#include <string>
#include <vector>

#include "catch2_compat.hpp"
#include "jose_fixtures.hpp"

using namespace logto;
using namespace logto::jose;
using jose_test::main_keys;
using jose_test::token;

namespace {

const char* const valid_names[] = {"valid.RS256", "valid.RS384",      "valid.RS512", "valid.PS256", "valid.PS384",
                                   "valid.PS512", "valid.RS256-4096", "valid.ES256", "valid.ES384", "valid.ES512"};

error expect_error(const std::string& tok, errc code, const key_set& keys = main_keys(),
                   algorithm_set allowed = algorithm_set::all()) {
  auto r = verify_compact(tok, keys, allowed);
  REQUIRE_FALSE(r);
  INFO(r.error().message);
  CHECK(r.error().code == code);
  CHECK_FALSE(r.error().message.empty());
  return r.error();
}

bool contains(const error& e, const std::string& needle) { return e.message.find(needle) != std::string::npos; }

}  // namespace

TEST_CASE("RFC 7518 3.3-3.5: tokens signed by npm jose verify for every algorithm", "[jose][jws]") {
  for (const char* name : valid_names) {
    INFO(name);
    const std::string t = token(name);
    REQUIRE_FALSE(t.empty());
    auto r = verify_compact(t, main_keys());
    REQUIRE(r);
    const std::string alg_name = std::string(name).substr(6, 5);
    CHECK(to_string(r->header.alg) == alg_name);
    CHECK(r->payload.find("\"iss\":\"https://tenant.logto.app/oidc\"") != std::string::npos);
  }
}

TEST_CASE("RFC 7515 5.2: a corrupted signature or payload fails for every algorithm", "[jose][jws]") {
  for (const char* name : valid_names) {
    INFO(name);
    const std::string t = token(name);
    const error e = expect_error(jose_test::tamper_signature(t), errc::jwt_signature_invalid);
    CHECK(e.detail.find(crypto::backend::name) == 0);  // the backend's own failure code
    // The same signature over a different payload.
    auto payload = base64url_decode(jose_test::segment(t, 1));
    REQUIRE(payload);
    std::string changed = *payload;
    changed.replace(changed.find("user-1"), 6, "user-2");
    expect_error(jose_test::with_payload(t, changed), errc::jwt_signature_invalid);
  }
  // A token signed by another key under the provider's kid.
  expect_error(token("forged.ES384"), errc::jwt_signature_invalid);
}

TEST_CASE("CVE-2022-21449: ECDSA r = s = 0 and r = s = n are refused", "[jose][jws]") {
  expect_error(token("attack.es256-zero"), errc::jwt_signature_invalid);
  expect_error(token("attack.es256-r-s-n"), errc::jwt_signature_invalid);
}

TEST_CASE("RFC 7518 3.4: ECDSA signatures are exactly R||S (64/96/132 bytes); DER and padding are refused",
          "[jose][jws]") {
  const error der = expect_error(token("attack.es256-der"), errc::jwt_signature_invalid);
  CHECK(contains(der, "needs exactly 64"));
  CHECK(contains(der, "DER"));
  expect_error(token("attack.es384-der"), errc::jwt_signature_invalid);
  // 00||r||00||s: the same integers, 66 bytes. jwt-cpp v0.7.2 accepts this (cpp-notes 0.1).
  const error padded = expect_error(token("attack.es256-padded"), errc::jwt_signature_invalid);
  CHECK(contains(padded, "is 66 bytes"));
}

TEST_CASE("a valid signature followed by extra bytes, or cut short, is refused", "[jose][jws]") {
  expect_error(token("attack.rs256-trailing"), errc::jwt_signature_invalid);
  expect_error(token("attack.ps256-trailing"), errc::jwt_signature_invalid);
  expect_error(token("attack.es256-trailing"), errc::jwt_signature_invalid);
  expect_error(token("attack.rs256-short"), errc::jwt_signature_invalid);
}

TEST_CASE("RFC 8725 3.1: alg none and HS* (key confusion) are never accepted", "[jose][jws]") {
  CHECK(contains(expect_error(token("attack.none"), errc::jwt_unsupported_algorithm), "\"none\""));
  expect_error(token("attack.none-with-sig"), errc::jwt_unsupported_algorithm);
  expect_error(token("attack.none-kid"), errc::jwt_unsupported_algorithm);
  // HS256 keyed with the RSA public key PEM (CVE-2015-9235 pattern).
  CHECK(contains(expect_error(token("attack.hs256-rsa-pem"), errc::jwt_unsupported_algorithm), "HMAC"));
  expect_error(token("attack.hs256-no-kid"), errc::jwt_unsupported_algorithm);
  expect_error(token("attack.eddsa"), errc::jwt_unsupported_algorithm);
  expect_error(token("attack.alg-lowercase"), errc::jwt_unsupported_algorithm);
}

TEST_CASE("the algorithm allow-list is enforced before any key is touched", "[jose][jws]") {
  const error e =
      expect_error(token("valid.ES384"), errc::jwt_unsupported_algorithm, main_keys(), algorithm_set{algorithm::rs256});
  CHECK(contains(e, "allow-list"));
  CHECK(verify_compact(token("valid.ES384"), main_keys(), algorithm_set{algorithm::es384}));
  expect_error(token("valid.ES384"), errc::jwt_unsupported_algorithm, main_keys(), algorithm_set());
}

TEST_CASE("RFC 7515 4.1.11: a crit header (even empty) and b64 are refused", "[jose][jws]") {
  CHECK(contains(expect_error(token("attack.crit"), errc::jwt_unsupported_algorithm), "crit"));
  expect_error(token("attack.crit-empty"), errc::jwt_unsupported_algorithm);
  expect_error(token("attack.b64-false"), errc::jwt_unsupported_algorithm);
}

TEST_CASE("RFC 8725 3.10: jku, x5u, x5c and jwk headers are refused, even with a valid signature", "[jose][jws]") {
  for (const char* name :
       {"attack.jku", "attack.x5u", "attack.x5c", "attack.jwk-embedded", "attack.jwk-embedded-kid"}) {
    INFO(name);
    CHECK(contains(expect_error(token(name), errc::jwt_unsupported_algorithm), "JWKS"));
  }
}

TEST_CASE("RFC 8725 3.3: JWE (5 segments), enc/zip headers and nested JWTs (cty JWT) are refused", "[jose][jws]") {
  CHECK(contains(expect_error(token("attack.jwe"), errc::jwt_unsupported_algorithm), "5 segments"));
  expect_error(token("attack.enc-header"), errc::jwt_unsupported_algorithm);
  expect_error(token("attack.zip-header"), errc::jwt_unsupported_algorithm);
  CHECK(contains(expect_error(token("attack.nested-cty"), errc::jwt_unsupported_algorithm), "nested"));
  CHECK(jose::detail::media_type_equal("application/JWT", "jwt"));
  CHECK(jose::detail::media_type_equal("at+jwt", "application/at+jwt"));
  CHECK_FALSE(jose::detail::media_type_equal("application/jwt", "application/at+jwt"));
}

TEST_CASE("RFC 7515 4: malformed headers (duplicate members, not an object, wrong types, no alg)", "[jose][jws]") {
  CHECK(contains(expect_error(token("attack.dup-header"), errc::jwt_malformed), "duplicate member name"));
  expect_error(token("attack.header-array"), errc::jwt_malformed);
  CHECK(contains(expect_error(token("attack.header-kid-number"), errc::jwt_malformed), "\"kid\""));
  CHECK(contains(expect_error(token("attack.header-alg-missing"), errc::jwt_malformed), "no \"alg\""));
  const std::string t = token("valid.ES384");
  const auto with_header = [&](const std::string& json_text) {
    return jose_test::with_segment(t, 0, base64url_encode(json_text));
  };
  expect_error(with_header("{\"alg\":\"ES384\""), errc::jwt_malformed);
  expect_error(with_header("not json"), errc::jwt_malformed);
  expect_error(with_header("{\"alg\":384}"), errc::jwt_malformed);
  expect_error(with_header("{\"alg\":\"ES384\",\"typ\":1}"), errc::jwt_malformed);
  expect_error(with_header("{\"alg\":\"ES384\",\"cty\":false}"), errc::jwt_malformed);
  expect_error(with_header("{\"alg\":\"ES384\",\"kid\":\"ec-p384\",\"x\":\"\xff\"}"), errc::jwt_malformed);
  // Unknown, non-critical header parameters are ignored (RFC 7515 4), so this one only fails its signature.
  expect_error(with_header("{\"alg\":\"ES384\",\"kid\":\"ec-p384\",\"x-extra\":1}"), errc::jwt_signature_invalid);
}

TEST_CASE("RFC 7515 7.1: malformed compact serializations return an error with a message", "[jose][jws]") {
  const std::string t = token("valid.ES384");
  const std::string h = jose_test::segment(t, 0);
  const std::string p = jose_test::segment(t, 1);
  const std::string s = jose_test::segment(t, 2);
  const std::vector<std::string> bad = {
      "",                                                             // empty
      ".",                                                            //
      "..",                                                           // three empty segments
      "abc",                                                          // one segment
      h + "." + p,                                                    // two segments
      h + "." + p + "." + s + ".",                                    // four segments
      h + "." + p + "." + s + "." + s + "." + s + "." + s,            // seven
      "." + p + "." + s,                                              // empty header
      h + ".." + s,                                                   // empty payload
      h + "." + p + ".",                                              // empty signature
      h + "." + p + "." + s + "=",                                    // padding
      h + "." + p + ".A" + s.substr(1, s.size() - 2) + "+",           // standard alphabet
      h + "." + p + "." + s.substr(0, 10) + " " + s.substr(10),       // whitespace
      h + "." + p + ".AB",                                            // non-canonical trailing bits (RFC 4648 3.5)
      h + "." + p + "." + s.substr(0, 5),                             // length 5 mod 4 == 1
      "!" + h.substr(1) + "." + p + "." + s,                          // invalid header character
      h + "." + p.substr(0, p.size() - 1) + "*." + s,                 // invalid payload character
      std::string(LOGTO_MAX_JWT_SIZE + 1, 'a'),                       // over the size limit
      h + "." + std::string(LOGTO_MAX_JWT_SIZE, 'A') + "." + s,       // huge payload segment
      base64url_encode(std::string(40000, '{')) + "." + p + "." + s,  // huge, deeply nested header
  };
  for (const auto& tok : bad) {
    INFO(tok.substr(0, 120));
    auto parsed = parse_compact(tok);
    REQUIRE_FALSE(parsed);
    CHECK((parsed.error().code == errc::jwt_malformed || parsed.error().code == errc::jwt_unsupported_algorithm));
    CHECK_FALSE(parsed.error().message.empty());
    auto verified = verify_compact(tok, main_keys());
    REQUIRE_FALSE(verified);
  }
}

TEST_CASE("every truncation of a valid token is refused", "[jose][jws]") {
  for (const char* name : {"valid.ES384", "valid.RS256"}) {
    const std::string t = token(name);
    REQUIRE(verify_compact(t, main_keys()));
    std::size_t refused = 0;
    for (std::size_t n = 0; n < t.size(); ++n) {
      auto r = verify_compact(t.substr(0, n), main_keys());
      if (r) FAIL_CHECK(name << " truncated to " << n << " bytes verified");
      if (!r && !r.error().message.empty()) ++refused;
    }
    CHECK(refused == t.size());
  }
}

TEST_CASE("decode_header reads kid and typ without verifying, under the same header policy", "[jose][jws]") {
  auto h = decode_header(token("valid.ES384-typ-jwt"));
  REQUIRE(h);
  CHECK(h->alg == algorithm::es384);
  CHECK(*h->kid == "ec-p384");
  CHECK(*h->typ == "JWT");
  auto none = decode_header(token("attack.none"));
  REQUIRE_FALSE(none);
  CHECK(none.error().code == errc::jwt_unsupported_algorithm);
  auto no_kid = decode_header(token("kid-absent.ES384"));
  REQUIRE(no_kid);
  CHECK_FALSE(no_kid->kid);
}

TEST_CASE("OIDC Core 10.1 / OIDF rp-id_token-kid-absent-*: key selection when verifying", "[jose][jws]") {
  // One key in the set, no kid: use it.
  CHECK(verify_compact(token("kid-absent.ES384"), jose_test::keys("jwks-single.json")));
  // Several P-384 keys, no kid: refuse rather than guess (jose would try each).
  expect_error(token("kid-absent.ES384"), errc::jwt_no_matching_key, jose_test::keys("jwks-two-p384.json"));
  // The main set has a single P-384 key but two RSA keys that fit RS256.
  CHECK(verify_compact(token("kid-absent.ES384"), main_keys()));
  expect_error(token("kid-absent.RS256"), errc::jwt_no_matching_key);
  // Unknown kid (rotation) -> no matching key; after the refetch the rotated set has it.
  CHECK(contains(expect_error(token("kid-unknown.ES384"), errc::jwt_no_matching_key), "rotated"));
  CHECK(verify_compact(token("kid-unknown.ES384"), jose_test::keys("jwks-rotated.json")));
  expect_error(token("kid-other-p384.ES384"), errc::jwt_no_matching_key);
  // kid names a key of the wrong type / curve, or one bound to another alg.
  expect_error(token("kid-wrong-type.RS256"), errc::jwt_no_matching_key);
  expect_error(token("kid-wrong-curve.ES384"), errc::jwt_no_matching_key);
  expect_error(token("kid-alg-bound.PS256"), errc::jwt_no_matching_key);
  // kid names an ignored entry: the error says why.
  CHECK(contains(expect_error(token("kid-weak.RS256"), errc::jwk_invalid), "at least 2048"));
  CHECK(contains(expect_error(token("kid-enc-key.RS256"), errc::jwk_invalid), "\"enc\""));
}

TEST_CASE("error messages quote token-supplied text safely (no line breaks, bounded length)", "[jose][jws]") {
  const std::string t = token("valid.ES384");
  const std::string kid = "evil\r\nX-Injected: 1" + std::string(200, 'k');
  const std::string header = "{\"alg\":\"ES384\",\"kid\":" + json::quote(kid) + "}";
  const error e = expect_error(jose_test::with_segment(t, 0, base64url_encode(header)), errc::jwt_no_matching_key);
  CHECK(e.message.find('\n') == std::string::npos);
  CHECK(e.message.find('\r') == std::string::npos);
  CHECK(e.message.find("evil\\x0d\\x0aX-Injected") != std::string::npos);
  CHECK(e.message.size() < 300);
  const std::string alg_header = "{\"alg\":\"HS256\\u0000\\n\"}";
  const error a =
      expect_error(jose_test::with_segment(t, 0, base64url_encode(alg_header)), errc::jwt_unsupported_algorithm);
  CHECK(a.message.find('\n') == std::string::npos);
  CHECK(a.message.find(std::string(1, '\0')) == std::string::npos);
}
