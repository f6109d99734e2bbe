package main

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/prowl-hunt/prowl"
)

// answer is a result reduced to what both engines must agree on: the rows as
// canonical text tuples (values rendered the same way whichever engine made
// them), kept whole so differences can be shown.
type answer struct {
	cols   []string
	rows   int
	tuples [][]string
}

// canonical renders a value so that prowl's and DuckDB's forms of it match:
// integers in decimal, reals to 9 significant digits, datetimes and timespans as
// microseconds (DuckDB's resolution), null strings as "" (Kusto strings are never
// null), other nulls as ∅.
func canonicalTime(t time.Time) string { return strconv.FormatInt(t.UnixMicro(), 10) }

func canonicalFloat(f float64) string {
	if math.IsNaN(f) {
		return "NaN"
	}
	return strconv.FormatFloat(f, 'g', 9, 64)
}

const null = "∅"

func runProwl(ctx context.Context, db *prowl.DB, text string) (*answer, error) {
	res, err := db.Query(ctx, text, nil)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	a := &answer{}
	for _, c := range res.Columns {
		a.cols = append(a.cols, c.Name)
	}
	for res.Reader.Next() {
		rec := res.Reader.RecordBatch()
		n := int(rec.NumRows())
		base := len(a.tuples)
		for i := 0; i < n; i++ {
			a.tuples = append(a.tuples, make([]string, rec.NumCols()))
		}
		for c := 0; c < int(rec.NumCols()); c++ {
			col := rec.Column(c)
			for i := 0; i < n; i++ {
				a.tuples[base+i][c] = arrowValue(col, i)
			}
		}
		a.rows += n
	}
	if err := res.Reader.Err(); err != nil {
		return nil, err
	}
	return a, nil
}

// drainProwl runs a query and reads every batch without rendering values (the
// timed rounds: each engine delivers its whole result, nothing more).
func drainProwl(ctx context.Context, db *prowl.DB, text string) error {
	res, err := db.Query(ctx, text, nil)
	if err != nil {
		return err
	}
	defer res.Close()
	for res.Reader.Next() {
	}
	return res.Reader.Err()
}

// drainDuck runs a query and steps through every row without scanning it.
func drainDuck(duck *sql.DB, text string) error {
	rows, err := duck.Query(text)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
	}
	return rows.Err()
}

func arrowValue(col arrow.Array, i int) string {
	if d, ok := col.(*array.Dictionary); ok {
		if d.IsNull(i) {
			return ""
		}
		return arrowValue(d.Dictionary(), d.GetValueIndex(i))
	}
	if col.IsNull(i) {
		if col.DataType().ID() == arrow.STRING {
			return ""
		}
		return null
	}
	switch a := col.(type) {
	case *array.String:
		return a.Value(i)
	case *array.Int32:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10)
	case *array.Float64:
		return canonicalFloat(a.Value(i))
	case *array.Boolean:
		return strconv.FormatBool(a.Value(i))
	case *array.Timestamp:
		return strconv.FormatInt(int64(a.Value(i))/1000, 10)
	case *array.Duration:
		return strconv.FormatInt(int64(a.Value(i))/1000, 10)
	default:
		return a.ValueStr(i)
	}
}

func runDuck(duck *sql.DB, text string) (*answer, error) {
	rows, err := duck.Query(text)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	a := &answer{cols: cols}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		t := make([]string, len(cols))
		for i, v := range vals {
			t[i] = duckValue(v)
		}
		a.tuples = append(a.tuples, t)
		a.rows++
	}
	return a, rows.Err()
}

func duckValue(v any) string {
	switch x := v.(type) {
	case nil:
		return null
	case string:
		return x
	case []byte:
		return string(x)
	case bool:
		return strconv.FormatBool(x)
	case int8, int16, int32, int64, uint8, uint16, uint32, uint64, int, uint:
		return fmt.Sprint(x)
	case float32:
		return canonicalFloat(float64(x))
	case float64:
		return canonicalFloat(x)
	case time.Time:
		return canonicalTime(x)
	case time.Duration:
		return strconv.FormatInt(x.Microseconds(), 10)
	default:
		if s, ok := v.(fmt.Stringer); ok {
			// HUGEINT sums arrive as *big.Int.
			return s.String()
		}
		return fmt.Sprint(v)
	}
}

