// Generates the JOSE fixtures used by tests/unit/jose_*.cpp:
//   jwks.json            the provider's key set: RSA-4096 (alg RS256), RSA-2048, EC P-256/P-384/P-521, plus keys a
//                        verifier must ignore (use=enc, key_ops without verify, AKP, OKP, oct, secp256k1, RSA-1024,
//                        a non-object entry)
//   jwks-single.json     one P-384 key (OIDF rp-id_token-kid-absent-single-jwks)
//   jwks-two-p384.json   two P-384 keys (OIDF rp-id_token-kid-absent-multiple-jwks)
//   jwks-rotated.json    jwks.json plus a new P-384 key "ec-p384-next" (OIDF rp-key-rotation-op-sign-key)
//   tokens.json          { name: compact JWT }: valid tokens for every algorithm (signed by npm jose's SignJWT,
//                        so they also prove interop), claim variants, and hand-built attack tokens
//
// Run from anywhere with Node.js 20+:   node tests/data/jose/generate.mjs
// jose is resolved from tests/interop/node_modules. Keys are random, so re-running rewrites every fixture; the C++
// tests only depend on the structure described here. All tokens use fixed times around T = 1700000000
// (2023-11-14T22:13:20Z); the tests run with a manual clock (now = T + 60), never the real date.
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../interop/package.json'));
const jose = await import(require.resolve('jose'));

const T = 1700000000;
const ISSUER = 'https://tenant.logto.app/oidc';
const CLIENT_ID = 'client-123';
const NONCE = 'n-0S6_WzA2Mj';
const RESOURCE = 'https://api.example.com';

const b64u = (buf) => Buffer.from(buf).toString('base64url');

// ---- keys
function rsa(bits) {
  return crypto.generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
}
function ec(namedCurve) {
  return crypto.generateKeyPairSync('ec', { namedCurve });
}
const keys = {
  'rsa-4096': rsa(4096),
  'rsa-2048': rsa(2048),
  'ec-p256': ec('prime256v1'),
  'ec-p384': ec('secp384r1'),
  'ec-p521': ec('secp521r1'),
  'ec-p384-next': ec('secp384r1'),
  'ec-p384-other': ec('secp384r1'),
  'rsa-1024': rsa(1024),
  'rsa-enc': rsa(2048),
  attacker: ec('secp384r1'),
};
const pub = (kid, extra = {}) => ({ ...keys[kid].publicKey.export({ format: 'jwk' }), kid, ...extra });

const usable = [
  pub('rsa-4096', { use: 'sig', alg: 'RS256' }),  // bound to RS256: PS256 with this kid must be refused
  pub('rsa-2048'),                                // no alg, no use: any RS*/PS*
  pub('ec-p256', { use: 'sig', alg: 'ES256' }),
  pub('ec-p384', { use: 'sig' }),                 // Logto's default key shape: EC P-384, ES384
  pub('ec-p521', { key_ops: ['verify'] }),
];
const ignorable = [
  pub('rsa-enc', { use: 'enc', alg: 'RSA-OAEP-256' }),
  { ...pub('ec-p256'), kid: 'ec-ops-encrypt', key_ops: ['encrypt'] },
  { kty: 'AKP', kid: 'pq-1', alg: 'ML-DSA-44', pub: b64u(crypto.randomBytes(1312)) },  // OIDF "unparseable key"
  { ...crypto.generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }), kid: 'ed-1' },
  { kty: 'oct', kid: 'hmac-1', k: b64u(crypto.randomBytes(32)) },
  { ...ec('secp256k1').publicKey.export({ format: 'jwk' }), kid: 'k1-1' },
  pub('rsa-1024', { use: 'sig' }),
  'not a key',
];
const jwks = { keys: [...usable, ...ignorable] };
const write = (name, value) => fs.writeFileSync(path.join(here, name), JSON.stringify(value, null, 2) + '\n');
write('jwks.json', jwks);
write('jwks-single.json', { keys: [pub('ec-p384')] });
write('jwks-two-p384.json', { keys: [pub('ec-p384'), pub('ec-p384-other')] });
write('jwks-rotated.json', { keys: [...jwks.keys, pub('ec-p384-next', { use: 'sig' })] });

