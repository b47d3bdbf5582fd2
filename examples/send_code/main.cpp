// send_code: send a one-time code with any of logto-cpp's five passwordless connectors, configured
// with the same JSON the Logto console stores for that connector.
//
//   send_code --connector smtp --config smtp.json --to user@example.com --code 123456
//   send_code --connector twilio-sms --config twilio.json --to +15551234567 --code 123456 --dry-run
//
// The library does no I/O of its own. An HTTP connector builds a request and parses the answer,
// and the host sends the request (here with libcurl, examples/common/curl_transport.hpp, or
// WinHTTP on Windows, winhttp_transport.hpp). The SMTP
// connector speaks SMTP over a byte stream that the host connects (here a POSIX socket,
// examples/common/posix_stream.hpp). That split is also what makes --dry-run possible: it calls
// the same pure builders that send() uses, then stops before the network.
#include <logto/logto.hpp>  // the only library header; works with include/ and single_include/

#include <algorithm>    // std::min
#include <cerrno>       // errno
#include <cstdio>       // std::printf, std::fprintf, std::fwrite, std::fopen
#include <cstring>      // std::strerror
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move

#include "examples/common/http_transport.hpp"  // logto_examples::http_transport (libcurl; WinHTTP on Windows)
#include "examples/common/posix_stream.hpp"    // logto_examples::posix_connect

namespace {

namespace conn = logto::connectors;

constexpr int exit_sent = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

constexpr char usage_text[] =
    "usage: send_code --connector NAME --config FILE --to RECIPIENT --code CODE\n"
    "                 [--type TYPE] [--locale LOCALE] [--dry-run]\n"
    "\n"
    "  --connector  smtp | aliyun-sms | aliyun-dm | tencent-sms | twilio-sms\n"
    "  --config     the connector's config JSON, as the Logto console stores it\n"
    "  --to         an e-mail address (smtp, aliyun-dm) or a phone number (the SMS connectors)\n"
    "  --code       the one-time code, e.g. 123456\n"
    "  --type       the usage type that selects the template (default SignIn): SignIn, Register,\n"
    "               ForgotPassword, Generic, OrganizationInvitation, UserPermissionValidation,\n"
    "               BindNewIdentifier, MfaVerification, BindMfa\n"
    "  --locale     put into the payload as `locale` (e.g. en)\n"
    "  --dry-run    print the HTTP request or the e-mail that would be sent, and send nothing\n"
    "               (the Authorization header and the Aliyun Signature are masked)\n"
    "\n"
    "exit status: 0 sent (or printed), 1 the connector or the provider failed, 2 usage error\n";

struct options {
  std::string connector;
  std::string config_path;
  std::string to;
  std::string code;
  std::string type = "SignIn";
  std::string locale;
  bool dry_run = false;
  bool help = false;
};

int usage_error(const std::string& why) {
  std::fprintf(stderr, "send_code: %s\n\n%s", why.c_str(), usage_text);
  return exit_usage;
}

// The one place failures are printed: the stable code string first (what scripts match on), then
// the sentence for people, then what the provider or server said, if anything.
int report(const logto::error& e) {
  const std::string_view code = logto::to_string(e.code);
  std::fprintf(stderr, "error: %.*s - %s\n", static_cast<int>(code.size()), code.data(), e.message.c_str());
  if (!e.detail.empty()) std::fprintf(stderr, "detail: %s\n", e.detail.c_str());
  return exit_failed;
}

void print_exact(std::string_view bytes) { std::fwrite(bytes.data(), 1, bytes.size(), stdout); }

// Notes go to stderr so that stdout holds exactly the request or message (redirect it to a file to
// keep it). stdout is flushed first so the two streams do not interleave on a terminal.
void note(const std::string& line) {
  std::fflush(stdout);
  std::fprintf(stderr, "# %s\n", line.c_str());
}

// Returns 0 when the arguments are usable (or --help was asked for), else exit_usage.
int parse_args(int argc, char** argv, options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      o.help = true;
      return 0;
    }
    if (arg == "--dry-run") {
      o.dry_run = true;
      continue;
    }
    // Both `--name value` and `--name=value`.
    std::string value;
    bool have_value = false;
    if (const auto eq = arg.find('='); eq != std::string::npos && arg.rfind("--", 0) == 0) {
      value = arg.substr(eq + 1);
      arg.resize(eq);
      have_value = true;
    }
    std::string* target = arg == "--connector" ? &o.connector
                          : arg == "--config"  ? &o.config_path
                          : arg == "--to"      ? &o.to
                          : arg == "--code"    ? &o.code
                          : arg == "--type"    ? &o.type
                          : arg == "--locale"  ? &o.locale
                                               : nullptr;
    if (target == nullptr) return usage_error("unknown argument: " + arg);
    if (!have_value) {
      if (i + 1 >= argc) return usage_error(arg + " needs a value");
      value = argv[++i];
    }
    *target = value;
  }
  if (o.connector.empty()) return usage_error("--connector is required");
  if (o.connector != "smtp" && o.connector != "aliyun-sms" && o.connector != "aliyun-dm" &&
      o.connector != "tencent-sms" && o.connector != "twilio-sms") {
    return usage_error("unknown connector: " + o.connector);
  }
  if (o.config_path.empty()) return usage_error("--config is required");
  if (o.to.empty()) return usage_error("--to is required");
  if (o.code.empty()) return usage_error("--code is required");
  // The connectors accept any type string and fall back to the Generic template for names they do
  // not know, so a typo ("signin") would silently pick the wrong template. Catch it here.
  if (!conn::usage_type_from_string(o.type)) return usage_error("unknown --type: " + o.type);
  return 0;
}

