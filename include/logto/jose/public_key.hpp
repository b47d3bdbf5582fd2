/// @file
/// @brief A JSON Web Key (RFC 7517, RFC 7518 6) as a ready-to-use public key of the crypto backend
/// (core/crypto/backend.hpp: mbedTLS by default, or OpenSSL 3).
///
/// A key is parsed and checked once (RSA: size >= 2048 bits and the backend's public-key check; EC: exact
/// coordinate lengths and a point on its curve). These checks are cheap; what is costly is left to the key's
/// first verification, so a JWKS pays only for the key it uses (with mbedTLS: the curve's base-point table,
/// 16 M instructions for P-384, and an RSA key's R^2 mod N; see core/crypto/mbedtls.hpp). The EC keys of one
/// `key_set` share one loaded curve. After its first successful verification nothing writes to a key any more,
/// so `public_key` may verify from several threads at once.
#pragma once

#include <array>        // std::array
#include <cstddef>      // std::size_t
#include <memory>       // std::shared_ptr, std::make_shared
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "logto/core/config.hpp"
#include "logto/core/crypto/backend.hpp"  // LOGTO_CRYPTO_HAS_RSA, crypto::backend::*
#include "logto/core/crypto.hpp"
#include "logto/core/encoding.hpp"
#include "logto/core/result.hpp"
#include "logto/core/strict_json.hpp"
#include "logto/jose/algorithm.hpp"

/// Smallest RSA modulus accepted (RFC 7518 3.3: 2048 bits or larger).
#ifndef LOGTO_MIN_RSA_BITS
#define LOGTO_MIN_RSA_BITS 2048
#endif

namespace logto {
namespace jose {

class key_set;

namespace detail {

/// The backend objects behind a `public_key`. Written while the key is being built (and, inside the backend,
/// by its first successful verification).
struct key_material {
  key_type type = key_type::rsa;
  curve crv = curve::p256;  // EC only
  std::size_t bits = 0;     // RSA modulus bits, or the curve's bits
  std::size_t sig_len = 0;  // exact signature length in bytes (RSA: modulus bytes; EC: 2 * coordinate)
#if LOGTO_CRYPTO_HAS_RSA
  crypto::backend::rsa_key rsa;
#endif
  crypto::backend::ec_key ec;                        // EC public point
  std::shared_ptr<crypto::backend::ec_group> group;  // EC: shared by every key of this curve in a key set
};

/// Loaded groups of one key set, one per curve (created on first use).
using group_pool = std::array<std::shared_ptr<crypto::backend::ec_group>, 3>;

inline error jwk_error(std::string message) { return make_error(errc::jwk_invalid, std::move(message)); }

/// `value` in double quotes for an error message: token- or JWKS-supplied text, so bytes outside printable
/// ASCII become \xNN (no line breaks or terminal escapes reach logs) and it is cut at 80 bytes.
inline std::string quote(std::string_view value) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out = "\"";
  const std::size_t n = value.size() < 80 ? value.size() : 80;
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  if (n < value.size()) out += "...";
  out += '"';
  return out;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Public keys

/// A public signature-verification key built from a JWK. Cheap to copy (shares its backend state).
class public_key {
 public:
  /// Builds a key from a parsed JWK object (RFC 7517 4, RFC 7518 6). Fails with `errc::jwk_invalid` when the
  /// JWK is not an RSA or EC (P-256/P-384/P-521) signature key, is malformed, too small (RSA < 2048 bits), not
  /// on its curve, or carries an `alg` that does not fit its type/curve.
  static result<public_key> from_jwk(const json::object& jwk) { return build(jwk, nullptr); }

  /// Parses one JWK from JSON text.
  static result<public_key> parse_jwk(std::string_view jwk_json) {
    auto v = json::parse(jwk_json);
    if (!v) return detail::jwk_error("JWK is not valid JSON: " + v.error().message);
    const json::object* obj = json::as_object(*v);
    if (obj == nullptr) return detail::jwk_error("JWK must be a JSON object (RFC 7517 4)");
    return from_jwk(*obj);
  }

  key_type type() const noexcept { return m_->type; }
  /// The curve (EC keys only; meaningless for RSA).
  curve crv() const noexcept { return m_->crv; }
  /// RSA modulus size or curve size in bits.
  std::size_t bits() const noexcept { return m_->bits; }
  /// The JWK `kid`, if it had one.
  const std::optional<std::string>& kid() const noexcept { return kid_; }
  /// The JWK `alg`, if it named one (the key is then bound to that algorithm, RFC 8725 3.1).
  std::optional<algorithm> alg() const noexcept { return alg_; }

