// Size rows "OIDC steps", "+ code exchange", "+ ES256", "+ RS256" (size_table.sh): the sign-in of a
// public client, step by step through the stateless API, as a firmware without the client core does it.
//   always:              PKCE (code verifier, state, S256 challenge), the sign-in URI, the callback URI
//                        checked and parsed (redirect URI, state, code);
//   ROW_CODE_EXCHANGE:   + the token request built and the token response parsed;
//   ROW_VERIFY:          + the JWKS parsed and the ID token verified (ES256 only, or ES256 and RS256 when
//                        linked against the RSA mbedTLS: the library compiles RSA in when mbedTLS has it).
#include <logto/oidc/callback.hpp>
#include <logto/oidc/pkce.hpp>
#include <logto/oidc/sign_in.hpp>
#ifdef ROW_CODE_EXCHANGE
#include <logto/oidc/token.hpp>
#endif
#ifdef ROW_VERIFY
#include <logto/jose/id_token.hpp>
#endif

#include "board.hpp"

int main() {
  using namespace logto;
  board::random rng;
  auto verifier = oidc::generate_code_verifier(rng);
  auto state = oidc::generate_state(rng);
  if (!verifier || !state) return 1;
  auto challenge = oidc::generate_code_challenge(*verifier);
  if (!challenge) return 2;
  oidc::sign_in_uri_params p;
  p.authorization_endpoint = bench_input(in_endpoint);
  p.client_id = bench_input(in_client_id);
  p.redirect_uri = bench_input(in_redirect_uri);
  p.code_challenge = *challenge;
  p.state = *state;
  auto uri = oidc::build_sign_in_uri(p);
  if (!uri) return 3;
  auto callback = oidc::verify_and_parse_callback_uri(bench_input(in_callback), p.redirect_uri, *state);
  if (!callback) return 4;
#ifdef ROW_CODE_EXCHANGE
  oidc::authorization_code_grant grant;
  grant.code = callback->code;
  grant.code_verifier = *verifier;
  grant.redirect_uri = p.redirect_uri;
  oidc::client_auth client;
  client.client_id = p.client_id;
  auto request = oidc::build_authorization_code_request(client, bench_input(in_endpoint), grant);
  if (!request) return 5;
  auto tokens = oidc::parse_token_response(http_response{200, {}, bench_input(in_response)});
  if (!tokens || !tokens->id_token) return 6;
  const std::string id_token = *tokens->id_token;
#else
  const std::string id_token = bench_input(in_token);
#endif
#ifdef ROW_VERIFY
  auto keys = jose::key_set::parse(bench_input(in_jwks));
  if (!keys) return 7;
  jose::id_token_options opt;
  opt.issuer = bench_input(in_issuer);
  opt.client_id = p.client_id;
  opt.now = board::clock().now();
  auto verified = jose::verify_id_token(id_token, *keys, opt);
  if (!verified) return 8;
#endif
  return id_token.empty() ? 9 : 0;
}
