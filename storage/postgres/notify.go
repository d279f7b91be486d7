package postgres

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/notify"
	"github.com/jackc/pgx/v5"
)

var _ notify.Store = (*DB)(nil)

const mailColumns = `id, institution_id, version, recipient, lang, template, subject, text_body, html_body,
	status, attempts, next_attempt, last_error, sent, created`

func scanMail(row pgx.Row) (*notify.Mail, error) {
	var (
		m        notify.Mail
		template string
		status   string
		sent     *time.Time
	)
	err := row.Scan(&m.ID, &m.InstitutionID, &m.Version, &m.To, &m.Lang, &template, &m.Subject, &m.Text, &m.HTML,
		&status, &m.Attempts, &m.NextAttempt, &m.LastError, &sent, &m.Created)
	if err != nil {
		return nil, err
	}
	m.Template, m.Status, m.Sent = notify.Template(template), notify.Status(status), fromNull(sent)
	m.NextAttempt, m.Created = m.NextAttempt.UTC(), m.Created.UTC()
	return &m, nil
}

func scanMails(rows pgx.Rows) ([]*notify.Mail, error) {
	defer rows.Close()
	out := []*notify.Mail{}
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, authError(err, "mail")
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, authError(err, "mail")
	}
	return out, nil
}

// AddMail implements [notify.Store].
func (db *DB) AddMail(ctx context.Context, m *notify.Mail) error {
	args, err := mailArgs(m)
	if err != nil {
		return err
	}
	if _, err := db.pool.Exec(ctx, mailInsert, args...); err != nil {
		return authError(err, "mail "+m.ID)
	}
	m.Version = 1
	return nil
}

// mailInsert adds a mail at version 1; mailArgs gives its arguments.
const mailInsert = `INSERT INTO notify_mails (` + mailColumns + `)
	VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`

// mailInsertRows inserts the rows of mailArgs, as arrays, skipping those
// whose ID exists.
var mailInsertRows = `INSERT INTO notify_mails (` + mailColumns + `)
	SELECT id, institution_id, 1, recipient, lang, template, subject, text_body, html_body,
		status, attempts, next_attempt, last_error, sent, created
	FROM ` + unnest("text", "text", "text", "text", "text", "text", "text", "text", "text", "integer", "timestamptz", "text", "timestamptz", "timestamptz") + `
		AS m (id, institution_id, recipient, lang, template, subject, text_body, html_body,
			status, attempts, next_attempt, last_error, sent, created)
	ON CONFLICT (id) DO NOTHING`

func mailArgs(m *notify.Mail) ([]any, error) {
	if m.ID == "" || m.InstitutionID == "" {
		return nil, badged.Errorf(badged.Invalid, "a mail needs an ID and an institution")
	}
	return []any{m.ID, m.InstitutionID, m.To, m.Lang, string(m.Template), m.Subject, m.Text, m.HTML,
		string(m.Status), m.Attempts, m.NextAttempt, m.LastError, nullTime(m.Sent), m.Created}, nil
}

// Mail implements [notify.Store].
func (db *DB) Mail(ctx context.Context, id string) (*notify.Mail, error) {
	m, err := scanMail(db.pool.QueryRow(ctx, `SELECT `+mailColumns+` FROM notify_mails WHERE id = $1`, id))
	if err != nil {
		return nil, authError(err, "mail "+id)
	}
	return m, nil
}

// UpdateMail implements [notify.Store].
func (db *DB) UpdateMail(ctx context.Context, m *notify.Mail) error {
	var version int64
	err := db.pool.QueryRow(ctx, `UPDATE notify_mails SET version = version + 1,
		status = $3, attempts = $4, next_attempt = $5, last_error = $6, sent = $7
		WHERE id = $1 AND version = $2 RETURNING version`,
		m.ID, m.Version, string(m.Status), m.Attempts, m.NextAttempt, m.LastError, nullTime(m.Sent)).Scan(&version)
	if errors.Is(err, pgx.ErrNoRows) {
		var stored int64
		err := db.pool.QueryRow(ctx, `SELECT version FROM notify_mails WHERE id = $1`, m.ID).Scan(&stored)
		if err != nil {
			return authError(err, "mail "+m.ID)
		}
		return conflict("mail", m.ID, stored, m.Version)
	}
	if err != nil {
		return authError(err, "mail "+m.ID)
	}
	m.Version = version
	return nil
}

// DueMails implements [notify.Store].
func (db *DB) DueMails(ctx context.Context, now time.Time, limit int) ([]*notify.Mail, error) {
	sql := `SELECT ` + mailColumns + ` FROM notify_mails WHERE status = 'pending' AND next_attempt <= $1
		ORDER BY next_attempt, id`
	if limit > 0 {
		sql += " LIMIT " + strconv.Itoa(limit)
	}
	rows, err := db.pool.Query(ctx, sql, now)
	if err != nil {
		return nil, authError(err, "mail")
	}
	return scanMails(rows)
}

// Mails implements [notify.Store].
func (db *DB) Mails(ctx context.Context, q notify.MailQuery) ([]*notify.Mail, error) {
	var (
		where = []string{"institution_id = $1"}
		args  = []any{q.InstitutionID}
	)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if q.Status != "" {
		where = append(where, "status = "+arg(string(q.Status)))
	}
	if q.To != "" {
		where = append(where, "lower(recipient) = lower("+arg(q.To)+")")
	}
	if !q.After.IsZero() {
		where = append(where, "(created, id) < ("+arg(q.After.Time)+", "+arg(q.After.ID)+"::text COLLATE \"C\")")
	}
	sql := `SELECT ` + mailColumns + ` FROM notify_mails WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY created DESC, id DESC`
	if q.Limit > 0 {
		sql += " LIMIT " + strconv.Itoa(q.Limit)
	}
	rows, err := db.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, authError(err, "mail")
	}
	return scanMails(rows)
}
