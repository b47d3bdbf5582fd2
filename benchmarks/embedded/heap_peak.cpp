// Peak heap per operation of a sign-in (issue 18's RAM goal: <= 16 KB for sign-in URI + callback + code
// exchange + ID-token verification), measured with a counting allocator: malloc, calloc, realloc and free are
// replaced for the whole program (mbedTLS's calloc goes through them too), and operator new / delete are
// replaced to tell the C++ side from mbedTLS's C side. Bytes are the sizes requested (no allocator overhead:
// newlib-nano adds 8 B per block). Two builds, both by footprint.sh:
// - the Cortex-M4 (QEMU mps2-an386, newlib-nano, -Os; tests/embedded/support.c): the allocator functions are
//   wrapped at link time (-Wl,--wrap=malloc,...), output goes to the semihosting console. The device figures.
// - the host (g++ -O2, glibc, which lets a program interpose malloc): 64-bit, so a std::string is 32 B instead
//   of 24 and pointers 8 B instead of 4; mbedTLS's bignums are about the same bytes on both.
// Prints markdown; the exit status is 0 when every operation succeeded.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include <logto/jose/id_token.hpp>
#include <logto/jose/jws.hpp>
#include <logto/oidc/callback.hpp>
#include <logto/oidc/pkce.hpp>
#include <logto/oidc/sign_in.hpp>
#include <logto/oidc/token.hpp>

#include "heap_fixture.h"  // heap_fixture.py

// ---- the counting allocator
#if defined(__arm__)
#include <malloc.h>  // mallinfo: newlib-nano's arena (what it took from sbrk; it never gives memory back)
#define HEAP_REAL(f) __real_##f
#define HEAP_HOOK(f) __wrap_##f
extern "C" void semihosting_write0(const char* s);  // tests/embedded/support.c
extern "C" void bench_measure_begin(void);          // support.c: paints the stack, notes the heap break
extern "C" void bench_measure_end(int result);      // support.c: prints stack depth and heap high-water
#else
#define HEAP_REAL(f) __libc_##f
#define HEAP_HOOK(f) f
#endif
extern "C" {
void* HEAP_REAL(malloc)(std::size_t);
void* HEAP_REAL(calloc)(std::size_t, std::size_t);
void* HEAP_REAL(realloc)(void*, std::size_t);
void HEAP_REAL(free)(void*);
}

namespace {
enum side { c_side, cxx_side };
struct stats {
  std::size_t live[2] = {0, 0}, peak[2] = {0, 0}, peak_total = 0;
  std::size_t count[2] = {0, 0}, bytes[2] = {0, 0};
};
stats g;
bool g_in_new = false;
constexpr std::uint64_t magic = 0x10670A110C000000ull;  // | side
struct alignas(16) header {                             // keeps the block as aligned as malloc's on both targets
  std::uint64_t tag;
  std::size_t size;
};

void note_alloc(std::size_t n, int s) {
  g.live[s] += n;
  g.count[s] += 1;
  g.bytes[s] += n;
  if (g.live[s] > g.peak[s]) g.peak[s] = g.live[s];
  if (g.live[0] + g.live[1] > g.peak_total) g.peak_total = g.live[0] + g.live[1];
}
void* tag(void* raw, std::size_t n) {
  if (raw == nullptr) return nullptr;
  const int s = g_in_new ? cxx_side : c_side;
  auto* h = static_cast<header*>(raw);
  h->tag = magic | static_cast<std::uint64_t>(s);
  h->size = n;
  note_alloc(n, s);
  return h + 1;
}
header* header_of(void* p) {
  if (p == nullptr) return nullptr;
  auto* h = static_cast<header*>(p) - 1;
  return (h->tag & ~std::uint64_t{1}) == magic ? h : nullptr;
}
void untag(header* h) {
  g.live[static_cast<int>(h->tag & 1)] -= h->size;
  h->tag = 0;
}
}  // namespace

