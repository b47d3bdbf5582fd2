// logto-cpp's OIDC steps, through the public API of include/logto/oidc/ (per-op time and heap allocations):
//  * a sign-in: generate_code_verifier + generate_state (64 bytes each from the default CTR-DRBG),
//    generate_code_challenge (SHA-256, base64url) and build_sign_in_uri; and build_sign_in_uri alone;
//  * parse_token_response(http_response) on a Logto-shaped token response (JWT access and ID tokens from
//    the fixtures, refresh token, scope, expires_in, token_type).
#include <stdexcept>

#include <logto/oidc/pkce.hpp>
#include <logto/oidc/sign_in.hpp>
#include <logto/oidc/token.hpp>

#include "bench.hpp"

namespace {

using namespace logto;

oidc::sign_in_uri_params base_params() {
  oidc::sign_in_uri_params p;
  p.authorization_endpoint = "https://bench.logto.app/oidc/auth";
  p.client_id = "bench-app-id-0123";
  p.redirect_uri = "io.logto.bench://callback";
  p.scopes = {"email", "urn:logto:scope:organizations"};
  p.resources = {"https://api.bench.example"};
  return p;
}

class sign_in_op : public bench::op {
 public:
  explicit sign_in_op(bool with_pkce) : with_pkce_(with_pkce), params_(base_params()) {
    params_.code_challenge = "0K3SLeGlNNzFswYJjcVzcN4C76m_8NZORxFJLBJWGwg";
    params_.state = "tO6MabnMFRAatnlMa1DdSstypzzkgalL1-k8Hr_GdfTj-VXGiEACqAkSkDhFuAuD8FOU8lMishaXjt29Xt2Oww";
  }
  // One sign-in; returns the URI (empty on failure). The verifier would be stored with the state.
  std::string once() {
    if (with_pkce_) {
      auto verifier = oidc::generate_code_verifier(rng_);
      auto state = oidc::generate_state(rng_);
      if (!verifier || !state) return {};
      auto challenge = oidc::generate_code_challenge(*verifier);
      if (!challenge) return {};
      params_.code_challenge = std::move(*challenge);
      params_.state = std::move(*state);
      last_verifier_ = std::move(*verifier);
    }
    auto uri = oidc::build_sign_in_uri(params_);
    return uri ? std::move(*uri) : std::string();
  }
  std::size_t run(std::size_t n) override {
    std::size_t ok = 0;
    for (std::size_t i = 0; i < n; ++i) ok += once().empty() ? 0 : 1;
    return ok;
  }
  std::string check() {
    // @logto/js test vector: verifier tO6M...Oww -> challenge 0K3S...Gwg (logto-client-behaviour.md 3).
    auto c = oidc::generate_code_challenge(
        "tO6MabnMFRAatnlMa1DdSstypzzkgalL1-k8Hr_GdfTj-VXGiEACqAkSkDhFuAuD8FOU8lMishaXjt29Xt2Oww");
    if (!c || *c != "0K3SLeGlNNzFswYJjcVzcN4C76m_8NZORxFJLBJWGwg")
      return "PKCE challenge differs from @logto/js's vector";
    const std::string uri = once();
    const std::string prefix =
        "https://bench.logto.app/oidc/auth?client_id=bench-app-id-0123&redirect_uri=io.logto.bench%3A%2F%2Fcallback"
        "&code_challenge=";
    const std::string suffix =
        "&response_type=code&prompt=consent&scope=openid+offline_access+profile+email+urn%3Alogto%3Ascope%3A"
        "organizations&resource=https%3A%2F%2Fapi.bench.example";
    if (uri.rfind(prefix, 0) != 0 || uri.size() < suffix.size() ||
        uri.compare(uri.size() - suffix.size(), suffix.size(), suffix) != 0) {
      return "unexpected sign-in URI: " + uri;
    }
    if (uri.find("&state=" + params_.state + "&") == std::string::npos ||
        uri.find("code_challenge=" + params_.code_challenge + "&code_challenge_method=S256") == std::string::npos) {
      return "state or challenge missing from the URI";
    }
    if (with_pkce_ && (last_verifier_.size() != 86 || params_.state.size() != 86)) return "verifier/state not 86 chars";
    return {};
  }

 private:
  bool with_pkce_;
  oidc::sign_in_uri_params params_;
  crypto::default_random rng_;
  std::string last_verifier_;
};

class token_response_op : public bench::op {
 public:
  token_response_op() {
    const bench::jwt_fixture& f = bench::jwt_case("ES384");
    response_.status = 200;
    response_.headers.push_back({"content-type", "application/json; charset=utf-8"});
    response_.body =
        R"({"access_token":")" + f.access_token + R"(","expires_in":3600,"id_token":")" + f.token +
        R"(","refresh_token":"rT0k3n-4bCdEfGhIjKlMnOpQrStUvWxYz0123456789abc","scope":"openid offline_access profile email","token_type":"Bearer"})";
    access_token_ = f.access_token;
    id_token_ = f.token;
  }
  std::size_t run(std::size_t n) override {
    std::size_t ok = 0;
    for (std::size_t i = 0; i < n; ++i) ok += oidc::parse_token_response(response_).has_value() ? 1 : 0;
    return ok;
  }
  std::string check() const {
    auto t = oidc::parse_token_response(response_);
    if (!t) return "parse failed: " + t.error().message;
    if (t->access_token != access_token_ || !t->id_token || *t->id_token != id_token_ || !t->expires_in ||
        *t->expires_in != 3600 || !t->refresh_token || !t->scope) {
      return "parsed fields differ from the response";
    }
    return {};
  }
  std::size_t body_size() const { return response_.body.size(); }

 private:
  http_response response_;
  std::string access_token_, id_token_;
};

const bench::register_op reg_sign_in("oidc/sign-in URI",
                                     "logto-cpp: PKCE verifier + state + challenge + build_sign_in_uri", 10, false,
                                     [](std::string& self_check, std::string& why_not) -> std::unique_ptr<bench::op> {
                                       auto o = std::make_unique<sign_in_op>(true);
                                       why_not = o->check();
                                       if (!why_not.empty()) return nullptr;
                                       self_check =
                                           "@logto/js PKCE vector; URI parameters and order as generateSignInUri";
                                       return o;
                                     });

const bench::register_op reg_sign_in_only("oidc/sign-in URI",
                                          "logto-cpp: build_sign_in_uri only (fixed challenge and state)", 20, false,
                                          [](std::string& self_check,
                                             std::string& why_not) -> std::unique_ptr<bench::op> {
                                            auto o = std::make_unique<sign_in_op>(false);
                                            why_not = o->check();
                                            if (!why_not.empty()) return nullptr;
                                            self_check = "URI parameters and order as generateSignInUri";
                                            return o;
                                          });

const bench::register_op reg_token("oidc/token response", "logto-cpp: oidc::parse_token_response", 10, false,
                                   [](std::string& self_check, std::string& why_not) -> std::unique_ptr<bench::op> {
                                     auto o = std::make_unique<token_response_op>();
                                     why_not = o->check();
                                     if (!why_not.empty()) return nullptr;
                                     self_check =
                                         "all fields read back (" + std::to_string(o->body_size()) + "-byte body)";
                                     return o;
                                   });

}  // namespace
