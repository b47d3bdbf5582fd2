// JWK / JWKS (RFC 7517, RFC 7518 6) -> mbedTLS public keys; key selection (OIDC Core 10.1, RFC 8725 3.1).
#include <logto/jose/jwk.hpp>
#include <logto/jose/jws.hpp>

#include <atomic>
#include <vector>

#include "catch2_compat.hpp"
#include "jose_fixtures.hpp"
#include "test_threads.hpp"

using namespace logto;
using namespace logto::jose;
using jose_test::main_keys;

namespace {

// The JWK with `kid` from jwks.json, as an object the test may modify.
json::object jwk_from_main(const std::string& kid) {
  auto doc = json::parse(jose_test::read_data("jwks.json"));
  REQUIRE(doc);
  for (const auto& k : doc->get<json::object>().at("keys").get<json::array>()) {
    if (!k.is<json::object>()) continue;
    const auto& obj = k.get<json::object>();
    const auto* id = json::find(obj, "kid");
    if (id != nullptr && id->is<std::string>() && id->get<std::string>() == kid) return obj;
  }
  FAIL("no key " << kid << " in jwks.json");
  return {};
}

std::string b64(const std::string& bytes) { return base64url_encode(bytes); }
std::string unb64(const json::object& jwk, const char* name) {
  auto r = base64url_decode(jwk.at(name).get<std::string>());
  REQUIRE(r);
  return *r;
}

void require_jwk_error(const json::object& jwk, const std::string& needle) {
  auto k = public_key::from_jwk(jwk);
  REQUIRE_FALSE(k);
  CHECK(k.error().code == errc::jwk_invalid);
  INFO(k.error().message);
  CHECK(k.error().message.find(needle) != std::string::npos);
}

}  // namespace

TEST_CASE("JWA names: RFC 7518 3.1 algorithm names round-trip, case-sensitively", "[jose][jwk]") {
  for (std::size_t i = 0; i < algorithm_count; ++i) {
    const auto a = static_cast<algorithm>(i);
    CHECK(algorithm_from_name(to_string(a)) == a);
  }
  CHECK_FALSE(algorithm_from_name("es384"));
  CHECK_FALSE(algorithm_from_name("none"));
  CHECK_FALSE(algorithm_from_name("HS256"));
  CHECK_FALSE(algorithm_from_name("EdDSA"));
  CHECK(hash_of(algorithm::ps384) == crypto::hash_alg::sha384);
  CHECK(curve_of(algorithm::es512) == curve::p521);
  CHECK(coordinate_size(curve::p521) == 66);

  const auto discovered = algorithm_set::from_names({"RS256", "ES384", "none", "HS256", "EdDSA"});
  CHECK(discovered.contains(algorithm::rs256));
  CHECK(discovered.contains(algorithm::es384));
  CHECK_FALSE(discovered.contains(algorithm::ps256));
  CHECK(algorithm_set{algorithm::es384} != algorithm_set::all());
  CHECK(algorithm_set().empty());
}

TEST_CASE("RFC 7517 5: the provider's JWKS yields its RSA and EC keys, cached as mbedTLS keys", "[jose][jwk]") {
  const key_set& keys = main_keys();
  REQUIRE(keys.size() == 5);
  const auto& k = keys.keys();
  CHECK(k[0].type() == key_type::rsa);
  CHECK(k[0].bits() == 4096);  // Logto's RSA keys
  CHECK(k[0].alg() == algorithm::rs256);
  CHECK(k[1].bits() == 2048);
  CHECK_FALSE(k[1].alg());
  CHECK(k[2].crv() == curve::p256);
  CHECK(k[3].crv() == curve::p384);  // Logto's default key: ES384
  CHECK(k[4].crv() == curve::p521);
  CHECK(*k[3].kid() == "ec-p384");
  CHECK(k[3].describe() == "EC P-384 key \"ec-p384\"");
  CHECK(keys.fingerprint().size() == 64);
}