  /// True once a verification with this key has succeeded (EC: with any key of its curve in the same set), so
  /// the one-time work mbedTLS caches (base-point table, R^2 mod N) is done and verifications run in parallel.
  bool prepared() const noexcept {
#if LOGTO_CRYPTO_HAS_RSA
    if (m_->type == key_type::rsa) return m_->rsa.prepared();
#endif
    return m_->group && m_->group->prepared();
  }

  /// True when this key may verify `alg`: right key type, right curve for ES*, and the JWK's own `alg`
  /// (if any) equal to `alg`.
  bool can_verify(algorithm a) const noexcept {
    if (key_type_of(a) != m_->type) return false;
    if (m_->type == key_type::ec && curve_of(a) != m_->crv) return false;
    return !alg_ || *alg_ == a;
  }

  /// A short description for messages, e.g. `EC P-384 key "ec-1"`.
  std::string describe() const {
    std::string out(to_string(m_->type));
    if (m_->type == key_type::ec) {
      out += ' ';
      out += to_string(m_->crv);
    } else {
      out += '-';
      out += std::to_string(m_->bits);
    }
    out += " key";
    if (kid_) out += " " + detail::quote(*kid_);
    if (alg_) {
      out += " (alg ";
      out += to_string(*alg_);
      out += ')';
    }
    return out;
  }

  /// Verifies a JWS signature (RFC 7515 5.2 step 8) over `signing_input` (ASCII(BASE64URL(header) '.'
  /// BASE64URL(payload))). `signature` is the decoded signature: for ES* exactly R||S of the curve's size
  /// (64/96/132 bytes, RFC 7518 3.4; DER or any other length fails), for RS*/PS* exactly the modulus length.
  /// Any failure of the backend is a failure (`errc::jwt_signature_invalid`).
  result<void> verify(algorithm a, std::string_view signing_input, std::string_view signature) const {
    if (!can_verify(a)) {
      return make_error(errc::jwt_no_matching_key,
                        describe() + " cannot verify " + std::string(to_string(a)) + " signatures");
    }
    unsigned char hash[64];
    const crypto::hash_alg h = hash_of(a);
    const std::size_t hlen = crypto::hash_size(h);
    if (crypto::backend::digest(crypto::hash_id_of(h), reinterpret_cast<const unsigned char*>(signing_input.data()),
                                signing_input.size(), hash) != 0) {
      return make_error(errc::crypto_error, "hashing the JWS signing input failed");
    }
    return verify_digest(a, hash, hlen, signature);
  }

  /// Like `verify`, but with the hash of the signing input already computed (`hash_len` must be the
  /// algorithm's hash size).
  result<void> verify_digest(algorithm a, const unsigned char* hash, std::size_t hash_len,
                             std::string_view signature) const {
    if (!can_verify(a)) {
      return make_error(errc::jwt_no_matching_key,
                        describe() + " cannot verify " + std::string(to_string(a)) + " signatures");
    }
    if (hash_len != crypto::hash_size(hash_of(a))) {
      return make_error(errc::invalid_argument, "digest length does not match the algorithm's hash");
    }
    const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
    if (signature.size() != m_->sig_len) {
      std::string why = std::string(to_string(a)) + " signature is " + std::to_string(signature.size()) +
                        " bytes; this " + describe() + " needs exactly " + std::to_string(m_->sig_len);
      if (m_->type == key_type::ec) why += " (R||S, RFC 7518 3.4; DER-encoded or padded signatures are refused)";
      return make_error(errc::jwt_signature_invalid, std::move(why));
    }
    int rc = -1;
    if (m_->type == key_type::ec) {
      const std::size_t n = coordinate_size(m_->crv);
      rc = m_->ec.verify(*m_->group, hash, hash_len, sig, sig + n, n);
    } else {
#if LOGTO_CRYPTO_HAS_RSA
      const bool pss = a == algorithm::ps256 || a == algorithm::ps384 || a == algorithm::ps512;
      rc = m_->rsa.verify(pss, crypto::hash_id_of(hash_of(a)), hash, hash_len, sig);
#endif  // else unreachable: without RSA no RSA key is ever built
    }
    if (rc != 0) {
      return make_error(errc::jwt_signature_invalid,
                        std::string(to_string(a)) + " signature verification failed with " + describe(),
                        std::string(crypto::backend::name) + " " + std::to_string(rc));
    }
    return ok();
  }

 private:
  friend class key_set;
  public_key() = default;

