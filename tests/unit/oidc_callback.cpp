// Callback verification (@logto/js utils/callback-uri.test.ts) and where this port is deliberately stricter:
// origin+path matching instead of a string prefix, fragments dropped, RFC 9207 `iss`.
#include <logto/oidc/callback.hpp>

#include "catch2_compat.hpp"

using namespace logto;

namespace {
const char* const redirect = "http://localhost:3000/callback";

error fails(std::string_view callback, std::string_view redirect_uri = redirect, std::string_view state = "some_state",
            const oidc::callback_options& options = {}) {
  auto r = oidc::verify_and_parse_callback_uri(callback, redirect_uri, state, options);
  REQUIRE_FALSE(r);
  CHECK_FALSE(r.error().message.empty());
  return r.error();
}
}  // namespace

TEST_CASE("@logto/js verifyAndParseCodeFromCallbackUri: a valid callback gives the code", "[oidc][callback]") {
  auto r = oidc::verify_and_parse_callback_uri("http://localhost:3000/callback?code=some_code&state=some_state",
                                               redirect, "some_state");
  REQUIRE(r);
  CHECK(r->code == "some_code");
  CHECK_FALSE(r->iss);
}

TEST_CASE("@logto/js callback: another redirect URI -> redirect_uri_mismatched", "[oidc][callback]") {
  CHECK(fails("http://localhost:3000/other?code=some_code&state=some_state").code ==
        errc::callback_redirect_uri_mismatched);
  CHECK(to_string(errc::callback_redirect_uri_mismatched) == "callback_uri_verification.redirect_uri_mismatched");
}

TEST_CASE("@logto/js callback: error / error_description -> error_found (before the state check)", "[oidc][callback]") {
  const error e = fails("http://localhost:3000/callback?error=access_denied");
  CHECK(e.code == errc::callback_error_found);
  CHECK(e.detail == "access_denied");
  CHECK(e.message == "Error found in the callback URI: access_denied");

  const error d =
      fails("http://localhost:3000/callback?state=wrong&error=invalid_request&error_description=the+request+is+bad%21");
  CHECK(d.code == errc::callback_error_found);
  CHECK(d.detail == "invalid_request");
  CHECK(d.message == "Error found in the callback URI: invalid_request: the request is bad!");
  CHECK(to_string(d.code) == "callback_uri_verification.error_found");
}

TEST_CASE("@logto/js callback: missing state, other state, missing code", "[oidc][callback]") {
  CHECK(fails("http://localhost:3000/callback?code=some_code").code == errc::callback_missing_state);
  CHECK(fails("http://localhost:3000/callback?code=some_code&state=").code == errc::callback_missing_state);
  CHECK(fails("http://localhost:3000/callback?code=some_code&state=other_state").code ==
        errc::callback_state_mismatched);
  CHECK(fails("http://localhost:3000/callback?code=some_code&state=some_stat").code == errc::callback_state_mismatched);
  CHECK(fails("http://localhost:3000/callback?state=some_state").code == errc::callback_missing_code);
  CHECK(fails("http://localhost:3000/callback?state=some_state&code=").code == errc::callback_missing_code);
  CHECK(fails("http://localhost:3000/callback").code == errc::callback_missing_state);
}

TEST_CASE("stricter than JS: the redirect URI is matched on scheme, authority and path, not as a prefix",
          "[oidc][callback]") {
  // Each of these passes JS's startsWith test.
  for (const char* evil : {"http://localhost:3000/callback.evil.example/?code=c&state=some_state",
                           "http://localhost:3000/callbackx?code=c&state=some_state",
                           "http://localhost:3000/callback/deeper?code=c&state=some_state",
                           "http://localhost:30000/callback?code=c&state=some_state",
                           "http://localhost:3000/callback@evil.example/?code=c&state=some_state"}) {
    INFO(evil);
    CHECK(fails(evil).code == errc::callback_redirect_uri_mismatched);
  }
  // Other host, scheme, port, user info.
  for (const char* other :
       {"http://127.0.0.1:3000/callback?code=c&state=some_state",
        "https://localhost:3000/callback?code=c&state=some_state",
        "http://localhost:3001/callback?code=c&state=some_state", "http://localhost/callback?code=c&state=some_state",
        "http://user@localhost:3000/callback?code=c&state=some_state",
        "http://localhost:3000/Callback?code=c&state=some_state", "not a url at all",
        "http://localhost:3000/callback?code=%zz"}) {
    INFO(other);
    CHECK(fails(other).code == errc::callback_redirect_uri_mismatched);
  }
}

