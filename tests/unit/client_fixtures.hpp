// Shared fixtures of the client tests (client_client.cpp: the blocking driver; client_core*.cpp: the
// core pumped step by step): a scripted in-memory provider, a settable clock, the test config. ID tokens
// are the jose fixtures (signed by npm jose; issuer https://tenant.logto.app/oidc, client client-123,
// T = 1700000000).
#pragma once

#include <logto/client.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

#include <string>
#include <vector>

#include "catch2_compat.hpp"
#include "jose_fixtures.hpp"
#include "jose_signer.hpp"
#include "test_threads.hpp"

// REQUIRE that a result holds a value, showing the error otherwise.
#define REQUIRE_OK(expr)                                                                              \
  do {                                                                                                \
    const auto& r_ = (expr);                                                                          \
    INFO((r_ ? std::string() : std::string(to_string(r_.error().code)) + ": " + r_.error().message)); \
    REQUIRE(static_cast<bool>(r_));                                                                   \
  } while (0)

namespace client_test {

using namespace logto;
const std::string endpoint = "https://tenant.logto.app";

inline std::string discovery_json() {
  return R"({"issuer":"https://tenant.logto.app/oidc",
    "authorization_endpoint":"https://tenant.logto.app/oidc/auth",
    "token_endpoint":"https://tenant.logto.app/oidc/token",
    "userinfo_endpoint":"https://tenant.logto.app/oidc/me",
    "end_session_endpoint":"https://tenant.logto.app/oidc/session/end",
    "revocation_endpoint":"https://tenant.logto.app/oidc/token/revocation",
    "jwks_uri":"https://tenant.logto.app/oidc/jwks",
    "device_authorization_endpoint":"https://tenant.logto.app/oidc/device/auth"})";
}

inline http_response json_response(int status, std::string body) {
  return http_response{status, {{"Content-Type", "application/json"}}, std::move(body)};
}

/// A provider in memory. Thread-safe; counts and records every request.
struct fake_provider {
  default_mutex mutex;  // the library's own choice: std::mutex, or LOGTO_MUTEX where there is none
  std::vector<http_request> requests;
  std::function<http_response(const http_request&)> on_token;
  std::function<http_response(const http_request&)> on_userinfo;
  std::function<http_response(const http_request&)> on_device;
  std::string jwks = jose_test::read_data("jwks.json");
  std::string discovery = discovery_json();
  int discovery_failures_left = 0;
  std::chrono::milliseconds token_delay{0};

  result<http_response> send(const http_request& req) {
    {
      detail::scoped_lock<default_mutex> lock(mutex);
      requests.push_back(req);
    }
    if (req.url == endpoint + "/oidc/.well-known/openid-configuration") {
      detail::scoped_lock<default_mutex> lock(mutex);
      if (discovery_failures_left > 0) {
        --discovery_failures_left;
        return make_error(errc::transport_error, "connection refused");
      }
      return json_response(200, discovery);
    }
    if (req.url == endpoint + "/oidc/jwks") return json_response(200, jwks);
    if (req.url == endpoint + "/oidc/token") {
      if (token_delay.count() > 0) logto_test::sleep_for(token_delay);
      return on_token(req);
    }
    if (req.url == endpoint + "/oidc/token/revocation") return http_response{200, {}, ""};
    if (req.url == endpoint + "/oidc/me") return on_userinfo(req);
    if (req.url == endpoint + "/oidc/device/auth") return on_device(req);
    return json_response(404, R"({"error":"not_found"})");
  }

  std::size_t count(const std::string& url_suffix) {
    detail::scoped_lock<default_mutex> lock(mutex);
    std::size_t n = 0;
    for (const auto& r : requests) {
      if (r.url == endpoint + url_suffix) ++n;
    }
    return n;
  }
  std::vector<http_request> to(const std::string& url_suffix) {
    detail::scoped_lock<default_mutex> lock(mutex);
    std::vector<http_request> out;
    for (const auto& r : requests) {
      if (r.url == endpoint + url_suffix) out.push_back(r);
    }
    return out;
  }
};

/// The fixtures' time, adjustable by the test.
struct test_clock {
  std::shared_ptr<std::atomic<std::int64_t>> t = std::make_shared<std::atomic<std::int64_t>>(0);
  std::int64_t now() const { return t->load(); }
};

inline config test_config(std::vector<std::string> scopes = {}) {
  config c;
  c.endpoint = endpoint;
  c.app_id = jose_test::fixtures().client_id;
  c.scopes = std::move(scopes);
  c.resources = {"https://api.example.com"};
  return c;
}

/// A device authorization answer with `fields` (e.g. `"expires_in":12,"interval":5`).
inline std::function<http_response(const http_request&)> device_answer(std::string fields) {
  return [fields](const http_request&) {
    return json_response(
        200, R"({"device_code":"DC","user_code":"U","verification_uri":"https://x/device",)" + fields + "}");
  };
}

/// memory_storage whose `set` reports failure (returns false) for the keys in `failing`: a full flash,
/// a locked keychain.
struct refusing_storage {
  memory_storage inner;
  std::vector<std::string> failing;
  std::optional<std::string> get(std::string_view key) const { return inner.get(key); }
  bool set(std::string_view key, std::string value) {
    for (const auto& f : failing) {
      if (f == key) return false;
    }
    inner.set(key, std::move(value));
    return true;
  }
  void remove(std::string_view key) { inner.remove(key); }
};

/// An ID token as the provider issues it at the token endpoint, signed by `signer` (whose key the test
/// added to the provider's JWKS): the fixtures' claims, "nonce" when `nonce_value` is not empty, the
/// at_hash of `access_token` when it is not empty, then `extra` members.
inline std::string issue_id_token(jose_test::es256_signer& signer, const std::string& nonce_value,
                                  const std::string& access_token, const std::string& extra = {},
                                  const std::string& aud = "\"client-123\"", const std::string& sub = "user-1") {
  const auto& f = jose_test::fixtures();
  std::string claims = R"({"iss":")" + f.issuer + R"(","sub":")" + sub + R"(","aud":)" + aud + R"(,"iat":)" +
                       std::to_string(f.T) + R"(,"exp":)" + std::to_string(f.T + 3600);
  if (!nonce_value.empty()) claims += R"(,"nonce":")" + nonce_value + "\"";
  if (!access_token.empty()) {
    claims += R"(,"at_hash":")" + *oidc::compute_at_hash(jose::algorithm::es256, access_token) + "\"";
  }
  return signer.sign(claims + extra + "}");
}

template <class Storage>
std::string stored(Storage& s, std::string_view key) {
  return s.get(key).value_or("<absent>");
}

}  // namespace client_test
