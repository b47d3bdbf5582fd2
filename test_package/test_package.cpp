// Conan test_package: uses the dependency (mbedTLS for SHA-256) and the JSON model through the
// public API and checks RFC 7636 Appendix B's S256 code_challenge.
#include <logto/logto.hpp>

#include <cstdio>
#include <string>

int main() {
  const std::string verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";  // RFC 7636 Appendix B
  const auto hash = logto::crypto::sha256(verifier);
  if (!hash || logto::base64url_encode(*hash) != "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM") {
    std::puts("code_challenge mismatch");
    return 1;
  }
  const auto doc = logto::json::parse(R"({"code_challenge_method":"S256"})");
  if (!doc || logto::json::stringify(*doc) != R"({"code_challenge_method":"S256"})") {
    std::puts("json round trip failed");
    return 1;
  }
  std::printf("logto-cpp %s OK\n", logto::version_string);
  return 0;
}
