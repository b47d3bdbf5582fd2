// Target oidc_response: an HTTP response from the OpenID provider. Byte 0 picks the parser (discovery,
// token, userinfo, device authorization, device token polling, revocation), byte 1 the status, the rest
// is the body.
//
// Properties:
// - success only for a 2xx status;
// - every parsed field equals what picojson reads from the body (strings exactly, integers exactly;
//   an optional member absent or null gives nullopt), discovery endpoints are absolute http(s) URLs
//   without a fragment and the issuer is the expected one; integers are in range (expires_in >= 0,
//   device expires_in > 0, interval >= 0);
// - a device-flow error code (authorization_pending, slow_down, access_denied, expired_token) only
//   when the body names it;
// - errors carry no control character in message or detail (peer text must not forge log lines).
#include <logto/oidc/device.hpp>
#include <logto/oidc/discovery.hpp>
#include <logto/oidc/token.hpp>
#include <logto/oidc/user_info.hpp>

#include <cmath>

#include "common.hpp"

namespace {

constexpr int statuses[16] = {200, 201, 204, 299, 300, 302, 400, 401, 403, 404, 429, 500, 503, 0, 100, 199};
const std::string endpoint = "https://tenant.logto.app";
const std::string issuer = "https://tenant.logto.app/oidc";

void check_error(const logto::error& e) {
  FUZZ_REQUIRE(!fuzz::has_control(e.message) && !fuzz::has_control(e.detail), "errors hold no control characters");
}

template <class T>
void check_outcome(const logto::result<T>& r, int status) {
  if (!r) return check_error(r.error());
  FUZZ_REQUIRE(logto::detail::http_ok(status), "success needs a 2xx status");
}

picojson::value body_json(std::string_view body) {
  auto v = fuzz::independent_json(body);
  FUZZ_REQUIRE(v && v->is<picojson::object>(), "picojson reads an accepted body as an object");
  return *v;
}

std::optional<std::int64_t> opt_integer(const picojson::value& obj, const char* name) {
  const picojson::value* v = fuzz::member(obj, name);
  if (v == nullptr || v->is<picojson::null>()) return std::nullopt;
  FUZZ_REQUIRE(v->is<double>() && std::floor(v->get<double>()) == v->get<double>(), "an accepted integer is integral");
  return static_cast<std::int64_t>(v->get<double>());
}

void check_url(const std::string& text, bool required) {
  if (text.empty() && !required) return;
  auto u = logto::parse_url(text);
  FUZZ_REQUIRE(u && (u->scheme == "https" || u->scheme == "http") && !u->host.empty() && !u->has_fragment,
               "a discovery endpoint is an absolute http(s) URL without fragment");
}

void check_tokens(const logto::oidc::token_response& t, std::string_view body) {
  const picojson::value p = body_json(body);
  FUZZ_REQUIRE(fuzz::optional_string(p, "access_token") == t.access_token && !t.access_token.empty(),
               "access_token agrees");
  FUZZ_REQUIRE(fuzz::optional_string(p, "refresh_token") == t.refresh_token &&
                   fuzz::optional_string(p, "id_token") == t.id_token && fuzz::optional_string(p, "scope") == t.scope &&
                   fuzz::optional_string(p, "token_type") == t.token_type,
               "optional token fields agree");
  FUZZ_REQUIRE(opt_integer(p, "expires_in") == t.expires_in && (!t.expires_in || *t.expires_in >= 0),
               "expires_in agrees");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = fuzz::as_view(data, size);
  const unsigned kind = fuzz::take_byte(in) % 6;
  logto::http_response response;
  response.status = statuses[fuzz::take_byte(in) % 16];
  response.body = std::string(in);

  switch (kind) {
    case 0: {
      logto::oidc::discovery_options options;
      options.require_issuer_match = (size & 1) == 0;
      const auto d = logto::oidc::parse_discovery_response(response, endpoint, options);
      check_outcome(d, response.status);
      if (!d) break;
      const picojson::value p = body_json(in);
      FUZZ_REQUIRE(
          fuzz::optional_string(p, "issuer") == d->issuer && (!options.require_issuer_match || d->issuer == issuer),
          "discovery issuer agrees");
      FUZZ_REQUIRE(!logto::parse_url(d->issuer)->has_query, "the issuer has no query");
      const std::pair<const char*, const std::string*> fields[] = {
          {"authorization_endpoint", &d->authorization_endpoint},
          {"token_endpoint", &d->token_endpoint},
          {"userinfo_endpoint", &d->userinfo_endpoint},
          {"end_session_endpoint", &d->end_session_endpoint},
          {"revocation_endpoint", &d->revocation_endpoint},
          {"jwks_uri", &d->jwks_uri},
          {"device_authorization_endpoint", &d->device_authorization_endpoint}};
      for (const auto& f : fields) {
        FUZZ_REQUIRE(fuzz::optional_string(p, f.first).value_or("") == *f.second, "discovery endpoint agrees");
        const bool required = std::string_view(f.first) == "authorization_endpoint" ||
                              std::string_view(f.first) == "token_endpoint" || std::string_view(f.first) == "jwks_uri";
        check_url(*f.second, required);
      }
      check_url(d->issuer, true);
      const picojson::value* iss_param = fuzz::member(p, "authorization_response_iss_parameter_supported");
      FUZZ_REQUIRE(d->authorization_response_iss_parameter_supported ==
                       (iss_param != nullptr && iss_param->is<bool>() && iss_param->get<bool>()),
                   "the RFC 9207 flag agrees");
      break;
    }
    case 1: {
      const auto t = logto::oidc::parse_token_response(response);
      check_outcome(t, response.status);
      if (t) check_tokens(*t, in);
      break;
    }
    case 2: {
      const auto u = logto::oidc::parse_user_info_response(response);
      check_outcome(u, response.status);
      if (!u) break;
      const picojson::value p = body_json(in);
      FUZZ_REQUIRE(fuzz::optional_string(p, "sub") == u->sub, "userinfo sub agrees");
      FUZZ_REQUIRE(fuzz::optional_string(p, "email") == u->email && fuzz::optional_string(p, "name") == u->name &&
                       fuzz::optional_string(p, "username") == u->username &&
                       fuzz::optional_string(p, "picture") == u->picture &&
                       fuzz::optional_string(p, "phone_number") == u->phone_number,
                   "userinfo strings agree");
      break;
    }
    case 3: {
      const auto d = logto::oidc::parse_device_authorization_response(response);
      check_outcome(d, response.status);
      if (!d) break;
      const picojson::value p = body_json(in);
      FUZZ_REQUIRE(fuzz::optional_string(p, "device_code") == d->device_code &&
                       fuzz::optional_string(p, "user_code") == d->user_code &&
                       fuzz::optional_string(p, "verification_uri") == d->verification_uri &&
                       fuzz::optional_string(p, "verification_uri_complete") == d->verification_uri_complete,
                   "device authorization strings agree");
      FUZZ_REQUIRE(!d->device_code.empty() && !d->user_code.empty(), "device and user codes are non-empty");
      FUZZ_REQUIRE(opt_integer(p, "expires_in") == d->expires_in && d->expires_in > 0, "device expires_in agrees");
      FUZZ_REQUIRE(
          opt_integer(p, "interval").value_or(logto::oidc::device_default_interval) == d->interval && d->interval >= 0,
          "device interval agrees");
      break;
    }
    case 4: {
      const auto t = logto::oidc::parse_device_token_response(response);
      check_outcome(t, response.status);
      if (t) {
        check_tokens(*t, in);
        break;
      }
      const logto::errc c = t.error().code;
      if (c == logto::errc::authorization_pending || c == logto::errc::slow_down || c == logto::errc::access_denied ||
          c == logto::errc::expired_token) {
        FUZZ_REQUIRE(in.find(t.error().detail) != std::string_view::npos,
                     "a device-flow error names an error the body carries");
      }
      break;
    }
    default: {
      const auto r = logto::oidc::parse_revocation_response(response);
      check_outcome(r, response.status);
      FUZZ_REQUIRE(r.has_value() == logto::detail::http_ok(response.status), "revocation succeeds exactly on 2xx");
      break;
    }
  }
  return 0;
}
