// Cold start (issue 17): what a device pays to verify its one ID token per sign-in, from the key text.
// Groups cold/<case>/<N> keys, N = 1, 3, 10. Every operation starts from text:
//  * limit: mbedtls_pk_parse_public_key(the one key's PEM; for EC this loads the curve group), then the bare
//    primitive of v_limit_mbedtls.cpp (hash, and mbedtls_ecdsa_verify / mbedtls_pk_verify) on a fresh
//    context, so it builds the curve's base-point table or R^2 mod N exactly as a first verify must;
//  * logto-cpp: jose::key_set::parse(a JWKS of N keys) + jose::verify_id_token, both from scratch.
// The JWKS: 1 = the token's key; 3 = it and two keys of the other cases (a mixed set, as during rotation);
// 10 = the four case keys plus six more (copies of the other cases' keys under other kids: as costly to
// parse and check as distinct keys; bench::cold_jwks). The token's key sits in the middle of the set.
// The OpenSSL backend's rows of these groups are in l_jose_openssl.cpp and v_limit_openssl.cpp.
#include <algorithm>
#include <stdexcept>

#include <mbedtls/ecdsa.h>
#include <mbedtls/md.h>
#include <mbedtls/pk.h>

#include <logto/core/time.hpp>
#include <logto/jose/id_token.hpp>
#include <logto/jose/jwt.hpp>

#include "bench.hpp"

namespace {

using namespace logto;

class cold_limit : public bench::op {
 public:
  explicit cold_limit(const bench::jwt_fixture& f) : f_(f) {
    const auto dot = f.token.rfind('.');
    input_ = f.token.substr(0, dot);
    sig_ = bench::b64url_decode(f.token.substr(dot + 1));
    ec_ = f.alg != "RS256";
    md_ = f.alg == "ES384" ? MBEDTLS_MD_SHA384 : MBEDTLS_MD_SHA256;
  }
  bool once() {
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    bool ok = mbedtls_pk_parse_public_key(&pk, reinterpret_cast<const unsigned char*>(f_.pub_pem.c_str()),
                                          f_.pub_pem.size() + 1) == 0;
    unsigned char hash[64];
    const mbedtls_md_info_t* info = mbedtls_md_info_from_type(md_);
    const std::size_t hlen = mbedtls_md_get_size(info);
    ok = ok && mbedtls_md(info, reinterpret_cast<const unsigned char*>(input_.data()), input_.size(), hash) == 0;
    const auto* p = reinterpret_cast<const unsigned char*>(sig_.data());
    if (ok && ec_) {
      mbedtls_mpi r, s;
      mbedtls_mpi_init(&r);
      mbedtls_mpi_init(&s);
      const std::size_t half = sig_.size() / 2;
      mbedtls_ecp_keypair* kp = mbedtls_pk_ec(pk);
      ok = mbedtls_mpi_read_binary(&r, p, half) == 0 && mbedtls_mpi_read_binary(&s, p + half, half) == 0 &&
           mbedtls_ecdsa_verify(&kp->grp, hash, hlen, &kp->Q, &r, &s) == 0;
      mbedtls_mpi_free(&r);
      mbedtls_mpi_free(&s);
    } else if (ok) {
      ok = mbedtls_pk_verify(&pk, md_, hash, hlen, p, sig_.size()) == 0;
    }
    mbedtls_pk_free(&pk);
    return ok;
  }
  std::size_t run(std::size_t n) override {
    std::size_t ok = 0;
    for (std::size_t i = 0; i < n; ++i) ok += once() ? 1 : 0;
    return ok;
  }

 private:
  const bench::jwt_fixture& f_;
  std::string input_, sig_;
  bool ec_ = false;
  mbedtls_md_type_t md_ = MBEDTLS_MD_SHA256;
};

class cold_logto : public bench::op {
 public:
  cold_logto(const bench::jwt_fixture& f, int n) : f_(f), jwks_(bench::cold_jwks(f.name, n)) {
    options_.issuer = f.issuer;
    options_.client_id = f.audience;
    const auto a = jose::algorithm_from_name(f.alg);
    if (!a) throw std::runtime_error("unknown alg " + f.alg);
    options_.algorithms = jose::algorithm_set{*a};
  }
  bool once(const std::string& token) {
    auto keys = jose::key_set::parse(jwks_);
    if (!keys) return false;
    options_.now = std::min(system_clock().now(), f_.iat + 60);
    return jose::verify_id_token(token, *keys, options_).has_value();
  }
  std::size_t run(std::size_t n) override {
    std::size_t ok = 0;
    for (std::size_t i = 0; i < n; ++i) ok += once(f_.token) ? 1 : 0;
    return ok;
  }
  std::size_t key_count() const {
    auto keys = jose::key_set::parse(jwks_);
    return keys ? keys->size() : 0;
  }

 private:
  const bench::jwt_fixture& f_;
  std::string jwks_;
  jose::id_token_options options_;
};

struct register_cold_ops {
  register_cold_ops() {
    for (const char* c : {"ES384", "ES256", "RS256-2048", "RS256-4096"}) {
      for (const int n : {1, 3, 10}) {
        const std::string name = c;
        const std::string group = bench::cold_group(name, n);
        bench::op_registry().push_back(
            {group, "limit: parse the PEM key + bare mbedTLS primitive", 0, true,
             [name](std::string& self_check, std::string& why_not) -> std::unique_ptr<bench::op> {
               auto o = std::make_unique<cold_limit>(bench::jwt_case(name));
               if (o->run(1) != 1) {
                 why_not = "rejects the valid token";
                 return nullptr;
               }
               self_check = "accepts the token";
               return o;
             }});
        bench::op_registry().push_back(
            {group, "logto-cpp: key_set::parse + jose::verify_id_token", 10, false,
             [name, n](std::string& self_check, std::string& why_not) -> std::unique_ptr<bench::op> {
               const bench::jwt_fixture& f = bench::jwt_case(name);
               auto o = std::make_unique<cold_logto>(f, n);
               if (o->key_count() != static_cast<std::size_t>(n)) {
                 why_not = "the JWKS does not hold " + std::to_string(n) + " usable keys";
                 return nullptr;
               }
               if (!o->once(f.token) || o->once(f.tampered_sig) || o->once(f.tampered_payload)) {
                 why_not = "acceptance check failed";
                 return nullptr;
               }
               self_check = "accepts the token, rejects a tampered signature and a tampered payload";
               return o;
             }});
      }
    }
  }
} reg_cold;

}  // namespace
