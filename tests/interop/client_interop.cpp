// Interop: logto::client against a REAL OpenID provider (tests/interop/provider: npm oidc-provider,
// the engine inside Logto, configured like Logto) over the real libcurl transport.
//
// Every flow of the client runs end to end here: sign-in with PKCE (the provider's automatic login,
// followed by a cookie-keeping "browser"), ID-token verification through the JWKS, resource tokens,
// the access-token cache, refresh with rotation, concurrent callers sharing one refresh, userinfo,
// sign-out with revocation, the device flow (approved, denied, slow_down), signing-key rotation,
// callback errors (denied, replayed, tampered state), client credentials, a session persisted in
// storage and picked up by a new client instance, and the official @logto/client (Node.js) working
// over the same storage in both directions (it completes a sign-in C++ started, C++ continues the
// session it stored, and it reads back what C++ rotated and cached).
//
//   client_interop [--endpoint http://127.0.0.1:PORT] [--driver blocking|async|core] [Catch2 options]
//
// --driver runs the suite through one of the three ways to drive the client core
// (tests/interop/client/drivers.hpp); the thread tests need a driver with a lock (not `core`).
//
// The endpoint comes from --endpoint or LOGTO_TEST_ENDPOINT; tests/interop/provider/run_with_provider.sh
// starts the provider (with --device-interval 1) and sets it. Run it against an ES384 and an RS256
// provider: the test asks the provider which algorithm it signs with and checks the tokens carry it.
#if !defined(LOGTO_CATCH2_V3)
#define CATCH_CONFIG_RUNNER
#endif
#include "catch2_compat.hpp"

#include <logto/logto.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <stdlib.h>  // mkdtemp

#include "examples/common/curl_transport.hpp"
#include "tests/interop/client/browser.hpp"
#include "tests/interop/client/support.hpp"
#include "tests/interop/client/drivers.hpp"

namespace {

using namespace std::chrono_literals;
using logto_test::contains;
using logto_test::describe;
using logto_test::get_string;
using logto_test::offset_clock;
using logto_test::parse_object;
using logto_test::path_of;
using logto_test::query_param;

const char* const native_app = "test-native-app";
const char* const app_redirect = "com.example.app://callback";
const char* const api_resource = "https://api.example.com";
const char* const short_resource = "https://short.example.com";  // 30 s tokens: below the 60 s margin

std::string g_endpoint;  // http://127.0.0.1:PORT (no trailing slash)

std::string issuer() { return g_endpoint + "/oidc"; }

// ------------------------------------------------------------------------------------------------
// Test plumbing: a recording transport over libcurl, a clock that can be moved forward, raw HTTP

struct sent_request {
  std::string method;
  std::string path;
  std::vector<logto::http_header> headers;
};

// The real libcurl transport, plus a log of what was sent. One curl handle is not thread-safe, so
// sends are serialised; `token_delay` slows token-endpoint calls down (a slow network) so that
// concurrent callers surely arrive while a refresh is in flight.
class recording_transport {
 public:
  std::chrono::milliseconds token_delay{0};

  logto::result<logto::http_response> send(const logto::http_request& request) {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string path = path_of(request.url);
    log_.push_back({request.method, path, request.headers});
    if (token_delay.count() > 0 && request.method == "POST" && path == "/oidc/token") {
      std::this_thread::sleep_for(token_delay);
    }
    return curl_.send(request);
  }

  std::size_t count(const std::string& method, const std::string& path) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<std::size_t>(std::count_if(
        log_.begin(), log_.end(), [&](const sent_request& r) { return r.method == method && r.path == path; }));
  }
  std::size_t token_posts() const { return count("POST", "/oidc/token"); }
  std::size_t jwks_gets() const { return count("GET", "/oidc/jwks"); }
  std::size_t total() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return log_.size();
  }
  std::vector<sent_request> log() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return log_;
  }

 private:
  mutable std::mutex mutex_;
  logto_examples::curl_transport curl_;
  std::vector<sent_request> log_;
};

// The client under test: the blocking driver, the async one or the bare core (--driver).
using test_client = logto_test::any_client<recording_transport, logto::memory_storage, offset_clock>;

// A raw request to the provider (test endpoints, JWKS), outside any client.
logto::http_response raw(const std::string& method, const std::string& path, const logto::query_params& form = {}) {
  logto_examples::curl_transport curl;
  logto::http_request req;
  req.method = method;
  req.url = g_endpoint + path;
  if (method == "POST") {
    req.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
    req.body = logto::build_query(form);
  }
  auto response = curl.send(req);
  INFO(method << " " << path << " -> " << describe(response));
  REQUIRE(response.has_value());
  return *response;
}

logto::json::object provider_health() {
  const auto health = raw("GET", "/test/health");
  REQUIRE(health.status == 200);
  return parse_object(health.body);
}

// The provider's signing algorithm ("ES384" or "RS256"), from its health endpoint.
std::string provider_alg() {
  static const std::string alg = get_string(provider_health(), "alg");
  return alg;
}

// The device flow's polling interval: the provider's --device-interval, or none (Logto's answer) and
// then RFC 8628's 5 s.
std::int64_t device_interval() {
  const auto health = provider_health();
  const auto* v = logto::json::find(health, "deviceInterval");
  return v != nullptr && v->is<double>() ? static_cast<std::int64_t>(v->get<double>()) : 5;
}

logto::jose::jws_header header_of(const std::string& jwt) {
  auto h = logto::jose::decode_header(jwt);
  INFO(describe(h));
  REQUIRE(h.has_value());
  return *h;
}

std::string alg_name(logto::jose::algorithm a) { return std::string(logto::jose::to_string(a)); }

// ------------------------------------------------------------------------------------------------
// A client with its own transport, storage and clock

logto::config native_config() {
  logto::config cfg;
  cfg.endpoint = g_endpoint;
  cfg.app_id = native_app;
  cfg.scopes = {"email", "phone", "read:data"};
  cfg.resources = {api_resource, short_resource};  // in the authorization request, so refreshes may ask for them
  return cfg;
}

struct app {
  recording_transport transport;
  logto::memory_storage storage;
  std::atomic<std::int64_t> clock_offset{0};
  test_client client;

  explicit app(const logto::config& cfg = native_config(), logto::client_options options = {})
      : client(cfg, transport, storage, std::move(options), offset_clock{&clock_offset}) {}

