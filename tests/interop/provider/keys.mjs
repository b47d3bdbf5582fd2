// Signing key generation for the test provider.
//
// ES384 (P-384) is what Logto generates by default; RS256 uses an RSA key of
// `rsaBits` bits (4096 like Logto by default; generation takes roughly
// 0.7-2 s on a 2-core machine and runs off the main thread).

import { generateKeyPair as generateKeyPairCb, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPair = promisify(generateKeyPairCb);

export const SUPPORTED_ALGS = ['ES384', 'RS256'];

/**
 * Returns a private JWK ready for oidc-provider's `jwks.keys`, with explicit
 * `kid`, `alg` and `use` so every key scores the same in oidc-provider's key
 * selection (the first matching key in the list signs).
 */
export async function generateSigningJwk(alg, { rsaBits = 4096 } = {}) {
  let pair;
  switch (alg) {
    case 'ES384':
      pair = await generateKeyPair('ec', { namedCurve: 'P-384' });
      break;
    case 'RS256':
      pair = await generateKeyPair('rsa', { modulusLength: rsaBits });
      break;
    default:
      throw new Error(`unsupported signing alg ${alg}`);
  }
  const jwk = pair.privateKey.export({ format: 'jwk' });
  return {
    ...jwk,
    kid: randomBytes(12).toString('base64url'),
    alg,
    use: 'sig',
  };
}

/** Public part of a private JWK (for logs / API answers). */
export function publicJwk(jwk) {
  const {
    d, p, q, dp, dq, qi, oth, ...pub
  } = jwk;
  return pub;
}
