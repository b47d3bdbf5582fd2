// The limit for JWT verification: the bare mbedTLS primitive, nothing else.
//
// Outside the timed region: the key is parsed once (mbedtls_pk_parse_public_key; for EC that also loads
// the curve group), and the token is split and its signature base64url-decoded once (in `timed`).
// Timed, per operation: hash of the signing input (mbedtls_md) and then
//   EC:  mbedtls_mpi_read_binary(r), (s) + mbedtls_ecdsa_verify(grp, hash, Q, r, s)
//   RSA: mbedtls_pk_verify(pk, md, hash, sig)            (PKCS#1 v1.5)
// No base64, no JSON, no claim checks: any real verifier must do at least this much work.
//
// The payload groups (payload/<case>/<size>, issue 17) take as their limit this primitive plus the decode floor:
// every operation also base64url-decodes the token's three parts (bench::b64url_decode_parts: table-driven, into
// a buffer sized once). The signature covers the base64url text, so the hash never needs the decoded bytes, but a
// verifier that checks claims cannot avoid decoding the payload: at 64 KB that pass is as large as the hash, so a
// limit without it would demand a verifier that never reads its claims. The JSON parse is not in the floor: how
// much of it is unavoidable depends on the parser, and run.sh reports its per-byte cost separately.
// The bare primitive stays a row of those groups, so both ratios can be read.
#include <cstring>
#include <stdexcept>
#include <vector>

#include <mbedtls/ecdsa.h>
#include <mbedtls/md.h>
#include <mbedtls/pk.h>

#include "bench.hpp"

namespace {

struct decoded {
  std::string signing_input;  // header.payload
  std::string sig;            // raw signature bytes
  std::string token;          // the whole token (decode floor only)
};

decoded split(const std::string& token) {
  decoded d;
  const auto dot2 = token.rfind('.');
  if (dot2 == std::string::npos) return d;
  d.signing_input = token.substr(0, dot2);
  d.sig = bench::b64url_decode(token.substr(dot2 + 1));
  d.token = token;
  return d;
}

class limit_verifier : public bench::verifier {
 public:
  explicit limit_verifier(const bench::jwt_fixture& f, bool floor = false) : floor_(floor) {
    mbedtls_pk_init(&pk_);
    mbedtls_mpi_init(&r_);
    mbedtls_mpi_init(&s_);
    const int rc = mbedtls_pk_parse_public_key(&pk_, reinterpret_cast<const unsigned char*>(f.pub_pem.c_str()),
                                               f.pub_pem.size() + 1);
    if (rc != 0) throw std::runtime_error("mbedtls_pk_parse_public_key failed");
    if (f.alg == "ES256") {
      md_ = MBEDTLS_MD_SHA256;
      ec_ = true;
    } else if (f.alg == "ES384") {
      md_ = MBEDTLS_MD_SHA384;
      ec_ = true;
    } else {
      md_ = MBEDTLS_MD_SHA256;
      ec_ = false;
    }
    info_ = mbedtls_md_info_from_type(md_);
    hlen_ = mbedtls_md_get_size(info_);
  }
  ~limit_verifier() override {
    mbedtls_mpi_free(&r_);
    mbedtls_mpi_free(&s_);
    mbedtls_pk_free(&pk_);
  }

  // One primitive verification of already-decoded input.
  bool verify_decoded(const decoded& d) {
    if (floor_ && !bench::b64url_decode_parts(d.token, buf_)) return false;
    unsigned char hash[64];
    if (mbedtls_md(info_, reinterpret_cast<const unsigned char*>(d.signing_input.data()), d.signing_input.size(),
                   hash) != 0) {
      return false;
    }
    if (ec_) {
      const std::size_t half = d.sig.size() / 2;
      if (half == 0 || d.sig.size() != 2 * half) return false;
      const auto* p = reinterpret_cast<const unsigned char*>(d.sig.data());
      if (mbedtls_mpi_read_binary(&r_, p, half) != 0 || mbedtls_mpi_read_binary(&s_, p + half, half) != 0) {
        return false;
      }
      mbedtls_ecp_keypair* kp = mbedtls_pk_ec(pk_);
      return mbedtls_ecdsa_verify(&kp->grp, hash, hlen_, &kp->Q, &r_, &s_) == 0;
    }
    return mbedtls_pk_verify(&pk_, md_, hash, hlen_, reinterpret_cast<const unsigned char*>(d.sig.data()),
                             d.sig.size()) == 0;
  }

  bool check(const std::string& token) override { return verify_decoded(split(token)); }

  std::unique_ptr<bench::op> timed(const std::string& token) override {
    struct limit_op : bench::op {
      limit_verifier& v;
      decoded d;
      limit_op(limit_verifier& vv, decoded dd) : v(vv), d(std::move(dd)) {}
      std::size_t run(std::size_t n) override {
        std::size_t ok = 0;
        for (std::size_t i = 0; i < n; ++i) ok += v.verify_decoded(d) ? 1 : 0;
        return ok;
      }
    };
    return std::make_unique<limit_op>(*this, split(token));
  }

 private:
  mbedtls_pk_context pk_;
  mbedtls_mpi r_, s_;
  mbedtls_md_type_t md_;
  const mbedtls_md_info_t* info_ = nullptr;
  std::size_t hlen_ = 0;
  bool ec_ = false;
  bool floor_ = false;
  std::vector<unsigned char> buf_;
};

const bench::register_verifier reg("limit: bare mbedTLS primitive", 0, true,
                                   [](const bench::jwt_fixture& f, std::string&) -> std::unique_ptr<bench::verifier> {
                                     return std::make_unique<limit_verifier>(f);
                                   });
const bench::register_verifier reg_floor(
    "limit: bare mbedTLS primitive + base64url decode floor", 1, false,
    [](const bench::jwt_fixture& f, std::string&) -> std::unique_ptr<bench::verifier> {
      return std::make_unique<limit_verifier>(f, true);
    },
    bench::groups::payload, true);

// The same limit for the access-token groups (the access token, same key).
struct register_access_token_limit {
  register_access_token_limit() {
    for (const char* c : {"ES384", "RS256-4096"}) {
      const std::string name = c;
      bench::op_registry().push_back(
          {std::string("access-token/") + c, "limit: bare mbedTLS primitive", 0, true,
           [name](std::string& self_check, std::string& why_not) -> std::unique_ptr<bench::op> {
             const bench::jwt_fixture& f = bench::jwt_case(name);
             struct holder : bench::op {
               std::unique_ptr<limit_verifier> v;
               std::unique_ptr<bench::op> o;
               std::size_t run(std::size_t n) override { return o->run(n); }
             };
             auto h = std::make_unique<holder>();
             h->v = std::make_unique<limit_verifier>(f);
             if (!h->v->check(f.access_token)) {
               why_not = "rejects the access token";
               return nullptr;
             }
             self_check = "accepts the access token";
             h->o = h->v->timed(f.access_token);
             return h;
           }});
    }
  }
} reg_at;

}  // namespace
