/// @file
/// @brief The state of the client core (`detail::core_state`): everything the client knows (config,
/// discovery, JWKS, cached tokens, the refresh in progress, the session generation) and the small
/// rules that keep it consistent. No I/O, no clock reads, no locks: operations (`client/operation.hpp`)
/// call into it, drivers serialise access to it.
///
/// Rules that live here because every operation relies on them:
/// - **One user of the refresh token at a time** (`refresh_owner`): a refresh, a code exchange, a
///   device poll and a sign-out each take it, so a rotated refresh token is never sent twice (Logto
///   revokes the grant on reuse after 3 s).
/// - **Sessions have a generation** (`session`). Ending a session (sign-in with `clear_tokens`,
///   `clear_all_tokens`, sign-out, `invalid_grant`) or storing a new one bumps it; an answer that
///   arrives for an older generation is dropped, never written.
/// - **Storage is shared truth.** The access-token map is re-read before every write and merged, so
///   another client on the same storage keeps its entries; the refresh token is re-read when a refresh
///   starts. A rotated refresh token that the storage refused is kept in `unsaved_refresh_token`, used
///   for the next refresh and written again first thing on the next call.
#pragma once

#include <cstdint>      // std::int64_t, std::uint64_t
#include <functional>   // std::function, std::less
#include <map>          // std::map
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move

#include "logto/client/types.hpp"
#include "logto/core/crypto.hpp"
#include "logto/core/result.hpp"
#include "logto/jose/jwks_cache.hpp"
#include "logto/oidc/config.hpp"
#include "logto/oidc/discovery.hpp"
#include "logto/oidc/response.hpp"
#include "logto/oidc/session.hpp"
#include "logto/oidc/token.hpp"
#include "logto/storage.hpp"

namespace logto {
namespace detail {

/// Wipes the secrets of a token response (the access and refresh tokens) held by the core or a task.
inline void wipe_tokens(std::optional<oidc::token_response>& t) {
  if (!t) return;
  crypto::wipe(t->access_token);
  if (t->refresh_token) crypto::wipe(*t->refresh_token);
  t.reset();
}

/// One fetch several operations may need (discovery, JWKS, one client-credentials token): one
/// operation owns it and sends the request; the others are `blocked` and then take its outcome.
struct shared_fetch {
  std::uint64_t owner = 0;       ///< the operation fetching; 0: nobody
  std::uint64_t seq = 0;         ///< bumped whenever a fetch ends (answered or abandoned)
  std::optional<error> failure;  ///< how the last answered fetch failed (joiners get it)
};

/// The outcome of the last refresh for one access-token key, for the callers that waited for it.
struct refresh_flight {
  std::uint64_t seq = 0;
  std::optional<result<std::string>> outcome;
};

/// What the core remembers of a device code. Polling a code again after it succeeded makes Logto
/// revoke the grant, so success is recorded here (not only in the operation, which a host may drop):
/// the tokens wait here until stored, and a retried poll resumes from them instead of polling.
struct device_record {
  bool succeeded = false;
  bool stored = false;
  std::optional<oidc::token_response> tokens;
  std::int64_t requested_at = 0;
};

template <class Storage, class Clock, class Random>
struct core_state {
  core_state(const config& c, Storage& s, client_options o, Clock k, Random r)
      : storage(s), options(std::move(o)), clock(std::move(k)), random(std::move(r)), jwks(options.jwks) {
    auto normalized = normalize(c);
    if (normalized) {
      cfg = std::move(*normalized);
    } else {
      config_error = normalized.error();
    }
  }
  core_state(const core_state&) = delete;
  core_state& operator=(const core_state&) = delete;
  ~core_state() {
    if (unsaved_refresh_token) crypto::wipe(*unsaved_refresh_token);
    for (auto& d : devices) wipe_device(d.second);
  }

  Storage& storage;
  client_options options;
  Clock clock;
  Random random;
  config cfg;
  std::optional<error> config_error;