  // sign_in -> the "browser" follows the provider's redirects -> the callback URL.
  std::string browse_sign_in(const logto::sign_in_options& o) {
    auto url = client.sign_in(o);
    REQUIRE_OK(url);
    REQUIRE(url->rfind(issuer() + "/auth?", 0) == 0);
    auto callback = logto_test::follow_to_redirect(*url, o.redirect_uri);
    REQUIRE_OK(callback);
    return *callback;
  }
  std::string browse_sign_in() {
    logto::sign_in_options o;
    o.redirect_uri = app_redirect;
    return browse_sign_in(o);
  }
  void sign_in() {
    const std::string callback = browse_sign_in();
    REQUIRE_OK(client.handle_sign_in_callback(callback));
  }
  std::string refresh_token() {
    auto t = storage.get("refreshToken");
    REQUIRE(t.has_value());
    REQUIRE(!t->empty());
    return *t;
  }
};

// ================================================================================================

TEST_CASE("sign-in: authorization code + PKCE, RFC 9207 iss, ID token verified and stored", "[client][sign-in]") {
  app a;
  logto::sign_in_options o;
  o.redirect_uri = app_redirect;
  o.post_redirect_uri = "com.example.app://home";
  auto url = a.client.sign_in(o);
  REQUIRE_OK(url);
  // What the browser is sent to: PKCE S256, Logto's default prompt=consent, the resources.
  CHECK(query_param(*url, "client_id") == native_app);
  CHECK(query_param(*url, "code_challenge_method") == "S256");
  CHECK(query_param(*url, "prompt") == "consent");
  CHECK(contains(query_param(*url, "scope"), "offline_access"));
  CHECK(contains(*url, "resource=https%3A%2F%2Fapi.example.com"));
  REQUIRE(a.storage.get("signInSession").has_value());

  auto callback = logto_test::follow_to_redirect(*url, app_redirect);
  REQUIRE_OK(callback);
  CHECK(query_param(*callback, "iss") == issuer());  // RFC 9207
  CHECK(!query_param(*callback, "code").empty());

  REQUIRE_OK(a.client.handle_sign_in_callback(*callback));
  CHECK(a.client.is_authenticated());
  CHECK(a.client.post_redirect_uri() == std::optional<std::string>("com.example.app://home"));
  CHECK_FALSE(a.storage.get("signInSession").has_value());  // a callback is accepted once
  CHECK(!a.refresh_token().empty());                        // prompt=consent kept offline_access
  // The code exchange went to the token endpoint once, and the JWKS was fetched for the ID token.
  CHECK(a.transport.token_posts() == 1);
  CHECK(a.transport.jwks_gets() == 1);

  auto id_token = a.client.get_id_token();
  REQUIRE(id_token.has_value());
  CHECK(alg_name(header_of(*id_token).alg) == provider_alg());

  auto claims = a.client.get_id_token_claims();
  REQUIRE_OK(claims);
  CHECK(claims->iss == issuer());
  CHECK(claims->sub == "user_123");
  CHECK(claims->aud == native_app);
  CHECK(claims->exp > claims->iat);
  CHECK(claims->name == std::optional<std::string>("Test User"));
  CHECK(claims->username == std::optional<std::string>("testuser"));
  CHECK(claims->email == std::optional<std::string>("test@example.com"));
  CHECK(claims->email_verified == std::optional<bool>(true));
  CHECK(claims->phone_number == std::optional<std::string>("+15555550123"));
  CHECK(claims->picture == std::optional<std::string>("https://example.com/avatars/user_123.png"));

  // The client verifies it: signature against the provider's JWKS, iss, aud, exp, iat.
  REQUIRE_OK(a.client.verify_id_token(*id_token));
  // And a tampered one is rejected (one payload character changed).
  std::string forged = *id_token;
  const auto dot = forged.find('.');
  forged[dot + 5] = forged[dot + 5] == 'A' ? 'B' : 'A';
  CHECK_FALSE(a.client.verify_id_token(forged).has_value());
}

TEST_CASE("resource token: a JWT for https://api.example.com (RFC 8707), verified like an API would",
          "[client][resource]") {
  app a;
  a.sign_in();
  const std::size_t before = a.transport.token_posts();

  auto claims = a.client.get_access_token_claims(api_resource);
  REQUIRE_OK(claims);
  CHECK(a.transport.token_posts() == before + 1);  // one refresh with resource=
  CHECK(claims->aud == std::optional<std::string>(api_resource));
  CHECK(claims->sub == std::optional<std::string>("user_123"));
  CHECK(claims->client_id == std::optional<std::string>(native_app));
  CHECK(claims->iss == std::optional<std::string>(issuer()));
  CHECK(claims->scope == std::optional<std::string>("read:data"));  // requested and granted

  auto token = a.client.get_access_token(api_resource);
  REQUIRE_OK(token);
  CHECK(a.transport.token_posts() == before + 1);  // from the cache

  // An API server would verify it (RFC 9068): signature with the provider's JWKS, typ at+jwt,
  // iss, aud = the resource, exp, the scope.
  const auto jwks = raw("GET", "/oidc/jwks");
  REQUIRE(jwks.status == 200);
  auto keys = logto::jose::key_set::parse(jwks.body);
  REQUIRE_OK(keys);
  auto o =
      logto::jose::verify_options::access_token(issuer(), api_resource, logto::system_clock{}.now(), {"read:data"});
  o.typ = "at+jwt";
  auto verified = logto::jose::verify_jwt(*token, *keys, o);
  REQUIRE_OK(verified);
  CHECK(alg_name(verified->alg) == provider_alg());
  // The same token is not valid for another API.
  auto other = logto::jose::verify_options::access_token(issuer(), short_resource, logto::system_clock{}.now());
  auto wrong_audience = logto::jose::verify_jwt(*token, *keys, other);
  REQUIRE_FALSE(wrong_audience.has_value());
  CHECK(wrong_audience.error().code == logto::errc::jwt_claim_invalid);

  // The "@" token from the code exchange is opaque (userinfo only): no claims, still from the cache.
  auto userinfo_token = a.client.get_access_token_claims();
  REQUIRE_OK(userinfo_token);
  CHECK_FALSE(userinfo_token->aud.has_value());
  CHECK(a.transport.token_posts() == before + 1);

  // A resource that was not in the authorization request: the provider would refuse it (invalid_target),
  // and oidc-provider (like Logto) rotates the refresh token before it resolves `resource`, so that
  // refresh would spend the session. The client refuses it locally instead, and the session survives.
  const std::size_t posts_before = a.transport.token_posts();
  auto unknown = a.client.get_access_token("https://unknown.example.com");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == logto::errc::invalid_argument);
  CHECK(a.transport.token_posts() == posts_before);
  auto after = a.client.get_access_token(short_resource);
  REQUIRE_OK(after);
}

