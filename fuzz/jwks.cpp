// Target jwks: a JWKS document from outside (the provider's jwks_uri), against fixed valid tokens of
// tests/data/jose/tokens.json (RS, PS and ES of every size).
//
// Properties, when key_set::parse accepts the document:
// - picojson reads it too, every entry is either a usable key or an ignored one, and every usable key's
//   kid is the kid of some entry; an RSA key has at least LOGTO_MIN_RSA_BITS bits;
// - the fingerprint depends on the keys, not on the JSON spelling: the document re-serialised by
//   picojson gives the same fingerprint and the same number of usable keys;
// - every fixed token the set verifies (verify_compact) also verifies under the independent mbedTLS
//   check with the same document (jose_oracle.hpp), by the key its kid names.
#include <logto/jose/jws.hpp>

#include "common.hpp"
#include "jose_oracle.hpp"

namespace {

const std::vector<std::string>& tokens() {
  static const std::vector<std::string> list = [] {
    std::vector<std::string> out;
    const auto doc = fuzz::independent_json(fuzz::read_source_file("tests/data/jose/tokens.json"));
    FUZZ_REQUIRE(doc.has_value(), "tests/data/jose/tokens.json is JSON");
    for (const auto& kv : fuzz::member(*doc, "tokens")->get<picojson::object>()) {
      const std::string& name = kv.first;
      if (name.rfind("valid.", 0) == 0 || name.rfind("kid-absent.", 0) == 0 || name == "at.rs256") {
        out.push_back(kv.second.get<std::string>());
      }
    }
    return out;
  }();
  return list;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const std::string jwks = fuzz::read_source_file("tests/data/jose/jwks.json");
  const auto keys = logto::jose::key_set::parse(jwks);
  const auto doc = fuzz::independent_json(jwks);
  int verified = 0;
  for (const auto& t : tokens()) {
    const bool lib = logto::jose::verify_compact(t, *keys).has_value();
    const bool oracle = fuzz::independently_verified(t, *doc);
    FUZZ_REQUIRE(!lib || oracle, "the oracle accepts what the library accepts with the fixture JWKS");
    verified += lib && oracle ? 1 : 0;
  }
  FUZZ_REQUIRE(verified >= 10, "the fixture JWKS verifies the fixed tokens");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_view(data, size);
  auto keys = logto::jose::key_set::parse(text);
  if (!keys) return 0;
  const auto doc = fuzz::independent_json(text);
  FUZZ_REQUIRE(doc.has_value(), "picojson reads a JWKS the library accepted");
  const picojson::value* entries = fuzz::member(*doc, "keys");
  FUZZ_REQUIRE(entries != nullptr && entries->is<picojson::array>(), "an accepted JWKS has a keys array");
  const auto& list = entries->get<picojson::array>();
  FUZZ_REQUIRE(keys->size() + keys->ignored().size() == list.size(), "every JWKS entry is used or ignored");
  for (const auto& k : keys->keys()) {
    if (k.type() == logto::jose::key_type::rsa) FUZZ_REQUIRE(k.bits() >= LOGTO_MIN_RSA_BITS, "RSA keys are large");
    if (!k.kid()) continue;
    bool found = false;
    for (const auto& e : list) {
      const std::string* kid = fuzz::member_string(e, "kid");
      found = found || (kid != nullptr && *kid == *k.kid());
    }
    FUZZ_REQUIRE(found, "a usable key's kid comes from the document");
    FUZZ_REQUIRE(keys->knows_kid(*k.kid()), "knows_kid knows every usable key");
  }

  const auto again = logto::jose::key_set::parse(doc->serialize());
  FUZZ_REQUIRE(again.has_value(), "the JWKS re-serialised by picojson still parses");
  FUZZ_REQUIRE(again->fingerprint() == keys->fingerprint(), "the fingerprint ignores the JSON spelling");
  FUZZ_REQUIRE(again->size() == keys->size(), "re-serialising keeps the usable keys");

  for (const auto& t : tokens()) {
    if (logto::jose::verify_compact(t, *keys)) {
      FUZZ_REQUIRE(fuzz::independently_verified(t, *doc), "a token the JWKS verifies verifies independently");
    }
  }
  return 0;
}
