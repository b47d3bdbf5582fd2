// Config normalisation (@logto/client types/index.test.ts, index.constructor.test.ts), withReservedScopes
// (@logto/js scopes.test.ts) and the constants / organization URN helpers (@logto/js consts/openid.js).
#include <logto/oidc/config.hpp>
#include <logto/oidc/constants.hpp>

#include "catch2_compat.hpp"

using namespace logto;
using strings = std::vector<std::string>;

namespace {
config base_config() {
  config c;
  c.endpoint = "https://logto.dev";
  c.app_id = "app_id_value";
  return c;
}
}  // namespace

TEST_CASE("@logto/js withReservedScopes: reserved scopes first, user scopes after, deduplicated", "[oidc][config]") {
  CHECK(oidc::with_reserved_scopes({}) == "openid offline_access profile");
  CHECK(oidc::with_reserved_scopes({"profile"}) == "openid offline_access profile");
  CHECK(oidc::with_reserved_scopes({"openid", "offline_access", "profile"}) == "openid offline_access profile");
  CHECK(oidc::with_reserved_scopes({"profile", "email"}) == "openid offline_access profile email");
  CHECK(oidc::with_reserved_scopes({"email", "phone"}) == "openid offline_access profile email phone");
  strings all;
  for (const auto s : oidc::user_scope::all) all.emplace_back(s);
  // Output of @logto/js 6.1.2 withReservedScopes(Object.values(UserScope)).
  CHECK(oidc::with_reserved_scopes(all) ==
        "openid offline_access profile email phone address custom_data identities roles "
        "urn:logto:scope:organizations urn:logto:scope:organization_roles urn:logto:scope:sessions");
}

TEST_CASE("@logto/client normalizeLogtoConfig: default scopes added, resources left alone", "[oidc][config]") {
  auto n = normalize(base_config());
  REQUIRE(n);
  CHECK(n->scopes == strings{"openid", "offline_access", "profile"});
  CHECK(n->resources.empty());
  CHECK(n->prompt == strings{"consent"});
  CHECK(n->include_reserved_scopes);

  config c = base_config();
  c.scopes = {"foo"};
  auto foo = normalize(c);
  REQUIRE(foo);
  CHECK(foo->scopes == strings{"openid", "offline_access", "profile", "foo"});
}

TEST_CASE("@logto/client normalizeLogtoConfig: the organizations scope adds the organization resource",
          "[oidc][config]") {
  // The real example of the reference, section 1.
  config c;
  c.endpoint = "https://foo.logto.app/tenant/";
  c.app_id = "my-app";
  c.scopes = {"email", "urn:logto:scope:organizations"};
  c.resources = {"https://api.example.com"};
  auto n = normalize(c);
  REQUIRE(n);
  CHECK(n->endpoint == "https://foo.logto.app/tenant/");
  CHECK(n->app_id == "my-app");
  CHECK(n->prompt == strings{"consent"});
  CHECK(n->scopes == strings{"openid", "offline_access", "profile", "email", "urn:logto:scope:organizations"});
  CHECK(n->resources == strings{"https://api.example.com", "urn:logto:resource:organizations"});
}

TEST_CASE("@logto/client normalizeLogtoConfig: resources are deduplicated only on the organization path",
          "[oidc][config]") {
  config c = base_config();
  c.scopes = {"urn:logto:scope:organizations"};
  c.resources = {"123", "123"};
  auto org = normalize(c);
  REQUIRE(org);
  CHECK(org->resources == strings{"123", "urn:logto:resource:organizations"});

  c.scopes = {"a", "a"};
  auto plain = normalize(c);
  REQUIRE(plain);
  CHECK(plain->scopes == strings{"openid", "offline_access", "profile", "a"});
  CHECK(plain->resources == strings{"123", "123"});

  // The organization resource already there is not added twice.
  c.scopes = {"urn:logto:scope:organizations"};
  c.resources = {"urn:logto:resource:organizations"};
  auto again = normalize(c);
  REQUIRE(again);
  CHECK(again->resources == strings{"urn:logto:resource:organizations"});
}

TEST_CASE("@logto/client normalizeLogtoConfig: includeReservedScopes=false keeps scopes as given", "[oidc][config]") {
  config c = base_config();
  c.include_reserved_scopes = false;
  c.scopes = {"custom_scope", "custom_scope", "x y"};
  auto n = normalize(c);
  REQUIRE(n);
  CHECK(n->scopes == strings{"custom_scope", "custom_scope", "x y"});
  CHECK_FALSE(n->include_reserved_scopes);

  c.scopes.clear();
  auto empty = normalize(c);
  REQUIRE(empty);
  CHECK(empty->scopes.empty());
}

