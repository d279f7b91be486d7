package wallet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/badged/badged"
	"github.com/badged/badged/bake"
	"github.com/badged/badged/credential"
	"github.com/badged/badged/egress"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/verifier"
)

const importPrefix = "imp_"

// MaxImport is the largest input an import reads.
const MaxImport = bake.MaxImageSize

// ErrNotHolder is wrapped by the error of importing a credential that was
// not issued to the learner (see [Service.Import]).
var ErrNotHolder = errors.New("the credential was not issued to the learner")

// Import verifies a credential issued elsewhere, given as it is held (a
// JSON-LD credential, a compact VC-JWT, or a PNG or SVG badge image with
// one baked in), and keeps it with the result. A credential that does not
// verify is refused, and so is one not issued to the learner: its subject
// must be the learner's wallet DID, or name one of their verified email
// addresses, their eduID or an EPPN. Errors: Unauthorized; TooLarge
// (wrapping [ErrImportTooLarge]); Invalid for nothing given
// ([ErrNothingToImport]), a presentation ([ErrPresentation]), or what is
// not a credential or fails verification ([Refused]'s error, whose
// message names the failing checks and why, with a [Refusal] as its
// cause); Forbidden, wrapping [ErrNotHolder], for a credential issued to
// someone else. Nothing is kept on an error.
func (s *Service) Import(ctx context.Context, l issuer.Learner, input []byte) (*Holding, error) {
	return s.importBytes(ctx, l, input, "")
}

// ImportURL fetches a credential (or a baked image) from an address, with
// the guarded egress client, and imports it as [Service.Import] does. A
// public share of this server ([Service.ShareOf]) is read in-process
// instead, whatever its scheme. Errors: those of Import; NotFound for a
// share of this server that is not public; Invalid for another URL that
// is not https ([ErrNotHTTPS]); Unavailable without an egress client or
// when the fetch fails (egress.ReasonOf says why).
func (s *Service) ImportURL(ctx context.Context, l issuer.Learner, rawURL string) (*Holding, error) {
	if err := unauthorized(l); err != nil {
		return nil, err
	}
	if id, ok := s.ShareOf(strings.TrimSpace(rawURL)); ok {
		pub, err := s.PublicShare(ctx, id)
		if err != nil {
			return nil, err
		}
		return s.importBytes(ctx, l, pub.Credential, strings.TrimSpace(rawURL))
	}
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, &badged.Error{Kind: badged.Invalid, Message: "give an https address of the credential", Err: ErrNotHTTPS}
	}
	if s.egress == nil {
		return nil, badged.Errorf(badged.Unavailable, "this server does not fetch credentials from other addresses")
	}
	b, _, err := egress.Fetch(ctx, s.egress, u.String(), MaxImport, "application/vc+ld+json, application/ld+json, application/json, application/vc+jwt, image/png, image/svg+xml")
	if err != nil {
		// egress's message says which address and why, in words.
		return nil, badged.Wrap(badged.Unavailable, err, badged.MessageOf(err))
	}
	return s.importBytes(ctx, l, b, u.String())
}

