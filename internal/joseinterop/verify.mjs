// Reads [{alg, token, jwks}] as JSON on stdin and verifies each token with
// jose, fetching the keys from the jwks URL as any other service would:
// algorithm pinned to alg, typ at+jwt required. Writes [{ok, error,
// header, payload}] as JSON on stdout.
import { createRemoteJWKSet, jwtVerify } from 'jose';

const input = JSON.parse(await new Response(process.stdin).text());
const sets = new Map();
const out = [];
for (const { alg, token, jwks, issuer, audience } of input) {
  if (!sets.has(jwks)) sets.set(jwks, createRemoteJWKSet(new URL(jwks)));
  try {
    const { payload, protectedHeader } = await jwtVerify(token, sets.get(jwks), {
      algorithms: [alg],
      typ: 'at+jwt',
      issuer: issuer || undefined,
      audience: audience || undefined,
      requiredClaims: ['sub', 'exp', 'iat', 'jti'],
    });
    out.push({ ok: true, header: protectedHeader, payload });
  } catch (e) {
    out.push({ ok: false, error: `${e.code || e.name}: ${e.message}` });
  }
}
process.stdout.write(JSON.stringify(out));