TEST_CASE("normalize: prompt default and custom prompt kept; result is idempotent", "[oidc][config]") {
  config c = base_config();
  c.prompt = {"login"};
  auto n = normalize(c);
  REQUIRE(n);
  CHECK(n->prompt == strings{"login"});

  c.prompt.clear();  // a C++ vector cannot say "unset": empty means the default
  auto d = normalize(c);
  REQUIRE(d);
  CHECK(d->prompt == strings{"consent"});

  c.scopes = {"email", "urn:logto:scope:organizations", "email"};
  c.resources = {"r", "r"};
  auto once = normalize(c);
  REQUIRE(once);
  auto twice = normalize(*once);
  REQUIRE(twice);
  CHECK(twice->scopes == once->scopes);
  CHECK(twice->resources == once->resources);
}

TEST_CASE("normalize: scope strings holding spaces are split, empty pieces dropped", "[oidc][config]") {
  config c = base_config();
  c.scopes = {"email phone", "", " email ", "profile"};
  auto n = normalize(c);
  REQUIRE(n);
  CHECK(n->scopes == strings{"openid", "offline_access", "profile", "email", "phone"});
}

TEST_CASE("normalize: endpoint and app ID are validated with clear errors", "[oidc][config]") {
  for (const char* bad : {"", "foo.logto.app", "/relative", "ftp://foo.logto.app", "https://", "https://a b/"}) {
    config c = base_config();
    c.endpoint = bad;
    auto n = normalize(c);
    INFO(bad);
    REQUIRE_FALSE(n);
    CHECK(n.error().code == errc::invalid_url);
    CHECK(n.error().message.find("config.endpoint") != std::string::npos);
  }
  config tenant = base_config();
  tenant.endpoint = "http://localhost:3001/tenant";
  CHECK(normalize(tenant));
  tenant.endpoint = "https://foo.logto.app/?x=1#frag";  // accepted; appendPath drops query and fragment
  CHECK(normalize(tenant));

  config no_id = base_config();
  no_id.app_id.clear();
  auto e = normalize(no_id);
  REQUIRE_FALSE(e);
  CHECK(e.error().code == errc::invalid_argument);
  CHECK(e.error().message.find("config.app_id") != std::string::npos);

  config crlf = base_config();
  crlf.app_id = "app\r\nX-Injected: 1";
  auto e2 = normalize(crlf);
  REQUIRE_FALSE(e2);
  CHECK(e2.error().code == errc::invalid_argument);
}

TEST_CASE("@logto/js constants: values as in consts/openid.js", "[oidc][config]") {
  CHECK(oidc::reserved_scope::openid == "openid");
  CHECK(oidc::reserved_scope::offline_access == "offline_access");
  CHECK(oidc::reserved_resource::organization == "urn:logto:resource:organizations");
  CHECK(oidc::user_scope::organizations == "urn:logto:scope:organizations");
  CHECK(oidc::user_scope::organization_roles == "urn:logto:scope:organization_roles");
  CHECK(oidc::user_scope::sessions == "urn:logto:scope:sessions");
  CHECK(oidc::prompts::none == "none");
  CHECK(oidc::prompts::consent == "consent");
  CHECK(oidc::prompts::login == "login");
  CHECK(oidc::first_screens::identifier_sign_in == "identifier:sign_in");
  CHECK(oidc::first_screens::single_sign_on == "single_sign_on");
  CHECK(oidc::interaction_modes::sign_up == "signUp");
  CHECK(oidc::grant_types::device_code == "urn:ietf:params:oauth:grant-type:device_code");
  CHECK(oidc::grant_types::token_exchange == "urn:ietf:params:oauth:grant-type:token-exchange");
  CHECK(oidc::token_types::personal_access_token == "urn:logto:token-type:personal_access_token");
}

TEST_CASE("@logto/js buildOrganizationUrn / getOrganizationIdFromUrn", "[oidc][config]") {
  CHECK(oidc::build_organization_urn("1") == "urn:logto:organization:1");
  auto id = oidc::organization_id_from_urn("urn:logto:organization:1");
  REQUIRE(id);
  CHECK(*id == "1");
  auto bad = oidc::organization_id_from_urn("1");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == errc::invalid_argument);
  CHECK(bad.error().message == "Invalid organization URN.");
  auto round = oidc::organization_id_from_urn(oidc::build_organization_urn("org_abc"));
  REQUIRE(round);
  CHECK(*round == "org_abc");
}
