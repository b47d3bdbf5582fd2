// scheme_sign_in: desktop sign-in through a custom URL scheme instead of a loopback port, the way
// `@logto/capacitor` signs in on phones with `com.example.app://callback` (RFC 8252 7.1).
//
//   scheme_sign_in --register                    # once: this program handles com.example.app://
//   scheme_sign_in [--endpoint URL --app-id ID]  # sign in (default: the bundled test provider at :3001)
//   scheme_sign_in --unregister
//
// What happens:
// 1. --register makes this program the user's handler of the scheme (examples/common/url_scheme.hpp:
//    a Desktop Entry with x-scheme-handler/<scheme> on Linux, HKCU\Software\Classes on Windows; macOS
//    declares it in Info.plist, see README.md). The registered command is `scheme_sign_in --callback %u`.
// 2. A sign-in first claims the callback relay (examples/common/callback_relay.hpp: a Unix domain
//    socket, or a named pipe on Windows), then opens the sign-in URL in the system browser with
//    redirect_uri <scheme>://callback.
// 3. After the user signs in, the browser redirects to <scheme>://callback?code=...; the desktop starts
//    `scheme_sign_in --callback <uri>`, which hands the URI to the waiting instance and exits.
// 4. The waiting instance checks the callback (state, iss, redirect URI), exchanges the code with PKCE,
//    verifies the ID token and prints who signed in.
//
// The redirect URI must be registered for the app in Logto Console (Native app, "Redirect URIs").
#include <logto/logto.hpp>

#include <chrono>   // std::chrono::steady_clock
#include <cstdio>   // std::printf
#include <cstdlib>  // std::strtol
#include <string>   // std::string
#include <vector>   // std::vector

#include "examples/common/callback_relay.hpp"
#include "examples/common/http_transport.hpp"  // libcurl; WinHTTP on Windows
#include "examples/common/open_browser.hpp"
#include "examples/common/url_scheme.hpp"

namespace {

constexpr const char* default_endpoint = "http://127.0.0.1:3001";  // the bundled test provider
constexpr const char* default_app_id = "test-native-app";          // which accepts com.example.app://callback
constexpr const char* default_scheme = "com.example.app";

constexpr char usage_text[] =
    "usage: scheme_sign_in [--endpoint URL --app-id ID] [--scheme S] [--scope S]... [--timeout SECONDS]\n"
    "                      [--sign-out]\n"
    "       scheme_sign_in [--scheme S] --register | --unregister\n"
    "       scheme_sign_in [--scheme S] --callback URI   (what the desktop runs for S://...)\n"
    "\n"
    "  --scheme S   the app's URL scheme (default com.example.app); the redirect URI is S://callback and\n"
    "               must be registered for the Native app in Logto Console\n"
    "  Without --endpoint: the bundled test provider at http://127.0.0.1:3001 with app test-native-app.\n";

struct options {
  std::string endpoint, app_id, scheme = default_scheme, callback;
  std::vector<std::string> scopes;
  long timeout = 300;
  bool do_register = false, do_unregister = false, sign_out = false;
};

int usage(const std::string& why) {
  std::fprintf(stderr, "scheme_sign_in: %s\n\n%s", why.c_str(), usage_text);
  return 2;
}

int report(const logto::error& e) {
  std::fflush(stdout);
  std::fprintf(stderr, "error: %s - %s\n", std::string(logto::to_string(e.code)).c_str(), e.message.c_str());
  if (!e.detail.empty()) std::fprintf(stderr, "detail: %s\n", e.detail.c_str());
  return 1;
}

int parse_args(int argc, char** argv, options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--register" || arg == "--unregister" || arg == "--sign-out") {
      (arg == "--register" ? o.do_register : arg == "--unregister" ? o.do_unregister : o.sign_out) = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      std::printf("%s", usage_text);
      std::exit(0);
    }
    if (i + 1 >= argc) return usage("unknown argument or missing value: " + arg);
    const std::string value = argv[++i];
    if (arg == "--endpoint") {
      o.endpoint = value;
    } else if (arg == "--app-id") {
      o.app_id = value;
    } else if (arg == "--scheme") {
      o.scheme = value;
    } else if (arg == "--scope") {
      o.scopes.push_back(value);
    } else if (arg == "--callback") {
      o.callback = value;
    } else if (arg == "--timeout") {
      o.timeout = std::strtol(value.c_str(), nullptr, 10);
      if (o.timeout <= 0) return usage("--timeout needs seconds > 0");
    } else {
      return usage("unknown argument: " + arg);
    }
  }
  if (!logto_examples::is_url_scheme(o.scheme)) return usage("--scheme must be a lower-case URL scheme");
  if (o.endpoint.empty() != o.app_id.empty()) return usage("--endpoint and --app-id go together");
  if (o.endpoint.empty()) {
    o.endpoint = default_endpoint;
    o.app_id = default_app_id;
  }
  return 0;
}