TEST_CASE("redirect URI matching: case-insensitive scheme and host, default ports, custom schemes, loopback",
          "[oidc][callback]") {
  CHECK(oidc::matches_redirect_uri("HTTP://LocalHost:3000/callback?code=c", redirect));
  CHECK(oidc::matches_redirect_uri("https://app.example/cb?code=c", "https://app.example:443/cb"));
  CHECK(oidc::matches_redirect_uri("https://app.example:443/cb?code=c", "https://app.example/cb"));
  CHECK(oidc::matches_redirect_uri("https://app.example?code=c", "https://app.example/"));
  CHECK_FALSE(oidc::matches_redirect_uri("https://app.example:8443/cb?code=c", "https://app.example/cb"));

  // RFC 8252 7.1 private-use scheme, with and without authority.
  CHECK(oidc::matches_redirect_uri("io.logto.example://callback?code=c&state=s", "io.logto.example://callback"));
  CHECK(oidc::matches_redirect_uri("com.example.app:/oauth2redirect?code=c", "com.example.app:/oauth2redirect"));
  CHECK_FALSE(oidc::matches_redirect_uri("io.logto.example://callbackx?code=c", "io.logto.example://callback"));
  CHECK_FALSE(oidc::matches_redirect_uri("io.logto.evil://callback?code=c", "io.logto.example://callback"));

  // RFC 8252 7.3 loopback: the response comes back on the exact port that was sent.
  CHECK(oidc::matches_redirect_uri("http://127.0.0.1:51234/cb?code=c", "http://127.0.0.1:51234/cb"));
  CHECK_FALSE(oidc::matches_redirect_uri("http://127.0.0.1:51235/cb?code=c", "http://127.0.0.1:51234/cb"));
  CHECK(oidc::matches_redirect_uri("http://[::1]:8080/cb?code=c", "http://[::1]:8080/cb"));

  // A redirect URI with its own query: the callback query must start with it.
  CHECK(oidc::matches_redirect_uri("https://a.example/cb?app=1&code=c", "https://a.example/cb?app=1"));
  CHECK(oidc::matches_redirect_uri("https://a.example/cb?app=1", "https://a.example/cb?app=1"));
  CHECK_FALSE(oidc::matches_redirect_uri("https://a.example/cb?app=12&code=c", "https://a.example/cb?app=1"));
  CHECK_FALSE(oidc::matches_redirect_uri("https://a.example/cb?code=c", "https://a.example/cb?app=1"));
  auto with_query = oidc::verify_and_parse_callback_uri("https://a.example/cb?app=1&code=c&state=s",
                                                        "https://a.example/cb?app=1", "s");
  REQUIRE(with_query);
  CHECK(with_query->code == "c");
}

TEST_CASE("stricter than JS: a #fragment does not leak into the last parameter", "[oidc][callback]") {
  // JS would read state "some_state#_=_" and report state_mismatched.
  auto r = oidc::verify_and_parse_callback_uri("http://localhost:3000/callback?code=c&state=some_state#_=_", redirect,
                                               "some_state");
  REQUIRE(r);
  CHECK(r->code == "c");
  auto code_last = oidc::verify_and_parse_callback_uri("http://localhost:3000/callback?state=some_state&code=c#frag",
                                                       redirect, "some_state");
  REQUIRE(code_last);
  CHECK(code_last->code == "c");
  // A parameter only in the fragment is not a parameter.
  CHECK(fails("http://localhost:3000/callback?state=some_state#code=c").code == errc::callback_missing_code);
}