// ---- signing
const HASH = { 256: 'sha256', 384: 'sha384', 512: 'sha512' };
// Signs arbitrary header/payload TEXT (so duplicate members, bad UTF-8 and non-objects are possible).
function rawSign(alg, kid, headerText, payloadBytes, opts = {}) {
  const input = `${b64u(headerText)}.${b64u(payloadBytes)}`;
  const hash = HASH[alg.slice(2)];
  let sig;
  const key = kid ? keys[kid].privateKey : null;
  if (alg.startsWith('RS')) sig = crypto.sign(hash, Buffer.from(input), key);
  else if (alg.startsWith('PS'))
    sig = crypto.sign(hash, Buffer.from(input), {
      key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_DIGEST });
  else if (alg.startsWith('ES'))
    sig = crypto.sign(hash, Buffer.from(input), { key, dsaEncoding: opts.der ? 'der' : 'ieee-p1363' });
  else if (alg.startsWith('HS')) sig = crypto.createHmac(hash, opts.secret).update(input).digest();
  else sig = Buffer.alloc(0);
  if (opts.mapSig) sig = opts.mapSig(sig);
  return `${input}.${b64u(sig)}`;
}
const rawJson = (alg, kid, header, payload, opts) =>
  rawSign(alg, kid, JSON.stringify(header), JSON.stringify(payload), opts);

const idClaims = { iss: ISSUER, sub: 'user-1', aud: CLIENT_ID, iat: T, exp: T + 3600, nonce: NONCE, at_hash: 'x' };
async function joseSign(alg, kid, payload, header = {}) {
  const key = await jose.importJWK(keys[kid].privateKey.export({ format: 'jwk' }), alg);
  const protectedHeader = { alg, ...(kid ? { kid } : {}), ...header };
  return new jose.SignJWT(payload).setProtectedHeader(protectedHeader).sign(key);
}
const without = (obj, ...names) => Object.fromEntries(Object.entries(obj).filter(([k]) => !names.includes(k)));

