// RFC 4648 4 (base64) and 5 (base64url, unpadded as RFC 7515 2 uses it): random round trips and
// single-character corruptions, each checked against a deliberately naive reference codec written here
// (bit strings and alphabet searches, no tables, no 4-to-3 blocks), so the table-driven codec in
// core/encoding.hpp is checked against an independent reading of the strict rules:
//  - the length must leave no character that carries no whole byte (6 * n mod 8 < 6);
//  - every character is in the alphabet (standard: '+' '/', URL: '-' '_'); base64 needs '=' padding to a
//    multiple of 4, base64url has none;
//  - the unused low bits of the last character are zero (RFC 4648 3.5, canonical encoding).
#include <logto/core/encoding.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "catch2_compat.hpp"

using namespace logto;

namespace {

const std::string ref_std_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const std::string ref_url_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Deterministic generator (xorshift64*), so a failure reproduces on every standard library.
struct test_rng {
  std::uint64_t s = 0x9E3779B97F4A7C15ull;
  std::uint32_t next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return static_cast<std::uint32_t>((s * 0x2545F4914F6CDD1Dull) >> 32);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next()) % n; }
};

// The number written in binary as bits[from, from + count).
std::size_t bits_value(const std::string& bits, std::size_t from, std::size_t count) {
  std::size_t v = 0;
  for (std::size_t i = from; i < from + count; ++i) v = v * 2 + (bits[i] == '1' ? 1u : 0u);
  return v;
}

std::string ref_encode(const std::string& bytes, const std::string& alphabet, bool pad) {
  std::string bits;
  for (const char c : bytes) {
    for (int k = 7; k >= 0; --k) bits += ((static_cast<unsigned char>(c) >> k) & 1u) != 0 ? '1' : '0';
  }
  while (bits.size() % 6 != 0) bits += '0';
  std::string out;
  for (std::size_t i = 0; i < bits.size(); i += 6) out += alphabet[bits_value(bits, i, 6)];
  while (pad && out.size() % 4 != 0) out += '=';
  return out;
}

// What a strict decoder must do with `body` (no padding left in it): the bytes, or the error message.
struct ref_outcome {
  bool ok = false;
  std::string bytes;
  std::string message;
};

ref_outcome ref_decode_body(const std::string& body, const std::string& alphabet, const std::string& what) {
  ref_outcome r;
  if ((6 * body.size()) % 8 >= 6) {
    r.message = what + ": length " + std::to_string(body.size()) + " is not a valid encoded length";
    return r;
  }
  std::string bits;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const std::size_t v = alphabet.find(body[i]);
    if (v == std::string::npos) {
      r.message = what + ": invalid character at offset " + std::to_string(i);
      return r;
    }
    for (int k = 5; k >= 0; --k) bits += ((v >> k) & 1u) != 0 ? '1' : '0';
  }
  const std::size_t whole = bits.size() / 8 * 8;
  if (bits.find('1', whole) != std::string::npos) {
    r.message = what + ": non-canonical trailing bits";
    return r;
  }
  for (std::size_t i = 0; i < whole; i += 8) r.bytes += static_cast<char>(bits_value(bits, i, 8));
  r.ok = true;
  return r;
}

ref_outcome ref_base64url_decode(const std::string& text) {
  return ref_decode_body(text, ref_url_alphabet, "base64url");
}

ref_outcome ref_base64_decode(const std::string& text) {
  if (text.size() % 4 != 0) {
    ref_outcome r;
    r.message = "base64: length must be a multiple of 4 (padding required)";
    return r;
  }
  std::string body = text;
  for (int k = 0; k < 2 && !body.empty() && body.back() == '='; ++k) body.pop_back();
  return ref_decode_body(body, ref_std_alphabet, "base64");
}