TEST_CASE("RFC 7517 5 / OIDF 'ignores unparseable key in jwks': unusable entries are skipped with a reason",
          "[jose][jwk]") {
  const key_set& keys = main_keys();
  REQUIRE(keys.ignored().size() == 8);
  const auto reason_of = [&](const std::string& kid) -> std::string {
    for (const auto& ig : keys.ignored()) {
      if (ig.kid && *ig.kid == kid) return ig.reason;
    }
    return "(not ignored)";
  };
  CHECK(reason_of("rsa-enc").find("\"use\": \"enc\"") != std::string::npos);
  CHECK(reason_of("ec-ops-encrypt").find("key_ops") != std::string::npos);
  CHECK(reason_of("pq-1").find("AKP") != std::string::npos);
  CHECK(reason_of("ed-1").find("OKP") != std::string::npos);
  CHECK(reason_of("hmac-1").find("oct") != std::string::npos);
  CHECK(reason_of("k1-1").find("secp256k1") != std::string::npos);
  CHECK(reason_of("rsa-1024").find("1024 bits; at least 2048") != std::string::npos);
  CHECK(keys.ignored().back().reason.find("not a JSON object") != std::string::npos);
  // Ignored kids are still "known": a token naming one is not a rotation, and says why it fails.
  CHECK(keys.knows_kid("rsa-1024"));
  CHECK(keys.knows_kid("ec-p384"));
  CHECK_FALSE(keys.knows_kid("ec-p384-next"));
}

TEST_CASE("RFC 7518 3.3: RSA keys under 2048 bits are refused", "[jose][jwk]") {
  require_jwk_error(jwk_from_main("rsa-1024"), "at least 2048");
  auto ok2048 = public_key::from_jwk(jwk_from_main("rsa-2048"));
  REQUIRE(ok2048);
  CHECK(ok2048->bits() == 2048);
}

TEST_CASE("RFC 7518 6.2.1: EC keys need a supported crv, exact-length coordinates and a point on the curve",
          "[jose][jwk]") {
  const json::object base = jwk_from_main("ec-p256");
  REQUIRE(public_key::from_jwk(base));

  SECTION("a point not on the curve (y changed)") {
    json::object jwk = base;
    std::string y = unb64(jwk, "y");
    y[31] = static_cast<char>(y[31] ^ 0x01);
    jwk["y"] = json::value(b64(y));
    require_jwk_error(jwk, "not on curve P-256");
  }
  SECTION("coordinates one byte short or long (RFC 7518 6.2.1.2: full size)") {
    json::object shorter = base;
    shorter["x"] = json::value(b64(unb64(base, "x").substr(1)));
    require_jwk_error(shorter, "exactly 32 bytes");
    json::object longer = base;
    longer["y"] = json::value(b64(std::string(1, '\0') + unb64(base, "y")));
    require_jwk_error(longer, "exactly 32 bytes");
  }
  SECTION("a P-256 point labelled P-384") {
    json::object jwk = base;
    jwk["crv"] = json::value(std::string("P-384"));
    jwk.erase("alg");
    require_jwk_error(jwk, "exactly 48 bytes");
  }
  SECTION("JWK alg that does not fit the curve (P-256 key with alg ES384)") {
    json::object jwk = base;
    jwk["alg"] = json::value(std::string("ES384"));
    require_jwk_error(jwk, "does not fit");
  }
  SECTION("an RSA alg on an EC key") {
    json::object jwk = base;
    jwk["alg"] = json::value(std::string("RS256"));
    require_jwk_error(jwk, "does not fit");
  }
  SECTION("unsupported curve, missing or malformed members") {
    json::object jwk = base;
    jwk["crv"] = json::value(std::string("P-192"));
    require_jwk_error(jwk, "unsupported \"crv\"");
    jwk = base;
    jwk.erase("x");
    require_jwk_error(jwk, "missing \"x\"");
    jwk = base;
    jwk["x"] = json::value(std::string("not base64url!"));
    require_jwk_error(jwk, "not valid base64url");
    jwk = base;
    jwk["y"] = json::value(42.0);
    require_jwk_error(jwk, "must be a string");
    jwk = base;
    jwk.erase("crv");
    require_jwk_error(jwk, "missing \"crv\"");
  }
}

