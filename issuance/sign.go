package issuance

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/contexts"
	"github.com/badged/badged/credential"
	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/credential/jose"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/statuslist"
)

// Output formats of [SignOptions].
const (
	// FormatDataIntegrity embeds a Data Integrity proof (the default).
	FormatDataIntegrity = "ldp_vc"
	// FormatVCJOSE secures the credential as a W3C VC-JOSE-COSE JWT
	// (typ vc+jwt); VC 2.0 credentials only.
	FormatVCJOSE = "vc+jwt"
	// FormatJWT secures the credential as an Open Badges 3.0 VC-JWT.
	FormatJWT = "jwt"
)

// SignOptions says how [Service.SignCredential] secures a credential. The
// zero value is an eddsa-rdfc-2022 Data Integrity proof.
type SignOptions struct {
	// Cryptosuite is dataintegrity.RDFC (the default) or dataintegrity.JCS,
	// for FormatDataIntegrity.
	Cryptosuite string
	// Format is FormatDataIntegrity (the default), FormatVCJOSE or
	// FormatJWT.
	Format string
	// Suspendable adds a second BitstringStatusListEntry, of purpose
	// suspension, so that the credential can be suspended and resumed
	// ([Service.SuspendCredential]).
	Suspendable bool
	// Effects, when set, derives what the issuance causes besides itself
	// (its audit entry) from the credential's id; they are stored in the
	// same transaction as the credential, so neither stands without the
	// other. An error fails the issuance.
	Effects func(credentialID string) (issuer.Effects, error)
}

// Signed is a credential [Service.SignCredential] secured: Credential
// always (with its proof for a Data Integrity proof, as signed for a JWT),
// and JWT, the compact JWS, for the JWT formats.
type Signed struct {
	// ID is the credential's id, under which it is stored.
	ID         string
	Credential map[string]any
	JWT        string
}

// APIAwardPrefix starts the key under which the store keeps a credential
// issued through the VC-API, in place of an award id: such a credential
// belongs to no award, and its status is changed by its id
// ([Service.RevokeCredential]).
const APIAwardPrefix = "vcapi:"

// InvalidCredentialError is the refusal of a credential that breaks a
// rule; Problems names each rule (its check id) and where. It unwraps to
// a badged.Error of kind Invalid.
type InvalidCredentialError struct {
	Problems []credential.Problem
}

func (e *InvalidCredentialError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Message
		if p.Path != "" && p.Path != "/" {
			msgs[i] = p.Path + ": " + p.Message
		}
	}
	return "invalid credential: " + strings.Join(msgs, "; ")
}

func (e *InvalidCredentialError) Unwrap() error {
	return &badged.Error{Kind: badged.Invalid, Message: e.Error()}
}

