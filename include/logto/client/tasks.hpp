/// @file
/// @brief What each operation of the client core does (`operation<State, Task>` runs one of these):
/// sign-in URI, sign-in callback, access token (refresh), userinfo, sign-out, device flow, client
/// credentials, token exchange, discovery and ID-token verification.
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
#include "logto/oidc/claims.hpp"
#include "logto/oidc/constants.hpp"
#include "logto/oidc/device.hpp"
#include "logto/oidc/id_token.hpp"
#include "logto/oidc/pkce.hpp"
#include "logto/oidc/session.hpp"
#include "logto/oidc/sign_in.hpp"
#include "logto/oidc/sign_out.hpp"
#include "logto/oidc/token.hpp"
#include "logto/oidc/user_info.hpp"

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
        auto t = token_outcome(std::move(*response));
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

// ---------------------------------------------------------------------------------------------
// Access tokens: the cache, and one refresh at a time

/// An access token for a resource and/or organization (`getAccessToken(resource?, organizationId?)`):
/// from the cache, else by refreshing. Callers that want the same key while its refresh runs take that
/// refresh's outcome; refreshes for other keys wait for the refresh token (rotation).
struct access_token_task : task_base {
  using value_type = std::string;
  std::string resource;
  std::string organization_id;
  std::string key;
  enum class stage : unsigned char { start, wait, discover, sent, verify } at = stage::start;
  std::uint64_t seen = 0;
  std::uint64_t session_at = 0;
  std::optional<std::string> previous_id_token;
  std::optional<oidc::token_response> tokens;
  std::optional<jose::verified_jwt> verified;
  std::int64_t requested_at = 0;

  ~access_token_task() { wipe_tokens(tokens); }
  access_token_task() = default;
  access_token_task(access_token_task&&) = default;

