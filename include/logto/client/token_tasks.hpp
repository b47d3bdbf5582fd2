/// @file
/// @brief The client core's token operations (see `client/tasks.hpp` for how a task runs): an access
/// token from the cache or by one refresh at a time, userinfo, client credentials and token exchange.
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
#include "logto/oidc/claims.hpp"
#include "logto/oidc/id_token.hpp"
#include "logto/oidc/session.hpp"
#include "logto/oidc/token.hpp"
#include "logto/oidc/user_info.hpp"

namespace logto {
namespace detail {

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
        auto t = token_outcome(std::move(*response), grant_kind::refresh);
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
    auto t = token_outcome(std::move(*response), grant_kind::refresh);
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
      auto tokens = token_outcome(std::move(*response), grant_kind::client_credentials);
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
    if (auto response = s.take_own_response())
      return finish<value_type>(out, token_outcome(std::move(*response), grant_kind::token_exchange));
    step st;
    if (!discovered(s, now, out, st)) return st;
    auto request = oidc::build_token_exchange_request(s.st->auth(), s.disc->token_endpoint, grant);
    if (!request) return finish<value_type>(out, request.error());
    return s.send(std::move(*request));
  }
};

}  // namespace detail
}  // namespace logto
