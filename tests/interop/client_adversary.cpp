// Interop under attack: logto::client against the real OpenID provider (tests/interop/provider) in its
// adversarial mode (provider/adversary.mjs, POST /test/adversary), over the real libcurl transport.
//
// Each attack runs through one real sign-in (or refresh) and must be refused with its check's own error
// code: an expired ID token, a wrong issuer, a flipped signature byte (ES384 or RS256, whichever the provider
// signs with; CMake runs this against both), `alg: none`, HS256, an algorithm off the app's allow-list, a
// kid that stays unknown after the JWKS refetch, an RFC 9207 mix-up `iss` (and a stripped one) on the
// redirect, a missing or wrong nonce, a wrong at_hash, and a refresh that returns another issuer or user.
// After a refusal nothing is stored, the sign-in session survives, and an honest retry succeeds.
// tools/mutation_check.sh removes each check from the library in turn and expects this test to fail.
//
//   client_adversary [--endpoint http://127.0.0.1:PORT] [Catch2 options]
// Its main (the Catch2 session, --endpoint) is in client_adversary_main.cpp, so that
// tools/mutation_check.sh rebuilds only this file per mutant.
#include "catch2_compat.hpp"

#include <logto/logto.hpp>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "examples/common/curl_transport.hpp"
#include "tests/interop/client/browser.hpp"
#include "tests/interop/client/support.hpp"

// The ID-token checks of the security review (issue 15: nonce, at_hash) live in oidc/id_token.hpp.
#if __has_include(<logto/oidc/id_token.hpp>)
#define LOGTO_ADVERSARY_HAS_AT_HASH 1
#else
#define LOGTO_ADVERSARY_HAS_AT_HASH 0
#endif

// Catch2 v2 has no SKIP: say why on stderr and leave the test case.
#if defined(LOGTO_CATCH2_V3)
#define ADVERSARY_SKIP(msg) SKIP(msg)
#else
#define ADVERSARY_SKIP(msg) \
  do {                      \
    WARN(msg);              \
    return;                 \
  } while (false)
#endif

std::string logto_adversary_endpoint;  // http://127.0.0.1:PORT, set by main (client_adversary_main.cpp)

namespace {

const char* const attacker_issuer = "https://attacker.example.com/oidc";  // adversary.mjs ATTACKER_ISSUER
const char* const short_resource = "https://short.example.com";           // 30 s tokens: every call refreshes

using logto_test::contains;
using logto_test::describe;
using logto_test::get_string;
using logto_test::offset_clock;
using logto_test::parse_object;
using logto_test::path_of;
using logto_test::query_param;

const std::string& g_endpoint = logto_adversary_endpoint;

// libcurl, counting what the client sends where.
class counting_transport {
 public:
  logto::result<logto::http_response> send(const logto::http_request& request) {
    sent_.push_back(request.method + " " + path_of(request.url));
    return curl_.send(request);
  }
  std::size_t count(const std::string& what) const {
    std::size_t n = 0;
    for (const auto& s : sent_) n += s == what ? 1 : 0;
    return n;
  }
  std::size_t token_posts() const { return count("POST /oidc/token"); }
  std::size_t jwks_gets() const { return count("GET /oidc/jwks"); }

 private:
  logto_examples::curl_transport curl_;
  std::vector<std::string> sent_;
};

logto::result<logto::http_response> post_json(const std::string& path, const std::string& body) {
  logto_examples::curl_transport curl;
  logto::http_request req{"POST", g_endpoint + path, {{"Content-Type", "application/json"}}, body};
  return curl.send(req);
}

// The provider's signing algorithm ("ES384" or "RS256").
std::string provider_alg() {
  static const std::string alg = [] {
    logto_examples::curl_transport curl;
    auto health = curl.send({"GET", g_endpoint + "/test/health", {}, {}});
    REQUIRE_OK(health);
    return get_string(parse_object(health->body), "alg");
  }();
  return alg;
}

// POST /test/adversary {"attack": name}: the provider rewrites its next answers until another call. The
// destructor resets it to honest answers (without REQUIRE: it may run while a failed test unwinds).
class adversary_mode {
 public:
  explicit adversary_mode(const std::string& attack) {
    auto r = post_json("/test/adversary", "{\"attack\":\"" + attack + "\"}");
    REQUIRE_OK(r);
    INFO(r->body);
    REQUIRE(r->status == 200);
    active_ = true;
  }
  adversary_mode(const adversary_mode&) = delete;
  adversary_mode& operator=(const adversary_mode&) = delete;
  ~adversary_mode() {
    if (active_) (void)post_json("/test/adversary", R"({"attack":"none"})");
  }
  // Back to honest answers; returns how many answers the attack rewrote.
  std::int64_t reset() {
    active_ = false;
    auto r = post_json("/test/adversary", R"({"attack":"none"})");
    REQUIRE_OK(r);
    REQUIRE(r->status == 200);
    auto n = logto::json::get_integer(parse_object(r->body), "tampered");
    REQUIRE_OK(n);
    return *n;
  }

