// logto-cpp's JOSE contenders, through the public API of include/logto/jose/:
//  * ID tokens: jose::verify_id_token(token, key_set, id_token_options) - split, base64url, header policy,
//    JSON, kid lookup in a JWKS of four keys, signature, iss/aud/azp/sub/exp/nbf/iat.
//    The key_set is parsed once (as the jwks_cache would hold it), the options are built once.
//  * Access tokens for an API (groups access-token/<case>): verify_jwt without a cache, and
//    jose::verified_token_cache first-seen (cache cleared before each call) and repeat.
//
// `now`: every contender reads the clock on each verification. Ours reads logto::system_clock and, so that
// the ID token's |iat - now| <= 300 s rule (which the C libraries do not have) still holds when callgrind runs
// late in a long benchmark run, uses min(clock, iat + 60): the clock read is kept, the value stays plausible.
#include <algorithm>
#include <stdexcept>

#include <logto/core/time.hpp>
#include <logto/jose/id_token.hpp>
#include <logto/jose/jwt.hpp>
#include <logto/jose/token_cache.hpp>

#include "bench.hpp"

namespace {

using namespace logto;

jose::algorithm alg_of(const std::string& name) {
  const auto a = jose::algorithm_from_name(name);
  if (!a) throw std::runtime_error("unknown alg " + name);
  return *a;
}

jose::key_set parse_keys(const bench::jwt_fixture& f) {
  auto keys = jose::key_set::parse(f.jwks_json);
  if (!keys) throw std::runtime_error("key_set::parse: " + keys.error().message);
  return std::move(*keys);
}

std::int64_t bench_now(const bench::jwt_fixture& f) { return std::min(system_clock().now(), f.iat + 60); }

class logto_id_token_verifier : public bench::simple_verifier {
 public:
  explicit logto_id_token_verifier(const bench::jwt_fixture& f) : f_(f), keys_(parse_keys(f)) {
    options_.issuer = f.issuer;
    options_.client_id = f.audience;
    options_.algorithms = jose::algorithm_set{alg_of(f.alg)};
  }
  bool verify(const std::string& token) override {
    options_.now = bench_now(f_);
    return jose::verify_id_token(token, keys_, options_).has_value();
  }

 private:
  const bench::jwt_fixture& f_;
  jose::key_set keys_;
  jose::id_token_options options_;
};

const bench::register_verifier reg_id("logto-cpp: jose::verify_id_token", 10, false,
                                      [](const bench::jwt_fixture& f,
                                         std::string&) -> std::unique_ptr<bench::verifier> {
                                        return std::make_unique<logto_id_token_verifier>(f);
                                      });

// ---- access tokens

enum class at_mode { no_cache, first_seen, repeat };

class access_token_op : public bench::op {
 public:
  access_token_op(const bench::jwt_fixture& f, at_mode mode)
      : f_(f),
        mode_(mode),
        keys_(parse_keys(f)),
        options_(jose::verify_options::access_token(f.issuer, f.resource, 0)) {
    options_.algorithms = jose::algorithm_set{alg_of(f.alg)};
  }
  bool once() {
    options_.now = bench_now(f_);
    if (mode_ == at_mode::no_cache) return jose::verify_jwt(f_.access_token, keys_, options_).has_value();
    if (mode_ == at_mode::first_seen) cache_.clear();
    return cache_.verify(f_.access_token, keys_, options_).has_value();
  }
  std::size_t run(std::size_t n) override {
    std::size_t ok = 0;
    for (std::size_t i = 0; i < n; ++i) ok += once() ? 1 : 0;
    return ok;
  }
  // Self-check: accepts the access token, rejects it for another resource and when tampered.
  std::string check() {
    if (!once()) return "rejects the valid access token";
    const std::string& t = f_.access_token;
    const auto dot = t.rfind('.');
    std::string tampered = t;
    tampered[dot + 10] = tampered[dot + 10] == 'A' ? 'B' : 'A';
    jose::verified_token_cache fresh;
    options_.now = bench_now(f_);
    if (fresh.verify(tampered, keys_, options_)) return "accepts a tampered access token";
    auto other = options_;
    other.audience = "https://other.example";
    if (jose::verify_jwt(t, keys_, other)) return "accepts the access token for another resource";
    if (mode_ == at_mode::repeat) {
      if (!once() || cache_.hits() == 0) return "repeat did not hit the cache";
      if (cache_.verify(t, keys_, other)) return "a cached token was accepted for another resource";
    }
    return {};
  }