// SignCredential signs a credential an institution's system composed (the
// VC-API's /credentials/issue): any VC 2.0 or VC 1.1 credential, an Open
// Badge or not, issued by issuerID. The credential's issuer, when present,
// must be the issuer's DID (as a string or a profile's id); when absent it
// is set to it. validFrom (issuanceDate for VC 1.1) defaults to now. A VC
// 1.1 credential signed with a Data Integrity proof gets the Data Integrity
// context appended, as Digital Bazaar's stack does, since the VC 1.1
// context does not define the proof's terms.
//
// The credential is checked before it is signed, with the Open Badges 3.0
// rules for an Open Badge and the VC 2.0 rules otherwise, plus the rules
// an issuer must meet ([credential.ValidateIssuable]), and must be sound
// JSON-LD; it is signed as o says by the current key of the issuer's
// institution. A single Data Integrity proof is an object, as the VC-API
// shows it, except on an Open Badge, whose JSON schema requires an array.
// doc is not modified.
//
// The credential is first-class, as an award's is: it gets an id when it
// has none (a URL under the base URL), a BitstringStatusListEntry of
// purpose revocation in the issuer's list (added to any entries it has; a
// VC 1.1 credential gets the entry's terms as an inline context), and is
// stored with its index, so that [Service.RevokeCredential] can revoke it.
//
// Errors: NotFound for an unknown issuer; an [*InvalidCredentialError]
// for a credential that breaks a rule; Invalid for an archived issuer,
// unknown options, a credential that names another issuer, already has a
// proof or is not sound JSON-LD (the message says what is wrong); Conflict
// when its id was issued already; otherwise the store's errors or a
// signing failure.
func (s *Service) SignCredential(ctx context.Context, issuerID string, doc map[string]any, o SignOptions) (*Signed, error) {
	if o.Format == "" {
		o.Format = FormatDataIntegrity
	}
	if o.Cryptosuite == "" {
		o.Cryptosuite = dataintegrity.RDFC
	}
	switch o.Format {
	case FormatDataIntegrity:
		if o.Cryptosuite != dataintegrity.RDFC && o.Cryptosuite != dataintegrity.JCS {
			return nil, badged.Errorf(badged.Invalid, "cryptosuite %q is not one badged signs with: use %s or %s", o.Cryptosuite, dataintegrity.RDFC, dataintegrity.JCS)
		}
	case FormatVCJOSE, FormatJWT:
	default:
		return nil, badged.Errorf(badged.Invalid, "format %q is not one badged issues: use %s, %s or %s", o.Format, FormatDataIntegrity, FormatVCJOSE, FormatJWT)
	}
	is, err := s.store.Issuer(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	if is.Archived {
		return nil, badged.Errorf(badged.Invalid, "issuer %s is archived", issuerID)
	}
	if _, ok := doc["proof"]; ok {
		return nil, badged.Errorf(badged.Invalid, "the credential already has a proof")
	}
	issuerDID := s.IssuerDID(issuerID)
	out := make(map[string]any, len(doc)+2)
	for k, v := range doc {
		out[k] = v
	}
	switch iss := doc["issuer"].(type) {
	case nil:
		out["issuer"] = issuerDID
	case string:
		if iss != issuerDID {
			return nil, badged.Errorf(badged.Invalid, "the credential's issuer is %s; this client signs as %s", iss, issuerDID)
		}
	case map[string]any:
		id, _ := iss["id"].(string)
		if id != issuerDID {
			return nil, badged.Errorf(badged.Invalid, "the credential's issuer is %q; this client signs as %s", id, issuerDID)
		}
	default:
		return nil, badged.Errorf(badged.Invalid, "the credential's issuer must be a URL or a profile")
	}
	v1 := firstContext(out) == contexts.VCv1
	if v1 && o.Format == FormatVCJOSE {
		return nil, badged.Errorf(badged.Invalid, "VC-JOSE (vc+jwt) secures VC 2.0 credentials only; this one has the VC 1.1 context")
	}
	_, hasFrom := out["validFrom"]
	_, hasIssued := out["issuanceDate"]
	if !hasFrom && !hasIssued {
		now := s.now().UTC().Truncate(time.Second).Format(time.RFC3339)
		if v1 {
			out["issuanceDate"] = now
		} else {
			out["validFrom"] = now
		}
	}
	if v1 && o.Format == FormatDataIntegrity {
		out["@context"] = withDataIntegrityContext(out["@context"])
	}
	uuid, err := credential.NewTimeID(s.rand, s.now())
	if err != nil {
		return nil, fmt.Errorf("credential id: %w", err)
	}
	uuid = strings.TrimPrefix(uuid, "urn:uuid:")
	if _, ok := out["id"]; !ok {
		out["id"] = s.base + "/credentials/" + uuid
	}
	var problems []credential.Problem
	ob := isOpenBadge(out)
	if ob {
		problems = credential.Validate(out)
	} else {
		problems = credential.ValidateVC(out)
	}
	problems = append(problems, credential.ValidateIssuable(out)...)
	var errs []credential.Problem
	for _, p := range problems {
		if p.Warning || p.Check == credential.CheckProof {
			continue // the proof is what we are about to add
		}
		errs = append(errs, p)
	}
	if len(errs) > 0 {
		return nil, &InvalidCredentialError{Problems: errs}
	}
	id, _ := out["id"].(string)
	if _, err := s.store.Credential(ctx, id); err == nil {
		return nil, badged.Errorf(badged.Conflict, "a credential with id %s was issued already", id)
	} else if badged.KindOf(err) != badged.NotFound {
		return nil, err
	}
	var fx issuer.Effects
	if o.Effects != nil {
		if fx, err = o.Effects(id); err != nil {
			return nil, fmt.Errorf("effects of credential %s: %w", id, err)
		}
	}
	var validUntil time.Time
	for _, name := range []string{"validUntil", "expirationDate"} {
		if v, ok := out[name].(string); ok {
			validUntil, _ = credential.ParseTime(v) // checked above
		}
	}
	if v1 {
		// The VC 1.1 context does not define the status entry's terms;
		// they are given as VC 2.0 defines them.
		out["@context"] = append(slices.Clone(jsonld.List(out["@context"])), bitstringEntryContext())
	}
	key, vm, _, err := s.signer(ctx, is.InstitutionID, is.ID)
	if err != nil {
		return nil, err
	}
	awardKey := APIAwardPrefix + uuid
	issuedAt := s.now().UTC().Truncate(time.Second)
	var suspension map[string]any
	if o.Suspendable {
		// Reserved at once (Allocate): a credential that then fails to be
		// stored leaves an index unused, which is never handed out again.
		slot, err := s.allocateFor(ctx, awardKey+"#suspension", is.ID, statuslist.PurposeSuspension)
		if err != nil {
			return nil, err
		}
		if slot.NewList {
			if _, _, err := s.StatusListCredential(ctx, slot.ListID); err != nil {
				return nil, fmt.Errorf("sign new status list: %w", err)
			}
		}
		suspension = statusEntry(s.StatusListURL(slot.ListID), slot.Index, statuslist.PurposeSuspension)
	}
	// As in Issue: the index is proposed, the credential signed, and the
	// index reserved with the credential stored in one write; a proposed
	// index taken meanwhile means signing again with another.
	for attempt := 1; ; attempt++ {
		slot, err := s.slot(ctx, awardKey, is.ID, attempt == issueAttempts)
		if err != nil {
			return nil, err
		}
		listURL := s.StatusListURL(slot.ListID)
		doc := maps.Clone(out)
		doc["credentialStatus"] = withStatusEntry(out["credentialStatus"], statusEntry(listURL, slot.Index, statuslist.PurposeRevocation))
		if suspension != nil {
			doc["credentialStatus"] = withStatusEntry(doc["credentialStatus"], suspension)
		}
		signed, err := s.secure(doc, key, vm, o, ob)
		if err != nil {
			return nil, err
		}
		stored := &Credential{
			IssuedCredential: issuer.IssuedCredential{
				ID: id, AwardID: awardKey, JWT: []byte(signed.JWT), ValidUntil: validUntil,
				StatusList: listURL, StatusIdx: slot.Index, IssuedAt: issuedAt,
			},
			IssuerID: is.ID,
			ListID:   slot.ListID,
			Effects:  fx,
		}
		if stored.JSON, err = json.Marshal(signed.Credential); err != nil {
			return nil, fmt.Errorf("encode credential: %w", err)
		}
		err = s.store.CreateCredential(ctx, stored)
		if err == nil {
			signed.ID = id
			return signed, nil
		}
		if badged.KindOf(err) != badged.Conflict {
			return nil, fmt.Errorf("store credential: %w", err)
		}
		if _, serr := s.store.Credential(ctx, id); serr == nil {
			return nil, badged.Errorf(badged.Conflict, "a credential with id %s was issued already", id)
		}
		if attempt == issueAttempts {
			return nil, fmt.Errorf("store credential: %w", err)
		}
	}
}

// secure signs doc as o says, with key as vm.
func (s *Service) secure(doc map[string]any, key crypto.Signer, vm string, o SignOptions, ob bool) (*Signed, error) {
	if o.Format != FormatDataIntegrity {
		f := jose.VCJOSE
		if o.Format == FormatJWT {
			f = jose.OBJWT
		}
		// The credential must still be sound JSON-LD: a JWT hides
		// nothing from a verifier that expands it. (A throwaway proof
		// checks that; the proof's own terms need the Data Integrity
		// context, which a VC 1.1 context lacks.)
		check := maps.Clone(doc)
		check["@context"] = withDataIntegrityContext(doc["@context"])
		if _, err := s.proofs.Sign(check, key, dataintegrity.Options{VerificationMethod: vm, Created: s.now()}); err != nil {
			return nil, signFailure(err)
		}
		token, err := jose.Sign(doc, key, vm, f)
		if err != nil {
			return nil, err
		}
		return &Signed{Credential: doc, JWT: token}, nil
	}
	signed, err := s.proofs.Sign(doc, key, dataintegrity.Options{
		Cryptosuite:        o.Cryptosuite,
		VerificationMethod: vm,
		Created:            s.now(),
	})
	if err != nil {
		return nil, signFailure(err)
	}
	if p, ok := signed["proof"].([]any); ok && len(p) == 1 && !ob {
		signed["proof"] = p[0]
	}
	return &Signed{Credential: signed}, nil
}

// statusEntry is a BitstringStatusListEntry at index idx of the list
// credential at listURL.
func statusEntry(listURL string, idx int, purpose string) map[string]any {
	return map[string]any{
		"id":                   listURL + "#" + strconv.Itoa(idx),
		"type":                 statuslist.TypeBitstring,
		"statusPurpose":        purpose,
		"statusListIndex":      strconv.Itoa(idx),
		"statusListCredential": listURL,
	}
}

// withStatusEntry returns the credential's credentialStatus (absent, an
// entry or a list of them) with entry added.
func withStatusEntry(status any, entry map[string]any) any {
	if status == nil {
		return entry
	}
	l := jsonld.List(status)
	out := make([]any, 0, len(l)+1)
	return append(append(out, l...), entry)
}

// bitstringEntryContext returns the term definition of
// BitstringStatusListEntry from the embedded VC 2.0 context, as an inline
// context for VC 1.1 credentials.
func bitstringEntryContext() map[string]any {
	b, _ := contexts.Bytes(contexts.VCv2)
	var v struct {
		Context map[string]any `json:"@context"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		panic("issuance: the embedded VC 2.0 context is not JSON: " + err.Error())
	}
	return map[string]any{statuslist.TypeBitstring: v.Context[statuslist.TypeBitstring]}
}

func signFailure(err error) error {
	var de *dataintegrity.Error
	if errors.As(err, &de) && de.Reason == dataintegrity.ReasonJSONLD {
		return badged.Errorf(badged.Invalid, "the credential is not sound JSON-LD: %s", de.Msg)
	}
	return badged.Wrap(badged.Internal, err, "the credential could not be signed")
}

// firstContext returns the credential's first @context URL, or "".
func firstContext(doc map[string]any) string {
	if l := jsonld.List(doc["@context"]); len(l) > 0 {
		s, _ := l[0].(string)
		return s
	}
	return ""
}

// withDataIntegrityContext returns ctx (a VC 1.1 credential's @context)
// with the Data Integrity v2 context appended, unless it already names a
// Data Integrity context.
func withDataIntegrityContext(ctx any) any {
	l := jsonld.List(ctx)
	for _, c := range l {
		if c == contexts.DataIntegrityV2 || c == contexts.DataIntegrityV1 {
			return ctx
		}
	}
	out := make([]any, 0, len(l)+1)
	out = append(out, l...)
	return append(out, contexts.DataIntegrityV2)
}

// isOpenBadge reports whether doc is an Open Badge by its type or context,
// as the verifier judges it.
func isOpenBadge(doc map[string]any) bool {
	for _, c := range jsonld.List(doc["@context"]) {
		if s, ok := c.(string); ok && strings.HasPrefix(s, "https://purl.imsglobal.org/spec/ob/v3p0/context") {
			return true
		}
	}
	for _, t := range jsonld.List(doc["type"]) {
		switch t {
		case credential.TypeOpenBadgeCredential, credential.TypeAchievementCredential, credential.TypeEndorsementCredential:
			return true
		}
	}
	return false
}
