// Cortex-M4 footprint program (2): the same ES256 ID token verified through logto-cpp
// (jose::key_set::parse of the JWKS + jose::verify_id_token: header policy, kid lookup, signature,
// claims), plus a sign-in URI with PKCE (oidc::generate_code_verifier / generate_state /
// generate_code_challenge / build_sign_in_uri). The host supplies the clock and the random source.
#include <cstddef>
#include <cstdint>

#ifdef BENCH_UMBRELLA
#include <logto/logto.hpp>  // the whole library, as a user would include it
#endif
#include <logto/jose/id_token.hpp>
#include <logto/oidc/pkce.hpp>
#include <logto/oidc/sign_in.hpp>

#include "embedded_fixture.h"

// Run-time measurement hooks: no-ops, except in run.sh's QEMU build (tests/embedded/support.c).
#ifdef BENCH_QEMU
extern "C" void bench_measure_begin(void);
extern "C" void bench_measure_end(int result);
#else
static inline void bench_measure_begin() {}
static inline void bench_measure_end(int) {}
#endif

namespace {
// A trivial random source (xorshift32): a real device would read its TRNG here.
struct board_random {
  std::uint32_t state = 0x12345678u;
  bool fill(unsigned char* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      out[i] = static_cast<unsigned char>(state);
    }
    return true;
  }
};
// A trivial clock: a real device would read its RTC here.
struct board_clock {
  std::int64_t now() const { return kIat + 1; }
};
}  // namespace

static int run() {
  using namespace logto;
  auto keys = jose::key_set::parse(kJwks);
  if (!keys) return 1;
  jose::id_token_options opt;
  opt.issuer = kIssuer;
  opt.client_id = kAudience;
  opt.now = board_clock().now();
  auto verified = jose::verify_id_token(kToken, *keys, opt);
  if (!verified) return 2;

  board_random rng;
  auto verifier = oidc::generate_code_verifier(rng);
  auto state = oidc::generate_state(rng);
  if (!verifier || !state) return 3;
  auto challenge = oidc::generate_code_challenge(*verifier);
  if (!challenge) return 4;
  oidc::sign_in_uri_params p;
  p.authorization_endpoint = "https://tenant.logto.app/oidc/auth";
  p.client_id = kAudience;
  p.redirect_uri = "io.logto.device://callback";
  p.code_challenge = *challenge;
  p.state = *state;
  auto uri = oidc::build_sign_in_uri(p);
  return uri ? 0 : 5;
}

int main() {
  bench_measure_begin();
  const int rc = run();
  bench_measure_end(rc);
  return rc;
}