logto::result<std::string> read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return logto::make_error(logto::errc::invalid_config,
                             "cannot open the config file " + path + ": " + std::strerror(errno));
  }
  std::string text;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  logto::crypto::zeroize(buffer, sizeof buffer);  // it held part of the config, secrets included
  if (failed) {
    logto::crypto::wipe(text);
    return logto::make_error(logto::errc::invalid_config, "cannot read the config file " + path);
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// HTTP connectors (Aliyun SMS, Aliyun Direct Mail, Tencent Cloud SMS, Twilio SMS)

// A transport is anything with `result<http_response> send(const http_request&)`, so wrapping one is
// easy. This wrapper keeps the provider's answer, to show it even for connectors whose send() only
// says success or failure (Tencent, Twilio).
struct recording_transport {
  logto_examples::http_transport& inner;
  logto::http_response last;

  logto::result<logto::http_response> send(const logto::http_request& request) {
    auto response = inner.send(request);
    if (response) last = *response;
    return response;
  }
};

bool is_authorization(std::string_view name) {
  constexpr std::string_view want = "authorization";
  if (name.size() != want.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i] >= 'A' && name[i] <= 'Z' ? static_cast<char>(name[i] - 'A' + 'a') : name[i];
    if (c != want[i]) return false;
  }
  return true;
}

// "TC3-HMAC-SHA256 Credential=..., Signature=..." -> "TC3-HMAC-SHA256 <masked>". The scheme says which
// signing was used; the rest is a credential (Twilio's is the base64 of SID:authToken, no less).
std::string mask_authorization(std::string_view value) {
  const auto space = value.find(' ');
  return std::string(value.substr(0, space == std::string_view::npos ? 0 : space + 1)) + "<masked>";
}

// Aliyun signs in the body instead of a header. The signature is not the secret, but it authorizes this
// exact request (unused nonce, 15-minute window), so whoever copies the dry-run output could send it.
std::string mask_form_field(std::string body, std::string_view name) {
  const std::string key = std::string(name) + "=";
  for (std::size_t at = 0; at < body.size();) {
    const std::size_t end = (std::min)(body.find('&', at), body.size());
    if (body.compare(at, key.size(), key) == 0) {
      body.replace(at + key.size(), end - at - key.size(), "<masked>");
      break;
    }
    at = end + 1;
  }
  return body;
}

void print_request(const logto::http_request& r) {
  const std::string* type = logto::http_find_header(r.headers, "Content-Type");
  const bool form = type != nullptr && type->rfind("application/x-www-form-urlencoded", 0) == 0;
  const std::string body = form ? mask_form_field(r.body, "Signature") : r.body;

  std::printf("%s %s\n", r.method.c_str(), r.url.c_str());
  for (const auto& h : r.headers) {
    const bool secret = is_authorization(h.name);
    std::printf("%s: %s\n", h.name.c_str(), secret ? mask_authorization(h.value).c_str() : h.value.c_str());
  }
  std::printf("\n");
  print_exact(body);
  std::printf("\n");

  note("dry run: nothing was sent. Content-Length is added by the transport.");
  if (form) {
    // Percent-encoded HTML or JSON is hard to read; show the fields decoded as well.
    auto fields = logto::parse_query(body);
    if (!fields) return;
    note("the form fields, decoded:");
    for (const auto& kv : *fields) {
      std::string line = "  " + kv.first + " = ";
      for (const char c : kv.second) line += c == '\n' ? std::string("\n#     ") : std::string(1, c);
      note(line);
    }
  }
}

// What the provider answered (every connector's send() returns result<send_result>).
void print_result(const conn::send_result& r) {
  const auto field = [](const char* name, const std::string& v) {
    if (!v.empty()) std::printf("%s: %s\n", name, v.c_str());
  };
  field("message id", r.message_id);
  field("request id", r.request_id);
  field("code", r.code);
  field("message", r.message);
}

