// frame_loop: sign in with the device flow and get an API access token from inside a game-style frame
// loop, on one thread, without ever blocking it.
//
//   frame_loop --endpoint https://YOUR_TENANT.logto.app --app-id YOUR_APP_ID --resource https://api.example.com
//              [--auto-approve] [--max-frames N]
//
// The loop ticks every 16 ms and prints its frame counter. HTTP goes through a libcurl multi handle
// (examples/common/curl_multi_transport.hpp; on Windows the WinHTTP one in winhttp_transport.hpp) that the loop polls
// once per frame; logto::async_client starts requests on it and hands results to completions, which run inside that
// poll, on this thread. The device flow's "when to poll next" comes back as a time; the loop checks it each frame (the
// library keeps no timers and never sleeps). At the end the example prints how many frames passed
// while each answer was on its way: the proof that nothing blocked the loop.
//
// --auto-approve is for the bundled TEST provider only (tests/interop/provider): it approves the
// device request through POST /test/device/approve, sent through the same non-blocking transport.
#include <logto/logto.hpp>

#include <chrono>    // std::chrono::milliseconds
#include <cstdint>   // std::int64_t
#include <cstdio>    // std::printf
#include <optional>  // std::optional
#include <string>    // std::string
#include <vector>    // std::vector

#include "examples/common/background.hpp"      // logto_examples::sleep_ms
#include "examples/common/http_transport.hpp"  // logto_examples::async_http_transport

namespace {

struct options {
  std::string endpoint, app_id, resource;
  bool auto_approve = false;
  long max_frames = 60 * 60 * 15;  // 15 minutes at 60 frames per second
};

int parse_args(int argc, char** argv, options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
    if (arg == "--endpoint") {
      o.endpoint = value();
    } else if (arg == "--app-id") {
      o.app_id = value();
    } else if (arg == "--resource") {
      o.resource = value();
    } else if (arg == "--auto-approve") {
      o.auto_approve = true;
    } else if (arg == "--max-frames") {
      o.max_frames = std::stol(value());
    } else {
      std::fprintf(stderr, "frame_loop: unknown argument %s\n", arg.c_str());
      return 2;
    }
  }
  if (o.endpoint.empty() || o.app_id.empty() || o.resource.empty()) {
    std::fprintf(stderr,
                 "usage: frame_loop --endpoint URL --app-id ID --resource URL [--auto-approve] [--max-frames N]\n");
    return 2;
  }
  while (o.endpoint.back() == '/') o.endpoint.pop_back();
  return 0;
}

using transport_t = logto_examples::async_http_transport;  // libcurl multi; WinHTTP on Windows
using client_t =
    logto::async_client<transport_t, logto::memory_storage, logto::system_clock, logto::crypto::default_random,
                        logto::null_mutex>;  // one thread: no lock needed

// The game's view of the sign-in, advanced by completions and by the frame loop.
struct sign_in_state {
  enum class phase { starting, waiting_for_user, polling, getting_token, done, failed } at = phase::starting;
  std::optional<logto::device_sign_in> flow;
  std::int64_t next_poll_at = 0;
  std::string access_token;
  std::string failure;
  long frame_requested = 0;  // when the current operation was started
  std::vector<long> waits;   // frames each operation's answer took
};

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (const int status = parse_args(argc, argv, o); status != 0) return status;

  logto::config cfg;
  cfg.endpoint = o.endpoint;
  cfg.app_id = o.app_id;
  cfg.resources = {o.resource};
  transport_t transport;
  logto::memory_storage storage;
  client_t client(cfg, transport, storage);
  if (auto valid = client.valid(); !valid) {
    std::fprintf(stderr, "invalid config: %s\n", valid.error().message.c_str());
    return 2;
  }

  sign_in_state s;
  long frame = 0;
  const auto answered = [&] { s.waits.push_back(frame - s.frame_requested); };
  const auto fail = [&](const logto::error& e) {
    s.failure = std::string(logto::to_string(e.code)) + ": " + e.message;
    s.at = sign_in_state::phase::failed;
  };

  s.frame_requested = frame;
  client.start_device_sign_in([&](logto::result<logto::device_sign_in> flow) {
    answered();
    if (!flow) return fail(flow.error());
    s.flow = std::move(*flow);
    s.next_poll_at = s.flow->poller.next_poll_at();
    std::printf("[frame %ld] open %s and enter %s\n", frame, s.flow->authorization.verification_uri.c_str(),
                s.flow->authorization.user_code.c_str());
    s.at = sign_in_state::phase::waiting_for_user;
    if (o.auto_approve) {  // TEST PROVIDER ONLY: "the user" approves on another device
      logto::http_request approve{"POST",
                                  o.endpoint + "/test/device/approve",
                                  {{"Content-Type", "application/x-www-form-urlencoded"}},
                                  logto::build_query({{"user_code", s.flow->authorization.user_code}})};
      transport.start(approve, [&](logto::result<logto::http_response> r) {
        std::printf("[frame %ld] [test provider] approval answered %d\n", frame, r ? r->status : -1);
      });
    }
  });

  for (; frame < o.max_frames; ++frame) {
    transport.poll();  // advances HTTP; completions run here
    if (s.at == sign_in_state::phase::waiting_for_user && logto::system_clock{}.now() >= s.next_poll_at) {
      s.at = sign_in_state::phase::polling;
      s.frame_requested = frame;
      client.poll_device_sign_in(*s.flow, [&](logto::result<logto::device_poll_status> polled) {
        answered();
        if (!polled) return fail(polled.error());
        if (!polled->signed_in) {
          s.next_poll_at = polled->next_poll_at;
          s.at = sign_in_state::phase::waiting_for_user;
          return;
        }
        std::printf("[frame %ld] signed in\n", frame);
        s.at = sign_in_state::phase::getting_token;
        s.frame_requested = frame;
        client.get_access_token(o.resource, [&](logto::result<std::string> token) {
          answered();
          if (!token) return fail(token.error());
          s.access_token = std::move(*token);
          s.at = sign_in_state::phase::done;
        });
      });
    }
    if (s.at == sign_in_state::phase::done || s.at == sign_in_state::phase::failed) break;
    if (frame % 30 == 0) std::printf("[frame %ld] tick\n", frame);
    logto_examples::sleep_ms(16);  // the game's frame pacing, not the library's
  }

  if (s.at != sign_in_state::phase::done) {
    std::fprintf(stderr, "frame_loop: %s\n", s.failure.empty() ? "ran out of frames" : s.failure.c_str());
    return 1;
  }
  auto claims = logto::oidc::decode_access_token(s.access_token);
  std::printf("[frame %ld] access token for %s (aud %s)\n", frame, o.resource.c_str(),
              claims && claims->aud ? claims->aud->c_str() : "?");
  long total = 0;
  std::printf("frames each answer took:");
  for (long w : s.waits) {
    std::printf(" %ld", w);
    total += w;
  }
  std::printf("\nframes from the first request to the access token: %ld (the loop kept ticking)\n", frame);
  return total >= static_cast<long>(s.waits.size()) ? 0 : 1;  // every answer arrived at least one frame later
}
