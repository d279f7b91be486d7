package issuance

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/credential"
	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/credential/jose"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/statuslist"
)

// Identity types of a recipient's identifiers besides email.
const (
	IdentityEduID = "ext:eduID" // the eduID subject identifier
	IdentityEPPN  = "ext:eppn"  // eduPersonPrincipalName
)

// Issue signs an OpenBadgeCredential for the award, as eddsa-rdfc-2022
// JSON-LD and as an OB 3.0 VC-JWT, and stores both; see
// [issuer.CredentialIssuer]. Issuing an award again returns the stored
// credential, also when two calls race. A request's Record change is
// stored with the credential (see [issuer.IssueRequest]). The error is Invalid when the
// request lacks its award, hierarchy or a recipient identifier, or when the
// badge class cannot make a valid achievement (no name, description or
// criteria); otherwise it is the store's or a signing failure.
func (s *Service) Issue(ctx context.Context, r issuer.IssueRequest) (*issuer.IssuedCredential, error) {
	if err := checkRequest(&r); err != nil {
		return nil, err
	}
	// A request that records its award's change (a claim) comes from an
	// award without a credential: the store refuses a second credential of
	// an award anyway, and the loop below then returns the stored one.
	if r.Record == nil {
		if c, err := s.store.CredentialByAward(ctx, r.AwardID); err == nil {
			return issued(c), nil
		} else if badged.KindOf(err) != badged.NotFound {
			return nil, err
		}
	}
	issuedAt := r.IssuedAt
	if issuedAt.IsZero() {
		issuedAt = s.now()
	}
	issuedAt = issuedAt.UTC().Truncate(time.Second)

	var endorsements []any
	if s.endorsements != nil {
		raws, err := s.endorsements(ctx, r.BadgeClass.ID)
		if err != nil {
			return nil, fmt.Errorf("endorsements of %s: %w", r.BadgeClass.ID, err)
		}
		for _, raw := range raws {
			var v any
			if err := json.Unmarshal(raw, &v); err != nil {
				return nil, badged.Wrap(badged.Internal, err, "a stored endorsement is unreadable")
			}
			endorsements = append(endorsements, v)
		}
	}
	uuid, err := credential.NewTimeID(s.rand, s.now())
	if err != nil {
		return nil, fmt.Errorf("credential id: %w", err)
	}
	id := s.base + "/credentials/" + uuid[len("urn:uuid:"):]
	var change issuer.AwardChange
	if r.Record != nil {
		if change, err = r.Record(id); err != nil {
			return nil, err
		}
	}
	// The index is proposed, the credential signed, and then the index
	// reserved and the credential stored in one write. Another issuance
	// taking the proposed index first (rare: indexes are drawn at random
	// among some 131,000) makes that write fail with Conflict, and the
	// credential is signed again with another; the last attempt reserves
	// through Allocate first. The key is the one remembered for the
	// institution, and the write states its ring's version: after a
	// rotation elsewhere it is refused (ErrStale), and the credential is
	// signed again, once, with the ring read afresh.
	fresh := false // read the ring rather than use the remembered key
	for attempt := 1; ; attempt++ {
		signer := s.rememberedSigner
		if fresh {
			signer = s.signer
		}
		key, vm, ring, err := signer(ctx, r.Institution.ID, r.Issuer.ID)
		if err != nil {
			return nil, err
		}
		slot, err := s.slot(ctx, r.AwardID, r.Issuer.ID, attempt == issueAttempts)
		if err != nil {
			return nil, err
		}
		c, err := s.sign(r, id, issuedAt, slot, key, vm, endorsements)
		if err != nil {
			return nil, err
		}
		if change.Award != nil {
			c.Award = change.Award
			c.Effects.Audit = append(c.Effects.Audit, change.Effects.Audit...)
			c.Effects.Mails = append(c.Effects.Mails, change.Effects.Mails...)
		}
		c.Unchanged = append(slices.Clip(r.Unchanged), issuer.Stamp{Kind: issuer.StampKeyRing, ID: r.Institution.ID, Version: ring})
		err = s.store.CreateCredential(ctx, c)
		if err == nil {
			ic := issued(c)
			ic.Recorded = c.Award != nil
			return ic, nil
		}
		if errors.Is(err, issuer.ErrStale) {
			s.forget(r.Institution.ID, ring)
			if fresh { // what the request states changed
				return nil, fmt.Errorf("store credential: %w", err)
			}
			fresh, attempt = true, attempt-1
			continue
		}
		if badged.KindOf(err) != badged.Conflict {
			return nil, fmt.Errorf("store credential: %w", err)
		}
		// Another call issued this award first: its credential stands.
		if stored, serr := s.store.CredentialByAward(ctx, r.AwardID); serr == nil {
			return issued(stored), nil
		}
		if attempt == issueAttempts {
			return nil, fmt.Errorf("store credential: %w", err)
		}
	}
}