func (s *Service) importBytes(ctx context.Context, l issuer.Learner, input []byte, from string) (*Holding, error) {
	if err := unauthorized(l); err != nil {
		return nil, err
	}
	if len(input) > MaxImport {
		return nil, &badged.Error{Kind: badged.TooLarge, Message: fmt.Sprintf("the file is larger than %d bytes", MaxImport), Err: ErrImportTooLarge}
	}
	input = bytes.TrimSpace(input)
	if len(input) == 0 {
		return nil, &badged.Error{Kind: badged.Invalid, Message: "nothing to import: give a credential, a JWT or a badge image", Err: ErrNothingToImport}
	}
	res := s.verify.Verify(ctx, input)
	if res.Kind == "presentation" {
		return nil, &badged.Error{Kind: badged.Invalid, Message: "this is a presentation; import the credentials it carries one by one", Err: ErrPresentation}
	}
	if !res.Verified {
		return nil, Refused(res)
	}
	if !holds(l, res.Credential) {
		return nil, badged.Wrap(badged.Forbidden, ErrNotHolder, "the credential was not issued to you: it names neither your wallet's DID nor any of your verified email addresses, eduID or EPPNs, so it cannot be kept in your backpack")
	}
	payload, source := input, res.Container
	if source == bake.KindPNG || source == bake.KindSVG {
		p, _, err := bake.Extract(input)
		if err != nil {
			return nil, err
		}
		payload = bytes.TrimSpace(p)
	}
	format := FormatJSON
	if len(payload) > 0 && payload[0] != '{' {
		format = FormatJWT
	}
	if from != "" {
		source = "url"
	}
	id, err := s.newID(importPrefix)
	if err != nil {
		return nil, err
	}
	im := &Import{ID: id, UserID: l.UserID, Source: source, URL: from, Credential: payload, Format: format,
		Verification: res, Created: s.timestamp()}
	if err := s.store.CreateImport(ctx, im); err != nil {
		return nil, fmt.Errorf("store import: %w", err)
	}
	h := importHolding(im)
	s.check(ctx, h)
	return h, nil
}

// holds reports whether the credential document doc was issued to l: its
// subject's id is l's wallet DID, or its subject names one of l's verified
// email addresses, l's eduID or one of l's EPPNs, as an id or as an
// identifier, hashed or not ([credential.Subject.Names], the comparison
// the verify page makes for an identity a visitor types).
func holds(l issuer.Learner, doc map[string]any) bool {
	subj := credential.SubjectOf(doc)
	mine := append([]string{l.HolderDID, l.EduID}, l.Emails...)
	return slices.ContainsFunc(append(mine, l.EPPNs...), subj.Names)
}

// Refused returns the error of a credential that did not verify: Invalid,
// naming each failing check and why; or, when no check failed but some
// could not be made (its issuer's key or status list could not be
// fetched), Unavailable, naming those: it may be imported later. Its
// cause is a [*Refusal] with the result.
func Refused(res *verifier.Result) error {
	var why []string
	if res.Verdict == verifier.Indeterminate {
		for _, c := range res.Unchecked() {
			why = append(why, c.ID+": "+c.Message)
		}
		return &badged.Error{Kind: badged.Unavailable, Err: &Refusal{Result: res},
			Message: fmt.Sprintf("the credential could not be fully checked right now, so it was not imported; try again later: %s", strings.Join(why, "; "))}
	}
	for _, c := range res.Failed() {
		why = append(why, c.ID+": "+c.Message)
	}
	return &badged.Error{Kind: badged.Invalid, Err: &Refusal{Result: res},
		Message: fmt.Sprintf("the credential was refused, it does not verify: %s", strings.Join(why, "; "))}
}

// Refusal is the cause of [Refused]'s error: the verification that
// refused the credential, for a page to say its checks in its own words.
type Refusal struct{ Result *verifier.Result }

func (r *Refusal) Error() string { return "verification " + string(r.Result.Verdict) }

// Causes of import errors a caller may tell apart (errors.Is), to say them
// in its own words; the *badged.Error around each has the message.
var (
	ErrNotHTTPS        = errors.New("not an https address")
	ErrNothingToImport = errors.New("nothing to import")
	ErrPresentation    = errors.New("a presentation, not a credential")
	ErrImportTooLarge  = errors.New("the input is over the import limit")
)

// DeleteImport removes an imported credential, and its share. Errors:
// Unauthorized; NotFound, also for someone else's.
func (s *Service) DeleteImport(ctx context.Context, l issuer.Learner, id string) error {
	if err := unauthorized(l); err != nil {
		return err
	}
	return s.store.DeleteImport(ctx, l.UserID, id)
}