extern "C" {
void* HEAP_HOOK(malloc)(std::size_t n) { return tag(HEAP_REAL(malloc)(n + sizeof(header)), n); }
void* HEAP_HOOK(calloc)(std::size_t k, std::size_t n) {
  if (n != 0 && k > (SIZE_MAX - sizeof(header)) / n) return nullptr;
  return tag(HEAP_REAL(calloc)(1, k * n + sizeof(header)), k * n);
}
void HEAP_HOOK(free)(void* p) {
  if (p == nullptr) return;
  header* h = header_of(p);
  if (h == nullptr) return HEAP_REAL(free)(p);  // not ours (memalign & co. inside glibc)
  untag(h);
  HEAP_REAL(free)(h);
}
void* HEAP_HOOK(realloc)(void* p, std::size_t n) {
  if (p == nullptr) return HEAP_HOOK(malloc)(n);
  header* h = header_of(p);
  if (h == nullptr) return HEAP_REAL(realloc)(p, n);
  const int s = static_cast<int>(h->tag & 1);
  const std::size_t old = h->size;
  untag(h);
  auto* r = static_cast<header*>(HEAP_REAL(realloc)(h, n + sizeof(header)));
  if (r == nullptr) {  // the old block stays
    h->tag = magic | static_cast<std::uint64_t>(s);
    g.live[s] += old;
    return nullptr;
  }
  r->tag = magic | static_cast<std::uint64_t>(s);
  r->size = n;
  note_alloc(n, s);
  g.count[s] -= 1;  // a resize, not a new block
  return r + 1;
}
}

void* operator new(std::size_t n) {
  g_in_new = true;
  void* p = HEAP_HOOK(malloc)(n == 0 ? 1 : n);
  g_in_new = false;
  if (p == nullptr) std::abort();  // -fno-exceptions builds cannot throw bad_alloc either
  return p;
}
void operator delete(void* p) noexcept { HEAP_HOOK(free)(p); }
void operator delete(void* p, std::size_t) noexcept { HEAP_HOOK(free)(p); }
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete[](void* p) noexcept { HEAP_HOOK(free)(p); }
void operator delete[](void* p, std::size_t) noexcept { HEAP_HOOK(free)(p); }

// Output: printf is not on the device's console (semihosting is), and newlib-nano's printf has no %zu / %lld.
namespace {
template <class... A>
void emit(const char* format, A... args) {
  char line[512];
  (void)std::snprintf(line, sizeof line, format, args...);
#if defined(__arm__)
  semihosting_write0(line);
#else
  std::fputs(line, stdout);
#endif
}
void emit(const char* text) { emit("%s", text); }
unsigned long ul(std::size_t v) { return static_cast<unsigned long>(v); }
}  // namespace

// ---- measurement
namespace {
using namespace logto;

struct row {
  const char* what;
  std::size_t count[2], bytes[2];
  std::size_t peak, peak_side[2];
  long long kept;
  bool ok;
};
row rows[32];
int n_rows = 0;
std::size_t sequence_base = 0, sequence_peak = 0;

// Runs `f` and records the allocations it makes, the peak of live bytes above what was live before it (in
// total and per side), and what it leaves allocated (objects it hands back to the caller).
template <class F>
void measure(const char* what, F&& f) {
  const stats before = g;
  const std::size_t live0 = g.live[0] + g.live[1];
  g.peak[0] = g.live[0];
  g.peak[1] = g.live[1];
  g.peak_total = live0;
  const bool ok = f();
  row& r = rows[n_rows++];
  r.what = what;
  for (int s = 0; s < 2; ++s) {
    r.count[s] = g.count[s] - before.count[s];
    r.bytes[s] = g.bytes[s] - before.bytes[s];
    r.peak_side[s] = g.peak[s] - before.live[s];
  }
  r.peak = g.peak_total - live0;
  r.kept = static_cast<long long>(g.live[0] + g.live[1]) - static_cast<long long>(live0);
  r.ok = ok;
  if (g.peak_total > sequence_peak) sequence_peak = g.peak_total;
  for (int s = 0; s < 2; ++s) g.peak[s] = std::max(g.peak[s], before.peak[s]);
}

// The board's random source (a fixed stream: the figures must not move from run to run).
struct fixed_random {
  unsigned char next = 1;
  bool fill(unsigned char* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = next = static_cast<unsigned char>(next * 37 + 11);
    return true;
  }
};

oidc::id_token_options id_options() {
  oidc::id_token_options o;
  o.issuer = kIssuer;
  o.client_id = kClientId;
  o.now = kT + 1;
  return o;
}
}  // namespace

