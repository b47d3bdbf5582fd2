// Generates the keys and tokens every benchmark contender verifies (the same bytes for all of them).
//
//   node gen_fixtures.mjs OUT_DIR
//
// Keys are fresh on each run (npm jose generateKeyPair). Tokens are signed with npm jose and carry
// iat = now, exp = now + 1 day, so every contender's clock check passes during the run. Per algorithm
// (ES384, ES256, RS256-2048, RS256-4096) OUT_DIR/<name>/ gets:
//   token             the ID token (header {alg, kid, typ}, a Logto-shaped payload)
//   tampered_sig      the token with one signature character changed (must be rejected)
//   tampered_payload  the token with the payload changed and the old signature kept (must be rejected)
//   pub.pem           SPKI public key, PEM (cpp-jwt and libjwt take PEM)
//   jwk.json          the public JWK (kid, alg, use)
//   access_token      an access token for an API resource (aud = the resource), same key
// and OUT_DIR/jwks.json holds all four public keys (kid lookup picks one), OUT_DIR/claims.txt the
// expected issuer, audience, resource and the iat used. OUT_DIR/embedded_fixture.h carries the ES256
// token and its key's X/Y for the Cortex-M4 footprint programs. For ES256, ES384 and RS256-2048,
// OUT_DIR/<name>-<1KB|16KB|64KB>/ holds the same files for an ID token whose payload JSON is that size (same key),
// plus payload_bytes.
import { generateKeyPair, exportJWK, exportSPKI, SignJWT, calculateJwkThumbprint } from 'jose';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2];
if (!out) {
  console.error('usage: node gen_fixtures.mjs OUT_DIR');
  process.exit(2);
}

const issuer = 'https://bench.logto.app/oidc';
const audience = 'bench-app-id-0123';
const resource = 'https://api.bench.example';
const now = Math.floor(Date.now() / 1000);

const cases = [
  { name: 'ES384', alg: 'ES384', opts: {} },
  { name: 'ES256', alg: 'ES256', opts: {} },
  { name: 'RS256-2048', alg: 'RS256', opts: { modulusLength: 2048 } },
  { name: 'RS256-4096', alg: 'RS256', opts: { modulusLength: 4096 } },
];

// Changes the character at `i` to a different base64url character.
function flip(s, i) {
  const c = s[i] === 'A' ? 'B' : 'A';
  return s.slice(0, i) + c + s.slice(i + 1);
}

const b64url = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64url');

const payloadCases = ['ES256', 'ES384', 'RS256-2048'];
const payloadSizes = [
  ['1KB', 1024],
  ['16KB', 16384],
  ['64KB', 65536],
];
// `base` (the ID token's own claims) plus iss/aud/iat/exp and filler claims, serialised to exactly `size` bytes.
function bigPayload(base, size) {
  const p = { ...base, iss: issuer, aud: audience, iat: now, exp: now + 86400 };
  const room = size - JSON.stringify({ ...p, organizations: [], organization_roles: [], scope: '' }).length;
  if (room < 0) throw new Error(`payload of ${size} bytes is too small`);
  // About a third of the room goes to the two arrays, the rest to the scope string.
  const orgs = [];
  const roles = [];
  for (let i = 0; JSON.stringify(orgs).length + JSON.stringify(roles).length < room / 3; i++) {
    const id = `org${String(i).padStart(5, '0')}x7k2`;
    orgs.push(id);
    roles.push(`${id}:admin`);
  }
  p.organizations = orgs;
  p.organization_roles = roles;
  const left = size - JSON.stringify({ ...p, scope: '' }).length;
  let scope = '';
  for (let i = 0; scope.length < left; i++) scope += `${i ? ' ' : ''}read:resource-${i}`;
  p.scope = scope.slice(0, left).replace(/ $/, 'x');
  const n = JSON.stringify(p).length;
  if (n !== size) throw new Error(`payload is ${n} bytes, wanted ${size}`);
  return p;
}

