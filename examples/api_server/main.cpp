// api_server: a small HTTP API (cpp-httplib) whose routes take Logto access tokens, checked by
// logto::api::access_token_verifier. Every refusal is an RFC 6750 answer: 400, 401 or 403 with
// `WWW-Authenticate: Bearer ...`, or 503 with Retry-After when the tenant's keys cannot be had.
//
//   api_server --issuer https://YOUR_TENANT.logto.app/oidc [--audience https://api.example.com]
//              [--port 0] [--threads 8] [--jwks-cooldown 30] [--organization-id ID] [--realm api] [--verbose]
//
// Routes (see README.md):
//   GET  /public  no token
//   GET  /whoami  any token for --audience: {sub, client_id, scopes, organization_id, expires_at}
//   GET  /data    scope read:data        POST /data   scope write:data
//   GET  /org     an organization token (aud urn:logto:organization:<id>), of --organization-id or of any
//
// It listens on 127.0.0.1 only and prints "listening on http://127.0.0.1:PORT" once ready (--port 0 picks
// a free port). SIGINT or SIGTERM stops it with status 0.
#include <logto/logto.hpp>

#include <httplib.h>

#include <chrono>    // std::chrono::milliseconds
#include <csignal>   // sigset_t, sigwait
#include <cstdint>   // std::int64_t
#include <cstdio>    // std::printf, std::fprintf, std::fflush
#include <cstdlib>   // std::strtol
#include <mutex>     // std::mutex, std::lock_guard
#include <optional>  // std::optional
#include <string>    // std::string
#include <thread>    // std::thread
#include <utility>   // std::move
#include <vector>    // std::vector

#if !defined(_WIN32)
#include <pthread.h>  // pthread_sigmask
#endif

#include "examples/common/http_transport.hpp"  // logto_examples::http_transport

namespace {

namespace api = logto::api;
using verifier = api::access_token_verifier<>;  // system_clock, std::mutex: shared by every request thread

struct options {
  std::string issuer;
  std::string audience = "https://api.example.com";
  std::optional<std::string> organization_id;
  std::string realm = "api";
  int port = 0;
  long threads = 8;
  long jwks_cooldown = 30;
  bool verbose = false;
};

bool parse_long(const std::string& text, long low, long high, long& out) {
  char* end = nullptr;
  const long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < low || v > high) return false;
  out = v;
  return true;
}

int parse_args(int argc, char** argv, options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
    long n = 0;
    if (arg == "--issuer") {
      o.issuer = value();
    } else if (arg == "--audience") {
      o.audience = value();
    } else if (arg == "--organization-id") {
      o.organization_id = value();
    } else if (arg == "--realm") {
      o.realm = value();
    } else if (arg == "--port" && parse_long(value(), 0, 65535, n)) {
      o.port = static_cast<int>(n);
    } else if (arg == "--threads" && parse_long(value(), 1, 256, n)) {
      o.threads = n;
    } else if (arg == "--jwks-cooldown" && parse_long(value(), 1, 86400, n)) {
      o.jwks_cooldown = n;
    } else if (arg == "--verbose") {
      o.verbose = true;
    } else {
      std::fprintf(stderr, "api_server: bad argument %s (or its value)\n", arg.c_str());
      return 2;
    }
  }
  while (!o.issuer.empty() && o.issuer.back() == '/') o.issuer.pop_back();
  if (o.issuer.empty() || o.audience.empty()) {
    std::fprintf(stderr,
                 "usage: api_server --issuer https://TENANT.logto.app/oidc [--audience URL] [--port N] [--threads N]\n"
                 "                  [--jwks-cooldown SECONDS] [--organization-id ID] [--realm NAME] [--verbose]\n");
    return 2;
  }
  return 0;
}

// One libcurl handle for the JWKS fetches of every request thread, behind a mutex: a curl easy handle must
// not be used by two threads at once. The lock costs nothing in practice: each verifier hands out at most
// one JWKS fetch at a time (and at most one per cooldown for unknown kids), so requests whose token is
// verified with the keys already loaded never touch the transport.
class shared_transport {
 public:
  shared_transport() { http_.timeout_seconds = 10; }  // a hung tenant holds one request thread, not forever
  logto::result<logto::http_response> send(const logto::http_request& request) {
    std::lock_guard<std::mutex> lock(mutex_);
    return http_.send(request);
  }

