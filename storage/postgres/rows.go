package postgres

import (
	"strconv"
	"strings"
)

// Several rows are written by one statement, INSERT … SELECT FROM
// unnest($1::type[], …), which takes one array per column: the server
// plans, starts and ends the statement once for all of them, where one
// statement per row costs that each time.

// unnest returns "unnest((SELECT $1::t1[]), $2::t2[], …)" for columns
// of the given types. The first array is read through a subquery, so that
// the server cannot count the rows when it plans: its plan is then the
// same for any number of rows, and it keeps one (a generic plan) instead
// of planning the statement again for each group it writes.
func unnest(types ...string) string {
	var b strings.Builder
	b.WriteString("unnest(")
	for i, t := range types {
		arg := "$" + strconv.Itoa(i+1) + "::" + t + "[]"
		if i == 0 {
			arg = "(SELECT " + arg + ")"
		} else {
			b.WriteString(", ")
		}
		b.WriteString(arg)
	}
	b.WriteString(")")
	return b.String()
}

// columnArrays pivots rows of statement arguments, each as long as the
// first, into one array per column: the arguments of an unnest. A column
// of strings or of byte slices is a typed slice, which the driver encodes
// without looking at each element's type.
func columnArrays(rows [][]any) []any {
	if len(rows) == 0 {
		return nil
	}
	cols := make([]any, len(rows[0]))
	for i := range cols {
		cols[i] = column(rows, i)
	}
	return cols
}

// column returns column i of rows, typed when every value has one type.
func column(rows [][]any, i int) any {
	switch rows[0][i].(type) {
	case string:
		if col, ok := typedColumn[string](rows, i); ok {
			return col
		}
	case []byte:
		if col, ok := typedColumn[[]byte](rows, i); ok {
			return col
		}
	}
	col := make([]any, len(rows))
	for j, r := range rows {
		col[j] = r[i]
	}
	return col
}

func typedColumn[T any](rows [][]any, i int) ([]T, bool) {
	col := make([]T, len(rows))
	for j, r := range rows {
		v, ok := r[i].(T)
		if !ok {
			return nil, false
		}
		col[j] = v
	}
	return col, true
}
