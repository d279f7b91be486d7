package effects

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/badged/badged/audit"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/notify"
)

// Change records c, a change to the hierarchy, staff or API clients, in
// the audit trail with its actor and a diff of the record, and enqueues
// the invitation mail of a staff invitation: the issuer.WithChanges and
// auth.WithChanges callback. It runs in the goroutine that made the
// change, after the change is stored; a failure is logged and does not
// undo the change. Entries and mails have IDs derived from the change, so
// a change reported twice is recorded and mailed once.
func (r *Recorder) Change(c issuer.Change) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.record(ctx, c); err != nil {
		r.logger().Error("audit: change not recorded", "action", c.Action, "target", c.TargetID, "err", err)
	}
	if c.Action == issuer.ChangeStaffInvite {
		if err := r.invitation(ctx, c); err != nil {
			r.logger().Error("notify: staff invitation not enqueued", "membership", c.TargetID, "err", err)
		}
	}
}

func (r *Recorder) record(ctx context.Context, c issuer.Change) error {
	details, err := changeDetails(c.Before, c.After)
	if err != nil {
		return err
	}
	_, err = r.trail.Record(ctx, audit.Entry{ID: ChangeID(c), Time: c.At, InstitutionID: c.InstitutionID,
		Actor: c.ActorID, Action: c.Action, Target: audit.Target{Kind: c.TargetKind, ID: c.TargetID}, Details: details})
	return err
}

// ChangeID identifies a change for idempotency: its action, target and
// time.
func ChangeID(c issuer.Change) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%s\x00%d", c.Action, c.TargetKind, c.TargetID, c.At.UnixNano()))
	return hex.EncodeToString(sum[:16])
}

// bookkeeping are the fields every change changes, left out of diffs.
var bookkeeping = []string{"Version", "Created", "Updated"}

// changeDetails is the diff of a record: {"before": {…}, "after": {…}}
// with the fields that changed (all of them for a creation or removal).
// A diff larger than an audit entry holds is cut to the names of the
// changed fields, {"changed": […]}.
func changeDetails(before, after any) (json.RawMessage, error) {
	b, err := fieldsOf(before)
	if err != nil {
		return nil, err
	}
	a, err := fieldsOf(after)
	if err != nil {
		return nil, err
	}
	d, err := audit.Diff(b, a)
	if err != nil || len(d) <= audit.MaxDetails {
		return d, err
	}
	var names []string
	for k, v := range a {
		if w, ok := b[k]; !ok || string(v) != string(w) {
			names = append(names, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	return json.Marshal(map[string]any{"changed": names, "truncated": true})
}

// fieldsOf is the JSON object of a record without its bookkeeping
// fields; an empty one for nil.
func fieldsOf(v any) (map[string]json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	if v == nil {
		return m, nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("audit: %T is not a JSON object", v)
	}
	for _, k := range bookkeeping {
		delete(m, k)
	}
	return m, nil
}

// invitation enqueues the staff invitation mail of an invite change, in
// the institution's default language (Dutch when it has none).
func (r *Recorder) invitation(ctx context.Context, c issuer.Change) error {
	m := c.Membership
	if m == nil || m.Email == "" {
		return nil
	}
	in, err := r.hierarchy.Institution(ctx, m.InstitutionID)
	if err != nil {
		return err
	}
	lang := notify.Lang(cmp.Or(in.DefaultLanguage, notify.LangNL))
	entity := in.Name.In(lang)
	switch m.Role.Level() {
	case issuer.LevelGroup:
		if g, err := r.hierarchy.Group(ctx, m.NodeID); err == nil {
			entity = g.Name.In(lang)
		}
	case issuer.LevelIssuer:
		if is, err := r.hierarchy.Issuer(ctx, m.NodeID); err == nil {
			entity = is.Name.In(lang)
		}
	case issuer.LevelBadgeClass:
		if bc, err := r.hierarchy.BadgeClass(ctx, m.NodeID); err == nil {
			entity = bc.Name.In(lang)
		}
	}
	var inviter string
	if r.names != nil && m.InvitedBy != "" {
		inviter = r.names(ctx, m.InvitedBy)
	}
	return r.outbox.Enqueue(ctx, notify.Message{
		ID: "staff-invitation:" + m.ID, InstitutionID: m.InstitutionID, To: m.Email, Lang: lang,
		Template: notify.TemplateStaffInvitation,
		Data: notify.StaffInvitation{InviterName: inviter, InstitutionName: in.Name.In(lang),
			Role: roleLabel(m.Role, lang), Entity: entity, AcceptURL: r.baseURL + "/login"},
	})
}

// roleLabels names the roles as people read them.
var roleLabels = map[issuer.Role][2]string{ // {en, nl}
	issuer.RoleInstitutionAdmin:   {"institution administrator", "instellingsbeheerder"},
	issuer.RoleInstitutionAwarder: {"institution awarder", "uitreiker van de instelling"},
	issuer.RoleViewer:             {"viewer", "kijker"},
	issuer.RoleGroupAdmin:         {"issuer group administrator", "beheerder van de uitgeversgroep"},
	issuer.RoleGroupAwarder:       {"issuer group awarder", "uitreiker van de uitgeversgroep"},
	issuer.RoleIssuerAdmin:        {"issuer administrator", "beheerder van de uitgever"},
	issuer.RoleIssuerAwarder:      {"issuer awarder", "uitreiker van de uitgever"},
	issuer.RoleBadgeClassOwner:    {"badge class owner", "eigenaar van de badge"},
	issuer.RoleBadgeClassEditor:   {"badge class editor", "redacteur van de badge"},
	issuer.RoleBadgeClassAwarder:  {"badge class awarder", "uitreiker van de badge"},
}

func roleLabel(r issuer.Role, lang string) string {
	l, ok := roleLabels[r]
	if !ok {
		return string(r)
	}
	if lang == notify.LangNL {
		return l[1]
	}
	return l[0]
}