// Checks one decoder call against the reference outcome.
void check_same(const result<std::string>& got, const ref_outcome& want) {
  if (want.ok) {
    REQUIRE(got);
    CHECK(*got == want.bytes);
  } else {
    REQUIRE_FALSE(got);
    CHECK(got.error().code == errc::invalid_encoding);
    CHECK(got.error().message == want.message);
  }
}

// A replacement character: mostly the other characters that matter to the strict rules.
char corruption(test_rng& rng) {
  static const std::string interesting = ref_std_alphabet + "-_=. \t\r\n%\"";
  if (rng.below(4) == 0) return static_cast<char>(rng.next() & 0xFFu);  // any byte, NUL and 0x80-0xFF too
  return interesting[rng.below(interesting.size())];
}

}  // namespace

TEST_CASE("RFC 4648 4/5: random byte strings round-trip through base64 and base64url", "[core][encoding]") {
  test_rng rng;
  int checked = 0;
  for (int n = 0; n < 3000; ++n) {
    std::string bytes(rng.below(n < 200 ? 8 : 300), '\0');
    for (char& c : bytes) c = static_cast<char>(rng.next() & 0xFFu);
    INFO("input #" << n << ", " << bytes.size() << " bytes");

    const std::string url = base64url_encode(bytes);
    const std::string std64 = base64_encode(bytes);
    CHECK(url == ref_encode(bytes, ref_url_alphabet, false));
    CHECK(std64 == ref_encode(bytes, ref_std_alphabet, true));
    const auto url_back = base64url_decode(url);
    const auto std_back = base64_decode(std64);
    REQUIRE(url_back);
    REQUIRE(std_back);
    CHECK(*url_back == bytes);
    CHECK(*std_back == bytes);
    ++checked;
  }
  CHECK(checked == 3000);
}

TEST_CASE("RFC 4648 3.5: a single changed character is rejected or decodes to other bytes", "[core][encoding]") {
  test_rng rng;
  int rejected = 0;
  int decoded_differently = 0;
  for (int n = 0; n < 3000; ++n) {
    std::string bytes(1 + rng.below(n < 300 ? 6 : 200), '\0');
    for (char& c : bytes) c = static_cast<char>(rng.next() & 0xFFu);
    const bool url = (n % 2) == 0;
    const std::string good = url ? base64url_encode(bytes) : base64_encode(bytes);
    for (int k = 0; k < 3; ++k) {
      std::string bad = good;
      const std::size_t at = rng.below(bad.size());
      char c = corruption(rng);
      while (c == bad[at]) c = corruption(rng);
      bad[at] = c;
      INFO((url ? "base64url " : "base64 ")
           << good << " with offset " << at << " changed to byte " << static_cast<int>(static_cast<unsigned char>(c)));
      const ref_outcome want = url ? ref_base64url_decode(bad) : ref_base64_decode(bad);
      const auto got = url ? base64url_decode(bad) : base64_decode(bad);
      check_same(got, want);
      if (want.ok) {
        // A canonical encoding is one-to-one: other text never decodes to the same bytes.
        CHECK(want.bytes != bytes);
        ++decoded_differently;
      } else {
        ++rejected;
      }
    }
  }
  // Both outcomes occur (a letter swapped for a letter decodes, '.' or a wrong-alphabet character does not).
  CHECK(rejected > 1000);
  CHECK(decoded_differently > 1000);
}

TEST_CASE("strict base64/base64url: errors name the first offending offset", "[core][encoding]") {
  test_rng rng;
  for (int n = 0; n < 2000; ++n) {
    // Random text from a small pool: lengths, padding, both alphabets and stray characters all collide.
    static const std::string pool = "AQgw-_+/=.Z8";
    std::string text(rng.below(14), 'A');
    for (char& c : text) c = pool[rng.below(pool.size())];
    INFO("text '" << text << "'");
    check_same(base64url_decode(text), ref_base64url_decode(text));
    check_same(base64_decode(text), ref_base64_decode(text));
  }
}
