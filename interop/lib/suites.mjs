// Data Integrity suites (eddsa-rdfc-2022, eddsa-jcs-2022) and VC-JWT helpers
// shared by verify.mjs, sign.mjs and bench.mjs.
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as rdfcCryptosuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createSignCryptosuite, createVerifyCryptosuite} from
  '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as jose from 'jose';
import jsigs from 'jsonld-signatures';
import {createDocumentLoader, resolveDidKey} from './loader.mjs';

export const SUITES = ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'jwt'];

// A DataIntegrityProof that also accepts a bare `did:key:z6Mk...` (no
// fragment) as verificationMethod, dereferencing it to the DID's single key,
// as 1EdTech's OB 3.0 validator does (fixture simple-did-key-method.json).
// The signed proof still carries the bare DID; only key lookup changes.
class DidKeyTolerantProof extends DataIntegrityProof {
  async getVerificationMethod({proof, documentLoader}) {
    let vm = proof.verificationMethod;
    if(typeof vm === 'object' && vm !== null) {
      vm = vm.id;
    }
    if(typeof vm === 'string' && vm.startsWith('did:key:') &&
      !vm.includes('#')) {
      const didDoc = await resolveDidKey(vm);
      const [key] = didDoc.verificationMethod;
      return key;
    }
    return super.getVerificationMethod({proof, documentLoader});
  }
}

export function verifySuites() {
  return [
    new DidKeyTolerantProof({cryptosuite: rdfcCryptosuite}),
    new DidKeyTolerantProof({cryptosuite: createVerifyCryptosuite()}),
  ];
}

export function signSuite(name, keyPair) {
  const signer = keyPair.signer();
  if(name === 'eddsa-rdfc-2022') {
    return new DataIntegrityProof({signer, cryptosuite: rdfcCryptosuite});
  }
  if(name === 'eddsa-jcs-2022') {
    return new DataIntegrityProof({
      signer, cryptosuite: createSignCryptosuite(),
    });
  }
  throw new Error(`unknown Data Integrity suite "${name}"`);
}

// Status (credentialStatus) is NOT checked here: this tool cross-checks
// proofs. The vc library requires a function when credentialStatus exists.
async function statusNotChecked() {
  return {verified: true};
}

// The messages of a vc verification result's errors (its proof's, its
// credentials' and its status check's), joined; never empty.
export function errorText(result) {
  const errs = [];
  const walk = e => {
    if(!e) {
      return;
    }
    if(Array.isArray(e)) {
      e.forEach(walk);
      return;
    }
    if(e.errors) {
      walk(e.errors);
    }
    if(e.message && !e.errors) {
      errs.push(e.message);
    }
  };
  walk(result.error);
  for(const r of result.results ?? []) {
    walk(r.error);
  }
  if(result.statusResult && !result.statusResult.verified) {
    const before = errs.length;
    walk(result.statusResult.error);
    if(errs.length === before) {
      errs.push('credential status check failed');
    }
  }
  return [...new Set(errs)].join('; ') || 'verification failed';
}

// Verifies a Data Integrity secured credential (object). Returns
// {verified, error}. Does not throw.
// Proof purpose: assertionMethod (the key must be listed under its
// controller's assertionMethod). With issuerMatch, also require the key's
// controller to be the credential's issuer (vc's CredentialIssuancePurpose);
// the W3C vectors do not meet that (issuer https://vc.example/..., key
// did:key), OB credentials signed by badged should.
export async function verifyDataIntegrity(credential,
  {suites, issuerMatch = false} = {}) {
  try {
    if(credential?.proof === undefined) {
      return {verified: false, error: 'credential has no proof'};
    }
    const result = await vc.verifyCredential({
      credential,
      suite: suites ?? verifySuites(),
      documentLoader: createDocumentLoader(),
      checkStatus: statusNotChecked,
      purpose: issuerMatch ? new vc.CredentialIssuancePurpose() :
        new jsigs.purposes.AssertionProofPurpose(),
    });
    return result.verified ? {verified: true, error: ''} :
      {verified: false, error: errorText(result)};
  } catch(e) {
    return {verified: false, error: e?.message ?? String(e)};
  }
}

// Signs an unsigned credential object with a Data Integrity suite.
export async function signDataIntegrity(credential, {suite}) {
  return vc.issue({
    credential: structuredClone(credential),
    suite,
    documentLoader: createDocumentLoader(),
  });
}

// --- VC-JWT (EdDSA, compact JWS) ---

