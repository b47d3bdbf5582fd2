// desktop_sign_in: sign a user in from a desktop or command-line app with the system browser, the
// way RFC 8252 (OAuth 2.0 for Native Apps) says: never an embedded web view, a loopback redirect.
//
//   desktop_sign_in --endpoint https://YOUR_TENANT.logto.app --app-id YOUR_APP_ID
//                   [--resource https://api.example.com] [--scope read:data] [--storage DIR]
//
// What happens:
// 1. A listener binds 127.0.0.1 on a port the OS picks, so the redirect URI is
//    http://127.0.0.1:<port>/callback (Logto accepts any port for a registered
//    http://127.0.0.1/callback of a Native app, RFC 8252 7.3).
// 2. logto::client::sign_in() builds the authorization URL (PKCE S256, state, prompt=consent,
//    the scopes and resources) and keeps the sign-in session in storage.
// 3. The system browser opens that URL (ShellExecuteW on Windows, open on macOS, xdg-open elsewhere);
//    the URL is printed too.
//    The user signs in on the Logto pages; the browser comes back to the listener.
// 4. handle_sign_in_callback() checks the callback (redirect URI, RFC 9207 iss, state), exchanges the
//    code, verifies the ID token against the tenant's JWKS and stores the tokens.
// 5. The example prints the ID token claims, gets an access token for each --resource (by a
//    refresh-token grant) and prints its claims, and fetches userinfo.
// With --storage DIR the tokens are kept in files (examples/common/file_storage.hpp) and the next
// run continues the session without a browser.
//
// --auto-browser is for the bundled TEST provider only (tests/interop/provider, automatic login):
// instead of opening a browser, the example follows the provider's redirects itself.
//
// The listener and the browser opener work with POSIX sockets and with Winsock (common/socket.hpp,
// common/open_browser.hpp); HTTP goes through libcurl (WinHTTP on
// Windows).
#include <logto/logto.hpp>  // the only library header; works with include/ and single_include/

#include <atomic>       // std::atomic
#include <chrono>       // std::chrono::steady_clock
#include <cstdio>       // std::printf, std::fprintf
#include <cstdlib>      // std::strtol
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "examples/common/auto_browser.hpp"       // logto_examples::auto_browse (test provider only)
#include "examples/common/background.hpp"         // logto_examples::background_task
#include "examples/common/http_transport.hpp"     // logto_examples::http_transport (libcurl; WinHTTP on Windows)
#include "examples/common/file_storage.hpp"       // logto_examples::file_storage
#include "examples/common/loopback_listener.hpp"  // logto_examples::loopback_listener
#include "examples/common/open_browser.hpp"       // logto_examples::open_in_browser

namespace {

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

constexpr char usage_text[] =
    "usage: desktop_sign_in --endpoint URL --app-id ID [--resource URL]... [--scope SCOPE]...\n"
    "                       [--storage DIR] [--sign-in] [--sign-out] [--timeout SECONDS] [--auto-browser]\n"
    "\n"
    "  --endpoint      your Logto endpoint, e.g. https://your-tenant.logto.app\n"
    "  --app-id        the App ID of a Native app whose redirect URIs include http://127.0.0.1/callback\n"
    "  --resource      an API resource indicator to get an access token for (repeatable)\n"
    "  --scope         an extra scope, e.g. email or read:data (repeatable; openid offline_access profile\n"
    "                  are always asked for)\n"
    "  --storage DIR   keep the session in files in DIR (0600); the next run reuses it. Without it the\n"
    "                  session lives in memory only\n"
    "  --sign-in       sign in even when DIR holds a session\n"
    "  --sign-out      at the end, revoke the refresh token, clear the stored session and print the\n"
    "                  end-session URL\n"
    "  --timeout S     how long to wait for the browser (default 300)\n"
    "  --auto-browser  TEST PROVIDER ONLY: follow the bundled test provider's automatic-login redirects\n"
    "                  instead of opening a browser\n"
    "\n"
    "exit status: 0 signed in, 1 sign-in or a token request failed, 2 usage error\n";

struct options {
  std::string endpoint;
  std::string app_id;
  std::vector<std::string> resources;
  std::vector<std::string> scopes;
  std::string storage_dir;
  long timeout = 300;
  bool force_sign_in = false;
  bool sign_out = false;
  bool auto_browser = false;
  bool help = false;
};

int usage_error(const std::string& why) {
  std::fprintf(stderr, "desktop_sign_in: %s\n\n%s", why.c_str(), usage_text);
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
    if (arg == "--auto-browser" || arg == "--sign-out" || arg == "--sign-in") {
      (arg == "--auto-browser" ? o.auto_browser : arg == "--sign-out" ? o.sign_out : o.force_sign_in) = true;
      continue;
    }
    std::string value;
    bool have_value = false;
    if (const auto eq = arg.find('='); eq != std::string::npos && arg.rfind("--", 0) == 0) {
      value = arg.substr(eq + 1);
      arg.resize(eq);
      have_value = true;
    }
    if (arg != "--endpoint" && arg != "--app-id" && arg != "--resource" && arg != "--scope" && arg != "--storage" &&
        arg != "--timeout") {
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
    if (arg == "--storage") o.storage_dir = value;
    if (arg == "--timeout") {
      char* end = nullptr;
      o.timeout = std::strtol(value.c_str(), &end, 10);
      if (end == value.c_str() || *end != '\0' || o.timeout <= 0) return usage_error("--timeout needs seconds > 0");
    }
  }
  if (o.endpoint.empty()) return usage_error("--endpoint is required");
  if (o.app_id.empty()) return usage_error("--app-id is required");
  return 0;
}

// Every claim of a token, one per line; times also as UTC.
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

template <class Client>
int sign_in(Client& client, const options& o) {
  // RFC 8252 7.3: a loopback redirect on a port the OS picks, bound to 127.0.0.1 only.
  logto_examples::loopback_listener listener;
  if (!listener.ok()) {
    std::fprintf(stderr, "error: cannot listen on 127.0.0.1 for the redirect\n");
    return exit_failed;
  }
  const std::string redirect_uri = listener.redirect_uri("/callback");
  auto url = client.sign_in(redirect_uri);
  if (!url) return report(url.error());

  std::printf("Sign in with your browser. If it does not open, open this URL yourself:\n\n  %s\n\n", url->c_str());
  std::printf("Waiting for the browser to come back to %s ...\n", redirect_uri.c_str());
  std::fflush(stdout);

  logto_examples::background_task browser;
  std::atomic<bool> browser_failed{false};
  std::string browser_error;
  if (o.auto_browser) {
    // TEST PROVIDER ONLY: plays the browser (automatic login), ending with the GET to our listener.
    browser.start([&] {
      auto landed = logto_examples::auto_browse(*url);
      if (!landed) {
        browser_error = landed.error().message;
        browser_failed = true;
      }
    });
  } else if (!logto_examples::open_in_browser(*url)) {
    std::printf("(could not start a browser; open the URL above)\n");
  }

  // Wait in short slices so that a failed auto browser ends the wait at once.
  std::string callback;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.timeout);
  while (callback.empty() && !browser_failed && std::chrono::steady_clock::now() < deadline) {
    callback = listener.wait_for_callback(250, "/callback");
  }
  browser.join();
  if (browser_failed) {
    std::fprintf(stderr, "error: the automatic browser failed: %s\n", browser_error.c_str());
    return exit_failed;
  }
  if (callback.empty()) {
    // Nobody came back: the sign-in is abandoned (a late redirect can no longer complete it).
    std::fprintf(stderr, "error: no sign-in within %ld s (the browser never came back)\n", o.timeout);
    return report(client.cancel_sign_in());
  }

