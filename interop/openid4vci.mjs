// A wallet from npm (@openid4vc/openid4vci, OpenWallet Foundation) taking
// a credential from badged with the pre-authorized code flow.
//
//   node openid4vci.mjs OFFER_URI TX_CODE CONFIGURATION_ID
//
// It resolves the offer and both metadata documents, redeems the code with
// the transaction code, asks the nonce endpoint for a c_nonce, proves
// possession of a fresh Ed25519 key (a did:jwk) and retrieves the
// credential; then it redeems the same code again, which must fail. It
// prints {holder, credentials, reuseError} as JSON. The library wants
// https issuers; its own setGlobalConfig({allowInsecureUrls}) admits the
// test's loopback http server.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { Openid4vciClient } from '@openid4vc/openid4vci';
import { clientAuthenticationAnonymous } from '@openid4vc/oauth2';
import { setGlobalConfig } from '@openid4vc/utils';
import { CompactSign } from 'jose';

setGlobalConfig({ allowInsecureUrls: true });

const [offerURI, txCode, configId] = process.argv.slice(2);
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const jwk = publicKey.export({ format: 'jwk' });
const holder = 'did:jwk:' + Buffer.from(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x })).toString('base64url');

const client = new Openid4vciClient({
  callbacks: {
    fetch,
    generateRandom: (n) => randomBytes(n),
    hash: (data, alg) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
    clientAuthentication: clientAuthenticationAnonymous(),
    signJwt: async (signer, { header, payload }) => {
      const jwt = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
        .setProtectedHeader(header).sign(privateKey);
      return { jwt, signerJwk: jwk };
    },
  },
});

const offer = await client.resolveCredentialOffer(offerURI);
const metadata = await client.resolveIssuerMetadata(offer.credential_issuer);
const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
  credentialOffer: offer, issuerMetadata: metadata, txCode: txCode || undefined,
});
const { c_nonce } = await client.requestNonce({ issuerMetadata: metadata });
const { jwt } = await client.createCredentialRequestJwtProof({
  issuerMetadata: metadata, credentialConfigurationId: configId, nonce: c_nonce,
  signer: { method: 'did', didUrl: holder + '#0', alg: 'EdDSA' },
});
const response = await client.retrieveCredentials({
  issuerMetadata: metadata, accessToken: accessTokenResponse.access_token,
  credentialConfigurationId: configId, proofs: { jwt: [jwt] },
});
if (!response.credentialResponse) {
  throw new Error('no credential: ' + JSON.stringify(response));
}
const credentials = response.credentialResponse.credentials.map((c) => c.credential);

let reuseError = null;
try {
  await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer: offer, issuerMetadata: metadata, txCode: txCode || undefined,
  });
} catch (e) {
  reuseError = e.errorResponse?.error ?? String(e);
}
console.log(JSON.stringify({ holder, credentials, reuseError, version: metadata.originalDraftVersion }));
