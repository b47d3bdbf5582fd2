/// @file
/// @brief What each operation of the client core does (`operation<State, Task>` runs one of these),
/// part 1: the helpers every task uses, discovery, ID-token verification, the sign-in URI, the sign-in
/// callback and sign-out. Access tokens, userinfo, client credentials and token exchange are in
/// `client/token_tasks.hpp`; the device flow is in `client/device_tasks.hpp`.
///
/// A task's `run(s, now, out)` resumes where it stopped (`stage`), returns the step its host must take,
/// and sets `out` when it is done. It sends nothing itself: `s.send(request)` hands the request out and
/// `s.take_own_response()` reads what the host fed back. The order of storage writes and every rule
/// about the refresh token are written out here, one task at a time.
#pragma once

#include <cstdint>   // std::int64_t, std::uint64_t
#include <optional>  // std::optional
#include <string>    // std::string
#include <utility>   // std::move
#include <vector>    // std::vector

#include "logto/client/operation.hpp"
#include "logto/client/state.hpp"
#include "logto/client/types.hpp"
#include "logto/core/crypto.hpp"
#include "logto/core/result.hpp"
#include "logto/oidc/callback.hpp"
#include "logto/oidc/constants.hpp"
#include "logto/oidc/id_token.hpp"
#include "logto/oidc/pkce.hpp"
#include "logto/oidc/session.hpp"
#include "logto/oidc/sign_in.hpp"
#include "logto/oidc/sign_out.hpp"
#include "logto/oidc/token.hpp"

namespace logto {
namespace detail {

/// What every task has: nothing to keep when abandoned (see `operation::~operation`).
struct task_base {
  template <class State>
  void salvage(op_state<State>&) {}
};

template <class T>
step finish(std::optional<result<T>>& out, result<T> r) {
  out = std::move(r);
  return step::finished();
}

// Runs the shared discovery step: true when the document is there; otherwise `st` is the step to
// return (the operation is then finished with the failure, or still waiting).
template <class State, class T>
bool discovered(op_state<State>& s, std::int64_t now, std::optional<result<T>>& out, step& st) {
  switch (s.need_discovery(now)) {
    case need::ready: return true;
    case need::pending: st = s.out; return false;
    case need::failed: break;
  }
  st = finish<T>(out, *s.failure);
  return false;
}

// ---------------------------------------------------------------------------------------------
// Discovery and ID-token verification on their own

struct discovery_task : task_base {
  using value_type = oidc::discovery;
  template <class State>
  step run(op_state<State>& s, std::int64_t now, std::optional<result<value_type>>& out) {
    step st;
    if (!discovered(s, now, out, st)) return st;
    return finish<value_type>(out, *s.disc);
  }
};

struct verify_task : task_base {
  using value_type = jose::verified_jwt;
  std::string token;
  std::optional<jose::verified_jwt> verified;

  template <class State>
  step run(op_state<State>& s, std::int64_t now, std::optional<result<value_type>>& out) {
    step st;
    if (!discovered(s, now, out, st)) return st;
    switch (s.need_verified(token, now, verified)) {
      case need::pending: return s.out;
      case need::failed: return finish<value_type>(out, *s.failure);
      case need::ready: break;
    }
    return finish<value_type>(out, std::move(*verified));
  }
};

// ---------------------------------------------------------------------------------------------
// Sign-in with the system browser

/// Builds the sign-in URI and stores the sign-in session (`signInSession`); ends the previous session
/// unless `clear_tokens` is false. Only discovery is fetched.
struct sign_in_task : task_base {
  using value_type = std::string;
  sign_in_options options;

