// Size row "client core" (size_table.sh): the sans-I/O client (logto::client_core) signing in, driven by
// a bare-metal loop with an in-memory transport (no network): discovery, sign-in URI, callback, code
// exchange, JWKS, ID-token verification, token storage. Clock and random source are the board's.
#include <string>

#include <logto/client/core.hpp>
#include <logto/storage.hpp>

#include "board.hpp"

namespace {
using namespace logto;

// The "network": every request is answered from the board's inputs.
http_response answer(const http_request& request) {
  if (request.url.find("openid-configuration") != std::string::npos) return {200, {}, bench_input(in_config)};
  if (request.url.find("jwks") != std::string::npos) return {200, {}, bench_input(in_jwks)};
  return {200, {}, bench_input(in_response)};
}

template <class Op>
bool pump(Op& op, std::int64_t now) {
  for (int guard = 0; guard < 16; ++guard) {
    const step s = op.next(now);
    if (s.what == step::kind::send) {
      op.feed(answer(*s.request));
    } else if (s.what == step::kind::done) {
      return true;
    } else {
      return false;  // wait_until / blocked: not in a sign-in with one operation at a time
    }
  }
  return false;
}
}  // namespace

int main() {
  config cfg;
  cfg.endpoint = bench_input(in_endpoint);
  cfg.app_id = bench_input(in_client_id);
  memory_storage storage;
  client_core<memory_storage, board::clock, board::random> core(cfg, storage);
  const std::int64_t now = core.clock().now();

  sign_in_options o;
  o.redirect_uri = bench_input(in_redirect_uri);
  auto sign_in = core.sign_in(o);
  if (!pump(sign_in, now)) return 1;
  auto uri = sign_in.take_result();
  if (!uri) return 2;
  auto callback = core.handle_sign_in_callback(bench_input(in_callback));
  if (!pump(callback, now)) return 3;
  return callback.take_result() ? 0 : 4;
}
