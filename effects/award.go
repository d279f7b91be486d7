package effects

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/badged/badged/audit"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/notify"
)

// AwardURL is the address of the learner's page of award id, under
// baseURL: where the award's mails send the learner. It is the one place
// that builds it.
func AwardURL(baseURL, id string) string {
	return baseURL + "/backpack/awards/" + url.PathEscape(id)
}

// Awards returns the audit entries and mails of events, ready to be stored
// with the change they report: the [issuer.EffectsFunc] of
// [issuer.WithEffects]. Every event gets an entry; see [AwardMessage] for
// the mails, which a recipient whose address is not one email address
// (no mail could reach it) goes without, logged. It reads the institution, issuer and badge class of a mail's
// award (remembered for namesTTL), and the learner's pseudonym; it fails when a
// read fails or an entry or mail is invalid, which fails the change.
func (r *Recorder) Awards(ctx context.Context, events []issuer.Event) (issuer.Effects, error) {
	var fx issuer.Effects
	for _, e := range events {
		entry, err := r.trail.Prepare(AwardEntry(e, r.actor(ctx, e)))
		if err != nil {
			return issuer.Effects{}, fmt.Errorf("audit entry: %w", err)
		}
		fx.Audit = append(fx.Audit, entry)
		if !mailed(e) {
			continue
		}
		if _, err := notify.Address(e.Recipient.Email); err != nil {
			// No mail can reach it: the change stands without one.
			r.logger().Warn("notify: no mail for an award to a malformed address", "award", e.AwardID, "event", e.Kind)
			continue
		}
		lang, badge, err := r.badge(ctx, e)
		if err != nil {
			return issuer.Effects{}, err
		}
		m, err := r.outbox.Prepare(AwardMessage(e, lang, badge, r.baseURL))
		if err != nil {
			return issuer.Effects{}, fmt.Errorf("mail: %w", err)
		}
		fx.Mails = append(fx.Mails, m)
	}
	return fx, nil
}

// auditActions names the audit action of each event kind.
var auditActions = map[issuer.EventKind]string{
	issuer.EventRequested:       "award.request",
	issuer.EventRequestDenied:   audit.ActionAwardDeny,
	issuer.EventScheduled:       audit.ActionAwardCreate,
	issuer.EventDirectAwardSent: "award.send",
	issuer.EventReminder:        "award.remind",
	issuer.EventExpired:         audit.ActionAwardExpire,
	issuer.EventRejected:        audit.ActionAwardReject,
	issuer.EventDeleted:         "award.delete",
	issuer.EventAccepted:        audit.ActionAwardClaim,
	issuer.EventIssued:          "award.issue",
	issuer.EventRevoked:         audit.ActionAwardRevoke,
}

// AwardEntry is the audit entry of e, recorded under actor: the action
// its kind names (an approval and a direct award sent at once have their
// own), the award as target, and the event's details. Its ID is derived
// from the event ([EventID]).
func AwardEntry(e issuer.Event, actor string) audit.Entry {
	action, ok := auditActions[e.Kind]
	if !ok {
		action = "award." + strings.ReplaceAll(string(e.Kind), "-", "_")
	}
	switch {
	case e.Kind == issuer.EventAccepted && e.From == issuer.AwardRequested:
		action = audit.ActionAwardApprove
	case e.Kind == issuer.EventDirectAwardSent && e.From == "":
		action = audit.ActionAwardCreate // sent at once, not after a schedule
	}
	details := map[string]any{"event": e.Kind, "badgeClass": e.BadgeClassID}
	if e.From != "" || e.To != "" {
		details["from"], details["to"] = e.From, e.To
	}
	if e.BundleID != "" {
		details["bundle"] = e.BundleID
	}
	if e.Reason != "" {
		details["reason"] = e.Reason
	}
	if e.DaysLeft != 0 {
		details["daysLeft"] = e.DaysLeft
	}
	if e.CredentialID != "" {
		details["credential"] = e.CredentialID
	}
	b, _ := json.Marshal(details) // strings and ints only
	return audit.Entry{
		ID: EventID(e), Time: e.At, InstitutionID: e.InstitutionID, Actor: actor,
		Action: action, Target: audit.Target{Kind: "award", ID: e.AwardID}, Details: b,
	}
}