TEST_CASE("access-token cache: a valid token is served without any request", "[client][cache]") {
  app a;
  a.sign_in();
  auto first = a.client.get_access_token(api_resource);
  REQUIRE_OK(first);
  const std::size_t requests = a.transport.total();
  for (int i = 0; i < 5; ++i) {
    auto again = a.client.get_access_token(api_resource);
    REQUIRE_OK(again);
    CHECK(*again == *first);
  }
  auto at = a.client.get_access_token();  // the "@" token stored by the sign-in
  REQUIRE_OK(at);
  CHECK(a.transport.total() == requests);  // not one request

  // clear_access_token() forgets them: the next call refreshes.
  a.client.clear_access_token();
  auto fresh = a.client.get_access_token(api_resource);
  REQUIRE_OK(fresh);
  CHECK(*fresh != *first);
  CHECK(a.transport.token_posts() == 3);  // code exchange, first refresh, this one
}

TEST_CASE("refresh with rotation: every refresh stores the new refresh token (30 s token < 60 s margin)",
          "[client][refresh]") {
  app a;
  a.sign_in();
  std::vector<std::string> refresh_tokens{a.refresh_token()};
  std::vector<std::string> access_tokens;
  const std::string id_token_before = *a.client.get_id_token();
  for (int i = 0; i < 3; ++i) {
    const std::size_t before = a.transport.token_posts();
    auto token = a.client.get_access_token(short_resource);
    REQUIRE_OK(token);
    CHECK(a.transport.token_posts() == before + 1);  // expires within the margin: always refreshed
    access_tokens.push_back(*token);
    refresh_tokens.push_back(a.refresh_token());
    auto claims = a.client.get_access_token_claims(short_resource);  // refreshes again
    REQUIRE_OK(claims);
    CHECK(claims->aud == std::optional<std::string>(short_resource));
    REQUIRE(claims->exp.has_value());
    REQUIRE(claims->iat.has_value());
    CHECK(*claims->exp - *claims->iat == 30);
    refresh_tokens.push_back(a.refresh_token());
  }
  // Rotation: each refresh handed out a new refresh token, and the client stored each one (had it
  // kept a spent one, the next refresh would have been reuse and the provider would have revoked the
  // grant).
  for (std::size_t i = 1; i < refresh_tokens.size(); ++i) CHECK(refresh_tokens[i] != refresh_tokens[i - 1]);
  CHECK(access_tokens[0] != access_tokens[1]);
  // Refresh responses carry a new ID token, verified and stored (same iss/sub). (With RS256 it can be
  // byte-identical to the old one when issued in the same second; the key-rotation test tells them
  // apart by kid.)
  const std::string id_token_after = *a.client.get_id_token();
  auto claims_before = logto::oidc::decode_id_token(id_token_before);
  REQUIRE_OK(claims_before);
  auto claims = a.client.get_id_token_claims();
  REQUIRE_OK(claims);
  CHECK(claims->sub == "user_123");
  CHECK(claims->iat >= claims_before->iat);

  // A spent refresh token is dead, and using it revokes the grant (oidc-provider's reuse detection):
  // then the current one fails as well, with session_expired.
  logto::memory_storage stale_storage;
  stale_storage.set("idToken", id_token_after);
  stale_storage.set("refreshToken", refresh_tokens[1]);
  recording_transport stale_transport;
  std::atomic<std::int64_t> zero{0};
  test_client stale(native_config(), stale_transport, stale_storage, {}, offset_clock{&zero});
  auto reused = stale.get_access_token(short_resource);
  REQUIRE_FALSE(reused.has_value());
  CHECK(reused.error().code == logto::errc::session_expired);
  CHECK(contains(reused.error().detail, "invalid_grant"));
  auto after_reuse = a.client.get_access_token(short_resource);
  REQUIRE_FALSE(after_reuse.has_value());
  CHECK(after_reuse.error().code == logto::errc::session_expired);
}

// The provider's refresh-token reuse window in seconds (Logto: 3; the strict default: 0).
double refresh_reuse_window() {
  const auto health = provider_health();
  const auto* v = logto::json::find(health, "refreshReuseWindow");
  return v != nullptr && v->is<double>() ? v->get<double>() : 0;
}

// What the client sees when a refresh answer was lost (the request reached the provider, the rotated
// token never came back): its stored refresh token is spent. Logto accepts it again for 3 s and
// revokes the grant after that; the strict provider revokes at once.
TEST_CASE("a lost refresh answer, on both sides of the provider's refresh-token reuse window",
          "[client][reuse-window]") {
  app a;
  a.sign_in();
  const double window = refresh_reuse_window();
  const auto spend = [&](const std::string& rt) {  // the refresh whose answer was lost
    const auto r =
        raw("POST", "/oidc/token", {{"client_id", native_app}, {"grant_type", "refresh_token"}, {"refresh_token", rt}});
    REQUIRE(r.status == 200);
  };
  if (window > 0) {
    spend(a.refresh_token());
    auto inside = a.client.get_access_token(short_resource);  // within the window: accepted, rotated again
    REQUIRE_OK(inside);
    spend(a.refresh_token());
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(window * 1000) + 500));
  } else {
    spend(a.refresh_token());
  }
  auto after = a.client.get_access_token(short_resource);
  REQUIRE_FALSE(after.has_value());
  CHECK(after.error().code == logto::errc::session_expired);
  // The dead session is cleared (no retry with a revoked token, the host can show its sign-in screen).
  CHECK_FALSE(a.client.is_authenticated());
  CHECK_FALSE(a.storage.get("refreshToken").has_value());
  const std::size_t posts = a.transport.token_posts();
  auto again = a.client.get_access_token(short_resource);
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().code == logto::errc::not_authenticated);
  CHECK(a.transport.token_posts() == posts);
}

