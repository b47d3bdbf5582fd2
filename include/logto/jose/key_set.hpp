/// @file
/// @brief A JSON Web Key Set (RFC 7517 5) with the key selection rules of OIDC Core 10.1 / RFC 8725 3.1.
#pragma once

#include <cstddef>      // std::size_t
#include <memory>       // std::shared_ptr, std::make_shared
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "logto/core/crypto.hpp"
#include "logto/core/encoding.hpp"
#include "logto/core/result.hpp"
#include "logto/core/strict_json.hpp"
#include "logto/core/sync.hpp"
#include "logto/jose/algorithm.hpp"
#include "logto/jose/public_key.hpp"

/// Most keys a JWKS may hold (a larger set is rejected as a whole). Logto publishes one or two.
#ifndef LOGTO_MAX_JWKS_KEYS
#define LOGTO_MAX_JWKS_KEYS 64
#endif

namespace logto {
namespace jose {

namespace detail {
/// The identity of a key set: its canonical text until `key_set::fingerprint()` is first asked, then its hash.
struct key_set_fingerprint {
  logto::detail::first_use_gate gate;
  std::string canonical;
  std::string hex;
};
}  // namespace detail

/// A JWK of a key set that could not be used, and why.
struct ignored_key {
  std::optional<std::string> kid;  ///< its `kid`, when it had a string one
  std::string reason;
};

/// A parsed JWKS (RFC 7517 5): the usable verification keys plus the entries that were ignored.
///
/// Following RFC 7517 5 ("implementations SHOULD ignore JWKs ... that use kty values that are not understood,
/// that are missing required members, or for which values are out of the supported ranges") and the OIDF test
/// "ignores unparseable key in jwks", a bad entry never fails the whole set; it is listed in `ignored()`, and
/// a token naming its `kid` gets an `errc::jwk_invalid` error that gives the reason. Immutable and thread-safe
/// once built; cheap to copy.
class key_set {
 public:
  /// An empty set (verifies nothing).
  key_set() = default;

  /// Parses JWKS JSON text: an object with a "keys" array (RFC 7517 5). `errc::jwks_invalid` when the text is
  /// not such a document or holds more than LOGTO_MAX_JWKS_KEYS entries.
  static result<key_set> parse(std::string_view jwks_json) {
    auto v = json::parse(jwks_json);
    if (!v) return make_error(errc::jwks_invalid, "JWKS is not valid JSON: " + v.error().message);
    return from_json(*v);
  }

  /// Builds a set from a parsed JWKS document.
  static result<key_set> from_json(const json::value& jwks) {
    const json::object* root = json::as_object(jwks);
    if (root == nullptr) return make_error(errc::jwks_invalid, "JWKS must be a JSON object (RFC 7517 5)");
    const json::value* keys_v = json::find(*root, "keys");
    if (keys_v == nullptr) return make_error(errc::jwks_invalid, "JWKS has no \"keys\" member (RFC 7517 5.1)");
    const json::array* keys = json::as_array(*keys_v);
    if (keys == nullptr) return make_error(errc::jwks_invalid, "JWKS \"keys\" must be an array (RFC 7517 5.1)");
    if (keys->size() > LOGTO_MAX_JWKS_KEYS) {
      return make_error(errc::jwks_invalid, "JWKS holds " + std::to_string(keys->size()) + " keys; at most " +
                                                std::to_string(LOGTO_MAX_JWKS_KEYS) + " are accepted");
    }
    key_set set;
    detail::group_pool pool;
    std::size_t index = 0;
    for (const auto& entry : *keys) {
      const json::object* jwk = json::as_object(entry);
      if (jwk == nullptr) {
        set.ignored_.push_back({std::nullopt, "entry " + std::to_string(index) + " is not a JSON object"});
      } else {
        auto key = public_key::build(*jwk, &pool);
        if (key) {
          set.keys_.push_back(std::move(*key));
        } else {
          std::optional<std::string> kid;
          if (const json::value* k = json::find(*jwk, "kid")) {
            if (const std::string* s = json::as_string(*k)) kid = *s;
          }
          set.ignored_.push_back({std::move(kid), std::move(key).error().message});
        }
      }
      ++index;
    }
    // Identity of the keys, so caches can tell a rotation from a refetch of the same set: the string
    // members that define a key, in a fixed order (no number formatting: it would pull a floating-point
    // printer into small firmware builds).
    static constexpr const char* identity_members[] = {"kty", "kid", "use", "alg", "crv", "x", "y", "n", "e"};
    auto fp = std::make_shared<detail::key_set_fingerprint>();
    std::string& canonical = fp->canonical;
    for (const auto& entry : *keys) {
      const json::object* jwk = json::as_object(entry);
      if (jwk == nullptr) continue;
      for (const char* name : identity_members) {
        const json::value* member = json::find(*jwk, name);
        const std::string* text = member != nullptr ? json::as_string(*member) : nullptr;
        canonical += name;
        canonical += '=';
        if (text != nullptr) canonical += *text;
        canonical += '\n';
      }
      canonical += '\n';
    }
    set.fingerprint_ = std::move(fp);
    return set;
  }

