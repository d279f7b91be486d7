package issuer

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/badged/badged"
)

// A badge class's prerequisites are other badge classes, of any
// institution, that a learner must hold — an accepted award, not revoked —
// before requesting it (edubadges' "required badges"). They are checked
// when a learner requests the badge; staff who award directly decide for
// themselves. Open Badges 3.0 has no term for them, so they are not
// written into credentials; the catalogue shows them.

// maxPrerequisites is how many prerequisites a badge class may have.
const maxPrerequisites = 5

// normalPrerequisites trims the ids and drops empty and repeated ones.
func normalPrerequisites(ids []string) []string {
	var out []string
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// checkPrerequisites refuses, as a field error, prerequisites that are too
// many, the badge class itself, or badge classes that do not exist or are
// not published.
func (s *Service) checkPrerequisites(ctx context.Context, bc *BadgeClass) error {
	var p problems
	if len(bc.Prerequisites) > maxPrerequisites {
		p.add("prerequisites", fmt.Sprintf("at most %d badge classes", maxPrerequisites))
	}
	for _, id := range bc.Prerequisites {
		if id == bc.ID {
			p.add("prerequisites", "a badge class cannot require itself")
			continue
		}
		pre, err := s.store.BadgeClass(ctx, id)
		switch {
		case badged.KindOf(err) == badged.NotFound:
			p.add("prerequisites", fmt.Sprintf("there is no badge class %s", id))
		case err != nil:
			return fmt.Errorf("prerequisite %s: %w", id, err)
		case pre.State != Published:
			p.add("prerequisites", fmt.Sprintf("%s is %s: only a published badge class can be required", pre.Name.In(LangEN), pre.State))
		}
	}
	return p.err("badge class")
}

// holdsPrerequisites returns nil when l holds every prerequisite of bc,
// and otherwise a Conflict that names the badge classes still missing.
func (s *Service) holdsPrerequisites(ctx context.Context, l Learner, bc *BadgeClass) error {
	if len(bc.Prerequisites) == 0 {
		return nil
	}
	held, err := s.store.Awards(ctx, AwardQuery{Learner: &Learner{UserID: l.UserID}, States: []AwardState{AwardAccepted}})
	if err != nil {
		return fmt.Errorf("awards of %s: %w", l.UserID, err)
	}
	var missing []string
	for _, id := range bc.Prerequisites {
		if slices.ContainsFunc(held, func(a *Award) bool { return a.BadgeClassID == id }) {
			continue
		}
		name := id
		if pre, err := s.store.BadgeClass(ctx, id); err == nil {
			name = pre.Name.In(LangEN)
		}
		missing = append(missing, name)
	}
	if len(missing) > 0 {
		return badged.Errorf(badged.Conflict, "this badge requires that you hold first: %s", strings.Join(missing, ", "))
	}
	return nil
}
