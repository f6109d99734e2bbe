package agg

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"

	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/kusto"
)

// randRow is one input row of the randomized test.
type randRow struct {
	g     uint32
	x     int64 // long value
	xnull bool
	s     string
	p     bool
}

// reference computes an aggregate of the rows of one group the slow, obvious way.
type reference func(rows []randRow) any

func TestRandomAgainstReference(t *testing.T) {
	longs := func(rows []randRow) []int64 {
		var v []int64
		for _, r := range rows {
			if !r.xnull {
				v = append(v, r.x)
			}
		}
		return v
	}
	distinct := func(v []string) []string {
		var out []string
		for _, s := range v {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		return out
	}
	cases := []struct {
		spec *Spec
		ref  reference
	}{
		{sp("count", nil, nil, L), func(rows []randRow) any { return int64(len(rows)) }},
		{sp("countif", []kusto.Type{B}, nil, L), func(rows []randRow) any {
			n := int64(0)
			for _, r := range rows {
				if r.p {
					n++
				}
			}
			return n
		}},
		{sp("sum", []kusto.Type{L}, nil, L), func(rows []randRow) any {
			var s int64
			for _, x := range longs(rows) {
				s += x
			}
			return s
		}},
		{sp("avg", []kusto.Type{L}, nil, R), func(rows []randRow) any {
			v := longs(rows)
			if len(v) == 0 {
				return "NaN"
			}
			var s float64
			for _, x := range v {
				s += float64(x)
			}
			return s / float64(len(v))
		}},
		{sp("variance", []kusto.Type{L}, nil, R), func(rows []randRow) any {
			v := longs(rows)
			if len(v) < 2 {
				return 0.0
			}
			var m float64
			for _, x := range v {
				m += float64(x)
			}
			m /= float64(len(v))
			var ss float64
			for _, x := range v {
				ss += (float64(x) - m) * (float64(x) - m)
			}
			return ss / float64(len(v)-1)
		}},
		{sp("max", []kusto.Type{L}, nil, L), func(rows []randRow) any {
			v := longs(rows)
			if len(v) == 0 {
				return nil
			}
			return slices.Max(v)
		}},
		{sp("min", []kusto.Type{S}, nil, S), func(rows []randRow) any {
			if len(rows) == 0 {
				return ""
			}
			m := rows[0].s
			for _, r := range rows {
				m = min(m, r.s)
			}
			return m
		}},
		{sp("dcount", []kusto.Type{S}, nil, L), func(rows []randRow) any {
			var v []string
			for _, r := range rows {
				v = append(v, r.s)
			}
			return int64(len(distinct(v)))
		}},
		{sp("count_distinct", []kusto.Type{L}, nil, L), func(rows []randRow) any {
			var v []string
			for _, x := range longs(rows) {
				v = append(v, strconv.FormatInt(x, 10))
			}
			return int64(len(distinct(v)))
		}},
		{sp("make_list", []kusto.Type{S}, nil, D), func(rows []randRow) any {
			v := []string{}
			for _, r := range rows {
				v = append(v, r.s)
			}
			b, _ := json.Marshal(v)
			return string(b)
		}},
		{sp("make_set", []kusto.Type{S}, nil, D), func(rows []randRow) any {
			v := []string{}
			for _, r := range rows {
				v = append(v, r.s)
			}
			b, _ := json.Marshal(distinct(v))
			return string(b)
		}},
		{sp("percentile", []kusto.Type{L, R}, []any{nil, 37.5}, L), func(rows []randRow) any {
			v := longs(rows)
			if len(v) == 0 {
				return nil
			}
			slices.Sort(v)
			return v[nearestRank(37.5, len(v))]
		}},
		{sp("arg_max", []kusto.Type{L, S}, nil, L, S), func(rows []randRow) any {
			var best *randRow
			for i := range rows {
				if r := &rows[i]; !r.xnull && (best == nil || r.x > best.x) {
					best = r
				}
			}
			if best == nil {
				return []any{nil, ""}
			}
			return []any{best.x, best.s}
		}},
		{sp("take_any", []kusto.Type{L}, nil, L), func(rows []randRow) any {
			for _, r := range rows {
				if !r.xnull {
					return r.x
				}
			}
			return nil
		}},
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for iter := 0; iter < 30; iter++ {
		ngroups := 1 + rng.IntN(40)
		nrows := rng.IntN(3000)
		rows := make([]randRow, nrows)
		for i := range rows {
			rows[i] = randRow{
				g:     uint32(rng.IntN(ngroups)),
				x:     rng.Int64N(50) - 10,
				xnull: rng.IntN(5) == 0,
				s:     "s" + strconv.Itoa(rng.IntN(30)),
				p:     rng.IntN(2) == 0,
			}
		}
		byGroup := make([][]randRow, ngroups)
		for _, r := range rows {
			byGroup[r.g] = append(byGroup[r.g], r)
		}
		// Three workers with contiguous row ranges and their own group numbering.
		cut1, cut2 := rng.IntN(nrows+1), rng.IntN(nrows+1)
		if cut1 > cut2 {
			cut1, cut2 = cut2, cut1
		}
		ranges := [][2]int{{0, cut1}, {cut1, cut2}, {cut2, nrows}}
		useDict := iter%2 == 1
		for _, c := range cases {
			var workers []Aggregator
			var mappings [][]uint32
			for w, rg := range ranges {
				a, err := New(c.spec)
				if err != nil {
					t.Fatal(err)
				}
				// Worker w numbers groups by first appearance; mapping takes them back.
				local := map[uint32]uint32{}
				var mapping []uint32
				part := rows[rg[0]:rg[1]]
				for lo := 0; lo < len(part); lo += 257 {
					batch := part[lo:min(lo+257, len(part))]
					gs := make([]uint32, len(batch))
					for i, r := range batch {
						if w == 0 {
							// Worker 0 is the merge target and uses the global ids.
							gs[i] = r.g
							continue
						}
						id, ok := local[r.g]
						if !ok {
							id = uint32(len(mapping))
							local[r.g] = id
							mapping = append(mapping, r.g)
						}
						gs[i] = id
					}
					if err := a.Update(randArgs(c.spec, batch, useDict), gs); err != nil {
						t.Fatalf("%s: %v", c.spec.Name, err)
					}
				}
				workers = append(workers, a)
				mappings = append(mappings, mapping)
			}
			for w := 1; w < len(workers); w++ {
				if err := workers[0].Merge(workers[w], mappings[w]); err != nil {
					t.Fatal(err)
				}
			}
			cols, err := workers[0].Result(memory.DefaultAllocator, ngroups)
			if err != nil {
				t.Fatal(err)
			}
			var got [][]any
			for _, col := range cols {
				got = append(got, values(col))
			}
			for g := 0; g < ngroups; g++ {
				want := c.ref(byGroup[g])
				var have any = got[0][g]
				if len(got) > 1 {
					var row []any
					for _, col := range got {
						row = append(row, col[g])
					}
					have = row
				}
				if diff := cmp.Diff(want, have, floatCmp); diff != "" {
					t.Fatalf("iter %d %s group %d (%d rows): (-want +got)\n%s", iter, c.spec.Name, g, len(byGroup[g]), diff)
				}
			}
		}
	}
}

// randArgs builds the argument columns a spec takes from rows.
func randArgs(spec *Spec, rows []randRow, dict bool) []fn.Arg {
	var args []fn.Arg
	for k, t := range spec.Args {
		if k < len(spec.Consts) && spec.Consts[k] != nil {
			args = append(args, constArg(R, spec.Consts[k]))
			continue
		}
		switch t {
		case B:
			b := array.NewBooleanBuilder(memory.DefaultAllocator)
			for _, r := range rows {
				b.Append(r.p)
			}
			args = append(args, fn.Arg{Type: B, Array: b.NewArray()})
		case L:
			b := array.NewInt64Builder(memory.DefaultAllocator)
			for _, r := range rows {
				if r.xnull {
					b.AppendNull()
				} else {
					b.Append(r.x)
				}
			}
			args = append(args, fn.Arg{Type: L, Array: b.NewArray()})
		case S:
			v := make([]string, len(rows))
			for i, r := range rows {
				v[i] = r.s
			}
			if dict {
				args = append(args, dictCol(v...))
			} else {
				args = append(args, col(S, anys(v)...))
			}
		}
	}
	return args
}

func anys(v []string) []any {
	out := make([]any, len(v))
	for i, s := range v {
		out[i] = s
	}
	return out
}
