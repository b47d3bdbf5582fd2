// logto-cpp with its OpenSSL 3 backend (LOGTO_CRYPTO_OPENSSL=1): jose::verify_id_token exactly as in l_jose.cpp
// (JWKS of four keys parsed once, options built once), and the cold start of l_cold.cpp (the JWKS parsed each time).
//
// The benchmark program also holds the default (mbedTLS) build of the library, and a program must see one
// LOGTO_CRYPTO_OPENSSL value in every translation unit (the inline functions would clash). So this file renames
// the library's namespace (`logto` -> `logto_ossl`) before reading it: a second, independent copy of the
// library, its OpenSSL build, in the same program and the same interleaved rounds.
#include "bench.hpp"

#define LOGTO_CRYPTO_OPENSSL 1
#define logto logto_ossl

#include <algorithm>
#include <stdexcept>

#include <logto/core/time.hpp>
#include <logto/jose/id_token.hpp>
#include <logto/jose/jwt.hpp>

namespace {

using namespace logto;

jose::id_token_options options_for(const bench::jwt_fixture& f) {
  jose::id_token_options o;
  o.issuer = f.issuer;
  o.client_id = f.audience;
  const auto a = jose::algorithm_from_name(f.alg);
  if (!a) throw std::runtime_error("unknown alg " + f.alg);
  o.algorithms = jose::algorithm_set{*a};
  return o;
}

std::int64_t bench_now(const bench::jwt_fixture& f) { return std::min(system_clock().now(), f.iat + 60); }

class ossl_verifier : public bench::simple_verifier {
 public:
  explicit ossl_verifier(const bench::jwt_fixture& f) : f_(f), options_(options_for(f)) {
    auto keys = jose::key_set::parse(f.jwks_json);
    if (!keys) throw std::runtime_error("key_set::parse: " + keys.error().message);
    keys_ = std::move(*keys);
  }
  bool verify(const std::string& token) override {
    options_.now = bench_now(f_);
    return jose::verify_id_token(token, keys_, options_).has_value();
  }

 private:
  const bench::jwt_fixture& f_;
  jose::key_set keys_;
  jose::id_token_options options_;
};

const bench::register_verifier reg_id("logto-cpp, OpenSSL backend: jose::verify_id_token", 11, false,
                                      [](const bench::jwt_fixture& f,
                                         std::string&) -> std::unique_ptr<bench::verifier> {
                                        return std::make_unique<ossl_verifier>(f);
                                      });

// Cold start (cold/<case>/<N> keys, as l_cold.cpp): key_set::parse of the JWKS text + the first verify_id_token.
class ossl_cold : public bench::op {
 public:
  ossl_cold(const bench::jwt_fixture& f, int n) : f_(f), jwks_(bench::cold_jwks(f.name, n)), options_(options_for(f)) {}
  bool once(const std::string& token) {
    auto keys = jose::key_set::parse(jwks_);
    if (!keys) return false;
    options_.now = bench_now(f_);
    return jose::verify_id_token(token, *keys, options_).has_value();
  }
  std::size_t run(std::size_t n) override {
    std::size_t ok = 0;
    for (std::size_t i = 0; i < n; ++i) ok += once(f_.token) ? 1 : 0;
    return ok;
  }

 private:
  const bench::jwt_fixture& f_;
  std::string jwks_;
  jose::id_token_options options_;
};

struct register_cold {
  register_cold() {
    for (const auto& c : bench::jwt_case_names()) {
      for (const int n : {1, 3, 10}) {
        bench::op_registry().push_back(
            {bench::cold_group(c, n), "logto-cpp, OpenSSL backend: key_set::parse + jose::verify_id_token", 11, false,
             [c, n](std::string& self_check, std::string& why_not) -> std::unique_ptr<bench::op> {
               const bench::jwt_fixture& f = bench::jwt_case(c);
               auto o = std::make_unique<ossl_cold>(f, n);
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