template <class Connector>
int run_http(std::string& config_json, const conn::message& m, bool dry_run, const char* provider) {
  auto connector = Connector::from_json(config_json);
  logto::crypto::wipe(config_json);  // the connector keeps its own (wiped-on-destruction) copy of the secret
  if (!connector) return report(connector.error());

  if (dry_run) {
    // Exactly what send() does before it calls the transport: the real clock and a fresh UUID
    // (Aliyun's SignatureNonce; Tencent and Twilio ignore it).
    logto::system_clock clock;
    logto::crypto::default_random random;
    auto nonce = logto::crypto::uuid_v4(random);
    if (!nonce) return report(nonce.error());
    auto request = connector->build_request(m, clock.now(), *nonce);
    if (!request) return report(request.error());
    print_request(*request);
    for (auto& h : request->headers) {
      if (is_authorization(h.name)) logto::crypto::wipe(h.value);  // as send() does after sending
    }
    return exit_sent;
  }

  logto_examples::http_transport http;
  recording_transport transport{http, {}};
  auto sent = connector->send(m, transport);
  if (!sent) return report(sent.error());
  std::printf("sent: %s answered HTTP %d\n", provider, transport.last.status);
  print_result(*sent);
  std::printf("%s\n", transport.last.body.c_str());
  return exit_sent;
}

// ---------------------------------------------------------------------------------------------
// SMTP

std::string describe_tls(const conn::smtp::config& c) {
  if (c.secure) return "TLS from the first byte (secure: true)";
  if (c.ignore_tls) return "no TLS at all (ignoreTLS: true; credentials go in cleartext)";
  if (c.require_tls) return "STARTTLS, required (requireTLS: true)";
  return "STARTTLS when the server offers it (without TLS, credentials are not sent)";
}

int run_smtp(std::string& config_json, const conn::message& m, bool dry_run) {
  auto connector = conn::smtp::from_json(config_json);
  logto::crypto::wipe(config_json);
  if (!connector) return report(connector.error());
  const conn::smtp::config& c = connector->settings();

  if (dry_run) {
    // send() dates the message with the clock and takes the Message-ID from 16 random bytes.
    logto::system_clock clock;
    logto::crypto::default_random random;
    auto random16 = logto::crypto::random_bytes(random, 16);
    if (!random16) return report(random16.error());
    auto built = connector->build_message(m, clock.now(), *random16);
    if (!built) return report(built.error());
    const auto session = connector->session_options();
    note("dry run: nothing was sent. The connector would:");
    note("  connect to " + c.host + ":" + std::to_string(c.port) + ", " + describe_tls(c));
    note("  EHLO " + session.client.ehlo_name);
    if (c.auth) {
      note(std::string("  AUTH ") +
           (c.auth->type == conn::smtp::auth_config::kind::oauth2 ? "XOAUTH2" : "PLAIN or LOGIN") + " as " +
           c.auth->user + " (the secret is not shown)");
    }
    note("  MAIL FROM:<" + built->mail_from + ">");
    for (const auto& rcpt : built->rcpt_to) note("  RCPT TO:<" + rcpt + ">");
    note("  DATA, then these " + std::to_string(built->data.size()) +
         " bytes (on stdout; lines starting with '.' get one more '.' on the wire):");
    print_exact(built->data);
    std::fflush(stdout);
    return exit_sent;
  }

  // posix_connect is the stream factory: the connector calls it with the config's host, port and
  // connectionTimeout, runs the SMTP conversation (and TLS, through mbedTLS) over the stream, and
  // closes it.
  auto sent = connector->send(m, logto_examples::posix_connect{});
  if (!sent) return report(sent.error());
  std::printf("sent: %s\n", sent->reply.c_str());
  std::printf("Message-ID: %s\n", sent->message_id.c_str());
  std::printf("TLS: %s, AUTH: %s\n", sent->tls ? "yes" : "no",
              sent->auth_mechanism.empty() ? "none" : sent->auth_mechanism.c_str());
  return exit_sent;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (const int status = parse_args(argc, argv, o); status != 0) return status;
  if (o.help) {
    std::printf("%s", usage_text);
    return exit_sent;
  }

  auto config_json = read_file(o.config_path);
  if (!config_json) return report(config_json.error());

  // Logto core sends { code, locale? }; templates can use any payload member as {{name}}.
  conn::payload payload;
  payload.code(o.code);
  if (!o.locale.empty()) payload.locale(o.locale);
  const conn::message m(o.to, o.type, std::move(payload));

  if (o.connector == "smtp") return run_smtp(*config_json, m, o.dry_run);
  if (o.connector == "aliyun-sms") return run_http<conn::aliyun_sms>(*config_json, m, o.dry_run, "Aliyun SMS");
  if (o.connector == "aliyun-dm") return run_http<conn::aliyun_dm>(*config_json, m, o.dry_run, "Aliyun Direct Mail");
  if (o.connector == "tencent-sms") return run_http<conn::tencent_sms>(*config_json, m, o.dry_run, "Tencent Cloud SMS");
  return run_http<conn::twilio_sms>(*config_json, m, o.dry_run, "Twilio");
}
