package wallet

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
)

const maxCollectionName = 200

// SaveCollection creates (c.ID empty) or replaces one of the learner's
// collections: a name and some of their holdings. Errors: Unauthorized;
// Invalid without a name or with a long one; NotFound for a holding or
// collection that is not the learner's.
func (s *Service) SaveCollection(ctx context.Context, l issuer.Learner, c Collection) (*Collection, error) {
	if err := unauthorized(l); err != nil {
		return nil, err
	}
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" || utf8.RuneCountInString(c.Name) > maxCollectionName {
		return nil, badged.Errorf(badged.Invalid, "a collection needs a name of at most %d characters", maxCollectionName)
	}
	var ids []string
	for _, id := range c.HoldingIDs {
		if _, err := s.holding(ctx, l, id); err != nil {
			return nil, err
		}
		if !strings.Contains(strings.Join(ids, "\x00")+"\x00", id+"\x00") {
			ids = append(ids, id)
		}
	}
	now := s.timestamp()
	out := &Collection{ID: c.ID, UserID: l.UserID, Name: c.Name, HoldingIDs: ids, Created: now, Updated: now}
	if c.ID == "" {
		id, err := s.newID("col_")
		if err != nil {
			return nil, err
		}
		out.ID = id
	} else {
		old, err := s.store.Collection(ctx, l.UserID, c.ID)
		if err != nil {
			return nil, err
		}
		out.Created = old.Created
	}
	if err := s.store.PutCollection(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Collections lists the learner's collections. Errors: Unauthorized.
func (s *Service) Collections(ctx context.Context, l issuer.Learner) ([]*Collection, error) {
	if err := unauthorized(l); err != nil {
		return nil, err
	}
	return s.store.Collections(ctx, l.UserID)
}

// Collection returns one of the learner's collections. Errors:
// Unauthorized; NotFound, also for someone else's.
func (s *Service) Collection(ctx context.Context, l issuer.Learner, id string) (*Collection, error) {
	if err := unauthorized(l); err != nil {
		return nil, err
	}
	return s.store.Collection(ctx, l.UserID, id)
}

// DeleteCollection removes a collection (not its holdings). Errors:
// Unauthorized; NotFound, also for someone else's.
func (s *Service) DeleteCollection(ctx context.Context, l issuer.Learner, id string) error {
	if err := unauthorized(l); err != nil {
		return err
	}
	return s.store.DeleteCollection(ctx, l.UserID, id)
}