 private:
  std::mutex mutex_;
  logto_examples::http_transport http_;
};

logto::json::value json_strings(const std::vector<std::string>& list) {
  logto::json::array a;
  for (const auto& s : list) a.emplace_back(s);
  return logto::json::value(std::move(a));
}

void send_json(httplib::Response& res, int status, const logto::json::members& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(logto::json::stringify(body) + "\n", "application/json");
}

// The refusal: the verifier's RFC 6750 challenge as header, the same error and fixed description as JSON.
// Nothing from the request (no token, no claim value) goes into the answer.
void refuse(httplib::Response& res, const api::challenge& c) {
  if (!c.www_authenticate.empty()) res.set_header("WWW-Authenticate", c.www_authenticate);
  if (c.status == 503) res.set_header("Retry-After", std::to_string(c.retry_after));
  logto::json::members body;
  std::string description = c.error_description;
  if (c.status == 401 && c.error.empty()) {
    // RFC 6750 3.1: no error code when the request carries no Bearer token at all.
    description = "This API needs an access token: send Authorization: Bearer <token>";
  } else {
    body.emplace_back("error", c.error.empty() ? "temporarily_unavailable" : c.error);
  }
  body.emplace_back("error_description", description);
  send_json(res, c.status, body);
}

class api_server {
 public:
  explicit api_server(const options& o)
      : o_(o), resource_(resource_options(o)), organization_(organization_options(o)) {}

  // Both verifiers' options are checked here, and their keys fetched once before the first request, so
  // the first requests do not race for them (each would otherwise answer 503 until one fetch lands).
  bool start_up() {
    for (verifier* v : {&resource_, &organization_}) {
      if (auto ok = v->valid(); !ok) {
        std::fprintf(stderr, "api_server: %s\n", ok.error().message.c_str());
        return false;
      }
      if (auto request = v->jwks_request()) {
        if (auto fed = v->jwks_response(http_.send(*request)); !fed) {
          // Not fatal: the verifier tries again (every 5 s) while requests come in; they get 503 meanwhile.
          std::fprintf(stderr, "api_server: warning: %s\n", fed.error().message.c_str());
        }
      }
    }
    return true;
  }

  void routes(httplib::Server& server) {
    server.Get("/public", [](const httplib::Request&, httplib::Response& res) {
      send_json(res, 200, {{"message", logto::json::value("hello, anyone")}});
    });
    server.Get("/whoami", [this](const httplib::Request& req, httplib::Response& res) {
      guarded(resource_, req, res, {}, [&](const api::access_token_claims& c) {
        send_json(
            res, 200,
            {{"sub", logto::json::value(c.subject)},
             {"client_id", logto::json::value(c.client_id)},
             {"scopes", json_strings(c.scopes)},
             {"organization_id", c.organization_id ? logto::json::value(*c.organization_id) : logto::json::value()},
             {"expires_at", logto::json::value(static_cast<double>(c.expires_at))}});
      });
    });
    server.Get("/data", [this](const httplib::Request& req, httplib::Response& res) {
      guarded(resource_, req, res, {"read:data"}, [&](const api::access_token_claims& c) {
        send_json(res, 200, {{"items", json_strings({"alpha", "beta"})}, {"read_by", logto::json::value(c.subject)}});
      });
    });
    server.Post("/data", [this](const httplib::Request& req, httplib::Response& res) {
      guarded(resource_, req, res, {"write:data"}, [&](const api::access_token_claims& c) {
        send_json(res, 201,
                  {{"stored", logto::json::value(static_cast<double>(req.body.size()))},
                   {"written_by", logto::json::value(c.subject)}});
      });
    });
    server.Get("/org", [this](const httplib::Request& req, httplib::Response& res) {
      guarded(organization_, req, res, {}, [&](const api::access_token_claims& c) {
        send_json(res, 200,
                  {{"organization_id", logto::json::value(c.organization_id.value_or(""))},
                   {"sub", logto::json::value(c.subject)},
                   {"scopes", json_strings(c.scopes)}});
      });
    });
  }

