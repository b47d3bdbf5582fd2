// Shared helpers for the jose_*.cpp tests: fixtures from tests/data/jose (made by generate.mjs with npm jose and
// node:crypto; see that script for what each token is) and small token mutators.
#pragma once

#include <logto/core/encoding.hpp>
#include <logto/core/strict_json.hpp>
#include <logto/jose/jwk.hpp>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>

namespace jose_test {

inline std::string read_data(const std::string& name) {
  std::ifstream in(std::string(LOGTO_TEST_DATA_DIR) + "/jose/" + name, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct fixture_set {
  logto::json::value doc;
  const logto::json::object* root = nullptr;
  const logto::json::object* tokens = nullptr;
  std::int64_t T = 0;
  std::string issuer, client_id, nonce, resource;
};

inline const fixture_set& fixtures() {
  static const fixture_set set = [] {
    fixture_set f;
    auto parsed = logto::json::parse(read_data("tokens.json"));
    if (!parsed) return f;
    f.doc = std::move(*parsed);
    f.root = logto::json::as_object(f.doc);
    if (f.root == nullptr) return f;
    if (const auto* t = logto::json::find(*f.root, "tokens")) f.tokens = logto::json::as_object(*t);
    f.T = logto::json::get_integer(*f.root, "T").value_or(0);
    f.issuer = logto::json::get_string(*f.root, "issuer").value_or("");
    f.client_id = logto::json::get_string(*f.root, "client_id").value_or("");
    f.nonce = logto::json::get_string(*f.root, "nonce").value_or("");
    f.resource = logto::json::get_string(*f.root, "resource").value_or("");
    return f;
  }();
  return set;
}

/// The fixture token called `name` (empty when missing, which makes the test fail loudly elsewhere).
inline std::string token(const std::string& name) {
  const auto& f = fixtures();
  if (f.tokens == nullptr) return {};
  const auto* v = logto::json::find(*f.tokens, name);
  const std::string* s = v ? logto::json::as_string(*v) : nullptr;
  return s ? *s : std::string();
}

/// Key sets parsed once per process (the first verification per curve builds its EC table, a few ms).
inline const logto::jose::key_set& keys(const std::string& file) {
  static const logto::jose::key_set main =
      logto::jose::key_set::parse(read_data("jwks.json")).value_or(logto::jose::key_set());
  static const logto::jose::key_set single =
      logto::jose::key_set::parse(read_data("jwks-single.json")).value_or(logto::jose::key_set());
  static const logto::jose::key_set two =
      logto::jose::key_set::parse(read_data("jwks-two-p384.json")).value_or(logto::jose::key_set());
  static const logto::jose::key_set rotated =
      logto::jose::key_set::parse(read_data("jwks-rotated.json")).value_or(logto::jose::key_set());
  if (file == "jwks-single.json") return single;
  if (file == "jwks-two-p384.json") return two;
  if (file == "jwks-rotated.json") return rotated;
  return main;
}
inline const logto::jose::key_set& main_keys() { return keys("jwks.json"); }

/// Segment `index` (0 header, 1 payload, 2 signature) of a compact token.
inline std::string segment(const std::string& token, int index) {
  std::size_t start = 0;
  for (int i = 0; i < index; ++i) start = token.find('.', start) + 1;
  const std::size_t end = token.find('.', start);
  return token.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

/// The token with segment `index` replaced by `value` (already encoded).
inline std::string with_segment(const std::string& token, int index, const std::string& value) {
  std::string out;
  for (int i = 0; i < 3; ++i) {
    if (i != 0) out += '.';
    out += i == index ? value : segment(token, i);
  }
  return out;
}

/// The token with one byte of its decoded signature flipped.
inline std::string tamper_signature(const std::string& token) {
  auto sig = logto::base64url_decode(segment(token, 2));
  std::string bytes = sig ? *sig : std::string();
  if (bytes.size() > 10) bytes[10] = static_cast<char>(bytes[10] ^ 0x01);
  return with_segment(token, 2, logto::base64url_encode(bytes));
}

/// The token with its payload replaced by `json_text` (signature left as it was).
inline std::string with_payload(const std::string& token, const std::string& json_text) {
  return with_segment(token, 1, logto::base64url_encode(json_text));
}

}  // namespace jose_test
