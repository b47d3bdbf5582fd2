// FIPS 180-4 / RFC 6234 SHA, RFC 2202 / RFC 4231 HMAC, the CSPRNG, constant-time compare, zeroize.
#include <logto/core/crypto.hpp>

#include <set>

#include "catch2_compat.hpp"

using namespace logto;
using crypto::hash_alg;

static std::string hex(const result<std::string>& r) {
  REQUIRE(r);
  return hex_encode(*r);
}

TEST_CASE("FIPS 180-4 / RFC 6234: SHA-1, SHA-256, SHA-384, SHA-512 of \"abc\"", "[core][crypto]") {
  CHECK(hex(crypto::digest(hash_alg::sha1, "abc")) == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(hex(crypto::digest(hash_alg::sha256, "abc")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hex(crypto::digest(hash_alg::sha384, "abc")) ==
        "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
  CHECK(hex(crypto::digest(hash_alg::sha512, "abc")) ==
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce8"
        "0e2a9ac94fa54ca49f");
  CHECK(hex(crypto::sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(hex(crypto::sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("RFC 2202 / RFC 4231 HMAC test cases 1 and 2", "[core][crypto]") {
  const std::string key1(20, '\x0b');
  CHECK(hex(crypto::hmac(hash_alg::sha1, key1, "Hi There")) == "b617318655057264e28bc0b6fb378c8ef146be00");
  CHECK(hex(crypto::hmac(hash_alg::sha256, key1, "Hi There")) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  CHECK(hex(crypto::hmac(hash_alg::sha384, key1, "Hi There")) ==
        "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6");
  CHECK(hex(crypto::hmac(hash_alg::sha512, key1, "Hi There")) ==
        "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1"
        "702e696c203a126854");
  CHECK(hex(crypto::hmac(hash_alg::sha1, "Jefe", "what do ya want for nothing?")) ==
        "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  CHECK(hex(crypto::hmac(hash_alg::sha256, "Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // RFC 4231 4.7 (test case 6): a key longer than the block size is hashed first.
  CHECK(hex(crypto::hmac(hash_alg::sha256, std::string(131, '\xaa'),
                         "Test Using Larger Than Block-Size Key - Hash Key First")) ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_CASE("the default random source delivers distinct bytes; UUIDs are version 4", "[core][crypto]") {
  crypto::default_random rng;
  std::set<std::string> seen;
  for (int i = 0; i < 32; ++i) {
    auto b = crypto::random_bytes(rng, 32);
    REQUIRE(b);
    CHECK(b->size() == 32);
    seen.insert(*b);
  }
  CHECK(seen.size() == 32);
  auto big = crypto::random_bytes(rng, 5000);  // more than one CTR-DRBG request
  REQUIRE(big);
  CHECK(big->size() == 5000);
  auto id = crypto::uuid_v4(rng);
  REQUIRE(id);
  REQUIRE(id->size() == 36);
  CHECK((*id)[14] == '4');
  CHECK(std::string("89ab").find((*id)[19]) != std::string::npos);
  CHECK(id->find_first_of("ABCDEF") == std::string::npos);
}

namespace {
struct failing_random {
  bool fill(unsigned char*, std::size_t) { return false; }
};
}  // namespace

TEST_CASE("a failing random source is an error, never weak bytes", "[core][crypto]") {
  failing_random bad;
  auto r = crypto::random_bytes(bad, 16);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::crypto_error);
  CHECK_FALSE(crypto::uuid_v4(bad));
  static_assert(crypto::is_random_source<failing_random>::value, "");
  static_assert(!crypto::is_random_source<int>::value, "");
}

TEST_CASE("constant-time equality and wiping", "[core][crypto]") {
  CHECK(crypto::constant_time_equal("abc", "abc"));
  CHECK_FALSE(crypto::constant_time_equal("abc", "abd"));
  CHECK_FALSE(crypto::constant_time_equal("abc", "ab"));
  CHECK(crypto::constant_time_equal("", ""));
  std::string s = "a secret that is longer than the small-string buffer";
  const char* data = s.data();
  const std::size_t cap = s.capacity();
  crypto::wipe(s);
  CHECK(s.empty());
  CHECK(s.capacity() == cap);  // same buffer, now zeroed
  CHECK(std::string(data, cap) == std::string(cap, '\0'));
  crypto::secret sec("pw");
  CHECK(sec.reveal() == "pw");
}
