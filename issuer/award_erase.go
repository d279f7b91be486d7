package issuer

import (
	"context"

	"github.com/badged/badged"
)

// RecipientEraser is the optional capability of an [AwardStore] to erase
// a learner from awards, for account deletion. storage/bolt and
// storage/postgres implement it.
type RecipientEraser interface {
	// EraseRecipient clears the recipient (user ID, eduID, EPPN, email,
	// name and wallet DID) of every award whose recipient has any of the
	// learner's identifiers, as [AwardQuery.Learner] selects them, and
	// returns how many it changed. The awards themselves stay, for the
	// institution's counts, and their credentials stay valid.
	EraseRecipient(ctx context.Context, l Learner) (int, error)
}

// EraseLearner removes the learner's identifiers and name from their
// awards (requests, direct awards, issued or not), for the deletion of
// their account; see [RecipientEraser]. Errors: Unauthorized without a
// user ID; Unavailable when the store cannot erase; the store's.
func (s *Service) EraseLearner(ctx context.Context, l Learner) (int, error) {
	if l.UserID == "" {
		return 0, badged.Errorf(badged.Unauthorized, "sign in first")
	}
	e, ok := s.store.(RecipientEraser)
	if !ok {
		return 0, badged.Errorf(badged.Unavailable, "this store cannot erase award recipients")
	}
	return e.EraseRecipient(ctx, l.normal())
}
