// Sign-in URI (@logto/js core/sign-in.test.ts, @logto/client index.sign-in.test.ts, the real example of the
// reference section 4) and the end-session URI (@logto/js core/sign-out.test.ts).
#include <logto/oidc/config.hpp>
#include <logto/oidc/sign_in.hpp>
#include <logto/oidc/sign_out.hpp>

#include "catch2_compat.hpp"

using namespace logto;

namespace {
const std::string prefix =
    "https://logto.dev/oidc/sign-in?client_id=clientId&redirect_uri=https%3A%2F%2Fexample.com%2Fcallback"
    "&code_challenge=codeChallenge&code_challenge_method=S256&state=state&response_type=code&";

oidc::sign_in_uri_params js_test_params() {
  oidc::sign_in_uri_params p;
  p.authorization_endpoint = "https://logto.dev/oidc/sign-in";
  p.client_id = "clientId";
  p.redirect_uri = "https://example.com/callback";
  p.code_challenge = "codeChallenge";
  p.state = "state";
  return p;
}

std::string build(const oidc::sign_in_uri_params& p) {
  auto uri = oidc::build_sign_in_uri(p);
  REQUIRE(uri);
  return *uri;
}
}  // namespace

TEST_CASE("@logto/js generateSignInUri: defaults (no prompt, scopes, resources)", "[oidc][sign_in]") {
  CHECK(build(js_test_params()) == prefix + "prompt=consent&scope=openid+offline_access+profile");
}

TEST_CASE("nonce (not in @logto/js): appended last, form-encoded; a second one in extra_params is refused",
          "[oidc][sign_in]") {
  auto p = js_test_params();
  p.extra_params = {{"ui_locales", "en"}};
  const std::string js = build(p);
  p.nonce = "n-0S6_WzA2Mj";
  CHECK(build(p) == js + "&nonce=n-0S6_WzA2Mj");
  p.extra_params.emplace_back("nonce", "attacker-chosen");
  auto twice = oidc::build_sign_in_uri(p);
  REQUIRE_FALSE(twice);
  CHECK(twice.error().code == errc::invalid_argument);
  CHECK(twice.error().detail == "nonce");
  // Without a nonce of ours, an extra "nonce" is passed through as @logto/js does.
  p.nonce.clear();
  CHECK(build(p) == js + "&nonce=attacker-chosen");
}

TEST_CASE("@logto/js generateSignInUri: scopes, resources and prompt login", "[oidc][sign_in]") {
  auto p = js_test_params();
  p.scopes = {"email", "phone"};
  p.resources = {"resource1", "resource2"};
  p.prompt = {"login"};
  CHECK(build(p) == prefix +
                        "prompt=login&scope=openid+offline_access+profile+email+phone&resource=resource1&resource="
                        "resource2");
}

TEST_CASE("@logto/js generateSignInUri: prompt array joined with a space", "[oidc][sign_in]") {
  auto p = js_test_params();
  p.prompt = {"consent", "login"};
  CHECK(build(p) == prefix + "prompt=consent+login&scope=openid+offline_access+profile");
}

TEST_CASE("@logto/js generateSignInUri: interaction mode, login hint", "[oidc][sign_in]") {
  auto p = js_test_params();
  p.interaction_mode = "signUp";
  CHECK(build(p) == prefix + "prompt=consent&scope=openid+offline_access+profile&interaction_mode=signUp");

  auto h = js_test_params();
  h.login_hint = "johndoe@example.com";
  CHECK(build(h) == prefix + "prompt=consent&scope=openid+offline_access+profile&login_hint=johndoe%40example.com");
}

TEST_CASE("@logto/js generateSignInUri: first_screen wins over interaction_mode; identifiers", "[oidc][sign_in]") {
  auto p = js_test_params();
  p.first_screen = "register";
  p.interaction_mode = "signIn";
  CHECK(build(p) == prefix + "prompt=consent&scope=openid+offline_access+profile&first_screen=register");

  auto i = js_test_params();
  i.first_screen = std::string(oidc::first_screens::identifier_sign_in);
  i.identifiers = {"email", "phone"};
  CHECK(build(i) == prefix +
                        "prompt=consent&scope=openid+offline_access+profile&first_screen=identifier%3Asign_in"
                        "&identifier=email+phone");
}

