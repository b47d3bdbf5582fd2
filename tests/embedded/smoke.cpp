// Cortex-M4 smoke (tools/ci/baremetal.sh): the library on bare metal (QEMU mps2-an386, newlib-nano,
// -fno-exceptions -fno-rtti, LOGTO_NO_THREADS, mbedTLS without RSA, PK, X.509 or TLS), checked against
// reference values. The data is the repository's own reference material, embedded by make_fixture.py and
// parsed here by the library: tokens and keys from npm jose, sign-in URIs from @logto/js, an Aliyun request
// signed by the official connector. The library runs on the board's hooks (board_hooks.hpp): its clock, a
// random source behind an entropy callback, and its mutex (built with LOGTO_MUTEX = board::irq_mutex, not
// LOGTO_NO_THREADS). One line per check on the semihosting console; the exit status (via semihosting,
// support.c) is the number of failed checks.
#include <cstdint>
#include <string>

#include <logto/connectors/aliyun.hpp>
#include <logto/connectors/aliyun_sms.hpp>
#include <logto/core/strict_json.hpp>
#include <logto/jose/id_token.hpp>
#include <logto/oidc/pkce.hpp>
#include <logto/oidc/sign_in.hpp>

#include "board_hooks.hpp"
#include "js_oracle_sign_in.hpp"  // tests/support/
#include "smoke_fixture.h"

extern "C" void semihosting_write0(const char* s);