// Several threads want the same token at once; they must share ONE refresh (Logto would revoke the
// grant on the second use of a rotated refresh token).
void concurrent_refresh(const char* resource) {
  app a;
  a.sign_in();
  a.transport.token_delay = 300ms;  // the refresh is in flight while every thread arrives
  const std::string refresh_before = a.refresh_token();
  const std::size_t before = a.transport.token_posts();

  constexpr int threads = 6;
  std::mutex m;
  std::condition_variable cv;
  bool go = false;
  std::vector<std::optional<logto::result<std::string>>> results(threads);
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([&, i] {
      {
        std::unique_lock<std::mutex> lock(m);
        cv.wait(lock, [&] { return go; });
      }
      results[static_cast<std::size_t>(i)] = a.client.get_access_token(resource);
    });
  }
  {
    std::lock_guard<std::mutex> lock(m);
    go = true;
  }
  cv.notify_all();
  for (auto& t : pool) t.join();

  CHECK(a.transport.token_posts() == before + 1);  // exactly one refresh
  REQUIRE(results[0].has_value());
  REQUIRE_OK(*results[0]);
  for (const auto& r : results) {
    REQUIRE(r.has_value());
    REQUIRE_OK(*r);
    CHECK(**r == **results[0]);  // everybody got that refresh's token
  }
  CHECK(a.refresh_token() != refresh_before);
  // The grant is still alive: no reuse happened.
  a.transport.token_delay = 0ms;
  REQUIRE_OK(a.client.get_access_token(short_resource));
}

TEST_CASE("concurrency: threads asking for the same resource token share one refresh", "[client][threads]") {
  SECTION("a 1 h token: waiters find it in the cache") { concurrent_refresh(api_resource); }
  SECTION("a 30 s token (always due): waiters take the in-flight refresh's result") {
    concurrent_refresh(short_resource);
  }
}

TEST_CASE("concurrency: refreshes for different resources run one after another (no rotated token reused)",
          "[client][threads]") {
  app a;
  a.sign_in();
  a.transport.token_delay = 200ms;
  const std::size_t before = a.transport.token_posts();
  const std::vector<const char*> wanted{api_resource, short_resource, api_resource, short_resource, "", api_resource};
  std::vector<std::optional<logto::result<std::string>>> results(wanted.size());
  std::atomic<bool> go{false};
  std::vector<std::thread> pool;
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    pool.emplace_back([&, i] {
      while (!go) std::this_thread::yield();
      results[i] = a.client.get_access_token(wanted[i]);
    });
  }
  go = true;
  for (auto& t : pool) t.join();
  for (const auto& r : results) {
    REQUIRE(r.has_value());
    REQUIRE_OK(*r);
  }
  // One refresh per resource (the "@" token is cached from the sign-in); had two of them run at once,
  // one would have presented a spent refresh token and the provider would have revoked the grant.
  CHECK(a.transport.token_posts() == before + 2);
  a.transport.token_delay = 0ms;
  REQUIRE_OK(a.client.get_access_token(short_resource));
  REQUIRE_OK(a.client.fetch_user_info());
}

TEST_CASE("userinfo: GET /oidc/me with the \"@\" token; sub equals the ID token's (OIDC Core 5.3.2)",
          "[client][userinfo]") {
  app a;
  a.sign_in();
  auto info = a.client.fetch_user_info();
  REQUIRE_OK(info);
  auto claims = a.client.get_id_token_claims();
  REQUIRE_OK(claims);
  CHECK(info->sub == claims->sub);
  CHECK(info->sub == "user_123");
  CHECK(info->name == std::optional<std::string>("Test User"));
  CHECK(info->email == std::optional<std::string>("test@example.com"));
  CHECK(info->email_verified == std::optional<bool>(true));
  CHECK(info->phone_number == std::optional<std::string>("+15555550123"));
  CHECK(a.transport.count("GET", "/oidc/me") == 1);
  // The "@" token came from the cache (the code exchange): no refresh for it.
  CHECK(a.transport.token_posts() == 1);
  // The Bearer header carried it.
  bool bearer = false;
  for (const auto& r : a.transport.log()) {
    if (r.path != "/oidc/me") continue;
    const std::string* h = logto::http_find_header(r.headers, "Authorization");
    bearer = h != nullptr && h->rfind("Bearer ", 0) == 0;
  }
  CHECK(bearer);
}

TEST_CASE("sign-out: revokes the refresh token, clears local tokens, returns the end-session URL",
          "[client][sign-out]") {
  app a;
  a.sign_in();
  REQUIRE_OK(a.client.get_access_token(short_resource));  // the refresh token works right now
  const std::string refresh_token = a.refresh_token();
  const std::string id_token = *a.client.get_id_token();

  auto end_session = a.client.sign_out("http://127.0.0.1/signed-out");
  REQUIRE_OK(end_session);
  CHECK(end_session->rfind(issuer() + "/session/end?", 0) == 0);
  CHECK(query_param(*end_session, "client_id") == native_app);
  CHECK(query_param(*end_session, "post_logout_redirect_uri") == "http://127.0.0.1/signed-out");
  CHECK(a.transport.count("POST", "/oidc/token/revocation") == 1);
  CHECK_FALSE(a.client.is_authenticated());
  CHECK_FALSE(a.storage.get("refreshToken").has_value());
  CHECK_FALSE(a.storage.get("accessToken").has_value());
  auto gone = a.client.get_access_token();
  REQUIRE_FALSE(gone.has_value());
  CHECK(gone.error().code == logto::errc::not_authenticated);

  // The browser completes the provider's logout and lands on the post-logout redirect URI.
  auto landed = logto_test::follow_to_redirect(*end_session, "http://127.0.0.1/signed-out");
  REQUIRE_OK(landed);

  // The revoked refresh token is dead at the provider: a client that still had it gets session_expired.
  logto::memory_storage old_storage;
  old_storage.set("idToken", id_token);
  old_storage.set("refreshToken", refresh_token);
  recording_transport old_transport;
  std::atomic<std::int64_t> zero{0};
  test_client old(native_config(), old_transport, old_storage, {}, offset_clock{&zero});
  auto refreshed = old.get_access_token(short_resource);
  REQUIRE_FALSE(refreshed.has_value());
  CHECK(refreshed.error().code == logto::errc::session_expired);
  CHECK(old_transport.token_posts() == 1);
}

// Approves or denies a device authorization through the provider's test endpoint.
int device_decision(const std::string& decision, const std::string& user_code) {
  return raw("POST", "/test/device/" + decision, {{"user_code", user_code}}).status;
}

