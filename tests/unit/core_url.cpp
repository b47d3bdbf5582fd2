// URL parsing (RFC 3986 3), query building/parsing, and @logto/client's appendPath.
#include <logto/core/url.hpp>

#include "catch2_compat.hpp"

using namespace logto;

TEST_CASE("RFC 3986 3: parse http, loopback and custom-scheme URLs", "[core][url]") {
  auto u = parse_url("HTTP://User@Example.COM:8080/a/b?x=1&y=2#frag");
  REQUIRE(u);
  CHECK(u->scheme == "http");
  CHECK(u->userinfo == "User");
  CHECK(u->host == "example.com");
  CHECK(u->port == "8080");
  CHECK(u->path == "/a/b");
  CHECK(u->query == "x=1&y=2");
  CHECK(u->fragment == "frag");
  CHECK(u->without_query() == "http://User@example.com:8080/a/b");

  auto native = parse_url("com.example.app://callback?code=abc");
  REQUIRE(native);
  CHECK(native->scheme == "com.example.app");
  CHECK(native->host == "callback");
  CHECK(native->path.empty());
  CHECK(native->query == "code=abc");

  auto single_slash = parse_url("com.example.app:/oauth2redirect");  // RFC 8252 7.1 form
  REQUIRE(single_slash);
  CHECK_FALSE(single_slash->has_authority);
  CHECK(single_slash->path == "/oauth2redirect");

  auto v6 = parse_url("http://[::1]:51234/cb");
  REQUIRE(v6);
  CHECK(v6->host == "[::1]");
  CHECK(v6->port == "51234");

  auto loopback = parse_url("http://127.0.0.1:65535/callback");
  REQUIRE(loopback);
  CHECK(loopback->port == "65535");
}

TEST_CASE("malformed URLs are errors with a message", "[core][url]") {
  for (const char* bad : {"", "no-scheme", "://x", "1http://x", "http://a b/", "http://x:99999/", "http://x:8a/",
                          "http://[::1/", "http://x/%zz", "http://x/\r\nHost: y", "http://x:80:80/"}) {
    auto r = parse_url(bad);
    INFO(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::invalid_url);
    CHECK(r.error().message.find("invalid URL") == 0);
  }
}

TEST_CASE("query strings: ordered, repeated names, form encoding", "[core][url]") {
  query_params p{{"resource", "https://a"}, {"resource", "https://b"}, {"scope", "openid profile"}, {"t", "~"}};
  CHECK(build_query(p) == "resource=https%3A%2F%2Fa&resource=https%3A%2F%2Fb&scope=openid+profile&t=%7E");
  auto back = parse_query(build_query(p));
  REQUIRE(back);
  CHECK(*back == p);
  auto q = parse_query("a=1&&b&c=x+y%21&=z");
  REQUIRE(q);
  REQUIRE(q->size() == 4);
  CHECK((*q)[1] == std::make_pair(std::string("b"), std::string()));
  CHECK((*q)[2].second == "x y!");
  CHECK((*q)[3].first.empty());
  CHECK(*find_param(*q, "c") == "x y!");
  CHECK(find_param(*q, "d") == nullptr);
  CHECK_FALSE(parse_query("a=%"));
}

TEST_CASE("appendPath keeps tenant paths like @logto/client", "[core][url]") {
  const char* suffix = "/oidc/.well-known/openid-configuration";
  CHECK(*append_path("https://example.com", suffix) == "https://example.com/oidc/.well-known/openid-configuration");
  CHECK(*append_path("https://cloud.logto.io/tenantId", suffix) ==
        "https://cloud.logto.io/tenantId/oidc/.well-known/openid-configuration");
  CHECK(*append_path("https://foo.logto.app/tenant/", suffix) ==
        "https://foo.logto.app/tenant/oidc/.well-known/openid-configuration");
  CHECK(*append_path("http://127.0.0.1:3001/a/./b/../c?q=1#f", "/oidc") == "http://127.0.0.1:3001/a/c/oidc");
  CHECK_FALSE(append_path("not a url", suffix));
  CHECK_FALSE(append_path("urn:no-host", suffix));
}
