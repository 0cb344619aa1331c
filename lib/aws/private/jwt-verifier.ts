/**
 * The authorizer's code (Node.js, no dependency): verifies a JWT with the issuer's key of its `kid`, keeping the keys
 * for JWKS_REFRESH_SECONDS and using those it has while the issuer does not answer. Any failure is a 401.
 */
export const VERIFY_JWT_CODE = `
const crypto = require('crypto');
const ISSUER = process.env.JWT_ISSUER;
const AUDIENCE = process.env.JWT_AUDIENCE;
const JWKS_URI = process.env.JWKS_URI;
const REFRESH_MS = Number(process.env.JWKS_REFRESH_SECONDS) * 1000;
const TIMEOUT_MS = Number(process.env.JWKS_TIMEOUT_MS);
const ALGORITHMS = { RS256: {}, ES256: { dsaEncoding: 'ieee-p1363' } };
let keys = new Map();
let fetchedAt = 0;
async function fetchKeys() {
  const response = await fetch(JWKS_URI, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!response.ok) throw new Error('key set answered ' + response.status);
  const body = await response.json();
  const fresh = new Map();
  for (const jwk of body.keys || []) {
    if (jwk.kid && (jwk.use === undefined || jwk.use === 'sig')) {
      fresh.set(jwk.kid, crypto.createPublicKey({ key: jwk, format: 'jwk' }));
    }
  }
  keys = fresh;
  fetchedAt = Date.now();
}
async function keyOf(kid) {
  if (!keys.has(kid) || Date.now() - fetchedAt > REFRESH_MS) {
    try {
      await fetchKeys();
    } catch (error) {
      if (!keys.has(kid)) throw error;
      console.warn('the issuer did not answer, keeping known keys:', error.message);
    }
  }
  const key = keys.get(kid);
  if (!key) throw new Error('no key ' + kid);
  return key;
}
const part = (text) => JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
exports.handler = async (event) => {
  try {
    const [head, body, signature] = String(event.authorizationToken || '').replace(/^Bearer /, '').split('.');
    const header = part(head);
    const claims = part(body);
    const options = ALGORITHMS[header.alg];
    if (!options) throw new Error('algorithm ' + header.alg);
    const key = await keyOf(header.kid);
    const data = Buffer.from(head + '.' + body);
    const signed = crypto.verify('sha256', data, { key, ...options }, Buffer.from(signature, 'base64url'));
    const now = Math.floor(Date.now() / 1000);
    const audiences = [].concat(claims.aud);
    if (!signed) throw new Error('signature');
    if (claims.iss !== ISSUER || !audiences.includes(AUDIENCE)) throw new Error('issuer or audience');
    const current = claims.exp > now && (claims.nbf === undefined || claims.nbf <= now);
    if (!current) throw new Error('expired or not yet valid');
    const [api, stage] = event.methodArn.split('/');
    return {
      principalId: String(claims.sub),
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: api + '/' + stage + '/*' }],
      },
      context: { sub: String(claims.sub), scope: String(claims.scope || '') },
    };
  } catch (error) {
    console.log('refused:', error.message);
    throw new Error('Unauthorized');
  }
};
`;