  std::optional<oidc::discovery> discovery;
  std::string discovery_text;  // the document as fetched, for export
  std::int64_t discovery_fetched_at = 0;
  std::int64_t discovery_attempt_at = 0;
  bool discovery_attempted = false;
  shared_fetch discovery_fetch;

  jose::jwks_cache jwks;
  std::string jwks_text;
  shared_fetch jwks_fetch;

  oidc::access_token_map access_tokens;  // a cache of the stored map (storage is the truth)
  oidc::access_token_map m2m_tokens;     // memory only
  std::map<std::string, refresh_flight, std::less<>> refreshes;
  std::map<std::string, shared_fetch, std::less<>> m2m_fetches;
  std::uint64_t refresh_owner = 0;
  bool lock_storage = false;  // take Storage::lock() with the refresh token (set by the blocking driver)
  std::uint64_t session = 1;
  std::optional<std::string> unsaved_refresh_token;
  std::optional<std::string> post_redirect_uri;
  std::map<std::string, device_record, std::less<>> devices;

  std::function<void(const error&)> on_session_expired;
  bool defer_events = false;  // drivers that hold a lock deliver the hook after releasing it
  std::optional<error> pending_session_expired;

  std::uint64_t next_id = 1;

  oidc::client_auth auth() const { return oidc::client_auth{cfg.app_id, cfg.app_secret}; }

  bool has_scope(std::string_view scope) const {
    for (const auto& s : cfg.scopes) {
      if (s == scope) return true;
    }
    return false;
  }
  bool has_resource(std::string_view resource) const {
    for (const auto& r : cfg.resources) {
      if (r == resource) return true;
    }
    return false;
  }

  // ---- discovery and JWKS

  /// The discovery document if it may be used at `now`: fresh, or stale while a refetch failed less
  /// than a cooldown ago.
  const oidc::discovery* usable_discovery(std::int64_t now) const {
    if (!discovery) return nullptr;
    if (now - discovery_fetched_at < options.discovery_max_age) return &*discovery;
    if (discovery_attempted && now - discovery_attempt_at < options.jwks.cooldown) return &*discovery;
    return nullptr;
  }

  void discovery_done(std::uint64_t id, const result<oidc::discovery>& d, std::string text, std::int64_t now) {
    end_fetch(discovery_fetch, id, d ? std::optional<error>() : std::optional<error>(d.error()));
    discovery_attempted = true;
    discovery_attempt_at = now;
    if (!d) return;
    discovery = *d;
    discovery_text = std::move(text);
    discovery_fetched_at = now;
  }

  result<void> jwks_done(std::uint64_t id, result<std::string> body, std::int64_t now) {
    result<void> r = ok();
    if (body) {
      r = jwks.update(*body, now);
      if (r) jwks_text = std::move(*body);
    } else {
      jwks.fetch_failed(now);
      r = body.error();
    }
    end_fetch(jwks_fetch, id, r ? std::optional<error>() : std::optional<error>(r.error()));
    return r;
  }

  static void end_fetch(shared_fetch& f, std::uint64_t id, std::optional<error> failure) {
    if (f.owner != id) return;
    f.owner = 0;
    ++f.seq;
    f.failure = std::move(failure);
  }

  // ---- the refresh token

  /// Takes the refresh token for operation `id` (false: another operation uses it).
  bool acquire_refresh(std::uint64_t id) {
    if (refresh_owner == id) return true;
    if (refresh_owner != 0) return false;
    refresh_owner = id;
    if constexpr (has_storage_lock<Storage>::value) {
      if (lock_storage) storage.lock();
    }
    return true;
  }
  void release_refresh(std::uint64_t id) {
    if (refresh_owner != id) return;
    refresh_owner = 0;
    if constexpr (has_storage_lock<Storage>::value) {
      if (lock_storage) storage.unlock();
    }
  }

  /// The current refresh token: one the storage refused to save, else the stored one.
  std::optional<std::string> refresh_token() const {
    if (unsaved_refresh_token) return unsaved_refresh_token;
    return storage.get(oidc::storage_keys::refresh_token);
  }

