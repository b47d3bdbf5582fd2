// A test-only ES256 signer: an EC P-256 key made at run time with mbedTLS, so tests can sign ID tokens whose
// claims depend on the run (a nonce the client just generated, the at_hash of an access token). The library
// itself only verifies; nothing here is used by include/.
#pragma once

#include <logto/core/crypto.hpp>
#include <logto/core/encoding.hpp>

#include <mbedtls/bignum.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>

#include <string>

namespace jose_test {

class es256_signer {
 public:
  explicit es256_signer(std::string kid = "test-es256") : kid_(std::move(kid)) {
    mbedtls_ecp_group_init(&grp_);
    mbedtls_mpi_init(&d_);
    mbedtls_ecp_point_init(&q_);
    ok_ =
        mbedtls_ecp_group_load(&grp_, MBEDTLS_ECP_DP_SECP256R1) == 0 &&
        mbedtls_ecp_gen_keypair(&grp_, &d_, &q_, logto::crypto::mbedtls_rng<logto::crypto::default_random>, &rng_) == 0;
  }
  es256_signer(const es256_signer&) = delete;
  es256_signer& operator=(const es256_signer&) = delete;
  ~es256_signer() {
    mbedtls_ecp_point_free(&q_);
    mbedtls_mpi_free(&d_);
    mbedtls_ecp_group_free(&grp_);
  }

  const std::string& kid() const { return kid_; }

  /// The public key as a JWK object.
  std::string jwk() const {
    unsigned char point[65];
    std::size_t len = 0;
    if (!ok_ ||
        mbedtls_ecp_point_write_binary(&grp_, &q_, MBEDTLS_ECP_PF_UNCOMPRESSED, &len, point, sizeof point) != 0 ||
        len != 65) {
      return "{}";
    }
    const std::string raw(reinterpret_cast<const char*>(point), len);
    return R"({"kty":"EC","crv":"P-256","use":"sig","alg":"ES256","kid":")" + kid_ + R"(","x":")" +
           logto::base64url_encode(raw.substr(1, 32)) + R"(","y":")" + logto::base64url_encode(raw.substr(33, 32)) +
           R"("})";
  }

  /// `jwks_text` (a {"keys":[...]} document) with this key added first.
  std::string add_to(const std::string& jwks_text) const {
    std::string out = jwks_text;
    const std::size_t bracket = out.find('[');
    if (bracket == std::string::npos) return out;
    const std::size_t next = out.find_first_not_of(" \n\r\t", bracket + 1);
    const bool empty = next != std::string::npos && out[next] == ']';
    out.insert(bracket + 1, empty ? jwk() : jwk() + ",");
    return out;
  }

  /// A compact ES256 JWS of `payload_json` with header {"alg":"ES256","kid":...}.
  std::string sign(const std::string& payload_json) {
    const std::string input = logto::base64url_encode(R"({"alg":"ES256","typ":"JWT","kid":")" + kid_ + R"("})") + "." +
                              logto::base64url_encode(payload_json);
    auto hash = logto::crypto::sha256(input);
    if (!ok_ || !hash) return input + ".";
    mbedtls_mpi r, s;
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    unsigned char sig[64];
    const bool signed_ok =
        mbedtls_ecdsa_sign(&grp_, &r, &s, &d_, reinterpret_cast<const unsigned char*>(hash->data()), hash->size(),
                           logto::crypto::mbedtls_rng<logto::crypto::default_random>, &rng_) == 0 &&
        mbedtls_mpi_write_binary(&r, sig, 32) == 0 && mbedtls_mpi_write_binary(&s, sig + 32, 32) == 0;
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&s);
    if (!signed_ok) return input + ".";
    return input + "." + logto::base64url_encode(std::string(reinterpret_cast<const char*>(sig), sizeof sig));
  }

 private:
  std::string kid_;
  logto::crypto::default_random rng_;
  mbedtls_ecp_group grp_;
  mbedtls_mpi d_;
  mbedtls_ecp_point q_;
  bool ok_ = false;
};

}  // namespace jose_test
