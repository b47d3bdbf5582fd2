/// @file
/// @brief `logto::client`: Logto sign-in for C++ hosts, the counterpart of `LogtoClient` from
/// `@logto/client` / `@logto/capacitor`, plus the device flow, client credentials and token exchange.
///
/// One engine, three ways to drive it:
/// - `client_core` (`client/core.hpp`): all client state and logic, no I/O, no sleeping; each
///   operation is an object the host pumps (firmware main loops, WebAssembly);
/// - `client` (`client/blocking.hpp`): blocking calls over a `send`-style transport;
/// - `async_client` (`client/async.hpp`): completions over a `start`-style transport (game engines'
///   HTTP callbacks, libcurl multi); it creates no threads and never blocks.
///
/// Tokens are kept in the host's storage with the same keys and formats as `@logto/client` (`idToken`,
/// `refreshToken`, `accessToken`, `signInSession`), so a session written by one is readable by the other.
///
/// Differences from `@logto/client`, on purpose:
/// - a cached access token counts as expired `access_token_margin` (60 s) before its `expiresAt`, so a
///   token is never handed out seconds before it expires in flight (the JS SDK has no margin);
/// - `invalid_grant` on refresh is `errc::session_expired` (detail: the server's code): the session's
///   tokens are cleared and the session-expired hook is called once (the JS SDK keeps dead tokens);
/// - ID tokens from a refresh must keep `iss`/`sub` (OIDC Core 12.2); userinfo's `sub` must equal the
///   ID token's (OIDC Core 5.3.2);
/// - the callback check compares scheme, authority and path exactly and honours RFC 9207 `iss`
///   (see `oidc/callback.hpp`);
/// - `sign_out` clears local tokens even when discovery fails (and then returns that error);
/// - every sign-in sends a fresh `nonce`, kept in `signInSession` and required in the ID token of that
///   code exchange (a session written by the JS SDK has none and completes without); an `at_hash` in an
///   ID token from the token endpoint must match the access token of the same response; an ID token
///   naming audiences besides the app id is refused unless `client_options::trusted_audiences` lists
///   them; discovery's `id_token_signing_alg_values_supported` narrows `id_token_algorithms`;
/// - the access-token map is re-read from storage and merged before each write, and a storage may
///   report failed writes (`errc::storage_write_failed`); see `client/state.hpp`.
#pragma once

// IWYU pragma: begin_exports
#include "logto/client/types.hpp"
#include "logto/client/core.hpp"
#include "logto/client/blocking.hpp"
#include "logto/client/async.hpp"
// IWYU pragma: end_exports
