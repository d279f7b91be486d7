// Self-test of the interop tools: node --test test.mjs (after npm ci).
// Vectors must verify, tampered copies must not, sign -> verify round trips,
// and the signer reproduces the W3C vectors' proofValue exactly.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {createDocumentLoader, keyPairFromFile} from './lib/loader.mjs';
import {verifyDataIntegrity, verifyJwt, signSuite, signDataIntegrity, signJwt}
  from './lib/suites.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const V = path.join(here, '..', 'testdata', 'vectors');
const read = f => JSON.parse(readFileSync(path.join(V, f), 'utf8'));

const SIGNED = [
  'eddsa-rdfc-2022/signedDataInt.json',
  'eddsa-rdfc-2022/employ/signedDataInt.json',
  'eddsa-jcs-2022/signedJCS.json',
  'ob3-validator-fixtures/simple.json',
  'ob3-validator-fixtures/simple-did-key-method.json',
  'ob3-examples/ob3-spec-ldp-testvector-signed.json',
];

// Changes the first string value (not id/type/@context) found depth-first
// under credentialSubject.
function tamperSubject(c) {
  const walk = o => {
    for(const [k, v] of Object.entries(o)) {
      if(['id', 'type', '@context'].includes(k)) {
        continue;
      }
      if(typeof v === 'string') {
        o[k] = v + ' (tampered)';
        return true;
      }
      if(v && typeof v === 'object' && walk(v)) {
        return true;
      }
    }
    return false;
  };
  assert.ok(walk(c.credentialSubject), 'nothing to tamper');
  return c;
}

for(const f of SIGNED) {
  test(`verifies ${f}`, async () => {
    const r = await verifyDataIntegrity(read(f));
    assert.deepEqual(r, {verified: true, error: ''});
  });
  test(`rejects ${f} with a tampered credentialSubject`, async () => {
    const r = await verifyDataIntegrity(tamperSubject(read(f)));
    assert.equal(r.verified, false);
  });
  test(`rejects ${f} with a tampered validFrom`, async () => {
    const c = read(f);
    c.validFrom = '2011-01-01T00:00:00Z';
    assert.equal((await verifyDataIntegrity(c)).verified, false);
  });
  test(`rejects ${f} with a tampered proof.created`, async () => {
    const c = read(f);
    const p = Array.isArray(c.proof) ? c.proof[0] : c.proof;
    p.created = '2011-01-01T00:00:00Z';
    assert.equal((await verifyDataIntegrity(c)).verified, false);
  });
}

for(const f of ['simple-err-proof-value.json', 'simple-err-proof-method.json',
  'simple-err-proof-method-no-scheme.json',
  'simple-err-proof-method-unknown-did-method.json',
  'simple-err-proof-method-unknown-scheme.json', 'simple-noproof.json']) {
  test(`rejects 1EdTech fixture ${f}`, async () => {
    const r = await verifyDataIntegrity(read(`ob3-validator-fixtures/${f}`));
    assert.equal(r.verified, false);
  });
}

test('issuerMatch: OB key controlled by the issuer passes, W3C vector fails',
  async () => {
    const ob = read('ob3-validator-fixtures/simple.json');
    assert.equal((await verifyDataIntegrity(ob, {issuerMatch: true})).verified,
      true);
    const w3c = read('eddsa-rdfc-2022/signedDataInt.json');
    assert.equal(
      (await verifyDataIntegrity(w3c, {issuerMatch: true})).verified, false);
  });

for(const [suiteName, dir, vector] of [
  ['eddsa-rdfc-2022', 'eddsa-rdfc-2022', 'signedDataInt.json'],
  ['eddsa-jcs-2022', 'eddsa-jcs-2022', 'signedJCS.json'],
]) {
  test(`${suiteName}: signing unsigned.json reproduces the W3C vector`,
    async () => {
      const keyPair = await keyPairFromFile(path.join(V, dir, 'keyPair.json'));
      const suite = signSuite(suiteName, keyPair);
      suite.date = new Date('2023-02-24T23:36:38Z');
      const signed = await signDataIntegrity(read(`${dir}/unsigned.json`),
        {suite});
      assert.equal(signed.proof.proofValue,
        read(`${dir}/${vector}`).proof.proofValue);
      assert.equal((await verifyDataIntegrity(signed)).verified, true);
    });
}

test('jwt: sign, verify, reject tampered payload and signature', async () => {
  const keyPair = await keyPairFromFile(
    path.join(V, 'eddsa-rdfc-2022', 'keyPair.json'));
  const jwt = await signJwt(read('ob3-validator-fixtures/simple-noproof.json'),
    keyPair);
  assert.deepEqual(await verifyJwt(jwt), {verified: true, error: ''});
  const [h, p, s] = jwt.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url'));
  payload.vc.name = 'tampered';
  const p2 = Buffer.from(JSON.stringify(payload)).toString('base64url');
  assert.equal((await verifyJwt(`${h}.${p2}.${s}`)).verified, false);
  const s2 = (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
  assert.equal((await verifyJwt(`${h}.${p}.${s2}`)).verified, false);
});

test('jwt: RS256 fixture is refused (EdDSA only)', async () => {
  const jwt = readFileSync(
    path.join(V, 'ob3-validator-fixtures', 'simple.jwt'), 'utf8');
  assert.equal((await verifyJwt(jwt)).verified, false);
});

test('document loader refuses anything not local', async () => {
  const load = createDocumentLoader();
  for(const url of ['https://example.com/', 'https://example.com/x#key',
    'did:web:example.com', 'did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme',
    'file:///etc/passwd', 'https://www.w3.org/ns/credentials/v3']) {
    await assert.rejects(load(url), undefined, url);
  }
  const ctx = await load('https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json');
  assert.ok(ctx.document['@context']);
});
