// Target jwt: a compact JWS/JWT from outside (an ID token or an access token), verified against the
// fixture JWKS of tests/data/jose with the fixture's issuer, client id, nonce, resource and time.
// An input starting with '{' is `header JSON NUL payload JSON` instead: the target signs it with ES256
// (a fixed P-256 key, published as the only key of a second JWKS), so the fuzzer can explore header
// and claim checks behind a valid signature.
//
// Properties, for every token the library accepts (verify_compact, verify_id_token, verify_jwt with
// access-token options):
// - the signature verifies under an independent mbedTLS pk call built from the JWK (jose_oracle.hpp);
// - the header, read by picojson, names an RS/PS/ES alg and carries none of crit, jku, jwk, x5u, x5c,
//   enc, zip, b64 (RFC 8725 3.1, 3.10; RFC 7515 4.1.11);
// - the payload, read by picojson, has the expected iss, an aud containing the audience, an exp after
//   now - leeway, no nbf after now + leeway, and (ID token) the nonce, a non-empty sub, azp equal to
//   the client id when present, iat within the leeway of now;
// - decode_unverified reads the same claims.
#include <logto/jose/id_token.hpp>
#include <logto/jose/jwt.hpp>

#include <mbedtls/ecdsa.h>

#include <cmath>

#include "common.hpp"
#include "jose_oracle.hpp"

namespace {

std::string mpi_bytes(const mbedtls_mpi& x, std::size_t n) {
  std::string out(n, '\0');
  FUZZ_REQUIRE(mbedtls_mpi_write_binary(&x, reinterpret_cast<unsigned char*>(&out[0]), n) == 0, "mpi fits");
  return out;
}

int counter_rng(void* state, unsigned char* out, std::size_t n) {  // deterministic nonces are fine here
  auto* x = static_cast<std::uint64_t*>(state);
  for (std::size_t i = 0; i < n; ++i) {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    out[i] = static_cast<unsigned char>(*x);
  }
  return 0;
}

/// ES256 with a fixed key (RFC 6979 A.2.5's private key), and the JWKS publishing it as "fuzz-ec".
struct ec_signer {
  ec_signer() {
    mbedtls_ecp_group_init(&grp);
    mbedtls_mpi_init(&d);
    mbedtls_ecp_point_init(&q);
    int rc = mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1);
    if (rc == 0)
      rc = mbedtls_mpi_read_string(&d, 16, "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721");
    if (rc == 0) rc = mbedtls_ecp_mul(&grp, &q, &d, &grp.FUZZ_MBEDTLS_FIELD(G), counter_rng, &rng);
    FUZZ_REQUIRE(rc == 0, "the signing key loads");
    jwks_json = R"({"keys":[{"kty":"EC","crv":"P-256","kid":"fuzz-ec","x":")" +
                logto::base64url_encode(mpi_bytes(q.FUZZ_MBEDTLS_FIELD(X), 32)) + R"(","y":")" +
                logto::base64url_encode(mpi_bytes(q.FUZZ_MBEDTLS_FIELD(Y), 32)) + R"("}]})";
  }
  ~ec_signer() {
    mbedtls_ecp_point_free(&q);
    mbedtls_mpi_free(&d);
    mbedtls_ecp_group_free(&grp);
  }
  ec_signer(const ec_signer&) = delete;
  ec_signer& operator=(const ec_signer&) = delete;

  std::string token(std::string_view header, std::string_view payload) {
    const std::string input = logto::base64url_encode(header) + "." + logto::base64url_encode(payload);
    unsigned char hash[32];
    FUZZ_REQUIRE(mbedtls_md(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
                            reinterpret_cast<const unsigned char*>(input.data()), input.size(), hash) == 0,
                 "hashing works");
    mbedtls_mpi r, s;
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    FUZZ_REQUIRE(mbedtls_ecdsa_sign(&grp, &r, &s, &d, hash, sizeof hash, counter_rng, &rng) == 0, "signing works");
    const std::string sig = mpi_bytes(r, 32) + mpi_bytes(s, 32);
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&s);
    return input + "." + logto::base64url_encode(sig);
  }

  mbedtls_ecp_group grp;
  mbedtls_mpi d;
  mbedtls_ecp_point q;
  std::uint64_t rng = 0x9E3779B97F4A7C15ull;
  std::string jwks_json;
};

ec_signer& signer() {
  static ec_signer s;
  return s;
}

