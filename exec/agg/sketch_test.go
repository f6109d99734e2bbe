package agg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/kusto"
)

const batchRows = 1 << 16

// feed runs values through a in batches, all in group g.
func feedStrings(t testing.TB, a Aggregator, vals []string, g uint32) {
	t.Helper()
	groups := make([]uint32, batchRows)
	for i := range groups {
		groups[i] = g
	}
	for lo := 0; lo < len(vals); lo += batchRows {
		hi := min(lo+batchRows, len(vals))
		b := array.NewStringBuilder(memory.DefaultAllocator)
		b.AppendValues(vals[lo:hi], nil)
		arr := b.NewArray()
		if err := a.Update([]fn.Arg{{Type: kusto.String, Array: arr}}, groups[:hi-lo]); err != nil {
			t.Fatal(err)
		}
		arr.Release()
		b.Release()
	}
}

func feedLongs(t testing.TB, a Aggregator, vals []int64, g uint32) {
	t.Helper()
	groups := make([]uint32, batchRows)
	for i := range groups {
		groups[i] = g
	}
	for lo := 0; lo < len(vals); lo += batchRows {
		hi := min(lo+batchRows, len(vals))
		b := array.NewInt64Builder(memory.DefaultAllocator)
		b.AppendValues(vals[lo:hi], nil)
		arr := b.NewArray()
		if err := a.Update([]fn.Arg{{Type: kusto.Long, Array: arr}}, groups[:hi-lo]); err != nil {
			t.Fatal(err)
		}
		arr.Release()
		b.Release()
	}
}

func one(t testing.TB, a Aggregator) any {
	cols, err := a.Result(memory.DefaultAllocator, 1)
	if err != nil {
		t.Fatal(err)
	}
	return values(cols[0])[0]
}

func TestDcountAccuracy(t *testing.T) {
	sizes := []int{100, 1000, 5000, 100_000, 1_000_000}
	if testing.Short() {
		sizes = sizes[:4]
	}
	for _, n := range sizes {
		for _, kind := range []string{"string", "long"} {
			t.Run(fmt.Sprintf("%s/%d", kind, n), func(t *testing.T) {
				a, err := New(sp("dcount", []kusto.Type{S}, nil, L))
				if err != nil {
					t.Fatal(err)
				}
				if kind == "string" {
					vals := make([]string, n)
					for i := range vals {
						vals[i] = "user" + strconv.Itoa(i) + "@contoso.com"
					}
					feedStrings(t, a, vals, 0)
					feedStrings(t, a, vals[:n/2], 0) // duplicates change nothing
				} else {
					vals := make([]int64, n)
					for i := range vals {
						vals[i] = int64(i) * 1000
					}
					feedLongs(t, a, vals, 0)
				}
				got := one(t, a).(int64)
				if n <= 1000 && got != int64(n) {
					t.Fatalf("dcount of %d values = %d, want exact", n, got)
				}
				if e := math.Abs(float64(got)-float64(n)) / float64(n); e > 0.02 {
					t.Fatalf("dcount of %d values = %d, error %.2f%%", n, got, 100*e)
				}
				t.Logf("n=%d got=%d error=%.3f%%", n, got, 100*math.Abs(float64(got)-float64(n))/float64(n))
			})
		}
	}
}

// TestDcountLevels checks every accuracy level and that merging sketches of
// overlapping halves counts the union.
func TestDcountLevels(t *testing.T) {
	const n = 200_000
	vals := make([]string, n)
	for i := range vals {
		vals[i] = strconv.Itoa(i)
	}
	for level, tol := range []float64{0.05, 0.025, 0.015, 0.01, 0.01} {
		spec := sp("dcount", []kusto.Type{S, I}, []any{nil, level}, L)
		a, err := New(spec)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := New(spec)
		feedStrings(t, a, vals[:n*3/4], 0)
		feedStrings(t, b, vals[n/4:], 3)
		if err := a.Merge(b, []uint32{1, 2, 5, 0}); err != nil {
			t.Fatal(err)
		}
		got := one(t, a).(int64)
		if e := math.Abs(float64(got)-n) / n; e > tol {
			t.Errorf("level %d: merged dcount = %d, error %.2f%%", level, got, 100*e)
		}
	}
}

