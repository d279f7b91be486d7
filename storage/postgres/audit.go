package postgres

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/audit"
)

var _ audit.Store = (*DB)(nil)

// Append implements [audit.Store].
func (db *DB) Append(ctx context.Context, e *audit.Entry) error {
	args, err := auditArgs(e)
	if err != nil {
		return err
	}
	if _, err := db.pool.Exec(ctx, auditInsert, args...); err != nil {
		return authError(err, "audit entry "+e.ID)
	}
	return nil
}

// auditInsert adds an entry; auditArgs gives its arguments.
const auditInsert = `INSERT INTO audit_entries
	(id, institution_id, time, actor, action, target_kind, target_id, details)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8::json)`

// auditInsertRows inserts the rows of auditArgs, as arrays, skipping
// those whose ID exists.
var auditInsertRows = `INSERT INTO audit_entries (id, institution_id, time, actor, action, target_kind, target_id, details)
	SELECT * FROM ` + unnest("text", "text", "timestamptz", "text", "text", "text", "text", "json") + `
	ON CONFLICT (id) DO NOTHING`

func auditArgs(e *audit.Entry) ([]any, error) {
	if e.ID == "" || e.InstitutionID == "" {
		return nil, badged.Errorf(badged.Invalid, "an audit entry needs an ID and an institution")
	}
	var details *string
	if len(e.Details) > 0 {
		s := string(e.Details)
		details = &s
	}
	return []any{e.ID, e.InstitutionID, e.Time, e.Actor, e.Action, e.Target.Kind, e.Target.ID, details}, nil
}

// Entries implements [audit.Store].
func (db *DB) Entries(ctx context.Context, q audit.Query) ([]*audit.Entry, error) {
	var (
		where = []string{"institution_id = $1"}
		args  = []any{q.InstitutionID}
	)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	for _, f := range []struct{ col, v string }{
		{"actor", q.Actor}, {"action", q.Action}, {"target_kind", q.Target.Kind}, {"target_id", q.Target.ID},
	} {
		if f.v != "" {
			where = append(where, f.col+" = "+arg(f.v))
		}
	}
	if !q.Since.IsZero() {
		where = append(where, "time >= "+arg(q.Since))
	}
	if !q.Until.IsZero() {
		where = append(where, "time < "+arg(q.Until))
	}
	if !q.After.IsZero() {
		where = append(where, "(time, id) < ("+arg(q.After.Time)+", "+arg(q.After.ID)+"::text COLLATE \"C\")")
	}
	sql := `SELECT id, institution_id, time, actor, action, target_kind, target_id, details::text
		FROM audit_entries WHERE ` + strings.Join(where, " AND ") + ` ORDER BY time DESC, id DESC`
	if q.Limit > 0 {
		sql += " LIMIT " + strconv.Itoa(q.Limit)
	}
	rows, err := db.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, authError(err, "audit entry")
	}
	defer rows.Close()
	out := []*audit.Entry{}
	for rows.Next() {
		var (
			e       audit.Entry
			t       time.Time
			details *string
		)
		if err := rows.Scan(&e.ID, &e.InstitutionID, &t, &e.Actor, &e.Action, &e.Target.Kind, &e.Target.ID, &details); err != nil {
			return nil, authError(err, "audit entry")
		}
		e.Time = t.UTC()
		if details != nil {
			e.Details = json.RawMessage(*details)
		}
		out = append(out, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, authError(err, "audit entry")
	}
	return out, nil
}