TEST_CASE("device flow (RFC 8628): user code, pending polls, approval, tokens stored", "[client][device]") {
  app a;
  auto flow = a.client.start_device_sign_in();
  REQUIRE_OK(flow);
  const auto& auth = flow->authorization;
  CHECK(auth.user_code.size() == 9);  // XXXX-XXXX
  CHECK(auth.verification_uri == issuer() + "/device");
  REQUIRE(auth.verification_uri_complete.has_value());
  CHECK(contains(*auth.verification_uri_complete, "user_code="));
  CHECK(auth.interval == device_interval());  // --device-interval, or Logto's none (5 s)
  CHECK(auth.expires_in == 600);

  // The user approves on another device a moment later; meanwhile the client polls and is told
  // authorization_pending.
  std::atomic<int> approve_status{0};
  std::thread user([&] {  // no Catch2 assertions off the main thread
    std::this_thread::sleep_for(2200ms);
    logto_examples::curl_transport curl;
    logto::http_request req{"POST",
                            g_endpoint + "/test/device/approve",
                            {{"Content-Type", "application/x-www-form-urlencoded"}},
                            logto::build_query({{"user_code", auth.user_code}})};
    auto response = curl.send(req);
    approve_status = response ? response->status : -1;
  });
  int sleeps = 0;
  const auto started = std::chrono::steady_clock::now();
  auto done = a.client.wait_for_device_sign_in(*flow, [&](std::int64_t seconds) {
    ++sleeps;
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
  });
  user.join();
  const auto elapsed = std::chrono::steady_clock::now() - started;
  CHECK(approve_status == 200);
  REQUIRE_OK(done);
  CHECK(elapsed >= 2s);
  // With a 1 s interval some polls come before the approval (authorization_pending), then the tokens;
  // with Logto's 5 s the first poll finds the request approved.
  const int polls = device_interval() < 2 ? 2 : 1;
  CHECK(sleeps >= polls);
  CHECK(a.transport.token_posts() >= static_cast<std::size_t>(polls));

  CHECK(a.client.is_authenticated());
  auto claims = a.client.get_id_token_claims();
  REQUIRE_OK(claims);
  CHECK(claims->sub == "user_123");
  CHECK(claims->aud == native_app);
  CHECK(!a.refresh_token().empty());  // the device flow keeps offline_access without prompt=consent
  // The device grant carries the resources: a resource token by refresh.
  auto api = a.client.get_access_token_claims(api_resource);
  REQUIRE_OK(api);
  CHECK(api->aud == std::optional<std::string>(api_resource));
  auto info = a.client.fetch_user_info();
  REQUIRE_OK(info);
  CHECK(info->sub == "user_123");
}

TEST_CASE("device flow: the user denies -> access_denied, nothing stored", "[client][device]") {
  app a;
  auto flow = a.client.start_device_sign_in();
  REQUIRE_OK(flow);
  CHECK(device_decision("deny", flow->authorization.user_code) == 200);
  auto done = a.client.wait_for_device_sign_in(
      *flow, [](std::int64_t s) { std::this_thread::sleep_for(std::chrono::seconds(s)); });
  REQUIRE_FALSE(done.has_value());
  CHECK(done.error().code == logto::errc::access_denied);
  CHECK(a.transport.token_posts() == 1);  // the first poll already said so
  CHECK_FALSE(a.client.is_authenticated());
  CHECK_FALSE(a.storage.get("refreshToken").has_value());
  CHECK(flow->poller.finished());
}

TEST_CASE("device flow: a poll that comes too early gets slow_down, and the interval grows by 5 s",
          "[client][device]") {
  app a;
  auto flow = a.client.start_device_sign_in();
  REQUIRE_OK(flow);
  // Pretend an interval has passed, poll (pending), then pretend another one has and poll again at
  // once: the provider sees two polls within its interval and answers slow_down.
  const std::int64_t interval = device_interval();
  a.clock_offset = interval;
  auto first = a.client.poll_device_sign_in(*flow);
  REQUIRE_OK(first);
  CHECK_FALSE(*first);
  CHECK(flow->poller.interval() == interval);
  a.clock_offset = 2 * interval;
  auto second = a.client.poll_device_sign_in(*flow);
  REQUIRE_OK(second);  // not an error: keep polling, more slowly
  CHECK_FALSE(*second);
  CHECK(flow->poller.interval() == interval + 5);
  CHECK(a.transport.token_posts() == 2);
  // Before the new interval is over the client does not poll at all.
  auto third = a.client.poll_device_sign_in(*flow);
  REQUIRE_OK(third);
  CHECK_FALSE(*third);
  CHECK(a.transport.token_posts() == 2);
  CHECK(device_decision("deny", flow->authorization.user_code) == 200);  // end it at the provider
}

TEST_CASE("key rotation: a refreshed ID token with a new kid makes the client refetch the JWKS once",
          "[client][keys]") {
  app a;
  a.sign_in();
  REQUIRE(a.transport.jwks_gets() == 1);
  const std::string old_kid = header_of(*a.client.get_id_token()).kid.value_or("");

  const auto rotated = raw("POST", "/test/rotate-keys");
  REQUIRE(rotated.status == 200);
  const std::string new_kid = get_string(parse_object(rotated.body), "kid");
  REQUIRE(new_kid != old_kid);

  SECTION("after the refetch cooldown (30 s, as jose's createRemoteJWKSet) the new key is fetched and used") {
    a.clock_offset = 31;
    const std::string refresh_before = a.refresh_token();
    auto token = a.client.get_access_token(short_resource);
    REQUIRE_OK(token);
    CHECK(a.transport.jwks_gets() == 2);  // exactly one refetch
    CHECK(header_of(*a.client.get_id_token()).kid == std::optional<std::string>(new_kid));
    CHECK(a.refresh_token() != refresh_before);
    // The next refresh finds the key in the cache.
    REQUIRE_OK(a.client.get_access_token(short_resource));
    CHECK(a.transport.jwks_gets() == 2);
    // And resource JWTs are signed with the new key too.
    CHECK(header_of(*token).kid == std::optional<std::string>(new_kid));
  }

  SECTION("within the cooldown the refresh fails with jwt.no_matching_key, but the session survives") {
    const std::string refresh_before = a.refresh_token();
    auto early = a.client.get_access_token(short_resource);
    REQUIRE_FALSE(early.has_value());
    CHECK(early.error().code == logto::errc::jwt_no_matching_key);
    CHECK(a.transport.jwks_gets() == 1);  // no refetch yet
    // The rotated refresh token was stored before the ID token was checked, so nothing is lost.
    CHECK(a.refresh_token() != refresh_before);
    CHECK(header_of(*a.client.get_id_token()).kid == std::optional<std::string>(old_kid));
    a.clock_offset = 31;
    REQUIRE_OK(a.client.get_access_token(short_resource));
    CHECK(a.transport.jwks_gets() == 2);
    CHECK(header_of(*a.client.get_id_token()).kid == std::optional<std::string>(new_kid));
  }
}

