package wallet

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strings"

	"github.com/badged/badged/audit"
	"github.com/badged/badged/issuer"
)

// Pseudonym returns the learner's pseudonym in the audit trail:
// audit.LearnerPrefix and 32 base32 characters of an HMAC, keyed with the
// seed of their wallet key, which is random per user and kept sealed in
// their wallet. Nobody can tell whose it is without that key, and
// deleting the account deletes it, so after deletion the audit entries no
// longer link to anyone. It creates the wallet key on first use. Errors:
// Unauthorized without a user ID; the store's; Internal when the key
// cannot be unsealed.
func (s *Service) Pseudonym(ctx context.Context, userID string) (string, error) {
	key, _, err := s.signer(ctx, userID)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key.Seed())
	mac.Write([]byte("badged audit pseudonym v1"))
	sum := mac.Sum(nil)
	return audit.LearnerPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:20])), nil
}

// LearnerAction reports whether the learner caused e acting on their own
// award: a request, the claim or rejection of a direct award, and the
// issuance a claim triggers.
func LearnerAction(e issuer.Event) bool {
	switch {
	case e.ActorID == "":
		return false
	case e.Kind == issuer.EventRequested, e.Kind == issuer.EventRejected:
		return true
	case e.Kind == issuer.EventAccepted && e.From == issuer.AwardSent:
		return true
	case e.Kind == issuer.EventIssued && e.ActorID == e.Recipient.UserID:
		return true
	}
	return false
}

// AuditActor returns the actor an audit entry of e names: "system" for
// the scheduler's, the learner's pseudonym for their own actions (see
// [LearnerAction]), "learner" when it cannot be derived (s nil, or the
// wallet failing), and otherwise the staff member's user ID.
func (s *Service) AuditActor(ctx context.Context, e issuer.Event) string {
	switch {
	case e.ActorID == "":
		return "system"
	case !LearnerAction(e):
		return e.ActorID
	case s == nil:
		return "learner"
	}
	p, err := s.Pseudonym(ctx, e.ActorID)
	if err != nil {
		return "learner"
	}
	return p
}
