package verifier

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/badged/badged"
	"github.com/badged/badged/credential"
	"github.com/badged/badged/issuer"
)

// KnownIssuer is who badged knows an issuer to be.
type KnownIssuer struct {
	Name issuer.Text
	// Source is SourcePlatform or SourceTrusted.
	Source string
}

// Sources of a KnownIssuer.
const (
	SourcePlatform = "platform"     // an issuer on this badged
	SourceTrusted  = "trusted-list" // on the operator's list of trusted issuers
)

// IssuerDirectory says who an issuer is, by the id a credential names it
// with (a DID or a URL): the trust registry. [KnownIssuerOf] asks it only
// for credentials whose signature is the issuer's.
type IssuerDirectory interface {
	// KnownIssuer returns who the issuer is, or false when it is not
	// known (a failing lookup counts as not known).
	KnownIssuer(ctx context.Context, id string) (KnownIssuer, bool)
}

// IssuerDirectories asks each directory in turn.
type IssuerDirectories []IssuerDirectory

// KnownIssuer implements IssuerDirectory: the first directory that knows
// the issuer answers.
func (ds IssuerDirectories) KnownIssuer(ctx context.Context, id string) (KnownIssuer, bool) {
	for _, d := range ds {
		if d == nil {
			continue
		}
		if k, ok := d.KnownIssuer(ctx, id); ok {
			return k, true
		}
	}
	return KnownIssuer{}, false
}

// TrustedIssuers is the operator's list of trusted issuers: issuer id (a
// DID or URL) → name.
type TrustedIssuers map[string]string

// ParseTrustedIssuers reads the JSON file BADGED_TRUSTED_ISSUERS names: an
// object of issuer id → name, e.g.
//
//	{"did:web:badges.example.edu:issuers:1": "Example University"}
//
// The error is Invalid for anything else.
func ParseTrustedIssuers(b []byte) (TrustedIssuers, error) {
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, badged.Wrap(badged.Invalid, err, fmt.Sprintf("trusted issuers: not a JSON object of issuer id to name: %v", err))
	}
	out := make(TrustedIssuers, len(m))
	for id, name := range m {
		id, name = strings.TrimSpace(id), strings.TrimSpace(name)
		if id == "" || name == "" {
			return nil, badged.Errorf(badged.Invalid, "trusted issuers: an entry has an empty id or name")
		}
		out[id] = name
	}
	return out, nil
}

// KnownIssuer implements IssuerDirectory.
func (t TrustedIssuers) KnownIssuer(_ context.Context, id string) (KnownIssuer, bool) {
	name, ok := t[id]
	if !ok {
		return KnownIssuer{}, false
	}
	return KnownIssuer{Name: issuer.Text{NL: name, EN: name}, Source: SourceTrusted}, true
}

// PlatformStore reads the issuers and institutions of this badged.
// issuer.Store implements it.
type PlatformStore interface {
	Issuer(ctx context.Context, id string) (*issuer.Issuer, error)
	Institution(ctx context.Context, id string) (*issuer.Institution, error)
}

// PlatformIssuers knows the issuers of this badged by their did:web.
type PlatformIssuers struct {
	// DID returns an issuer's DID (issuance.Service.IssuerDID).
	DID   func(issuerID string) string
	Store PlatformStore
}

// KnownIssuer implements IssuerDirectory: the issuer whose DID id is, named
// with its institution ("Department, University").
func (p PlatformIssuers) KnownIssuer(ctx context.Context, id string) (KnownIssuer, bool) {
	i := strings.LastIndex(id, ":issuers:")
	if p.DID == nil || p.Store == nil || i < 0 {
		return KnownIssuer{}, false
	}
	issuerID := id[i+len(":issuers:"):]
	if issuerID == "" || p.DID(issuerID) != id {
		return KnownIssuer{}, false
	}
	is, err := p.Store.Issuer(ctx, issuerID)
	if err != nil {
		return KnownIssuer{}, false
	}
	name := is.Name
	if in, err := p.Store.Institution(ctx, is.InstitutionID); err == nil {
		name = issuer.Text{NL: joinName(is.Name.NL, is.Name.EN, in.Name.NL, in.Name.EN), EN: joinName(is.Name.EN, is.Name.NL, in.Name.EN, in.Name.NL)}
	}
	return KnownIssuer{Name: name, Source: SourcePlatform}, true
}

// joinName joins an issuer's and its institution's names in one language,
// each falling back to the other language.
func joinName(issuerName, issuerOther, instName, instOther string) string {
	a, b := cmp.Or(issuerName, issuerOther), cmp.Or(instName, instOther)
	switch {
	case a == "":
		return b
	case b == "" || a == b:
		return a
	}
	return a + ", " + b
}

// KnownIssuerOf returns who dir knows the issuer of res to be, only when
// res's signature is valid and its key is the issuer's ([Result.SignedByIssuer]):
// otherwise the issuer named is just a claim. A nil dir knows no one.
func KnownIssuerOf(ctx context.Context, dir IssuerDirectory, res *Result) (KnownIssuer, bool) {
	if dir == nil || res.Issuer == "" || !res.SignedByIssuer() {
		return KnownIssuer{}, false
	}
	return dir.KnownIssuer(ctx, res.Issuer)
}

// SignedByIssuer reports whether the proof verified and its key belongs
// to the issuer (a warning, such as a key in the URL, is not a failure).
func (r *Result) SignedByIssuer() bool {
	p, ok := r.Check(CheckProof)
	if !ok || p.Verdict == Fail {
		return false
	}
	sg, ok := r.Check(CheckSigner)
	return ok && (sg.Verdict == Pass || sg.Verdict == Warning)
}

// MatchSubject tells whether identity (an email address or another
// identifier a visitor typed) is the subject of the credential cred: its
// id, or one of its identifiers, hashed or not ([credential.Subject.Names]).
// It is Pass or Fail, or Skipped when the credential names no subject.
func MatchSubject(cred map[string]any, identity string) Verdict {
	subj := credential.SubjectOf(cred)
	switch {
	case subj.Names(identity):
		return Pass
	case subj.Empty():
		return Skipped
	}
	return Fail
}
