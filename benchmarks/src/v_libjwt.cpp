// Contender: benmcollins/libjwt (Debian libjwt-dev 1.10.2, C, OpenSSL + jansson).
// Its own full verify: jwt_decode with the PEM public key (libjwt parses the PEM on every decode and
// verifies with the header's alg), then what the caller must add with libjwt 1.10's API, which has no
// validator yet (jwt_valid_* arrived in 1.11): the alg must be the expected one (else an HS256 token
// "signed" with the PEM text would pass), iss and aud must match, exp must be in the future and iat present.
#include <ctime>
#include <string>

#include <jwt.h>

#include "bench.hpp"

namespace {

class libjwt_verifier : public bench::simple_verifier {
 public:
  explicit libjwt_verifier(const bench::jwt_fixture& f) : f_(f), alg_(jwt_str_alg(f.alg.c_str())) {}
  bool verify(const std::string& token) override {
    jwt_t* jwt = nullptr;
    if (jwt_decode(&jwt, token.c_str(), reinterpret_cast<const unsigned char*>(f_.pub_pem.data()),
                   static_cast<int>(f_.pub_pem.size())) != 0) {
      return false;
    }
    bool ok = jwt_get_alg(jwt) == alg_;
    const char* iss = ok ? jwt_get_grant(jwt, "iss") : nullptr;
    const char* aud = ok ? jwt_get_grant(jwt, "aud") : nullptr;
    ok = ok && iss != nullptr && f_.issuer == iss && aud != nullptr && f_.audience == aud;
    if (ok) {
      const long now = static_cast<long>(std::time(nullptr));
      const long exp = jwt_get_grant_int(jwt, "exp");
      const long iat = jwt_get_grant_int(jwt, "iat");
      ok = exp > now && iat != 0;
    }
    jwt_free(jwt);
    return ok;
  }

 private:
  const bench::jwt_fixture& f_;
  jwt_alg_t alg_;
};

const bench::register_verifier reg("libjwt 1.10 (C, OpenSSL)", 30, false,
                                   [](const bench::jwt_fixture& f, std::string&) -> std::unique_ptr<bench::verifier> {
                                     return std::make_unique<libjwt_verifier>(f);
                                   });

}  // namespace
