// The limit for JWT verification with OpenSSL 3: the bare OpenSSL primitive, nothing else. The yardstick of
// logto-cpp's OpenSSL backend (LOGTO_CRYPTO_OPENSSL), as v_limit_mbedtls.cpp is of the default backend.
//
// Outside the timed region: the key is parsed once (PEM_read_bio_PUBKEY), one EVP_PKEY_CTX is made and
// initialised for verification (padding and digest set for RSA), and the token is split, its signature
// base64url-decoded and, for ES*, converted to the DER form OpenSSL takes. Timed, per operation: the hash of
// the signing input (EVP_Digest) and EVP_PKEY_verify on that context. The "+ base64url decode floor" row, the
// yardstick of the OpenSSL backend in the payload groups, also decodes the three parts per operation, exactly
// as v_limit_mbedtls.cpp's floor row does (why: see there).
#include <stdexcept>
#include <vector>

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "bench.hpp"

namespace {

class openssl_limit : public bench::verifier {
 public:
  explicit openssl_limit(const bench::jwt_fixture& f, bool floor = false) : floor_(floor) {
    BIO* bio = BIO_new_mem_buf(f.pub_pem.data(), static_cast<int>(f.pub_pem.size()));
    key_ = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (key_ == nullptr) throw std::runtime_error("PEM_read_bio_PUBKEY failed");
    ec_ = f.alg != "RS256";
    md_ = f.alg == "ES384" ? EVP_sha384() : EVP_sha256();
    ctx_ = EVP_PKEY_CTX_new_from_pkey(nullptr, key_, nullptr);
    if (ctx_ == nullptr || EVP_PKEY_verify_init(ctx_) != 1) throw std::runtime_error("EVP_PKEY_verify_init failed");
    if (!ec_ &&
        (EVP_PKEY_CTX_set_rsa_padding(ctx_, RSA_PKCS1_PADDING) != 1 || EVP_PKEY_CTX_set_signature_md(ctx_, md_) != 1)) {
      throw std::runtime_error("RSA context setup failed");
    }
  }
  ~openssl_limit() override {
    EVP_PKEY_CTX_free(ctx_);
    EVP_PKEY_free(key_);
  }

  struct decoded {
    std::string input, sig, token;
  };
  decoded split(const std::string& token) const {
    decoded d;
    d.token = token;
    const auto dot = token.rfind('.');
    d.input = token.substr(0, dot);
    const std::string raw = bench::b64url_decode(token.substr(dot + 1));
    if (!ec_) {
      d.sig = raw;
      return d;
    }
    const std::size_t half = raw.size() / 2;
    ECDSA_SIG* s = ECDSA_SIG_new();
    ECDSA_SIG_set0(
        s, BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(half), nullptr),
        BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + half, static_cast<int>(half), nullptr));
    unsigned char* der = nullptr;
    const int len = i2d_ECDSA_SIG(s, &der);
    if (len > 0) d.sig.assign(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
    ECDSA_SIG_free(s);
    return d;
  }
  bool verify_decoded(const decoded& d) {
    if (floor_ && !bench::b64url_decode_parts(d.token, buf_)) return false;
    unsigned char hash[64];
    unsigned int hlen = 0;
    if (EVP_Digest(d.input.data(), d.input.size(), hash, &hlen, md_, nullptr) != 1) return false;
    return EVP_PKEY_verify(ctx_, reinterpret_cast<const unsigned char*>(d.sig.data()), d.sig.size(), hash, hlen) == 1;
  }

  bool check(const std::string& token) override { return verify_decoded(split(token)); }
  std::unique_ptr<bench::op> timed(const std::string& token) override {
    struct limit_op : bench::op {
      openssl_limit& v;
      decoded d;
      limit_op(openssl_limit& vv, decoded dd) : v(vv), d(std::move(dd)) {}
      std::size_t run(std::size_t n) override {
        std::size_t ok = 0;
        for (std::size_t i = 0; i < n; ++i) ok += v.verify_decoded(d) ? 1 : 0;
        return ok;
      }
    };
    return std::make_unique<limit_op>(*this, split(token));
  }

 private:
  EVP_PKEY* key_ = nullptr;
  EVP_PKEY_CTX* ctx_ = nullptr;
  const EVP_MD* md_ = nullptr;
  bool ec_ = false;
  bool floor_ = false;
  std::vector<unsigned char> buf_;
};

const bench::register_verifier reg("limit (OpenSSL backend): bare OpenSSL 3 primitive", 2, false,
                                   [](const bench::jwt_fixture& f, std::string&) -> std::unique_ptr<bench::verifier> {
                                     return std::make_unique<openssl_limit>(f);
                                   });
const bench::register_verifier reg_floor(
    "limit (OpenSSL backend): bare OpenSSL 3 primitive + base64url decode floor", 3, false,
    [](const bench::jwt_fixture& f, std::string&) -> std::unique_ptr<bench::verifier> {
      return std::make_unique<openssl_limit>(f, true);
    },
    bench::groups::payload);

// Cold start (groups cold/<case>/<N> keys, see l_cold.cpp): the key parsed from PEM and its verification context
// made on every operation (what the constructor does), then the same primitive; the signature's DER form is
// prepared once, outside, as the mbedTLS cold limit decodes the signature outside.
class cold_openssl_limit : public bench::op {
 public:
  explicit cold_openssl_limit(const bench::jwt_fixture& f) : f_(f), d_(openssl_limit(f).split(f.token)) {}
  std::size_t run(std::size_t n) override {
    std::size_t ok = 0;
    for (std::size_t i = 0; i < n; ++i) ok += openssl_limit(f_).verify_decoded(d_) ? 1 : 0;
    return ok;
  }

 private:
  const bench::jwt_fixture& f_;
  openssl_limit::decoded d_;
};

struct register_cold_limit {
  register_cold_limit() {
    for (const auto& c : bench::jwt_case_names()) {
      for (const int n : {1, 3, 10}) {
        bench::op_registry().push_back(
            {bench::cold_group(c, n), "limit (OpenSSL backend): parse the PEM key + bare OpenSSL 3 primitive", 2, false,
             [c](std::string& self_check, std::string& why_not) -> std::unique_ptr<bench::op> {
               auto o = std::make_unique<cold_openssl_limit>(bench::jwt_case(c));
               if (o->run(1) != 1) {
                 why_not = "rejects the valid token";
                 return nullptr;
               }
               self_check = "accepts the token";
               return o;
             }});
      }
    }
  }
} reg_cold;

}  // namespace