  template <class State>
  step run(op_state<State>& s, std::int64_t now, std::optional<result<value_type>>& out) {
    step st;
    if (!discovered(s, now, out, st)) return st;
    auto& state = *s.st;
    auto verifier = oidc::generate_code_verifier(state.random);
    if (!verifier) return finish<value_type>(out, verifier.error());
    auto random_state = oidc::generate_state(state.random);
    if (!random_state) return finish<value_type>(out, random_state.error());
    auto nonce = oidc::generate_nonce(state.random);
    if (!nonce) return finish<value_type>(out, nonce.error());
    auto challenge = oidc::generate_code_challenge(*verifier);
    if (!challenge) return finish<value_type>(out, challenge.error());

    const sign_in_options& o = options;
    oidc::sign_in_uri_params p;
    p.authorization_endpoint = s.disc->authorization_endpoint;
    p.client_id = state.cfg.app_id;
    p.redirect_uri = o.redirect_uri;
    p.code_challenge = *challenge;
    p.state = *random_state;
    p.scopes = state.cfg.scopes;
    p.resources = state.cfg.resources;
    p.prompt = o.prompt.empty() ? state.cfg.prompt : o.prompt;
    p.include_reserved_scopes = state.cfg.include_reserved_scopes;
    p.login_hint = o.login_hint;
    p.direct_sign_in_target = o.direct_sign_in;
    p.first_screen = o.first_screen;
    p.identifiers = o.identifiers;
    p.extra_params = o.extra_params;
    p.nonce = *nonce;
    auto uri = oidc::build_sign_in_uri(p);
    crypto::wipe(p.state);
    crypto::wipe(p.nonce);
    if (!uri) return finish<value_type>(out, uri.error());

    oidc::sign_in_session session;
    session.redirect_uri = o.redirect_uri;
    if (!o.post_redirect_uri.empty()) session.post_redirect_uri = o.post_redirect_uri;
    session.code_verifier = std::move(*verifier);
    session.state = std::move(*random_state);
    session.nonce = std::move(*nonce);
    std::string serialized = oidc::serialize_sign_in_session(session);
    crypto::wipe(session.code_verifier);
    crypto::wipe(session.state);
    crypto::wipe(*session.nonce);
    auto stored = detail::storage_write(state.storage, oidc::storage_keys::sign_in_session, std::move(serialized));
    if (!stored) return finish<value_type>(out, stored.error());
    if (o.clear_tokens) {
      auto cleared = state.end_session();
      if (!cleared) return finish<value_type>(out, cleared.error());
    }
    return finish<value_type>(out, std::move(*uri));
  }
};

/// Verifies a new session's ID token and stores the session, unless the session generation changed
/// since `session_at` (the user signed out or started over meanwhile). Shared by the callback and the
/// device flow. Ready when stored.
struct store_session_step {
  std::optional<jose::verified_jwt> verified;

  /// `nonce`: the one sent with the authorization request (none for the device flow, or for a sign-in
  /// session written by @logto/client, which sent none).
  template <class State>
  need run(op_state<State>& s, std::int64_t now, const oidc::token_response& tokens, std::int64_t requested_at,
           std::uint64_t session_at, std::string_view what, const std::optional<std::string>& nonce) {
    if (!tokens.id_token || tokens.id_token->empty()) {
      return s.fail(make_error(errc::token_response_invalid,
                               "the token response has no id_token (is the `openid` scope requested?)", "id_token"));
    }
    const need n = s.need_verified(*tokens.id_token, now, verified, nonce, tokens.access_token);
    if (n != need::ready) return n;
    if (s.st->session != session_at) return s.fail(session_ended_error(what));
    auto stored = s.st->store_new_session(tokens, requested_at);
    if (!stored) return s.fail(stored.error());
    return need::ready;
  }
};

/// Completes a sign-in with the URI the browser came back to (see `client::handle_sign_in_callback`).
struct callback_task : task_base {
  using value_type = bool;  // `true`; the drivers return `result<void>`
  std::string callback_uri;
  enum class stage : unsigned char { start, exchange, store } at = stage::start;
  std::optional<oidc::sign_in_session> session;
  std::optional<oidc::token_response> tokens;
  std::int64_t requested_at = 0;
  std::uint64_t session_at = 0;
  store_session_step store;

  ~callback_task() { wipe(); }
  callback_task() = default;
  callback_task(callback_task&&) = default;

  void wipe() {
    if (session) {
      crypto::wipe(session->code_verifier);
      crypto::wipe(session->state);
      if (session->nonce) crypto::wipe(*session->nonce);
    }
    wipe_tokens(tokens);
  }

