package op

import (
	"encoding/binary"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/prowl-hunt/prowl/exec/eval"
	"github.com/prowl-hunt/prowl/kusto"
)

// keyStore keeps the key values of each group, one column.
type keyStore struct {
	t     kusto.Type
	ints  []int64
	flts  []float64
	strs  []string
	valid []bool
}

func (k *keyStore) isStr() bool {
	return k.t == kusto.String || k.t == kusto.Guid || k.t == kusto.Dynamic
}

func (k *keyStore) add(a arrow.Array, ints []int64, flts []float64, row int) {
	switch {
	case k.isStr():
		k.strs = append(k.strs, strings.Clone(eval.StringAt(a, row)))
		k.valid = append(k.valid, true)
	case k.t == kusto.Real:
		k.flts = append(k.flts, flts[row])
		k.valid = append(k.valid, a.IsValid(row))
	default:
		k.ints = append(k.ints, ints[row])
		k.valid = append(k.valid, a.IsValid(row))
	}
}

func (k *keyStore) array() arrow.Array {
	switch {
	case k.isStr():
		return eval.NewStrings(k.strs)
	case k.t == kusto.Real:
		return eval.NewFloats(k.flts, k.valid)
	}
	return eval.NewInts(k.t, k.ints, k.valid)
}

func (k *keyStore) bytes() int64 {
	n := int64(len(k.ints)*8 + len(k.flts)*8 + len(k.valid))
	for _, s := range k.strs {
		n += int64(len(s)) + 16
	}
	return n
}

// Grouper assigns dense group ids to rows by their key values.
type Grouper struct {
	Types []kusto.Type
	keys  []keyStore
	m     map[string]uint32
	ints  map[int64]uint32
	null  int64 // group of the null key in the single-integer fast path, -1 if none
	buf   []byte
	n     uint32
	// For 2 or 3 keys: each key value coded as an int64 (strings interned per
	// column), the codes and a null mask form a fixed-size map key.
	small   map[[4]int64]uint32
	interns []map[string]int64
	// The group of each entry of the last dictionary seen by the single
	// dictionary-key path (-1: not looked up yet). Batches of one Parquet
	// column chunk share its dictionary, so each entry is looked up once per
	// chunk. Holding the pointer keeps the dictionary's ArrayData alive, so
	// no other dictionary can have its address meanwhile.
	lastDict    arrow.ArrayData
	lastDictIDs []int64
}

// NewGrouper makes a grouper for keys of the given types.
func NewGrouper(types []kusto.Type) *Grouper {
	g := &Grouper{Types: types, keys: make([]keyStore, len(types)), null: -1}
	for i, t := range types {
		g.keys[i].t = t
	}
	switch {
	case len(types) == 1 && !g.keys[0].isStr() && types[0] != kusto.Real:
		g.ints = make(map[int64]uint32)
	case len(types) == 2 || len(types) == 3:
		g.small = make(map[[4]int64]uint32)
		g.interns = make([]map[string]int64, len(types))
		for i := range types {
			if g.keys[i].isStr() {
				g.interns[i] = make(map[string]int64)
			}
		}
	default:
		g.m = make(map[string]uint32)
	}
	return g
}

// Len is the number of groups so far.
func (g *Grouper) Len() int { return int(g.n) }

// Keys returns the key columns of groups 0..Len()-1.
func (g *Grouper) Keys() []arrow.Array {
	out := make([]arrow.Array, len(g.keys))
	for i := range g.keys {
		out[i] = g.keys[i].array()
	}
	return out
}

// Bytes estimates the grouper's memory.
func (g *Grouper) Bytes() int64 {
	var n int64
	for i := range g.keys {
		n += g.keys[i].bytes()
	}
	return n + int64(g.n)*24
}