  /// Writes a refresh token the storage refused before. An error while it still cannot.
  result<void> save_unsaved_refresh_token() {
    if (!unsaved_refresh_token) return ok();
    auto r = detail::storage_write(storage, oidc::storage_keys::refresh_token, *unsaved_refresh_token);
    if (!r) return r;
    crypto::wipe(*unsaved_refresh_token);
    unsaved_refresh_token.reset();
    return ok();
  }

  /// Stores a rotated refresh token; when the storage refuses, keeps it in memory (the old one is spent).
  result<void> save_refresh_token(const std::string& token) {
    auto r = detail::storage_write(storage, oidc::storage_keys::refresh_token, token);
    if (unsaved_refresh_token) crypto::wipe(*unsaved_refresh_token);
    if (r) {
      unsaved_refresh_token.reset();
    } else {
      unsaved_refresh_token = token;
    }
    return r;
  }

  // ---- access tokens

  std::optional<std::string> valid_entry(const oidc::access_token_map& map, std::string_view key,
                                         std::int64_t now) const {
    const auto* entry = map.find(key);
    if (entry == nullptr) return std::nullopt;
    if (entry->expires_at - static_cast<double>(options.access_token_margin) > static_cast<double>(now)) {
      return entry->token;
    }
    return std::nullopt;
  }

  /// Reads the stored map into memory (a corrupt map counts as empty, as in @logto/client).
  void reload_access_tokens() {
    const auto stored = storage.get(oidc::storage_keys::access_token);
    access_tokens.clear();
    if (!stored) return;
    auto parsed = oidc::parse_access_token_map(*stored);
    if (parsed) access_tokens = std::move(*parsed);
  }

  /// A valid cached token for `key`: from memory, else from storage (another client may have stored it).
  std::optional<std::string> cached_access_token(std::string_view key, std::int64_t now) {
    if (auto hit = valid_entry(access_tokens, key, now)) return hit;
    reload_access_tokens();
    return valid_entry(access_tokens, key, now);
  }

  /// Re-reads the stored map, sets `key` and writes it back. The map is a cache: when the storage refuses
  /// the write the entry is still served from memory, so a failure here is not an error.
  void store_access_token(std::string_view key, oidc::access_token_entry entry) {
    reload_access_tokens();
    access_tokens.set(key, std::move(entry));
    (void)detail::storage_write(storage, oidc::storage_keys::access_token,
                                oidc::serialize_access_token_map(access_tokens));
  }

  static oidc::access_token_entry entry_for(const oidc::token_response& tokens, std::int64_t requested_at) {
    oidc::access_token_entry entry;
    entry.token = tokens.access_token;
    entry.scope = tokens.scope.value_or(std::string());
    // Without expires_in the token is used for this call only and never served from the cache.
    entry.expires_at = static_cast<double>(requested_at + tokens.expires_in.value_or(0));
    return entry;
  }

  // ---- sessions

  /// Forgets the cached access tokens (memory, storage, and outcomes shared with waiting callers).
  result<void> clear_access_tokens() {
    access_tokens.clear();
    for (auto& f : refreshes) {
      if (f.second.outcome && f.second.outcome->has_value()) crypto::wipe(f.second.outcome->value());
      f.second.outcome.reset();
    }
    return detail::storage_erase(storage, oidc::storage_keys::access_token);
  }

  /// Ends the session: removes the refresh token, the ID token and the access tokens, and bumps the
  /// generation so that answers still on their way are dropped.
  result<void> end_session() {
    ++session;
    if (unsaved_refresh_token) crypto::wipe(*unsaved_refresh_token);
    unsaved_refresh_token.reset();
    auto rt = detail::storage_erase(storage, oidc::storage_keys::refresh_token);
    auto id = detail::storage_erase(storage, oidc::storage_keys::id_token);
    auto at = clear_access_tokens();
    if (!rt) return rt;
    if (!id) return id;
    return at;
  }