// issueAttempts is how many times Issue signs a credential before it
// gives up on a status list index that keeps being taken.
const issueAttempts = 3

// slot returns the status list index a credential of the award gets:
// proposed by the store, or, when the store has none to propose or
// reserve is set, reserved through Allocate. A new list is signed at once.
func (s *Service) slot(ctx context.Context, awardID, issuerID string, reserve bool) (Slot, error) {
	if !reserve {
		slot, err := s.store.FreeSlot(ctx, &Allocation{
			AwardID: awardID, IssuerID: issuerID, Purpose: statuslist.PurposeRevocation,
			Size: statuslist.MinSize, Random: s.rand, Now: s.now(),
		})
		if err == nil {
			return slot, nil
		}
		if badged.KindOf(err) != badged.NotFound {
			return Slot{}, fmt.Errorf("find a status list index: %w", err)
		}
	}
	slot, err := s.allocate(ctx, awardID, issuerID)
	if err != nil {
		return Slot{}, err
	}
	if slot.NewList {
		// Publish the new list at once; StatusListCredential would also
		// sign it on first request.
		if _, _, err := s.StatusListCredential(ctx, slot.ListID); err != nil {
			return Slot{}, fmt.Errorf("sign new status list: %w", err)
		}
	}
	return slot, nil
}

// sign builds the credential of r with the status entry of slot and
// signs it twice with key as vm: as eddsa-rdfc-2022 JSON-LD and as an OB
// 3.0 VC-JWT.
// endorsements, when any, go in the achievement's endorsement array.
func (s *Service) sign(r issuer.IssueRequest, id string, issuedAt time.Time, slot Slot, key crypto.Signer, vm string, endorsements []any) (*Credential, error) {
	listURL := s.StatusListURL(slot.ListID)
	doc, validUntil, err := s.build(r, id, issuedAt, credential.StatusEntry{
		ID:                   listURL + "#" + strconv.Itoa(slot.Index),
		Type:                 statuslist.TypeBitstring,
		StatusPurpose:        statuslist.PurposeRevocation,
		StatusListIndex:      strconv.Itoa(slot.Index),
		StatusListCredential: listURL,
	})
	if err != nil {
		return nil, err
	}
	if len(endorsements) > 0 {
		if a, ok := doc["credentialSubject"].(map[string]any)["achievement"].(map[string]any); ok {
			a["endorsement"] = endorsements
		}
	}
	signed, err := s.proofs.Sign(doc, key, dataintegrity.Options{
		Cryptosuite:        dataintegrity.RDFC,
		VerificationMethod: vm,
		Created:            s.now(),
	})
	if err != nil {
		return nil, badged.Wrap(badged.Internal, err, "the credential could not be signed")
	}
	raw, err := json.Marshal(signed)
	if err != nil {
		return nil, fmt.Errorf("encode credential: %w", err)
	}
	jwt, err := jose.Sign(doc, key, vm, jose.OBJWT)
	if err != nil {
		return nil, badged.Wrap(badged.Internal, err, "the credential could not be signed as a VC-JWT")
	}
	return &Credential{
		IssuedCredential: issuer.IssuedCredential{
			ID: id, AwardID: r.AwardID, JSON: raw, JWT: []byte(jwt), ValidUntil: validUntil,
			StatusList: listURL, StatusIdx: slot.Index, IssuedAt: issuedAt,
		},
		IssuerID: r.Issuer.ID,
		ListID:   slot.ListID,
	}, nil
}

func checkRequest(r *issuer.IssueRequest) error {
	switch {
	case r.AwardID == "":
		return badged.Errorf(badged.Invalid, "issue: the award has no ID")
	case r.Institution == nil || r.Issuer == nil || r.BadgeClass == nil:
		return badged.Errorf(badged.Invalid, "issue: the institution, issuer and badge class are required")
	case r.Issuer.InstitutionID != r.Institution.ID || r.BadgeClass.IssuerID != r.Issuer.ID:
		return badged.Errorf(badged.Invalid, "issue: the badge class, issuer and institution do not belong together")
	case r.Recipient.EduID == "" && r.Recipient.Email == "" && r.Recipient.EPPN == "" && r.Recipient.HolderDID == "":
		return badged.Errorf(badged.Invalid, "issue: the recipient has no eduID, email, EPPN or DID")
	}
	return nil
}

