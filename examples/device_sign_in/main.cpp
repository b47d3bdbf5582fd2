// device_sign_in: sign in on a device without a browser or keyboard (a console, a TV, a CLI over
// SSH) with the OAuth 2.0 Device Authorization Grant (RFC 8628).
//
//   device_sign_in --endpoint https://YOUR_TENANT.logto.app --app-id YOUR_APP_ID
//                  [--resource https://api.example.com] [--scope read:data]
//
// What happens:
// 1. start_device_sign_in() asks the provider for a device code and a short user code.
// 2. The example shows the user code and the verification URI (and verification_uri_complete, which
//    has the code in it: good for a QR code). The user opens it on a phone or a computer, signs in
//    and approves.
// 3. wait_for_device_sign_in() polls the token endpoint at the interval the provider asks for
//    (authorization_pending: keep waiting; slow_down: 5 s more from now on) until the user approved
//    (tokens stored), denied (access_denied) or the code expired (expired_token).
// 4. The example prints the ID token claims, an access token's claims for each --resource, and
//    userinfo.
//
// --auto-approve is for the bundled TEST provider only (tests/interop/provider): it plays the user by
// calling the provider's test endpoint POST /test/device/approve. A real Logto has no such endpoint.
#include <logto/logto.hpp>  // the only library header; works with include/ and single_include/

#include <chrono>       // std::chrono::seconds
#include <cstdint>      // std::int64_t
#include <cstdio>       // std::printf, std::fprintf
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "examples/common/background.hpp"      // logto_examples::background_task, sleep_ms
#include "examples/common/http_transport.hpp"  // logto_examples::http_transport (libcurl; WinHTTP on Windows)

namespace {

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

constexpr char usage_text[] =
    "usage: device_sign_in --endpoint URL --app-id ID [--resource URL]... [--scope SCOPE]... [--auto-approve]\n"
    "\n"
    "  --endpoint      your Logto endpoint, e.g. https://your-tenant.logto.app\n"
    "  --app-id        the App ID of an app that may use the device authorization grant\n"
    "  --resource      an API resource indicator to get an access token for (repeatable)\n"
    "  --scope         an extra scope, e.g. email or read:data (repeatable; openid offline_access profile\n"
    "                  are always asked for)\n"
    "  --auto-approve  TEST PROVIDER ONLY: approve the request through the bundled test provider's\n"
    "                  /test/device/approve endpoint instead of waiting for a person\n"
    "\n"
    "exit status: 0 signed in, 1 denied, expired or failed, 2 usage error\n";

struct options {
  std::string endpoint;
  std::string app_id;
  std::vector<std::string> resources;
  std::vector<std::string> scopes;
  bool auto_approve = false;
  bool help = false;
};

int usage_error(const std::string& why) {
  std::fprintf(stderr, "device_sign_in: %s\n\n%s", why.c_str(), usage_text);
  return exit_usage;
}

int report(const logto::error& e) {
  const std::string_view code = logto::to_string(e.code);
  std::fflush(stdout);
  std::fprintf(stderr, "error: %.*s - %s\n", static_cast<int>(code.size()), code.data(), e.message.c_str());
  if (!e.detail.empty()) std::fprintf(stderr, "detail: %s\n", e.detail.c_str());
  return exit_failed;
}

int parse_args(int argc, char** argv, options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      o.help = true;
      return 0;
    }
    if (arg == "--auto-approve") {
      o.auto_approve = true;
      continue;
    }
    std::string value;
    bool have_value = false;
    if (const auto eq = arg.find('='); eq != std::string::npos && arg.rfind("--", 0) == 0) {
      value = arg.substr(eq + 1);
      arg.resize(eq);
      have_value = true;
    }
    if (arg != "--endpoint" && arg != "--app-id" && arg != "--resource" && arg != "--scope") {
      return usage_error("unknown argument: " + arg);
    }
    if (!have_value) {
      if (i + 1 >= argc) return usage_error(arg + " needs a value");
      value = argv[++i];
    }
    if (arg == "--endpoint") o.endpoint = value;
    if (arg == "--app-id") o.app_id = value;
    if (arg == "--resource") o.resources.push_back(value);
    if (arg == "--scope") o.scopes.push_back(value);
  }
  if (o.endpoint.empty()) return usage_error("--endpoint is required");
  if (o.app_id.empty()) return usage_error("--app-id is required");
  return 0;
}