TEST_CASE("callback: the user denies (login_hint=deny) -> callback_uri_verification.error_found",
          "[client][callback]") {
  app a;
  a.sign_in();
  const std::string id_token = *a.client.get_id_token();
  const std::string refresh_token = a.refresh_token();

  logto::sign_in_options o;
  o.redirect_uri = app_redirect;
  o.login_hint = "deny";
  o.clear_tokens = false;  // keep the current session while the user tries again
  const std::string callback = a.browse_sign_in(o);
  CHECK(query_param(callback, "error") == "access_denied");
  const std::size_t posts = a.transport.token_posts();

  auto r = a.client.handle_sign_in_callback(callback);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == logto::errc::callback_error_found);
  CHECK(contains(r.error().detail + " " + r.error().message, "access_denied"));
  CHECK(a.transport.token_posts() == posts);    // no code exchange
  CHECK(*a.client.get_id_token() == id_token);  // nothing stored over the old session
  CHECK(a.refresh_token() == refresh_token);
  CHECK(a.storage.get("signInSession").has_value());  // the sign-in session stays for a retry

  // With the default clear_tokens the old tokens go at sign_in(), and a denial stores nothing.
  logto::sign_in_options fresh;
  fresh.redirect_uri = app_redirect;
  fresh.login_hint = "deny";
  auto denied = a.client.handle_sign_in_callback(a.browse_sign_in(fresh));
  REQUIRE_FALSE(denied.has_value());
  CHECK(denied.error().code == logto::errc::callback_error_found);
  CHECK_FALSE(a.client.is_authenticated());
  CHECK_FALSE(a.storage.get("refreshToken").has_value());
}

TEST_CASE("callback: a replayed callback URL -> sign_in_session.not_found", "[client][callback]") {
  app a;
  const std::string callback = a.browse_sign_in();
  REQUIRE_OK(a.client.handle_sign_in_callback(callback));
  const std::string id_token = *a.client.get_id_token();
  const std::size_t posts = a.transport.token_posts();

  auto replay = a.client.handle_sign_in_callback(callback);
  REQUIRE_FALSE(replay.has_value());
  CHECK(replay.error().code == logto::errc::sign_in_session_not_found);
  CHECK(logto::to_string(replay.error().code) == "sign_in_session.not_found");
  CHECK(a.transport.token_posts() == posts);  // the code was not sent again (that would revoke the grant)
  CHECK(*a.client.get_id_token() == id_token);
  REQUIRE_OK(a.client.get_access_token(short_resource));  // the session is fine
}

TEST_CASE("callback: a tampered state -> callback_uri_verification.state_mismatched, nothing stored",
          "[client][callback]") {
  app a;
  const std::string callback = a.browse_sign_in();
  const std::string state = query_param(callback, "state");
  REQUIRE(!state.empty());
  std::string tampered = callback;
  const auto at = tampered.find("state=") + 6;
  tampered[at] = tampered[at] == 'x' ? 'y' : 'x';

  auto r = a.client.handle_sign_in_callback(tampered);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == logto::errc::callback_state_mismatched);
  CHECK(a.transport.token_posts() == 0);
  CHECK_FALSE(a.client.is_authenticated());
  CHECK_FALSE(a.storage.get("refreshToken").has_value());
  REQUIRE(a.storage.get("signInSession").has_value());

  // The genuine callback still works: the session was kept.
  REQUIRE_OK(a.client.handle_sign_in_callback(callback));
  CHECK(a.client.is_authenticated());
}

TEST_CASE("client credentials: the confidential test-m2m-app (HTTP Basic), cached per resource and scopes",
          "[client][m2m]") {
  logto::config cfg;
  cfg.endpoint = g_endpoint;
  cfg.app_id = "test-m2m-app";
  cfg.app_secret = "test-m2m-secret";
  app a(cfg);

  auto token = a.client.get_client_credentials_token(api_resource, {"read:data"});
  REQUIRE_OK(token);
  CHECK(a.transport.token_posts() == 1);
  auto claims = logto::oidc::decode_access_token(*token);
  REQUIRE_OK(claims);
  CHECK(claims->aud == std::optional<std::string>(api_resource));
  CHECK(claims->sub == std::optional<std::string>("test-m2m-app"));
  CHECK(claims->client_id == std::optional<std::string>("test-m2m-app"));
  CHECK(claims->scope == std::optional<std::string>("read:data"));
  CHECK(alg_name(header_of(*token).alg) == provider_alg());

  // Client authentication was HTTP Basic (client_secret_basic), and the secret is not in the body.
  bool basic = false;
  for (const auto& r : a.transport.log()) {
    if (r.path != "/oidc/token") continue;
    const std::string* h = logto::http_find_header(r.headers, "Authorization");
    basic = h != nullptr && *h == "Basic " + logto::base64_encode("test-m2m-app:test-m2m-secret");
  }
  CHECK(basic);

  // Cached: the same resource and scopes are served from memory.
  auto again = a.client.get_client_credentials_token(api_resource, {"read:data"});
  REQUIRE_OK(again);
  CHECK(*again == *token);
  CHECK(a.transport.token_posts() == 1);
  // Other scopes are another cache entry.
  auto both = a.client.get_client_credentials_token(api_resource, {"write:data", "read:data"});
  REQUIRE_OK(both);
  CHECK(a.transport.token_posts() == 2);
  auto both_claims = logto::oidc::decode_access_token(*both);
  REQUIRE_OK(both_claims);
  REQUIRE(both_claims->scope.has_value());
  CHECK(contains(*both_claims->scope, "read:data"));
  CHECK(contains(*both_claims->scope, "write:data"));

  // A wrong secret is invalid_client (HTTP 401).
  cfg.app_secret = "wrong-secret";
  app wrong(cfg);
  auto refused = wrong.client.get_client_credentials_token(api_resource);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == logto::errc::oauth_error);
  CHECK(contains(refused.error().detail, "invalid_client"));
}

