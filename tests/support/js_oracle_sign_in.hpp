// The inputs of a generateSignInUri case of tests/data/oidc/js_oracle.json as sign_in_uri_params: shared by
// the unit test (tests/unit/oidc_js_oracle.cpp) and the Cortex-M4 smoke (tests/embedded/smoke.cpp). A member
// of the wrong type reads as absent, which makes the URI differ from the oracle's and the check fail.
#pragma once

#include <logto/core/strict_json.hpp>
#include <logto/oidc/sign_in.hpp>

#include <string>
#include <vector>

namespace js_oracle {

inline std::string string_at(const logto::json::object& o, const char* key) {
  const logto::json::value* v = logto::json::find(o, key);
  const std::string* s = v != nullptr ? logto::json::as_string(*v) : nullptr;
  return s != nullptr ? *s : std::string();
}

inline std::vector<std::string> strings_at(const logto::json::object& o, const char* key) {
  std::vector<std::string> out;
  const logto::json::value* v = logto::json::find(o, key);
  const logto::json::array* a = v != nullptr ? logto::json::as_array(*v) : nullptr;
  if (a != nullptr) {
    for (const auto& e : *a) out.push_back(logto::json::as_string(e) != nullptr ? *logto::json::as_string(e) : "");
  }
  return out;
}

/// An array of [name, value] string pairs, e.g. "extraParams".
inline logto::query_params pairs_at(const logto::json::object& o, const char* key) {
  using logto::json::as_array;
  using logto::json::as_string;
  logto::query_params out;
  const logto::json::value* v = logto::json::find(o, key);
  if (v == nullptr || as_array(*v) == nullptr) return out;
  for (const auto& kv : *as_array(*v)) {
    const logto::json::array* pair = as_array(kv);
    if (pair != nullptr && pair->size() == 2 && as_string((*pair)[0]) != nullptr && as_string((*pair)[1]) != nullptr) {
      out.emplace_back(*as_string((*pair)[0]), *as_string((*pair)[1]));
    }
  }
  return out;
}

/// `in` is a case's "input" object.
inline logto::oidc::sign_in_uri_params sign_in_params(const logto::json::object& in) {
  using logto::json::as_object;
  using logto::json::find;
  logto::oidc::sign_in_uri_params p;
  p.authorization_endpoint = string_at(in, "authorizationEndpoint");
  p.client_id = string_at(in, "clientId");
  p.redirect_uri = string_at(in, "redirectUri");
  p.code_challenge = string_at(in, "codeChallenge");
  p.state = string_at(in, "state");
  p.scopes = strings_at(in, "scopes");
  p.resources = strings_at(in, "resources");
  p.prompt = strings_at(in, "prompt");
  const logto::json::value* reserved = find(in, "includeReservedScopes");
  p.include_reserved_scopes = reserved == nullptr || !reserved->is<bool>() || reserved->get<bool>();
  p.login_hint = string_at(in, "loginHint");
  if (const logto::json::value* d = find(in, "directSignIn"); d != nullptr && as_object(*d) != nullptr) {
    p.direct_sign_in_target =
        logto::oidc::direct_sign_in{string_at(*as_object(*d), "method"), string_at(*as_object(*d), "target")};
  }
  p.first_screen = string_at(in, "firstScreen");
  p.interaction_mode = string_at(in, "interactionMode");
  p.identifiers = strings_at(in, "identifiers");
  p.one_time_token = string_at(in, "oneTimeToken");
  p.extra_params = pairs_at(in, "extraParams");
  return p;
}

}  // namespace js_oracle
