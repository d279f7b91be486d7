package postgres

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/storage/internal/record"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

const tAwards = "awards"

var _ issuer.AwardStore = (*DB)(nil)

// awardColumns returns the values of the query columns of r, in the order
// of awardInsert's $2..$11.
func awardColumns(r *record.Award) []any {
	ns := func(t time.Time) *int64 {
		if t.IsZero() {
			return nil
		}
		n := t.UnixNano()
		return &n
	}
	reminders := make([]int32, 0, len(r.Reminders))
	for _, d := range r.Reminders {
		reminders = append(reminders, int32(d))
	}
	return []any{
		r.State, r.Recipient.UserID, r.Recipient.EduID, r.Recipient.EPPN, r.Recipient.Email,
		ns(r.ScheduledFor), ns(r.ClaimDeadline), reminders, r.CredentialID, r.Version,
	}
}

// awardRemindersColumn is where the reminders are among awardColumns:
// an []int32, which a row of an unnest cannot hold.
const awardRemindersColumn = 7

const awardInsert = `INSERT INTO awards (id, state, recipient_user, recipient_eduid, recipient_eppn, recipient_email,
	scheduled_ns, deadline_ns, reminders, credential_id, version, institution_id, badge_class_id, bundle_id, kind, created_ns, data)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`

// awardError translates the open-request constraint, then as storeError.
func awardError(err error, id, badgeClassID string) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.ConstraintName == "awards_open_request" {
		return badged.Errorf(badged.Conflict, "an open request for badge class %s by this learner exists", badgeClassID)
	}
	return storeError(err, "award", id, "badge class "+badgeClassID)
}

// CreateAwards implements [issuer.AwardStore].
func (db *DB) CreateAwards(ctx context.Context, awards []*issuer.Award, fx issuer.Effects) error {
	if len(awards) == 0 {
		return nil
	}
	rows := make([][]any, 0, len(awards))
	for _, a := range awards {
		r := record.FromAward(a)
		r.Version = 1
		if r.ID == "" {
			return badged.Errorf(badged.Invalid, "award without an ID")
		}
		data, err := encode(r)
		if err != nil {
			return err
		}
		row := append([]any{r.ID}, awardColumns(r)...)
		rows = append(rows, append(row, r.InstitutionID, r.BadgeClassID, r.BundleID, r.Kind, r.Created.UnixNano(), data))
	}
	// All in one statement; when the server refuses it, the awards one by
	// one, to say which award it refused.
	b := &pgx.Batch{}
	all := make([][]any, len(rows))
	for i, row := range rows {
		all[i] = slices.Delete(slices.Clone(row), awardRemindersColumn+1, awardRemindersColumn+2)
	}
	b.Queue(awardInsertRows, columnArrays(all)...)
	if _, err := queueEffects(b, fx); err != nil {
		return err
	}
	err := db.pool.SendBatch(ctx, b).Close()
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code == "23505" || pe.Code == "23503") {
		err = db.createAwardsOneByOne(ctx, awards, rows, fx)
	}
	if err != nil {
		if badged.KindOf(err) == badged.Internal {
			return storeError(err, "award", "", "")
		}
		return err
	}
	for _, a := range awards {
		a.Version = 1
	}
	return nil
}

// awardInsertRows inserts the rows of awardInsert but the reminders, as
// arrays; the reminders column is read from each record.
var awardInsertRows = `INSERT INTO awards (id, state, recipient_user, recipient_eduid, recipient_eppn, recipient_email,
	scheduled_ns, deadline_ns, reminders, credential_id, version, institution_id, badge_class_id, bundle_id, kind, created_ns, data)
	SELECT id, state, recipient_user, recipient_eduid, recipient_eppn, recipient_email, scheduled_ns, deadline_ns,
		ARRAY(SELECT jsonb_array_elements_text(data -> 'reminders')::integer), credential_id, version,
		institution_id, badge_class_id, bundle_id, kind, created_ns, data
	FROM ` + unnest("text", "text", "text", "text", "text", "text", "bigint", "bigint", "text", "bigint",
	"text", "text", "text", "text", "bigint", "jsonb") + `
		AS a (id, state, recipient_user, recipient_eduid, recipient_eppn, recipient_email, scheduled_ns, deadline_ns,
			credential_id, version, institution_id, badge_class_id, bundle_id, kind, created_ns, data)`