TEST_CASE("@logto/js generateSignInUri: direct sign-in, one-time token, extra params", "[oidc][sign_in]") {
  auto d = js_test_params();
  d.direct_sign_in_target = oidc::direct_sign_in{"social", "google"};
  CHECK(build(d) == prefix + "prompt=consent&scope=openid+offline_access+profile&direct_sign_in=social%3Agoogle");

  auto t = js_test_params();
  t.one_time_token = "the-generated-one-time-token";
  CHECK(build(t) == prefix +
                        "prompt=consent&scope=openid+offline_access+profile&one_time_token=the-generated-one-time-"
                        "token");

  auto e = js_test_params();
  e.extra_params = {{"foo", "bar"}, {"baz", "qux"}};
  CHECK(build(e) == prefix + "prompt=consent&scope=openid+offline_access+profile&foo=bar&baz=qux");

  // Not deduplicated, as in JS: an extra `prompt` is a second prompt parameter.
  auto dup = js_test_params();
  dup.extra_params = {{"prompt", "login"}};
  CHECK(build(dup) == prefix + "prompt=consent&scope=openid+offline_access+profile&prompt=login");
}

TEST_CASE("@logto/js generateSignInUri: includeReservedScopes=false", "[oidc][sign_in]") {
  auto p = js_test_params();
  p.include_reserved_scopes = false;
  CHECK(build(p) == prefix + "prompt=consent");
  p.scopes = {"custom_scope"};  // @logto/client index.sign-in.test: scope=custom_scope only
  CHECK(build(p) == prefix + "prompt=consent&scope=custom_scope");
}

TEST_CASE("reference section 4: the real full example from @logto/client 3.1.9", "[oidc][sign_in]") {
  config c;
  c.endpoint = "https://foo.logto.app/tenant/";
  c.app_id = "my-app";
  c.scopes = {"email", "urn:logto:scope:organizations"};
  c.resources = {"https://api.example.com"};
  auto n = normalize(c);
  REQUIRE(n);

  oidc::sign_in_uri_params p;
  p.authorization_endpoint = "https://foo.logto.app/oidc/auth";
  p.client_id = n->app_id;
  p.redirect_uri = "io.logto.example://callback";
  p.code_challenge = "CHALLENGE_def";
  p.state = "STATE_xyz";
  p.scopes = n->scopes;
  p.resources = n->resources;
  p.include_reserved_scopes = n->include_reserved_scopes;
  p.prompt = {"login", "consent"};  // signIn({prompt}) overrides config.prompt
  p.login_hint = "a@b.c";
  p.first_screen = "identifier:sign_in";
  p.identifiers = {"email", "phone"};
  p.direct_sign_in_target = oidc::direct_sign_in{"social", "google"};
  p.extra_params = {{"ui_locales", "en fr"}, {"organization_id", "org_1"}};
  CHECK(build(p) ==
        "https://foo.logto.app/oidc/auth?client_id=my-app&redirect_uri=io.logto.example%3A%2F%2Fcallback"
        "&code_challenge=CHALLENGE_def&code_challenge_method=S256&state=STATE_xyz&response_type=code"
        "&prompt=login+consent&scope=openid+offline_access+profile+email+urn%3Alogto%3Ascope%3Aorganizations"
        "&login_hint=a%40b.c&direct_sign_in=social%3Agoogle&resource=https%3A%2F%2Fapi.example.com"
        "&resource=urn%3Alogto%3Aresource%3Aorganizations&first_screen=identifier%3Asign_in&identifier=email+phone"
        "&ui_locales=en+fr&organization_id=org_1");
}