TEST_CASE("callback parameters: percent and plus decoding, first occurrence wins", "[oidc][callback]") {
  auto r = oidc::verify_and_parse_callback_uri("http://localhost:3000/callback?code=a%2Bb+c&state=s%26t&code=second",
                                               redirect, "s&t");
  REQUIRE(r);
  CHECK(r->code == "a+b c");
  // A '?' inside the query is data (JS would cut the query there).
  auto q = oidc::verify_and_parse_callback_uri("http://localhost:3000/callback?state=some_state&code=x?y", redirect,
                                               "some_state");
  REQUIRE(q);
  CHECK(q->code == "x?y");
}

TEST_CASE("RFC 9207: iss must equal the issuer; required when the provider announces it", "[oidc][callback]") {
  oidc::callback_options opts;
  opts.issuer = "https://foo.logto.app/oidc";
  auto good = oidc::verify_and_parse_callback_uri(
      "http://localhost:3000/callback?code=c&state=some_state&iss=https%3A%2F%2Ffoo.logto.app%2Foidc", redirect,
      "some_state", opts);
  REQUIRE(good);
  CHECK(good->code == "c");
  REQUIRE(good->iss);
  CHECK(*good->iss == "https://foo.logto.app/oidc");

  const error wrong = fails("http://localhost:3000/callback?code=c&state=some_state&iss=https%3A%2F%2Fevil.example",
                            redirect, "some_state", opts);
  CHECK(wrong.code == errc::callback_issuer_mismatched);
  CHECK(to_string(wrong.code) == "callback_uri_verification.issuer_mismatched");
  // Exact comparison: no trailing-slash or case folding (RFC 9207 2.4 -> RFC 3986 6.2.1).
  CHECK(fails("http://localhost:3000/callback?code=c&state=some_state&iss=https%3A%2F%2Ffoo.logto.app%2Foidc%2F",
              redirect, "some_state", opts)
            .code == errc::callback_issuer_mismatched);
  // Checked before `error`: a mixed-up error response is not reported as ours.
  CHECK(fails("http://localhost:3000/callback?error=access_denied&iss=https%3A%2F%2Fevil.example", redirect,
              "some_state", opts)
            .code == errc::callback_issuer_mismatched);

  // Absent iss: fine unless required.
  auto absent = oidc::verify_and_parse_callback_uri("http://localhost:3000/callback?code=c&state=some_state", redirect,
                                                    "some_state", opts);
  REQUIRE(absent);
  CHECK_FALSE(absent->iss);
  opts.require_issuer = true;
  CHECK(fails("http://localhost:3000/callback?code=c&state=some_state", redirect, "some_state", opts).code ==
        errc::callback_issuer_mismatched);

  // Without an expected issuer, iss is returned unchecked.
  auto unchecked = oidc::verify_and_parse_callback_uri(
      "http://localhost:3000/callback?code=c&state=some_state&iss=anything", redirect, "some_state");
  REQUIRE(unchecked);
  CHECK(*unchecked->iss == "anything");
}

TEST_CASE("callback: unusable stored values are argument errors; peer text in messages is made printable",
          "[oidc][callback]") {
  CHECK(fails("http://localhost:3000/callback?code=c&state=s", "not a url", "s").code == errc::invalid_argument);
  CHECK(fails("http://localhost:3000/callback?code=c&state=s", "http://localhost:3000/callback#f", "s").code ==
        errc::invalid_argument);
  CHECK(fails("http://localhost:3000/callback?code=c&state=s", redirect, "").code == errc::invalid_argument);
  oidc::callback_options opts;
  opts.require_issuer = true;
  CHECK(fails("http://localhost:3000/callback?code=c&state=s", redirect, "s", opts).code == errc::invalid_argument);

  const error e = fails("http://localhost:3000/callback?error=bad%0D%0AForged-Log-Line&error_description=" +
                        std::string(2000, 'x'));
  CHECK(e.code == errc::callback_error_found);
  CHECK(e.message.find('\r') == std::string::npos);
  CHECK(e.message.find('\n') == std::string::npos);
  CHECK(e.detail == "bad  Forged-Log-Line");
  CHECK(e.message.size() < 700);
}