  /// The grant is gone (`invalid_grant` on refresh): end the session once, and tell the host once.
  void grant_lost(const error& e, std::uint64_t op_session) {
    if (op_session != session) return;  // that session already ended (and was reported)
    (void)end_session();
    if (!on_session_expired) return;
    if (defer_events) {
      pending_session_expired = e;
    } else {
      on_session_expired(e);
    }
  }

  /// Stores the session of a code exchange or a device sign-in (ID token already verified): refresh
  /// token first, then the ID token (which is what makes `is_authenticated` true), then the `"@"`
  /// access token. A refused write leaves no half session behind.
  result<void> store_new_session(const oidc::token_response& tokens, std::int64_t requested_at) {
    auto cleared = end_session();
    if (!cleared) return cleared;
    if (tokens.refresh_token && !tokens.refresh_token->empty()) {
      auto r = detail::storage_write(storage, oidc::storage_keys::refresh_token, *tokens.refresh_token);
      if (!r) return r;
    }
    auto id = detail::storage_write(storage, oidc::storage_keys::id_token, *tokens.id_token);
    if (!id) {
      (void)detail::storage_erase(storage, oidc::storage_keys::refresh_token);
      return id;
    }
    store_access_token(oidc::build_access_token_key(), entry_for(tokens, requested_at));
    return ok();
  }

  // ---- operations ending

  /// Operation `id` ended or was abandoned: whatever it still owns is released, and the fetches it owned
  /// count as ended without an answer (the next operation that needs one starts it again).
  void release(std::uint64_t id) {
    release_refresh(id);
    end_fetch(discovery_fetch, id, std::nullopt);
    end_fetch(jwks_fetch, id, std::nullopt);
    for (auto& f : m2m_fetches) end_fetch(f.second, id, std::nullopt);
  }

  static void wipe_device(device_record& d) { wipe_tokens(d.tokens); }
};

/// Which grant a token-endpoint answer belongs to: `invalid_grant` means something different for each.
enum class grant_kind { refresh, authorization_code, client_credentials, token_exchange };

/// A token endpoint's answer as tokens. `invalid_grant` on a refresh becomes `errc::session_expired` (the
/// session is gone); on a code exchange or a token exchange it keeps its code and says what to try.
inline result<oidc::token_response> token_outcome(result<http_response> response,
                                                  grant_kind kind = grant_kind::refresh) {
  if (!response) return response.error();
  auto tokens = oidc::parse_token_response(*response);
  crypto::wipe(response->body);
  if (tokens || oidc::oauth_error_name(tokens.error()) != "invalid_grant") return tokens;
  error e = std::move(tokens).error();
  switch (kind) {
    case grant_kind::refresh:
      return make_error(errc::session_expired,
                        "the provider rejected the refresh token (invalid_grant): the session is gone (expired, "
                        "revoked, or the refresh token was used twice); sign in again. Server said: " +
                            e.message,
                        e.detail);
    case grant_kind::authorization_code:
      e.message =
          "the provider rejected the authorization code (invalid_grant): it expired or was already used, "
          "or the redirect URI or PKCE verifier differ from the sign-in request (was the callback handled "
          "twice, or by another client?); start the sign-in again. Server said: " +
          e.message;
      return e;
    case grant_kind::token_exchange:
      e.message =
          "the provider rejected the subject token (invalid_grant): it expired, was revoked or is not one this "
          "app may exchange. Server said: " +
          e.message;
      return e;
    case grant_kind::client_credentials: break;
  }
  return e;
}

/// Why an answer was dropped: the session it belonged to ended while it was on its way.
inline error session_ended_error(std::string_view what) {
  return make_error(errc::not_authenticated,
                    "Not authenticated: the session ended (sign-out, clear_all_tokens or a new sign-in) while " +
                        std::string(what) + " was in progress; its answer was discarded");
}

}  // namespace detail
}  // namespace logto
