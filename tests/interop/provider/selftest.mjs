#!/usr/bin/env node
// End-to-end self test of the interop OpenID provider (server.mjs).
//
//   node tests/interop/provider/selftest.mjs [--alg ES384|RS256|all] [--verbose]
//
// Starts the server (once per alg), drives every flow the C++ tests rely on
// over real HTTP, and exits non-zero if any check fails. Uses only Node's
// fetch, jose (already a dependency) and, when available, the curl binary to
// prove a libcurl-style redirect follower with a cookie jar ends at the
// redirect_uri.

import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import * as jose from 'jose';

const here = dirname(fileURLToPath(import.meta.url));
const { values: cli } = parseArgs({
  options: {
    alg: { type: 'string', default: 'all' },
    verbose: { type: 'boolean', default: false },
  },
});
const ALGS = cli.alg === 'all' ? ['ES384', 'RS256'] : [cli.alg.toUpperCase()];
const DEVICE_INTERVAL = 1;

const NATIVE = 'test-native-app';
const WEB = 'test-web-app';
const WEB_SECRET = 'test-web-secret';
const M2M = 'test-m2m-app';
const M2M_SECRET = 'test-m2m-secret';
const API = 'https://api.example.com';
const SHORT = 'https://short.example.com';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

// ---------------------------------------------------------------------------
// Tiny test harness
// ---------------------------------------------------------------------------

let failures = 0;
let passes = 0;
const notes = [];

function check(cond, msg, extra) {
  if (cond) {
    passes += 1;
    if (cli.verbose) console.log(`  ok   ${msg}`);
  } else {
    failures += 1;
    console.log(`  FAIL ${msg}${extra !== undefined ? `\n       ${JSON.stringify(extra)}` : ''}`);
  }
  return cond;
}

function note(msg) {
  notes.push(msg);
  if (cli.verbose) console.log(`  note ${msg}`);
}

async function step(name, fn) {
  console.log(`- ${name}`);
  try {
    await fn();
  } catch (err) {
    failures += 1;
    console.log(`  FAIL ${name} threw: ${err?.stack || err}`);
  }
}

const sleep = (ms) => new Promise((r) => { setTimeout(r, ms); });
const b64url = (buf) => Buffer.from(buf).toString('base64url');

function pkce() {
  const verifier = b64url(randomBytes(64));
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

// ---------------------------------------------------------------------------
// HTTP with a cookie jar (the way libcurl's cookie engine behaves, enough
// for a single host: name + path, path-prefix matching, deletions).
// ---------------------------------------------------------------------------

class CookieJar {
  constructor() {
    this.cookies = new Map(); // `${path}\t${name}` -> { name, value, path }
  }

  store(setCookies, requestPath) {
    for (const header of setCookies) {
      const [pair, ...attrs] = header.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = requestPath.replace(/\/[^/]*$/, '') || '/';
      let expired = false;
      for (const attr of attrs) {
        const [k, v = ''] = attr.split('=');
        const key = k.toLowerCase();
        if (key === 'path') path = v || '/';
        if (key === 'expires' && Date.parse(v) <= Date.now()) expired = true;
        if (key === 'max-age' && Number(v) <= 0) expired = true;
      }
      const id = `${path}\t${name}`;
      if (expired || value === '') this.cookies.delete(id);
      else this.cookies.set(id, { name, value, path });
    }
  }

  header(requestPath) {
    const out = [];
    for (const c of this.cookies.values()) {
      if (requestPath === c.path || requestPath.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)) {
        out.push(`${c.name}=${c.value}`);
      }
    }
    return out.join('; ');
  }
}

async function http(url, {
  method = 'GET', headers = {}, form, jar, basic, bearer,
} = {}) {
  const u = new URL(url);
  const h = { ...headers };
  let body;
  if (form) {
    body = new URLSearchParams(form).toString();
    h['content-type'] = 'application/x-www-form-urlencoded';
  }
  if (basic) h.authorization = `Basic ${Buffer.from(`${basic[0]}:${basic[1]}`).toString('base64')}`;
  if (bearer) h.authorization = `Bearer ${bearer}`;
  if (jar) {
    const cookie = jar.header(u.pathname);
    if (cookie) h.cookie = cookie;
  }
  const res = await fetch(u, {
    method, headers: h, body, redirect: 'manual',
  });
  if (jar) jar.store(res.headers.getSetCookie(), u.pathname);
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return {
    status: res.status, headers: res.headers, text, json, location: res.headers.get('location'),
  };
}

/**
 * Follows redirects with GET (cookie jar kept) while they stay on the
 * provider's origin; returns the first Location that leaves it (the client's
 * redirect_uri) or the final non-redirect response.
 */
async function follow(startUrl, jar, origin, max = 15) {
  let url = startUrl;
  const hops = [];
  for (let i = 0; i < max; i += 1) {
    const res = await http(url, { jar });
    hops.push(`${res.status} ${url}`);
    if (![301, 302, 303, 307, 308].includes(res.status)) {
      return { final: res, hops };
    }
    const next = new URL(res.location, url);
    if (next.origin !== origin) {
      return {
        redirect: res.location, status: res.status, hops,
      };
    }
    url = next.href;
  }
  throw new Error(`too many redirects: ${hops.join(' -> ')}`);
}

function callbackParams(location) {
  // Works for custom schemes as well.
  return Object.fromEntries(new URL(location).searchParams);
}

// ---------------------------------------------------------------------------
// Server process
// ---------------------------------------------------------------------------