TEST_CASE("RFC 7517 4: common JWK members are type-checked; use/key_ops/alg bind the key", "[jose][jwk]") {
  const json::object rsa = jwk_from_main("rsa-2048");
  json::object jwk = rsa;
  jwk.erase("kty");
  require_jwk_error(jwk, "missing \"kty\"");
  jwk = rsa;
  jwk["kty"] = json::value(1.0);
  require_jwk_error(jwk, "\"kty\" must be a string");
  jwk = rsa;
  jwk["kty"] = json::value(std::string("rsa"));
  require_jwk_error(jwk, "unsupported \"kty\"");
  jwk = rsa;
  jwk["kid"] = json::value(7.0);
  require_jwk_error(jwk, "\"kid\" must be a string");
  jwk = rsa;
  jwk["use"] = json::value(std::string("enc"));
  require_jwk_error(jwk, "only \"sig\"");
  jwk = rsa;
  jwk["key_ops"] = json::value(std::string("verify"));
  require_jwk_error(jwk, "array of strings");
  jwk = rsa;
  jwk["key_ops"] = json::value(json::array{json::value(std::string("sign"))});
  require_jwk_error(jwk, "does not include \"verify\"");
  jwk = rsa;
  jwk["alg"] = json::value(std::string("HS256"));
  require_jwk_error(jwk, "not a supported signature algorithm");
  jwk = rsa;
  jwk["alg"] = json::value(std::string("ES256"));
  require_jwk_error(jwk, "does not fit");
  jwk = rsa;
  jwk["n"] = json::value(std::string(""));
  require_jwk_error(jwk, "must not be empty");
  jwk = rsa;
  jwk["e"] = json::value(b64(std::string(40, '\x01')));
  require_jwk_error(jwk, "implausibly large");
  jwk = rsa;
  jwk["e"] = json::value(b64(std::string(1, '\x02')));  // even exponent: mbedtls_rsa_check_pubkey refuses it
  require_jwk_error(jwk, "RSA JWK");

  // A leading zero octet in n changes nothing (tolerated, see jwk.hpp).
  jwk = rsa;
  jwk["n"] = json::value(b64(std::string(1, '\0') + unb64(rsa, "n")));
  auto padded = public_key::from_jwk(jwk);
  REQUIRE(padded);
  CHECK(padded->bits() == 2048);

  // key_ops with verify, use sig, and a fitting alg are fine and bind the key to that alg.
  jwk = rsa;
  jwk["use"] = json::value(std::string("sig"));
  jwk["key_ops"] = json::value(json::array{json::value(std::string("verify"))});
  jwk["alg"] = json::value(std::string("PS384"));
  auto bound = public_key::from_jwk(jwk);
  REQUIRE(bound);
  CHECK(bound->can_verify(algorithm::ps384));
  CHECK_FALSE(bound->can_verify(algorithm::rs384));
  CHECK_FALSE(bound->can_verify(algorithm::es384));
}