struct fixture {
  picojson::value jwks, signed_jwks;
  logto::jose::key_set keys, signed_keys;
  std::int64_t now = 0;
  std::string issuer, client_id, nonce, resource;
};

const fixture& fx() {
  static const fixture f = [] {
    fixture out;
    const std::string jwks_text = fuzz::read_source_file("tests/data/jose/jwks.json");
    out.jwks = *fuzz::independent_json(jwks_text);
    out.keys = std::move(*logto::jose::key_set::parse(jwks_text));
    out.signed_jwks = *fuzz::independent_json(signer().jwks_json);
    out.signed_keys = std::move(*logto::jose::key_set::parse(signer().jwks_json));
    const auto tokens = fuzz::independent_json(fuzz::read_source_file("tests/data/jose/tokens.json"));
    FUZZ_REQUIRE(tokens && fuzz::member(*tokens, "T") != nullptr, "tests/data/jose/tokens.json is readable");
    out.now = static_cast<std::int64_t>(fuzz::member(*tokens, "T")->get<double>());
    out.issuer = *fuzz::member_string(*tokens, "issuer");
    out.client_id = *fuzz::member_string(*tokens, "client_id");
    out.nonce = *fuzz::member_string(*tokens, "nonce");
    out.resource = *fuzz::member_string(*tokens, "resource");
    return out;
  }();
  return f;
}

std::optional<picojson::value> segment_json(std::string_view token, std::size_t index) {
  const auto parts = fuzz::split(token, '.', 4);
  if (parts.size() != 3) return std::nullopt;
  const auto bytes = fuzz::base64_decode(parts[index], true, true);
  if (!bytes) return std::nullopt;
  return fuzz::independent_json(*bytes);
}

void check_header(std::string_view token) {
  const auto header = segment_json(token, 0);
  FUZZ_REQUIRE(header && header->is<picojson::object>(), "an accepted token has a JSON object header");
  const std::string* alg = fuzz::member_string(*header, "alg");
  FUZZ_REQUIRE(alg != nullptr && fuzz::md_of(*alg) != MBEDTLS_MD_NONE, "an accepted token's alg is RS/PS/ES*");
  for (const char* banned : {"crit", "jku", "jwk", "x5u", "x5c", "enc", "zip", "b64"}) {
    FUZZ_REQUIRE(fuzz::member(*header, banned) == nullptr, "an accepted token's header has no banned member");
  }
}

double number_claim(const picojson::value& payload, const char* name, bool& present) {
  const picojson::value* v = fuzz::member(payload, name);
  present = v != nullptr;
  if (v == nullptr) return 0;
  FUZZ_REQUIRE(v->is<double>(), "a NumericDate claim of an accepted token is a JSON number");
  return v->get<double>();
}

void check_claims(std::string_view token, const std::string& audience, std::int64_t leeway, bool id_token) {
  const fixture& f = fx();
  const auto payload = segment_json(token, 1);
  FUZZ_REQUIRE(payload && payload->is<picojson::object>(), "an accepted token has a JSON object payload");
  const std::string* iss = fuzz::member_string(*payload, "iss");
  FUZZ_REQUIRE(iss != nullptr && *iss == f.issuer, "an accepted token has the expected iss");
  const picojson::value* aud = fuzz::member(*payload, "aud");
  bool aud_ok = false;
  std::size_t aud_count = 0;
  if (aud != nullptr && aud->is<std::string>()) {
    aud_ok = aud->get<std::string>() == audience;
    aud_count = 1;
  } else if (aud != nullptr && aud->is<picojson::array>()) {
    for (const auto& a : aud->get<picojson::array>()) {
      aud_ok = aud_ok || (a.is<std::string>() && a.get<std::string>() == audience);
      ++aud_count;
    }
  }
  FUZZ_REQUIRE(aud_ok, "an accepted token's aud contains the audience");
  bool has_exp = false, has_nbf = false, has_iat = false;
  const double exp = number_claim(*payload, "exp", has_exp);
  const double nbf = number_claim(*payload, "nbf", has_nbf);
  const double iat = number_claim(*payload, "iat", has_iat);
  const auto now = static_cast<double>(f.now);
  const auto lw = static_cast<double>(leeway);
  FUZZ_REQUIRE(has_exp && now < std::floor(exp) + lw, "an accepted token has not expired");
  FUZZ_REQUIRE(!has_nbf || std::ceil(nbf) - lw <= now, "an accepted token is already valid (nbf)");
  if (id_token) {
    const std::string* nonce = fuzz::member_string(*payload, "nonce");
    FUZZ_REQUIRE(nonce != nullptr && *nonce == f.nonce, "an accepted ID token carries the nonce sent");
    const std::string* sub = fuzz::member_string(*payload, "sub");
    FUZZ_REQUIRE(sub != nullptr && !sub->empty(), "an accepted ID token has a sub");
    const picojson::value* azp = fuzz::member(*payload, "azp");
    FUZZ_REQUIRE(azp == nullptr || (azp->is<std::string>() && azp->get<std::string>() == f.client_id),
                 "an accepted ID token's azp, when present, is the client id");
    FUZZ_REQUIRE(aud_count == 1 || azp != nullptr, "an ID token with several audiences needs azp");
    FUZZ_REQUIRE(has_iat && std::fabs(std::floor(iat) - now) <= lw, "an accepted ID token's iat is recent");
  }
}