// EventID identifies an event for idempotency: its award, kind, mark and
// time. Its first four bytes are the award's alone, so that the entries of
// one award (a claim writes two) sit side by side in a store's index of
// entry IDs, and share the page their commit writes.
func EventID(e issuer.Event) string {
	award := sha256.Sum256([]byte(e.AwardID))
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%d\x00%d", e.AwardID, e.Kind, e.DaysLeft, e.At.UnixNano()))
	return hex.EncodeToString(award[:4]) + hex.EncodeToString(sum[:12])
}

// mailed reports whether e sends the learner a mail: it tells them
// something, and they have an address (a recipient known only by eduID or
// EPPN has none).
func mailed(e issuer.Event) bool {
	switch e.Kind {
	case issuer.EventDirectAwardSent, issuer.EventReminder, issuer.EventExpired, issuer.EventRequestDenied,
		issuer.EventRevoked, issuer.EventIssued:
		return e.Recipient.Email != ""
	}
	return false
}

// named is a badge's names in the language of its institution.
type named struct {
	lang  string
	badge notify.Badge
}

// badge returns the language of e's institution (Dutch when it has none;
// there is no per-learner language yet) and the names of e's badge in it,
// remembered for namesTTL after they are read.
func (r *Recorder) badge(ctx context.Context, e issuer.Event) (string, notify.Badge, error) {
	now := time.Now()
	if n, ok := r.badges.Get(e.BadgeClassID, now, time.Time{}); ok {
		return n.Value.lang, n.Value.badge, nil
	}
	in, err := r.hierarchy.Institution(ctx, e.InstitutionID)
	if err != nil {
		return "", notify.Badge{}, fmt.Errorf("institution of award %s: %w", e.AwardID, err)
	}
	is, err := r.hierarchy.Issuer(ctx, e.IssuerID)
	if err != nil {
		return "", notify.Badge{}, fmt.Errorf("issuer of award %s: %w", e.AwardID, err)
	}
	bc, err := r.hierarchy.BadgeClass(ctx, e.BadgeClassID)
	if err != nil {
		return "", notify.Badge{}, fmt.Errorf("badge class of award %s: %w", e.AwardID, err)
	}
	lang := notify.Lang(cmp.Or(in.DefaultLanguage, notify.LangNL))
	b := notify.Badge{Name: bc.Name.In(lang), IssuerName: is.Name.In(lang), InstitutionName: in.Name.In(lang)}
	r.badges.Put(e.BadgeClassID, named{lang, b}, now, now.Add(namesTTL))
	return lang, b, nil
}

// AwardMessage is the learner's mail of e, in lang, about badge, linking
// to [AwardURL] under baseURL: "award waiting" for a direct award sent,
// a reminder, an expiry, a denied request, a revocation, and "badge
// received" for an issuance. Its ID is derived from the event, so that
// each award gets each mail (each reminder mark) once.
func AwardMessage(e issuer.Event, lang string, badge notify.Badge, baseURL string) notify.Message {
	awardURL := AwardURL(baseURL, e.AwardID)
	name := e.Recipient.Name
	var (
		tmpl notify.Template
		data any
	)
	switch e.Kind {
	case issuer.EventDirectAwardSent:
		tmpl, data = notify.TemplateAwardWaiting, notify.AwardWaiting{RecipientName: name, Badge: badge, ClaimURL: awardURL, Expires: e.ClaimDeadline}
	case issuer.EventReminder:
		tmpl, data = notify.TemplateAwardReminder, notify.AwardReminder{RecipientName: name, Badge: badge, ClaimURL: awardURL,
			DaysLeft: e.DaysLeft, Expires: e.ClaimDeadline}
	case issuer.EventExpired:
		tmpl, data = notify.TemplateAwardExpired, notify.AwardExpired{RecipientName: name, Badge: badge}
	case issuer.EventRequestDenied:
		tmpl, data = notify.TemplateRequestDenied, notify.RequestDenied{RecipientName: name, Badge: badge, Reason: e.Reason, URL: awardURL}
	case issuer.EventRevoked:
		tmpl, data = notify.TemplateRevoked, notify.Revoked{RecipientName: name, Badge: badge, Reason: e.Reason}
	case issuer.EventIssued:
		tmpl, data = notify.TemplateBadgeReceived, notify.BadgeReceived{RecipientName: name, Badge: badge, URL: awardURL}
	}
	return notify.Message{
		ID: string(e.Kind) + ":" + e.AwardID + ":" + strconv.Itoa(e.DaysLeft), InstitutionID: e.InstitutionID,
		To: e.Recipient.Email, Lang: lang, Template: tmpl, Data: data,
	}
}
