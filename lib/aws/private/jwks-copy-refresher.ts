/**
 * The code of a JWT authorizer's key refresher (Node.js, the runtime's AWS SDK): copies the issuer's signing keys
 * (JWKS_URI) into the region's parameter (JWKS_COPY_PARAMETER), each key reduced to the members a verifier uses so
 * that the copy stays small, and writes only when they changed. When the issuer does not answer, or publishes no key
 * this code can read, it fails (the function's Errors metric) and the copy keeps the last keys it had.
 */
export const REFRESH_JWKS_COPY_CODE = `
const crypto = require('crypto');
const { SSMClient, GetParameterCommand, PutParameterCommand } = require('@aws-sdk/client-ssm');
const ssm = new SSMClient({});
const Name = process.env.JWKS_COPY_PARAMETER;
exports.handler = async () => {
  const signal = AbortSignal.timeout(Number(process.env.JWKS_TIMEOUT_MS));
  const response = await fetch(process.env.JWKS_URI, { signal });
  if (!response.ok) throw new Error('the issuer answered ' + response.status + ': the copy keeps its keys');
  const keys = [];
  for (const jwk of (await response.json()).keys || []) {
    if (!jwk.kid || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
    // Throws on a key no verifier could use, before the copy changes.
    crypto.createPublicKey({ key: jwk, format: 'jwk' });
    const { kty, kid, use, alg, n, e, crv, x, y } = jwk;
    keys.push({ kty, kid, use, alg, n, e, crv, x, y });
  }
  if (keys.length === 0) throw new Error('the issuer published no signing key: the copy keeps its keys');
  const Value = JSON.stringify({ keys });
  const { Parameter } = await ssm.send(new GetParameterCommand({ Name }));
  const changed = Parameter.Value !== Value;
  if (changed) await ssm.send(new PutParameterCommand({ Name, Value, Overwrite: true }));
  return { keys: keys.map((key) => key.kid), changed };
};
`;