TEST_CASE("JWK and JWKS parsers answer malformed input with an error and a message", "[jose][jwk]") {
  for (const char* text : {"", "{", "[]", "42", "{\"kty\":\"EC\",\"kty\":\"RSA\"}", "{\"kty\":\"EC\"}"}) {
    INFO(text);
    auto k = public_key::parse_jwk(text);
    REQUIRE_FALSE(k);
    CHECK(k.error().code == errc::jwk_invalid);
    CHECK_FALSE(k.error().message.empty());
  }
  const char* bad_sets[] = {
      "",                           // not JSON
      "{\"keys\":[",                // truncated
      "[]",                         // not an object
      "{}",                         // no keys
      "{\"keys\":{}}",              // keys not an array
      "{\"keys\":[],\"keys\":[]}",  // duplicate member
      "{\"keys\":\"x\"}",           //
  };
  for (const char* text : bad_sets) {
    INFO(text);
    auto s = key_set::parse(text);
    REQUIRE_FALSE(s);
    CHECK(s.error().code == errc::jwks_invalid);
    CHECK_FALSE(s.error().message.empty());
  }
  std::string many = "{\"keys\":[";
  for (int i = 0; i <= LOGTO_MAX_JWKS_KEYS; ++i) many += (i != 0 ? ",{}" : "{}");
  many += "]}";
  auto too_many = key_set::parse(many);
  REQUIRE_FALSE(too_many);
  CHECK(too_many.error().message.find("at most") != std::string::npos);

  // An empty set is valid (RFC 7517 5) and verifies nothing.
  auto empty = key_set::parse("{\"keys\":[]}");
  REQUIRE(empty);
  CHECK(empty->empty());
  auto sel = empty->select(algorithm::es384, std::nullopt);
  REQUIRE_FALSE(sel);
  CHECK(sel.error().code == errc::jwt_no_matching_key);
}

TEST_CASE("key_set fingerprints identify the document (rotation detection)", "[jose][jwk]") {
  auto again = key_set::parse(jose_test::read_data("jwks.json"));
  REQUIRE(again);
  CHECK(again->fingerprint() == main_keys().fingerprint());
  CHECK(jose_test::keys("jwks-rotated.json").fingerprint() != main_keys().fingerprint());
  CHECK(jose_test::keys("jwks-rotated.json").size() == 6);
}

TEST_CASE("OIDC Core 10.1 / RFC 8725 3.1: key selection by kid, type, curve and the key's own alg", "[jose][jwk]") {
  const key_set& keys = main_keys();
  auto es384 = keys.select(algorithm::es384, std::string_view("ec-p384"));
  REQUIRE(es384);
  CHECK(*(*es384)->kid() == "ec-p384");
  // Without a kid only a single fitting key is taken.
  CHECK(keys.select(algorithm::es384, std::nullopt));
  auto rsa_no_kid = keys.select(algorithm::rs256, std::nullopt);
  REQUIRE_FALSE(rsa_no_kid);
  CHECK(rsa_no_kid.error().code == errc::jwt_no_matching_key);
  CHECK(rsa_no_kid.error().message.find("refusing to guess") != std::string::npos);
  // PS256 without kid: the RS256-bound 4096-bit key does not fit, so rsa-2048 is the single candidate.
  auto ps_no_kid = keys.select(algorithm::ps256, std::nullopt);
  REQUIRE(ps_no_kid);
  CHECK(*(*ps_no_kid)->kid() == "rsa-2048");
  auto bound = keys.select(algorithm::ps256, std::string_view("rsa-4096"));
  REQUIRE_FALSE(bound);
  CHECK(bound.error().code == errc::jwt_no_matching_key);
  auto wrong_curve = keys.select(algorithm::es384, std::string_view("ec-p256"));
  REQUIRE_FALSE(wrong_curve);
  CHECK(wrong_curve.error().message.find("cannot verify ES384") != std::string::npos);
  auto ignored = keys.select(algorithm::rs256, std::string_view("rsa-1024"));
  REQUIRE_FALSE(ignored);
  CHECK(ignored.error().code == errc::jwk_invalid);
  auto unknown = keys.select(algorithm::es384, std::string_view("nope"));
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == errc::jwt_no_matching_key);
  CHECK(unknown.error().message.find("rotated") != std::string::npos);
}

TEST_CASE("public_key::verify on its own: ES256 from a single JWK, and the wrong algorithm is refused", "[jose][jwk]") {
  auto key = public_key::from_jwk(jwk_from_main("ec-p256"));
  REQUIRE(key);
  auto jws = parse_compact(jose_test::token("valid.ES256"));
  REQUIRE(jws);
  CHECK(key->verify(algorithm::es256, jws->signing_input, jws->signature));
  auto wrong = key->verify(algorithm::es384, jws->signing_input, jws->signature);
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().code == errc::jwt_no_matching_key);
  // verify_digest with a digest of the wrong size is an argument error, not a verdict.
  const unsigned char short_digest[20] = {};
  auto bad = key->verify_digest(algorithm::es256, short_digest, sizeof short_digest, jws->signature);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == errc::invalid_argument);
}