  static result<std::string> decode_member(const json::object& jwk, std::string_view name, std::string_view what) {
    const json::value* v = json::find(jwk, name);
    if (v == nullptr) return detail::jwk_error(std::string(what) + " JWK is missing \"" + std::string(name) + "\"");
    const std::string* s = json::as_string(*v);
    if (s == nullptr)
      return detail::jwk_error(std::string(what) + " JWK \"" + std::string(name) + "\" must be a string");
    auto bytes = base64url_decode(*s);
    if (!bytes) {
      return detail::jwk_error(std::string(what) + " JWK \"" + std::string(name) +
                               "\" is not valid base64url: " + bytes.error().message);
    }
    return bytes;
  }

  // Builds a key; EC keys get their group from `pool` (shared within a key set) or a private one.
  static result<public_key> build(const json::object& jwk, detail::group_pool* pool) {
    public_key key;
    // ---- members every JWK may carry (RFC 7517 4.1 - 4.5)
    const json::value* kty_v = json::find(jwk, "kty");
    if (kty_v == nullptr) return detail::jwk_error("JWK is missing \"kty\" (RFC 7517 4.1)");
    const std::string* kty = json::as_string(*kty_v);
    if (kty == nullptr) return detail::jwk_error("JWK \"kty\" must be a string");
    if (*kty == "oct") {
      return detail::jwk_error("JWK has \"kty\": \"oct\" (a symmetric key); tokens are only verified with public keys");
    }
    if (*kty == "OKP") {
      return detail::jwk_error("JWK has \"kty\": \"OKP\" (EdDSA); mbedTLS has no EdDSA, so it cannot be used");
    }
    if (*kty != "RSA" && *kty != "EC") {
      return detail::jwk_error("JWK has an unsupported \"kty\": " + detail::quote(*kty) + " (supported: RSA, EC)");
    }
    if (const json::value* kid = json::find(jwk, "kid")) {
      const std::string* s = json::as_string(*kid);
      if (s == nullptr) return detail::jwk_error("JWK \"kid\" must be a string (RFC 7517 4.5)");
      key.kid_ = *s;
    }
    if (const json::value* use = json::find(jwk, "use")) {
      const std::string* s = json::as_string(*use);
      if (s == nullptr) return detail::jwk_error("JWK \"use\" must be a string (RFC 7517 4.2)");
      if (*s != "sig")
        return detail::jwk_error("JWK has \"use\": " + detail::quote(*s) + "; only \"sig\" keys verify tokens");
    }
    if (const json::value* ops = json::find(jwk, "key_ops")) {
      const json::array* arr = json::as_array(*ops);
      if (arr == nullptr) return detail::jwk_error("JWK \"key_ops\" must be an array of strings (RFC 7517 4.3)");
      bool verify = false;
      for (const auto& op : *arr) {
        const std::string* s = json::as_string(op);
        if (s == nullptr) return detail::jwk_error("JWK \"key_ops\" must be an array of strings (RFC 7517 4.3)");
        if (*s == "verify") verify = true;
      }
      if (!verify) return detail::jwk_error("JWK \"key_ops\" does not include \"verify\"");
    }
    if (const json::value* alg = json::find(jwk, "alg")) {
      const std::string* s = json::as_string(*alg);
      if (s == nullptr) return detail::jwk_error("JWK \"alg\" must be a string (RFC 7517 4.4)");
      key.alg_ = algorithm_from_name(*s);
      if (!key.alg_)
        return detail::jwk_error("JWK \"alg\": " + detail::quote(*s) + " is not a supported signature algorithm");
    }

    auto m = std::make_shared<detail::key_material>();
    if (*kty == "RSA") {
      if (auto r = build_rsa(jwk, *m); !r) return r.error();
    } else {
      if (auto r = build_ec(jwk, *m, pool); !r) return r.error();
    }
    key.m_ = std::move(m);
    if (key.alg_ && !key.can_verify(*key.alg_)) {
      return detail::jwk_error("JWK \"alg\": \"" + std::string(to_string(*key.alg_)) + "\" does not fit its " +
                               std::string(to_string(key.m_->type)) +
                               (key.m_->type == key_type::ec ? " " + std::string(to_string(key.m_->crv)) : "") +
                               " key (RFC 7518 3.4)");
    }
    return key;
  }