const tokens = {};
// Valid ID tokens for every algorithm, signed by npm jose.
for (const alg of ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'])
  tokens[`valid.${alg}`] = await joseSign(alg, 'rsa-2048', idClaims);
tokens['valid.RS256-4096'] = await joseSign('RS256', 'rsa-4096', idClaims);
tokens['valid.ES256'] = await joseSign('ES256', 'ec-p256', idClaims);
tokens['valid.ES384'] = await joseSign('ES384', 'ec-p384', idClaims);
tokens['valid.ES512'] = await joseSign('ES512', 'ec-p521', idClaims);
tokens['valid.ES384-typ-jwt'] = await joseSign('ES384', 'ec-p384', idClaims, { typ: 'JWT' });

// Claim variants (ES384, kid ec-p384), OIDC Core 3.1.3.7.
const claimVariants = {
  'iss-wrong': { ...idClaims, iss: 'https://evil.example/oidc' },
  'iss-missing': without(idClaims, 'iss'),
  'iss-trailing-slash': { ...idClaims, iss: `${ISSUER}/` },
  'aud-missing': without(idClaims, 'aud'),
  'aud-other': { ...idClaims, aud: 'other-client' },
  'aud-array-azp': { ...idClaims, aud: [CLIENT_ID, RESOURCE], azp: CLIENT_ID },
  'aud-array-single': { ...idClaims, aud: [CLIENT_ID] },
  'aud-array-no-azp': { ...idClaims, aud: [CLIENT_ID, RESOURCE] },
  'aud-array-azp-other': { ...idClaims, aud: [CLIENT_ID, RESOURCE], azp: 'other-client' },
  'aud-array-without-client': { ...idClaims, aud: ['a', 'b'], azp: CLIENT_ID },
  'aud-empty-array': { ...idClaims, aud: [] },
  'aud-number': { ...idClaims, aud: 123 },
  'azp-other': { ...idClaims, azp: 'other-client' },
  'azp-same': { ...idClaims, azp: CLIENT_ID },
  expired: { ...idClaims, exp: T - 400 },
  'exp-missing': without(idClaims, 'exp'),
  'exp-string': { ...idClaims, exp: String(T + 3600) },
  'exp-fraction': { ...idClaims, exp: T + 3600.5 },
  'exp-huge': { ...idClaims, exp: 1e300 },
  'iat-missing': without(idClaims, 'iat'),
  'iat-future': { ...idClaims, iat: T + 400 },
  'iat-old': { ...idClaims, iat: T - 400 },
  'iat-string': { ...idClaims, iat: String(T) },
  'sub-missing': without(idClaims, 'sub'),
  'sub-number': { ...idClaims, sub: 42 },
  'sub-empty': { ...idClaims, sub: '' },
  'nonce-other': { ...idClaims, nonce: 'n-other' },
  'nonce-missing': without(idClaims, 'nonce'),
  'nbf-future': { ...idClaims, nbf: T + 1000 },
  'nbf-past': { ...idClaims, nbf: T - 10 },
  'auth-time': { ...idClaims, auth_time: T - 100 },
  'refresh-same': { ...idClaims, iat: T + 30, auth_time: T - 100, nonce: undefined },
  'refresh-other-sub': { ...idClaims, sub: 'user-2', iat: T + 30, nonce: undefined },
};
for (const [name, claims] of Object.entries(claimVariants))
  tokens[`claims.${name}`] = await joseSign('ES384', 'ec-p384', JSON.parse(JSON.stringify(claims)));

// Access tokens for a resource (RFC 9068 shape, as Logto issues them).
const atClaims = {
  jti: 'at-1', iss: ISSUER, sub: 'user-1', aud: RESOURCE, client_id: CLIENT_ID, scope: 'read:orders write:orders',
  iat: T, exp: T + 3600,
};
tokens['at.valid'] = await joseSign('ES384', 'ec-p384', atClaims, { typ: 'at+jwt' });
tokens['at.valid-2'] = await joseSign('ES384', 'ec-p384', { ...atClaims, jti: 'at-2', exp: T + 1800 }, { typ: 'at+jwt' });
tokens['at.valid-3'] = await joseSign('ES384', 'ec-p384', { ...atClaims, jti: 'at-3', exp: T + 7200 }, { typ: 'at+jwt' });
tokens['at.short'] = await joseSign('ES384', 'ec-p384', { ...atClaims, jti: 'at-4', exp: T + 120 }, { typ: 'at+jwt' });
tokens['at.no-exp'] = await joseSign('ES384', 'ec-p384', without(atClaims, 'exp'), { typ: 'at+jwt' });
tokens['at.rs256'] = await joseSign('RS256', 'rsa-4096', { ...atClaims, jti: 'at-5' }, { typ: 'at+jwt' });
tokens['at.no-typ'] = await joseSign('ES384', 'ec-p384', atClaims);

// Key selection (OIDC Core 10.1, OIDF rp-id_token-kid-absent-*, rp-key-rotation-op-sign-key).
{
  const key = await jose.importJWK(keys['ec-p384'].privateKey.export({ format: 'jwk' }), 'ES384');
  tokens['kid-absent.ES384'] = await new jose.SignJWT(idClaims).setProtectedHeader({ alg: 'ES384' }).sign(key);
  const rkey = await jose.importJWK(keys['rsa-2048'].privateKey.export({ format: 'jwk' }), 'RS256');
  tokens['kid-absent.RS256'] = await new jose.SignJWT(idClaims).setProtectedHeader({ alg: 'RS256' }).sign(rkey);
}
tokens['kid-unknown.ES384'] = await joseSign('ES384', 'ec-p384-next', idClaims);
tokens['kid-other-p384.ES384'] = await joseSign('ES384', 'ec-p384-other', idClaims);
tokens['kid-weak.RS256'] = rawJson('RS256', 'rsa-1024', { alg: 'RS256', kid: 'rsa-1024' }, idClaims);
tokens['kid-wrong-type.RS256'] = rawJson('RS256', 'rsa-2048', { alg: 'RS256', kid: 'ec-p384' }, idClaims);
tokens['kid-wrong-curve.ES384'] = rawJson('ES384', 'ec-p256', { alg: 'ES384', kid: 'ec-p256' }, idClaims);
tokens['kid-alg-bound.PS256'] = rawJson('PS256', 'rsa-4096', { alg: 'PS256', kid: 'rsa-4096' }, idClaims);
tokens['kid-enc-key.RS256'] = rawJson('RS256', 'rsa-enc', { alg: 'RS256', kid: 'rsa-enc' }, idClaims);
tokens['forged.ES384'] = rawJson('ES384', 'attacker', { alg: 'ES384', kid: 'ec-p384' }, idClaims);

// Attacks (RFC 8725 3.x, cpp-notes section 3.3).
const H384 = { alg: 'ES384', kid: 'ec-p384' };
const P256_N = Buffer.from('FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551', 'hex');
tokens['attack.none'] = rawJson('none', null, { alg: 'none' }, idClaims);
tokens['attack.none-with-sig'] = rawJson('none', null, { alg: 'none' }, idClaims, { mapSig: () => crypto.randomBytes(64) });
tokens['attack.none-kid'] = rawJson('none', null, { alg: 'none', kid: 'ec-p384' }, idClaims);
tokens['attack.hs256-rsa-pem'] = rawJson('HS256', null, { alg: 'HS256', kid: 'rsa-2048' }, idClaims,
  { secret: keys['rsa-2048'].publicKey.export({ format: 'pem', type: 'spki' }) });
tokens['attack.hs256-no-kid'] = rawJson('HS256', null, { alg: 'HS256' }, idClaims,
  { secret: keys['rsa-2048'].publicKey.export({ format: 'pem', type: 'spki' }) });
tokens['attack.eddsa'] = rawJson('ES256', 'ec-p256', { alg: 'EdDSA', kid: 'ed-1' }, idClaims);
tokens['attack.alg-lowercase'] = rawJson('ES384', 'ec-p384', { alg: 'es384', kid: 'ec-p384' }, idClaims);
tokens['attack.es256-zero'] = rawJson('ES256', 'ec-p256', { alg: 'ES256', kid: 'ec-p256' }, idClaims,
  { mapSig: () => Buffer.alloc(64) });
tokens['attack.es256-r-s-n'] = rawJson('ES256', 'ec-p256', { alg: 'ES256', kid: 'ec-p256' }, idClaims,
  { mapSig: () => Buffer.concat([P256_N, P256_N]) });
tokens['attack.es256-der'] = rawJson('ES256', 'ec-p256', { alg: 'ES256', kid: 'ec-p256' }, idClaims, { der: true });
tokens['attack.es384-der'] = rawJson('ES384', 'ec-p384', H384, idClaims, { der: true });
tokens['attack.es256-padded'] = rawJson('ES256', 'ec-p256', { alg: 'ES256', kid: 'ec-p256' }, idClaims,
  { mapSig: (s) => Buffer.concat([Buffer.alloc(1), s.subarray(0, 32), Buffer.alloc(1), s.subarray(32)]) });
tokens['attack.es256-trailing'] = rawJson('ES256', 'ec-p256', { alg: 'ES256', kid: 'ec-p256' }, idClaims,
  { mapSig: (s) => Buffer.concat([s, Buffer.alloc(1)]) });
tokens['attack.rs256-trailing'] = rawJson('RS256', 'rsa-2048', { alg: 'RS256', kid: 'rsa-2048' }, idClaims,
  { mapSig: (s) => Buffer.concat([s, Buffer.alloc(1)]) });
tokens['attack.ps256-trailing'] = rawJson('PS256', 'rsa-2048', { alg: 'PS256', kid: 'rsa-2048' }, idClaims,
  { mapSig: (s) => Buffer.concat([s, Buffer.from([1, 2, 3])]) });
tokens['attack.rs256-short'] = rawJson('RS256', 'rsa-2048', { alg: 'RS256', kid: 'rsa-2048' }, idClaims,
  { mapSig: (s) => s.subarray(1) });
tokens['attack.crit'] = rawJson('ES384', 'ec-p384', { ...H384, crit: ['http://example.com/ext'], 'http://example.com/ext': 1 }, idClaims);
tokens['attack.crit-empty'] = rawJson('ES384', 'ec-p384', { ...H384, crit: [] }, idClaims);
tokens['attack.b64-false'] = rawJson('ES384', 'ec-p384', { ...H384, b64: false, crit: ['b64'] }, idClaims);
tokens['attack.jku'] = rawJson('ES384', 'ec-p384', { ...H384, jku: 'https://evil.example/jwks.json' }, idClaims);
tokens['attack.x5u'] = rawJson('ES384', 'ec-p384', { ...H384, x5u: 'https://evil.example/cert.pem' }, idClaims);
tokens['attack.x5c'] = rawJson('ES384', 'ec-p384', { ...H384, x5c: [b64u(crypto.randomBytes(300)).replace(/-/g, '+').replace(/_/g, '/')] }, idClaims);
const attackerJwk = keys.attacker.publicKey.export({ format: 'jwk' });
tokens['attack.jwk-embedded'] = rawJson('ES384', 'attacker', { alg: 'ES384', jwk: attackerJwk }, idClaims);
tokens['attack.jwk-embedded-kid'] = rawJson('ES384', 'attacker', { ...H384, jwk: attackerJwk }, idClaims);
tokens['attack.enc-header'] = rawJson('ES384', 'ec-p384', { ...H384, enc: 'A256GCM' }, idClaims);
tokens['attack.zip-header'] = rawJson('ES384', 'ec-p384', { ...H384, zip: 'DEF' }, idClaims);
tokens['attack.nested-cty'] = rawSign('ES384', 'ec-p384', JSON.stringify({ ...H384, cty: 'JWT' }), tokens['valid.ES384']);
tokens['attack.jwe'] = await new jose.CompactEncrypt(new TextEncoder().encode(JSON.stringify(idClaims)))
  .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: 'rsa-enc' })
  .encrypt(await jose.importJWK(pub('rsa-enc'), 'RSA-OAEP-256'));