async function startServer(alg) {
  const dir = await mkdtemp(join(tmpdir(), 'oidc-peer-'));
  const readyFile = join(dir, 'ready.json');
  const t0 = Date.now();
  const child = spawn(process.execPath, [
    join(here, 'server.mjs'), '--alg', alg, '--ready-file', readyFile,
    '--device-interval', String(DEVICE_INTERVAL), ...(cli.verbose ? ['--verbose'] : []),
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
    if (cli.verbose) process.stderr.write(d);
  });
  const line = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not become ready\n${stderr}`)), 20000);
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl !== -1) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}\n${stderr}`)); });
  });
  const startupMs = Date.now() - t0;
  const ready = JSON.parse(line);
  const fileLine = (await readFile(readyFile, 'utf8')).trim();
  await rm(dir, { recursive: true, force: true });
  return {
    child, ready, line, fileLine, startupMs, stderr: () => stderr,
  };
}

async function stopServer(child) {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise((r) => { child.once('exit', (code, signal) => r({ code, signal })); });
  child.kill('SIGTERM');
  // Node's exit joins libuv's thread pool, so a pre-generated RSA-4096 key still being made (seconds of
  // CPU, much longer on a loaded 2-core machine) delays the exit: allow for it, the check is the status.
  const timeout = sleep(30000).then(() => 'timeout');
  return Promise.race([exited, timeout]);
}

/** A loopback "app" that receives the final callback (used for curl). */
async function startCallbackListener() {
  const received = [];
  const server = createServer((req, res) => {
    received.push(req.url);
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('callback received');
  });
  await new Promise((r) => { server.listen(0, '127.0.0.1', r); });
  return { server, port: server.address().port, received };
}

function curlAvailable() {
  return new Promise((resolve) => {
    execFile('curl', ['--version'], (err) => resolve(!err));
  });
}

function curlFollow(url, cookieFile) {
  return new Promise((resolve) => {
    execFile('curl', [
      '-sS', '-L', '--max-redirs', '20', '-c', cookieFile, '-b', cookieFile,
      '-o', '/dev/null', '-w', '%{http_code} %{url_effective} %{num_redirects}', url,
    ], (err, stdout, stderr) => resolve({ err, stdout, stderr }));
  });
}

// ---------------------------------------------------------------------------
// The suite
// ---------------------------------------------------------------------------

