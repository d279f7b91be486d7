// A wallet from npm (@openid4vc/openid4vp, OpenWallet Foundation) answering
// badged's OpenID4VP 1.0 verifier.
//
//   node openid4vp.mjs KEY.json CREDENTIAL.json MODE LINK [LINK2]
//
// It parses the openid4vp:// LINK, fetches the signed request object
// (request_uri) and has the library check it: the client_id prefix
// decentralized_identifier, a JAR signed by a key of that DID, which this
// wallet resolves from badged's did:web document (over http: the test's
// server is on loopback) and checks with Digital Bazaar's Ed25519 Multikey.
// It then signs a presentation of CREDENTIAL (eddsa-rdfc-2022 with
// @digitalbazaar/vc, challenge = the request's nonce, domain = its
// client_id) with KEY ({publicKeyMultibase, secretKeyMultibase}, the
// did:key the credential was issued to), and posts the library's
// authorization response (direct_post). MODE changes one thing:
//   ok            as above
//   wrong-nonce   the presentation's challenge is not the request's nonce
//   tampered      the credential's name is changed before presenting it
//   replay        after the answer, the same response is posted again, and
//                 then sent to LINK2's request
// It prints {version, prefix, query, status, body, replays: [{status,
// body}]} as JSON. BADGED_BASE_URL names badged's own context for the
// document loader.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { Openid4vpClient } from '@openid4vc/openid4vp';
import { setGlobalConfig } from '@openid4vc/utils';
import { createDocumentLoader, keyPairFromFile } from './lib/loader.mjs';
import { signSuite } from './lib/suites.mjs';

setGlobalConfig({ allowInsecureUrls: true });

const [keyFile, credFile, mode, link, link2] = process.argv.slice(2);
if (!link || !['ok', 'wrong-nonce', 'tampered', 'replay'].includes(mode)) {
  process.stderr.write('usage: node openid4vp.mjs KEY.json CREDENTIAL.json ok|wrong-nonce|tampered|replay LINK [LINK2]\n');
  process.exit(2);
}
const keyPair = await keyPairFromFile(keyFile);
const credential = JSON.parse(readFileSync(credFile, 'utf8'));
const documentLoader = createDocumentLoader();

// didWebURL is where a did:web's document is: over http, as the test's
// loopback server speaks it.
function didWebURL(did) {
  const parts = did.slice('did:web:'.length).split(':').map(decodeURIComponent);
  const path = parts.length === 1 ? '/.well-known' : '/' + parts.slice(1).join('/');
  return `http://${parts[0]}${path}/did.json`;
}

// verifyJwt checks a request object's signature with the key its did
// signer names, from the DID document.
async function verifyJwt(signer, { header, compact }) {
  if (signer.method !== 'did' || !signer.didUrl.startsWith('did:web:')) {
    return { verified: false };
  }
  const did = signer.didUrl.split('#')[0];
  const doc = await (await fetch(didWebURL(did))).json();
  const vm = (doc.verificationMethod ?? []).find((m) => m.id === signer.didUrl);
  if (!vm || header.alg !== 'EdDSA') {
    return { verified: false };
  }
  const key = await Ed25519Multikey.from({ ...vm, '@context': 'https://w3id.org/security/multikey/v1' });
  const [h, p, s] = compact.split('.');
  const verified = await key.verifier().verify({
    data: new TextEncoder().encode(`${h}.${p}`), signature: Buffer.from(s, 'base64url'),
  });
  const signerJwk = { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(key.publicKey).toString('base64url') };
  return verified ? { verified: true, signerJwk } : { verified: false, signerJwk };
}

const client = new Openid4vpClient({
  callbacks: {
    fetch,
    verifyJwt,
    hash: (data, alg) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
    generateRandom: (n) => randomBytes(n),
  },
});

async function resolve(uri) {
  const parsed = client.parseOpenid4vpAuthorizationRequest({ authorizationRequest: uri });
  return client.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params });
}

async function submit(request, responsePayload) {
  const { response } = await client.submitOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request, authorizationResponsePayload: responsePayload,
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

const resolved = await resolve(link);
const request = resolved.authorizationRequestPayload;
const query = resolved.dcql?.query;
const queryId = query.credentials[0].id;

let presented = credential;
if (mode === 'tampered') {
  presented = { ...credential, name: 'Cum laude' };
}
const presentation = await vc.signPresentation({
  presentation: vc.createPresentation({ verifiableCredential: [presented], holder: keyPair.controller }),
  suite: signSuite('eddsa-rdfc-2022', keyPair),
  challenge: mode === 'wrong-nonce' ? 'not-the-nonce' : request.nonce,
  domain: request.client_id,
  documentLoader,
});
const { authorizationResponsePayload } = await client.createOpenid4vpAuthorizationResponse({
  authorizationRequestPayload: request,
  authorizationResponsePayload: { vp_token: { [queryId]: [presentation] } },
});
const first = await submit(request, authorizationResponsePayload);
const replays = [];
if (mode === 'replay') {
  replays.push(await submit(request, authorizationResponsePayload));
  if (link2) {
    const other = (await resolve(link2)).authorizationRequestPayload;
    const { authorizationResponsePayload: again } = await client.createOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: other,
      authorizationResponsePayload: { vp_token: { [queryId]: [presentation] } },
    });
    replays.push(await submit(other, again));
  }
}
process.stdout.write(JSON.stringify({
  version: resolved.version, prefix: resolved.client.prefix, query, ...first, replays,
}) + '\n');