const jwks = { keys: [] };
let embedded = null;
for (const c of cases) {
  const { publicKey, privateKey } = await generateKeyPair(c.alg, { ...c.opts, extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = (await calculateJwkThumbprint(jwk)).slice(0, 16);
  Object.assign(jwk, { kid, alg: c.alg, use: 'sig' });
  jwks.keys.push(jwk);

  // A payload shaped like a Logto ID token (openid profile email).
  const payload = {
    sub: 'u1bench2user3',
    name: 'Alice Example',
    picture: null,
    username: 'alice',
    created_at: 1700000000000,
    updated_at: 1700000000000,
    email: 'alice@example.com',
    email_verified: true,
    at_hash: 'pQ3w0bKq8vN9rX1yZ2aB3c',
  };
  const token = await new SignJWT(payload)
    .setProtectedHeader({ alg: c.alg, kid, typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 86400)
    .sign(privateKey);
  const access = await new SignJWT({ client_id: audience, scope: 'read:data write:data' })
    .setProtectedHeader({ alg: c.alg, kid, typ: 'at+jwt' })
    .setIssuer(issuer)
    .setAudience(resource)
    .setSubject('u1bench2user3')
    .setJti('jti-' + c.name)
    .setIssuedAt(now)
    .setExpirationTime(now + 86400)
    .sign(privateKey);

  const [h, p, s] = token.split('.');
  const tamperedSig = `${h}.${p}.${flip(s, Math.floor(s.length / 2))}`;
  const tamperedPayload = `${h}.${b64url({ ...JSON.parse(Buffer.from(p, 'base64url')), sub: 'mallory' })}.${s}`;

  const dir = join(out, c.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'token'), token);
  writeFileSync(join(dir, 'tampered_sig'), tamperedSig);
  writeFileSync(join(dir, 'tampered_payload'), tamperedPayload);
  writeFileSync(join(dir, 'pub.pem'), await exportSPKI(publicKey));
  writeFileSync(join(dir, 'jwk.json'), JSON.stringify(jwk));
  writeFileSync(join(dir, 'access_token'), access);
  writeFileSync(join(dir, 'alg'), c.alg);

  if (c.name === 'ES256') embedded = { token, jwk };

  // Payload-size cases (issue 17): the same key and kid, an ID token whose payload JSON is exactly 1, 16 or
  // 64 KiB. It is shaped like a large Logto token: the usual claims, then organizations, organization_roles
  // and a long space-separated scope (an array-heavy part and a long-string part, as real large tokens have).
  if (payloadCases.includes(c.name)) {
    for (const [label, size] of payloadSizes) {
      const big = bigPayload(payload, size);
      const t = await new SignJWT(big)
        .setProtectedHeader({ alg: c.alg, kid, typ: 'JWT' })
        .sign(privateKey);
      const [ph, pp, ps] = t.split('.');
      const pdir = join(out, `${c.name}-${label}`);
      mkdirSync(pdir, { recursive: true });
      writeFileSync(join(pdir, 'token'), t);
      writeFileSync(join(pdir, 'tampered_sig'), `${ph}.${pp}.${flip(ps, Math.floor(ps.length / 2))}`);
      const changed = { ...JSON.parse(Buffer.from(pp, 'base64url')), sub: 'mallory' };
      writeFileSync(join(pdir, 'tampered_payload'), `${ph}.${b64url(changed)}.${ps}`);
      writeFileSync(join(pdir, 'pub.pem'), await exportSPKI(publicKey));
      writeFileSync(join(pdir, 'jwk.json'), JSON.stringify(jwk));
      writeFileSync(join(pdir, 'access_token'), access);
      writeFileSync(join(pdir, 'alg'), c.alg);
      writeFileSync(join(pdir, 'payload_bytes'), String(size));
    }
  }
}
writeFileSync(join(out, 'jwks.json'), JSON.stringify(jwks));
writeFileSync(join(out, 'claims.txt'), `issuer=${issuer}\naudience=${audience}\nresource=${resource}\niat=${now}\n`);

const hex = (b64) => Buffer.from(b64, 'base64url').toString('hex');
writeFileSync(
  join(out, 'embedded_fixture.h'),
  `// Generated by benchmarks/node/gen_fixtures.mjs: an ES256 ID token and its public key.\n` +
    `#pragma once\n` +
    `static const char kToken[] = "${embedded.token}";\n` +
    `static const char kJwks[] = ${JSON.stringify(JSON.stringify({ keys: [embedded.jwk] }))};\n` +
    `static const char kKeyXHex[] = "${hex(embedded.jwk.x)}";\n` +
    `static const char kKeyYHex[] = "${hex(embedded.jwk.y)}";\n` +
    `static const char kIssuer[] = "${issuer}";\n` +
    `static const char kAudience[] = "${audience}";\n` +
    `static const long long kIat = ${now};\n`,
);
console.log(`fixtures: ${cases.map((c) => c.name).join(', ')} in ${out}`);