async function suite(alg) {
  console.log(`\n=== alg ${alg} ===`);
  const srv = await startServer(alg);
  const { ready } = srv;
  const base = ready.endpoint;
  const { issuer } = ready;
  const origin = new URL(base).origin;
  console.log(`server ready in ${srv.startupMs} ms at ${base}`);
  note(`[${alg}] startup ${srv.startupMs} ms`);

  let disco;
  let jwks;
  const tokenUrl = () => disco.token_endpoint;

  async function verifyJwt(token, { audience }) {
    const set = jose.createLocalJWKSet((await http(disco.jwks_uri)).json);
    const { payload, protectedHeader } = await jose.jwtVerify(token, set, { issuer, audience });
    return { payload, header: protectedHeader };
  }

  /** Full authorization-code flow for the native client; returns tokens. */
  async function nativeLogin({
    scope = 'openid offline_access profile email phone read:data write:data',
    resources = [API, SHORT],
    redirectUri = 'com.example.app://callback',
    prompt = 'consent',
    extra = {},
    jar = new CookieJar(),
  } = {}) {
    const { verifier, challenge } = pkce();
    const state = b64url(randomBytes(16));
    const q = new URLSearchParams({
      client_id: NATIVE,
      redirect_uri: redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state,
      response_type: 'code',
      prompt,
      scope,
    });
    for (const r of resources) q.append('resource', r);
    for (const [k, v] of Object.entries(extra)) q.append(k, v);
    const result = await follow(`${disco.authorization_endpoint}?${q}`, jar, origin);
    if (!result.redirect) {
      return { error: 'no redirect', result };
    }
    const cb = callbackParams(result.redirect);
    return {
      state, verifier, redirectUri, cb, result, jar,
    };
  }

  async function exchange(flow, { clientId = NATIVE, basic } = {}) {
    const form = {
      client_id: clientId,
      code: flow.cb.code,
      code_verifier: flow.verifier,
      redirect_uri: flow.redirectUri,
      grant_type: 'authorization_code',
    };
    if (!flow.verifier) delete form.code_verifier;
    return http(tokenUrl(), { method: 'POST', form, basic });
  }

  async function refresh(refreshToken, { resource, clientId = NATIVE, basic } = {}) {
    const form = { client_id: clientId, refresh_token: refreshToken, grant_type: 'refresh_token' };
    if (resource) form.resource = resource;
    return http(tokenUrl(), { method: 'POST', form, basic });
  }

  try {
    await step('ready line and ready file', async () => {
      check(ready.ready === true, 'ready:true');
      check(Number.isInteger(ready.port) && ready.port > 0, 'port is set');
      check(ready.endpoint === `http://127.0.0.1:${ready.port}`, 'endpoint');
      check(ready.issuer === `${ready.endpoint}/oidc`, 'issuer = endpoint + /oidc');
      check(srv.fileLine === srv.line, 'ready file holds the same line');
      check(Object.keys(ready).join(',') === 'ready,port,endpoint,issuer', 'exact ready keys', ready);
      const health = await http(`${base}/test/health`);
      check(health.status === 200 && health.json?.status === 'ok', 'GET /test/health 200');
    });

    await step('discovery (Logto route names)', async () => {
      const res = await http(`${issuer}/.well-known/openid-configuration`);
      check(res.status === 200, 'discovery 200');
      disco = res.json;
      check(disco.issuer === issuer, 'issuer');
      const expect = {
        authorization_endpoint: '/oidc/auth',
        token_endpoint: '/oidc/token',
        userinfo_endpoint: '/oidc/me',
        end_session_endpoint: '/oidc/session/end',
        revocation_endpoint: '/oidc/token/revocation',
        jwks_uri: '/oidc/jwks',
        device_authorization_endpoint: '/oidc/device/auth',
      };
      for (const [k, p] of Object.entries(expect)) check(disco[k] === `${base}${p}`, `${k} = ${p}`, disco[k]);
      check(JSON.stringify(disco.code_challenge_methods_supported) === '["S256"]', 'PKCE S256 only');
      check(disco.id_token_signing_alg_values_supported?.includes(alg), `id_token alg ${alg} advertised`);
      check(disco.authorization_response_iss_parameter_supported === true, 'RFC 9207 advertised');
      jwks = (await http(disco.jwks_uri)).json;
      check(jwks.keys.length === 1 && jwks.keys[0].alg === alg && jwks.keys[0].kid, 'one signing key with kid', jwks);
      check(!('d' in jwks.keys[0]), 'JWKS has no private parts');
    });

    let first; // tokens of the first native login
    await step('native: authorization code + PKCE by following redirects (custom scheme)', async () => {
      const flow = await nativeLogin();
      check(flow.result?.redirect?.startsWith('com.example.app://callback?'), 'ends at custom-scheme redirect', flow.result);
      const cookieNames = [...flow.jar.cookies.values()].map((c) => `${c.name}@${c.path}`).sort();
      note(`[${alg}] cookies after login: ${cookieNames.join(' ')}`);
      check([302, 303].includes(flow.result.status), 'final hop is a 302/303', flow.result.status);
      check(typeof flow.cb.code === 'string' && flow.cb.code.length > 10, 'code present');
      check(flow.cb.state === flow.state, 'state echoed');
      check(flow.cb.iss === issuer, 'iss in authorization response (RFC 9207)', flow.cb);
      if (cli.verbose) console.log(`    hops: ${flow.result.hops.join('\n          ')}`);

      const res = await exchange(flow);
      check(res.status === 200, 'code exchange 200', res.json);
      const t = res.json;
      check(t.token_type === 'Bearer', 'token_type Bearer');
      check(t.expires_in === 3600, 'expires_in 3600', t.expires_in);
      check(typeof t.refresh_token === 'string', 'refresh_token issued (offline_access + prompt=consent)');
      check(typeof t.id_token === 'string', 'id_token issued');
      check(t.access_token.split('.').length !== 3, 'access token without resource is opaque');
      check(t.scope === 'openid offline_access profile email phone', 'scope lists OIDC scopes only', t.scope);
      const { payload, header } = await verifyJwt(t.id_token, { audience: NATIVE });
      check(header.alg === alg && header.kid === jwks.keys[0].kid, 'id_token alg/kid', header);
      check(payload.sub === 'user_123', 'sub');
      check(payload.name === 'Test User' && payload.username === 'testuser' && payload.picture, 'profile claims in id_token');
      check(payload.email === 'test@example.com' && payload.email_verified === true, 'email claims in id_token');
      check(typeof payload.phone_number === 'string', 'phone claim in id_token');
      check(payload.exp - payload.iat === 3600, 'id_token TTL 3600', payload);
      check(payload.aud === NATIVE, 'aud is a string');
      note(`[${alg}] id_token claims: ${Object.keys(payload).sort().join(',')}`);
      first = { ...t, idPayload: payload, jar: flow.jar };
    });

    await step('userinfo with the code-exchange access token', async () => {
      const res = await http(disco.userinfo_endpoint, { bearer: first.access_token });
      check(res.status === 200, 'userinfo 200', res.json);
      const u = res.json;
      check(u.sub === 'user_123' && u.name === 'Test User' && u.username === 'testuser', 'profile');
      check(u.email === 'test@example.com' && u.email_verified === true, 'email');
      check(u.phone_number && u.phone_number_verified === true, 'phone');
      const bad = await http(disco.userinfo_endpoint, { bearer: 'nope' });
      check(bad.status === 401 && bad.json?.error === 'invalid_token', 'bad token -> 401 invalid_token', bad.json);
      check(/error="invalid_token"/.test(bad.headers.get('www-authenticate') || ''), 'WWW-Authenticate header');
    });

    let rt = first?.refresh_token;
    await step('refresh with resource=https://api.example.com (JWT access token)', async () => {
      const res = await refresh(rt, { resource: API });
      check(res.status === 200, 'refresh 200', res.json);
      const t = res.json;
      check(t.expires_in === 3600, 'expires_in 3600', t.expires_in);
      check(t.scope === 'read:data write:data', 'resource scopes', t.scope);
      check(typeof t.refresh_token === 'string' && t.refresh_token !== rt, 'refresh token rotated');
      check(typeof t.id_token === 'string', 'id_token returned on refresh');
      const { payload, header } = await verifyJwt(t.access_token, { audience: API });
      check(header.typ === 'at+jwt' && header.alg === alg, 'at+jwt header', header);
      check(payload.aud === API && payload.sub === 'user_123' && payload.client_id === NATIVE, 'aud/sub/client_id', payload);
      check(payload.scope === 'read:data write:data', 'scope claim');
      check(payload.exp - payload.iat === 3600, 'TTL 3600');
      const ui = await http(disco.userinfo_endpoint, { bearer: t.access_token });
      check(ui.status === 401, 'resource JWT is not accepted at userinfo', ui.json);
      note(`[${alg}] resource AT claims: ${Object.keys(payload).sort().join(',')}`);
      rt = t.refresh_token;
    });

    await step('refresh with resource=https://short.example.com (TTL 30)', async () => {
      const res = await refresh(rt, { resource: SHORT });
      check(res.status === 200, 'refresh 200', res.json);
      check(res.json.expires_in === 30, 'expires_in 30', res.json.expires_in);
      note(`[${alg}] short resource (no scopes) token response scope=${JSON.stringify(res.json.scope)}`);
      const { payload } = await verifyJwt(res.json.access_token, { audience: SHORT });
      check(payload.exp - payload.iat === 30, 'JWT TTL 30');
      rt = res.json.refresh_token;
    });

    await step('refresh without resource (opaque, works at userinfo); unknown resource -> invalid_target', async () => {
      const res = await refresh(rt);
      check(res.status === 200, 'refresh 200', res.json);
      check(res.json.access_token.split('.').length !== 3, 'opaque');
      const ui = await http(disco.userinfo_endpoint, { bearer: res.json.access_token });
      check(ui.status === 200 && ui.json.sub === 'user_123', 'userinfo ok');
      rt = res.json.refresh_token;
    });

    await step('refresh with an unknown resource -> invalid_target, and the RT is burnt', async () => {
      const flow = await nativeLogin();
      const t = (await exchange(flow)).json;
      const bad = await refresh(t.refresh_token, { resource: 'https://unknown.example.com' });
      check(bad.status === 400 && bad.json?.error === 'invalid_target', 'invalid_target', bad.json);
      note(`[${alg}] invalid_target body: ${bad.text}`);
      // oidc-provider (and Logto's fork) rotate the refresh token BEFORE
      // resolving the resource: the failed request consumed the RT, and
      // using it again is treated as reuse (grant revoked).
      const after = await refresh(t.refresh_token);
      check(after.status === 400 && after.json?.error === 'invalid_grant', 'RT consumed by the failed request (observed)', after.json);
      // A known resource that was not in the authorization request.
      const noRes = await nativeLogin({ resources: [], scope: 'openid offline_access profile' });
      const t2 = (await exchange(noRes)).json;
      const notRequested = await refresh(t2.refresh_token, { resource: API });
      check(notRequested.status === 400 && notRequested.json?.error === 'invalid_target', 'resource not in the authorization request -> invalid_target', notRequested.json);
    });

    await step('refresh-token rotation and reuse detection', async () => {
      const r1 = await refresh(rt);
      check(r1.status === 200, 'refresh #1', r1.json);
      const r2 = await refresh(r1.json.refresh_token);
      check(r2.status === 200, 'refresh #2', r2.json);
      check(r1.json.refresh_token !== rt && r2.json.refresh_token !== r1.json.refresh_token, 'rotated every time');
      const reuse = await refresh(rt);
      check(reuse.status === 400 && reuse.json?.error === 'invalid_grant', 'reusing consumed RT -> invalid_grant', reuse.json);
      note(`[${alg}] reuse body: ${reuse.text}`);
      const latest = await refresh(r2.json.refresh_token);
      check(latest.status === 400 && latest.json?.error === 'invalid_grant', 'reuse revoked the whole grant (latest RT dead too)', latest.json);
      const at = await http(disco.userinfo_endpoint, { bearer: r2.json.access_token });
      check(at.status === 401, 'and its access tokens', at.json);
    });

    await step('revocation', async () => {
      const flow = await nativeLogin({ redirectUri: 'http://127.0.0.1:45678/callback' });
      check(flow.cb.code, 'loopback redirect with arbitrary port accepted', flow.result);
      const t = (await exchange(flow)).json;
      const rev = await http(disco.revocation_endpoint, {
        method: 'POST', form: { client_id: NATIVE, token: t.refresh_token },
      });
      check(rev.status === 200 && rev.text === '', 'revoke -> 200 empty body', rev);
      const after = await refresh(t.refresh_token);
      check(after.status === 400 && after.json?.error === 'invalid_grant', 'revoked RT -> invalid_grant', after.json);
      const ui = await http(disco.userinfo_endpoint, { bearer: t.access_token });
      check(ui.status === 401, 'revoking the RT revoked its grant (access token dead too)', ui.json);
      const flow2 = await nativeLogin();
      const t2 = (await exchange(flow2)).json;
      const revAt = await http(disco.revocation_endpoint, {
        method: 'POST', form: { client_id: NATIVE, token: t2.access_token },
      });
      check(revAt.status === 200, 'revoke access token');
      const ui2 = await http(disco.userinfo_endpoint, { bearer: t2.access_token });
      check(ui2.status === 401, 'revoked access token rejected');
      const r2 = await refresh(t2.refresh_token);
      check(r2.status === 400 && r2.json?.error === 'invalid_grant', 'revoking an access token also revokes the RTs of its grant (observed)', r2.json);
      const flow3 = await nativeLogin();
      const t3 = (await exchange(flow3)).json;
      const jwtAt = (await refresh(t3.refresh_token, { resource: API })).json.access_token;
      const revJwt = await http(disco.revocation_endpoint, {
        method: 'POST', form: { client_id: NATIVE, token: jwtAt },
      });
      check(revJwt.status === 400 && revJwt.json?.error === 'unsupported_token_type', 'JWT access token -> unsupported_token_type', revJwt.json);
      note(`[${alg}] revoke JWT: ${revJwt.status} ${revJwt.text}`);
      const unknown = await http(disco.revocation_endpoint, {
        method: 'POST', form: { client_id: NATIVE, token: 'does-not-exist' },
      });
      check(unknown.status === 200, 'revoking an unknown token -> 200');
    });

    await step('offline_access without prompt=consent -> no refresh token', async () => {
      const flow = await nativeLogin({ prompt: 'login' });
      check(flow.cb?.code, 'code', flow.result);
      const t = (await exchange(flow)).json;
      check(t.refresh_token === undefined, 'no refresh_token', t);
      check(!t.scope.split(' ').includes('offline_access'), 'offline_access dropped from scope', t.scope);
    });

    await step('PKCE is required for the public client', async () => {
      const jar = new CookieJar();
      const q = new URLSearchParams({
        client_id: NATIVE, redirect_uri: 'com.example.app://callback', state: 's', response_type: 'code', scope: 'openid',
      });
      const res = await follow(`${disco.authorization_endpoint}?${q}`, jar, origin);
      const cb = callbackParams(res.redirect);
      check(cb.error === 'invalid_request' && cb.state === 's' && cb.iss === issuer, 'error redirect invalid_request', cb);
      note(`[${alg}] missing PKCE: ${JSON.stringify(cb)}`);
      const flow = await nativeLogin();
      const bad = await exchange({ ...flow, verifier: pkce().verifier });
      check(bad.status === 400 && bad.json?.error === 'invalid_grant', 'wrong code_verifier -> invalid_grant', bad.json);
      const again = await exchange(flow);
      check(again.status === 200, 'a failed PKCE attempt does not consume the code (observed)', again.json);
    });

    await step('code reuse', async () => {
      const flow = await nativeLogin();
      const ok = await exchange(flow);
      check(ok.status === 200, 'first exchange');
      const reuse = await exchange(flow);
      check(reuse.status === 400 && reuse.json?.error === 'invalid_grant', 'second exchange -> invalid_grant', reuse.json);
      const rt2 = await refresh(ok.json.refresh_token);
      check(rt2.status === 400, 'code reuse revoked the grant', rt2.json);
    });

    await step('invalid redirect_uri / client -> JSON error (no redirect)', async () => {
      const q = new URLSearchParams({
        client_id: NATIVE, redirect_uri: 'https://evil.example.com/cb', response_type: 'code', scope: 'openid', state: 's',
      });
      const res = await http(`${disco.authorization_endpoint}?${q}`, { headers: { accept: 'text/html' } });
      check(res.status === 400 && res.json?.error === 'invalid_redirect_uri', 'invalid_redirect_uri as JSON', res.text);
      const q2 = new URLSearchParams({
        client_id: 'nobody', redirect_uri: 'com.example.app://callback', response_type: 'code', scope: 'openid',
      });
      const res2 = await http(`${disco.authorization_endpoint}?${q2}`, { headers: { accept: 'text/html' } });
      check(res2.status === 400 && res2.json?.error === 'invalid_client', 'invalid_client as JSON', res2.text);
    });

    await step('deny trigger: login_hint=deny', async () => {
      const flow = await nativeLogin({ extra: { login_hint: 'deny' } });
      check(flow.cb.error === 'access_denied', 'error=access_denied', flow.cb);
      check(flow.cb.state === flow.state && flow.cb.iss === issuer, 'state + iss', flow.cb);
      check(typeof flow.cb.error_description === 'string', 'error_description');
      const custom = await nativeLogin({ extra: { login_hint: 'error:login_required' } });
      check(custom.cb.error === 'login_required', 'login_hint=error:login_required', custom.cb);
      // Even with an existing session + grant (web client, no prompt).
      const jar = first.jar;
      const webQ = new URLSearchParams({
        client_id: WEB, redirect_uri: 'http://127.0.0.1:3000/callback', response_type: 'code', scope: 'openid', state: 'w', login_hint: 'deny',
      });
      const web = await follow(`${disco.authorization_endpoint}?${webQ}`, jar, origin);
      check(callbackParams(web.redirect).error === 'access_denied', 'deny with existing session', web);
    });

    await step('web app: confidential, Basic auth, no PKCE, any loopback port', async () => {
      const jar = new CookieJar();
      const state = 'web-state';
      const redirectUri = 'http://127.0.0.1:61234/callback';
      const q = new URLSearchParams({
        client_id: WEB, redirect_uri: redirectUri, response_type: 'code', scope: 'openid offline_access profile email', state, prompt: 'consent', resource: API,
      });
      const res = await follow(`${disco.authorization_endpoint}?${q}`, jar, origin);
      const cb = callbackParams(res.redirect);
      check(cb.code && cb.state === state, 'code + state', res);
      const noAuth = await http(tokenUrl(), {
        method: 'POST',
        form: {
          client_id: WEB, code: cb.code, redirect_uri: redirectUri, grant_type: 'authorization_code',
        },
      });
      check(noAuth.status === 400 || noAuth.status === 401, 'no secret -> rejected', noAuth.json);
      check(noAuth.json?.error === 'invalid_client', 'invalid_client', noAuth.json);
      note(`[${alg}] web without secret: ${noAuth.status} ${noAuth.text}`);
      // The failed attempt above did not consume the code? Get a new one to be safe.
      const res2 = await follow(`${disco.authorization_endpoint}?${q}`, jar, origin);
      const cb2 = callbackParams(res2.redirect);
      const tok = await http(tokenUrl(), {
        method: 'POST',
        basic: [WEB, WEB_SECRET],
        form: { code: cb2.code, redirect_uri: redirectUri, grant_type: 'authorization_code' },
      });
      check(tok.status === 200 && tok.json.refresh_token && tok.json.id_token, 'tokens via Basic', tok.json);
      await verifyJwt(tok.json.id_token, { audience: WEB });
      const r = await refresh(tok.json.refresh_token, { basic: [WEB, WEB_SECRET], resource: API, clientId: WEB });
      check(r.status === 200, 'refresh via Basic', r.json);
      check(r.json.refresh_token === tok.json.refresh_token, 'confidential client: RT NOT rotated (oidc-provider/Logto default policy)', r.json.refresh_token === tok.json.refresh_token);
      const { payload } = await verifyJwt(r.json.access_token, { audience: API });
      check(payload.client_id === WEB, 'resource token for web app');
      const wrong = await http(tokenUrl(), {
        method: 'POST', basic: [WEB, 'wrong'], form: { grant_type: 'refresh_token', refresh_token: tok.json.refresh_token },
      });
      check(wrong.status === 401 && wrong.json?.error === 'invalid_client', 'wrong secret -> 401 invalid_client', wrong.json);
    });

    await step('m2m: client_credentials with Basic auth', async () => {
      const res = await http(tokenUrl(), {
        method: 'POST', basic: [M2M, M2M_SECRET], form: { grant_type: 'client_credentials', resource: API, scope: 'read:data write:data' },
      });
      check(res.status === 200, 'client_credentials 200', res.json);
      check(res.json.scope === 'read:data write:data' && res.json.expires_in === 3600, 'scope/ttl', res.json);
      check(res.json.refresh_token === undefined && res.json.id_token === undefined, 'no RT/ID token');
      const { payload } = await verifyJwt(res.json.access_token, { audience: API });
      check(payload.client_id === M2M && payload.sub === M2M, 'sub = client_id', payload);
      const one = await http(tokenUrl(), {
        method: 'POST', basic: [M2M, M2M_SECRET], form: { grant_type: 'client_credentials', resource: API, scope: 'read:data' },
      });
      check(one.json?.scope === 'read:data', 'subset of scopes', one.json);
      const other = await http(tokenUrl(), {
        method: 'POST', basic: [M2M, M2M_SECRET], form: { grant_type: 'client_credentials', resource: SHORT },
      });
      check(other.status === 400 && other.json?.error === 'invalid_target', 'not allowed resource -> invalid_target', other.json);
      const none = await http(tokenUrl(), {
        method: 'POST', basic: [M2M, M2M_SECRET], form: { grant_type: 'client_credentials' },
      });
      note(`[${alg}] client_credentials without resource: ${none.status} ${none.text.slice(0, 200)}`);
      const bad = await http(tokenUrl(), {
        method: 'POST', basic: [M2M, 'nope'], form: { grant_type: 'client_credentials', resource: API },
      });
      check(bad.status === 401 && bad.json?.error === 'invalid_client', 'bad secret', bad.json);
      const native = await http(tokenUrl(), {
        method: 'POST', form: { client_id: NATIVE, grant_type: 'client_credentials', resource: API },
      });
      check(native.status === 400 && ['unauthorized_client', 'invalid_request'].includes(native.json?.error), 'native cannot use client_credentials', native.json);
      note(`[${alg}] grant type not allowed for client: ${native.text}`);
    });

    await step('resign: claims merged, re-signed by the current key; JWKS fetches counted', async () => {
      const before = (await http(`${base}/test/health`)).json.jwksRequests;
      const at = (await http(tokenUrl(), {
        method: 'POST', basic: [M2M, M2M_SECRET], form: { grant_type: 'client_credentials', resource: API, scope: 'read:data' },
      })).json.access_token;
      const past = Math.floor(Date.now() / 1000) - 600;
      const r = await http(`${base}/test/resign`, {
        method: 'POST', form: { token: at, claims: JSON.stringify({ exp: past, aud: 'urn:logto:organization:org_1', scope: null }) },
      });
      check(r.status === 200 && typeof r.json?.token === 'string', 'resign 200', r.json);
      const { payload, header } = await verifyJwt(r.json.token, { audience: 'urn:logto:organization:org_1' }).catch((e) => {
        check(e.code === 'ERR_JWT_EXPIRED', 'only exp fails', e.code);
        return { payload: jose.decodeJwt(r.json.token), header: jose.decodeProtectedHeader(r.json.token) };
      });
      check(payload.exp === past && payload.scope === undefined && payload.client_id === M2M, 'merged, null removes', payload);
      check(header.kid === jose.decodeProtectedHeader(at).kid && header.typ === 'at+jwt', 'same key and typ', header);
      const set = jose.createLocalJWKSet((await http(disco.jwks_uri)).json);
      await jose.compactVerify(r.json.token, set);  // the signature verifies even though exp has passed
      const after = (await http(`${base}/test/health`)).json.jwksRequests;
      check(after - before === 2, 'GET /test/health counts GET /oidc/jwks', { before, after });
      const bad = await http(`${base}/test/resign`, { method: 'POST', form: { token: 'x.y', claims: '{}' } });
      check(bad.status === 400 && bad.json?.error === 'invalid_request', 'not a JWS -> 400', bad.json);
    });

    await step('device flow: approve, authorization_pending, slow_down', async () => {
      const da = await http(disco.device_authorization_endpoint, {
        method: 'POST', form: { client_id: NATIVE, scope: 'openid offline_access profile read:data', resource: API },
      });
      check(da.status === 200, 'device/auth 200', da.json);
      const d = da.json;
      check(d.device_code && d.user_code && d.verification_uri && d.verification_uri_complete, 'fields');
      check(d.interval === DEVICE_INTERVAL && d.expires_in === 600, 'interval/expires_in', d);
      note(`[${alg}] device/auth: ${JSON.stringify({ ...d, device_code: '…' })}`);
      const poll = () => http(tokenUrl(), {
        method: 'POST', form: { client_id: NATIVE, grant_type: DEVICE_GRANT, device_code: d.device_code },
      });
      const p1 = await poll();
      check(p1.status === 400 && p1.json?.error === 'authorization_pending', 'authorization_pending', p1.json);
      const p2 = await poll();
      check(p2.status === 400 && p2.json?.error === 'slow_down', 'immediate re-poll -> slow_down', p2.json);
      note(`[${alg}] slow_down body: ${p2.text}`);
      const approve = await http(`${base}/test/device/approve`, { method: 'POST', form: { user_code: d.user_code.toLowerCase() } });
      check(approve.status === 200 && approve.json.status === 'approved', 'approve (user_code case/dash-insensitive)', approve.json);
      const again = await http(`${base}/test/device/approve`, { method: 'POST', form: { user_code: d.user_code } });
      check(again.status === 409, 'second approve -> 409', again.json);
      // After slow_down the interval is DEVICE_INTERVAL + 5 seconds.
      await sleep((DEVICE_INTERVAL + 5) * 1000);
      const p3 = await poll();
      check(p3.status === 200, 'tokens after approval', p3.json);
      check(p3.json.refresh_token !== undefined, 'refresh token?', p3.json);
      note(`[${alg}] device token scope=${p3.json.scope} rt=${p3.json.refresh_token !== undefined}`);
      if (p3.json.id_token) await verifyJwt(p3.json.id_token, { audience: NATIVE });
      const r = await refresh(p3.json.refresh_token, { resource: API });
      check(r.status === 200 && r.json.scope === 'read:data', 'device RT -> resource token', r.json);
      await sleep(DEVICE_INTERVAL * 1000);
      const p4 = await poll();
      check(p4.status === 400 && p4.json?.error === 'invalid_grant', 'device code single use', p4.json);
      note(`[${alg}] device code re-poll after success: ${p4.text}`);
      const r2 = await refresh(r.json.refresh_token);
      check(r2.status === 400 && r2.json?.error === 'invalid_grant', 're-polling a consumed device code revokes its grant (observed)', r2.json);
    });

    await step('device flow: deny', async () => {
      const da = (await http(disco.device_authorization_endpoint, {
        method: 'POST', form: { client_id: NATIVE, scope: 'openid' },
      })).json;
      const deny = await http(`${base}/test/device/deny`, { method: 'POST', form: { user_code: da.user_code } });
      check(deny.status === 200 && deny.json.status === 'denied', 'deny', deny.json);
      const p = await http(tokenUrl(), {
        method: 'POST', form: { client_id: NATIVE, grant_type: DEVICE_GRANT, device_code: da.device_code },
      });
      check(p.status === 400 && p.json?.error === 'access_denied', 'access_denied', p.json);
      const unknown = await http(`${base}/test/device/approve`, { method: 'POST', form: { user_code: 'XXXX-XXXX' } });
      check(unknown.status === 404, 'unknown user_code -> 404', unknown.json);
    });

    await step('key rotation', async () => {
      const flow = await nativeLogin();
      const t = (await exchange(flow)).json;
      const oldKid = jose.decodeProtectedHeader(t.id_token).kid;
      const t0 = Date.now();
      const rot = await http(`${base}/test/rotate-keys`, { method: 'POST' });
      note(`[${alg}] rotate-keys took ${Date.now() - t0} ms`);
      check(rot.status === 200 && rot.json.kid && rot.json.kid !== oldKid, 'new kid', rot.json);
      const keys = (await http(disco.jwks_uri)).json.keys;
      check(keys.length === 2 && keys[0].kid === rot.json.kid && keys.some((k) => k.kid === oldKid), 'JWKS = [new, old]', keys.map((k) => k.kid));
      const r = await refresh(t.refresh_token, { resource: API });
      check(r.status === 200, 'pre-rotation refresh token still works', r.json);
      check(jose.decodeProtectedHeader(r.json.id_token).kid === rot.json.kid, 'new id_token carries new kid');
      check(jose.decodeProtectedHeader(r.json.access_token).kid === rot.json.kid, 'new resource AT carries new kid');
      await verifyJwt(r.json.id_token, { audience: NATIVE });
      const ui = await http(disco.userinfo_endpoint, { bearer: t.access_token });
      check(ui.status === 200, 'pre-rotation opaque access token still valid');
      const flow2 = await nativeLogin({ jar: flow.jar });
      check(flow2.cb.code, 'session cookie from before rotation still works', flow2.result);
      const t2 = (await exchange(flow2)).json;
      check(jose.decodeProtectedHeader(t2.id_token).kid === rot.json.kid, 'fresh login signed with new kid');
      const rot2 = await http(`${base}/test/rotate-keys`, { method: 'POST', form: { retire_old: 'true' } });
      const keys2 = (await http(disco.jwks_uri)).json.keys;
      check(keys2.length === 1 && keys2[0].kid === rot2.json.kid, 'retire_old=true leaves only the newest key', keys2.map((k) => k.kid));
    });

    await step('end session: GET-followable, ends at post_logout_redirect_uri', async () => {
      const offline = await nativeLogin();
      const offlineTokens = (await exchange(offline)).json;
      const flow = await nativeLogin({ scope: 'openid profile', jar: offline.jar });
      const t = (await exchange(flow)).json;
      check(t.refresh_token === undefined, 'no offline_access -> no RT');
      const pn = await nativeLogin({ prompt: 'none', jar: flow.jar, scope: 'openid' });
      check(pn.cb.error === 'interaction_required', 'native + prompt=none with a session -> interaction_required', pn.cb);
      note(`[${alg}] native prompt=none: ${JSON.stringify(pn.cb)}`);
      const q = new URLSearchParams({
        client_id: NATIVE, post_logout_redirect_uri: 'http://127.0.0.1:40404/signed-out', state: 'bye',
      });
      const res = await follow(`${disco.end_session_endpoint}?${q}`, flow.jar, origin);
      check(res.redirect && res.redirect.startsWith('http://127.0.0.1:40404/signed-out'), 'redirect to post_logout_redirect_uri (any port)', res);
      check(callbackParams(res.redirect).state === 'bye', 'state echoed', res.redirect);
      if (cli.verbose) console.log(`    hops: ${res.hops.join('\n          ')}`);
      const ui = await http(disco.userinfo_endpoint, { bearer: t.access_token });
      check(ui.status === 401, 'session-bound access token is dead after logout', ui.json);
      const survived = await refresh(offlineTokens.refresh_token);
      check(survived.status === 200, 'offline_access refresh token survives logout', survived.json);
      const none = await nativeLogin({ prompt: 'none', jar: flow.jar, scope: 'openid' });
      check(none.cb.error === 'login_required', 'prompt=none afterwards -> login_required', none.cb);
      // Without any session (fresh jar) and with the custom scheme.
      const q2 = new URLSearchParams({ client_id: NATIVE, post_logout_redirect_uri: 'com.example.app://callback/sign-out' });
      const res2 = await follow(`${disco.end_session_endpoint}?${q2}`, new CookieJar(), origin);
      check(res2.redirect === 'com.example.app://callback/sign-out', 'no session + custom scheme', res2);
      // No post_logout_redirect_uri: ends at a JSON success page.
      const res3 = await follow(`${disco.end_session_endpoint}?client_id=${NATIVE}`, new CookieJar(), origin);
      check(res3.final?.status === 200 && res3.final.json?.status === 'signed_out', 'no redirect uri -> JSON success', res3.final?.text);
      const badUri = await http(`${disco.end_session_endpoint}?client_id=${NATIVE}&post_logout_redirect_uri=https%3A%2F%2Fevil.example.com`, { headers: { accept: 'text/html' } });
      check(badUri.status === 400 && badUri.json?.error === 'invalid_request', 'unregistered post_logout_redirect_uri -> JSON 400', badUri.text);
    });

    if (await curlAvailable()) {
      await step('curl -L with a cookie jar (libcurl behaviour)', async () => {
        const listener = await startCallbackListener();
        const dir = await mkdtemp(join(tmpdir(), 'oidc-curl-'));
        try {
          const { challenge } = pkce();
          const q = new URLSearchParams({
            client_id: NATIVE,
            redirect_uri: `http://127.0.0.1:${listener.port}/callback`,
            code_challenge: challenge,
            code_challenge_method: 'S256',
            state: 'curl-state',
            response_type: 'code',
            prompt: 'consent',
            scope: 'openid offline_access profile',
            resource: API,
          });
          const out = await curlFollow(`${disco.authorization_endpoint}?${q}`, join(dir, 'jar'));
          check(!out.err, 'curl succeeded', out.stderr);
          check(listener.received.length === 1, 'callback listener hit once', listener.received);
          const cb = Object.fromEntries(new URL(listener.received[0] ?? '/', 'http://x').searchParams);
          check(cb.code && cb.state === 'curl-state' && cb.iss === issuer, 'code/state/iss via curl', cb);
          note(`[${alg}] curl: ${out.stdout}`);
          const q2 = new URLSearchParams({
            client_id: NATIVE, post_logout_redirect_uri: `http://127.0.0.1:${listener.port}/signed-out`,
          });
          const out2 = await curlFollow(`${disco.end_session_endpoint}?${q2}`, join(dir, 'jar'));
          check(!out2.err && listener.received[1]?.startsWith('/signed-out'), 'curl end session reaches post_logout_redirect_uri', { out2, r: listener.received });
        } finally {
          listener.server.close();
          await rm(dir, { recursive: true, force: true });
        }
      });
    } else {
      console.log('- curl not found: skipping the curl check');
    }

    await step('errors are JSON; unknown routes', async () => {
      const r = await http(`${base}/oidc/nope`, { headers: { accept: 'text/html' } });
      check(r.status === 404 && r.json?.error, '404 JSON under /oidc', r.text);
      const r2 = await http(`${base}/nope`);
      check(r2.status === 404 && r2.json?.error, '404 JSON outside /oidc', r2.text);
      const tok = await http(tokenUrl(), { method: 'POST', form: { client_id: NATIVE, grant_type: 'password' } });
      check(tok.status === 400 && tok.json?.error === 'unsupported_grant_type' && 'error_description' in tok.json, '{error, error_description}', tok.json);
      note(`[${alg}] unsupported grant body: ${tok.text}`);
      const noCookie = await http(`${base}/interaction/abc`);
      check(noCookie.status === 400 && noCookie.json?.error, 'interaction without cookie -> JSON error', noCookie.text);
    });
  } finally {
    const stopped = await stopServer(srv.child);
    check(stopped !== 'timeout' && stopped.code === 0, 'server exits with status 0 on SIGTERM', stopped);
    if (/Error|TypeError/.test(srv.stderr()) && cli.verbose) console.log(srv.stderr());
  }
}

for (const alg of ALGS) {
  await suite(alg);
}

console.log(`\n${passes} checks passed, ${failures} failed`);
if (notes.length) {
  console.log('\nobservations:');
  for (const n of notes) console.log(`  ${n}`);
}
process.exit(failures ? 1 : 0);
