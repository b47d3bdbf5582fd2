// Target api_authorization: an Authorization header value (or a bare token) as an API server receives
// it, checked by api::access_token_verifier against the fixture JWKS of tests/data/jose, with the
// fixture's issuer and resource, at the fixture's time (a verifier built once, as a server builds it).
// Byte 0 picks the verifier: even = the API resource, odd = any organization.
//
// Properties:
// - bearer_token returns a non-empty RFC 6750 b64token taken from the input itself, and the input is that
//   token or "Bearer" (any case) then spaces then it;
// - a token the verifier accepts is accepted by jose::verify_jwt with the same options (a second path)
//   and verifies under an independent mbedTLS pk call (jose_oracle.hpp); its claims are the ones returned;
// - a refusal has an RFC 6750 answer: status 400, 401, 403 or 503, and a WWW-Authenticate value made of
//   the realm, an RFC 6750 error code and a fixed sentence of letters and spaces only (nothing echoed).
#include <logto/api/access_token_verifier.hpp>

#include "common.hpp"
#include "jose_oracle.hpp"

namespace {

struct fixture {
  picojson::value jwks;
  std::string jwks_text, issuer, resource;
  std::int64_t now = 0;
};

const fixture& fx() {
  static const fixture f = [] {
    fixture out;
    out.jwks_text = fuzz::read_source_file("tests/data/jose/jwks.json");
    out.jwks = *fuzz::independent_json(out.jwks_text);
    const auto tokens = fuzz::independent_json(fuzz::read_source_file("tests/data/jose/tokens.json"));
    FUZZ_REQUIRE(tokens && fuzz::member(*tokens, "T") != nullptr, "tests/data/jose/tokens.json is readable");
    out.now = static_cast<std::int64_t>(fuzz::member(*tokens, "T")->get<double>()) + 60;
    out.issuer = *fuzz::member_string(*tokens, "issuer");
    out.resource = *fuzz::member_string(*tokens, "resource");
    return out;
  }();
  return f;
}

using verifier = logto::api::access_token_verifier<logto::manual_clock, logto::null_mutex>;

logto::api::verifier_options options_for(bool organizations) {
  const fixture& f = fx();
  logto::api::verifier_options o;
  o.issuer = f.issuer;
  o.realm = "fuzz";
  if (organizations) {
    o.any_organization = true;
  } else {
    o.audience = f.resource;
  }
  return o;
}

verifier& make(bool organizations) {
  static verifier resource_verifier(options_for(false), logto::manual_clock{fx().now});
  static verifier organization_verifier(options_for(true), logto::manual_clock{fx().now});
  verifier& v = organizations ? organization_verifier : resource_verifier;
  if (!v.has_keys()) FUZZ_REQUIRE(v.load_jwks(fx().jwks_text).has_value(), "the fixture JWKS loads");
  return v;
}

bool b64token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Not vacuous: a fixture access token passes both paths, and its tampered copy passes neither.
  const auto doc = fuzz::independent_json(fuzz::read_source_file("tests/data/jose/tokens.json"));
  const std::string token = *fuzz::member_string(*fuzz::member(*doc, "tokens"), "at.valid");
  FUZZ_REQUIRE(make(false).verify("Bearer " + token).has_value(), "the verifier accepts at.valid");
  FUZZ_REQUIRE(fuzz::independently_verified(token, fx().jwks), "the oracle accepts at.valid");
  std::string tampered = token;
  tampered[tampered.size() - 4] = tampered[tampered.size() - 4] == 'A' ? 'B' : 'A';
  FUZZ_REQUIRE(!make(false).verify("Bearer " + tampered).has_value(), "the verifier refuses a tampered token");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input = fuzz::as_view(data, size);
  const bool organizations = (fuzz::take_byte(input) & 1u) != 0;
  verifier& v = make(organizations);

  if (auto token = logto::api::bearer_token(input)) {
    FUZZ_REQUIRE(!token->empty(), "a bearer token is not empty");
    for (const char c : *token) FUZZ_REQUIRE(b64token_char(c), "a bearer token is an RFC 6750 b64token");
    const std::string_view t = trim(input);
    FUZZ_REQUIRE(t.size() >= token->size() && t.substr(t.size() - token->size()) == *token,
                 "the bearer token ends the header value");
    const std::string_view scheme = trim(t.substr(0, t.size() - token->size()));
    FUZZ_REQUIRE(scheme.empty() || logto::jose::detail::ascii_iequal(scheme, "Bearer"),
                 "the header is a bare token or Bearer <token>");
  }

  auto r = v.verify(input);
  if (r) {
    const auto token = logto::api::bearer_token(input);
    FUZZ_REQUIRE(token.has_value(), "an accepted header has a bearer token");
    FUZZ_REQUIRE(fuzz::independently_verified(*token, fx().jwks), "an accepted token verifies independently");
    auto keys = logto::jose::key_set::parse(fx().jwks_text);
    logto::jose::verify_options o = logto::jose::verify_options::access_token(fx().issuer, fx().resource, fx().now);
    if (organizations) {
      FUZZ_REQUIRE(r->organization_id.has_value(), "an organization token names its organization");
      o.audience = "urn:logto:organization:" + *r->organization_id;
    }
    auto again = logto::jose::verify_jwt(*token, *keys, o);
    FUZZ_REQUIRE(again.has_value(), "jose::verify_jwt accepts what the verifier accepted");
    FUZZ_REQUIRE(again->claims.sub.value_or("") == r->subject && again->claims.exp.value_or(0) == r->expires_at &&
                     again->claims.aud == r->audience,
                 "the verifier returns the token's own claims");
  } else {
    const auto c = v.challenge_for(r.error());
    FUZZ_REQUIRE(c.status == 400 || c.status == 401 || c.status == 403 || c.status == 503,
                 "a refusal answers 400, 401, 403 or 503");
    // The whole value is the RFC 6750 vocabulary: the realm, an error code and an English sentence of
    // letters and spaces, so nothing of the input (a token has dots, digits or '=') can be echoed.
    const std::string& w = c.www_authenticate;
    if (c.status == 503) {
      FUZZ_REQUIRE(w.empty(), "a 503 has no challenge");
    } else {
      const std::string realm = R"(Bearer realm="fuzz")";
      FUZZ_REQUIRE(w.compare(0, realm.size(), realm) == 0, "the challenge starts with the realm");
      if (w.size() > realm.size()) {
        const std::string expected =
            realm + R"(, error=")" + c.error + R"(", error_description=")" + c.error_description + "\"";
        FUZZ_REQUIRE(w == expected, "the challenge is realm, error and error_description only");
        FUZZ_REQUIRE(c.error == "invalid_request" || c.error == "invalid_token" || c.error == "insufficient_scope",
                     "the error is an RFC 6750 code");
        for (const char ch : c.error_description) {
          FUZZ_REQUIRE((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == ' ',
                       "error_description is a fixed sentence");
        }
      }
    }
  }
  return 0;
}
