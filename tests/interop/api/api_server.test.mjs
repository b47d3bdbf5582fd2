#!/usr/bin/env node
// End-to-end test of examples/api_server against the bundled OpenID provider, with real access tokens:
// valid (machine-to-machine and a user's), expired, wrong audience, wrong issuer, missing scope,
// organization token, bad signature, rotated key (a retired one too, and under load), garbage, a flood
// of unknown kids (bounded JWKS refetches), many requests at once. Every answer is checked for its RFC 6750 status and
// WWW-Authenticate value, and for never containing the token it was sent.
//
//   tests/interop/provider/run_with_provider.sh -- node tests/interop/api/api_server.test.mjs <api_server>
//
// Needs LOGTO_TEST_ENDPOINT (set by run_with_provider.sh). Exits non-zero when a check fails.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { createInterface } from 'node:readline';

import * as jose from 'jose';

const binary = process.argv[2];
const endpoint = process.env.LOGTO_TEST_ENDPOINT;
if (!binary || !endpoint) {
  console.error('usage: LOGTO_TEST_ENDPOINT=http://127.0.0.1:N node api_server.test.mjs <api_server>');
  process.exit(2);
}
const issuer = `${endpoint}/oidc`;
const API = 'https://api.example.com';
const SHORT = 'https://short.example.com';
const M2M = ['test-m2m-app', 'test-m2m-secret'];
const NATIVE = 'test-native-app';
const COOLDOWN = 2;  // --jwks-cooldown: small, so the rotation cases need not wait long
const REALM = 'Bearer realm="api"';

// ---------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------

let passes = 0;
let failures = 0;
function check(cond, msg, extra) {
  if (cond) {
    passes += 1;
  } else {
    failures += 1;
    console.log(`  FAIL ${msg}${extra !== undefined ? `\n       ${JSON.stringify(extra)}` : ''}`);
  }
  return cond;
}
async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
  } catch (err) {
    failures += 1;
    console.log(`  FAIL ${name} threw: ${err?.stack || err}`);
  }
  console.log(`- ${name} (${Date.now() - t0} ms)`);
}
const sleep = (ms) => new Promise((r) => { setTimeout(r, ms); });
const epoch = () => Math.floor(Date.now() / 1000);

// One new connection per request (agent: false, Connection: close): each is a new task for the server's
// thread pool, so parallel requests really run on several threads at once.
function call(base, method, path, { authorization, body } = {}) {
  return new Promise((resolve, reject) => {
    const headers = {};
    if (authorization !== undefined) headers.authorization = authorization;
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const req = request(`${base}${path}`, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        const raw = `${res.rawHeaders.join('\n')}\n${text}`;
        resolve({
          status: res.statusCode, www: res.headers['www-authenticate'], headers: res.headers, text, json, raw,
        });
      });
    });
    req.on('error', reject);
    req.setTimeout(30000, () => req.destroy(new Error(`${method} ${path}: no answer within 30 s`)));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** The token in an Authorization value (or the values), for the echo check. */
function tokensIn(authorization) {
  return [authorization ?? []].flat().map((a) => a.replace(/^\S+\s+/, '')).filter((t) => t.length >= 8);
}
let echoChecks = 0;
function noEcho(res, authorization) {
  for (const token of tokensIn(authorization)) {
    // The whole token, and each of its segments (the payload alone would leak the claims).
    for (const part of [token, ...token.split('.').filter((s) => s.length >= 8)]) {
      echoChecks += 1;
      if (res.raw.includes(part)) return check(false, 'the answer never contains the token', res.raw);
    }
  }
  return true;
}

async function form(url, params, basic) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = `Basic ${Buffer.from(basic.join(':')).toString('base64')}`;
  const res = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(params) });
  return { status: res.status, json: await res.json() };
}

