/**
 * The authorizer's code (Node.js, the runtime's AWS SDK): verifies a JWT with the key of its `kid`. Its keys come
 * from the region's copy (JWKS_COPY_PARAMETER, read on a cold start and every JWKS_REFRESH_SECONDS), so a new
 * environment needs no issuer; a `kid` the copy lacks sends it to the issuer at most once per JWKS_REFETCH_SECONDS,
 * so forged `kid`s cannot drive fetches. A bad token is a 401 (`Unauthorized`); having no key at all is the
 * authorizer's own failure, thrown as another error, which API Gateway answers 500 and the stage counts as a 5xx.
 */
export const VERIFY_JWT_CODE = `
const crypto = require('crypto');
const { SSMClient, GetParameterCommand } = require('@aws-sdk/client-ssm');
const env = process.env;
const REFRESH_MS = Number(env.JWKS_REFRESH_SECONDS) * 1000;
const REFETCH_MS = Number(env.JWKS_REFETCH_SECONDS) * 1000;
const ALGORITHMS = { RS256: {}, ES256: { dsaEncoding: 'ieee-p1363' } };
const ssm = new SSMClient({ maxAttempts: 2 });
const timeout = (name) => AbortSignal.timeout(Number(env[name]));
let keys = new Map();
let readAt = -Infinity;
let fetchedAt = -Infinity;
class Keyless extends Error {}
function keySet(body) {
  const set = new Map();
  for (const jwk of body.keys || []) {
    if (jwk.kid && (jwk.use === undefined || jwk.use === 'sig')) {
      set.set(jwk.kid, crypto.createPublicKey({ key: jwk, format: 'jwk' }));
    }
  }
  return set;
}
async function readCopy() {
  const command = new GetParameterCommand({ Name: env.JWKS_COPY_PARAMETER });
  const { Parameter } = await ssm.send(command, { abortSignal: timeout('JWKS_COPY_TIMEOUT_MS') });
  const copy = keySet(JSON.parse(Parameter.Value));
  if (copy.size > 0) keys = copy;
}
async function fetchIssuer() {
  const response = await fetch(env.JWKS_URI, { signal: timeout('JWKS_TIMEOUT_MS') });
  if (!response.ok) throw new Error('the issuer answered ' + response.status);
  keys = new Map([...keys, ...keySet(await response.json())]);
}
async function keyOf(kid) {
  const now = Date.now();
  if (now - readAt > REFRESH_MS) {
    // A failed read is tried again after REFETCH_MS, not on every request.
    readAt = now;
    await readCopy().catch((error) => {
      readAt = now - REFRESH_MS + REFETCH_MS;
      console.warn('the region copy of the keys did not answer:', error.message);
    });
  }
  if (!keys.has(kid) && now - fetchedAt >= REFETCH_MS) {
    fetchedAt = now;
    await fetchIssuer().catch((error) => console.warn('the issuer did not answer:', error.message));
  }
  if (keys.size === 0) throw new Keyless('no key: neither the region copy nor the issuer answered');
  if (!keys.has(kid)) throw new Error('no key ' + kid);
  return keys.get(kid);
}
const part = (text) => JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
exports.handler = async (event) => {
  try {
    const [head, body, signature] = String(event.authorizationToken || '').replace(/^Bearer /, '').split('.');
    const header = part(head);
    const claims = part(body);
    const options = ALGORITHMS[header.alg];
    if (!options) throw new Error('algorithm ' + header.alg);
    // The claims first: an expired or foreign token never reaches for a key.
    const now = Math.floor(Date.now() / 1000);
    if (claims.iss !== env.JWT_ISSUER || ![].concat(claims.aud).includes(env.JWT_AUDIENCE)) {
      throw new Error('issuer or audience');
    }
    if (!(claims.exp > now && (claims.nbf === undefined || claims.nbf <= now))) throw new Error('expired or early');
    const key = await keyOf(String(header.kid));
    const data = Buffer.from(head + '.' + body);
    if (!crypto.verify('sha256', data, { key, ...options }, Buffer.from(signature, 'base64url'))) {
      throw new Error('signature');
    }
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
    // Only a missing key set is the authorizer's failure (a 500); anything wrong with the token is a 401.
    if (error instanceof Keyless) throw error;
    console.log('refused:', error.message);
    throw new Error('Unauthorized');
  }
};
`;
