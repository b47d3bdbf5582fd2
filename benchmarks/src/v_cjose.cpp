// Contender: cisco/cjose (Debian libcjose-dev 0.6.2.1, C, OpenSSL + jansson).
// cjose is a JOSE library without JWT claim validation, so its "full verify" is: the JWK imported once
// (cjose_jwk_import, outside the timed loop, like a cached JWKS key), then per token cjose_jws_import
// (split + base64url + header JSON), the header alg checked against the expected one, cjose_jws_verify,
// cjose_jws_get_plaintext, and the claims parsed with jansson (cjose's own JSON library) and checked:
// iss, aud, exp in the future, iat present.
#include <cstring>
#include <ctime>
#include <stdexcept>

#include <cjose/cjose.h>
#include <jansson.h>

#include "bench.hpp"

namespace {

class cjose_verifier : public bench::simple_verifier {
 public:
  explicit cjose_verifier(const bench::jwt_fixture& f) : f_(f) {
    cjose_err err;
    jwk_ = cjose_jwk_import(f.jwk_json.c_str(), f.jwk_json.size(), &err);
    if (jwk_ == nullptr) throw std::runtime_error(std::string("cjose_jwk_import: ") + err.message);
  }
  ~cjose_verifier() override { cjose_jwk_release(jwk_); }

  bool verify(const std::string& token) override {
    cjose_err err;
    cjose_jws_t* jws = cjose_jws_import(token.c_str(), token.size(), &err);
    if (jws == nullptr) return false;
    bool ok = false;
    const char* alg = cjose_header_get(cjose_jws_get_protected(jws), CJOSE_HDR_ALG, &err);
    if (alg != nullptr && f_.alg == alg && cjose_jws_verify(jws, jwk_, &err)) {
      uint8_t* plain = nullptr;
      size_t plain_len = 0;
      if (cjose_jws_get_plaintext(jws, &plain, &plain_len, &err)) {
        json_error_t jerr;
        json_t* claims = json_loadb(reinterpret_cast<const char*>(plain), plain_len, 0, &jerr);
        if (claims != nullptr && json_is_object(claims)) {
          const json_t* iss = json_object_get(claims, "iss");
          const json_t* aud = json_object_get(claims, "aud");
          const json_t* exp = json_object_get(claims, "exp");
          const json_t* iat = json_object_get(claims, "iat");
          const json_int_t now = static_cast<json_int_t>(std::time(nullptr));
          ok = json_is_string(iss) && f_.issuer == json_string_value(iss) && json_is_string(aud) &&
               f_.audience == json_string_value(aud) && json_is_integer(exp) && json_integer_value(exp) > now &&
               json_is_integer(iat);
        }
        if (claims != nullptr) json_decref(claims);
      }
    }
    cjose_jws_release(jws);
    return ok;
  }

 private:
  const bench::jwt_fixture& f_;
  cjose_jwk_t* jwk_ = nullptr;
};

const bench::register_verifier reg("cjose 0.6 (C, OpenSSL) + jansson claims", 40, false,
                                   [](const bench::jwt_fixture& f, std::string&) -> std::unique_ptr<bench::verifier> {
                                     return std::make_unique<cjose_verifier>(f);
                                   });

}  // namespace