// compareExact checks that both answers have the same multiset of rows (an
// order-independent checksum: the sum of per-row hashes), with null strings
// treated as "".
func compareExact(p, d *answer) (bool, string) {
	if p.rows != d.rows {
		return false, fmt.Sprintf("row counts differ: prowl %d, duckdb %d", p.rows, d.rows)
	}
	ps, ds := checksum(p), checksum(d)
	if ps != ds {
		return false, fmt.Sprintf("checksums differ: prowl %016x, duckdb %016x%s", ps, ds, diff(p, d, 3))
	}
	return true, fmt.Sprintf("equal (checksum %016x)", ps)
}

// checksum hashes each row and sums the hashes. Nulls hash as "", because a
// string column prowl reads as "" may be NULL in DuckDB (Kusto strings are never
// null); the row counts and the other values still have to agree.
func checksum(a *answer) uint64 {
	var sum uint64
	for _, t := range a.tuples {
		h := fnv.New64a()
		for _, v := range t {
			if v == null {
				v = ""
			}
			h.Write([]byte(v))
			h.Write([]byte{0x1f})
		}
		sum += h.Sum64()
	}
	return sum
}

// compareApprox matches rows by the exact columns and requires each
// approximate column (a dcount) to be within tol of the other engine's value.
// approx holds column indices; the rows of d are taken as exact.
func compareApprox(p, d *answer, approx []int, tol float64) (bool, string) {
	if p.rows != d.rows {
		return false, fmt.Sprintf("row counts differ: prowl %d, exact %d", p.rows, d.rows)
	}
	isApprox := map[int]bool{}
	for _, i := range approx {
		isApprox[i] = true
	}
	key := func(t []string) string {
		var k []string
		for i, v := range t {
			if !isApprox[i] {
				if v == null {
					v = ""
				}
				k = append(k, v)
			}
		}
		return strings.Join(k, "\x1f")
	}
	exact := map[string][]string{}
	for _, t := range d.tuples {
		exact[key(t)] = t
	}
	worst := 0.0
	for _, t := range p.tuples {
		want, ok := exact[key(t)]
		if !ok {
			return false, fmt.Sprintf("row %q missing from the exact answer", strings.Join(t, ", "))
		}
		for _, i := range approx {
			g, err1 := strconv.ParseFloat(t[i], 64)
			w, err2 := strconv.ParseFloat(want[i], 64)
			if err1 != nil || err2 != nil {
				return false, fmt.Sprintf("column %d: non-numeric approximate values %q, %q", i, t[i], want[i])
			}
			if e := math.Abs(g-w) / math.Max(w, 1); e > worst {
				worst = e
			}
		}
	}
	if worst > tol {
		return false, fmt.Sprintf("dcount off by %.2f%% (limit %.0f%%)", worst*100, tol*100)
	}
	return true, fmt.Sprintf("equal, dcount within %.2f%% of exact", worst*100)
}

// columnIndices finds the named columns in an answer.
func columnIndices(a *answer, names []string) ([]int, error) {
	var idx []int
	for _, n := range names {
		i := slices.Index(a.cols, n)
		if i < 0 {
			return nil, fmt.Errorf("approx column %q not in the result (%s)", n, strings.Join(a.cols, ", "))
		}
		idx = append(idx, i)
	}
	return idx, nil
}

// diff describes up to n rows found in one answer but not the other.
func diff(p, d *answer, n int) string {
	norm := func(t []string) string {
		k := make([]string, len(t))
		for i, v := range t {
			if v == null {
				v = ""
			}
			k[i] = v
		}
		return strings.Join(k, " | ")
	}
	count := map[string]int{}
	for _, t := range p.tuples {
		count[norm(t)]++
	}
	for _, t := range d.tuples {
		count[norm(t)]--
	}
	var b strings.Builder
	shown := 0
	for _, t := range p.tuples {
		if k := norm(t); count[k] > 0 && shown < n {
			fmt.Fprintf(&b, "\n    only prowl:  %s", k)
			count[k] = 0
			shown++
		}
	}
	shown = 0
	for _, t := range d.tuples {
		if k := norm(t); count[k] < 0 && shown < n {
			fmt.Fprintf(&b, "\n    only duckdb: %s", k)
			count[k] = 0
			shown++
		}
	}
	return b.String()
}