namespace {
using namespace logto;

int failures = 0;

void report(bool ok, const std::string& what, const std::string& why = {}) {
  if (!ok) ++failures;
  const std::string line = (ok ? "ok - " : "FAIL - ") + what + (why.empty() ? "" : ": " + why) + "\n";
  semihosting_write0(line.c_str());
}

const json::object& object_at(const json::object& o, const char* key) {
  static const json::object empty;
  const json::value* v = json::find(o, key);
  return v != nullptr && json::as_object(*v) != nullptr ? *json::as_object(*v) : empty;
}
using js_oracle::string_at;

// RFC 7636 Appendix B: the example code verifier and its S256 code challenge.
void pkce() {
  auto c = oidc::generate_code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  report(c && *c == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "PKCE S256 challenge of RFC 7636 Appendix B",
         c ? *c : c.error().message);
}

// Every generateSignInUri case of tests/data/oidc/js_oracle.json, byte for byte (as oidc_js_oracle.cpp).
void sign_in_uris() {
  auto doc = json::parse(kSignIn);
  const json::array* cases = doc ? json::as_array(*doc) : nullptr;
  if (cases == nullptr || cases->empty()) return report(false, "sign-in URI oracle", "fixture does not parse");
  std::size_t same = 0;
  std::string first_difference;
  for (const auto& c : *cases) {
    static const json::object none;
    const json::object& co = json::as_object(c) != nullptr ? *json::as_object(c) : none;
    auto uri = oidc::build_sign_in_uri(js_oracle::sign_in_params(object_at(co, "input")));
    const std::string expected = string_at(co, "uri");
    if (uri && *uri == expected) {
      ++same;
    } else if (first_difference.empty()) {
      first_difference = uri ? "got " + *uri + " expected " + expected : uri.error().message;
    }
  }
  report(
      same == cases->size(),
      "sign-in URIs byte-identical to @logto/js (" + std::to_string(same) + "/" + std::to_string(cases->size()) + ")",
      first_difference);
}

void id_tokens() {
  auto doc = json::parse(kJose);
  auto keys = jose::key_set::parse(kJwks);
  if (!doc || json::as_object(*doc) == nullptr || !keys) {
    return report(false, "ID tokens", doc ? keys.error().message : doc.error().message);
  }
  const json::object& f = *json::as_object(*doc);
  const json::object& tokens = object_at(f, "tokens");
  jose::id_token_options o;
  o.issuer = string_at(f, "issuer");
  o.client_id = string_at(f, "client_id");
  o.nonce = string_at(f, "nonce");
  board::rtc_seconds = json::get_integer(f, "T").value_or(0);  // as SNTP would set it
  o.now = board::rtc_clock().now();

  for (const char* name : {"valid.ES256", "valid.ES384"}) {
    auto r = jose::verify_id_token(string_at(tokens, name), *keys, o);
    report(r && r->claims.sub && *r->claims.sub == "user-1", std::string(name) + " accepted",
           r ? "" : r.error().message);
  }
  // One signature character replaced by another base64url character: still well-formed, no longer signed.
  std::string tampered = string_at(tokens, "valid.ES256");
  if (tampered.size() > 2) {
    char& c = tampered[tampered.size() - 2];
    c = c == 'A' ? 'B' : 'A';
  }
  struct refusal {
    const char* what;
    std::string token;
    errc code;
  };
  for (const refusal& t :
       {refusal{"valid.ES256 with one signature character changed", tampered, errc::jwt_signature_invalid},
        refusal{"forged.ES384 (signed by another key)", string_at(tokens, "forged.ES384"), errc::jwt_signature_invalid},
        refusal{"claims.expired", string_at(tokens, "claims.expired"), errc::jwt_expired}}) {
    auto r = jose::verify_id_token(t.token, *keys, o);
    const bool refused = !r && r.error().code == t.code;
    report(refused, std::string(t.what) + " refused with " + std::string(to_string(t.code)),
           r         ? "accepted"
           : refused ? r.error().message
                     : std::string(to_string(r.error().code)) + ": " + r.error().message);
  }
}

// The aliyun-sms/basic-ascii request as the official connector signed it.
void aliyun_signature() {
  auto doc = json::parse(kAliyun);
  if (!doc || json::as_object(*doc) == nullptr) return report(false, "Aliyun signature", "fixture does not parse");
  const json::object& a = *json::as_object(*doc);
  const query_params params = js_oracle::pairs_at(a, "params");
  auto sig = connectors::aliyun::signature(string_at(a, "method"), params, string_at(a, "secret"));
  const std::string expected = string_at(a, "signature");
  report(sig && !expected.empty() && *sig == expected, "Aliyun signature of the official connector's capture",
         sig ? *sig + " (expected " + expected + ")" : sig.error().message);
}
// PKCE and state from the board's random source. QEMU has no TRNG: the stand-in entropy callback is a fixed
// xorshift generator (a device reads its TRNG here).
bool stand_in_trng(unsigned char* out, std::size_t n) {
  static std::uint32_t x = 0x9E3779B9u;
  for (std::size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    out[i] = static_cast<unsigned char>(x);
  }
  return true;
}
void random_from_entropy_callback() {
  board::entropy = stand_in_trng;
  board::trng_random rng;
  auto verifier = oidc::generate_code_verifier(rng);
  auto state = oidc::generate_state(rng);
  // RFC 7636 4.1: 43 to 128 characters.
  report(
      verifier && state && verifier->size() >= 43 && verifier->size() <= 128 && !state->empty() && *verifier != *state,
      "code verifier and state from the board's entropy callback (" + std::to_string(verifier ? verifier->size() : 0) +
          " and " + std::to_string(state ? state->size() : 0) + " characters, distinct)");
  board::entropy = [](unsigned char*, std::size_t) { return false; };  // a TRNG that fails
  auto refused = oidc::generate_code_verifier(rng);
  report(!refused && refused.error().code == errc::crypto_error,
         "a failing entropy callback is an error, never a weak fallback", refused ? *refused : "");
}

// aliyun_sms::send through the board's hooks: the RTC gives the Timestamp, the entropy callback the
// SignatureNonce (replaying the bytes of the capture's UUID), an in-memory transport the network. The request
// must be the official connector's, byte for byte.
std::string replayed;
void aliyun_send_through_hooks() {
  std::string hex;
  for (const char* p = kAliyunNonce; *p != 0; ++p) {
    if (*p != '-') hex += *p;
  }
  auto bytes = hex_decode(hex);
  replayed = bytes ? *bytes : std::string();
  board::entropy = [](unsigned char* out, std::size_t n) {
    if (n > replayed.size()) return false;
    replayed.copy(reinterpret_cast<char*>(out), n);
    replayed.erase(0, n);
    return true;
  };
  board::rtc_seconds = kAliyunTime;
  struct memory_transport {
    http_request sent;
    result<http_response> send(const http_request& r) {
      sent = r;
      return http_response{200, {{"Content-Type", "application/json"}}, kAliyunAnswer};
    }
  } transport;
  auto connector = connectors::aliyun_sms::from_json(kAliyunConfig);
  if (!connector) return report(false, "Aliyun SMS send through the board's hooks", connector.error().message);
  connectors::message m;
  m.to = kAliyunTo;
  m.type = kAliyunType;
  m.payload.code(kAliyunCode);
  auto r = connector->send(m, transport, board::rtc_clock(), board::trng_random());
  const bool same = transport.sent.url == kAliyunUrl && transport.sent.body == kAliyunBody;
  report(r && same,
         "Aliyun SMS send through the board's clock, entropy callback and an in-memory transport: "
         "request byte-identical to the official connector's capture",
         !r     ? r.error().message
         : same ? ""
                : "sent " + transport.sent.url + " " + transport.sent.body);
}

// Everything above ran with LOGTO_MUTEX = board::irq_mutex: the first verification with each key is
// serialised through it (detail::first_use_gate).
void host_mutex() {
  const unsigned locks = board::irq_mutex::locks, unlocks = board::irq_mutex::unlocks;
  report(locks > 0 && locks == unlocks, "the library locked through the board's mutex (LOGTO_MUTEX): " +
                                            std::to_string(locks) + " locks, " + std::to_string(unlocks) + " unlocks");
}
}  // namespace

int main() {
  pkce();
  sign_in_uris();
  id_tokens();
  aliyun_signature();
  random_from_entropy_callback();
  aliyun_send_through_hooks();
  host_mutex();
  return failures;
}