void check_unverified_agrees(std::string_view token, const logto::jose::jwt_claims& verified) {
  auto decoded = logto::jose::decode_unverified(token);
  FUZZ_REQUIRE(decoded.has_value(), "decode_unverified reads a token verify_jwt accepted");
  const auto& c = decoded->claims;
  FUZZ_REQUIRE(c.iss == verified.iss && c.sub == verified.sub && c.aud == verified.aud && c.exp == verified.exp &&
                   c.nbf == verified.nbf && c.iat == verified.iat && c.nonce == verified.nonce,
               "decode_unverified and verify_jwt read the same claims");
}

}  // namespace

// The oracle must not be vacuous: every valid.* fixture passes it and the library, forged.* passes neither.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const fixture& f = fx();
  const auto doc = fuzz::independent_json(fuzz::read_source_file("tests/data/jose/tokens.json"));
  int valid = 0;
  for (const auto& kv : fuzz::member(*doc, "tokens")->get<picojson::object>()) {
    const bool good = kv.first.rfind("valid.", 0) == 0;
    if (!good && kv.first.rfind("forged.", 0) != 0) continue;
    const std::string& token = kv.second.get<std::string>();
    FUZZ_REQUIRE(fuzz::independently_verified(token, f.jwks) == good, "the oracle agrees with the fixture");
    FUZZ_REQUIRE(logto::jose::verify_compact(token, f.keys).has_value() == good, "the library agrees with the fixture");
    valid += good ? 1 : 0;
  }
  FUZZ_REQUIRE(valid >= 10, "the fixture has valid tokens of every family");
  const std::string own = signer().token(R"({"alg":"ES256","kid":"fuzz-ec"})", R"({"iss":"x"})");
  FUZZ_REQUIRE(fuzz::independently_verified(own, f.signed_jwks) && logto::jose::verify_compact(own, f.signed_keys),
               "the target's own signatures verify");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fixture& f = fx();
  std::string_view token = fuzz::as_view(data, size);
  const picojson::value* jwks = &f.jwks;
  const logto::jose::key_set* keys = &f.keys;
  std::string signed_token;
  if (!token.empty() && token.front() == '{') {
    const auto parts = fuzz::split(token, '\0', 2);
    signed_token = signer().token(parts[0], parts.size() > 1 ? parts[1] : std::string_view());
    token = signed_token;
    jwks = &f.signed_jwks;
    keys = &f.signed_keys;
  }

  if (auto jws = logto::jose::verify_compact(token, *keys)) {
    FUZZ_REQUIRE(fuzz::independently_verified(token, *jwks), "a JWS verify_compact accepted verifies independently");
    check_header(token);
  }

  logto::jose::id_token_options id;
  id.issuer = f.issuer;
  id.client_id = f.client_id;
  id.nonce = f.nonce;
  id.now = f.now;
  if (auto t = logto::jose::verify_id_token(token, *keys, id)) {
    FUZZ_REQUIRE(fuzz::independently_verified(token, *jwks), "an accepted ID token verifies independently");
    check_header(token);
    check_claims(token, f.client_id, logto::jose::default_id_token_leeway, true);
    check_unverified_agrees(token, t->claims);
  }

  const auto at = logto::jose::verify_options::access_token(f.issuer, f.resource, f.now);
  if (auto t = logto::jose::verify_jwt(token, *keys, at)) {
    FUZZ_REQUIRE(fuzz::independently_verified(token, *jwks), "an accepted access token verifies independently");
    check_header(token);
    check_claims(token, f.resource, logto::jose::default_access_token_leeway, false);
    check_unverified_agrees(token, t->claims);
  }
  return 0;
}