// Every claim, one per line; times also as UTC.
void print_claims(const char* title, const logto::json::object& claims) {
  std::printf("%s\n", title);
  for (const auto& kv : claims) {
    std::string value = logto::json::stringify(kv.second);
    const bool time = kv.first == "exp" || kv.first == "iat" || kv.first == "auth_time" || kv.first == "nbf";
    if (time && kv.second.is<double>()) {
      value += "  (" + logto::format_iso8601(static_cast<std::int64_t>(kv.second.get<double>())) + ")";
    }
    std::printf("  %-22s %s\n", kv.first.c_str(), value.c_str());
  }
}

// TEST PROVIDER ONLY. The bundled test provider (tests/interop/provider) approves a device request
// for its test user when told so; this stands in for the person entering the code on their phone.
logto::result<void> test_provider_approve(const std::string& endpoint, const std::string& user_code) {
  logto_examples::http_transport http;
  logto::http_request request;
  request.method = "POST";
  request.url = endpoint + "/test/device/approve";
  request.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  request.body = logto::build_query({{"user_code", user_code}});
  auto response = http.send(request);
  if (!response) return response.error();
  if (response->status != 200) {
    return logto::make_error(logto::errc::http_error,
                             "the test provider did not approve (is this the bundled test provider?): HTTP " +
                                 std::to_string(response->status),
                             response->body.substr(0, 300));
  }
  return logto::ok();
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (const int status = parse_args(argc, argv, o); status != 0) return status;
  if (o.help) {
    std::printf("%s", usage_text);
    return exit_ok;
  }

  logto::config cfg;
  cfg.endpoint = o.endpoint;
  cfg.app_id = o.app_id;
  cfg.scopes = o.scopes;
  cfg.resources = o.resources;  // granted with the device code, so refresh-token grants may name them

  logto_examples::http_transport transport;
  logto::memory_storage storage;  // see desktop_sign_in for a storage that survives a restart
  logto::client<logto_examples::http_transport, logto::memory_storage> client(cfg, transport, storage);
  if (auto valid = client.valid(); !valid) return report(valid.error());

  auto flow = client.start_device_sign_in();
  if (!flow) return report(flow.error());
  const auto& auth = flow->authorization;
  std::printf("To sign in, open\n\n    %s\n\nand enter the code\n\n    %s\n\n", auth.verification_uri.c_str(),
              auth.user_code.c_str());
  if (auth.verification_uri_complete) {
    std::printf("(or open %s , which has the code in it)\n", auth.verification_uri_complete->c_str());
  }
  std::printf("The code expires in %lld minutes.\n\n", static_cast<long long>(auth.expires_in / 60));
  std::fflush(stdout);

  logto_examples::background_task approver;
  if (o.auto_approve) {
    // TEST PROVIDER ONLY: "the user" approves a moment later, so the polling is visible.
    std::string endpoint = o.endpoint;
    while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
    approver.start([endpoint, code = auth.user_code] {
      logto_examples::sleep_ms(1500);
      auto approved = test_provider_approve(endpoint, code);
      if (approved) {
        std::printf("[test provider] approved %s for the test user\n", code.c_str());
      } else {
        std::fprintf(stderr, "[test provider] --auto-approve failed: %s %s\nApprove in a browser, or press Ctrl-C.\n",
                     approved.error().message.c_str(), approved.error().detail.c_str());
      }
      std::fflush(stdout);
    });
  }

  // Polls at the provider's interval; the callback does the waiting (a GUI would run this on a worker
  // thread, or call poll_device_sign_in() from its own timer instead).
  auto done = client.wait_for_device_sign_in(*flow, [](std::int64_t seconds) {
    std::printf("waiting for approval (next check in %lld s) ...\n", static_cast<long long>(seconds));
    std::fflush(stdout);
    logto_examples::sleep_ms(static_cast<long>(seconds) * 1000);
  });
  approver.join();
  if (!done) {
    if (done.error().code == logto::errc::access_denied) std::fprintf(stderr, "The request was denied.\n");
    if (done.error().code == logto::errc::expired_token) std::fprintf(stderr, "The code expired; start again.\n");
    return report(done.error());
  }
  std::printf("Signed in.\n\n");

  auto id = client.get_id_token_claims();
  if (!id) return report(id.error());
  print_claims("ID token claims:", id->raw);

  for (const auto& resource : o.resources) {
    auto claims = client.get_access_token_claims(resource);
    if (!claims) return report(claims.error());
    std::printf("\n");
    print_claims(("Access token for " + resource + ":").c_str(), claims->raw);
  }

  auto info = client.fetch_user_info();
  if (!info) return report(info.error());
  std::printf("\n");
  print_claims("Userinfo:", info->raw);
  return exit_ok;
}