// issued returns a copy of c's IssuedCredential.
func issued(c *Credential) *issuer.IssuedCredential {
	ic := c.IssuedCredential
	ic.JSON = append([]byte(nil), c.JSON...)
	ic.JWT = append([]byte(nil), c.JWT...)
	return &ic
}

func (s *Service) allocate(ctx context.Context, awardID, issuerID string) (Slot, error) {
	return s.allocateFor(ctx, awardID, issuerID, statuslist.PurposeRevocation)
}

// allocateFor reserves an index for awardID in the issuer's current list
// of purpose (the store makes a new list when it needs one).
func (s *Service) allocateFor(ctx context.Context, awardID, issuerID, purpose string) (Slot, error) {
	newList, err := credential.NewID(s.rand)
	if err != nil {
		return Slot{}, fmt.Errorf("status list id: %w", err)
	}
	slot, err := s.store.Allocate(ctx, &Allocation{
		AwardID: awardID, IssuerID: issuerID, Purpose: purpose,
		NewListID: newList[len("urn:uuid:"):], Size: statuslist.MinSize, EmptyList: s.emptyList,
		Random: s.rand, Now: s.now(),
	})
	if err != nil {
		return Slot{}, fmt.Errorf("allocate a status list index: %w", err)
	}
	return slot, nil
}

// build returns the unsigned credential as a JSON map, and its validUntil.
func (s *Service) build(r issuer.IssueRequest, id string, issuedAt time.Time, status credential.StatusEntry) (map[string]any, time.Time, error) {
	bc := r.BadgeClass
	lang := bc.Language
	if lang == "" {
		lang = r.Institution.DefaultLanguage
	}
	achievement := s.achievement(bc, lang, r.Grade != "")

	var rcpt credential.Recipient
	rcpt.DID = r.Recipient.HolderDID
	for _, ident := range []struct{ typ, value string }{
		{IdentityEduID, r.Recipient.EduID},
		{credential.IdentityEmail, r.Recipient.Email},
		{IdentityEPPN, r.Recipient.EPPN},
	} {
		if ident.value == "" {
			continue
		}
		o, err := credential.NewIdentityObject(ident.typ, ident.value, s.rand)
		if err != nil {
			return nil, time.Time{}, err
		}
		rcpt.Identifiers = append(rcpt.Identifiers, o)
	}

	opts := []credential.Option{
		credential.WithID(id),
		credential.WithValidFrom(issuedAt),
		credential.WithAwardedDate(issuedAt),
		credential.WithStatus(status),
		credential.WithRand(s.rand),
	}
	var validUntil time.Time
	if bc.ExpiryDays > 0 {
		validUntil = issuedAt.AddDate(0, 0, bc.ExpiryDays)
		opts = append(opts, credential.WithValidUntil(validUntil))
	}
	if im := image(bc.ImageURL); im != nil {
		opts = append(opts, credential.WithImage(*im))
	}
	if r.Grade != "" {
		opts = append(opts, credential.WithResults(credential.Result{
			Type:              credential.Types{credential.TypeResult},
			ResultDescription: achievement.ResultDescription[0].ID,
			Value:             r.Grade,
		}))
	}
	opts = append(opts, credential.WithEvidence(evidence(r.EvidenceURL, r.Narrative)...))

	opts = append(opts, credential.WithBaseURL(s.base))
	doc, err := credential.Document(*achievement, *s.profile(r.Institution, r.Issuer, lang), rcpt, opts...)
	if err != nil {
		return nil, time.Time{}, err
	}
	return doc, validUntil, nil
}

// evidence returns one Evidence per URL, the narrative on the first, or
// a narrative-only Evidence when there is no URL.
func evidence(urls []string, narrative string) []credential.Evidence {
	var out []credential.Evidence
	for _, u := range urls {
		if u == "" {
			continue
		}
		out = append(out, credential.Evidence{ID: u, Type: credential.Types{credential.TypeEvidence}})
	}
	if narrative != "" {
		if len(out) > 0 {
			out[0].Narrative = narrative
		} else {
			out = append(out, credential.Evidence{Type: credential.Types{credential.TypeEvidence}, Narrative: narrative})
		}
	}
	return out
}

// Achievement types written for badge classes.
const (
	achievementBadge           = "Badge"
	achievementMicrocredential = "MicroCredential"
)