 private:
  const bench::jwt_fixture& f_;
  at_mode mode_;
  jose::key_set keys_;
  jose::verify_options options_;
  jose::verified_token_cache cache_;
};

struct register_access_token_ops {
  register_access_token_ops() {
    const std::pair<at_mode, const char*> modes[] = {
        {at_mode::no_cache, "logto-cpp: jose::verify_jwt (no cache)"},
        {at_mode::first_seen, "logto-cpp: verified_token_cache, first seen"},
        {at_mode::repeat, "logto-cpp: verified_token_cache, repeat"}};
    for (const char* c : {"ES384", "RS256-4096"}) {
      int order = 10;
      for (const auto& m : modes) {
        const at_mode mode = m.first;
        const std::string name = c;
        bench::op_registry().push_back(
            {std::string("access-token/") + c, m.second, order++, false,
             [mode, name](std::string& self_check, std::string& why_not) -> std::unique_ptr<bench::op> {
               auto o = std::make_unique<access_token_op>(bench::jwt_case(name), mode);
               const std::string problem = o->check();
               if (!problem.empty()) {
                 why_not = problem;
                 return nullptr;
               }
               self_check = "accepts the access token; rejects it tampered and for another resource";
               return o;
             }});
      }
    }
  }
} reg_at;

// ---- where the time of verify_id_token goes: its steps, each through the public API (group verify-steps/<case>)

enum class step { parse_compact, decode_unverified, verify_signature, validate_claims };

class step_op : public bench::op {
 public:
  step_op(const bench::jwt_fixture& f, step s) : f_(f), s_(s), keys_(parse_keys(f)) {
    id_.issuer = f.issuer;
    id_.client_id = f.audience;
    id_.algorithms = jose::algorithm_set{alg_of(f.alg)};
    id_.now = f.iat + 1;
    options_ = id_.to_verify_options();
    auto jws = jose::parse_compact(f_.token, id_.algorithms);
    if (!jws) throw std::runtime_error("parse_compact: " + jws.error().message);
    jws_ = std::move(*jws);
    auto u = jose::decode_unverified(f_.token);
    if (!u) throw std::runtime_error("decode_unverified: " + u.error().message);
    claims_ = std::move(u->claims);
  }
  bool once() {
    switch (s_) {
      case step::parse_compact: return jose::parse_compact(f_.token, id_.algorithms).has_value();
      case step::decode_unverified: return jose::decode_unverified(f_.token).has_value();
      case step::verify_signature: return jose::verify_signature(jws_, keys_).has_value();
      case step::validate_claims: return jose::validate_claims(claims_, options_).has_value();
    }
    return false;
  }
  std::size_t run(std::size_t n) override {
    std::size_t ok = 0;
    for (std::size_t i = 0; i < n; ++i) ok += once() ? 1 : 0;
    return ok;
  }

 private:
  const bench::jwt_fixture& f_;
  step s_;
  jose::key_set keys_;
  jose::id_token_options id_;
  jose::verify_options options_;
  jose::compact_jws jws_;
  jose::jwt_claims claims_;
};

struct register_steps {
  register_steps() {
    const std::pair<step, const char*> steps[] = {
        {step::parse_compact, "logto-cpp step: jose::parse_compact (split, base64url x3, header JSON, alg policy)"},
        {step::decode_unverified, "logto-cpp step: jose::decode_unverified (parse_compact + payload JSON + claims)"},
        {step::verify_signature, "logto-cpp step: jose::verify_signature (kid lookup, hash, mbedTLS verify)"},
        {step::validate_claims, "logto-cpp step: jose::validate_claims (iss, aud, azp, sub, exp, iat)"}};
    for (const char* c : {"ES384", "RS256-2048"}) {
      int order = 10;
      for (const auto& st : steps) {
        const step s = st.first;
        const std::string name = c;
        bench::op_registry().push_back(
            {std::string("verify-steps/") + c, st.second, order++, false,
             [s, name](std::string& self_check, std::string& why_not) -> std::unique_ptr<bench::op> {
               auto o = std::make_unique<step_op>(bench::jwt_case(name), s);
               if (!o->once()) {
                 why_not = "the step fails on the fixture token";
                 return nullptr;
               }
               self_check = "succeeds on the fixture token";
               return o;
             }});
      }
    }
  }
} reg_steps;

}  // namespace