// kid -> jose key, from a did:key DID or DID URL.
const jwtKeys = new Map();
async function keyFromKid(kid) {
  if(typeof kid !== 'string' || !kid.startsWith('did:key:')) {
    throw new Error(`JWT kid must be a did:key DID URL, got ${
      JSON.stringify(kid)}`);
  }
  let key = jwtKeys.get(kid);
  if(!key) {
    const didDoc = await resolveDidKey(kid);
    const vm = didDoc.verificationMethod ? didDoc.verificationMethod[0] :
      didDoc;
    const keyPair = await Ed25519Multikey.from(vm);
    const jwk = await Ed25519Multikey.toJwk({keyPair});
    key = await jose.importJWK({...jwk, alg: 'EdDSA'}, 'EdDSA');
    jwtKeys.set(kid, key);
  }
  return key;
}

// Verifies a compact JWS VC-JWT. The credential is the `vc` claim (VC-JWT
// as in OB 3.0 / VC 1.1) or the payload itself (VC-JOSE-COSE, vc+jwt).
// Checks: EdDSA signature with the kid's key, exp/nbf (jose), the
// credential's shape, and that `iss` (if present) equals the issuer id.
// With issuerMatch, also require the kid's DID to be the issuer id.
export async function verifyJwt(token, {issuerMatch = false} = {}) {
  try {
    const header = jose.decodeProtectedHeader(token.trim());
    if(header.alg !== 'EdDSA' && header.alg !== 'Ed25519') {
      throw new Error(`unsupported JWT alg "${header.alg}" (EdDSA only)`);
    }
    const key = await keyFromKid(header.kid);
    const {payload} = await jose.jwtVerify(token.trim(), key, {
      algorithms: ['EdDSA', 'Ed25519'],
    });
    const credential = payload.vc ?? payload;
    const types = [].concat(credential?.type ?? []);
    if(!types.includes('VerifiableCredential')) {
      throw new Error('JWT has no credential (type VerifiableCredential)');
    }
    const issuer = typeof credential.issuer === 'string' ?
      credential.issuer : credential.issuer?.id;
    if(payload.iss !== undefined && issuer !== undefined &&
      payload.iss !== issuer) {
      throw new Error(`JWT iss "${payload.iss}" != issuer "${issuer}"`);
    }
    if(issuerMatch && header.kid.split('#')[0] !== issuer) {
      throw new Error(`JWT kid DID "${header.kid.split('#')[0]}" is not ` +
        `the issuer "${issuer}"`);
    }
    return {verified: true, error: ''};
  } catch(e) {
    return {verified: false, error: e?.message ?? String(e)};
  }
}

// Signs a credential as a VC-JWT (OB 3.0 style: the credential in the `vc`
// claim, plus iss, jti, nbf, sub, exp when known). kid = keyPair.id.
export async function signJwt(credential, keyPair, {privateKey} = {}) {
  const key = privateKey ?? await joseSigningKey(keyPair);
  const issuer = typeof credential.issuer === 'string' ?
    credential.issuer : credential.issuer?.id;
  const claims = {vc: credential};
  const jwt = new jose.SignJWT(claims)
    .setProtectedHeader({alg: 'EdDSA', typ: 'JWT', kid: keyPair.id});
  if(issuer) {
    jwt.setIssuer(issuer);
  }
  if(credential.id) {
    jwt.setJti(credential.id);
  }
  const sub = credential.credentialSubject?.id;
  if(sub) {
    jwt.setSubject(sub);
  }
  const from = credential.validFrom ?? credential.issuanceDate;
  if(from) {
    jwt.setNotBefore(Math.floor(Date.parse(from) / 1000));
  }
  const until = credential.validUntil ?? credential.expirationDate;
  if(until) {
    jwt.setExpirationTime(Math.floor(Date.parse(until) / 1000));
  }
  return jwt.sign(key);
}

// Returns keyPair's secret key for jose. A JWK's `d` is the 32-byte seed;
// key pairs made by Ed25519Multikey.generate (and 64-byte secretKeyMultibase
// values, "zrv...") hold seed || public key, so `d` is cut to the seed.
export async function joseSigningKey(keyPair) {
  const jwk = await Ed25519Multikey.toJwk({keyPair, secretKey: true});
  const d = Buffer.from(jwk.d, 'base64url');
  if(d.length === 64) {
    jwk.d = d.subarray(0, 32).toString('base64url');
  }
  return jose.importJWK({...jwk, alg: 'EdDSA'}, 'EdDSA');
}
