// RFC 4648 (base64, base64url, hex), RFC 3986 2.1/2.3 percent-encoding, WHATWG form encoding, UTF-8.
#include <logto/core/encoding.hpp>

#include "catch2_compat.hpp"

using namespace logto;

TEST_CASE("RFC 4648 10: base64 test vectors", "[core][encoding]") {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& v : vectors) {
    CHECK(base64_encode(v.first) == v.second);
    auto decoded = base64_decode(v.second);
    REQUIRE(decoded);
    CHECK(*decoded == v.first);
  }
}

TEST_CASE("RFC 4648 5: base64url test vectors, no padding", "[core][encoding]") {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
  for (const auto& v : vectors) {
    CHECK(base64url_encode(v.first) == v.second);
    auto decoded = base64url_decode(v.second);
    REQUIRE(decoded);
    CHECK(*decoded == v.first);
  }
  // The two alphabets differ in 62 and 63.
  CHECK(base64_encode("\xfb\xff") == "+/8=");
  CHECK(base64url_encode("\xfb\xff") == "-_8");
  auto raw = base64url_decode("-_8");
  REQUIRE(raw);
  CHECK(*raw == "\xfb\xff");
}

TEST_CASE("base64url decoding is strict", "[core][encoding]") {
  const char* bad[] = {
      "Zg==",    // padding is not allowed in JOSE
      "Zm9v\n",  // whitespace
      "Zm 9v",   // whitespace
      "Zm9v+A",  // standard alphabet
      "Zm9v/A",  // standard alphabet
      "Z",       // impossible length
      "Zh",      // non-canonical trailing bits ("Zg" is the canonical form of "f")
      "Zm9",     // non-canonical too ("Zm8" is "fo")
  };
  for (int i = 0; i < 8; ++i) {
    auto r = base64url_decode(bad[i]);
    INFO(bad[i]);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::invalid_encoding);
    CHECK_FALSE(r.error().message.empty());
  }
  CHECK(base64url_decode("Zm8")->size() == 2);
  // mbedtls_base64_decode silently truncates "YQ" on 2.28; ours decodes it.
  CHECK(*base64url_decode("YQ") == "a");
}

TEST_CASE("base64 decoding is strict", "[core][encoding]") {
  CHECK_FALSE(base64_decode("Zg"));     // padding required
  CHECK_FALSE(base64_decode("Zg=\n"));  // newline inside the padding
  CHECK_FALSE(base64_decode("Z==="));   // too much padding
  CHECK_FALSE(base64_decode("Zh=="));   // non-canonical
  CHECK_FALSE(base64_decode("-_8="));   // URL alphabet
  CHECK_FALSE(base64_decode("Zm9v Zm9v"));
}

TEST_CASE("hex", "[core][encoding]") {
  CHECK(hex_encode(std::string("\x00\x01\xab\xff", 4)) == "0001abff");
  CHECK(*hex_decode("0001ABff") == std::string("\x00\x01\xab\xff", 4));
  CHECK_FALSE(hex_decode("abc"));
  CHECK_FALSE(hex_decode("zz"));
}

TEST_CASE("RFC 3986 2.3: unreserved characters stay literal, everything else is %XX", "[core][encoding]") {
  CHECK(percent_encode("AZaz09-._~") == "AZaz09-._~");
  CHECK(percent_encode(" *+/:&=?'()!") == "%20%2A%2B%2F%3A%26%3D%3F%27%28%29%21");
  CHECK(percent_encode("\xe4\xb8\xad") == "%E4%B8%AD");  // UTF-8 bytes, upper-case hex (2.1)
}

TEST_CASE("WHATWG application/x-www-form-urlencoded serializer", "[core][encoding]") {
  CHECK(form_encode("AZaz09*-._") == "AZaz09*-._");
  CHECK(form_encode("a b") == "a+b");
  CHECK(form_encode("~") == "%7E");
  CHECK(form_encode("+/:&=?'()!") == "%2B%2F%3A%26%3D%3F%27%28%29%21");
  CHECK(form_encode("https://example.com/callback") == "https%3A%2F%2Fexample.com%2Fcallback");
  CHECK(form_encode("\xe4\xb8\xad") == "%E4%B8%AD");
}

TEST_CASE("percent-decoding rejects malformed escapes", "[core][encoding]") {
  CHECK(*percent_decode("a%20b+c") == "a b+c");
  CHECK(*percent_decode("a%20b+c", true) == "a b c");
  CHECK(*percent_decode("%e4%B8%ad") == "\xe4\xb8\xad");
  for (const char* bad : {"%", "%4", "%zz", "abc%2", "%%41"}) {
    auto r = percent_decode(bad);
    INFO(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::invalid_encoding);
  }
}

TEST_CASE("RFC 3629 UTF-8 validation", "[core][encoding]") {
  CHECK(is_valid_utf8("plain"));
  CHECK(is_valid_utf8("\xe6\xb5\x8b\xe8\xaf\x95"));  // 测试
  CHECK(is_valid_utf8("\xf0\x9f\x9a\x80"));          // U+1F680
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));            // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));        // surrogate U+D800
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));    // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xe6\xb5"));            // truncated
  CHECK_FALSE(is_valid_utf8("\x80"));                // lone continuation
  CHECK(has_line_break("a\r\nb"));
  CHECK(has_line_break(std::string("a\0b", 3)));
  CHECK_FALSE(has_line_break("a b"));
}