 private:
  static api::verifier_options common_options(const options& o) {
    api::verifier_options v;
    v.issuer = o.issuer;
    v.realm = o.realm;
    v.jwks.cooldown = o.jwks_cooldown;
    return v;
  }
  static api::verifier_options resource_options(const options& o) {
    api::verifier_options v = common_options(o);
    v.audience = o.audience;  // the API resource indicator
    return v;
  }
  // Organization tokens carry no resource; a second verifier (with its own copy of the keys) takes them.
  static api::verifier_options organization_options(const options& o) {
    api::verifier_options v = common_options(o);
    if (o.organization_id) {
      v.organization_id = o.organization_id;
    } else {
      v.any_organization = true;
    }
    return v;
  }

  // Verifies the request's Authorization header (fetching the keys through http_ when due) and calls `ok`
  // with the claims, or answers the refusal.
  template <class Ok>
  void guarded(verifier& v, const httplib::Request& req, httplib::Response& res, const std::vector<std::string>& scopes,
               Ok ok) {
    // RFC 7230 3.2.2: Authorization is not a list; two of them is a malformed request (400).
    const std::string authorization = req.get_header_value("Authorization");
    auto claims =
        req.get_header_value_count("Authorization") > 1
            ? logto::result<api::access_token_claims>(logto::make_error(
                  logto::errc::jwt_malformed, "the request has more than one Authorization header", "Authorization"))
            : v.verify(http_, authorization, scopes);
    // Another request is fetching the keys (after a rotation many requests carry the new kid at once, and one
    // fetches): the library never waits, this server does, up to a second, rather than answer 503.
    for (int waits = 0; !claims && claims.error().code == logto::errc::auth_keys_unavailable && waits < 40; ++waits) {
      const bool in_flight = v.fetch_in_flight();
      if (in_flight) std::this_thread::sleep_for(std::chrono::milliseconds(25));
      claims = v.verify(http_, authorization, scopes);
      if (!in_flight) break;
    }
    if (claims) {
      ok(*claims);
      return;
    }
    const api::challenge c = v.challenge_for(claims.error(), scopes);
    // The detailed message is for the operator's log only (it may name claim values, never the token).
    if (c.status == 503 || o_.verbose) {
      std::fprintf(stderr, "api_server: %s %s -> %d: %s\n", req.method.c_str(), req.path.c_str(), c.status,
                   claims.error().message.c_str());
    }
    refuse(res, c);
  }

  options o_;
  shared_transport http_;
  verifier resource_;
  verifier organization_;
};

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (const int rc = parse_args(argc, argv, o); rc != 0) return rc;

#if !defined(_WIN32)
  // SIGINT and SIGTERM are taken by one thread with sigwait (below), which stops the server: blocked here,
  // before any thread starts, so every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
#endif

  api_server app(o);
  if (!app.start_up()) return 1;

  httplib::Server server;
  const auto threads = static_cast<std::size_t>(o.threads);
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // A keep-alive connection holds its pool thread while it waits for the next request: keep that short.
  server.set_keep_alive_timeout(1);
  server.set_read_timeout(5);
  server.set_payload_max_length(64 * 1024);
  app.routes(server);
  // cpp-httplib 0.11 listens with a backlog of 5 (CPPHTTPLIB_LISTEN_BACKLOG, compiled into Debian's
  // libcpp-httplib): a burst of clients overflows it, the kernel drops their handshakes, and they wait
  // for retransmissions (seconds, tens of seconds) although the pool is idle. listen() again on the bound
  // socket raises the backlog.
  socket_t listener = INVALID_SOCKET;
  server.set_socket_options([&listener](socket_t sock) {
    httplib::default_socket_options(sock);
    listener = sock;
  });

  int port = o.port;
  if (port == 0) {
    port = server.bind_to_any_port("127.0.0.1");
  } else if (!server.bind_to_port("127.0.0.1", port)) {
    port = -1;
  }
  if (port <= 0 || listener == INVALID_SOCKET || ::listen(listener, SOMAXCONN) != 0) {
    std::fprintf(stderr, "api_server: cannot listen on 127.0.0.1:%d\n", o.port);
    return 1;
  }
  std::printf("listening on http://127.0.0.1:%d\n", port);
  std::fflush(stdout);

#if !defined(_WIN32)
  std::thread stopper([&server, &stop_signals] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    server.stop();
  });
  stopper.detach();  // still waiting when the server stopped by itself (listen failed): the process ends
#endif
  const bool listened = server.listen_after_bind();
  return listened ? 0 : 1;
}
