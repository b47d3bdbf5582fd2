// Defence in depth, one layer at a time: where a later check would refuse an attack too, the earlier one
// is tested alone and recognised by its own message, so that removing it cannot hide behind the next.
// `alg: none` meets, in order: the explicit refusal (RFC 8725 3.1), the algorithm table (no "none" in it),
// the allow-list (which cannot hold it), and the empty-signature rule of the compact form.
#include <logto/jose/jws.hpp>
#include <logto/jose/token_cache.hpp>

#include <string>

#include "catch2_compat.hpp"
#include "jose_fixtures.hpp"

using namespace logto;
using namespace logto::jose;
using jose_test::main_keys;
using jose_test::token;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string with_header(const std::string& tok, const std::string& json_text) {
  return jose_test::with_segment(tok, 0, base64url_encode(json_text));
}

}  // namespace

TEST_CASE("alg none: the explicit refusal answers first, with its own message (RFC 8725 3.1)", "[jose][layers]") {
  for (const char* name : {"attack.none", "attack.none-with-sig", "attack.none-kid"}) {
    INFO(name);
    // The header alone: no key, no signature and no allow-list are involved.
    auto header = decode_header(token(name), algorithm_set::all());
    REQUIRE_FALSE(header);
    CHECK(header.error().code == errc::jwt_unsupported_algorithm);
    CHECK(contains(header.error().message, "\"none\" (an unsecured JWT) is never accepted"));
    // A full verification stops at the same check.
    auto verified = verify_compact(token(name), main_keys());
    REQUIRE_FALSE(verified);
    CHECK(verified.error().message == header.error().message);
  }
}

TEST_CASE("alg none: each layer behind the explicit refusal holds on its own", "[jose][layers]") {
  // The algorithm table: "none" is no algorithm of this library; an unknown name gets the generic message
  // (here "None", which the exact-match refusal does not see).
  CHECK_FALSE(algorithm_from_name("none"));
  auto other_case = decode_header(with_header(token("valid.ES384"), R"({"alg":"None"})"));
  REQUIRE_FALSE(other_case);
  CHECK(other_case.error().code == errc::jwt_unsupported_algorithm);
  CHECK(contains(other_case.error().message, "is not supported"));
  CHECK_FALSE(contains(other_case.error().message, "unsecured"));
  // The allow-list: built from a provider's list, it cannot hold "none" (or HS256).
  CHECK(algorithm_set::from_names({"none", "HS256"}) == algorithm_set());
  // The compact form: an unsigned token under a real algorithm is malformed, before any key is chosen.
  auto unsigned_es384 = parse_compact(jose_test::with_segment(token("valid.ES384"), 2, ""));
  REQUIRE_FALSE(unsigned_es384);
  CHECK(unsigned_es384.error().code == errc::jwt_malformed);
  CHECK(contains(unsigned_es384.error().message, "signature segment is empty"));
}

TEST_CASE("HS*: the explicit HMAC refusal has its own message; the table behind it has the generic one",
          "[jose][layers]") {
  auto hs = decode_header(token("attack.hs256-rsa-pem"));
  REQUIRE_FALSE(hs);
  CHECK(hs.error().code == errc::jwt_unsupported_algorithm);
  CHECK(contains(hs.error().message, "(HMAC) is refused"));
  CHECK_FALSE(algorithm_from_name("HS256"));
  auto lower = decode_header(token("attack.alg-lowercase"));
  REQUIRE_FALSE(lower);
  CHECK(contains(lower.error().message, "is not supported"));
}

TEST_CASE("allow-list: checked in the header and again on every cached hit", "[jose][layers]") {
  const algorithm_set rs256_only{algorithm::rs256};
  // The header layer alone: parse_compact refuses before any key or signature.
  auto header = parse_compact(token("valid.ES384"), rs256_only);
  REQUIRE_FALSE(header);
  CHECK(header.error().code == errc::jwt_unsupported_algorithm);
  CHECK(contains(header.error().message, "allow-list"));
  // The claims layer alone: a verified token re-checked with a narrower list (what a cache hit does).
  verify_options o;
  o.issuer = "https://tenant.logto.app/oidc";
  o.audience = "client-123";
  o.now = 1700000100;
  auto verified = verify_jwt(token("valid.ES384"), main_keys(), o);
  REQUIRE(verified);
  o.algorithms = rs256_only;
  auto again = validate(*verified, o);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == errc::jwt_unsupported_algorithm);
  CHECK(contains(again.error().message, "\"ES384\" is not on this verifier's allow-list"));
}
