#!/usr/bin/env node
// logto-cpp interop test peer: a real OpenID provider (npm oidc-provider, the
// engine inside Logto) configured like Logto, with automatic login for one
// test user. Loopback only, test use only. See README.md for the contract.
//
//   node tests/interop/provider/server.mjs [--port N] [--alg ES384|RS256]
//        [--ready-file PATH] [--rsa-bits 4096|2048] [--device-interval S]
//        [--refresh-reuse-window S] [--verbose]

import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { rename, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

import {
  buildConfiguration,
  DEVICE_CODE_GRANT,
  OIDC_SCOPES,
  resourceServerInfo,
  TEST_USER,
} from './config.mjs';
import { generateSigningJwk, publicJwk, SUPPORTED_ALGS } from './keys.mjs';
import { createAdversary, resignWith } from './adversary.mjs';
import { setRefreshTokenReuseWindow } from './adapter.mjs';

// stdout carries exactly one line (the ready line). oidc-provider prints
// notices with console.info, so every console method goes to stderr.
for (const method of ['log', 'info', 'warn', 'debug', 'trace']) {
  console[method] = console.error.bind(console);
}
// Expected consequence of the GET logout confirmation (see
// rewriteGetLogoutConfirm); shown only with --verbose.
const EXPECTED_WARNINGS = [/already parsed request body detected/];
console.warn = (...args) => {
  if (!opts.verbose && typeof args[0] === 'string' && EXPECTED_WARNINGS.some((re) => re.test(args[0]))) return;
  console.error(...args);
};

// ---------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------

const USAGE = `usage: node server.mjs [--port N] [--alg ES384|RS256] [--ready-file PATH]
                      [--rsa-bits 4096|2048] [--device-interval SECONDS]
                      [--refresh-reuse-window SECONDS] [--verbose]`;

function parseCli() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        alg: { type: 'string', default: 'ES384' },
        'ready-file': { type: 'string' },
        'rsa-bits': { type: 'string', default: '4096' },
        // Absent: the device response has no `interval`, as Logto's (RFC 8628's 5 s applies).
        'device-interval': { type: 'string' },
        // Logto accepts a rotated refresh token again for 3 s (refreshTokenReuseInterval); 0: never.
        'refresh-reuse-window': { type: 'string', default: '0' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`${err.message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.error(USAGE);
    process.exit(0);
  }
  const port = Number(values.port);
  const rsaBits = Number(values['rsa-bits']);
  const deviceInterval = values['device-interval'] === undefined ? undefined : Number(values['device-interval']);
  const refreshReuseWindow = Number(values['refresh-reuse-window']);
  const alg = values.alg.toUpperCase();
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid --port ${values.port}`);
  if (!SUPPORTED_ALGS.includes(alg)) fail(`invalid --alg ${values.alg} (ES384 or RS256)`);
  if (![2048, 3072, 4096].includes(rsaBits)) fail(`invalid --rsa-bits ${values['rsa-bits']}`);
  if (deviceInterval !== undefined && (!Number.isInteger(deviceInterval) || deviceInterval < 1)) {
    fail(`invalid --device-interval ${values['device-interval']}`);
  }
  if (!(refreshReuseWindow >= 0)) fail(`invalid --refresh-reuse-window ${values['refresh-reuse-window']}`);
  return {
    port, alg, rsaBits, deviceInterval, refreshReuseWindow, readyFile: values['ready-file'], verbose: values.verbose,
  };

  function fail(msg) {
    console.error(`${msg}\n${USAGE}`);
    process.exit(2);
  }
}

const opts = parseCli();
setRefreshTokenReuseWindow(opts.refreshReuseWindow);
const deviceInterval = () => opts.deviceInterval ?? 5;  // RFC 8628 3.2's default
const log = (...args) => { if (opts.verbose) console.error('[oidc-peer]', ...args); };

// ---------------------------------------------------------------------------
// Small HTTP helpers
// ---------------------------------------------------------------------------