const idText = JSON.stringify(idClaims);
tokens['attack.dup-claim'] = rawSign('ES384', 'ec-p384', JSON.stringify(H384), idText.replace('"sub":"user-1"', '"sub":"user-1","sub":"admin"'));
tokens['attack.dup-header'] = rawSign('ES384', 'ec-p384', '{"alg":"ES384","kid":"ec-p384","kid":"ec-p256"}', idText);
tokens['attack.header-array'] = rawSign('ES384', 'ec-p384', '["ES384"]', idText);
tokens['attack.header-kid-number'] = rawSign('ES384', 'ec-p384', '{"alg":"ES384","kid":7}', idText);
tokens['attack.header-alg-missing'] = rawSign('ES384', 'ec-p384', '{"kid":"ec-p384"}', idText);
tokens['attack.payload-array'] = rawSign('ES384', 'ec-p384', JSON.stringify(H384), '[1,2,3]');
tokens['attack.payload-string'] = rawSign('ES384', 'ec-p384', JSON.stringify(H384), '"just a string"');
tokens['attack.payload-not-json'] = rawSign('ES384', 'ec-p384', JSON.stringify(H384), 'hello');
tokens['attack.payload-empty-object'] = rawSign('ES384', 'ec-p384', JSON.stringify(H384), '{}');
tokens['attack.payload-non-utf8'] = rawSign('ES384', 'ec-p384', JSON.stringify(H384),
  Buffer.concat([Buffer.from(idText.slice(0, -1)), Buffer.from(',"name":"\xff\xfe"}', 'latin1')]));

// Sanity: npm jose itself accepts every valid.* token against the public JWKS.
const localSet = jose.createLocalJWKSet({ keys: usable });
for (const [name, token] of Object.entries(tokens)) {
  if (!name.startsWith('valid.')) continue;
  await jose.jwtVerify(token, localSet, { issuer: ISSUER, audience: CLIENT_ID, currentDate: new Date((T + 60) * 1000) });
}

write('tokens.json', {
  _comment: 'Generated by generate.mjs. T = 1700000000; issuer, client id, nonce and resource below.',
  T, issuer: ISSUER, client_id: CLIENT_ID, nonce: NONCE, resource: RESOURCE,
  tokens,
});
console.log(`wrote ${Object.keys(tokens).length} tokens and 4 key sets to ${here}`);
