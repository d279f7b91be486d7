package page

import (
	"context"
	"encoding/json"
	"time"

	"github.com/badged/badged/endorsement"
)

// EndorsementReader gives the public endorsements the pages show;
// *endorsement.Service is one.
type EndorsementReader interface {
	// Shown returns those of a badge class (and of credentialID, when
	// given).
	Shown(ctx context.Context, badgeClassID, credentialID string) ([]*endorsement.Endorsement, error)
	// ShownFor returns those of the badge class whose Achievement id is
	// achievementID (none for another server's), and of credentialID.
	ShownFor(ctx context.Context, achievementID, credentialID string) ([]*endorsement.Endorsement, error)
}

// Endorsement is an accepted endorsement as a page shows it (the
// layout's "endorsements" block): who endorses, what they say, since
// when, and whether it endorses this one credential rather than the badge.
type Endorsement struct {
	By         string
	Comment    string
	Date       string
	Credential bool
}

// EndorsementsOf returns the endorsements a page shows of a badge class,
// in lang. Without an EndorsementReader, or when reading fails (logged),
// there are none: a page never fails for them.
func (h *Handler) EndorsementsOf(ctx context.Context, lang, badgeClassID string) []Endorsement {
	if h.Endorsements == nil {
		return nil
	}
	l, err := h.Endorsements.Shown(ctx, badgeClassID, "")
	return h.endorsementViews(ctx, lang, l, err)
}

// EndorsementsFor returns the endorsements a page shows with a
// credential: those of its achievement's badge class on this server, and
// of the credential itself. See [Handler.EndorsementsOf].
func (h *Handler) EndorsementsFor(ctx context.Context, lang, achievementID, credentialID string) []Endorsement {
	if h.Endorsements == nil || achievementID == "" {
		return nil
	}
	l, err := h.Endorsements.ShownFor(ctx, achievementID, credentialID)
	return h.endorsementViews(ctx, lang, l, err)
}

func (h *Handler) endorsementViews(ctx context.Context, lang string, l []*endorsement.Endorsement, err error) []Endorsement {
	if err != nil {
		if h.Log != nil {
			h.Log.ErrorContext(ctx, "read endorsements", "err", err)
		}
		return nil
	}
	out := make([]Endorsement, 0, len(l))
	for _, e := range l {
		v := Endorsement{By: e.InstitutionID, Comment: e.Comment, Date: DateText(lang, e.Decided.Format(time.RFC3339)),
			Credential: e.Target == endorsement.TargetCredential}
		if h.InstitutionRecords != nil {
			if in, err := h.InstitutionRecords.Institution(ctx, e.InstitutionID); err == nil {
				v.By = in.Name.In(lang)
			}
		}
		out = append(out, v)
	}
	return out
}

// CredentialIDOf returns the id of a credential held as JSON, or "" (a
// JWT, or no id).
func CredentialIDOf(raw []byte) string {
	var c struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &c) != nil {
		return ""
	}
	return c.ID
}