// Assign writes the group of each listed row into groups (len(rows)).
func (g *Grouper) Assign(cols []arrow.Array, rows []int32, groups []uint32) {
	if len(cols) == 0 {
		if g.n == 0 {
			g.n = 1
		}
		for i := range groups {
			groups[i] = 0
		}
		return
	}
	ints := make([][]int64, len(cols))
	flts := make([][]float64, len(cols))
	for i, c := range cols {
		switch {
		case g.keys[i].isStr():
		case g.keys[i].t == kusto.Real:
			c = eval.Decode(c)
			cols[i] = c
			flts[i] = eval.Floats(c)
		default:
			c = eval.Decode(c)
			cols[i] = c
			ints[i] = eval.Ints(c)
		}
	}
	if g.ints != nil {
		c, iv := cols[0], ints[0]
		hasNull := c.NullN() > 0
		for j, r := range rows {
			if hasNull && c.IsNull(int(r)) {
				if g.null < 0 {
					g.null = int64(g.n)
					g.keys[0].add(c, iv, nil, int(r))
					g.n++
				}
				groups[j] = uint32(g.null)
				continue
			}
			id, ok := g.ints[iv[r]]
			if !ok {
				id = g.n
				g.ints[iv[r]] = id
				g.keys[0].add(c, iv, nil, int(r))
				g.n++
			}
			groups[j] = id
		}
		return
	}
	// A single dictionary-encoded string key: look each dictionary entry up once.
	if len(cols) == 1 {
		if d, ok := cols[0].(*array.Dictionary); ok && d.NullN() == 0 {
			dict := d.Dictionary()
			if key := d.Data().Dictionary(); key != g.lastDict || len(g.lastDictIDs) != dict.Len() {
				g.lastDict = key
				g.lastDictIDs = make([]int64, dict.Len())
				for i := range g.lastDictIDs {
					g.lastDictIDs[i] = -1
				}
			}
			per := g.lastDictIDs
			var iv []int32
			if xi, ok := d.Indices().(*array.Int32); ok {
				iv = xi.Int32Values()
			}
			for j, r := range rows {
				var ix int
				if iv != nil {
					ix = int(iv[r])
				} else {
					ix = d.GetValueIndex(int(r))
				}
				id := per[ix]
				if id < 0 {
					s := eval.StringAt(dict, ix)
					got, ok := g.m[s]
					if !ok {
						got = g.n
						g.m[strings.Clone(s)] = got
						g.keys[0].strs = append(g.keys[0].strs, strings.Clone(s))
						g.keys[0].valid = append(g.keys[0].valid, true)
						g.n++
					}
					id = int64(got)
					per[ix] = id
				}
				groups[j] = uint32(id)
			}
			return
		}
	}
	if g.small != nil {
		g.assignSmall(cols, ints, flts, rows, groups)
		return
	}
	// A single string key: the string itself is the map key (the same as in
	// the dictionary path above).
	if len(cols) == 1 && g.keys[0].isStr() {
		c := cols[0]
		for j, r := range rows {
			s := eval.StringAt(c, int(r))
			id, ok := g.m[s]
			if !ok {
				id = g.n
				s = strings.Clone(s)
				g.m[s] = id
				g.keys[0].strs = append(g.keys[0].strs, s)
				g.keys[0].valid = append(g.keys[0].valid, true)
				g.n++
			}
			groups[j] = id
		}
		return
	}
	for j, r := range rows {
		buf := g.buf[:0]
		for i, c := range cols {
			k := &g.keys[i]
			switch {
			case k.isStr():
				s := eval.StringAt(c, int(r))
				buf = binary.LittleEndian.AppendUint32(buf, uint32(len(s)))
				buf = append(buf, s...)
			case c.IsNull(int(r)):
				buf = append(buf, 0)
			case k.t == kusto.Real:
				buf = append(buf, 1)
				buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(flts[i][r]))
			default:
				buf = append(buf, 1)
				buf = binary.LittleEndian.AppendUint64(buf, uint64(ints[i][r]))
			}
		}
		g.buf = buf
		id, ok := g.m[string(buf)]
		if !ok {
			id = g.n
			g.m[string(buf)] = id
			for i, c := range cols {
				g.keys[i].add(c, ints[i], flts[i], int(r))
			}
			g.n++
		}
		groups[j] = id
	}
}

// intern codes the string keys of column i for the listed rows.
func (g *Grouper) intern(i int, c arrow.Array, rows []int32, codes []int64) {
	m := g.interns[i]
	code := func(s string) int64 {
		id, ok := m[s]
		if !ok {
			id = int64(len(m))
			m[strings.Clone(s)] = id
		}
		return id
	}
	if d, ok := c.(*array.Dictionary); ok && d.NullN() == 0 {
		dict := d.Dictionary()
		per := make([]int64, dict.Len())
		for k := range per {
			per[k] = -1
		}
		for _, r := range rows {
			ix := d.GetValueIndex(int(r))
			if per[ix] < 0 {
				per[ix] = code(eval.StringAt(dict, ix))
			}
			codes[r] = per[ix]
		}
		return
	}
	for _, r := range rows {
		codes[r] = code(eval.StringAt(c, int(r)))
	}
}

// assignSmall groups by 2 or 3 keys coded as int64s.
func (g *Grouper) assignSmall(cols []arrow.Array, ints [][]int64, flts [][]float64, rows []int32, groups []uint32) {
	n := 0
	for _, r := range rows {
		n = max(n, int(r)+1)
	}
	codes := make([][]int64, len(cols))
	nullable := make([]bool, len(cols))
	for i, c := range cols {
		switch {
		case g.keys[i].isStr():
			codes[i] = make([]int64, n)
			g.intern(i, c, rows, codes[i])
		case g.keys[i].t == kusto.Real:
			codes[i] = make([]int64, n)
			for _, r := range rows {
				codes[i][r] = int64(math.Float64bits(flts[i][r]))
			}
			nullable[i] = c.NullN() > 0
		default:
			codes[i] = ints[i]
			nullable[i] = c.NullN() > 0
		}
	}
	for j, r := range rows {
		var key [4]int64
		for i := range cols {
			if nullable[i] && cols[i].IsNull(int(r)) {
				key[3] |= 1 << i
				continue
			}
			key[i] = codes[i][r]
		}
		id, ok := g.small[key]
		if !ok {
			id = g.n
			g.small[key] = id
			for i, c := range cols {
				g.keys[i].add(c, ints[i], flts[i], int(r))
			}
			g.n++
		}
		groups[j] = id
	}
}