  static result<void> build_rsa(const json::object& jwk, detail::key_material& m) {
#if !LOGTO_CRYPTO_HAS_RSA
    (void)jwk;
    (void)m;
    return detail::jwk_error("RSA JWK: this mbedTLS build has no RSA (MBEDTLS_RSA_C / MBEDTLS_PK_C)");
#else
    auto n = decode_member(jwk, "n", "RSA");
    if (!n) return n.error();
    auto e = decode_member(jwk, "e", "RSA");
    if (!e) return e.error();
    if (n->empty() || e->empty()) return detail::jwk_error("RSA JWK \"n\" and \"e\" must not be empty");
    // RFC 7518 6.3.1.1 asks for the minimal encoding; a leading zero octet does not change the integer, so it
    // is tolerated (some providers add one), and the size below is computed from the value itself.
    if (e->size() > 32) return detail::jwk_error("RSA JWK exponent \"e\" is implausibly large");
    const auto* nb = reinterpret_cast<const unsigned char*>(n->data());
    const auto* eb = reinterpret_cast<const unsigned char*>(e->data());
    const std::string lib(crypto::backend::name);
    int rc = m.rsa.load(nb, n->size(), eb, e->size());
    if (rc != 0) return detail::jwk_error("RSA JWK could not be loaded (" + lib + " " + std::to_string(rc) + ")");
    // Size first: the backends' checks accept moduli far below 2048 bits.
    const std::size_t bits = m.rsa.bits();
    if (bits < LOGTO_MIN_RSA_BITS) {
      return detail::jwk_error("RSA JWK modulus is " + std::to_string(bits) + " bits; at least " +
                               std::to_string(LOGTO_MIN_RSA_BITS) + " are required (RFC 7518 3.3)");
    }
    rc = m.rsa.check();
    if (rc != 0) return detail::jwk_error("RSA JWK is not a valid public key (" + lib + " " + std::to_string(rc) + ")");
    m.type = key_type::rsa;
    m.bits = bits;
    m.sig_len = m.rsa.size();
    return ok();
#endif
  }

  static result<void> build_ec(const json::object& jwk, detail::key_material& m, detail::group_pool* pool) {
    const json::value* crv_v = json::find(jwk, "crv");
    if (crv_v == nullptr) return detail::jwk_error("EC JWK is missing \"crv\" (RFC 7518 6.2.1.1)");
    const std::string* crv_s = json::as_string(*crv_v);
    if (crv_s == nullptr) return detail::jwk_error("EC JWK \"crv\" must be a string");
    curve crv;
    if (*crv_s == "P-256") {
      crv = curve::p256;
    } else if (*crv_s == "P-384") {
      crv = curve::p384;
    } else if (*crv_s == "P-521") {
      crv = curve::p521;
    } else {
      return detail::jwk_error("EC JWK has an unsupported \"crv\": " + detail::quote(*crv_s) +
                               " (supported: P-256, P-384, P-521)");
    }
    auto x = decode_member(jwk, "x", "EC");
    if (!x) return x.error();
    auto y = decode_member(jwk, "y", "EC");
    if (!y) return y.error();
    const std::size_t size = coordinate_size(crv);
    // RFC 7518 6.2.1.2/6.2.1.3: each coordinate is exactly the full size of the curve's field.
    if (x->size() != size || y->size() != size) {
      return detail::jwk_error("EC JWK " + *crv_s + " coordinates must be exactly " + std::to_string(size) +
                               " bytes each (got " + std::to_string(x->size()) + " and " + std::to_string(y->size()) +
                               ", RFC 7518 6.2.1.2)");
    }
    std::shared_ptr<crypto::backend::ec_group> group;
    const auto index = static_cast<std::size_t>(crv);
    if (pool != nullptr) group = (*pool)[index];
    const std::string lib(crypto::backend::name);
    if (!group) {
      group = std::make_shared<crypto::backend::ec_group>();
      const int rc = group->load(static_cast<crypto::backend::ec_curve>(crv));
      if (rc != 0)
        return make_error(errc::crypto_error, "loading curve " + *crv_s + " failed", lib + " " + std::to_string(rc));
      if (pool != nullptr) (*pool)[index] = group;
    }
    const int rc = m.ec.load(*group, reinterpret_cast<const unsigned char*>(x->data()),
                             reinterpret_cast<const unsigned char*>(y->data()), size);
    if (rc != 0) {
      return detail::jwk_error("EC JWK point is not on curve " + *crv_s + " (" + lib + " " + std::to_string(rc) + ")");
    }
    m.type = key_type::ec;
    m.crv = crv;
    m.bits = crv == curve::p256 ? 256 : crv == curve::p384 ? 384 : 521;
    m.sig_len = 2 * size;
    m.group = std::move(group);
    return ok();
  }

  std::shared_ptr<detail::key_material> m_;
  std::optional<std::string> kid_;
  std::optional<algorithm> alg_;
};

}  // namespace jose
}  // namespace logto
