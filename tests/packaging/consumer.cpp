// The program every packaging consumer builds (tests/packaging/run.sh): it includes logto-cpp the way
// a user would, exercises the public API that needs the dependency (mbedTLS for SHA-256 and the
// CTR-DRBG) and the JSON model, and checks the results. Exit status 0 and a last line
// "logto-consumer OK <version>" mean the package works; run.sh compares the version.
//
// run.sh's single-header consumer rewrites the include below to "logto.hpp" (the amalgamation copied
// next to this file), so keep it on one line as written.
#include <logto/logto.hpp>

#include <cstdint>
#include <cstdio>
#include <string>

namespace {

int failures = 0;

void check(bool ok, const char* what) {
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what);
  if (!ok) ++failures;
}

const std::string* param(const logto::query_params& params, const char* name) {
  return logto::find_param(params, name);
}

}  // namespace

int main() {
  // RFC 7636 Appendix B: the 32 octets, the code_verifier, and its S256 code_challenge.
  const unsigned char octets[32] = {116, 24,  223, 180, 151, 153, 224, 37,  79, 250, 96, 125, 216, 173, 187, 186,
                                    22,  212, 37,  77,  105, 214, 191, 240, 91, 88,  5,  88,  83,  132, 141, 121};
  const std::string rfc_verifier =
      logto::base64url_encode(std::string(reinterpret_cast<const char*>(octets), sizeof octets));
  check(rfc_verifier == "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "RFC 7636 App. B code_verifier (base64url)");
  const auto rfc_hash = logto::crypto::sha256(rfc_verifier);
  check(rfc_hash.has_value() && logto::base64url_encode(*rfc_hash) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "RFC 7636 App. B code_challenge (SHA-256 via mbedTLS)");

  // A fresh PKCE pair and state from the default random source (mbedTLS CTR-DRBG).
  logto::crypto::default_random rng;
  auto verifier_bytes = logto::crypto::random_bytes(rng, 32);
  auto state_bytes = logto::crypto::random_bytes(rng, 32);
  if (!verifier_bytes || !state_bytes) {
    check(false, "random bytes from mbedTLS CTR-DRBG");
    return 1;
  }
  const std::string verifier = logto::base64url_encode(*verifier_bytes);
  const std::string state = logto::base64url_encode(*state_bytes);
  check(verifier.size() == 43 && verifier != state,
        "fresh code_verifier: 43 base64url characters, distinct from state");
  const auto hash = logto::crypto::sha256(verifier);
  if (!hash) {
    check(false, "SHA-256 of the fresh verifier");
    return 1;
  }
  const std::string challenge = logto::base64url_encode(*hash);

  // A sign-in URI: the authorization endpoint plus the query @logto/js builds.
  const auto endpoint = logto::append_path("https://tenant.logto.app/oidc", "auth");
  if (!endpoint) {
    check(false, "append_path");
    return 1;
  }
  const logto::query_params query = {{"client_id", "app-id"},
                                     {"redirect_uri", "io.logto.example://callback?x=1&y=2"},
                                     {"code_challenge", challenge},
                                     {"code_challenge_method", "S256"},
                                     {"state", state},
                                     {"scope", "openid offline_access profile"},
                                     {"response_type", "code"},
                                     {"prompt", "consent"}};
  const std::string uri = *endpoint + "?" + logto::build_query(query);
  std::printf("sign-in URI: %s\n", uri.c_str());

  const auto parsed = logto::parse_url(uri);
  check(parsed.has_value() && parsed->scheme == "https" && parsed->host == "tenant.logto.app" &&
            parsed->path == "/oidc/auth",
        "sign-in URI parses back: https://tenant.logto.app/oidc/auth");
  check(uri.find("scope=openid+offline_access+profile") != std::string::npos,
        "scope is form-encoded as URLSearchParams does (spaces as '+')");
  if (parsed) {
    const auto params = logto::parse_query(parsed->query);
    check(params.has_value() && params->size() == query.size(), "query parses back with every parameter");
    if (params) {
      const std::string* redirect = param(*params, "redirect_uri");
      const std::string* round_challenge = param(*params, "code_challenge");
      check(redirect != nullptr && *redirect == "io.logto.example://callback?x=1&y=2",
            "redirect_uri round-trips through percent-encoding");
      check(round_challenge != nullptr && *round_challenge == challenge, "code_challenge round-trips");
    }
  }

  // JSON: the strict parser and the JSON.stringify-exact writer.
  const auto doc = logto::json::parse(R"({"code_challenge_method":"S256","expires_in":3600,"scope":"openid"})");
  check(doc.has_value(), "json::parse accepts a token-response-like object");
  if (doc) {
    const logto::json::object* obj = logto::json::as_object(*doc);
    check(obj != nullptr, "json::as_object sees an object");
    if (obj != nullptr) {
      const auto method = logto::json::get_string(*obj, "code_challenge_method");
      const auto expires = logto::json::get_integer(*obj, "expires_in");
      check(method.has_value() && *method == "S256" && expires.has_value() && *expires == 3600,
            "json accessors read a string and an integer");
    }
    check(logto::json::stringify(*doc) == R"({"code_challenge_method":"S256","expires_in":3600,"scope":"openid"})",
          "json::stringify writes it back byte for byte");
  }
  check(!logto::json::parse("{\"a\":1,}").has_value(), "json::parse rejects a trailing comma");

  if (failures != 0) {
    std::printf("logto-consumer FAILED (%d checks)\n", failures);
    return 1;
  }
  std::printf("logto-consumer OK %s\n", logto::version_string);
  return 0;
}