  template <class State>
  step run(op_state<State>& s, std::int64_t now, std::optional<result<value_type>>& out) {
    auto& state = *s.st;
    const auto done = [&](result<value_type> r) { return finish<value_type>(out, std::move(r)); };
    // The outcome of this refresh, shared with the callers waiting for the same key.
    const auto publish = [&](result<value_type> r) {
      auto& f = state.refreshes[key];
      ++f.seq;
      f.outcome = r;
      return done(std::move(r));
    };
    step st;
    switch (at) {
      case stage::start: {
        if (state.refresh_owner == 0 && state.unsaved_refresh_token) {
          // A rotated refresh token the storage refused earlier: write it before anything else.
          auto saved = state.save_unsaved_refresh_token();
          if (!saved) return done(saved.error());
        }
        const auto id_token = state.storage.get(oidc::storage_keys::id_token);
        if (!id_token || id_token->empty()) return done(make_error(errc::not_authenticated, "Not authenticated"));
        if (auto hit = state.cached_access_token(key, now)) return done(std::move(*hit));
        seen = state.refreshes[key].seq;
        session_at = state.session;
        at = stage::wait;
      }
        [[fallthrough]];
      case stage::wait: {
        if (state.session != session_at) return done(session_ended_error("the token request"));
        const auto& f = state.refreshes[key];
        if (f.seq != seen && f.outcome) return done(*f.outcome);  // the refresh we waited for
        if (auto hit = state.valid_entry(state.access_tokens, key, now)) return done(std::move(*hit));
        if (!state.acquire_refresh(s.id.value)) return step::block();
        // Ours now. Another client on the same storage may have refreshed meanwhile.
        if (auto hit = state.cached_access_token(key, now)) return done(std::move(*hit));
        at = stage::discover;
      }
        [[fallthrough]];
      case stage::discover: {
        if (!discovered(s, now, out, st)) return st;
        auto refresh_token = state.refresh_token();  // re-read: another client may have rotated it
        if (!refresh_token || refresh_token->empty()) {
          return done(make_error(errc::not_authenticated, "Not authenticated: Refresh token not found"));
        }
        previous_id_token = state.storage.get(oidc::storage_keys::id_token);
        oidc::refresh_token_grant grant;
        grant.refresh_token = std::move(*refresh_token);
        grant.resource = resource;
        grant.organization_id = organization_id;
        auto request = oidc::build_refresh_token_request(state.auth(), s.disc->token_endpoint, grant);
        crypto::wipe(grant.refresh_token);
        if (!request) return done(request.error());
        requested_at = now;
        at = stage::sent;
        return s.send(std::move(*request));
      }
      case stage::sent: {
        auto response = s.take_own_response();
        if (!response) return s.out;
        auto t = token_outcome(std::move(*response));
        if (state.session != session_at) {
          // The session ended while the refresh was on its way: nothing of it is written.
          return publish(session_ended_error("a token refresh"));
        }
        if (!t) {
          if (t.error().code == errc::session_expired) state.grant_lost(t.error(), session_at);
          return publish(t.error());
        }
        tokens = std::move(*t);
        // The old refresh token is spent now: store the rotated one before anything else can fail.
        if (tokens->refresh_token && !tokens->refresh_token->empty()) {
          auto saved = state.save_refresh_token(*tokens->refresh_token);
          if (!saved) return publish(saved.error());
        }
        if (!tokens->id_token || tokens->id_token->empty()) return store(s, out, publish);
        at = stage::verify;
        s.reset_verification();
      }
        [[fallthrough]];
      case stage::verify: {
        // No nonce (OIDC Core 12.2); at_hash against this response's access token.
        switch (s.need_verified(*tokens->id_token, now, verified, std::nullopt, tokens->access_token)) {
          case need::pending: return s.out;
          case need::failed: return publish(*s.failure);
          case need::ready: break;
        }
        if (previous_id_token && !previous_id_token->empty()) {
          auto same = oidc::check_refreshed_id_token(*previous_id_token, verified->claims, state.cfg.app_id);
          if (!same) return publish(same.error());
        }
        if (state.session != session_at) return publish(session_ended_error("a token refresh"));
        auto saved = detail::storage_write(state.storage, oidc::storage_keys::id_token, *tokens->id_token);
        if (!saved) return publish(saved.error());
        return store(s, out, publish);
      }
    }
    return s.out;
  }

  /// Abandoned with the refresh answer fed but unread: the old refresh token is spent, so the rotated
  /// one (and the access token) are stored all the same, unless the session ended meanwhile.
  template <class State>
  void salvage(op_state<State>& s) {
    auto& state = *s.st;
    auto response = s.take_own_response();
    if (at != stage::sent || !response || state.session != session_at) return;
    auto t = token_outcome(std::move(*response));
    if (!t) {
      if (t.error().code == errc::session_expired) state.grant_lost(t.error(), session_at);
      return;
    }
    tokens = std::move(*t);  // wiped by the destructor
    if (tokens->refresh_token && !tokens->refresh_token->empty() && !state.save_refresh_token(*tokens->refresh_token)) {
      return;
    }
    if (!tokens->id_token) state.store_access_token(key, state.entry_for(*tokens, requested_at));  // else: unverified
  }

 private:
  template <class State, class Publish>
  step store(op_state<State>& s, std::optional<result<value_type>>&, const Publish& publish) {
    s.st->store_access_token(key, s.st->entry_for(*tokens, requested_at));
    return publish(tokens->access_token);
  }
};

/// GET userinfo with the `"@"` access token; its `sub` must equal the ID token's (OIDC Core 5.3.2).
struct user_info_task : task_base {
  using value_type = user_info;
  access_token_task token;
  std::optional<result<std::string>> token_out;
  bool sent = false;