// TestDcountManyGroups mixes sparse and promoted groups and dictionaries that
// change between batches.
func TestDcountManyGroups(t *testing.T) {
	a, err := New(sp("dcount", []kusto.Type{S}, nil, L))
	if err != nil {
		t.Fatal(err)
	}
	exact := make([]map[string]bool, 50)
	for g := range exact {
		exact[g] = map[string]bool{}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for batch := 0; batch < 20; batch++ {
		var vals []string
		var groups []uint32
		for i := 0; i < 5000; i++ {
			g := rng.IntN(50)
			// group g draws from g*40 distinct values: groups >= 26 pass the sparse limit.
			v := fmt.Sprintf("v%d", rng.IntN(g*40+1))
			vals = append(vals, v)
			groups = append(groups, uint32(g))
			exact[g][v] = true
		}
		arg := dictCol(vals...)
		if err := a.Update([]fn.Arg{arg}, groups); err != nil {
			t.Fatal(err)
		}
	}
	got := results(t, a, 50)[0]
	for g, m := range exact {
		n := len(m)
		c := got[g].(int64)
		if n <= 1024 && c != int64(n) {
			t.Errorf("group %d: dcount %d, want exactly %d", g, c, n)
		}
		if math.Abs(float64(c-int64(n)))/float64(n) > 0.03 {
			t.Errorf("group %d: dcount %d, want ~%d", g, c, n)
		}
	}
}

func TestCountDistinctLarge(t *testing.T) {
	a, err := New(sp("count_distinct", []kusto.Type{S}, nil, L))
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]string, 300_000)
	for i := range vals {
		vals[i] = strconv.Itoa(i % 123_457)
	}
	feedStrings(t, a, vals, 0)
	if got := one(t, a); got != int64(123_457) {
		t.Fatalf("count_distinct = %v, want 123457", got)
	}
}

func TestPercentileLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 200_000
	vals := make([]int64, n)
	for i := range vals {
		vals[i] = rng.Int64N(1_000_000)
	}
	ps := []any{nil, 1.0, 50.0, 99.0, 99.9}
	spec := sp("percentiles", []kusto.Type{L, R, R, R, R}, ps, L, L, L, L)
	a, _ := New(spec)
	b, _ := New(spec)
	feedLongs(t, a, vals[:n/2], 0)
	feedLongs(t, b, vals[n/2:], 0)
	if err := a.Merge(b, []uint32{0}); err != nil {
		t.Fatal(err)
	}
	cols, err := a.Result(memory.DefaultAllocator, 1)
	if err != nil {
		t.Fatal(err)
	}
	sorted := slices.Clone(vals)
	slices.Sort(sorted)
	for k, c := range cols {
		p := ps[k+1].(float64)
		got := values(c)[0].(int64)
		// Compare by rank: the estimate's rank must be within 0.5% of p.
		rank, _ := slices.BinarySearch(sorted, got)
		if d := math.Abs(float64(rank)/n*100 - p); d > 0.5 {
			t.Errorf("p%v = %d has rank %.3f%%", p, got, float64(rank)/n*100)
		}
	}
}

func TestMakeSetLarge(t *testing.T) {
	a, err := New(sp("make_set", []kusto.Type{L, I}, []any{nil, 5000}, D))
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]int64, 100_000)
	for i := range vals {
		vals[i] = int64(i % 7000)
	}
	feedLongs(t, a, vals, 0)
	s := one(t, a).(string)
	var n int
	for _, c := range s {
		if c == ',' {
			n++
		}
	}
	if n+1 != 5000 {
		t.Fatalf("make_set with max 5000 has %d elements", n+1)
	}
}

// TestDcountPromoteMany promotes many groups, leaving their sparse entries
// behind in the shared table, interleaved with groups that stay sparse.
func TestDcountPromoteMany(t *testing.T) {
	a, err := New(sp("dcount", []kusto.Type{L}, nil, L))
	if err != nil {
		t.Fatal(err)
	}
	const ng, per = 300, 1100
	vals := make([]int64, 0, ng*per)
	groups := make([]uint32, 0, ng*per)
	for v := 0; v < per; v++ {
		for g := 0; g < ng; g++ {
			n := per
			if g%2 == 1 {
				n = 500 // stays sparse
			}
			if v < n {
				vals = append(vals, int64(v*7919+g))
				groups = append(groups, uint32(g))
			}
		}
	}
	for lo := 0; lo < len(vals); lo += batchRows {
		hi := min(lo+batchRows, len(vals))
		b := array.NewInt64Builder(memory.DefaultAllocator)
		b.AppendValues(vals[lo:hi], nil)
		if err := a.Update([]fn.Arg{{Type: L, Array: b.NewArray()}}, groups[lo:hi]); err != nil {
			t.Fatal(err)
		}
	}
	got := results(t, a, ng)[0]
	for g := 0; g < ng; g++ {
		c := got[g].(int64)
		if g%2 == 1 && c != 500 {
			t.Fatalf("sparse group %d: dcount %d, want 500", g, c)
		}
		if g%2 == 0 && math.Abs(float64(c-per))/per > 0.03 {
			t.Fatalf("promoted group %d: dcount %d, want ~%d", g, c, per)
		}
	}
}
