// Writes the @logto/js / @logto/client oracle for logto-cpp's oidc/ headers (see README.md).
// Usage: node oidc/capture.mjs <out.json>     (from tests/interop, after npm ci)
import { writeFileSync } from 'node:fs';
import {
  generateSignInUri, generateSignOutUri, fetchTokenByAuthorizationCode, fetchTokenByRefreshToken, revoke,
} from '@logto/js';

// normalizeLogtoConfig and buildAccessTokenKey are not exported by @logto/client's entry point.
const lib = (file) => new URL(`../node_modules/@logto/client/lib/${file}`, import.meta.url).href;
const { normalizeLogtoConfig } = await import(lib('types/index.js'));
const { buildAccessTokenKey } = await import(lib('utils/index.js'));

// Deterministic pseudo-random choices (a plain LCG): the output depends only on this file.
let seed = 20240601;
const rnd = (n) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return (seed >> 8) % n;
};
// Every byte class of the WHATWG form encoding: literal, '+', percent-encoded ASCII, controls, 2/3/4-byte UTF-8.
const alphabet = ['a', 'Z', '0', '-', '.', '_', '~', '*', ' ', '+', '%', '&', '=', '?', '#', '/', ':', '@', '!', "'",
  '(', ')', '[', '"', '\\', '^', '{', '\r', '\n', '\t', '\u00e9', '\u6d4b', '\u{1F680}', '\u00a0'];
const str = (max = 5, min = 0) => {
  let s = '';
  for (let n = min + rnd(max - min + 1); n > 0; n--) s += alphabet[rnd(alphabet.length)];
  return s;
};
const list = (max, make = () => str()) => Array.from({ length: rnd(max + 1) }, make);
const maybe = (make) => (rnd(2) ? make() : undefined);
const redirects = ['https://example.com/callback', 'io.logto.example://callback', 'http://127.0.0.1:51234/cb?x=1',
  'com.example.app:/oauth2redirect'];
// Runs a @logto/js request function with a requester that records the request.
const capture = async (call) => {
  let seen;
  await call(async (url, init) => {
    seen = { url, method: init?.method ?? 'GET', body: init?.body ?? '' };
    return {};
  });
  return seen;
};

const signIn = [];
for (let i = 0; i < 40; i++) {
  const extraParams = [];
  for (let k = rnd(3); k > 0; k--) {
    const key = `k${str(2)}`;  // never integer-like: JS objects would move those first
    const found = extraParams.find((e) => e[0] === key);
    if (found) found[1] = str(); else extraParams.push([key, str()]);
  }
  const prompt = maybe(() => Array.from({ length: 1 + rnd(2) }, () => ['login', 'consent', 'none'][rnd(3)]));
  const input = {
    authorizationEndpoint: 'https://logto.dev/oidc/auth', clientId: str(4, 1).replace(/[\r\n\t]/g, 'x'),
    redirectUri: redirects[rnd(redirects.length)], codeChallenge: str(4, 1), state: str(4, 1),
    scopes: list(3), resources: list(2), prompt, includeReservedScopes: rnd(3) !== 0,
    loginHint: maybe(str), directSignIn: rnd(3) ? undefined : { method: str(3), target: str(3) },
    firstScreen: maybe(str), interactionMode: maybe(str), identifiers: maybe(() => list(2)),
    oneTimeToken: rnd(3) ? undefined : str(),
  };
  const uri = generateSignInUri({ ...input, extraParams: Object.fromEntries(extraParams) });
  signIn.push({ input: { ...input, extraParams }, uri });
}

const normalize = [];
for (let i = 0; i < 30; i++) {
  // Scope strings without spaces or empties (the port splits those on purpose, see oidc/config.hpp).
  const config = {
    endpoint: 'https://foo.logto.app/tenant', appId: 'app',
    scopes: maybe(() => list(4, () => ['openid', 'email', 'profile', 'urn:logto:scope:organizations', 'x', 'y'][rnd(6)])),
    resources: maybe(() => list(3, () => ['r1', 'r2', 'urn:logto:resource:organizations'][rnd(3)])),
    includeReservedScopes: rnd(3) !== 0,
  };
  const out = normalizeLogtoConfig(config);
  normalize.push({ input: config, scopes: out.scopes, resources: out.resources ?? [] });
}

const requests = [];
for (let i = 0; i < 30; i++) {
  const code = { clientId: 'my-app', tokenEndpoint: 'https://foo.logto.app/oidc/token',
    redirectUri: redirects[rnd(redirects.length)], codeVerifier: str(5, 1), code: str(5, 1), resource: maybe(str) };
  const refresh = { clientId: 'my-app', tokenEndpoint: 'https://foo.logto.app/oidc/token', refreshToken: str(5, 1),
    resource: maybe(str), organizationId: maybe(str), scopes: maybe(() => list(3)) };
  const token = str(5, 1);
  const postLogout = maybe(() => redirects[rnd(redirects.length)]);
  requests.push({
    code, codeBody: (await capture((r) => fetchTokenByAuthorizationCode(code, r))).body,
    refresh, refreshBody: (await capture((r) => fetchTokenByRefreshToken(refresh, r))).body,
    revokeToken: token, revokeBody: (await capture((r) => revoke('https://foo.logto.app/oidc/token/revocation', 'my-app', token, r))).body,
    postLogout, signOutUri: generateSignOutUri({ endSessionEndpoint: 'https://foo.logto.app/oidc/session/end',
      clientId: 'my-app', postLogoutRedirectUri: postLogout }),
  });
}

const keys = [];
for (let i = 0; i < 30; i++) {
  const resource = maybe(str);
  const organizationId = maybe(str);
  const scopes = list(3, () => ['b', 'a', 'read:x', 'openid', 'Z'][rnd(5)]);
  keys.push({ resource: resource ?? '', organizationId: organizationId ?? '', scopes,
    key: buildAccessTokenKey(resource, organizationId, scopes) });
}

writeFileSync(process.argv[2], `${JSON.stringify({
  generator: 'tests/interop/oidc/capture.mjs with @logto/js 6.1.2 and @logto/client 3.1.9',
  signIn, normalize, requests, keys,
}, null, 1)}\n`);