int main() {
  // Everything that lives through the whole sign-in, as a firmware keeps it.
  std::optional<result<jose::key_set>> keys;
  std::optional<result<std::string>> verifier, state;
  std::optional<result<oidc::callback_params>> callback;
  std::optional<result<oidc::token_response>> tokens;
  const std::string redirect_uri = "io.logto.device://callback";
  const std::string token_endpoint = "https://tenant.logto.app/oidc/token";
  std::string callback_uri, token_body;  // what the browser and the network hand over: not the library's
  callback_uri.reserve(256);
  token_body.reserve(2048);

#if defined(__arm__)
  bench_measure_begin();
  const std::size_t arena_before = mallinfo().arena;
#endif
  sequence_base = g.live[0] + g.live[1];
  sequence_peak = sequence_base;
  measure("JWKS parse: `key_set::parse`, 2 EC keys (P-256, P-384), kept", [&] {
    keys.emplace(jose::key_set::parse(kJwksLogto));
    return static_cast<bool>(*keys);
  });
  measure("sign-in URI: code verifier + state + S256 challenge + `build_sign_in_uri` (URI dropped after use)", [&] {
    fixed_random rng;
    verifier.emplace(oidc::generate_code_verifier(rng));
    state.emplace(oidc::generate_state(rng));
    if (!*verifier || !*state) return false;
    auto challenge = oidc::generate_code_challenge(**verifier);
    if (!challenge) return false;
    oidc::sign_in_uri_params p;
    p.authorization_endpoint = "https://tenant.logto.app/oidc/auth";
    p.client_id = kClientId;
    p.redirect_uri = redirect_uri;
    p.code_challenge = *challenge;
    p.state = **state;
    return build_sign_in_uri(p).has_value();
  });
  callback_uri = redirect_uri + "?code=" + std::string(43, 'c') + "&state=" + **state;
  measure("callback: `verify_and_parse_callback_uri` (code kept)", [&] {
    callback.emplace(oidc::verify_and_parse_callback_uri(callback_uri, redirect_uri, **state));
    return static_cast<bool>(*callback);
  });
  measure("code exchange: `build_authorization_code_request` (request dropped once sent)", [&] {
    oidc::authorization_code_grant grant;
    grant.code = (*callback)->code;
    grant.code_verifier = **verifier;
    grant.redirect_uri = redirect_uri;
    oidc::client_auth client;
    client.client_id = kClientId;
    return build_authorization_code_request(client, token_endpoint, grant).has_value();
  });
  // A Logto-shaped token response: JWT access token, ES384 ID token, refresh token, scope, expires_in.
  token_body = std::string("{\"access_token\":\"") + kTokenES256 + "\",\"expires_in\":3600,\"id_token\":\"" +
               kTokenES384 + "\",\"refresh_token\":\"" + std::string(43, 'r') +
               "\",\"scope\":\"openid offline_access profile\",\"token_type\":\"Bearer\"}";
  measure("token response: `parse_token_response` (tokens kept)", [&] {
    http_response response;
    response.status = 200;
    response.body = token_body;  // the transport's copy: counted, as a firmware's buffer would be
    tokens.emplace(oidc::parse_token_response(response));
    return *tokens && (*tokens)->id_token.has_value();
  });
  measure("ID token ES384: `oidc::verify_id_token`, first use of the key (result dropped)",
          [&] { return oidc::verify_id_token(*(*tokens)->id_token, **keys, id_options()).has_value(); });
  const std::size_t sign_in_sequence_peak = sequence_peak - sequence_base;
#if defined(__arm__)
  const std::size_t arena_sign_in = mallinfo().arena - arena_before;
#endif
  measure("ID token ES384: `oidc::verify_id_token`, key already used",
          [&] { return oidc::verify_id_token(*(*tokens)->id_token, **keys, id_options()).has_value(); });
  measure("ID token ES256: `oidc::verify_id_token`, first use of the key",
          [&] { return oidc::verify_id_token(kTokenES256, **keys, id_options()).has_value(); });
  measure("ID token ES256: `oidc::verify_id_token`, key already used",
          [&] { return oidc::verify_id_token(kTokenES256, **keys, id_options()).has_value(); });
  // Where an ES384 verification's heap goes, step by step (the public steps of verify_jwt).
  std::optional<result<jose::compact_jws>> jws;
  measure("  step: `jose::parse_compact` (split, base64url, header JSON; kept)", [&] {
    jws.emplace(jose::parse_compact(*(*tokens)->id_token));
    return static_cast<bool>(*jws);
  });
  measure("  step: `jose::verify_signature` (kid lookup, SHA-384, ECDSA in mbedTLS)",
          [&] { return jose::verify_signature(**jws, **keys).has_value(); });
  measure("  step: `jose::decode_unverified` (parse_compact again + payload JSON DOM + claims)",
          [&] { return jose::decode_unverified(*(*tokens)->id_token).has_value(); });
  measure("  step: `id_token_options::to_verify_options` (the per-call options copy)", [&] {
    const oidc::id_token_options o = id_options();
    return !o.to_verify_options().issuer.empty();
  });
  measure("JWKS parse: `key_set::parse`, the 12-key test JWKS (RSA, EC, OKP, oct...; for scale)",
          [&] { return jose::key_set::parse(kJwksAll).has_value(); });

  bool all_ok = true;
#if defined(__arm__)
  emit("## Peak heap per operation: Cortex-M4 (QEMU mps2-an386, newlib-nano, -Os)\n\n");
#else
  emit("## Peak heap per operation: host (x86-64, glibc, -O2)\n\n");
#endif
  emit("| operation | blocks C++ / C | bytes C++ / C | **peak** | peak C++ / C | kept |\n");
  emit("|---|---:|---:|---:|---:|---:|\n");
  for (int i = 0; i < n_rows; ++i) {
    const row& r = rows[i];
    all_ok = all_ok && r.ok;
    emit("| %s%s | %lu / %lu | %lu / %lu | **%lu** | %lu / %lu | %ld |\n", r.what, r.ok ? "" : " **FAILED**",
         ul(r.count[1]), ul(r.count[0]), ul(r.bytes[1]), ul(r.bytes[0]), ul(r.peak), ul(r.peak_side[1]),
         ul(r.peak_side[0]), static_cast<long>(r.kept));
  }
  emit(
      "\n**Whole sign-in** (JWKS, sign-in URI, callback, code exchange, token response, ES384 ID token; "
      "everything kept between the steps counted): peak **%lu B** of heap above the start (goal: 16,384 B).\n",
      ul(sign_in_sequence_peak));
#if defined(__arm__)
  emit(
      "\nnewlib-nano's arena grew by **%lu B** over the same sign-in: requested bytes plus its 8 B per block, this "
      "program's 16 B header per block, alignment and fragmentation (an upper bound for the real heap).\n",
      ul(arena_sign_in));
  emit(
      "\nThe whole run (including the 12-key JWKS) as tests/embedded/support.c sees it: deepest stack use below "
      "main, and the sbrk break:\n\n```\n");
  bench_measure_end(all_ok ? 0 : 1);
  emit("```\n");
#endif
  return all_ok ? 0 : 1;
}
