// PKCE (RFC 7636) and state as @logto/browser generates them (utils/generators.test.ts).
#include <logto/oidc/pkce.hpp>

#include <set>

#include "catch2_compat.hpp"

using namespace logto;

namespace {
// Deterministic source: byte i of the stream is (seed + i) mod 256.
struct counting_random {
  unsigned char next = 0;
  bool fill(unsigned char* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = next++;
    return true;
  }
};
struct failing_random {
  bool fill(unsigned char*, std::size_t) { return false; }
};
bool is_base64url(const std::string& s) {
  for (const char c : s) {
    const bool allowed =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!allowed) return false;
  }
  return true;
}
}  // namespace

TEST_CASE("RFC 7636 Appendix B: S256 challenge of the example verifier", "[oidc][pkce]") {
  auto c = oidc::generate_code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  REQUIRE(c);
  CHECK(*c == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  CHECK(oidc::code_challenge_method == "S256");
}

TEST_CASE("@logto/browser generateCodeChallenge: the SDK's test vectors", "[oidc][pkce]") {
  const std::pair<const char*, const char*> vectors[] = {
      {"tO6MabnMFRAatnlMa1DdSstypzzkgalL1-k8Hr_GdfTj-VXGiEACqAkSkDhFuAuD8FOU8lMishaXjt29Xt2Oww",
       "0K3SLeGlNNzFswYJjcVzcN4C76m_8NZORxFJLBJWGwg"},
      {"\xC3\x81", "p3yvZiKYauPicLIDZ0W1peDz4Z9KFC-9uxtDfoO1KOQ"},          // "Á" as UTF-8
      {"\xF0\x9F\x9A\x80", "67wLKHDrMj8rbP-lxJPO74GufrNq_HPU4DZzAWMdrsU"},  // "🚀" as UTF-8
  };
  for (const auto& v : vectors) {
    auto c = oidc::generate_code_challenge(v.first);
    REQUIRE(c);
    CHECK(*c == v.second);
  }
}

TEST_CASE("@logto/browser generators: 64 random bytes as 86 base64url characters", "[oidc][pkce]") {
  counting_random rng;
  auto verifier = oidc::generate_code_verifier(rng);
  auto state = oidc::generate_state(rng);
  REQUIRE(verifier);
  REQUIRE(state);
  CHECK(verifier->size() == 86);
  CHECK(state->size() == 86);
  CHECK(is_base64url(*verifier));
  CHECK(oidc::is_valid_code_verifier(*verifier));
  auto raw = base64url_decode(*verifier);
  REQUIRE(raw);
  REQUIRE(raw->size() == 64);
  for (std::size_t i = 0; i < 64; ++i) CHECK(static_cast<std::size_t>(static_cast<unsigned char>((*raw)[i])) == i);
  auto raw_state = base64url_decode(*state);
  REQUIRE(raw_state);
  CHECK(static_cast<unsigned char>((*raw_state)[0]) == 64);  // independent draw: the stream went on
  CHECK(*verifier != *state);
}

TEST_CASE("generators with the default CSPRNG differ on every call", "[oidc][pkce]") {
  crypto::default_random rng;
  std::set<std::string> seen;
  for (int i = 0; i < 16; ++i) {
    auto v = oidc::generate_code_verifier(rng);
    REQUIRE(v);
    CHECK(v->size() == 86);
    CHECK(is_base64url(*v));
    seen.insert(*v);
  }
  CHECK(seen.size() == 16);
  // Deterministic challenge, different per verifier.
  auto a = oidc::generate_code_challenge(*seen.begin());
  auto b = oidc::generate_code_challenge(*seen.begin());
  auto c = oidc::generate_code_challenge(*seen.rbegin());
  REQUIRE((a && b && c));
  CHECK(*a == *b);
  CHECK(*a != *c);
  CHECK(a->size() == 43);
}

TEST_CASE("a failing random source is an error, never a weak value", "[oidc][pkce]") {
  failing_random rng;
  auto v = oidc::generate_code_verifier(rng);
  REQUIRE_FALSE(v);
  CHECK(v.error().code == errc::crypto_error);
  CHECK_FALSE(v.error().message.empty());
}

TEST_CASE("RFC 7636 4.1: code verifier alphabet and length", "[oidc][pkce]") {
  CHECK(oidc::is_valid_code_verifier(std::string(43, 'a')));
  CHECK(oidc::is_valid_code_verifier(std::string(128, '~')));
  CHECK_FALSE(oidc::is_valid_code_verifier(std::string(42, 'a')));
  CHECK_FALSE(oidc::is_valid_code_verifier(std::string(129, 'a')));
  CHECK_FALSE(oidc::is_valid_code_verifier(std::string(50, 'a') + "+"));
  CHECK_FALSE(oidc::is_valid_code_verifier("\xC3\x81"));
}