async function m2mToken(scope) {
  const r = await form(`${issuer}/token`, { grant_type: 'client_credentials', resource: API, scope }, M2M);
  if (r.status !== 200) throw new Error(`client_credentials: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.access_token;
}

/** A user's access token for `resource` through the device flow, approved by the test endpoint. */
async function userToken(resource, scope) {
  const da = await form(`${issuer}/device/auth`, { client_id: NATIVE, scope, resource });
  const ok = await form(`${endpoint}/test/device/approve`, { user_code: da.json.user_code });
  if (ok.status !== 200) throw new Error(`device approve: ${JSON.stringify(ok.json)}`);
  const t = await form(`${issuer}/token`, {
    client_id: NATIVE, grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: da.json.device_code, resource,
  });
  if (t.status !== 200) throw new Error(`device token: ${t.status} ${JSON.stringify(t.json)}`);
  return t.json.access_token;
}

/** The provider re-signs `token` with `claims` merged (POST /test/resign). */
async function resign(token, claims) {
  const r = await form(`${endpoint}/test/resign`, { token, claims: JSON.stringify(claims) });
  if (r.status !== 200) throw new Error(`resign: ${JSON.stringify(r.json)}`);
  return r.json.token;
}

const jwksRequests = async () => (await (await fetch(`${endpoint}/test/health`)).json()).jwksRequests;

// ---------------------------------------------------------------------------
// The server under test
// ---------------------------------------------------------------------------

const server = spawn(binary, ['--issuer', issuer, '--port', '0', '--threads', '8', '--jwks-cooldown', String(COOLDOWN)],
  { stdio: ['ignore', 'pipe', 'pipe'] });
let serverLog = '';
server.stderr.on('data', (d) => { serverLog += d; });
const exited = new Promise((resolve) => { server.on('exit', (code, signal) => resolve({ code, signal })); });
const base = await Promise.race([
  new Promise((resolve) => {
    createInterface({ input: server.stdout }).on('line', (line) => {
      const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (m) resolve(m[1]);
    });
  }),
  exited.then((e) => { throw new Error(`api_server exited before listening: ${JSON.stringify(e)}\n${serverLog}`); }),
  sleep(30000).then(() => { throw new Error('api_server did not print its listening line within 30 s'); }),
]);
console.log(`api_server at ${base}, provider at ${endpoint}`);

/** One request and its expected answer: status, WWW-Authenticate (exact or a RegExp), JSON error. */
async function expect(name, method, path, authorization, want, { body } = {}) {
  const res = await call(base, method, path, { authorization, body });
  check(res.status === want.status, `${name}: status ${want.status}`, { status: res.status, body: res.text });
  if (want.www instanceof RegExp) {
    check(want.www.test(res.www ?? ''), `${name}: WWW-Authenticate ${want.www}`, res.www);
  } else if (want.www !== undefined) {
    check(res.www === want.www, `${name}: WWW-Authenticate ${want.www}`, res.www);
  }
  if (want.error !== undefined) check(res.json?.error === want.error, `${name}: error ${want.error}`, res.json);
  if (want.www && res.json?.error) {
    check(res.www.includes(`error="${res.json.error}", error_description="${res.json.error_description}"`),
      `${name}: the JSON body says what WWW-Authenticate says`, { www: res.www, body: res.json });
  }
  noEcho(res, authorization);
  return res;
}
const invalidToken = (description) => ({
  status: 401,
  www: new RegExp(`^Bearer realm="api", error="invalid_token", error_description="[^"]*${description}[^"]*"$`),
  error: 'invalid_token',
});

// ---------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------

const full = await m2mToken('read:data write:data');
const readOnly = await m2mToken('read:data');
const claims = jose.decodeJwt(full);
const orgToken = await resign(full, { aud: 'urn:logto:organization:org_1', scope: 'read:members' });
// Signed with a key the provider never had, under the provider's current kid.
const stranger = await jose.generateKeyPair('ES384');
const forge = (kid, extra = {}) => new jose.SignJWT({ ...claims, ...extra })
  .setProtectedHeader({ alg: 'ES384', typ: 'at+jwt', kid })
  .sign(stranger.privateKey);
const realKid = jose.decodeProtectedHeader(full).kid;

try {
  await step('no token: 401 with a bare Bearer challenge (RFC 6750 3.1)', async () => {
    const pub = await call(base, 'GET', '/public');
    check(pub.status === 200 && pub.json?.message, 'GET /public needs no token', pub.text);
    const none = await expect('no header', 'GET', '/data', undefined, { status: 401, www: REALM });
    check(none.json?.error === undefined && /Authorization: Bearer/.test(none.json?.error_description), 'no error code, a hint', none.json);
    await expect('Basic', 'GET', '/data', `Basic ${Buffer.from(M2M.join(':')).toString('base64')}`, { status: 401, www: REALM });
    await expect('empty', 'GET', '/whoami', '', { status: 401, www: REALM });
  });

  await step('malformed requests: 400 invalid_request', async () => {
    const want = { status: 400, www: /^Bearer realm="api", error="invalid_request", error_description="[^"]+"$/, error: 'invalid_request' };
    await expect('Bearer without a token', 'GET', '/data', 'Bearer', want);
    await expect('characters RFC 6750 2.1 forbids', 'GET', '/data', 'Bearer {"alg":"none"}', want);
    await expect('two Authorization headers', 'GET', '/data', [`Bearer ${full}`, `Bearer ${readOnly}`], want);
  });

  await step('garbage and forged tokens: 401 invalid_token', async () => {
    await expect('not a JWT', 'GET', '/data', 'Bearer not-a-jwt', invalidToken('malformed'));
    await expect('three random segments', 'GET', '/data', `Bearer ${randomBytes(30).toString('base64url')}.x.y`, invalidToken('malformed'));
    const [h, p, s] = full.split('.');
    const sig = Buffer.from(s, 'base64url');
    sig[sig.length >> 1] ^= 0x55;
    await expect('one signature byte changed', 'GET', '/data', `Bearer ${h}.${p}.${sig.toString('base64url')}`, invalidToken('signature'));
    await expect('another key under the real kid', 'GET', '/data', `Bearer ${await forge(realKid)}`, invalidToken('signature'));
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${p}.`;
    await expect('alg none', 'GET', '/data', `Bearer ${none}`, { status: 401, error: 'invalid_token' });
  });

  await step('valid tokens: 200, the claims as the API sees them', async () => {
    const who = await expect('m2m /whoami', 'GET', '/whoami', `Bearer ${full}`, { status: 200 });
    check(who.json?.sub === M2M[0] && who.json.client_id === M2M[0], 'sub and client_id', who.json);
    check(JSON.stringify(who.json?.scopes) === '["read:data","write:data"]', 'scopes', who.json);
    check(who.json?.organization_id === null && who.json.expires_at === claims.exp, 'no organization; exp', who.json);
    const again = await expect('m2m /whoami again (cached)', 'GET', '/whoami', `bearer  ${full}`, { status: 200 });
    check(again.json?.sub === M2M[0], 'the scheme in any case', again.json);
    await expect('GET /data', 'GET', '/data', `Bearer ${full}`, { status: 200 });
    const post = await expect('POST /data', 'POST', '/data', `Bearer ${full}`, { status: 201 }, { body: 'x=1' });
    check(post.json?.written_by === M2M[0], 'written by the m2m app', post.json);
    const user = await userToken(API, 'openid read:data');
    const me = await expect('user /whoami', 'GET', '/whoami', `Bearer ${user}`, { status: 200 });
    check(me.json?.sub === 'user_123' && me.json.client_id === NATIVE, "a user's token (device flow)", me.json);
    check(JSON.stringify(me.json?.scopes) === '["read:data"]', "the user's API scopes only", me.json);
    await expect('user GET /data', 'GET', '/data', `Bearer ${user}`, { status: 200 });
  });

  await step('missing scope: 403 insufficient_scope naming the scope', async () => {
    await expect('read-only token GET /data', 'GET', '/data', `Bearer ${readOnly}`, { status: 200 });
    await expect('read-only token POST /data', 'POST', '/data', `Bearer ${readOnly}`, {
      status: 403,
      www: 'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a required scope", scope="write:data"',
      error: 'insufficient_scope',
    }, { body: 'x=1' });
    const noScope = await resign(full, { scope: null });
    await expect('no scope claim GET /data', 'GET', '/data', `Bearer ${noScope}`, {
      status: 403, www: /error="insufficient_scope".*scope="read:data"$/, error: 'insufficient_scope',
    });
    await expect('no scope claim /whoami', 'GET', '/whoami', `Bearer ${noScope}`, { status: 200 });
  });

  await step('expired, not yet valid, wrong audience, wrong issuer: 401 invalid_token', async () => {
    await expect('expired 10 min ago', 'GET', '/data', `Bearer ${await resign(full, { exp: epoch() - 600 })}`, invalidToken('expired'));
    await expect('nbf in 10 min', 'GET', '/data', `Bearer ${await resign(full, { nbf: epoch() + 600 })}`, invalidToken('not valid yet'));
    await expect('aud of another resource (re-signed)', 'GET', '/data', `Bearer ${await resign(full, { aud: SHORT })}`, invalidToken('not meant for this API'));
    const short = await userToken(SHORT, 'openid');
    check(jose.decodeJwt(short).aud === SHORT, 'the provider minted a token for the other resource', jose.decodeJwt(short));
    await expect('token for https://short.example.com', 'GET', '/whoami', `Bearer ${short}`, invalidToken('not meant for this API'));
    await expect('another issuer', 'GET', '/data', `Bearer ${await resign(full, { iss: 'https://attacker.example.com/oidc' })}`, invalidToken('another issuer'));
  });

  await step('organization token: 200 on /org with its id, refused by the resource routes', async () => {
    const org = await expect('org token /org', 'GET', '/org', `Bearer ${orgToken}`, { status: 200 });
    check(org.json?.organization_id === 'org_1' && org.json.sub === M2M[0], 'organization_id from aud', org.json);
    check(JSON.stringify(org.json?.scopes) === '["read:members"]', 'organization scopes', org.json);
    await expect('org token /data', 'GET', '/data', `Bearer ${orgToken}`, invalidToken('not meant for this API'));
    await expect('org token /whoami', 'GET', '/whoami', `Bearer ${orgToken}`, invalidToken('not meant for this API'));
    await expect('resource token /org', 'GET', '/org', `Bearer ${full}`, invalidToken('not meant for this API'));
    const resourceForOrg = await resign(full, { organization_id: 'org_2' });
    const who = await expect('organization-level resource token /whoami', 'GET', '/whoami', `Bearer ${resourceForOrg}`, { status: 200 });
    check(who.json?.organization_id === 'org_2', 'organization_id claim', who.json);
  });

  await step(`unknown-kid flood: at most one JWKS refetch per ${COOLDOWN} s cooldown`, async () => {
    await sleep((COOLDOWN + 1) * 1000);  // the cooldown since the last fetch is over: the first forged kid may refetch
    const before = await jwksRequests();
    const t0 = Date.now();
    let refused = 0;
    for (let batch = 0; batch < 6; batch += 1) {
      const answers = await Promise.all(Array.from({ length: 50 }, async () => {
        const auth = `Bearer ${await forge(`forged-${randomBytes(9).toString('base64url')}`)}`;
        const res = await call(base, 'GET', '/data', { authorization: auth });
        noEcho(res, auth);
        return res;
      }));
      refused += answers.filter((r) => r.status === 401 && /error="invalid_token"/.test(r.www ?? '')).length;
    }
    const seconds = (Date.now() - t0) / 1000;
    const fetched = (await jwksRequests()) - before;
    check(refused === 300, '300 tokens with unknown kids: 401 invalid_token each', refused);
    // The clock has whole seconds, so two fetches are more than COOLDOWN - 1 s apart.
    const bound = Math.floor(seconds / (COOLDOWN - 1)) + 1;
    check(fetched >= 1 && fetched <= bound, `JWKS fetched 1..${bound} times in ${seconds.toFixed(1)} s`, { fetched });
    console.log(`  300 forged kids in ${seconds.toFixed(1)} s: ${fetched} JWKS fetch(es)`);
  });

  await step('rotated key: a token under the new kid passes once the cooldown allows a refetch', async () => {
    const rot = await (await fetch(`${endpoint}/test/rotate-keys`, { method: 'POST' })).json();
    const fresh = await m2mToken('read:data write:data');
    check(jose.decodeProtectedHeader(fresh).kid === rot.kid && rot.kid !== realKid, 'the new token has the new kid', rot);
    await sleep((COOLDOWN + 1) * 1000);
    const before = await jwksRequests();
    await expect('new kid', 'GET', '/data', `Bearer ${fresh}`, { status: 200 });
    check((await jwksRequests()) - before === 1, 'one refetch for the new kid');
    await expect('old kid, still in the JWKS', 'GET', '/data', `Bearer ${full}`, { status: 200 });
    // Retire every old key: once the verifier has the new set, tokens under old kids fail, cached or not.
    const retired = await (await fetch(`${endpoint}/test/rotate-keys`, { method: 'POST', body: new URLSearchParams({ retire_old: 'true' }) })).json();
    check(retired.kids?.length === 1, 'only the newest key left', retired);
    const newest = await m2mToken('read:data');
    await sleep((COOLDOWN + 1) * 1000);
    await expect('newest kid', 'GET', '/data', `Bearer ${newest}`, { status: 200 });
    await expect('retired kid (was cached)', 'GET', '/data', `Bearer ${full}`, invalidToken('signature'));
    // The organization verifier keeps its own keys: it refetches for its first token under the newest kid.
    const newOrg = await resign(newest, { aud: 'urn:logto:organization:org_1', scope: null });
    await expect('newest kid on /org', 'GET', '/org', `Bearer ${newOrg}`, { status: 200 });
    await expect('retired kid on /org', 'GET', '/org', `Bearer ${orgToken}`, invalidToken('signature'));
  });

  await step('rotation under load: 40 requests at once under a new kid, one fetch, all 200', async () => {
    await fetch(`${endpoint}/test/rotate-keys`, { method: 'POST' });
    const fresh = await m2mToken('read:data');
    await sleep((COOLDOWN + 1) * 1000);
    const before = await jwksRequests();
    const answers = await Promise.all(Array.from({ length: 40 }, () => call(base, 'GET', '/data', { authorization: `Bearer ${fresh}` })));
    const statuses = {};
    for (const r of answers) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    // One request fetches; the verifier tells the others the keys are on their way (not 401), and the
    // server waits for them.
    check(statuses[200] === 40, 'every request passes', statuses);
    check((await jwksRequests()) - before === 1, 'one JWKS fetch for all of them');
  });

  await step('many requests at once: 240 in parallel, mixed, each answered right', async () => {
    const newest = await m2mToken('read:data write:data');
    const readNew = await m2mToken('read:data');
    const org = await resign(newest, { aud: 'urn:logto:organization:org_7', scope: null });
    const [h, p, s] = newest.split('.');
    const bad = `${h}.${p}.${s.slice(0, -4)}${s.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const kinds = [
      { method: 'GET', path: '/data', auth: `Bearer ${newest}`, status: 200 },
      { method: 'POST', path: '/data', auth: `Bearer ${newest}`, status: 201, body: 'x=1' },
      { method: 'POST', path: '/data', auth: `Bearer ${readNew}`, status: 403, body: 'x=1' },
      { method: 'GET', path: '/org', auth: `Bearer ${org}`, status: 200 },
      { method: 'GET', path: '/data', auth: `Bearer ${bad}`, status: 401 },
      { method: 'GET', path: '/data', auth: `Bearer ${await forge(jose.decodeProtectedHeader(newest).kid)}`, status: 401 },
      { method: 'GET', path: '/whoami', auth: undefined, status: 401 },
      { method: 'GET', path: '/data', auth: 'Bearer garbage', status: 401 },
    ];
    const t0 = Date.now();
    const answers = await Promise.all(Array.from({ length: 240 }, async (_, i) => {
      const k = kinds[i % kinds.length];
      const res = await call(base, k.method, k.path, { authorization: k.auth, body: k.body });
      noEcho(res, k.auth);
      return { k, res };
    }));
    const wrong = answers.filter(({ k, res }) => res.status !== k.status);
    check(wrong.length === 0, 'every answer has its expected status', wrong.slice(0, 3).map(({ k, res }) => ({ path: k.path, want: k.status, got: res.status, body: res.text })));
    const orgIds = new Set(answers.filter(({ k }) => k.path === '/org').map(({ res }) => res.json?.organization_id));
    check(orgIds.size === 1 && orgIds.has('org_7'), 'every /org answer names org_7', [...orgIds]);
    console.log(`  240 requests in ${Date.now() - t0} ms`);
  });

  check(echoChecks > 500, `the echo check ran (${echoChecks} comparisons)`);
} finally {
  server.kill('SIGTERM');
  const e = await exited;
  check(e.code === 0, 'api_server exits 0 on SIGTERM', e);
  if (failures) console.log(`api_server stderr:\n${serverLog}`);
}

console.log(`\n${passes} checks passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
