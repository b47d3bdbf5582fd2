// sealed_storage: AES-256-GCM (SP 800-38D) values bound to their storage key and key version; anything
// altered, swapped or foreign reads as absent.
#include <logto/sealed_storage.hpp>

#include <array>
#include <vector>

#include "catch2_compat.hpp"

using namespace logto;

namespace {
std::string unhex(std::string_view h) {
  auto r = hex_decode(h);
  REQUIRE(r);
  return *r;
}

sealing_key make_key(std::uint32_t version, char fill) { return {version, crypto::secret(std::string(32, fill))}; }

std::vector<sealing_key> ring(std::initializer_list<std::pair<std::uint32_t, char>> keys) {
  std::vector<sealing_key> out;
  for (const auto& k : keys) out.push_back(make_key(k.first, k.second));
  return out;
}

// A random source that can be told to fail.
struct switchable_random {
  bool works = true;
  bool fill(unsigned char* out, std::size_t n) { return works && crypto::default_random().fill(out, n); }
};

// A storage whose writes can be refused, reporting it with `bool`.
struct refusing_storage {
  memory_storage inner;
  bool full = false;
  std::optional<std::string> get(std::string_view k) const { return inner.get(k); }
  bool set(std::string_view k, std::string v) {
    if (full) return false;
    inner.set(k, std::move(v));
    return true;
  }
  bool remove(std::string_view k) {
    inner.remove(k);
    return true;
  }
};
}  // namespace

TEST_CASE("AES-256-GCM: the GCM specification's test case 16 (McGrew-Viega, SP 800-38D)", "[core][aead]") {
  const std::string key = unhex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
  std::array<unsigned char, 12> iv{};
  const std::string iv_bytes = unhex("cafebabefacedbaddecaf888");
  std::copy(iv_bytes.begin(), iv_bytes.end(), iv.begin());
  const std::string aad = unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  const std::string pt = unhex(
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de65"
      "7ba637b39");
  auto sealed = crypto::aes256_gcm_seal(key, iv, aad, pt);
  REQUIRE(sealed);
  CHECK(
      hex_encode(*sealed) ==
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0a"
      "bcc9f662"
      "76fc6ece0f4e1768cddf8853bb2d551b");
  auto opened = crypto::aes256_gcm_open(key, iv_bytes, aad, *sealed);
  REQUIRE(opened);
  CHECK(*opened == pt);
  std::string flipped = *sealed;
  flipped.back() = static_cast<char>(flipped.back() ^ 1);
  CHECK(crypto::aes256_gcm_open(key, iv_bytes, aad, flipped).error().code == errc::crypto_error);
  CHECK_FALSE(crypto::aes256_gcm_open(key, iv_bytes, aad + "x", *sealed));
  CHECK_FALSE(crypto::aes256_gcm_open(key, iv_bytes, aad, std::string_view(*sealed).substr(0, 15)));
}

TEST_CASE("sealed_storage: round trip; what is stored is neither the plaintext nor the same twice",
          "[storage][sealed]") {
  memory_storage plain;
  sealed_storage<memory_storage> s(plain, ring({{1, 'k'}}));
  REQUIRE(s.valid());
  const std::string token = "rt_very_secret_refresh_token";
  REQUIRE(s.set("refreshToken", token));
  auto raw = plain.get("refreshToken");
  REQUIRE(raw);
  CHECK(raw->rfind("lgs1.", 0) == 0);
  CHECK(raw->find(token) == std::string::npos);
  CHECK(s.get("refreshToken") == token);
  REQUIRE(s.set("refreshToken", token));
  CHECK(plain.get("refreshToken") != raw);  // a fresh IV per write
  CHECK(s.get("refreshToken") == token);
  REQUIRE(s.set("empty", ""));
  CHECK(s.get("empty") == std::string());
  CHECK_FALSE(s.get("missing"));
  REQUIRE(s.remove("refreshToken"));
  CHECK_FALSE(plain.get("refreshToken"));
}

TEST_CASE("sealed_storage: a value moved to another key reads as absent (the key is associated data)",
          "[storage][sealed]") {
  memory_storage plain;
  sealed_storage<memory_storage> s(plain, ring({{1, 'k'}}));
  REQUIRE(s.set("idToken", "eyJ.id.token"));
  plain.set("refreshToken", *plain.get("idToken"));
  CHECK_FALSE(s.get("refreshToken"));
  CHECK(s.get("idToken") == std::string("eyJ.id.token"));
}