// The second instance, started by the desktop for <scheme>://...: pass the URI on and exit.
int relay(const options& o) {
  if (o.callback.rfind(o.scheme + "://", 0) != 0) return usage("--callback takes a " + o.scheme + ":// URI");
  auto sent = logto_examples::relay_callback(o.scheme, o.callback);
  if (!sent) return report(sent.error());
  std::printf("Handed the sign-in callback to the waiting app.\n");
  return 0;
}

int sign_in(const options& o) {
  // Claim the relay before the browser opens, so that a quick redirect finds us.
  logto_examples::callback_relay relay_endpoint(o.scheme);
  if (auto listening = relay_endpoint.listen(); !listening) return report(listening.error());

  logto::config cfg;
  cfg.endpoint = o.endpoint;
  cfg.app_id = o.app_id;
  cfg.scopes = o.scopes;
  logto_examples::http_transport transport;
  logto::memory_storage storage;
  logto::client<logto_examples::http_transport, logto::memory_storage> client(cfg, transport, storage);
  if (auto valid = client.valid(); !valid) return report(valid.error());

  const std::string redirect_uri = o.scheme + "://callback";
  auto url = client.sign_in(redirect_uri);
  if (!url) return report(url.error());
  std::printf("Sign in with your browser. If it does not open, open this URL yourself:\n\n  %s\n\n", url->c_str());
  std::printf("Waiting for %s (the browser hands it to `scheme_sign_in --callback`) ...\n", redirect_uri.c_str());
  std::fflush(stdout);
  if (!logto_examples::open_in_browser(*url)) std::printf("(could not start a browser; open the URL above)\n");

  std::string callback;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.timeout);
  while (callback.empty() && std::chrono::steady_clock::now() < deadline) {
    callback = relay_endpoint.receive(250);
    if (!callback.empty() && callback.rfind(redirect_uri, 0) != 0) {
      std::fprintf(stderr, "ignored a handed-over URI that is not %s...\n", redirect_uri.c_str());
      callback.clear();
    }
  }
  if (callback.empty()) {
    std::fprintf(stderr, "error: no callback within %ld s (is the scheme registered? run --register)\n", o.timeout);
    return report(client.cancel_sign_in());
  }
  std::printf("Received the callback from the second instance.\n");

  // Checks the redirect URI, iss (RFC 9207), error and state, exchanges the code (PKCE), verifies the
  // ID token and stores the tokens.
  auto done = client.handle_sign_in_callback(callback);
  if (!done) return report(done.error());
  auto claims = client.get_id_token_claims();
  if (!claims) return report(claims.error());
  std::printf("Signed in as %s (sub %s).\n", claims->name ? claims->name->c_str() : claims->sub.c_str(),
              claims->sub.c_str());
  if (o.sign_out) {
    auto end_session = client.sign_out();  // revokes the refresh token, clears the session
    if (!end_session) return report(end_session.error());
    std::printf("Signed out (refresh token revoked). Open this to end the browser session too:\n  %s\n",
                end_session->c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (const int status = parse_args(argc, argv, o); status != 0) return status;
  if (!o.callback.empty()) return relay(o);
  if (o.do_register) {
    auto where = logto_examples::register_url_scheme(o.scheme, logto_examples::self_executable(), "scheme_sign_in");
    if (!where) return report(where.error());
    std::printf("%s:// now opens %s --callback <uri> (%s)\n", o.scheme.c_str(),
                logto_examples::self_executable().c_str(), where->c_str());
    return 0;
  }
  if (o.do_unregister) {
    auto removed = logto_examples::unregister_url_scheme(o.scheme);
    if (!removed) return report(removed.error());
    std::printf("%s:// is no longer handled by this program\n", o.scheme.c_str());
    return 0;
  }
  return sign_in(o);
}
