package issuance

import (
	"context"
	"net/url"
	"strings"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/jsonld"
)

// BadgeClassOf returns the badge class of issuerID whose credential doc is:
// an Open Badge each of whose subjects holds the badge class's achievement,
// named by the id badged gives it (<base>/badgeclasses/<id>) and by its
// name in one of its languages. A client without the free-form permission
// issues only such credentials through the VC-API.
//
// The error is Forbidden, saying what does not fit: not an Open Badge, no
// or several achievements, an achievement that is not a badge class of
// this server, of another issuer, not published, or under another name;
// otherwise the store's.
func (s *Service) BadgeClassOf(ctx context.Context, issuerID string, doc map[string]any) (*issuer.BadgeClass, error) {
	refuse := func(format string, args ...any) error {
		return badged.Errorf(badged.Forbidden, "this client issues only credentials of a badge class: "+format, args...)
	}
	if !isOpenBadge(doc) {
		return nil, refuse("the credential is not an Open Badge (OpenBadgeCredential)")
	}
	prefix := s.base + "/badgeclasses/"
	var id, name string
	subjects := jsonld.List(doc["credentialSubject"])
	if len(subjects) == 0 {
		return nil, refuse("the credential has no credentialSubject")
	}
	for _, sub := range subjects {
		m, _ := sub.(map[string]any)
		a, _ := m["achievement"].(map[string]any)
		aid, _ := a["id"].(string)
		rest, ok := strings.CutPrefix(aid, prefix)
		bcID, err := url.PathUnescape(rest)
		if !ok || rest == "" || err != nil {
			return nil, refuse("credentialSubject.achievement.id must be the URL of one of this server's badge classes (%s<id>), not %q", prefix, aid)
		}
		if id != "" && bcID != id {
			return nil, refuse("the subjects hold different achievements")
		}
		id = bcID
		name, _ = a["name"].(string)
	}
	bc, err := s.store.BadgeClass(ctx, id)
	if badged.KindOf(err) == badged.NotFound {
		return nil, refuse("there is no badge class %s", id)
	}
	if err != nil {
		return nil, err
	}
	switch {
	case bc.IssuerID != issuerID:
		return nil, refuse("badge class %s is not of issuer %s", id, issuerID)
	case bc.State != issuer.Published:
		return nil, refuse("badge class %s is %s, not published", id, bc.State)
	case name == "" || (name != bc.Name.EN && name != bc.Name.NL):
		return nil, refuse("the achievement's name %q is not the badge class's (%q)", name, bc.Name.In(""))
	}
	return bc, nil
}