TEST_CASE("sealed_storage: every single-character change of the stored text reads as absent", "[storage][sealed]") {
  memory_storage plain;
  sealed_storage<memory_storage> s(plain, ring({{7, 'k'}}));
  REQUIRE(s.set("accessToken", R"({"@":{"token":"at","scope":"","expiresAt":1}})"));
  const std::string good = *plain.get("accessToken");
  for (std::size_t i = 0; i < good.size(); ++i) {
    for (char c : {'A', '_', '-', '0', '.'}) {
      if (good[i] == c) continue;
      std::string bad = good;
      bad[i] = c;
      plain.set("accessToken", bad);
      INFO("position " << i << " set to " << c);
      CHECK_FALSE(s.get("accessToken"));
    }
  }
  for (std::size_t n = 0; n < good.size(); n += 3) {
    plain.set("accessToken", good.substr(0, n));
    CHECK_FALSE(s.get("accessToken"));
  }
  plain.set("accessToken", R"({"@":{"token":"at","scope":"","expiresAt":1}})");  // unsealed, as a JS app writes
  CHECK_FALSE(s.get("accessToken"));
  plain.set("accessToken", good);
  CHECK(s.get("accessToken"));
}

TEST_CASE("sealed_storage: another key, an unknown version, rotation", "[storage][sealed]") {
  memory_storage plain;
  {
    sealed_storage<memory_storage> v1(plain, ring({{1, 'a'}}));
    REQUIRE(v1.set("refreshToken", "rt1"));
  }
  sealed_storage<memory_storage> foreign(plain, ring({{1, 'b'}}));
  CHECK_FALSE(foreign.get("refreshToken"));  // same version number, other key
  sealed_storage<memory_storage> only_v2(plain, ring({{2, 'c'}}));
  CHECK_FALSE(only_v2.get("refreshToken"));  // version 1 unknown

  sealed_storage<memory_storage> rotated(plain, ring({{1, 'a'}, {2, 'c'}}));
  CHECK(rotated.get("refreshToken") == std::string("rt1"));  // old values stay readable
  REQUIRE(rotated.set("refreshToken", "rt2"));               // and are sealed again under the newest key
  CHECK(only_v2.get("refreshToken") == std::string("rt2"));
  sealed_storage<memory_storage> only_v1(plain, ring({{1, 'a'}}));
  CHECK_FALSE(only_v1.get("refreshToken"));
}

TEST_CASE("sealed_storage: unusable keys and failing randomness or storage are errors, and nothing is written",
          "[storage][sealed]") {
  memory_storage plain;
  std::vector<sealing_key> short_key;
  short_key.push_back({1, crypto::secret(std::string(16, 'k'))});
  sealed_storage<memory_storage> bad(plain, std::move(short_key));
  CHECK(bad.valid().error().code == errc::invalid_argument);
  CHECK(bad.set("idToken", "x").error().code == errc::invalid_argument);
  CHECK_FALSE(plain.get("idToken"));
  sealed_storage<memory_storage> none(plain, {});
  CHECK_FALSE(none.valid());

  sealed_storage<memory_storage, switchable_random> s(plain, ring({{1, 'k'}}), switchable_random{false});
  CHECK(s.set("idToken", "x").error().code == errc::crypto_error);
  CHECK_FALSE(plain.get("idToken"));

  refusing_storage full;
  full.full = true;
  sealed_storage<refusing_storage> on_full(full, ring({{1, 'k'}}));
  auto written = on_full.set("refreshToken", "rt");
  REQUIRE_FALSE(written);
  CHECK(written.error().code == errc::storage_write_failed);
  CHECK(written.error().detail == "refreshToken");
  CHECK(to_string(written.error().code) == "storage.write_failed");
}

TEST_CASE("storage concept: set/remove may return void, bool or result<void>", "[storage]") {
  refusing_storage s;
  CHECK(detail::storage_write(s, "k", "v"));
  s.full = true;
  CHECK(detail::storage_write(s, "k", "v2").error().code == errc::storage_write_failed);
  CHECK(s.get("k") == std::string("v"));
  memory_storage m;
  CHECK(detail::storage_write(m, "k", "v"));
  CHECK(detail::storage_erase(m, "k"));
  CHECK_FALSE(m.get("k"));
  static_assert(is_storage<sealed_storage<memory_storage>>::value, "a sealed storage is a storage");
}