// achievement maps a badge class to an Achievement: ECTS credits to
// creditsAvailable, EQF and NLQF levels to alignments, the programme code to
// an otherIdentifier, the rest one field to one field; see
// issuer.BadgeClass.
func (s *Service) achievement(bc *issuer.BadgeClass, lang string, graded bool) *credential.Achievement {
	a := &credential.Achievement{
		ID:              s.AchievementID(bc.ID),
		Type:            credential.Types{credential.TypeAchievement},
		AchievementType: achievementBadge,
		Name:            bc.Name.In(lang),
		Description:     bc.Description.In(lang),
		Image:           image(bc.ImageURL),
		InLanguage:      bc.Language,
		Tag:             append([]string(nil), bc.Tags...),

		CreditsAvailable:            bc.ECTSCredits,
		StudyLoad:                   bc.StudyLoad,
		TimeInvestment:              bc.TimeInvestment,
		LearningOutcome:             bc.LearningOutcome.In(lang),
		AssessmentType:              bc.AssessmentType,
		AssessmentSupervised:        bc.AssessmentSupervised,
		AssessmentIdentityVerified:  bc.AssessmentIdentityVerified,
		QualityAssuranceName:        bc.QualityAssurance.Name,
		QualityAssuranceURL:         bc.QualityAssurance.URL,
		QualityAssuranceDescription: bc.QualityAssurance.Description,
		Participation:               bc.Participation,
		Stackable:                   bc.Stackable,
	}
	if bc.Criteria.URL != "" || !bc.Criteria.Narrative.IsZero() {
		a.Criteria = &credential.Criteria{ID: bc.Criteria.URL, Narrative: bc.Criteria.Narrative.In(lang)}
	}
	if bc.Microcredential {
		a.AchievementType = achievementMicrocredential
		a.Microcredential = ptr(true)
	}
	if bc.GradeAchievedRequired {
		a.GradeAchievedRequired = ptr(true)
	}
	if bc.EducationProgramIdentifier != "" {
		a.OtherIdentifier = []credential.IdentifierEntry{{Type: credential.TypeIdentifierEntry,
			Identifier: bc.EducationProgramIdentifier, IdentifierType: credential.IdentifierProgramme}}
	}
	if bc.EQFLevel != nil {
		a.Alignment = append(a.Alignment, credential.EQFAlignment(*bc.EQFLevel))
	}
	if bc.NLQFLevel != "" {
		a.Alignment = append(a.Alignment, credential.NLQFAlignment(string(bc.NLQFLevel)))
	}
	for _, al := range bc.Alignments {
		a.Alignment = append(a.Alignment, credential.Alignment{
			Type:       credential.Types{credential.TypeAlignment},
			TargetName: al.TargetName, TargetURL: al.TargetURL, TargetDescription: al.TargetDescription,
			TargetFramework: al.TargetFramework, TargetCode: al.TargetCode,
		})
	}
	if !graded && !bc.GradeAchievedRequired {
		return a
	}
	// A grade is a result the achievement describes.
	a.ResultDescription = []credential.ResultDescription{{
		ID:         a.ID + "#grade",
		Type:       credential.Types{credential.TypeResultDescription},
		Name:       map[bool]string{true: "Cijfer", false: "Grade"}[lang == issuer.LangNL],
		ResultType: "Result",
	}}
	return a
}

func ptr[T any](v T) *T { return &v }

// Preview returns the credential an award of r's badge class would get,
// unsigned and without storing anything: for the badge class editor, which
// shows it while the class is edited. Its id and status entry are
// placeholders, the recipient is r's (or a sample learner), and it is
// dated now. The error is Invalid when the badge class cannot make a
// valid achievement yet (no name, say).
func (s *Service) Preview(r issuer.IssueRequest) (map[string]any, error) {
	if r.Institution == nil || r.Issuer == nil || r.BadgeClass == nil {
		return nil, badged.Errorf(badged.Invalid, "preview: the institution, issuer and badge class are required")
	}
	if r.Recipient.EduID == "" && r.Recipient.Email == "" && r.Recipient.EPPN == "" && r.Recipient.HolderDID == "" {
		r.Recipient.Email = "learner@example.org"
	}
	listURL := s.StatusListURL("preview")
	doc, _, err := s.build(r, "urn:uuid:00000000-0000-4000-8000-000000000000", s.now().UTC().Truncate(time.Second), credential.StatusEntry{
		ID: listURL + "#0", Type: statuslist.TypeBitstring, StatusPurpose: statuslist.PurposeRevocation,
		StatusListIndex: "0", StatusListCredential: listURL,
	})
	return doc, err
}
