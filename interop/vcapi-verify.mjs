#!/usr/bin/env node
// vcapi-verify.mjs: verify credentials a badged server issued, with Digital
// Bazaar's stack (@digitalbazaar/vc + data-integrity + eddsa-rdfc-2022 /
// eddsa-jcs-2022), using only the documents that server serves: its DID
// documents (did:web) and its status list credentials, which the caller
// fetched from it over HTTP and passes in DOCS. No network access.
//
// Usage: node vcapi-verify.mjs DOCS.json FILE...
//   DOCS.json: {"<did:web DID or status list URL>": <document>, ...}
//   FILE: a JSON credential with a Data Integrity proof, or (a file whose
//   content is a compact JWS) a VC-JWT as OB 3.0 and OpenID4VCI's
//   jwt_vc_json carry it (the payload is the credential, or VC-JWT 1.1's
//   `vc` claim), signed EdDSA by the key its header's `kid` names in the
//   issuer's DID document.
//   Contexts other than the standard ones must be in DOCS too.
// The key's controller must be the credential's issuer (vc's
// CredentialIssuancePurpose; for a VC-JWT, the kid's DID and `iss` must be
// the issuer, and exp/nbf hold). credentialStatus is checked: each
// BitstringStatusListEntry's list credential is itself verified with the
// same stack and the entry's bit read from its encodedList (gzip, base64url
// multibase, first bit the most significant of the first byte, as the
// Bitstring Status List spec says); a set bit fails the credential.
// Output: one JSON line per file {"file", "verified", "error", "status"}.
// Exit: 0 if every file verified, 1 if any failed, 2 on usage error.
import {readFileSync} from 'node:fs';
import {gunzipSync} from 'node:zlib';
import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as jose from 'jose';
import {CONTEXTS} from './lib/loader.mjs';
import {errorText, verifySuites} from './lib/suites.mjs';

function loaderOf(docs) {
  return async function documentLoader(url) {
    const ctx = CONTEXTS.get(url);
    if(ctx) {
      return {contextUrl: null, documentUrl: url, document: structuredClone(ctx)};
    }
    const hash = url.indexOf('#');
    const base = hash > 0 ? url.slice(0, hash) : url;
    const doc = docs[base];
    if(!doc) {
      throw new Error(`document loader: "${url}" is not a document the server served`);
    }
    if(hash < 0) {
      return {contextUrl: null, documentUrl: url, document: structuredClone(doc)};
    }
    const vm = (doc.verificationMethod ?? []).find(m => m.id === url);
    if(!vm) {
      throw new Error(`document loader: ${base} has no verification method ${url}`);
    }
    return {
      contextUrl: null, documentUrl: url,
      document: {'@context': doc['@context'], ...structuredClone(vm)},
    };
  };
}

function bitAt(encodedList, index) {
  if(typeof encodedList !== 'string' || !encodedList.startsWith('u')) {
    throw new Error('encodedList is not base64url multibase');
  }
  const bits = gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'));
  const byte = Math.floor(index / 8);
  if(byte >= bits.length) {
    throw new Error(`statusListIndex ${index} is outside the list`);
  }
  return (bits[byte] >> (7 - index % 8)) & 1;
}

function checkStatusWith(documentLoader, statuses) {
  return async function checkStatus({credential}) {
    const entries = [].concat(credential.credentialStatus ?? []);
    for(const e of entries) {
      if(e.type !== 'BitstringStatusListEntry') {
        continue;
      }
      const {document: list} = await documentLoader(e.statusListCredential);
      const res = await vc.verifyCredential({
        credential: list, suite: verifySuites(), documentLoader,
        purpose: new vc.CredentialIssuancePurpose(),
      });
      if(!res.verified) {
        return {verified: false, error: new Error(`status list ${e.statusListCredential} does not verify`)};
      }
      const subject = list.credentialSubject;
      if(subject.statusPurpose !== e.statusPurpose) {
        return {verified: false, error: new Error(`status list purpose ${subject.statusPurpose} != entry's ${e.statusPurpose}`)};
      }
      // Either issuer may be a URL or a profile with an id.
      if((list.issuer?.id ?? list.issuer) !== (credential.issuer?.id ?? credential.issuer)) {
        return {verified: false, error: new Error('the status list has another issuer')};
      }
      if(bitAt(subject.encodedList, Number(e.statusListIndex))) {
        statuses.push(e.statusPurpose === 'revocation' ? 'revoked' : 'suspended');
        return {verified: false, error: new Error(`credential ${e.statusPurpose === 'revocation' ? 'revoked' : 'suspended'}`)};
      }
    }
    return {verified: true};
  };
}

const JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

// Verifies a VC-JWT with the key its kid names in a served DID document and
// returns its credential, for the status check that follows.
async function verifyVCJWT(token, documentLoader) {
  const header = jose.decodeProtectedHeader(token);
  if(header.alg !== 'EdDSA') {
    throw new Error(`unsupported JWT alg "${header.alg}" (EdDSA only)`);
  }
  const {document: vm} = await documentLoader(header.kid);
  const keyPair = await Ed25519Multikey.from(vm);
  const jwk = await Ed25519Multikey.toJwk({keyPair});
  const key = await jose.importJWK({...jwk, alg: 'EdDSA'}, 'EdDSA');
  const {payload} = await jose.jwtVerify(token, key, {algorithms: ['EdDSA']});
  // OB 3.0's VC-JWT: the payload is the credential with the JWT's claims
  // beside its properties; VC-JWT 1.1 puts it under a vc claim.
  const credential = payload.vc ?? payload;
  if(![].concat(credential?.type ?? []).includes('VerifiableCredential')) {
    throw new Error('the JWT carries no credential');
  }
  const issuer = credential.issuer?.id ?? credential.issuer;
  if(payload.iss !== issuer) {
    throw new Error(`JWT iss "${payload.iss}" is not the issuer "${issuer}"`);
  }
  if(header.kid.split('#')[0] !== issuer || vm.controller !== issuer) {
    throw new Error(`JWT key ${header.kid} is not the issuer's "${issuer}"`);
  }
  return credential;
}

const args = process.argv.slice(2);
if(args.length < 2) {
  process.stderr.write('usage: node vcapi-verify.mjs DOCS.json FILE...\n');
  process.exit(2);
}
const docs = JSON.parse(readFileSync(args[0], 'utf8'));
let failed = 0;
for(const file of args.slice(1)) {
  const statuses = [];
  let out;
  try {
    const text = readFileSync(file, 'utf8').trim();
    const documentLoader = loaderOf(docs);
    if(JWS.test(text)) {
      const credential = await verifyVCJWT(text, documentLoader);
      const res = await checkStatusWith(documentLoader, statuses)({credential});
      out = {verified: res.verified, error: res.verified ? '' : res.error.message};
    } else {
      const res = await vc.verifyCredential({
        credential: JSON.parse(text), suite: verifySuites(), documentLoader,
        checkStatus: checkStatusWith(documentLoader, statuses),
        purpose: new vc.CredentialIssuancePurpose(),
      });
      out = {verified: res.verified, error: res.verified ? '' : errorText(res)};
    }
  } catch(e) {
    out = {verified: false, error: e?.message ?? String(e)};
  }
  if(!out.verified) {
    failed++;
  }
  process.stdout.write(JSON.stringify({file, ...out, status: statuses[0] ?? ''}) + '\n');
}
process.exit(failed ? 1 : 0);