#if LOGTO_TEST_THREADS
TEST_CASE("a key_set verifies from several threads at once (immutable after construction)", "[jose][jwk]") {
  const key_set& keys = main_keys();
  const std::string es = jose_test::token("valid.ES384");
  const std::string rs = jose_test::token("valid.RS256-4096");
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 3; ++i) {
        if (verify_compact(t % 2 == 0 ? es : rs, keys)) ++good;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(good == 12);
}
#endif  // LOGTO_TEST_THREADS

TEST_CASE("a JWKS prepares a key on its first verification, and only that key's curve", "[jose][jwk]") {
  auto keys = key_set::parse(jose_test::read_data("jwks.json"));
  REQUIRE(keys);
  for (const auto& k : keys->keys()) CHECK_FALSE(k.prepared());  // parsing only checks, builds no tables
  auto p256 = keys->select(algorithm::es256, std::string_view("ec-p256"));
  auto p384 = keys->select(algorithm::es384, std::string_view("ec-p384"));
  auto rsa = keys->select(algorithm::rs256, std::string_view("rsa-2048"));
  REQUIRE(p256);
  REQUIRE(p384);
  REQUIRE(rsa);
  const std::string es = jose_test::token("valid.ES384");
  auto jws = parse_compact(es);
  REQUIRE(jws);
  // A failed verification leaves the key unprepared (its table may not have been built).
  std::string forged = jws->signature;
  forged[forged.size() - 1] = static_cast<char>(forged[forged.size() - 1] ^ 1);
  CHECK_FALSE((*p384)->verify(algorithm::es384, jws->signing_input, forged));
  CHECK_FALSE((*p384)->prepared());
  CHECK((*p384)->verify(algorithm::es384, jws->signing_input, jws->signature));
  CHECK((*p384)->prepared());
  CHECK_FALSE((*p256)->prepared());
  CHECK_FALSE((*rsa)->prepared());
  CHECK(verify_compact(jose_test::token("valid.RS256"), *keys));
  CHECK((*rsa)->prepared());
  CHECK_FALSE((*p256)->prepared());
}

TEST_CASE("a key that fails its checks is still refused when the JWKS is parsed, not on first use", "[jose][jwk]") {
  auto jwk = jwk_from_main("ec-p256");
  std::string y = unb64(jwk, "y");
  y[y.size() - 1] = static_cast<char>(y[y.size() - 1] ^ 1);  // off the curve
  jwk["y"] = json::value(b64(y));
  json::array list{json::value(jwk)};
  json::object doc;
  doc["keys"] = json::value(list);
  auto keys = key_set::from_json(json::value(doc));
  REQUIRE(keys);
  CHECK(keys->empty());
  REQUIRE(keys->ignored().size() == 1);
  CHECK(keys->ignored()[0].reason.find("not on curve") != std::string::npos);
}

#if LOGTO_TEST_THREADS
TEST_CASE("the first verifications with a fresh key_set may run from several threads at once", "[jose][jwk]") {
  for (int round = 0; round < 3; ++round) {
    auto keys = key_set::parse(jose_test::read_data("jwks.json"));
    REQUIRE(keys);
    const std::string tokens[] = {jose_test::token("valid.ES384"), jose_test::token("valid.RS256"),
                                  jose_test::token("valid.ES256"), jose_test::token("valid.PS256")};
    std::atomic<int> good{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        if (verify_compact(tokens[t % 4], *keys)) ++good;
      });
    }
    for (auto& th : threads) th.join();
    CHECK(good == 8);
    for (const auto& k : keys->keys()) {
      if (k.kid() == std::string("ec-p521") || k.kid() == std::string("rsa-4096")) CHECK_FALSE(k.prepared());
    }
  }
}
#endif  // LOGTO_TEST_THREADS