  template <class State>
  step run(op_state<State>& s, std::int64_t now, std::optional<result<value_type>>& out) {
    step st;
    if (!sent) {
      if (!discovered(s, now, out, st)) return st;
      if (s.disc->userinfo_endpoint.empty()) {
        return finish<value_type>(out,
                                  make_error(errc::fetch_user_info_failed, "the provider has no userinfo_endpoint"));
      }
      if (!token_out) {
        st = token.run(s, now, token_out);
        if (!token_out) return st;
      }
      if (!*token_out) return finish<value_type>(out, token_out->error());
      auto request = oidc::build_user_info_request(s.disc->userinfo_endpoint, token_out->value());
      if (!request) return finish<value_type>(out, request.error());
      sent = true;
      return s.send(std::move(*request));
    }
    auto response = s.take_own_response();
    if (!response) return s.out;
    if (!*response) return finish<value_type>(out, response->error());
    auto info = oidc::parse_user_info_response(**response);
    if (!info) return finish<value_type>(out, info.error());
    const auto id_token = s.st->storage.get(oidc::storage_keys::id_token);
    if (!id_token || id_token->empty()) {
      return finish<value_type>(out, make_error(errc::not_authenticated, "Not authenticated: ID token not found"));
    }
    auto claims = oidc::decode_id_token(*id_token);
    if (!claims) return finish<value_type>(out, claims.error());
    auto same = oidc::check_user_info_subject(*info, claims->sub);
    if (!same) return finish<value_type>(out, same.error());
    return finish<value_type>(out, std::move(*info));
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

// ---------------------------------------------------------------------------------------------
// Machine-to-machine and token exchange

/// A client-credentials token, cached in memory per resource and scopes; one fetch per key at a time.
struct client_credentials_task : task_base {
  using value_type = std::string;
  std::string resource;
  std::vector<std::string> scopes;
  std::string key;
  bool joined = false;
  std::uint64_t seen = 0;
  std::int64_t requested_at = 0;

  template <class State>
  step run(op_state<State>& s, std::int64_t now, std::optional<result<value_type>>& out) {
    auto& state = *s.st;
    shared_fetch& f = state.m2m_fetches[key];
    if (auto response = s.take_own_response()) {
      auto tokens = token_outcome(std::move(*response));
      state.end_fetch(f, s.id.value, tokens ? std::optional<error>() : std::optional<error>(tokens.error()));
      if (!tokens) return finish<value_type>(out, tokens.error());
      state.m2m_tokens.set(key, state.entry_for(*tokens, requested_at));
      return finish<value_type>(out, std::move(tokens->access_token));
    }
    if (auto hit = state.valid_entry(state.m2m_tokens, key, now)) return finish<value_type>(out, std::move(*hit));
    if (f.owner != 0 && f.owner != s.id.value) {
      if (!joined) {
        joined = true;
        seen = f.seq;
      }
      return step::block();
    }
    if (joined && f.seq != seen && f.failure) return finish<value_type>(out, *f.failure);
    joined = false;
    step st;
    if (!discovered(s, now, out, st)) return st;
    oidc::client_credentials_grant grant;
    grant.resource = resource;
    grant.scopes = scopes;
    auto request = oidc::build_client_credentials_request(state.auth(), s.disc->token_endpoint, grant);
    if (!request) return finish<value_type>(out, request.error());
    f.owner = s.id.value;
    requested_at = now;
    return s.send(std::move(*request));
  }
};

/// RFC 8693 token exchange; nothing is stored.
struct token_exchange_task : task_base {
  using value_type = oidc::token_response;
  oidc::token_exchange_grant grant;

  template <class State>
  step run(op_state<State>& s, std::int64_t now, std::optional<result<value_type>>& out) {
    if (auto response = s.take_own_response()) return finish<value_type>(out, token_outcome(std::move(*response)));
    step st;
    if (!discovered(s, now, out, st)) return st;
    auto request = oidc::build_token_exchange_request(s.st->auth(), s.disc->token_endpoint, grant);
    if (!request) return finish<value_type>(out, request.error());
    return s.send(std::move(*request));
  }
};

}  // namespace detail
}  // namespace logto