  /// The usable keys, in document order.
  const std::vector<public_key>& keys() const noexcept { return keys_; }
  /// Entries that were skipped, with the reason.
  const std::vector<ignored_key>& ignored() const noexcept { return ignored_; }
  bool empty() const noexcept { return keys_.empty(); }
  std::size_t size() const noexcept { return keys_.size(); }
  /// Hex SHA-256 over the set's entries (canonical JSON); equal for equal documents. Empty for `key_set()`.
  /// Computed on the first call (a verification does not need it; caches do), then kept.
  const std::string& fingerprint() const noexcept {
    static const std::string none;
    if (!fingerprint_) return none;
    detail::key_set_fingerprint& fp = *fingerprint_;
    if (!fp.gate.open()) {
      (void)fp.gate.run([&fp] {
        if (fp.hex.empty()) {
          auto digest = crypto::sha256(fp.canonical);
          // A hash failure (an mbedTLS build without SHA-256 cannot get here) falls back to the canonical
          // text itself, which identifies the document just as well.
          fp.hex = digest ? hex_encode(*digest) : "canonical:" + fp.canonical;
          std::string().swap(fp.canonical);
        }
        return 0;
      });
    }
    return fp.hex;
  }

  /// True when some entry (usable or ignored) has this `kid`: a token naming an unknown kid suggests the
  /// provider rotated its keys (OIDC Core 10.1.1).
  bool knows_kid(std::string_view kid) const noexcept {
    for (const auto& k : keys_) {
      if (k.kid() && *k.kid() == kid) return true;
    }
    for (const auto& k : ignored_) {
      if (k.kid && *k.kid == kid) return true;
    }
    return false;
  }

  /// The one key that may verify a token with this `alg` and `kid` (OIDC Core 10.1, RFC 8725 3.1):
  /// - with a `kid`: the key with that kid, which must fit `alg` (type, curve, its own `alg`);
  /// - without one: accepted only when exactly one key of the set fits `alg` (no guessing between keys).
  /// `errc::jwt_no_matching_key` when there is none (or several), `errc::jwk_invalid` when the kid names an
  /// entry that was ignored (the message says why).
  result<const public_key*> select(algorithm alg, std::optional<std::string_view> kid) const {
    const public_key* found = nullptr;
    std::size_t fitting = 0;
    const public_key* named = nullptr;
    for (const auto& k : keys_) {
      if (kid && (!k.kid() || *k.kid() != *kid)) continue;
      named = &k;
      if (!k.can_verify(alg)) continue;
      if (fitting++ == 0) found = &k;
    }
    const std::string alg_name(to_string(alg));
    if (fitting == 1) return found;
    if (fitting > 1) {
      return make_error(errc::jwt_no_matching_key, std::to_string(fitting) + " keys of the JWKS fit this " + alg_name +
                                                       " token" +
                                                       (kid ? " (duplicate kid)" : " and it has no \"kid\"") +
                                                       "; refusing to guess which one signed it (OIDC Core 10.1)");
    }
    if (kid) {
      if (named != nullptr) {
        return make_error(errc::jwt_no_matching_key,
                          "the token's \"kid\" names the " + named->describe() + ", which cannot verify " + alg_name);
      }
      for (const auto& ig : ignored_) {
        if (ig.kid && *ig.kid == *kid) {
          return make_error(errc::jwk_invalid,
                            "the token's key " + detail::quote(*kid) + " is in the JWKS but unusable: " + ig.reason);
        }
      }
      return make_error(errc::jwt_no_matching_key, "no key with kid " + detail::quote(*kid) + " in the JWKS (" +
                                                       std::to_string(keys_.size()) +
                                                       " usable keys); the provider may have rotated its keys");
    }
    return make_error(errc::jwt_no_matching_key, "the token has no \"kid\" and no key of the JWKS (" +
                                                     std::to_string(keys_.size()) + " usable) fits " + alg_name);
  }

 private:
  std::vector<public_key> keys_;
  std::vector<ignored_key> ignored_;
  std::shared_ptr<detail::key_set_fingerprint> fingerprint_;  // shared by copies of the set
};

}  // namespace jose
}  // namespace logto