  // Checks the redirect URI, iss (RFC 9207), error and state, exchanges the code, verifies the ID
  // token and stores the tokens. A denied or cancelled sign-in ends up here as
  // callback_uri_verification.error_found with the provider's error in `detail`.
  auto done = client.handle_sign_in_callback(callback);
  if (!done) return report(done.error());
  std::printf("Signed in.\n");
  return exit_ok;
}

template <class Storage>
int run(const options& o, Storage& storage, const char* storage_name) {
  logto::config cfg;
  cfg.endpoint = o.endpoint;
  cfg.app_id = o.app_id;
  cfg.scopes = o.scopes;
  cfg.resources = o.resources;  // asked for at sign-in, so that refresh-token grants may name them

  logto_examples::http_transport transport;
  logto::client<logto_examples::http_transport, Storage> client(cfg, transport, storage);
  if (auto valid = client.valid(); !valid) return report(valid.error());

  if (client.is_authenticated() && !o.force_sign_in) {
    std::printf("Using the session stored in %s (--sign-in to sign in again).\n", storage_name);
  } else if (const int status = sign_in(client, o); status != exit_ok) {
    return status;
  }

  auto id = client.get_id_token_claims();
  if (!id) return report(id.error());
  std::printf("\n");
  print_claims("ID token claims:", id->raw);

  for (const auto& resource : o.resources) {
    // From the cache while valid (60 s margin), else a refresh-token grant with resource=...
    auto claims = client.get_access_token_claims(resource);
    if (!claims) {
      if (claims.error().code == logto::errc::session_expired) {
        client.clear_all_tokens();
        std::fprintf(stderr, "The session has ended (revoked or expired); run again to sign in.\n");
      }
      return report(claims.error());
    }
    std::printf("\n");
    print_claims(("Access token for " + resource + ":").c_str(), claims->raw);
  }

  auto info = client.fetch_user_info();
  if (!info) return report(info.error());
  std::printf("\n");
  print_claims("Userinfo:", info->raw);

  if (o.sign_out) {
    // Revokes the refresh token (the whole grant), clears the stored tokens and gives the URL that
    // ends the Logto browser session; a real app opens it in the browser.
    auto end_session = client.sign_out();
    if (!end_session) return report(end_session.error());
    std::printf(
        "\nSigned out: the refresh token is revoked and the local session cleared.\n"
        "To end the browser session at Logto too, open:\n  %s\n",
        end_session->c_str());
  }
  return exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (const int status = parse_args(argc, argv, o); status != 0) return status;
  if (o.help) {
    std::printf("%s", usage_text);
    return exit_ok;
  }
  if (!o.storage_dir.empty()) {
    // Files with 0600 permissions. A real app keeps the refresh token in the OS keychain instead.
    logto_examples::file_storage storage(o.storage_dir);
    if (!storage.ok()) {
      std::fprintf(stderr, "error: %s\n", storage.error().c_str());
      return exit_failed;
    }
    return run(o, storage, o.storage_dir.c_str());
  }
  logto::memory_storage storage;
  return run(o, storage, "memory");
}
