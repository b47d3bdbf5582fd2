// Contender: arun11299/cpp-jwt (Debian libcpp-jwt-dev 1.4, header-only, OpenSSL + nlohmann/json).
// Its own full verify: jwt::decode with the algorithm allow-list, the PEM public key (cpp-jwt's API takes
// the key as PEM text on every decode), issuer, audience, iat presence, verify(true) (signature + exp).
// The error_code overload is used, so a rejected token does not throw.
#include <jwt/jwt.hpp>

#include "bench.hpp"

namespace {

class cppjwt_verifier : public bench::simple_verifier {
 public:
  explicit cppjwt_verifier(const bench::jwt_fixture& f) : f_(f) {}
  bool verify(const std::string& token) override {
    std::error_code ec;
    try {
      auto obj = jwt::decode(token, jwt::params::algorithms({f_.alg}), ec, jwt::params::secret(f_.pub_pem),
                             jwt::params::issuer(f_.issuer), jwt::params::aud(f_.audience), jwt::params::verify(true),
                             jwt::params::validate_iat(true));
      (void)obj;
    } catch (const std::exception&) {
      return false;  // cpp-jwt still throws on some malformed input even with the error_code overload
    }
    return !ec;
  }

 private:
  const bench::jwt_fixture& f_;
};

const bench::register_verifier reg("cpp-jwt 1.4 (OpenSSL)", 20, false,
                                   [](const bench::jwt_fixture& f, std::string&) -> std::unique_ptr<bench::verifier> {
                                     return std::make_unique<cppjwt_verifier>(f);
                                   });

}  // namespace