function sendJson(res, status, body, headers = {}) {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

function sendError(res, err) {
  const status = Number.isInteger(err?.statusCode) ? err.statusCode
    : Number.isInteger(err?.status) ? err.status : 500;
  const body = {
    error: typeof err?.error === 'string' ? err.error : 'server_error',
    error_description: err?.error_description ?? err?.message ?? 'unexpected error',
  };
  if (status >= 500) console.error('[oidc-peer] internal error:', err);
  sendJson(res, status, body);
}

async function readBody(req, limit = 64 * 1024) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw Object.assign(new Error('request body too large'), { statusCode: 413, error: 'invalid_request' });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Form, JSON or query parameters of a test-endpoint request. */
async function readParams(req, url) {
  const params = Object.fromEntries(url.searchParams);
  const raw = await readBody(req);
  if (!raw) return params;
  const type = (req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json') {
    try {
      Object.assign(params, JSON.parse(raw));
    } catch {
      throw Object.assign(new Error('body is not valid JSON'), { statusCode: 400, error: 'invalid_request' });
    }
  } else {
    Object.assign(params, Object.fromEntries(new URLSearchParams(raw)));
  }
  return params;
}

const epoch = () => Math.floor(Date.now() / 1000);
const splitScope = (scope) => (typeof scope === 'string' ? scope.split(' ').filter(Boolean) : []);
const asList = (value) => (value === undefined || value === null ? [] : [value].flat().filter(Boolean));

// ---------------------------------------------------------------------------
// Provider state: the current Provider instance and its signing keys.
// Key rotation builds a new Provider with [newKey, ...oldKeys]; all stateful
// data lives in the process-wide SharedMemoryAdapter and the cookie keys stay
// the same, so sessions, grants, codes and refresh tokens survive the swap.
// ---------------------------------------------------------------------------

const cookieKeys = [randomBytes(32).toString('base64url')];
let issuer;
let signingKeys = [];
let current; // { provider, callback }
let nextKeyPromise;
// Rewrites answers while an attack is selected (adversary.mjs, POST /test/adversary).
const adversary = createAdversary({ signingKey: () => signingKeys[0], log });

/** GET /oidc/jwks answered so far (GET /test/health), so API tests can bound refetches. */
let jwksRequests = 0;

/** device_code -> { interval (s), last (ms) } for slow_down handling */
const devicePolls = new Map();
const POLL_TOLERANCE_MS = 250;

function newKey() {
  const p = generateSigningJwk(opts.alg, { rsaBits: opts.rsaBits });
  p.catch(() => {}); // surfaced when awaited
  return p;
}

function loopbackAnyPort(value, registered) {
  // RFC 8252 7.3 for http://127.0.0.1 / localhost / [::1] redirect URIs:
  // the port is ignored. oidc-provider does this itself for native clients;
  // this extends it to the confidential web client.
  let candidate;
  try {
    candidate = new URL(value);
  } catch {
    return false;
  }
  if (candidate.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(candidate.hostname)) {
    return false;
  }
  return registered.some((uri) => {
    try {
      const r = new URL(uri);
      return r.protocol === 'http:' && r.hostname === candidate.hostname
        && r.pathname === candidate.pathname && r.search === candidate.search;
    } catch {
      return false;
    }
  });
}

function buildProvider(keys) {
  const provider = new Provider(issuer, buildConfiguration({
    alg: opts.alg,
    jwks: structuredClone(keys),
    cookieKeys,
    origin: new URL(issuer).origin,
  }));

  // Any loopback port for every client (not only native ones).
  const { Client } = provider;
  const redirectUriAllowed = Client.prototype.redirectUriAllowed;
  const postLogoutRedirectUriAllowed = Client.prototype.postLogoutRedirectUriAllowed;
  Client.prototype.redirectUriAllowed = function patchedRedirectUriAllowed(value) {
    return redirectUriAllowed.call(this, value) || loopbackAnyPort(value, this.redirectUris);
  };
  Client.prototype.postLogoutRedirectUriAllowed = function patchedPostLogout(value) {
    return postLogoutRedirectUriAllowed.call(this, value)
      || loopbackAnyPort(value, this.postLogoutRedirectUris || []);
  };

  provider.use(async (ctx, next) => {
    await next();
    await adversary.tamper(ctx); // POST /test/adversary; a no-op until an attack is selected

    // Koa's default 404 is text; answer JSON like the rest.
    if (ctx.status === 404 && ctx.body == null) {
      ctx.status = 404;
      ctx.body = { error: 'not_found', error_description: `no route for ${ctx.method} ${ctx.originalUrl}` };
      return;
    }

    // Only OIDC routes define ctx.oidc.
    if (!Object.prototype.hasOwnProperty.call(ctx, 'oidc')) return;
    const route = ctx.oidc?.route;

    if (route === 'end_session' && ctx.status === 200) {
      // Auto-confirm the logout: instead of the confirmation form (or the
      // auto-submitting form_post page when there is no session), redirect
      // to the confirm endpoint, which server.mjs accepts as GET.
      const secret = ctx.oidc.session?.state?.secret;
      if (secret) {
        const confirm = new URL(ctx.oidc.urlFor('end_session_confirm'));
        confirm.searchParams.set('xsrf', secret);
        confirm.searchParams.set('logout', 'yes');
        ctx.status = 303;
        ctx.redirect(confirm.href);
      }
      return;
    }

    if (route === 'device_authorization' && ctx.status === 200 && ctx.body?.device_code) {
      // Logto (like oidc-provider) sends no `interval`: clients use RFC 8628's 5 s. With
      // --device-interval the response carries one (other servers do), so both paths stay tested.
      if (opts.deviceInterval !== undefined) ctx.body = { ...ctx.body, interval: opts.deviceInterval };
      devicePolls.set(ctx.body.device_code, { interval: deviceInterval(), last: undefined });
      return;
    }

    if (route === 'token') {
      const params = ctx.oidc.params;
      if (params?.grant_type !== DEVICE_CODE_GRANT || typeof params.device_code !== 'string') return;
      const deviceCode = params.device_code;
      const state = devicePolls.get(deviceCode) ?? { interval: deviceInterval(), last: undefined };
      const now = Date.now();
      const tooFast = state.last !== undefined
        && now - state.last < state.interval * 1000 - POLL_TOLERANCE_MS;
      state.last = now;
      const error = ctx.body?.error;
      if (error === 'authorization_pending') {
        if (tooFast) {
          // RFC 8628 3.5: slow_down is a variant of authorization_pending;
          // the interval grows by 5 s for this and all later requests.
          state.interval += 5;
          ctx.body = {
            error: 'slow_down',
            error_description: `you are polling too quickly; poll at most every ${state.interval} seconds`,
          };
        }
        devicePolls.set(deviceCode, state);
      } else {
        devicePolls.delete(deviceCode);
      }
    }
  });

  return { provider, callback: provider.callback() };
}

async function rotateKeys({ retireOld = false } = {}) {
  const key = await (nextKeyPromise ?? newKey());
  nextKeyPromise = newKey();
  signingKeys = retireOld ? [key] : [key, ...signingKeys];
  current = buildProvider(signingKeys);
  log(`rotated signing key; now signing with kid=${key.kid}`);
  return key;
}

let rotation = Promise.resolve();
function serializedRotate(options) {
  const run = rotation.then(() => rotateKeys(options));
  rotation = run.catch(() => {});
  return run;
}

// ---------------------------------------------------------------------------
// Automatic interaction (login + consent for user_123, no HTML)
// ---------------------------------------------------------------------------

function grantEverything(grant, params, clientId) {
  const requested = splitScope(params.scope);
  const oidcScopes = requested.filter((s) => OIDC_SCOPES.includes(s));
  if (oidcScopes.length) grant.addOIDCScope(oidcScopes.join(' '));
  const granted = new Set(oidcScopes);
  for (const indicator of asList(params.resource)) {
    const info = resourceServerInfo(indicator, clientId);
    if (!info) continue;
    const available = new Set(splitScope(info.scope));
    const scopes = requested.filter((s) => available.has(s));
    if (scopes.length) grant.addResourceScope(indicator, scopes.join(' '));
    scopes.forEach((s) => granted.add(s));
  }
  return [...granted];
}

function testTriggerError(loginHint) {
  if (loginHint === 'deny') {
    return {
      error: 'access_denied',
      error_description: 'End-User denied the authorization request (test trigger login_hint=deny)',
    };
  }
  if (typeof loginHint === 'string' && loginHint.startsWith('error:')) {
    const error = loginHint.slice('error:'.length) || 'access_denied';
    return { error, error_description: `test trigger login_hint=${loginHint}` };
  }
  return undefined;
}

async function handleInteraction(req, res) {
  const { provider } = current;
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session } = details;
  log(`interaction ${details.uid} prompt=${prompt.name} client=${params.client_id}`);

  const triggered = testTriggerError(params.login_hint);
  if (triggered) {
    await provider.interactionFinished(req, res, triggered, { mergeWithLastSubmission: false });
    return;
  }

  const accountId = TEST_USER.sub;
  const result = {};
  if (prompt.name === 'login' || session?.accountId !== accountId) {
    result.login = { accountId, amr: ['pwd'] };
  }

  let grant;
  if (details.grantId) grant = await provider.Grant.find(details.grantId);
  if (!grant || grant.accountId !== accountId || grant.clientId !== params.client_id) {
    grant = new provider.Grant({ accountId, clientId: params.client_id });
  }
  grantEverything(grant, params, params.client_id);
  result.consent = { grantId: await grant.save() };

  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

// ---------------------------------------------------------------------------
// Test-only endpoints
// ---------------------------------------------------------------------------

function normalizeUserCode(input) {
  // Same as oidc-provider's user code normalization.
  return String(input).replace(/[a-z]/g, (c) => c.toUpperCase()).replace(/\W/g, '');
}

async function handleDeviceDecision(req, res, url, approve) {
  const params = await readParams(req, url);
  if (typeof params.user_code !== 'string' || !params.user_code) {
    sendJson(res, 400, { error: 'invalid_request', error_description: 'missing user_code' });
    return;
  }
  const { provider } = current;
  const code = await provider.DeviceCode.findByUserCode(normalizeUserCode(params.user_code), { ignoreExpiration: true });
  if (!code) {
    sendJson(res, 404, { error: 'invalid_request', error_description: 'user_code not found' });
    return;
  }
  if (code.isExpired) {
    sendJson(res, 400, { error: 'expired_token', error_description: 'device code is expired' });
    return;
  }
  if (code.accountId || code.error || code.consumed) {
    sendJson(res, 409, { error: 'invalid_request', error_description: 'device authorization already completed' });
    return;
  }

  if (!approve) {
    code.error = 'access_denied';
    code.errorDescription = 'End-User denied the device authorization request (test endpoint)';
    await code.save();
    sendJson(res, 200, { status: 'denied', client_id: code.clientId });
    return;
  }

  const requested = code.params || {};
  log('device params', JSON.stringify(requested));
  const accountId = TEST_USER.sub;
  const grant = new provider.Grant({ accountId, clientId: code.clientId });
  const granted = grantEverything(grant, requested, code.clientId);
  const resources = asList(requested.resource).filter((r) => resourceServerInfo(r, code.clientId));

  Object.assign(code, {
    accountId,
    amr: ['pwd'],
    authTime: epoch(),
    grantId: await grant.save(),
    scope: granted.join(' '),
    // Not bound to a browser session (there is none here).
    expiresWithSession: false,
  });
  if (resources.length === 1) [code.resource] = resources;
  else if (resources.length > 1) code.resource = resources;
  await code.save();

  sendJson(res, 200, {
    status: 'approved', client_id: code.clientId, sub: accountId, scope: code.scope,
  });
}

async function handleRotate(req, res, url) {
  const params = await readParams(req, url);
  const retireOld = ['1', 'true', 'yes'].includes(String(params.retire_old ?? '').toLowerCase());
  const key = await serializedRotate({ retireOld });
  sendJson(res, 200, {
    kid: key.kid,
    alg: key.alg,
    kids: signingKeys.map((k) => k.kid),
    jwk: publicJwk(key),
  });
}

// POST /test/resign: the token with `claims` merged into its payload (a null value removes that claim),
// re-signed by the current signing key. For API tests that need access tokens the provider does not mint:
// expired, organization (aud urn:logto:organization:<id>), other claims.
async function handleResign(req, res, url) {
  const params = await readParams(req, url);
  let claims = params.claims ?? {};
  if (typeof claims === 'string') {
    try {
      claims = JSON.parse(claims);
    } catch {
      claims = undefined;
    }
  }
  const parts = typeof params.token === 'string' ? params.token.split('.') : [];
  if (parts.length !== 3 || claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
    sendJson(res, 400, { error: 'invalid_request', error_description: 'need token (a JWS) and claims (a JSON object)' });
    return;
  }
  let header;
  let payload;
  try {
    [header, payload] = parts.slice(0, 2).map((s) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8')));
  } catch {
    sendJson(res, 400, { error: 'invalid_request', error_description: 'token header or payload is not JSON' });
    return;
  }
  payload = { ...payload, ...claims };
  for (const [name, value] of Object.entries(claims)) if (value === null) delete payload[name];
  sendJson(res, 200, { token: await resignWith(signingKeys[0], header, payload) });
}

// ---------------------------------------------------------------------------
// Dispatcher
// ---------------------------------------------------------------------------

async function rewriteGetLogoutConfirm(req, url) {
  // oidc-provider only accepts POST for the logout confirmation. Turn the
  // GET produced by our end_session redirect into that POST, handing the
  // parameters over as an already-parsed body (oidc-provider supports this
  // and logs a one-time warning about it).
  await readBody(req); // drain so the request stream is no longer readable
  const body = {};
  for (const name of ['xsrf', 'logout']) {
    if (url.searchParams.has(name)) body[name] = url.searchParams.get(name);
  }
  const encoded = new URLSearchParams(body).toString();
  req.method = 'POST';
  req.headers['content-type'] = 'application/x-www-form-urlencoded';
  req.headers['content-length'] = String(Buffer.byteLength(encoded));
  req.body = body;
  req.url = url.pathname;
}

async function dispatch(req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const { pathname } = url;
  log(req.method, req.url);

  if (!current) {
    sendJson(res, 503, { error: 'temporarily_unavailable', error_description: 'provider starting' });
    return;
  }

  if (pathname === '/oidc' || pathname.startsWith('/oidc/')) {
    if (pathname === '/oidc/jwks') jwksRequests += 1;
    if (req.method === 'GET' && pathname === '/oidc/session/end/confirm') {
      await rewriteGetLogoutConfirm(req, url);
    }
    // Mount under /oidc the way koa-mount does: the provider sees the
    // path without the prefix and derives the mount path from originalUrl.
    req.originalUrl = req.url;
    let inner = req.url.slice('/oidc'.length);
    if (!inner.startsWith('/')) inner = `/${inner}`;
    req.url = inner;
    await current.callback(req, res);
    return;
  }

  if (pathname.startsWith('/interaction/')) {
    if (req.method !== 'GET') {
      sendJson(res, 405, { error: 'invalid_request', error_description: 'interactions are GET only' });
      return;
    }
    await handleInteraction(req, res);
    return;
  }

  switch (`${req.method} ${pathname}`) {
    case 'GET /test/health':
    case 'HEAD /test/health':
      sendJson(res, 200, {
        status: 'ok',
        issuer,
        alg: opts.alg,
        kids: signingKeys.map((k) => k.kid),
        deviceInterval: opts.deviceInterval ?? null,
        refreshReuseWindow: opts.refreshReuseWindow,
        jwksRequests,
      });
      return;
    case 'POST /test/rotate-keys':
      await handleRotate(req, res, url);
      return;
    case 'POST /test/resign':
      await handleResign(req, res, url);
      return;
    case 'POST /test/device/approve':
      await handleDeviceDecision(req, res, url, true);
      return;
    case 'POST /test/device/deny':
      await handleDeviceDecision(req, res, url, false);
      return;
    case 'POST /test/adversary':
      sendJson(res, 200, adversary.select((await readParams(req, url)).attack));
      return;
    default:
      sendJson(res, 404, { error: 'not_found', error_description: `no route for ${req.method} ${pathname}` });
  }
}

// ---------------------------------------------------------------------------
// Startup / shutdown
// ---------------------------------------------------------------------------

async function writeReadyFile(path, line) {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, line);
  await rename(tmp, path);
}

async function main() {
  const t0 = Date.now();
  const server = createServer((req, res) => {
    dispatch(req, res).catch((err) => sendError(res, err));
  });
  server.keepAliveTimeout = 5000;

  // Installed first, so a signal arriving at any time exits with status 0.
  let stopping = false;
  const shutdown = (signal) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    if (!server.listening) process.exit(0);
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  const firstKey = newKey();

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address();
  const endpoint = `http://127.0.0.1:${port}`;
  issuer = `${endpoint}/oidc`;
  signingKeys = [await firstKey];
  current = buildProvider(signingKeys);

  const line = `${JSON.stringify({
    ready: true, port, endpoint, issuer,
  })}\n`;
  if (opts.readyFile) await writeReadyFile(opts.readyFile, line);
  process.stdout.write(line);
  // Pre-generate the key for the first rotation only now, so that it does
  // not compete with startup (RSA-4096 generation takes ~1-4 s).
  nextKeyPromise ??= newKey();
  log(`ready in ${Date.now() - t0} ms (alg=${opts.alg}, kid=${signingKeys[0].kid})`);

}

main().catch((err) => {
  console.error('[oidc-peer] failed to start:', err);
  process.exit(1);
});