TEST_CASE("WHATWG form encoding of every byte class, CR/LF/NUL included (checked against URLSearchParams)",
          "[oidc][sign_in]") {
  auto p = js_test_params();
  p.extra_params = {
      {"weird", std::string("a b~!'()*-._:/?#[]@&=+$,;%\xC3\xA9\xF0\x9F\x9A\x80\r\n") + std::string(1, '\0')}};
  // Output of @logto/js 6.1.2 generateSignInUri with the same extraParams.
  CHECK(build(p) == prefix +
                        "prompt=consent&scope=openid+offline_access+profile&weird=a+b%7E%21%27%28%29*-._%3A%2F%3F%23%"
                        "5B%5D%40%26%3D%2B%24%2C%3B%25%C3%A9%F0%9F%9A%80%0D%0A%00");
}

TEST_CASE("sign-in URI: endpoints with a query get '&', bad inputs are errors", "[oidc][sign_in]") {
  auto q = js_test_params();
  q.authorization_endpoint = "https://logto.dev/oidc/auth?tenant=t1";
  CHECK(build(q).rfind("https://logto.dev/oidc/auth?tenant=t1&client_id=clientId&", 0) == 0);

  struct bad_case {
    const char* what;
    void (*mutate)(oidc::sign_in_uri_params&);
    errc code;
  };
  const bad_case cases[] = {
      {"endpoint not a URL", [](oidc::sign_in_uri_params& p) { p.authorization_endpoint = "logto.dev/auth"; },
       errc::invalid_url},
      {"endpoint with fragment", [](oidc::sign_in_uri_params& p) { p.authorization_endpoint += "#x"; },
       errc::invalid_url},
      {"empty client id", [](oidc::sign_in_uri_params& p) { p.client_id.clear(); }, errc::invalid_argument},
      {"redirect not a URL", [](oidc::sign_in_uri_params& p) { p.redirect_uri = "/callback"; }, errc::invalid_url},
      {"redirect with CRLF", [](oidc::sign_in_uri_params& p) { p.redirect_uri = "https://a/\r\nb"; },
       errc::invalid_url},
      {"redirect with fragment", [](oidc::sign_in_uri_params& p) { p.redirect_uri = "https://a/cb#f"; },
       errc::invalid_url},
      {"empty challenge", [](oidc::sign_in_uri_params& p) { p.code_challenge.clear(); }, errc::invalid_argument},
      {"empty state", [](oidc::sign_in_uri_params& p) { p.state.clear(); }, errc::invalid_argument},
  };
  for (const auto& c : cases) {
    auto p = js_test_params();
    c.mutate(p);
    auto uri = oidc::build_sign_in_uri(p);
    INFO(c.what);
    REQUIRE_FALSE(uri);
    CHECK(uri.error().code == c.code);
    CHECK_FALSE(uri.error().message.empty());
  }
}

TEST_CASE("@logto/js generateSignOutUri: with and without post-logout redirect", "[oidc][sign_out]") {
  auto with = oidc::build_end_session_uri("https://foo.logto.app/oidc/session/end", "my-app", "http://localhost:3000");
  REQUIRE(with);
  CHECK(
      *with ==
      "https://foo.logto.app/oidc/session/end?client_id=my-app&post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A3000");
  auto without = oidc::build_end_session_uri("https://foo.logto.app/oidc/session/end", "my-app");
  REQUIRE(without);
  CHECK(*without == "https://foo.logto.app/oidc/session/end?client_id=my-app");
  CHECK(without->find("post_logout_redirect_uri") == std::string::npos);

  auto bad_uri = oidc::build_end_session_uri("https://foo.logto.app/oidc/session/end", "my-app", "not a url");
  REQUIRE_FALSE(bad_uri);
  CHECK(bad_uri.error().code == errc::invalid_url);
  auto bad_endpoint = oidc::build_end_session_uri("", "my-app");
  REQUIRE_FALSE(bad_endpoint);
  CHECK(bad_endpoint.error().code == errc::invalid_url);
  auto no_id = oidc::build_end_session_uri("https://foo.logto.app/oidc/session/end", "");
  REQUIRE_FALSE(no_id);
  CHECK(no_id.error().code == errc::invalid_argument);
}
