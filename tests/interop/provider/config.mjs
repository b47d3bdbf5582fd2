// Static test data (user, clients, API resources) and the oidc-provider
// configuration that mirrors Logto's (packages/core/src/oidc/init.ts) where
// it matters to a client.

import { errors, interactionPolicy } from 'oidc-provider';

import { adapterFactory } from './adapter.mjs';

// ---------------------------------------------------------------------------
// Test data
// ---------------------------------------------------------------------------

export const TEST_USER = Object.freeze({
  sub: 'user_123',
  name: 'Test User',
  username: 'testuser',
  picture: 'https://example.com/avatars/user_123.png',
  email: 'test@example.com',
  email_verified: true,
  phone_number: '+15555550123',
  phone_number_verified: true,
});

/** Scope -> claims, as in Logto (`UserScope`). */
export const SCOPE_CLAIMS = Object.freeze({
  openid: ['sub'],
  offline_access: [],
  profile: ['name', 'username', 'picture'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
});

export const OIDC_SCOPES = Object.freeze(Object.keys(SCOPE_CLAIMS));

export const API_RESOURCE = 'https://api.example.com';
export const SHORT_RESOURCE = 'https://short.example.com';

/** Resource indicator -> resource server info (RFC 8707). */
export const RESOURCES = Object.freeze({
  [API_RESOURCE]: { scope: 'read:data write:data', accessTokenTTL: 3600 },
  [SHORT_RESOURCE]: { scope: '', accessTokenTTL: 30 },
});

/** Clients may be restricted to some resources; absent = all of RESOURCES. */
const CLIENT_RESOURCES = Object.freeze({
  'test-m2m-app': [API_RESOURCE],
});

export const NATIVE_CLIENT_ID = 'test-native-app';
export const WEB_CLIENT_ID = 'test-web-app';
export const WEB_CLIENT_SECRET = 'test-web-secret';
export const M2M_CLIENT_ID = 'test-m2m-app';
export const M2M_CLIENT_SECRET = 'test-m2m-secret';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export const CLIENTS = Object.freeze([
  {
    client_id: NATIVE_CLIENT_ID,
    client_name: 'Test Native App',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token', DEVICE_CODE_GRANT],
    response_types: ['code'],
    // http://127.0.0.1/... matches any port (RFC 8252 7.3; native clients).
    redirect_uris: ['com.example.app://callback', 'http://127.0.0.1/callback'],
    post_logout_redirect_uris: [
      'com.example.app://callback/sign-out',
      'http://127.0.0.1/signed-out',
    ],
  },
  {
    client_id: WEB_CLIENT_ID,
    client_name: 'Test Web App',
    client_secret: WEB_CLIENT_SECRET,
    application_type: 'web',
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    // Any port is accepted too (server.mjs patches redirectUriAllowed).
    redirect_uris: ['http://127.0.0.1/callback'],
    post_logout_redirect_uris: ['http://127.0.0.1/signed-out'],
  },
  {
    client_id: M2M_CLIENT_ID,
    client_name: 'Test M2M App',
    client_secret: M2M_CLIENT_SECRET,
    application_type: 'web',
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
  },
]);

/** Resource server info for `indicator` as seen by `clientId`, or undefined. */
export function resourceServerInfo(indicator, clientId) {
  const info = RESOURCES[indicator];
  if (!info) return undefined;
  const allowed = CLIENT_RESOURCES[clientId];
  if (allowed && !allowed.includes(indicator)) return undefined;
  return info;
}

// Extra authorization parameters Logto accepts (ExtraParamsKey). They are
// simply carried into the interaction; the automatic login ignores them.
const LOGTO_EXTRA_PARAMS = [
  'interaction_mode',
  'first_screen',
  'direct_sign_in',
  'organization_id',
  'identifier',
  'one_time_token',
  'google_one_tap_credential',
];

// ---------------------------------------------------------------------------
// JSON stand-ins for every HTML page oidc-provider could render.
// ---------------------------------------------------------------------------

function jsonBody(ctx, status, body) {
  ctx.status = status;
  ctx.type = 'application/json; charset=utf-8';
  ctx.body = body;
}

// ---------------------------------------------------------------------------
// Provider configuration
// ---------------------------------------------------------------------------

/**
 * @param {object} opts
 * @param {string} opts.alg       'ES384' | 'RS256'
 * @param {object[]} opts.jwks    private JWKs, the signing key first
 * @param {string[]} opts.cookieKeys
 * @param {string} opts.origin    e.g. http://127.0.0.1:1234 (interaction URLs)
 */
export function buildConfiguration({
  alg, jwks, cookieKeys, origin,
}) {
  const clockTolerance = 15;

  // Logto's cookie options.
  const cookieOptions = Object.freeze({
    sameSite: 'lax',
    path: '/',
    signed: true,
    overwrite: true,
    httpOnly: true,
  });

  // Default policy plus a test trigger: login_hint=deny (or error:<code>)
  // always forces an interaction, so the trigger works even when a session
  // and a grant already exist.
  const policy = interactionPolicy.base();
  policy.get('login').checks.push(new interactionPolicy.Check(
    'test_trigger',
    'test trigger in login_hint',
    'login_required',
    (ctx) => {
      const hint = ctx.oidc.params.login_hint;
      return typeof hint === 'string' && (hint === 'deny' || hint.startsWith('error:'))
        ? interactionPolicy.Check.REQUEST_PROMPT
        : interactionPolicy.Check.NO_NEED_TO_PROMPT;
    },
  ));

  return {
    adapter: adapterFactory(clockTolerance),
    clockTolerance,
    clients: structuredClone(CLIENTS),
    clientDefaults: {
      grant_types: ['authorization_code'],
      id_token_signed_response_alg: alg,
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    jwks: { keys: jwks },
    cookies: {
      keys: cookieKeys,
      long: cookieOptions,
      short: cookieOptions,
    },
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256', 'PS256', 'ES256', 'ES384', 'ES512'],
      userinfoSigningAlgValues: ['RS256', 'PS256', 'ES256', 'ES384', 'ES512'],
      introspectionSigningAlgValues: ['RS256', 'PS256', 'ES256', 'ES384', 'ES512'],
      authorizationSigningAlgValues: ['RS256', 'PS256', 'ES256', 'ES384', 'ES512'],
    },
    // Logto puts the scope claims (name, email, ...) into the ID token too.
    conformIdTokenClaims: false,
    scopes: [...OIDC_SCOPES],
    claims: Object.fromEntries(Object.entries(SCOPE_CLAIMS)),
    extraParams: LOGTO_EXTRA_PARAMS,

    // Errors are JSON everywhere (Logto does the same).
    renderError(ctx, out) {
      jsonBody(ctx, ctx.status && ctx.status >= 400 ? ctx.status : 400, out);
    },

    findAccount(_ctx, sub) {
      if (sub !== TEST_USER.sub) return undefined;
      return {
        accountId: sub,
        // oidc-provider filters these by the granted scopes' claims.
        async claims() {
          return { ...TEST_USER };
        },
      };
    },

    interactions: {
      policy,
      // Outside the /oidc mount, like Logto's /sign-in and /consent pages.
      // Absolute, so that hand-written redirect followers need no URL
      // resolution.
      url: (_ctx, interaction) => `${origin}/interaction/${interaction.uid}`,
    },

    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      revocation: {
        enabled: true,
        // oidc-provider's default policy, restated to silence its notice.
        allowedPolicy(_ctx, client, token) {
          if (token.clientId !== client.clientId) {
            if (client.clientAuthMethod === 'none') return false;
            throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
          }
          return true;
        },
      },
      introspection: {
        enabled: true,
        allowedPolicy(ctx, client, token) {
          return !(client.clientAuthMethod === 'none' && token.clientId !== ctx.oidc.client.clientId);
        },
      },
      clientCredentials: { enabled: true },
      deviceFlow: {
        enabled: true,
        // No HTML: the user-code pages answer JSON. Tests complete device
        // authorizations through POST /test/device/approve instead.
        userCodeInputSource(ctx, _form, out, err) {
          jsonBody(ctx, err ? 400 : 200, err
            ? { ...(out || {}), hint: 'use POST /test/device/approve with user_code' }
            : { hint: 'use POST /test/device/approve with user_code' });
        },
        userCodeConfirmSource(ctx, _form, _client, _deviceInfo, userCode) {
          jsonBody(ctx, 200, { user_code: userCode, hint: 'use POST /test/device/approve' });
        },
        successSource(ctx) {
          jsonBody(ctx, 200, { status: 'approved' });
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        // Never shown: server.mjs turns the confirmation step into a
        // redirect the client follows with GET.
        logoutSource(ctx) {
          jsonBody(ctx, 200, { status: 'logout_pending' });
        },
        postLogoutSuccessSource(ctx) {
          jsonBody(ctx, 200, {
            status: 'signed_out',
            client_id: ctx.oidc.client?.clientId,
          });
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx, _client, oneOf) => oneOf ?? undefined,
        // Logto: never silently reuse the granted resource.
        useGrantedResource: () => false,
        getResourceServerInfo(ctx, indicator, client) {
          const info = resourceServerInfo(indicator, client?.clientId);
          if (!info) throw new errors.InvalidTarget();
          return {
            scope: info.scope,
            audience: indicator,
            accessTokenTTL: info.accessTokenTTL,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg } },
          };
        },
      },
    },

    // Logto: PKCE is required unless the client uses client_secret_basic.
    // oidc-provider 9 only knows S256.
    pkce: {
      required: (_ctx, client) => client.clientAuthMethod !== 'client_secret_basic',
    },

    // oidc-provider / Logto defaults, restated to silence notices.
    issueRefreshToken: (_ctx, client, code) => (
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access')
    ),
    rotateRefreshToken(ctx) {
      const { RefreshToken: refreshToken, Client: client } = ctx.oidc.entities;
      if (refreshToken.totalLifetime() >= 365.25 * 24 * 60 * 60) return false;
      if (client.clientAuthMethod === 'none' && !refreshToken.isSenderConstrained()) return true;
      return refreshToken.ttlPercentagePassed() >= 70;
    },
    clientBasedCORS: () => true,

    ttl: {
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 3600,
      AuthorizationCode: 60,
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 3600,
      DeviceCode: 600,
      Grant: 180 * 24 * 3600,
      IdToken: 3600,
      Interaction: 3600,
      RefreshToken: 14 * 24 * 3600,
      Session: 14 * 24 * 3600,
      BackchannelAuthenticationRequest: 600,
      PreAuthorizedCode: 600,
    },
  };
}
