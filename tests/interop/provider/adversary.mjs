// Adversarial mode of the interop provider: after `POST /test/adversary` with
// {"attack": NAME}, the provider keeps answering like itself, but rewrites
// its answers the way an attacker (or a broken provider) would, until
// {"attack": "none"} resets it. The client tests (tests/interop/
// client_adversary.cpp) run a real sign-in or refresh under each attack and
// expect the client to refuse it with that check's own error code.
//
// ID tokens are re-signed with the provider's real signing key (the first
// private JWK), so each forged token fails exactly one check.

import { createHash, generateKeyPair as generateKeyPairCb, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

import { CompactSign, importJWK } from 'jose';

const generateKeyPair = promisify(generateKeyPairCb);

/** An issuer no test talks to (nothing ever connects to it). */
export const ATTACKER_ISSUER = 'https://attacker.example.com/oidc';

/** attack -> what it does. "none" answers honestly. */
export const ATTACKS = Object.freeze({
  none: 'honest answers',
  // ID tokens in token-endpoint answers (code exchange, refresh, device flow)
  expired: 'ID token exp 20 min in the past (beyond any leeway), re-signed',
  wrong_issuer: `ID token iss ${ATTACKER_ISSUER}, re-signed`,
  wrong_sub: 'ID token sub of another user, re-signed (a refresh must keep sub: OIDC Core 12.2)',
  missing_nonce: 'ID token without its nonce, re-signed',
  wrong_nonce: 'ID token with another nonce, re-signed',
  wrong_at_hash: 'ID token with an at_hash that does not match the access token, re-signed',
  bad_signature: 'ID token signature with one byte flipped (ES or RS, whatever the provider signs with)',
  unknown_kid: 'ID token signed by the real key under a kid that is in no JWKS',
  alg_none: 'ID token with alg "none" and no signature (RFC 8725 3.1)',
  alg_hs256: 'ID token HS256-signed with the client secret (or, for a public client, the public JWK)',
  alg_off_list: 'ID token under another algorithm: PS256 with the real RSA key, or ES256 with a fresh P-256 key',
  // Authorization responses (the redirect to the client)
  mixup_iss: `RFC 9207 iss of the redirect to the client rewritten to ${ATTACKER_ISSUER} (mix-up)`,
  missing_iss: 'RFC 9207 iss removed from the redirect to the client',
});

const REDIRECT_ATTACKS = new Set(['mixup_iss', 'missing_iss']);

const b64 = (value) => Buffer.from(value).toString('base64url');
const fromB64Json = (segment) => JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
const epoch = () => Math.floor(Date.now() / 1000);
const privateOnly = ({ kid, alg, use, key_ops: keyOps, ...jwk }) => jwk;

/** `payload` signed by the private JWK `jwk` under `header`, with the key's own alg and kid. */
export async function resignWith(jwk, header, payload) {
  return new CompactSign(Buffer.from(JSON.stringify(payload)))
    .setProtectedHeader({ ...header, alg: jwk.alg, kid: jwk.kid })
    .sign(await importJWK(privateOnly(jwk), jwk.alg));
}

/**
 * @param {object} deps
 * @param {() => object} deps.signingKey  the provider's current signing key (private JWK)
 * @param {(...args: unknown[]) => void} deps.log
 */
export function createAdversary({ signingKey, log }) {
  let attack = 'none';
  let tampered = 0;
  let p256; // throwaway key for alg_off_list on an ES384 provider

  async function sign(header, payload, key) {
    return new CompactSign(Buffer.from(JSON.stringify(payload))).setProtectedHeader(header).sign(key);
  }

  const resign = (header, payload) => resignWith(signingKey(), header, payload);

  async function forgeIdToken(idToken, ctx) {
    const [h, p, s] = idToken.split('.');
    const header = fromB64Json(h);
    const payload = fromB64Json(p);
    switch (attack) {
      case 'expired':
        return resign(header, { ...payload, exp: epoch() - 1200 });
      case 'wrong_issuer':
        return resign(header, { ...payload, iss: ATTACKER_ISSUER });
      case 'wrong_sub':
        return resign(header, { ...payload, sub: 'user_attacker' });
      case 'missing_nonce': {
        const { nonce, ...rest } = payload;
        return resign(header, rest);
      }
      case 'wrong_nonce':
        return resign(header, { ...payload, nonce: `attacker-${randomBytes(8).toString('hex')}` });
      case 'wrong_at_hash': {
        // Right length for the alg (left half of its SHA-2), wrong value.
        const bits = Number(header.alg.slice(2));
        const digest = createHash(`sha${bits}`).update(`not-${ctx.body.access_token}`).digest();
        return resign(header, { ...payload, at_hash: b64(digest.subarray(0, digest.length / 2)) });
      }
      case 'bad_signature': {
        const sig = Buffer.from(s, 'base64url');
        sig[sig.length >> 1] ^= 0xff; // the middle byte: inside r||s or below the RSA modulus
        return `${h}.${p}.${b64(sig)}`;
      }
      case 'unknown_kid': {
        const jwk = signingKey();
        const key = await importJWK(privateOnly(jwk), jwk.alg);
        return sign({ ...header, kid: `unknown-${randomBytes(9).toString('base64url')}` }, payload, key);
      }
      case 'alg_none':
        return `${b64(JSON.stringify({ ...header, alg: 'none' }))}.${p}.`;
      case 'alg_hs256': {
        const secret = ctx.oidc.client?.clientSecret;
        const { d, p: pp, q, dp, dq, qi, ...pub } = signingKey();
        const key = Buffer.from(secret ?? JSON.stringify(pub));
        log(`alg_hs256 keyed with the ${secret ? 'client secret' : 'public JWK'}`);
        return sign({ alg: 'HS256', typ: header.typ ?? 'JWT' }, payload, key);
      }
      case 'alg_off_list': {
        const jwk = signingKey();
        if (jwk.kty === 'RSA') {
          return sign({ ...header, alg: 'PS256' }, payload, await importJWK(privateOnly(jwk), 'PS256'));
        }
        p256 ??= generateKeyPair('ec', { namedCurve: 'P-256' });
        return sign({ ...header, alg: 'ES256' }, payload, (await p256).privateKey);
      }
      default:
        return idToken;
    }
  }

  function tamperRedirect(ctx) {
    const location = ctx.response.get('location');
    if (!location || ctx.status < 300 || ctx.status >= 400) return false;
    let url;
    try {
      url = new URL(location);
    } catch {
      return false;
    }
    // Only the authorization response carries iss (RFC 9207 2).
    if (!url.searchParams.has('iss')) return false;
    if (attack === 'mixup_iss') url.searchParams.set('iss', ATTACKER_ISSUER);
    else url.searchParams.delete('iss');
    ctx.set('location', url.href);
    return true;
  }

  return {
    /** Selects `name` for the next answers; returns the previous attack and how many answers it changed. */
    select(name) {
      if (typeof name !== 'string' || !Object.hasOwn(ATTACKS, name)) {
        throw Object.assign(new Error(`unknown attack ${JSON.stringify(name)}; one of: ${Object.keys(ATTACKS).join(', ')}`), {
          statusCode: 400, error: 'invalid_request',
        });
      }
      const answer = { attack: name, description: ATTACKS[name], previous: attack, tampered };
      attack = name;
      tampered = 0;
      log(`adversary: ${name} (${ATTACKS[name]})`);
      return answer;
    },

    /** Called by the provider's middleware after every OIDC answer is ready. */
    async tamper(ctx) {
      if (attack === 'none') return;
      if (REDIRECT_ATTACKS.has(attack)) {
        if (tamperRedirect(ctx)) tampered += 1;
        return;
      }
      if (ctx.oidc?.route === 'token' && ctx.status === 200 && typeof ctx.body?.id_token === 'string') {
        ctx.body = { ...ctx.body, id_token: await forgeIdToken(ctx.body.id_token, ctx) };
        tampered += 1;
      }
    },
  };
}
