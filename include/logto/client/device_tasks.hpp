/// @file
/// @brief The client core's device-flow operations (RFC 8628; see `client/tasks.hpp` for how a task
/// runs): the device authorization request, and polling that never sleeps and never polls a code twice
/// after it succeeded.
#pragma once

#include <cstdint>   // std::int64_t, std::uint64_t
#include <optional>  // std::optional
#include <string>    // std::string
#include <utility>   // std::move
#include <vector>    // std::vector

#include "logto/client/operation.hpp"
#include "logto/client/state.hpp"
#include "logto/client/tasks.hpp"
#include "logto/client/types.hpp"
#include "logto/core/crypto.hpp"
#include "logto/core/result.hpp"
#include "logto/oidc/device.hpp"
#include "logto/oidc/token.hpp"

namespace logto {
namespace detail {

// ---------------------------------------------------------------------------------------------
// Device flow (RFC 8628)

struct device_start_task : task_base {
  using value_type = device_sign_in;

  template <class State>
  step run(op_state<State>& s, std::int64_t now, std::optional<result<value_type>>& out) {
    auto& state = *s.st;
    if (auto response = s.take_own_response()) {
      if (!*response) return finish<value_type>(out, response->error());
      auto authorization = oidc::parse_device_authorization_response(**response);
      if (!authorization) return finish<value_type>(out, authorization.error());
      oidc::device_poller poller(*authorization, now, state.options.device_max_interval);
      return finish<value_type>(out, device_sign_in{std::move(*authorization), poller});
    }
    step st;
    if (!discovered(s, now, out, st)) return st;
    if (s.disc->device_authorization_endpoint.empty()) {
      return finish<value_type>(
          out, make_error(errc::discovery_invalid,
                          "the provider does not offer the device flow (no device_authorization_endpoint); enable "
                          "it for this app in Logto (a Native app with the device flow)"));
    }
    auto request = oidc::build_device_authorization_request(state.auth(), s.disc->device_authorization_endpoint,
                                                            state.cfg.scopes, state.cfg.resources);
    if (!request) return finish<value_type>(out, request.error());
    return s.send(std::move(*request));
  }
};

/// One poll when it is due (`repeat == false`: not due yet is `{false, next_poll_at}` at once), or
/// polls until the flow ends, asking the host to wait between polls (`repeat == true`). The poller lives
/// in the host's `device_sign_in`, which must outlive the operation.
struct device_poll_task : task_base {
  using value_type = device_poll_status;
  device_sign_in* flow = nullptr;
  bool repeat = false;
  enum class stage : unsigned char { start, sent, store } at = stage::start;
  std::int64_t requested_at = 0;
  std::uint64_t session_at = 0;
  store_session_step store;

  /// Abandoned with a successful poll answer unread: the code must not be polled again, so its tokens
  /// are kept for a retried poll to store.
  template <class State>
  void salvage(op_state<State>& s) {
    auto response = s.take_own_response();
    if (at != stage::sent || !response || !*response) return;
    auto parsed = oidc::parse_device_token_response(**response);
    crypto::wipe((*response)->body);
    if (!parsed) return;
    auto& record = s.st->devices[flow->authorization.device_code];
    record.succeeded = true;
    record.tokens = std::move(*parsed);
    record.requested_at = requested_at;
  }

  template <class State>
  step run(op_state<State>& s, std::int64_t now, std::optional<result<value_type>>& out) {
    auto& state = *s.st;
    const std::string& code = flow->authorization.device_code;
    step st;
    for (;;) {
      switch (at) {
        case stage::start: {
          auto known = state.devices.find(code);
          if (known != state.devices.end() && known->second.succeeded) {
            if (known->second.stored) {
              return finish<value_type>(
                  out, make_error(errc::invalid_argument,
                                  "this device sign-in already succeeded; it is not polled again (Logto revokes the "
                                  "grant when a used device code is polled)"));
            }
            at = stage::store;  // tokens arrived, but an earlier operation did not store them: resume
            s.reset_verification();
            session_at = state.session;
            continue;
          }
          auto wait = flow->poller.seconds_until_poll(now);
          if (!wait) return finish<value_type>(out, wait.error());
          if (*wait > 0) {
            if (repeat) return step::wait(flow->poller.next_poll_at());
            return finish<value_type>(out, device_poll_status{false, flow->poller.next_poll_at()});
          }
          if (!state.acquire_refresh(s.id.value)) return step::block();
          if (!discovered(s, now, out, st)) return st;
          auto request = oidc::build_device_token_request(state.auth(), s.disc->token_endpoint, code);
          if (!request) return finish<value_type>(out, request.error());
          requested_at = now;
          at = stage::sent;
          return s.send(std::move(*request));
        }
        case stage::sent: {
          auto response = s.take_own_response();
          if (!response) return s.out;
          result<oidc::token_response> parsed = *response ? oidc::parse_device_token_response(**response)
                                                          : result<oidc::token_response>(response->error());
          if (*response) crypto::wipe((*response)->body);
          auto polled = flow->poller.on_poll_result(std::move(parsed), now);
          if (!polled) return finish<value_type>(out, polled.error());
          if (!*polled) {
            state.release_refresh(s.id.value);
            at = stage::start;
            if (repeat) continue;
            return finish<value_type>(out, device_poll_status{false, flow->poller.next_poll_at()});
          }
          // Recorded in the core before anything else: this code is never polled again.
          auto& record = state.devices[code];
          record.succeeded = true;
          record.tokens = std::move(**polled);
          record.requested_at = requested_at;
          session_at = state.session;
          at = stage::store;
          s.reset_verification();
          continue;
        }
        case stage::store: {
          if (!state.acquire_refresh(s.id.value)) return step::block();
          if (!discovered(s, now, out, st)) return st;
          auto& record = state.devices[code];
          if (!record.tokens) {
            return finish<value_type>(out, make_error(errc::invalid_argument, "this device sign-in already ended"));
          }
          const need n =
              store.run(s, now, *record.tokens, record.requested_at, session_at, "the device sign-in", std::nullopt);
          if (n == need::pending) return s.out;
          if (n == need::failed) return finish<value_type>(out, *s.failure);  // tokens kept: a retry stores them
          record.stored = true;
          state.wipe_device(record);
          return finish<value_type>(out, device_poll_status{true, 0});
        }
      }
    }
  }
};

}  // namespace detail
}  // namespace logto