 private:
  bool active_ = false;
};

using test_client = logto::client<counting_transport, logto::memory_storage, offset_clock>;

logto::config native_config() {
  logto::config cfg;
  cfg.endpoint = g_endpoint;
  cfg.app_id = "test-native-app";
  cfg.resources = {short_resource};
  return cfg;
}

struct app {
  counting_transport transport;
  logto::memory_storage storage;
  std::atomic<std::int64_t> clock_offset{0};
  std::string redirect_uri = "com.example.app://callback";
  test_client client;

  explicit app(const logto::config& cfg = native_config(), logto::client_options options = {})
      : client(cfg, transport, storage, std::move(options), offset_clock{&clock_offset}) {}

  bool stored(const char* key) const { return storage.get(key).has_value(); }

  void sign_in() {
    auto url = client.sign_in(redirect_uri);
    REQUIRE_OK(url);
    auto callback = logto_test::follow_to_redirect(*url, redirect_uri);
    REQUIRE_OK(callback);
    REQUIRE_OK(client.handle_sign_in_callback(*callback));
  }
};

// One real sign-in while the provider runs `attack`: the browser follows the provider, the client handles
// the callback and must refuse it. Checks that the attack rewrote exactly one answer, that nothing was
// stored, that the sign-in session survived, and that an honest retry of the same session (the browser
// opens the same authorization URL again) signs in. Returns the refusal.
logto::error refused_sign_in(app& a, const std::string& attack, const std::string& authorization_url) {
  std::optional<logto::error> refusal;
  {
    adversary_mode mode(attack);
    auto callback = logto_test::follow_to_redirect(authorization_url, a.redirect_uri);
    REQUIRE_OK(callback);
    auto r = a.client.handle_sign_in_callback(*callback);
    INFO("attack " << attack << ": handle_sign_in_callback -> " << describe(r));
    CHECK(mode.reset() == 1);  // the attack changed exactly this sign-in's answer
    REQUIRE_FALSE(r.has_value());
    refusal = r.error();
  }
  INFO("refused with " << describe(*refusal));
  CHECK_FALSE(a.client.is_authenticated());
  CHECK_FALSE(a.stored("idToken"));
  CHECK_FALSE(a.stored("refreshToken"));
  CHECK_FALSE(a.stored("accessToken"));
  REQUIRE(a.stored("signInSession"));  // kept for a retry

  auto retry = logto_test::follow_to_redirect(authorization_url, a.redirect_uri);
  REQUIRE_OK(retry);
  REQUIRE_OK(a.client.handle_sign_in_callback(*retry));
  CHECK(a.client.is_authenticated());
  CHECK(a.stored("refreshToken"));
  CHECK_FALSE(a.stored("signInSession"));
  return *refusal;
}

logto::error refused_sign_in(app& a, const std::string& attack) {
  auto url = a.client.sign_in(a.redirect_uri);
  REQUIRE_OK(url);
  return refused_sign_in(a, attack, *url);
}

void check_code(const logto::error& e, logto::errc code, const char* name, const char* detail = nullptr) {
  INFO(describe(e));
  CHECK(e.code == code);
  CHECK(logto::to_string(e.code) == name);
  if (detail != nullptr) CHECK(e.detail == detail);
}

// ================================================================================================
// ID tokens of the code exchange (OIDC Core 3.1.3.7)

TEST_CASE("attack: an expired ID token -> jwt.expired", "[adversary][id-token]") {
  app a;
  const auto e = refused_sign_in(a, "expired");
  check_code(e, logto::errc::jwt_expired, "jwt.expired", "exp");
}

TEST_CASE("attack: an ID token from another issuer -> jwt.claim_invalid (iss)", "[adversary][id-token]") {
  app a;
  const auto e = refused_sign_in(a, "wrong_issuer");
  check_code(e, logto::errc::jwt_claim_invalid, "jwt.claim_invalid", "iss");
  CHECK(contains(e.message, attacker_issuer));
}

TEST_CASE("attack: a flipped signature byte (ES384 or RS256) -> jwt.signature_invalid", "[adversary][id-token]") {
  INFO("provider signs with " << provider_alg());
  app a;
  const auto e = refused_sign_in(a, "bad_signature");
  check_code(e, logto::errc::jwt_signature_invalid, "jwt.signature_invalid");
}

TEST_CASE("attack: alg none -> jwt.unsupported_algorithm, by the explicit none refusal", "[adversary][id-token][alg]") {
  app a;
  const auto e = refused_sign_in(a, "alg_none");
  check_code(e, logto::errc::jwt_unsupported_algorithm, "jwt.unsupported_algorithm");
  CHECK(contains(e.message, "unsecured JWT"));  // the none refusal itself, not the unknown-alg fallback
}

TEST_CASE("attack: HS256 keyed with the client secret -> jwt.unsupported_algorithm (HMAC)",
          "[adversary][id-token][alg]") {
  // A confidential client: OIDC Core 10.1 would let it check an HS256 token with its secret, but the
  // library takes provider keys only from the JWKS (RFC 8725 3.1).
  logto::config cfg = native_config();
  cfg.app_id = "test-web-app";
  cfg.app_secret = "test-web-secret";
  app a(cfg);
  a.redirect_uri = "http://127.0.0.1/callback";
  const auto e = refused_sign_in(a, "alg_hs256");
  check_code(e, logto::errc::jwt_unsupported_algorithm, "jwt.unsupported_algorithm");
  CHECK(contains(e.message, "HMAC"));
}

TEST_CASE("attack: an algorithm off the app's allow-list -> jwt.unsupported_algorithm", "[adversary][id-token][alg]") {
  // The app accepts only what its provider signs with; the attacker signs PS256 with the provider's RSA
  // key (or ES256 with a P-256 key of its own) under the provider's kid.
  logto::client_options options;
  auto alg = logto::jose::algorithm_from_name(provider_alg());
  REQUIRE(alg.has_value());
  options.id_token_algorithms = logto::jose::algorithm_set{*alg};
  app a(native_config(), options);
  const auto e = refused_sign_in(a, "alg_off_list");
  check_code(e, logto::errc::jwt_unsupported_algorithm, "jwt.unsupported_algorithm");
  CHECK(contains(e.message, "allow-list"));
}

TEST_CASE("attack: a kid that stays unknown after the JWKS refetch -> jwt.no_matching_key",
          "[adversary][id-token][keys]") {
  app a;
  // Fetch the JWKS once (verifying a junk token), then step past the 30 s refetch cooldown so that the
  // unknown kid triggers exactly one refetch.
  CHECK_FALSE(a.client.verify_id_token("a.b.c").has_value());
  REQUIRE(a.transport.jwks_gets() == 1);
  a.clock_offset = 31;
  const auto e = refused_sign_in(a, "unknown_kid");
  check_code(e, logto::errc::jwt_no_matching_key, "jwt.no_matching_key");
  CHECK(contains(e.message, "unknown-"));
  CHECK(a.transport.jwks_gets() == 2);  // refetched once, and the kid was still unknown; the retry needed none
}

TEST_CASE("attack: an ID token without the nonce, or with another one -> jwt.claim_invalid (nonce)",
          "[adversary][id-token][nonce]") {
  app a;
  auto url = a.client.sign_in(a.redirect_uri);
  REQUIRE_OK(url);
  if (query_param(*url, "nonce").empty()) {
    ADVERSARY_SKIP(
        "the authorization request carries no nonce yet (issue 15's nonce work is not merged): "
        "the nonce attacks run once it is");
  }
  SECTION("missing") {
    const auto e = refused_sign_in(a, "missing_nonce", *url);
    check_code(e, logto::errc::jwt_claim_invalid, "jwt.claim_invalid", "nonce");
    CHECK(contains(e.message, "no \"nonce\""));  // its own check, not the comparison behind it
  }
  SECTION("wrong") {
    const auto e = refused_sign_in(a, "wrong_nonce", *url);
    check_code(e, logto::errc::jwt_claim_invalid, "jwt.claim_invalid", "nonce");
    CHECK(contains(e.message, "does not match"));
  }
}

TEST_CASE("attack: an at_hash that does not match the access token -> jwt.claim_invalid (at_hash)",
          "[adversary][id-token]") {
#if LOGTO_ADVERSARY_HAS_AT_HASH
  app a;
  const auto e = refused_sign_in(a, "wrong_at_hash");
  check_code(e, logto::errc::jwt_claim_invalid, "jwt.claim_invalid", "at_hash");
#else
  app a;
  REQUIRE(a.client.valid().has_value());
  ADVERSARY_SKIP("this library does not check at_hash yet (issue 15's oidc/id_token.hpp is not merged)");
#endif
}

// ================================================================================================
// The authorization response (RFC 9207 issuer identification)

TEST_CASE("attack: a mix-up iss on the redirect -> callback_uri_verification.issuer_mismatched, code never sent",
          "[adversary][callback]") {
  app a;
  const auto e = refused_sign_in(a, "mixup_iss");
  check_code(e, logto::errc::callback_issuer_mismatched, "callback_uri_verification.issuer_mismatched");
  CHECK(contains(e.message, attacker_issuer));
  CHECK(a.transport.token_posts() == 1);  // only the retry's: the attacked code was never exchanged
}

TEST_CASE("attack: iss stripped from the redirect -> callback_uri_verification.issuer_mismatched",
          "[adversary][callback]") {
  app a;
  const auto e = refused_sign_in(a, "missing_iss");
  check_code(e, logto::errc::callback_issuer_mismatched, "callback_uri_verification.issuer_mismatched");
  CHECK(contains(e.message, "no \"iss\""));
  CHECK(a.transport.token_posts() == 1);
}

// ================================================================================================
// A refresh (OIDC Core 12.2): the ID token it returns must keep iss and sub

void refused_refresh(const char* attack, const char* claim) {
  app a;
  a.sign_in();
  const std::string id_token = *a.client.get_id_token();
  const std::string refresh_token = *a.storage.get("refreshToken");
  const std::string access_tokens = *a.storage.get("accessToken");

  std::optional<logto::error> refusal;
  {
    adversary_mode mode(attack);
    auto r = a.client.get_access_token(short_resource);
    INFO("attack " << attack << ": get_access_token -> " << describe(r));
    CHECK(mode.reset() == 1);
    REQUIRE_FALSE(r.has_value());
    refusal = r.error();
  }
  check_code(*refusal, logto::errc::jwt_claim_invalid, "jwt.claim_invalid", claim);
  // The old session is not overwritten: same ID token, no token cached from the refused answer. The
  // refresh token was rotated by the provider, and the client kept the new one (the old one is spent).
  CHECK(*a.client.get_id_token() == id_token);
  CHECK(*a.storage.get("accessToken") == access_tokens);
  CHECK(*a.storage.get("refreshToken") != refresh_token);
  CHECK(a.client.is_authenticated());

  // Honest again: the session continues.
  REQUIRE_OK(a.client.get_access_token(short_resource));
  auto claims = a.client.get_id_token_claims();
  REQUIRE_OK(claims);
  CHECK(claims->sub == "user_123");
}

TEST_CASE("attack: a refresh returns an ID token from another issuer -> jwt.claim_invalid (iss)",
          "[adversary][refresh]") {
  refused_refresh("wrong_issuer", "iss");
}

TEST_CASE("attack: a refresh returns an ID token for another user -> jwt.claim_invalid (sub, OIDC Core 12.2)",
          "[adversary][refresh]") {
  refused_refresh("wrong_sub", "sub");
}

}  // namespace
