// LOGTO_MUTEX, the customisation point for hosts without std::mutex (core/sync.hpp): with
// LOGTO_MUTEX_HEADER "counting_mutex.hpp" and LOGTO_MUTEX logto_test::counting_mutex, every lock the
// library takes by default (memory_storage, the default random source, a client's default Mutex)
// goes through the host's type, and every one is released. This program is one translation unit, so
// it sets both itself, replacing whatever the build gave every target. Exit status 0 = pass.
#undef LOGTO_MUTEX
#undef LOGTO_MUTEX_HEADER
#define LOGTO_MUTEX_HEADER "counting_mutex.hpp"
#define LOGTO_MUTEX logto_test::counting_mutex
#include <logto/logto.hpp>

#include <cstdio>

static_assert(std::is_same<logto::default_mutex, logto_test::counting_mutex>::value, "LOGTO_MUTEX is the default");

namespace {

int failures = 0;

void expect(bool ok, const char* what) {
  if (!ok) {
    std::printf("FAILED: %s (%ld locks, %ld unlocks, %ld misuses)\n", what, logto_test::counts().locks,
                logto_test::counts().unlocks, logto_test::counts().misuses);
    ++failures;
  }
}

// Every lock taken since the last call was released, and there was at least one.
void balanced(const char* what) {
  const auto& c = logto_test::counts();
  expect(c.locks > 0 && c.locks == c.unlocks && c.misuses == 0, what);
  logto_test::counts() = logto_test::mutex_counts{};
}

// Answers discovery only: enough for sign-in to build its URL, and for the callback to fail later.
struct discovery_only {
  logto::result<logto::http_response> send(const logto::http_request& req) {
    if (req.url.find("/.well-known/openid-configuration") == std::string::npos) {
      return logto::make_error(logto::errc::transport_error, "offline");
    }
    return logto::http_response{200, {{"Content-Type", "application/json"}}, R"({"issuer":"https://t.example/oidc",
      "authorization_endpoint":"https://t.example/oidc/auth","token_endpoint":"https://t.example/oidc/token",
      "userinfo_endpoint":"https://t.example/oidc/me","jwks_uri":"https://t.example/oidc/jwks",
      "end_session_endpoint":"https://t.example/oidc/session/end"})"};
  }
};

}  // namespace

int main() {
  {
    logto::memory_storage storage;
    storage.set("k", "v");
    expect(storage.get("k") == std::optional<std::string>("v"), "memory_storage keeps a value");
    storage.remove("k");
    balanced("memory_storage");

    unsigned char bytes[16] = {};
    expect(logto::crypto::default_random().fill(bytes, sizeof bytes), "the default random source fills");
    balanced("default random source");

    discovery_only transport;
    logto::config cfg;
    cfg.endpoint = "https://t.example";
    cfg.app_id = "app";
    logto::client<discovery_only, logto::memory_storage> client(cfg, transport, storage);
    auto url = client.sign_in("com.example.app://callback");
    expect(static_cast<bool>(url), "sign_in builds a URL");
    balanced("client sign-in");
    auto done = client.handle_sign_in_callback("com.example.app://callback?code=c&state=wrong");
    expect(!done && done.error().code == logto::errc::callback_state_mismatched, "a wrong state is refused");
    balanced("client callback refused");
    expect(!client.get_access_token(), "no access token without a session");
    expect(static_cast<bool>(client.sign_out()), "sign-out returns the end-session URL");
    balanced("client without a session");
  }
  expect(logto_test::counts().misuses == 0, "no mutex destroyed while locked");
  std::printf("%s\n", failures == 0 ? "custom mutex: every lock released" : "custom mutex: FAILED");
  return failures == 0 ? 0 : 1;
}