TEST_CASE("persisted session: a new client over the same storage continues it (@logto/client's format)",
          "[client][storage]") {
  logto::memory_storage shared;
  std::string api_token;
  {
    recording_transport transport;
    std::atomic<std::int64_t> zero{0};
    test_client first(native_config(), transport, shared, {}, offset_clock{&zero});
    logto::sign_in_options o;
    o.redirect_uri = app_redirect;
    auto url = first.sign_in(o);
    REQUIRE_OK(url);
    auto callback = logto_test::follow_to_redirect(*url, app_redirect);
    REQUIRE_OK(callback);
    REQUIRE_OK(first.handle_sign_in_callback(*callback));
    auto token = first.get_access_token(api_resource);
    REQUIRE_OK(token);
    api_token = *token;
  }  // the first client is gone (the app restarted)

  // The stored values have @logto/client's keys and shapes.
  REQUIRE(shared.get("idToken").has_value());
  REQUIRE(shared.get("refreshToken").has_value());
  auto map_text = shared.get("accessToken");
  REQUIRE(map_text.has_value());
  const auto map = parse_object(*map_text);
  REQUIRE(logto::json::find(map, "@") != nullptr);
  const auto* api_entry = logto::json::find(map, std::string("@") + api_resource);
  REQUIRE(api_entry != nullptr);
  REQUIRE(api_entry->is<logto::json::object>());
  const auto& entry = api_entry->get<logto::json::object>();
  CHECK(get_string(entry, "token") == api_token);
  CHECK(get_string(entry, "scope") == "read:data");
  const auto* expires_at = logto::json::find(entry, "expiresAt");
  REQUIRE(expires_at != nullptr);
  CHECK(expires_at->is<double>());
  auto parsed = logto::oidc::parse_access_token_map(*map_text);
  REQUIRE_OK(parsed);

  recording_transport transport;
  std::atomic<std::int64_t> zero{0};
  test_client second(native_config(), transport, shared, {}, offset_clock{&zero});
  CHECK(second.is_authenticated());
  auto claims = second.get_id_token_claims();
  REQUIRE_OK(claims);
  CHECK(claims->sub == "user_123");
  auto token = second.get_access_token(api_resource);
  REQUIRE_OK(token);
  CHECK(*token == api_token);
  CHECK(transport.total() == 0);  // straight from storage: no request at all
  // The stored refresh token works for the new instance (and is rotated in storage).
  const std::string rt = *shared.get("refreshToken");
  REQUIRE_OK(second.get_access_token(short_resource));
  CHECK(*shared.get("refreshToken") != rt);
  REQUIRE_OK(second.fetch_user_info());
}

// ------------------------------------------------------------------------------------------------
// The official @logto/client (Node.js) over the very same storage: what one writes, the other reads.

#if defined(LOGTO_NODE_EXECUTABLE) && defined(LOGTO_INTEROP_NODE_MODULES)

// Runs `steps` with @logto/client 3.x (tests/interop/node_modules) over a storage given as JSON, and
// writes the results, the requests it made and the storage afterwards.
constexpr char logto_js_script[] = R"JS(
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [, , modules, inFile, outFile] = process.argv;
const { default: LogtoClient, createRequester } = await import(
  pathToFileURL(`${modules}/@logto/client/lib/index.js`).href);
const input = JSON.parse(readFileSync(inFile, 'utf8'));
const items = new Map(Object.entries(input.storage));
const storage = {
  getItem: async (key) => items.get(key) ?? null,
  setItem: async (key, value) => { items.set(key, value); },
  removeItem: async (key) => { items.delete(key); },
};
const requests = [];
const requester = createRequester(async (url, init) => {
  requests.push(`${init?.method ?? 'GET'} ${new URL(url).pathname}`);
  return fetch(url, init);
});
const client = new LogtoClient(input.config, {
  requester,
  storage,
  navigate: () => { throw new Error('no navigation in this test'); },
  generateState: () => 'unused',
  generateCodeVerifier: () => 'unused',
  generateCodeChallenge: async () => 'unused',
});
const results = [];
for (const [op, arg] of input.steps) {
  try {
    let value;
    if (op === 'handleSignInCallback') value = (await client.handleSignInCallback(arg), 'ok');
    else if (op === 'isAuthenticated') value = String(await client.isAuthenticated());
    else if (op === 'getIdTokenClaims') value = (await client.getIdTokenClaims()).sub;
    else if (op === 'getAccessToken') value = await client.getAccessToken(arg || undefined);
    else if (op === 'fetchUserInfo') value = (await client.fetchUserInfo()).sub;
    else throw new Error(`unknown step ${op}`);
    results.push({ op, value });
  } catch (error) {
    results.push({ op, error: `${error?.code ?? ''} ${error?.message ?? error}` });
  }
}
writeFileSync(outFile, JSON.stringify({ results, requests, storage: Object.fromEntries(items) }));
)JS";

struct js_run {
  std::vector<std::string> values;  // one per step ("" where it failed)
  std::vector<std::string> errors;  // one per step ("" where it worked)
  std::vector<std::string> requests;
};

const char* const storage_keys[] = {"idToken", "refreshToken", "accessToken", "signInSession"};

void write_file(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(std::fwrite(text.data(), 1, text.size(), f) == text.size());
  REQUIRE(std::fclose(f) == 0);
}

std::string read_text(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  REQUIRE(f != nullptr);
  std::string text;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, n);
  std::fclose(f);
  return text;
}

// Runs the steps ({op, argument}) with @logto/client over `storage` (read from it, written back).
js_run run_logto_js(logto::memory_storage& storage, const std::vector<std::pair<std::string, std::string>>& steps) {
  char dir_template[] = "/tmp/logto-client-interop-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::string dir = dir_template;
  std::string in = "{\"config\":{\"endpoint\":" + logto::json::quote(g_endpoint) +
                   ",\"appId\":" + logto::json::quote(native_app) +
                   ",\"scopes\":[\"email\",\"phone\",\"read:data\"],\"resources\":[" +
                   logto::json::quote(api_resource) + "," + logto::json::quote(short_resource) + "]},\"storage\":{";
  bool first = true;
  for (const char* key : storage_keys) {
    if (auto v = storage.get(key)) {
      in += std::string(first ? "" : ",") + logto::json::quote(key) + ":" + logto::json::quote(*v);
      first = false;
    }
  }
  in += "},\"steps\":[";
  for (std::size_t i = 0; i < steps.size(); ++i) {
    in += std::string(i == 0 ? "" : ",") + "[" + logto::json::quote(steps[i].first) + "," +
          logto::json::quote(steps[i].second) + "]";
  }
  in += "]}";
  write_file(dir + "/in.json", in);
  write_file(dir + "/run.mjs", logto_js_script);
  const std::string command = std::string("'") + LOGTO_NODE_EXECUTABLE + "' '" + dir + "/run.mjs' '" +
                              LOGTO_INTEROP_NODE_MODULES + "' '" + dir + "/in.json' '" + dir + "/out.json' 2>'" + dir +
                              "/stderr.txt'";
  const int status = std::system(command.c_str());
  const std::string out_text = status == 0 ? read_text(dir + "/out.json") : std::string();
  INFO("node stderr: " << (status == 0 ? std::string() : read_text(dir + "/stderr.txt")));
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  REQUIRE(status == 0);

  const auto out = parse_object(out_text);
  js_run run;
  const auto* results = logto::json::find(out, "results");
  REQUIRE(results != nullptr);
  REQUIRE(results->is<logto::json::array>());
  for (const auto& r : results->get<logto::json::array>()) {
    REQUIRE(r.is<logto::json::object>());
    const auto& o = r.get<logto::json::object>();
    run.values.push_back(logto::json::get_string(o, "value").value_or(std::string()));
    run.errors.push_back(logto::json::get_string(o, "error").value_or(std::string()));
  }
  const auto* requests = logto::json::find(out, "requests");
  REQUIRE(requests != nullptr);
  REQUIRE(requests->is<logto::json::array>());
  for (const auto& r : requests->get<logto::json::array>())
    run.requests.push_back(r.is<std::string>() ? r.get<std::string>() : "");
  // The storage as @logto/client left it.
  const auto* written = logto::json::find(out, "storage");
  REQUIRE(written != nullptr);
  REQUIRE(written->is<logto::json::object>());
  const auto& items = written->get<logto::json::object>();
  for (const char* key : storage_keys) {
    const auto* v = logto::json::find(items, key);
    if (v != nullptr && v->is<std::string>()) {
      storage.set(key, v->get<std::string>());
    } else {
      storage.remove(key);
    }
  }
  return run;
}

