package verifier

import (
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/json"
	"time"

	"github.com/badged/badged/cache"
	"github.com/badged/badged/credential"
)

// What a check finds that depends on nothing but a credential's content is
// remembered by the SHA-256 of that content, so that a credential verified
// again (a partner system re-checking, an employer reloading the page) is
// not schema-checked, expanded and canonicalized again: its JSON schema
// and structure problems, whether it is sound JSON-LD, and whether a proof
// verifies under a given public key. What depends on the time or on
// others is judged anew every time: the validity dates, the status list,
// the issuer's DID document and so the key a proof names (which is part
// of a proof's memo key). A proof is remembered only when it verified, and
// never past its own expires. The content is the credential as decoded
// (every check reads that, never the bytes), marshaled with sorted keys.
const (
	memoTTL     = 10 * time.Minute
	memoEntries = 4096
)

// digest is the SHA-256 of a credential's content, or of a proof's memo key.
type digest [sha256.Size]byte

// contentMemo holds the remembered findings.
type contentMemo struct {
	structure *cache.LRU[digest, []credential.Problem]
	jsonld    *cache.LRU[digest, error]
	proofs    *cache.LRU[digest, []string] // the warnings of a proof that verified
}

func newContentMemo(entries int) *contentMemo {
	if entries <= 0 {
		return nil
	}
	return &contentMemo{
		structure: cache.New[digest, []credential.Problem](entries).Named("content_structure"),
		jsonld:    cache.New[digest, error](entries).Named("content_jsonld"),
		proofs:    cache.New[digest, []string](entries).Named("content_proofs"),
	}
}

// WithContentMemo sets how many credentials' content findings the
// verifier remembers (4,096 by default); zero or less remembers none, so
// that every verification does all the work.
func WithContentMemo(entries int) Option {
	return func(v *Verifier) { v.memo = newContentMemo(entries) }
}

// content is one credential's digest while it is verified; the zero value
// (no memo, or content that would not marshal) remembers nothing.
type content struct {
	memo *contentMemo
	sum  digest
	now  time.Time
}

// contentOf returns the digest of doc for the memo, when doc was not read
// from bytes of its own (a credential in a presentation, say).
func (v *Verifier) contentOf(doc map[string]any) content {
	if v.memo == nil {
		return content{}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return content{}
	}
	return content{memo: v.memo, sum: sha256.Sum256(b), now: v.now()}
}

// contentOfBytes returns the digest of the credential decoded from b (a
// JSON document, or a JWT): the digest of b, since what is read from b is
// a function of b.
func (v *Verifier) contentOfBytes(b []byte) content {
	if v.memo == nil {
		return content{}
	}
	return content{memo: v.memo, sum: sha256.Sum256(b), now: v.now()}
}

// problems returns validate(doc)'s problems, remembered.
func (c content) problems(doc map[string]any, validate func(map[string]any) []credential.Problem) []credential.Problem {
	if c.memo == nil {
		return validate(doc)
	}
	if e, ok := c.memo.structure.Get(c.sum, c.now, time.Time{}); ok {
		return e.Value
	}
	p := validate(doc)
	c.memo.structure.Put(c.sum, p, c.now, c.now.Add(memoTTL))
	return p
}

// soundJSONLD returns check's finding on the document, remembered.
func (c content) soundJSONLD(check func() error) error {
	if c.memo == nil {
		return check()
	}
	if e, ok := c.memo.jsonld.Get(c.sum, c.now, time.Time{}); ok {
		return e.Value
	}
	err := check()
	c.memo.jsonld.Put(c.sum, err, c.now, c.now.Add(memoTTL))
	return err
}

// proof returns verify's finding on proof i of the content under pub: the
// warnings of a proof that verified, remembered until expires (the proof's
// own, when it has one), or verify's error, never remembered.
func (c content) proof(i int, pub crypto.PublicKey, expires time.Time, verify func() ([]string, error)) ([]string, error) {
	if c.memo == nil {
		return verify()
	}
	kb, ok := publicKeyBytes(pub)
	if !ok {
		return verify()
	}
	h := sha256.New()
	h.Write(c.sum[:])
	h.Write(binary.BigEndian.AppendUint32(nil, uint32(i)))
	h.Write(kb)
	var key digest
	h.Sum(key[:0])
	if e, ok := c.memo.proofs.Get(key, c.now, time.Time{}); ok {
		return e.Value, nil
	}
	warnings, err := verify()
	if err != nil {
		return nil, err
	}
	until := c.now.Add(memoTTL)
	if !expires.IsZero() && expires.Before(until) {
		until = expires
	}
	c.memo.proofs.Put(key, warnings, c.now, until)
	return warnings, nil
}

// publicKeyBytes returns an encoding of pub that differs for every key.
func publicKeyBytes(pub crypto.PublicKey) ([]byte, bool) {
	if k, ok := pub.(ed25519.PublicKey); ok {
		return k, true
	}
	b, err := x509.MarshalPKIXPublicKey(pub)
	return b, err == nil
}
