// Target claims: the payload of a JWT (an ID token or an access token, e.g. a stored `idToken`), read
// without verification by oidc::decode_id_token / decode_access_token and jose::decode_unverified, and
// checked by jose::validate_claims. The input is the payload JSON; the target wraps it into a compact
// token (fixed ES256 header, base64url payload, dummy signature), so the fuzzer mutates JSON directly.
//
// Properties, for every decoder that accepts the token:
// - picojson reads the payload as an object, and every typed claim equals picojson's value (strings
//   exactly; exp/iat the floor of the number; aud a string or all strings of the array; optional strings
//   absent when the member is missing or null);
// - validate_claims succeeding implies the expected iss, an aud containing the audience and exp after
//   now - leeway (read from picojson, not from the library's claims).
#include <logto/jose/jwt.hpp>
#include <logto/oidc/claims.hpp>

#include <cmath>

#include "common.hpp"

namespace {

const std::string issuer = "https://tenant.logto.app/oidc";
const std::string client_id = "client-123";
constexpr std::int64_t now = 1700000000;

std::optional<std::int64_t> opt_date(const picojson::value& payload, const char* name) {
  const picojson::value* v = fuzz::member(payload, name);
  if (v == nullptr || v->is<picojson::null>()) return std::nullopt;
  FUZZ_REQUIRE(v->is<double>(), "an accepted date claim is a number");
  return static_cast<std::int64_t>(std::floor(v->get<double>()));
}

std::vector<std::string> audiences(const picojson::value& payload) {
  std::vector<std::string> out;
  const picojson::value* v = fuzz::member(payload, "aud");
  if (v == nullptr || v->is<picojson::null>()) return out;
  if (v->is<std::string>()) return {v->get<std::string>()};
  FUZZ_REQUIRE(v->is<picojson::array>(), "an accepted aud is a string or an array");
  for (const auto& a : v->get<picojson::array>()) {
    FUZZ_REQUIRE(a.is<std::string>(), "an accepted aud array holds strings");
    out.push_back(a.get<std::string>());
  }
  return out;
}

std::vector<std::string> string_array(const picojson::value& payload, const char* name) {
  std::vector<std::string> out;
  const picojson::value* v = fuzz::member(payload, name);
  if (v == nullptr || v->is<picojson::null>()) return out;
  FUZZ_REQUIRE(v->is<picojson::array>(), "an accepted string-array claim is an array");
  for (const auto& a : v->get<picojson::array>()) {
    FUZZ_REQUIRE(a.is<std::string>(), "an accepted string-array claim holds strings");
    out.push_back(a.get<std::string>());
  }
  return out;
}

picojson::value payload_of(std::string_view json) {
  auto v = fuzz::independent_json(json);
  FUZZ_REQUIRE(v && v->is<picojson::object>(), "picojson reads an accepted payload as an object");
  return *v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view json = fuzz::as_view(data, size);
  const std::string token = "eyJhbGciOiJFUzI1NiJ9." + logto::base64url_encode(json) + ".c2ln";

  if (auto c = logto::oidc::decode_id_token(token)) {
    const picojson::value p = payload_of(json);
    FUZZ_REQUIRE(fuzz::optional_string(p, "iss") == c->iss && fuzz::optional_string(p, "sub") == c->sub,
                 "ID token iss/sub agree");
    const auto aud = audiences(p);
    FUZZ_REQUIRE(aud == c->audiences && (aud.size() == 1 ? c->aud == aud[0] : c->aud.empty()), "ID token aud agrees");
    FUZZ_REQUIRE(opt_date(p, "exp") == c->exp && opt_date(p, "iat") == c->iat, "ID token exp/iat agree");
    FUZZ_REQUIRE(fuzz::optional_string(p, "email") == c->email && fuzz::optional_string(p, "name") == c->name &&
                     fuzz::optional_string(p, "username") == c->username &&
                     fuzz::optional_string(p, "picture") == c->picture &&
                     fuzz::optional_string(p, "phone_number") == c->phone_number &&
                     fuzz::optional_string(p, "at_hash") == c->at_hash,
                 "ID token optional strings agree");
    FUZZ_REQUIRE(string_array(p, "roles") == c->roles && string_array(p, "organizations") == c->organizations &&
                     string_array(p, "organization_roles") == c->organization_roles,
                 "ID token arrays agree");
  }

  auto access = logto::oidc::decode_access_token(token);
  if (access && json.empty()) {
    // an empty payload segment is an opaque token (as @logto/js): no claims at all
    FUZZ_REQUIRE(!access->iss && !access->sub && !access->exp && access->audiences.empty() && access->raw.empty(),
                 "an opaque access token has no claims");
  } else if (access) {
    const auto* c = &*access;
    const picojson::value p = payload_of(json);
    FUZZ_REQUIRE(fuzz::optional_string(p, "iss") == c->iss && fuzz::optional_string(p, "sub") == c->sub &&
                     fuzz::optional_string(p, "jti") == c->jti &&
                     fuzz::optional_string(p, "client_id") == c->client_id &&
                     fuzz::optional_string(p, "scope") == c->scope,
                 "access token strings agree");
    const auto aud = audiences(p);
    FUZZ_REQUIRE(aud == c->audiences && (aud.size() == 1 ? c->aud == aud[0] : !c->aud), "access token aud agrees");
    FUZZ_REQUIRE(opt_date(p, "exp") == c->exp && opt_date(p, "iat") == c->iat, "access token exp/iat agree");
  }

  if (auto u = logto::jose::decode_unverified(token)) {
    const picojson::value p = payload_of(json);
    const auto& c = u->claims;
    FUZZ_REQUIRE(fuzz::optional_string(p, "iss") == c.iss && fuzz::optional_string(p, "sub") == c.sub &&
                     fuzz::optional_string(p, "nonce") == c.nonce && fuzz::optional_string(p, "azp") == c.azp,
                 "decode_unverified strings agree");
    FUZZ_REQUIRE(audiences(p) == c.aud, "decode_unverified aud agrees");
    logto::jose::verify_options o;
    o.issuer = issuer;
    o.audience = client_id;
    o.authorized_party = client_id;
    o.now = now;
    if (logto::jose::validate_claims(c, o)) {
      const auto iss = fuzz::optional_string(p, "iss");
      const auto aud = audiences(p);
      const picojson::value* exp = fuzz::member(p, "exp");
      FUZZ_REQUIRE(iss == issuer, "validated claims have the expected iss");
      FUZZ_REQUIRE(std::find(aud.begin(), aud.end(), client_id) != aud.end(), "validated claims contain the audience");
      FUZZ_REQUIRE(exp != nullptr && exp->is<double>() &&
                       static_cast<double>(now) <
                           std::floor(exp->get<double>()) + static_cast<double>(logto::jose::default_id_token_leeway),
                   "validated claims have not expired");
    }
  }
  return 0;
}
