package bolt

import (
	"context"
	"time"

	"github.com/badged/badged/insights"
	bolt "go.etcd.io/bbolt"
)

var _ insights.Store = (*DB)(nil)

// AwardCounts implements [insights.Store]. bbolt has no query language, so
// it walks the institution's badge classes through the hierarchy indexes
// and reads each award once, in one read transaction, counting by
// [insights.Tally].
func (db *DB) AwardCounts(ctx context.Context, institutionID string, from, to time.Time) ([]insights.Count, error) {
	type key struct {
		month       insights.Month
		issuer, cls string
	}
	sums := map[key]*insights.Count{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		for _, g := range tail(tx, idxGroups, institutionID, nil) {
			for _, is := range tail(tx, idxIssuers, string(g[8:]), nil) {
				for _, bc := range tail(tx, idxBadgeClasses, string(is[8:]), nil) {
					for _, pos := range tail(tx, idxAwardsByClass, string(bc[8:]), nil) {
						if err := ctx.Err(); err != nil {
							return err
						}
						r, err := awardAt(tx, pos)
						if err != nil {
							return err
						}
						if r.InstitutionID != institutionID {
							continue
						}
						for _, e := range insights.Tally(r.Domain()) {
							if e.At.Before(from) || !e.At.Before(to) {
								continue
							}
							k := key{insights.MonthOf(e.At), r.IssuerID, r.BadgeClassID}
							c := sums[k]
							if c == nil {
								c = &insights.Count{Month: k.month, IssuerID: k.issuer, BadgeClassID: k.cls}
								sums[k] = c
							}
							c.Add(e.Measure, 1)
						}
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]insights.Count, 0, len(sums))
	for _, c := range sums {
		out = append(out, *c)
	}
	return out, nil
}