std::size_t count_of(const std::vector<std::string>& list, const std::string& item) {
  return static_cast<std::size_t>(std::count(list.begin(), list.end(), item));
}

TEST_CASE("@logto/client (Node.js) and logto::client share one storage: sign-in session and tokens",
          "[client][storage][js]") {
  logto::memory_storage shared;
  std::atomic<std::int64_t> zero{0};

  // C++ starts the sign-in (signInSession), the browser comes back, and @logto/client completes it.
  std::string callback;
  {
    recording_transport transport;
    test_client cpp(native_config(), transport, shared, {}, offset_clock{&zero});
    auto url = cpp.sign_in(app_redirect);
    REQUIRE_OK(url);
    auto landed = logto_test::follow_to_redirect(*url, app_redirect);
    REQUIRE_OK(landed);
    callback = *landed;
  }
  const js_run js1 = run_logto_js(
      shared, {{"handleSignInCallback", callback}, {"getIdTokenClaims", ""}, {"getAccessToken", api_resource}});
  for (const auto& e : js1.errors) CHECK(e.empty());
  REQUIRE(js1.values.size() == 3);
  CHECK(js1.values[0] == "ok");  // @logto/client read C++'s signInSession (state, verifier, redirect URI)
  CHECK(js1.values[1] == "user_123");
  const std::string js_api_token = js1.values[2];
  CHECK(count_of(js1.requests, "POST /oidc/token") == 2);  // code exchange, refresh for the API
  CHECK_FALSE(shared.get("signInSession").has_value());

  // C++ continues the session @logto/client stored.
  recording_transport transport;
  test_client cpp(native_config(), transport, shared, {}, offset_clock{&zero});
  CHECK(cpp.is_authenticated());
  auto claims = cpp.get_id_token_claims();
  REQUIRE_OK(claims);
  CHECK(claims->sub == "user_123");
  auto map = logto::oidc::parse_access_token_map(*shared.get("accessToken"));
  REQUIRE_OK(map);  // JS's accessToken map parses (it would otherwise silently count as empty)
  auto api = cpp.get_access_token(api_resource);
  REQUIRE_OK(api);
  CHECK(*api == js_api_token);  // JS's cached token, served from storage
  CHECK(transport.total() == 0);
  const std::string js_refresh_token = *shared.get("refreshToken");
  auto short_token = cpp.get_access_token(short_resource);  // refresh with the token JS stored
  REQUIRE_OK(short_token);
  CHECK(transport.token_posts() == 1);
  CHECK(*shared.get("refreshToken") != js_refresh_token);  // rotated, and stored for JS as well

  // And back: @logto/client reads what C++ wrote (its rotated refresh token and its token map).
  const js_run js2 = run_logto_js(shared, {{"isAuthenticated", ""},
                                           {"getAccessToken", short_resource},
                                           {"getAccessToken", api_resource},
                                           {"fetchUserInfo", ""},
                                           {"getAccessToken", "https://never-requested.example.com"}});
  REQUIRE(js2.values.size() == 5);
  for (std::size_t i = 0; i < 4; ++i) CHECK(js2.errors[i].empty());
  CHECK(js2.values[0] == "true");
  CHECK(js2.values[1] == *short_token);  // C++'s cached entry (JS has no expiry margin)
  CHECK(js2.values[2] == js_api_token);
  CHECK(js2.values[3] == "user_123");
  CHECK(count_of(js2.requests, "POST /oidc/token") == 1);  // only the refresh for the unknown resource
  CHECK_FALSE(js2.errors[4].empty());                      // ... which the provider refused (invalid_target)
}

#endif  // LOGTO_NODE_EXECUTABLE && LOGTO_INTEROP_NODE_MODULES

}  // namespace

int main(int argc, char** argv) {
  // --endpoint URL (or LOGTO_TEST_ENDPOINT); everything else goes to Catch2.
  std::vector<char*> rest;
  rest.push_back(argv[0]);
  if (const char* env = std::getenv("LOGTO_TEST_ENDPOINT")) g_endpoint = env;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--driver") == 0 && i + 1 < argc) {
      const std::string d = argv[++i];
      if (d == "async") {
        logto_test::current_driver() = logto_test::driver_kind::async;
      } else if (d == "core") {
        logto_test::current_driver() = logto_test::driver_kind::core;
      } else if (d != "blocking") {
        std::fprintf(stderr, "client_interop: --driver blocking|async|core\n");
        return 2;
      }
    } else if (std::strcmp(argv[i], "--endpoint") == 0 && i + 1 < argc) {
      g_endpoint = argv[++i];
    } else if (std::strncmp(argv[i], "--endpoint=", 11) == 0) {
      g_endpoint = argv[i] + 11;
    } else {
      rest.push_back(argv[i]);
    }
  }
  while (!g_endpoint.empty() && g_endpoint.back() == '/') g_endpoint.pop_back();
  if (g_endpoint.empty()) {
    std::fprintf(stderr,
                 "client_interop: no provider endpoint. Use --endpoint http://127.0.0.1:PORT or LOGTO_TEST_ENDPOINT,\n"
                 "or run it through tests/interop/provider/run_with_provider.sh, which starts one.\n");
    return 2;
  }
  std::fprintf(stderr, "client_interop: provider at %s\n", g_endpoint.c_str());
  Catch::Session session;
  const int rc = session.applyCommandLine(static_cast<int>(rest.size()), rest.data());
  if (rc != 0) return rc;
  return session.run();
}
