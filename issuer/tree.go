package issuer

import (
	"context"
	"fmt"

	"github.com/badged/badged"
)

// Tree is an institution's hierarchy as one actor may see it: the
// nodes the actor may read, and the nodes above them as the way there
// (an issuer's awarder sees the issuer, its badge classes, and the names
// of its group and institution).
type Tree struct {
	Institution *Institution
	Groups      []GroupTree
}

// GroupTree is a group and the issuers under it that the actor may see.
type GroupTree struct {
	*Group
	Issuers []IssuerTree
}

// IssuerTree is an issuer and the badge classes under it that the actor
// may see.
type IssuerTree struct {
	*Issuer
	BadgeClasses []*BadgeClass
}

// Tree returns institution's hierarchy as a may see it; Forbidden when a
// may see nothing of it.
func (s *Service) Tree(ctx context.Context, a Actor, institutionID string) (*Tree, error) {
	in, err := s.store.Institution(ctx, institutionID)
	if err != nil {
		return nil, err
	}
	var ms []*Membership
	if !a.Superuser {
		if a.UserID == "" {
			return nil, badged.Errorf(badged.Unauthorized, "sign in first")
		}
		if ms, err = s.store.MembershipsByUser(ctx, a.UserID); err != nil {
			return nil, fmt.Errorf("memberships of %s: %w", a.UserID, err)
		}
	}
	can := func(p Path) bool { return a.Superuser || Can(ms, ActionRead, p) }
	t := &Tree{Institution: in}
	groups, err := s.store.Groups(ctx, institutionID)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		gt := GroupTree{Group: g}
		issuers, err := s.store.Issuers(ctx, g.ID)
		if err != nil {
			return nil, err
		}
		for _, is := range issuers {
			it := IssuerTree{Issuer: is}
			bcs, err := s.store.BadgeClasses(ctx, is.ID)
			if err != nil {
				return nil, err
			}
			for _, bc := range bcs {
				if can(bc.Path()) {
					it.BadgeClasses = append(it.BadgeClasses, bc)
				}
			}
			if can(is.Path()) || len(it.BadgeClasses) > 0 {
				gt.Issuers = append(gt.Issuers, it)
			}
		}
		if can(g.Path()) || len(gt.Issuers) > 0 {
			t.Groups = append(t.Groups, gt)
		}
	}
	if !can(in.Path()) && len(t.Groups) == 0 {
		return nil, badged.Errorf(badged.Forbidden, "you may not read this institution")
	}
	return t, nil
}

// Lineage returns the institution, group and issuer a badge class is
// issued under, for one who may edit it: who may update the stored badge
// class bc.ID, or, for a new one (no ID), who may create badge classes at
// bc.IssuerID. The badge class editor's preview builds a credential with
// them, for people (a badge class's editor) who may not read those nodes
// themselves.
func (s *Service) Lineage(ctx context.Context, a Actor, bc *BadgeClass) (*Institution, *Group, *Issuer, error) {
	issuerID := bc.IssuerID
	if bc.ID != "" {
		if err := s.MayUpdateBadgeClass(ctx, a, bc.ID); err != nil {
			return nil, nil, nil, err
		}
		stored, err := s.store.BadgeClass(ctx, bc.ID)
		if err != nil {
			return nil, nil, nil, err
		}
		issuerID = stored.IssuerID
	} else if err := s.MayCreate(ctx, a, LevelIssuer, issuerID); err != nil {
		return nil, nil, nil, err
	}
	is, err := s.store.Issuer(ctx, issuerID)
	if err != nil {
		return nil, nil, nil, err
	}
	g, err := s.store.Group(ctx, is.GroupID)
	if err != nil {
		return nil, nil, nil, err
	}
	in, err := s.store.Institution(ctx, is.InstitutionID)
	if err != nil {
		return nil, nil, nil, err
	}
	return in, g, is, nil
}
