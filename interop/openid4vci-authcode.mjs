// A wallet from npm (@openid4vc/openid4vci, OpenWallet Foundation) taking
// a credential from badged with the authorization code flow.
//
//   node openid4vci-authcode.mjs OFFER_URI CONFIGURATION_ID
//
// It resolves the offer and both metadata documents and prints, as one
// line of JSON, the authorization request URL it made (PKCE S256, the
// offer's issuer_state, the configuration as scope) with its redirect
// URI. The learner's browser (the Go test) signs in and consents; the
// test writes the URL badged sent the browser back to on stdin. The
// wallet then exchanges the code with its PKCE verifier, proves
// possession of a fresh Ed25519 key (a did:jwk), retrieves the credential
// and prints {holder, credentials, reuseError}: a second exchange of the
// code must fail. setGlobalConfig({allowInsecureUrls}) admits the test's
// loopback http server.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Openid4vciClient } from '@openid4vc/openid4vci';
import { clientAuthenticationDynamic } from '@openid4vc/oauth2';
import { setGlobalConfig } from '@openid4vc/utils';
import { CompactSign } from 'jose';

setGlobalConfig({ allowInsecureUrls: true });

const [offerURI, configId] = process.argv.slice(2);
const clientId = 'https://wallet.example';
const redirectUri = 'https://wallet.example/callback';
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const jwk = publicKey.export({ format: 'jwk' });
const holder = 'did:jwk:' + Buffer.from(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x })).toString('base64url');

const client = new Openid4vciClient({
  callbacks: {
    fetch,
    generateRandom: (n) => randomBytes(n),
    hash: (data, alg) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
    clientAuthentication: clientAuthenticationDynamic({ clientId }),
    signJwt: async (signer, { header, payload }) => {
      const jwt = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
        .setProtectedHeader(header).sign(privateKey);
      return { jwt, signerJwk: jwk };
    },
  },
});

const offer = await client.resolveCredentialOffer(offerURI);
const metadata = await client.resolveIssuerMetadata(offer.credential_issuer);
const { authorizationRequestUrl, pkce } = await client.createAuthorizationRequestUrlFromOffer({
  credentialOffer: offer, issuerMetadata: metadata, clientId, redirectUri, scope: configId,
});
console.log(JSON.stringify({ authorizationRequestUrl, redirectUri }));

const lines = createInterface({ input: process.stdin });
const back = new URL((await lines[Symbol.asyncIterator]().next()).value.trim());
lines.close();
if (back.searchParams.get('error')) {
  throw new Error('authorization refused: ' + back.searchParams.get('error'));
}
const code = back.searchParams.get('code');
const exchange = () => client.retrieveAuthorizationCodeAccessTokenFromOffer({
  credentialOffer: offer, issuerMetadata: metadata, authorizationCode: code,
  pkceCodeVerifier: pkce.codeVerifier, redirectUri,
});
const { accessTokenResponse } = await exchange();
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
  await exchange();
} catch (e) {
  reuseError = e.errorResponse?.error ?? String(e);
}
console.log(JSON.stringify({ holder, credentials, reuseError }));
