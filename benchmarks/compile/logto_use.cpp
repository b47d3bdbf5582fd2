// Compile cost of a real use: build a sign-in URI (with PKCE) and verify an ID token.
#include <logto/logto.hpp>
// jose/ is included explicitly in case the umbrella header does not (yet) include it.
#include <logto/jose/id_token.hpp>
#include <logto/oidc/pkce.hpp>
#include <logto/oidc/sign_in.hpp>

#include <cstdint>
#include <string>

std::string sign_in_uri() {
  logto::crypto::default_random rng;
  auto verifier = logto::oidc::generate_code_verifier(rng);
  auto state = logto::oidc::generate_state(rng);
  if (!verifier || !state) return {};
  auto challenge = logto::oidc::generate_code_challenge(*verifier);
  if (!challenge) return {};
  logto::oidc::sign_in_uri_params p;
  p.authorization_endpoint = "https://tenant.logto.app/oidc/auth";
  p.client_id = "app";
  p.redirect_uri = "io.logto.app://callback";
  p.code_challenge = *challenge;
  p.state = *state;
  auto uri = logto::oidc::build_sign_in_uri(p);
  return uri ? *uri : std::string();
}

bool verify(const std::string& jwks, const std::string& token, std::int64_t now) {
  auto keys = logto::jose::key_set::parse(jwks);
  if (!keys) return false;
  logto::jose::id_token_options o;
  o.issuer = "https://tenant.logto.app/oidc";
  o.client_id = "app";
  o.now = now;
  return logto::jose::verify_id_token(token, *keys, o).has_value();
}
