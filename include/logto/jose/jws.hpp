/// @file
/// @brief Compact JWS (RFC 7515 3.1, 7.1): parsing with a strict header policy, and signature verification
/// against a key set with an algorithm allow-list.
///
/// Always refused, whatever the allow-list: `alg: none` and HS* (RFC 8725 3.1; a provider's keys are public,
/// so an HMAC "verified" with one is forgeable), any `crit` header (RFC 7515 4.1.11), headers that would let the
/// token pick its own key (`jku`, `jwk`, `x5u`, `x5c`: keys come only from the provider's JWKS, RFC 8725 3.10),
/// encrypted or nested tokens (5 segments, `enc`, `zip`, `cty: JWT`; RFC 8725 3.3), `b64` (RFC 7797), duplicate
/// header members, and tokens larger than LOGTO_MAX_JWT_SIZE.
#pragma once

#include <algorithm>    // std::count
#include <cstddef>      // std::size_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move

#include "logto/core/config.hpp"
#include "logto/core/encoding.hpp"
#include "logto/core/strict_json.hpp"
#include "logto/core/result.hpp"
#include "logto/jose/jwk.hpp"

namespace logto {
namespace jose {

/// The JOSE header members this library acts on.
struct jws_header {
  algorithm alg = algorithm::rs256;
  std::optional<std::string> kid;  ///< RFC 7515 4.1.4
  std::optional<std::string> typ;  ///< RFC 7515 4.1.9
};

/// A compact JWS split into its parts (owning copies, so it may outlive the token text).
struct compact_jws {
  jws_header header;
  std::string signing_input;  ///< BASE64URL(header) '.' BASE64URL(payload): what the signature covers
  std::string payload;        ///< the decoded payload bytes (not yet authenticated!)
  std::string signature;      ///< the decoded signature bytes
};

/// A JWS whose signature verified: its header and payload bytes.
struct verified_jws {
  jws_header header;
  std::string payload;
};

namespace detail {

inline error jws_malformed(std::string message) { return make_error(errc::jwt_malformed, std::move(message)); }
inline error jws_unsupported(std::string message) {
  return make_error(errc::jwt_unsupported_algorithm, std::move(message));
}

inline bool ascii_iequal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

/// RFC 7515 4.1.9/4.1.10: media types compare case-insensitively, and "application/" may be left out.
inline bool media_type_equal(std::string_view a, std::string_view b) noexcept {
  const auto strip = [](std::string_view t) {
    constexpr std::string_view prefix = "application/";
    if (t.size() > prefix.size() && ascii_iequal(t.substr(0, prefix.size()), prefix) &&
        t.find('/', prefix.size()) == std::string_view::npos) {
      t.remove_prefix(prefix.size());
    }
    return t;
  };
  return ascii_iequal(strip(a), strip(b));
}

inline result<jws_header> parse_header(std::string_view segment, algorithm_set allowed) {
  if (segment.empty()) return jws_malformed("JWS header segment is empty");
  auto bytes = base64url_decode(segment);
  if (!bytes) return jws_malformed("JWS header is not valid base64url: " + bytes.error().message);
  auto doc = json::parse(*bytes);
  if (!doc) return jws_malformed("JWS header is not valid JSON: " + doc.error().message);
  const json::object* obj = json::as_object(*doc);
  if (obj == nullptr) return jws_malformed("JWS header must be a JSON object (RFC 7515 4)");

  jws_header h;
  const std::string* alg_name = nullptr;
  for (const auto& kv : *obj) {
    const std::string& name = kv.first;
    const json::value& v = kv.second;
    if (name == "alg") {
      alg_name = json::as_string(v);
      if (alg_name == nullptr) return jws_malformed("JWS header \"alg\" must be a string (RFC 7515 4.1.1)");
    } else if (name == "kid") {
      const std::string* s = json::as_string(v);
      if (s == nullptr) return jws_malformed("JWS header \"kid\" must be a string (RFC 7515 4.1.4)");
      h.kid = *s;
    } else if (name == "typ") {
      const std::string* s = json::as_string(v);
      if (s == nullptr) return jws_malformed("JWS header \"typ\" must be a string (RFC 7515 4.1.9)");
      h.typ = *s;
    } else if (name == "cty") {
      const std::string* s = json::as_string(v);
      if (s == nullptr) return jws_malformed("JWS header \"cty\" must be a string (RFC 7515 4.1.10)");
      if (media_type_equal(*s, "JWT")) {
        return jws_unsupported("nested JWTs (\"cty\": \"JWT\") are not accepted (RFC 8725 3.3)");
      }
    } else if (name == "crit") {
      return jws_unsupported(
          "JWS header has \"crit\"; no critical extensions are supported, so the token is refused (RFC 7515 4.1.11)");
    } else if (name == "jku" || name == "jwk" || name == "x5u" || name == "x5c") {
      return jws_unsupported("JWS header carries \"" + name +
                             "\": a token may not supply or point to its own key; keys come only from the "
                             "provider's JWKS (RFC 8725 3.10)");
    } else if (name == "enc" || name == "zip") {
      return jws_unsupported("JWS header has \"" + name + "\": encrypted tokens (JWE) are not supported");
    } else if (name == "b64") {
      return jws_unsupported("JWS header has \"b64\" (RFC 7797 unencoded payload), which is not supported");
    }
  }
  if (alg_name == nullptr) return jws_malformed("JWS header has no \"alg\" (RFC 7515 4.1.1)");
  if (*alg_name == "none") {
    return jws_unsupported("\"alg\": \"none\" (an unsecured JWT) is never accepted (RFC 8725 3.1)");
  }
  if (alg_name->size() >= 2 && (*alg_name)[0] == 'H' && (*alg_name)[1] == 'S') {
    return jws_unsupported("\"alg\": " + quote(*alg_name) +
                           " (HMAC) is refused: provider tokens are verified with public keys only, and an HMAC "
                           "keyed with a public key is forgeable (RFC 8725 2.1, 3.1)");
  }
  const auto alg = algorithm_from_name(*alg_name);
  if (!alg) {
    return jws_unsupported("\"alg\": " + quote(*alg_name) +
                           " is not supported (RS256/384/512, PS256/384/512, ES256/384/512 are)");
  }
  if (!allowed.contains(*alg)) {
    return jws_unsupported("\"alg\": " + quote(*alg_name) + " is not on this verifier's allow-list");
  }
  h.alg = *alg;
  return h;
}

// Splits a compact serialization into its three segments.
struct segments {
  std::string_view header, payload, signature;
};

inline result<segments> split_compact(std::string_view token) {
  if (token.empty()) return jws_malformed("the token is empty");
  if (token.size() > LOGTO_MAX_JWT_SIZE) {
    return jws_malformed("the token is " + std::to_string(token.size()) + " bytes; the limit is " +
                         std::to_string(LOGTO_MAX_JWT_SIZE) + " (LOGTO_MAX_JWT_SIZE)");
  }
  // One pass (memchr-speed finds): the first two dots, then any after them.
  const std::size_t d1 = token.find('.');
  const std::size_t d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  std::size_t dots = d1 == std::string_view::npos ? 0 : d2 == std::string_view::npos ? 1 : 2;
  if (dots == 2) {
    const std::string_view rest = token.substr(d2 + 1);
    dots += static_cast<std::size_t>(std::count(rest.begin(), rest.end(), '.'));
  }
  if (dots == 4) {
    return jws_unsupported("the token has 5 segments (a JWE, RFC 7516 7.1); encrypted tokens are not supported");
  }
  if (dots != 2) {
    return jws_malformed("a compact JWS has 3 dot-separated segments (RFC 7515 7.1); this token has " +
                         std::to_string(dots + 1));
  }
  return segments{token.substr(0, d1), token.substr(d1 + 1, d2 - d1 - 1), token.substr(d2 + 1)};
}

}  // namespace detail

/// Reads the header of a compact JWS without verifying anything (e.g. its `kid`, to decide whether a JWKS
/// refetch is due). Applies the same header policy and allow-list as `parse_compact`.
inline result<jws_header> decode_header(std::string_view token, algorithm_set allowed = algorithm_set::all()) {
  auto seg = detail::split_compact(token);
  if (!seg) return seg.error();
  return detail::parse_header(seg->header, allowed);
}

namespace detail {
/// A compact JWS as the verify path holds it: the signing input is a view of the token (the token is
/// hashed where it lies, never copied); payload and signature decoded once each.
struct compact_parts {
  jws_header header;
  std::string_view signing_input;
  std::string payload;
  std::string signature;
};

inline result<compact_parts> decode_compact(std::string_view token, algorithm_set allowed) {
  auto seg = split_compact(token);
  if (!seg) return seg.error();
  auto header = parse_header(seg->header, allowed);
  if (!header) return header.error();
  if (seg->payload.empty()) return jws_malformed("JWS payload segment is empty");
  if (seg->signature.empty())
    return jws_malformed("JWS signature segment is empty (unsecured tokens are not accepted)");
  compact_parts out;
  out.header = std::move(*header);
  out.signing_input = token.substr(0, seg->header.size() + 1 + seg->payload.size());
  auto payload = base64url_decode(seg->payload);
  if (!payload) return jws_malformed("JWS payload is not valid base64url: " + payload.error().message);
  out.payload = std::move(*payload);
  auto sig = base64url_decode(seg->signature);
  if (!sig) return jws_malformed("JWS signature is not valid base64url: " + sig.error().message);
  out.signature = std::move(*sig);
  return out;
}

inline result<void> verify_parts(const jws_header& header, std::string_view signing_input, std::string_view signature,
                                 const key_set& keys) {
  std::optional<std::string_view> kid;
  if (header.kid) kid = *header.kid;
  auto key = keys.select(header.alg, kid);
  if (!key) return key.error();
  return (*key)->verify(header.alg, signing_input, signature);
}
}  // namespace detail

/// Splits and decodes a compact JWS and checks its header (see the file comment). Verifies nothing:
/// use `verify_compact` (or jwt.hpp) to authenticate it.
inline result<compact_jws> parse_compact(std::string_view token, algorithm_set allowed = algorithm_set::all()) {
  auto parts = detail::decode_compact(token, allowed);
  if (!parts) return parts.error();
  compact_jws out;
  out.header = std::move(parts->header);
  out.signing_input.assign(parts->signing_input);
  out.payload = std::move(parts->payload);
  out.signature = std::move(parts->signature);
  return out;
}

/// Verifies a parsed JWS: picks the key (`key_set::select` by `alg` and `kid`) and checks the signature.
inline result<void> verify_signature(const compact_jws& jws, const key_set& keys) {
  return detail::verify_parts(jws.header, jws.signing_input, jws.signature, keys);
}

/// Parses and verifies a compact JWS against `keys`, accepting only algorithms in `allowed`.
/// Returns the header and the authenticated payload bytes.
inline result<verified_jws> verify_compact(std::string_view token, const key_set& keys,
                                           algorithm_set allowed = algorithm_set::all()) {
  auto parts = detail::decode_compact(token, allowed);
  if (!parts) return parts.error();
  if (auto v = detail::verify_parts(parts->header, parts->signing_input, parts->signature, keys); !v) return v.error();
  return verified_jws{std::move(parts->header), std::move(parts->payload)};
}

}  // namespace jose
}  // namespace logto
