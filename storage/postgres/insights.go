package postgres

import (
	"context"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/insights"
)

var _ insights.Store = (*DB)(nil)

// awardCountsSQL restates [insights.Tally] in SQL: each award gives, in one
// pass, up to three (measure, time) events, read from its record's JSON
// (times are RFC 3339 strings there, absent when zero). Counting is in
// PostgreSQL, grouped by month (UTC), issuer, badge class and measure.
// timestamptz keeps microseconds, which is all the issuer service writes.
const awardCountsSQL = `
SELECT to_char(ev.at AT TIME ZONE 'UTC', 'YYYY-MM'), a.data->>'issuer', a.badge_class_id, raw.m, count(*)
FROM awards a
CROSS JOIN LATERAL (VALUES
	('sent',      CASE WHEN a.kind = 'direct' THEN a.data->>'sent' END),
	('claimed',   CASE WHEN a.kind = 'direct' AND a.state IN ('accepted', 'revoked') THEN a.data->>'claimed' END),
	('rejected',  CASE WHEN a.kind = 'direct' AND a.state = 'rejected' THEN a.data->>'claimed' END),
	('expired',   CASE WHEN a.kind = 'direct' AND a.state = 'expired' THEN a.data->>'claimDeadline' END),
	('requested', CASE WHEN a.kind = 'request' THEN a.data->>'requested' END),
	('approved',  CASE WHEN a.kind = 'request' AND a.state IN ('accepted', 'revoked') THEN a.data->>'decided' END),
	('denied',    CASE WHEN a.kind = 'request' AND a.state = 'denied' THEN a.data->>'decided' END),
	('revoked',   CASE WHEN a.state = 'revoked' THEN a.data->>'revokedAt' END)
) AS raw(m, t)
CROSS JOIN LATERAL (SELECT raw.t::timestamptz AS at) AS ev
WHERE a.institution_id = $1 AND raw.t IS NOT NULL AND ev.at >= $2 AND ev.at < $3
GROUP BY 1, 2, 3, 4`

// AwardCounts implements [insights.Store].
func (db *DB) AwardCounts(ctx context.Context, institutionID string, from, to time.Time) ([]insights.Count, error) {
	rows, err := db.pool.Query(ctx, awardCountsSQL, institutionID, from.UTC(), to.UTC())
	if err != nil {
		return nil, badged.Wrap(badged.Unavailable, err, "the database failed")
	}
	defer rows.Close()
	type key struct{ month, issuer, cls string }
	sums := map[key]*insights.Count{}
	var order []key
	for rows.Next() {
		var (
			k key
			m string
			n int
		)
		if err := rows.Scan(&k.month, &k.issuer, &k.cls, &m, &n); err != nil {
			return nil, badged.Wrap(badged.Unavailable, err, "the database failed")
		}
		c := sums[k]
		if c == nil {
			c = &insights.Count{Month: insights.Month(k.month), IssuerID: k.issuer, BadgeClassID: k.cls}
			sums[k] = c
			order = append(order, k)
		}
		c.Add(insights.Measure(m), n)
	}
	if err := rows.Err(); err != nil {
		return nil, badged.Wrap(badged.Unavailable, err, "the database failed")
	}
	out := make([]insights.Count, 0, len(order))
	for _, k := range order {
		out = append(out, *sums[k])
	}
	return out, nil
}