  template <class State>
  step run(op_state<State>& s, std::int64_t now, std::optional<result<value_type>>& out) {
    auto& state = *s.st;
    step st;
    switch (at) {
      case stage::start: {
        // Serialised with every other use of the refresh token: the new session replaces it.
        if (!state.acquire_refresh(s.id.value)) return step::block();
        if (!session) {
          auto stored = state.storage.get(oidc::storage_keys::sign_in_session);
          if (!stored) {
            return finish<value_type>(out, make_error(errc::sign_in_session_not_found,
                                                      "Sign-in session not found: call sign_in() first (a callback "
                                                      "is accepted once)"));
          }
          auto parsed = oidc::parse_sign_in_session(*stored);
          crypto::wipe(*stored);
          if (!parsed) {
            return finish<value_type>(
                out, make_error(errc::sign_in_session_invalid,
                                "Invalid sign-in session: the stored signInSession is corrupt; call sign_in() again",
                                parsed.error().message));
          }
          session = std::move(*parsed);
        }
        if (!discovered(s, now, out, st)) return st;
        oidc::callback_options cb;
        cb.issuer = s.disc->issuer;
        cb.require_issuer = s.disc->authorization_response_iss_parameter_supported;
        auto params = oidc::verify_and_parse_callback_uri(callback_uri, session->redirect_uri, session->state, cb);
        if (!params) return finish<value_type>(out, params.error());
        oidc::authorization_code_grant grant;
        grant.code = params->code;
        grant.code_verifier = session->code_verifier;
        grant.redirect_uri = session->redirect_uri;
        auto request = oidc::build_authorization_code_request(state.auth(), s.disc->token_endpoint, grant);
        crypto::wipe(grant.code_verifier);
        if (!request) return finish<value_type>(out, request.error());
        requested_at = now;
        session_at = state.session;
        at = stage::exchange;
        return s.send(std::move(*request));
      }
      case stage::exchange: {
        auto response = s.take_own_response();
        if (!response) return s.out;
        auto t = token_outcome(std::move(*response), grant_kind::authorization_code);
        if (!t) return finish<value_type>(out, t.error());
        tokens = std::move(*t);
        at = stage::store;
        s.reset_verification();
      }
        [[fallthrough]];
      case stage::store: {
        const need n = store.run(s, now, *tokens, requested_at, session_at, "the sign-in callback", session->nonce);
        if (n == need::pending) return s.out;
        if (n == need::failed) return finish<value_type>(out, *s.failure);
        (void)detail::storage_erase(state.storage, oidc::storage_keys::sign_in_session);
        state.post_redirect_uri = session->post_redirect_uri;
        return finish<value_type>(out, true);
      }
    }
    return s.out;
  }
};

/// Revokes the refresh token (best effort, after any refresh in progress), ends the session, and
/// returns the end-session URI. Tokens are cleared even when the provider cannot be reached.
struct sign_out_task : task_base {
  using value_type = std::string;
  std::string post_logout_redirect_uri;
  enum class stage : unsigned char { start, discover, revoked } at = stage::start;
  std::optional<std::string> refresh_token;
  std::optional<error> discovery_error;

  ~sign_out_task() {
    if (refresh_token) crypto::wipe(*refresh_token);
  }
  sign_out_task() = default;
  sign_out_task(sign_out_task&&) = default;

  template <class State>
  step run(op_state<State>& s, std::int64_t now, std::optional<result<value_type>>& out) {
    auto& state = *s.st;
    switch (at) {
      case stage::start:
        if (!state.acquire_refresh(s.id.value)) return step::block();  // wait for a refresh in progress
        refresh_token = state.refresh_token();
        at = stage::discover;
        [[fallthrough]];
      case stage::discover: {
        const need n = s.need_discovery(now);
        if (n == need::pending) return s.out;
        if (n == need::failed) discovery_error = *s.failure;
        if (s.disc && refresh_token && !refresh_token->empty() && !s.disc->revocation_endpoint.empty()) {
          auto request = oidc::build_revocation_request(state.auth(), s.disc->revocation_endpoint, *refresh_token);
          if (request) {
            at = stage::revoked;
            return s.send(std::move(*request));
          }
        }
        break;
      }
      case stage::revoked:
        if (!s.take_own_response()) return s.out;  // best effort, as @logto/client: the answer is ignored
        break;
    }
    (void)state.end_session();
    if (discovery_error) {
      error e = *discovery_error;
      e.message = "signed out locally (tokens cleared), but the provider is unreachable: " + e.message;
      return finish<value_type>(out, std::move(e));
    }
    if (s.disc->end_session_endpoint.empty()) {
      return finish<value_type>(out, make_error(errc::discovery_invalid,
                                                "signed out locally (tokens cleared); the provider has no "
                                                "end_session_endpoint"));
    }
    return finish<value_type>(
        out, oidc::build_end_session_uri(s.disc->end_session_endpoint, state.cfg.app_id, post_logout_redirect_uri));
  }
};

}  // namespace detail
}  // namespace logto
