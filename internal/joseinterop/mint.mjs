// Reads [{alg, kid, pem, claims}] as JSON on stdin, where pem is a PKCS#8
// private key, and signs each claim set with jose under the header
// {alg, kid, typ: "at+jwt"} (no kid when kid is empty). Writes the compact
// tokens as a JSON array on stdout.
import { importPKCS8, SignJWT } from 'jose';

const input = JSON.parse(await new Response(process.stdin).text());
const out = [];
for (const { alg, kid, pem, claims } of input) {
  const key = await importPKCS8(pem, alg);
  const header = { alg, typ: 'at+jwt' };
  if (kid) header.kid = kid;
  out.push(await new SignJWT(claims).setProtectedHeader(header).sign(key));
}
process.stdout.write(JSON.stringify(out));