// createAwardsOneByOne is CreateAwards with a statement per award: the
// error names the award refused.
func (db *DB) createAwardsOneByOne(ctx context.Context, awards []*issuer.Award, rows [][]any, fx issuer.Effects) error {
	b := &pgx.Batch{}
	for _, row := range rows {
		b.Queue(awardInsert, row...)
	}
	effects, err := queueEffects(b, fx)
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		br := tx.SendBatch(ctx, b)
		for _, a := range awards {
			if _, err := br.Exec(); err != nil {
				br.Close()
				return awardError(err, a.ID, a.BadgeClassID)
			}
		}
		for range effects {
			if _, err := br.Exec(); err != nil {
				br.Close()
				return err
			}
		}
		return br.Close()
	})
}

// queueEffects queues the inserts of the audit entries and mails of fx
// on b, one statement for each kind whatever their number, each row
// skipped when its ID exists, and returns how many statements it queued.
func queueEffects(b *pgx.Batch, fx issuer.Effects) (int, error) {
	return queueEffectsOf(b, []issuer.Effects{fx})
}

// queueEffectsOf is queueEffects of the effects of several changes.
func queueEffectsOf(b *pgx.Batch, fxs []issuer.Effects) (int, error) {
	var entries, mails [][]any
	for _, fx := range fxs {
		for _, e := range fx.Audit {
			args, err := auditArgs(e)
			if err != nil {
				return 0, err
			}
			entries = append(entries, args)
		}
		for _, m := range fx.Mails {
			args, err := mailArgs(m)
			if err != nil {
				return 0, err
			}
			mails = append(mails, args)
		}
	}
	queued := 0
	if len(entries) > 0 {
		b.Queue(auditInsertRows, columnArrays(entries)...)
		queued++
	}
	if len(mails) > 0 {
		b.Queue(mailInsertRows, columnArrays(mails)...)
		queued++
	}
	return queued, nil
}

// Award implements [issuer.AwardStore].
func (db *DB) Award(ctx context.Context, id string) (*issuer.Award, error) {
	r, err := get[record.Award](ctx, db.pool, tAwards, "award", id, false)
	if err != nil {
		return nil, err
	}
	return r.Domain(), nil
}

