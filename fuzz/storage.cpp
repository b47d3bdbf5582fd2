// Target storage: values the client reads back from the host's storage, which another process (a JS
// app sharing the storage, an attacker with access to it) may have written. Byte 0 picks the format:
// the sign-in session (`signInSession`), the access-token map (`accessToken`), or a stored ID token
// (`idToken`, read by decode_id_token for get_id_token_claims).
//
// Properties:
// - parse -> serialise -> parse gives an equal value, and serialising is a fixed point after one round
//   (serialise(parse(serialise(v))) == serialise(v)), for the session and the map (numbers included:
//   `expiresAt` survives the round trip exactly; -0 comes back as 0, as JSON.stringify writes it);
// - the parsed value agrees with picojson's reading of the text;
// - a stored ID token that decodes has the string iss/sub and numeric exp/iat of its payload.
#include <logto/oidc/claims.hpp>
#include <logto/oidc/session.hpp>

#include "common.hpp"

namespace {

bool same_entries(const logto::oidc::access_token_map& a, const logto::oidc::access_token_map& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto& x = a.entries()[i];
    const auto& y = b.entries()[i];
    if (x.first != y.first || x.second.token != y.second.token || x.second.scope != y.second.scope ||
        x.second.expires_at != y.second.expires_at) {  // == on purpose: -0 is written "0", as JSON.stringify does
      return false;
    }
  }
  return true;
}

bool same_session(const logto::oidc::sign_in_session& a, const logto::oidc::sign_in_session& b) {
  return a.redirect_uri == b.redirect_uri && a.post_redirect_uri == b.post_redirect_uri &&
         a.code_verifier == b.code_verifier && a.state == b.state;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = fuzz::as_view(data, size);
  const unsigned kind = fuzz::take_byte(in) % 3;
  if (kind == 0) {
    auto s = logto::oidc::parse_sign_in_session(in);
    if (!s) return 0;
    const auto p = fuzz::independent_json(in);
    FUZZ_REQUIRE(p.has_value(), "picojson reads an accepted session");
    FUZZ_REQUIRE(fuzz::member_string(*p, "redirectUri") && *fuzz::member_string(*p, "redirectUri") == s->redirect_uri &&
                     fuzz::member_string(*p, "state") && *fuzz::member_string(*p, "state") == s->state,
                 "the session agrees with picojson");
    const std::string text = logto::oidc::serialize_sign_in_session(*s);
    auto again = logto::oidc::parse_sign_in_session(text);
    FUZZ_REQUIRE(again.has_value() && same_session(*s, *again), "a serialised session parses back equal");
    FUZZ_REQUIRE(logto::oidc::serialize_sign_in_session(*again) == text, "session serialisation is a fixed point");
  } else if (kind == 1) {
    auto m = logto::oidc::parse_access_token_map(in);
    if (!m) return 0;
    const auto p = fuzz::independent_json(in);
    FUZZ_REQUIRE(p && p->is<picojson::object>() && p->get<picojson::object>().size() == m->size(),
                 "the map has picojson's number of entries");
    for (const auto& e : m->entries()) {
      const picojson::value* entry = fuzz::member(*p, e.first);
      FUZZ_REQUIRE(entry != nullptr && *fuzz::member_string(*entry, "token") == e.second.token &&
                       fuzz::member(*entry, "expiresAt")->get<double>() == e.second.expires_at,
                   "every map entry agrees with picojson");
    }
    const std::string text = logto::oidc::serialize_access_token_map(*m);
    auto again = logto::oidc::parse_access_token_map(text);
    FUZZ_REQUIRE(again.has_value() && same_entries(*m, *again), "a serialised map parses back equal");
    FUZZ_REQUIRE(logto::oidc::serialize_access_token_map(*again) == text, "map serialisation is a fixed point");
  } else {
    auto c = logto::oidc::decode_id_token(in);
    if (!c) return 0;
    const auto parts = fuzz::split(in, '.', 3);
    FUZZ_REQUIRE(parts.size() >= 2, "a decoded ID token has a payload segment");
    std::string_view seg = parts[1];
    while (!seg.empty() && seg.back() == '=') seg.remove_suffix(1);
    const auto bytes = fuzz::base64_decode(seg, true, true);
    FUZZ_REQUIRE(bytes.has_value(), "a decoded ID token's payload is base64url");
    const auto p = fuzz::independent_json(*bytes);
    FUZZ_REQUIRE(p && fuzz::member_string(*p, "iss") && *fuzz::member_string(*p, "iss") == c->iss &&
                     fuzz::member_string(*p, "sub") && *fuzz::member_string(*p, "sub") == c->sub,
                 "a stored ID token's iss and sub agree with picojson");
    FUZZ_REQUIRE(fuzz::member(*p, "exp")->is<double>() && fuzz::member(*p, "iat")->is<double>(),
                 "a stored ID token has numeric exp and iat");
  }
  return 0;
}
