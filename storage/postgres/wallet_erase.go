package postgres

import (
	"context"
	"strings"

	"github.com/badged/badged/issuer"
	"github.com/badged/badged/storage/internal/record"
	"github.com/badged/badged/wallet"
	"github.com/jackc/pgx/v5"
)

var (
	_ issuer.RecipientEraser = (*DB)(nil)
	_ wallet.Accounts        = (*DB)(nil)
)

// EraseRecipient implements [issuer.RecipientEraser].
func (db *DB) EraseRecipient(ctx context.Context, l issuer.Learner) (int, error) {
	emails := make([]string, 0, len(l.Emails))
	for _, e := range l.Emails {
		emails = append(emails, strings.ToLower(e))
	}
	n := 0
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, data, version FROM awards WHERE
			(recipient_user <> '' AND recipient_user = $1) OR (recipient_eduid <> '' AND recipient_eduid = $2)
			OR recipient_eppn = ANY($3) OR recipient_email = ANY($4) FOR UPDATE`,
			l.UserID, l.EduID, nonNil(l.EPPNs), nonNil(emails))
		if err != nil {
			return err
		}
		type row struct {
			id      string
			data    []byte
			version int64
		}
		var found []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.data, &r.version); err != nil {
				rows.Close()
				return err
			}
			found = append(found, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, f := range found {
			r, err := decode[record.Award](f.data, f.version, "award", f.id)
			if err != nil {
				return err
			}
			r.EraseLearner()
			r.Version = f.version + 1
			data, err := encode(r)
			if err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `UPDATE awards SET recipient_user = '', recipient_eduid = '', recipient_eppn = '',
				recipient_email = '', version = $2, data = $3 WHERE id = $1`, f.id, r.Version, data)
			if err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, storeError(err, "awards of", l.UserID, "")
	}
	return n, nil
}

// EraseAccount implements [wallet.Accounts]: it deletes the login user
// record, every session of the user and every mail to one of their
// addresses.
func (db *DB) EraseAccount(ctx context.Context, l issuer.Learner) error {
	emails := make([]string, 0, len(l.Emails))
	for _, e := range l.Emails {
		emails = append(emails, strings.ToLower(strings.TrimSpace(e)))
	}
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`DELETE FROM login_users WHERE id = $1`, []any{l.UserID}},
			{`DELETE FROM auth_sessions WHERE user_id = $1`, []any{l.UserID}},
			{`DELETE FROM notify_mails WHERE lower(recipient) = ANY($1)`, []any{emails}},
		} {
			if _, err := tx.Exec(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return storeError(err, "account", l.UserID, "")
	}
	return nil
}