// UpdateAward implements [issuer.AwardStore].
func (db *DB) UpdateAward(ctx context.Context, a *issuer.Award, fx issuer.Effects) error {
	b := &pgx.Batch{}
	if _, err := queueEffects(b, fx); err != nil {
		return err
	}
	r := record.FromAward(a)
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if err := updateAward(ctx, tx, r); err != nil {
			return err
		}
		if b.Len() == 0 {
			return nil
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if err == nil {
		updated(a, r)
	}
	return err
}

// updateAward stores the award r in tx when its version is the stored
// one (Conflict otherwise), keeping what an update never changes.
func updateAward(ctx context.Context, tx pgx.Tx, r *record.Award) error {
	return updateIn(ctx, tx, tAwards, "award", r,
		func(_ pgx.Tx, old, next *record.Award) error {
			next.Kind, next.BundleID = old.Kind, old.BundleID
			next.InstitutionID, next.GroupID, next.IssuerID, next.BadgeClassID = old.InstitutionID, old.GroupID, old.IssuerID, old.BadgeClassID
			return nil
		},
		func(tx pgx.Tx, data []byte) error {
			args := append([]any{r.ID}, awardColumns(r)...)
			_, err := tx.Exec(ctx, awardUpdateSQL, append(args, data)...)
			return err
		})
}

// awardUpdateSQL writes an award's columns ($1 its ID, $2..$11 those of
// awardColumns, $12 its data).
const awardUpdateSQL = `UPDATE awards SET state = $2, recipient_user = $3, recipient_eduid = $4, recipient_eppn = $5,
	recipient_email = $6, scheduled_ns = $7, deadline_ns = $8, reminders = $9, credential_id = $10, version = $11,
	data = $12 WHERE id = $1`

// updated sets a's stored version and kept fields from r, once stored.
func updated(a *issuer.Award, r *record.Award) {
	a.Version, a.Created, a.Kind, a.BundleID = r.Version, r.Created, issuer.AwardKind(r.Kind), r.BundleID
	a.InstitutionID, a.GroupID, a.IssuerID, a.BadgeClassID = r.InstitutionID, r.GroupID, r.IssuerID, r.BadgeClassID
}

// query builds a statement with numbered arguments.
type query struct {
	sql  strings.Builder
	args []any
}

// arg adds v and returns its placeholder.
func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

func limitArg(limit int) *int64 {
	if limit <= 0 {
		return nil // LIMIT NULL: no limit
	}
	n := int64(limit)
	return &n
}

// Awards implements [issuer.AwardStore].
func (db *DB) Awards(ctx context.Context, aq issuer.AwardQuery) ([]*issuer.Award, error) {
	var (
		q   query
		sel []string
	)
	if aq.BadgeClassID != "" {
		sel = append(sel, "badge_class_id = "+q.arg(aq.BadgeClassID))
	}
	if aq.BundleID != "" {
		sel = append(sel, "(bundle_id = "+q.arg(aq.BundleID)+" AND bundle_id <> '')")
	}
	if l := aq.Learner; l != nil {
		var or []string
		if l.UserID != "" {
			or = append(or, "(recipient_user = "+q.arg(l.UserID)+" AND recipient_user <> '')")
		}
		if l.EduID != "" {
			or = append(or, "(recipient_eduid = "+q.arg(l.EduID)+" AND recipient_eduid <> '')")
		}
		if len(l.EPPNs) > 0 {
			or = append(or, "(recipient_eppn = ANY("+q.arg(l.EPPNs)+") AND recipient_eppn <> '')")
		}
		if len(l.Emails) > 0 {
			or = append(or, "(recipient_email = ANY("+q.arg(l.Emails)+") AND recipient_email <> '')")
		}
		if len(or) == 0 {
			or = []string{"false"}
		}
		sel = append(sel, "("+strings.Join(or, " OR ")+")")
	}
	if len(sel) != 1 {
		return nil, badged.Errorf(badged.Invalid, "select awards by one of badge class, bundle or learner")
	}
	q.sql.WriteString("SELECT data, version, id FROM awards WHERE " + sel[0])
	if len(aq.States) > 0 {
		states := make([]string, len(aq.States))
		for i, s := range aq.States {
			states[i] = string(s)
		}
		q.sql.WriteString(" AND state = ANY(" + q.arg(states) + ")")
	}
	if !aq.After.IsZero() {
		q.sql.WriteString(" AND (created_ns, id) > (" + q.arg(aq.After.Time.UnixNano()) + ", " + q.arg(aq.After.ID) + ")")
	}
	q.sql.WriteString(" ORDER BY created_ns, id LIMIT " + q.arg(limitArg(aq.Limit)))
	return list(ctx, db.pool, "award", (*record.Award).Domain, q.sql.String(), q.args...)
}

// ScheduledDue implements [issuer.AwardStore].
func (db *DB) ScheduledDue(ctx context.Context, t time.Time, limit int) ([]*issuer.Award, error) {
	return list(ctx, db.pool, "award", (*record.Award).Domain,
		`SELECT data, version, id FROM awards WHERE state = 'scheduled' AND scheduled_ns <= $1
		ORDER BY scheduled_ns, id LIMIT $2`, t.UnixNano(), limitArg(limit))
}

// ExpiryDue implements [issuer.AwardStore].
func (db *DB) ExpiryDue(ctx context.Context, t time.Time, limit int) ([]*issuer.Award, error) {
	return list(ctx, db.pool, "award", (*record.Award).Domain,
		`SELECT data, version, id FROM awards WHERE state = 'sent' AND deadline_ns <= $1
		ORDER BY deadline_ns, id LIMIT $2`, t.UnixNano(), limitArg(limit))
}

// RemindersDue implements [issuer.AwardStore].
func (db *DB) RemindersDue(ctx context.Context, t time.Time, daysLeft, limit int) ([]*issuer.Award, error) {
	return list(ctx, db.pool, "award", (*record.Award).Domain,
		`SELECT data, version, id FROM awards WHERE state = 'sent' AND deadline_ns > $1 AND deadline_ns <= $2
		AND NOT ($3 = ANY (reminders)) ORDER BY deadline_ns, id LIMIT $4`,
		t.UnixNano(), t.Add(time.Duration(daysLeft)*24*time.Hour).UnixNano(), int32(daysLeft), limitArg(limit))
}

// Unissued implements [issuer.AwardStore].
func (db *DB) Unissued(ctx context.Context, limit int) ([]*issuer.Award, error) {
	return list(ctx, db.pool, "award", (*record.Award).Domain,
		`SELECT data, version, id FROM awards WHERE state = 'accepted' AND credential_id = ''
		ORDER BY created_ns, id LIMIT $1`, limitArg(limit))
}
