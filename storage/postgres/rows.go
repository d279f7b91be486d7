package postgres

import (
	"strconv"
	"strings"
)

// Several rows are written by one statement, INSERT … SELECT FROM
// unnest($1::type[], …), which takes one array per column: the server
// plans, starts and ends the statement once for all of them, where one
// statement per row costs that each time.

// unnest returns "unnest($1::t1[], $2::t2[], …)" for columns of the
// given types.
func unnest(types ...string) string {
	var b strings.Builder
	b.WriteString("unnest(")
	for i, t := range types {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(i+1) + "::" + t + "[]")
	}
	b.WriteString(")")
	return b.String()
}

// columnArrays pivots rows of statement arguments, each as long as the
// first, into one array per column: the arguments of an unnest.
func columnArrays(rows [][]any) []any {
	if len(rows) == 0 {
		return nil
	}
	cols := make([]any, len(rows[0]))
	for i := range cols {
		col := make([]any, len(rows))
		for j, r := range rows {
			col[j] = r[i]
		}
		cols[i] = col
	}
	return cols
}
