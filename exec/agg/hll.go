package agg

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/kusto"
)

// hllPrecision maps dcount's accuracy level (0-4) to log2 of the register count,
// as in ADX: 2^12, 2^14 (default), 2^16, 2^17, 2^18 one-byte registers.
var hllPrecision = [...]uint8{12, 14, 16, 17, 18}

// sketches holds one distinct-count sketch per group. A group starts sparse: its
// distinct 64-bit hashes live in one table shared by all groups, which makes
// small cardinalities exact (up to 2^p/16 values: 1024 at the default level)
// and costs nothing per group. Past that a group is promoted to 2^p HyperLogLog
// registers, estimated with Ertl's improved raw estimator.
type sketches struct {
	p         uint8
	m         int
	sparseMax int32

	cnt   []int32 // distinct hashes seen, while sparse
	dense []int32 // register block of the group, or -1 while sparse
	head  []int32 // first sparse entry of the group, -1 when none
	regs  []uint8

	ents []sparseEnt // per-group lists, for promotion and merge
	tab  []sparseSlot
	live int // entries of sparse groups in tab
	used int // occupied slots of tab: live plus those of promoted groups
}

type sparseEnt struct {
	h    uint64
	g    uint32
	next int32
}

// sparseSlot is a dedupe table slot; holding the hash and group in the slot
// keeps a lookup to one cache line.
type sparseSlot struct {
	h  uint64
	g1 uint32 // group + 1; 0 marks an empty slot
}

func newSketches(level int) (*sketches, error) {
	if level < 0 || level >= len(hllPrecision) {
		return nil, fmt.Errorf("accuracy level %d is out of range 0..4", level)
	}
	p := hllPrecision[level]
	m := 1 << p
	return &sketches{p: p, m: m, sparseMax: int32(m / 16), tab: make([]sparseSlot, 1024)}, nil
}

func (s *sketches) grow(n int) {
	old := len(s.cnt)
	if n <= old {
		return
	}
	s.cnt = grow(s.cnt, n)
	s.dense = growFill(s.dense, n, -1)
	s.head = growFill(s.head, n, -1)
}

func (s *sketches) slot(g uint32, h uint64) uint64 {
	return (h ^ uint64(g)*hk2) & uint64(len(s.tab)-1)
}

// add records hash h in group g.
func (s *sketches) add(g uint32, h uint64) {
	if d := s.dense[g]; d >= 0 {
		s.addDense(int(d), h)
		return
	}
	mask := uint64(len(s.tab) - 1)
	i := s.slot(g, h)
	for {
		sl := &s.tab[i]
		if sl.g1 == 0 {
			break
		}
		if sl.h == h && sl.g1 == g+1 {
			return
		}
		i = (i + 1) & mask
	}
	s.ents = append(s.ents, sparseEnt{h: h, g: g, next: s.head[g]})
	s.head[g] = int32(len(s.ents) - 1)
	s.tab[i] = sparseSlot{h: h, g1: g + 1}
	s.live++
	s.used++
	s.cnt[g]++
	if s.cnt[g] > s.sparseMax {
		s.promote(g)
	}
	if 2*s.used > len(s.tab) {
		s.rehash()
	}
}

func (s *sketches) addDense(d int, h uint64) {
	idx := h >> (64 - s.p)
	r := uint8(bits.LeadingZeros64(h<<s.p|1<<(s.p-1))) + 1
	if reg := &s.regs[d*s.m+int(idx)]; r > *reg {
		*reg = r
	}
}

func (s *sketches) promote(g uint32) {
	d := len(s.regs) / s.m
	s.regs = append(s.regs, make([]uint8, s.m)...)
	s.dense[g] = int32(d)
	for e := s.head[g]; e >= 0; e = s.ents[e].next {
		s.addDense(d, s.ents[e].h)
	}
	s.live -= int(s.cnt[g])
	s.head[g] = -1
	s.cnt[g] = 0
}

// rehash rebuilds the table for the sparse groups' entries, dropping those of
// promoted groups (and compacting the entry list).
func (s *sketches) rehash() {
	size := len(s.tab)
	for 4*s.live > size {
		size *= 2
	}
	for 16*s.live < size && size > 1024 {
		size /= 2
	}
	old := s.ents
	s.ents = make([]sparseEnt, 0, s.live+s.live/2)
	s.tab = make([]sparseSlot, size)
	for g := range s.head {
		s.head[g] = -1
	}
	mask := uint64(size - 1)
	for _, en := range old {
		if s.dense[en.g] >= 0 {
			continue
		}
		i := s.slot(en.g, en.h)
		for s.tab[i].g1 != 0 {
			i = (i + 1) & mask
		}
		s.ents = append(s.ents, sparseEnt{h: en.h, g: en.g, next: s.head[en.g]})
		s.head[en.g] = int32(len(s.ents) - 1)
		s.tab[i] = sparseSlot{h: en.h, g1: en.g + 1}
	}
	s.used = s.live
}

// mergeGroup adds other's group j into group g.
func (s *sketches) mergeGroup(o *sketches, j int, g uint32) {
	if d := o.dense[j]; d >= 0 {
		if s.dense[g] < 0 {
			s.promote(g)
		}
		dst := s.regs[int(s.dense[g])*s.m:][:s.m]
		src := o.regs[int(d)*o.m:][:o.m]
		for i, r := range src {
			if r > dst[i] {
				dst[i] = r
			}
		}
		return
	}
	for e := o.head[j]; e >= 0; e = o.ents[e].next {
		s.add(g, o.ents[e].h)
	}
}

// estimate returns the distinct count of group g.
func (s *sketches) estimate(g int) int64 {
	d := s.dense[g]
	if d < 0 {
		return int64(s.cnt[g])
	}
	return int64(math.Round(ertl(s.regs[int(d)*s.m:][:s.m], int(s.p))))
}

// ertl is the improved raw HyperLogLog estimator of O. Ertl, "New cardinality
// estimation algorithms for HyperLogLog sketches" (2017): unbiased over the
// whole range without empirical bias tables.
func ertl(regs []uint8, p int) float64 {
	q := 64 - p
	var c [66]int
	for _, r := range regs {
		c[r]++
	}
	m := float64(len(regs))
	z := m * hllTau(1-float64(c[q+1])/m)
	for k := q; k >= 1; k-- {
		z = 0.5 * (z + float64(c[k]))
	}
	z += m * hllSigma(float64(c[0])/m)
	return m * m / (2 * math.Ln2) / z
}

func hllSigma(x float64) float64 {
	if x == 1 {
		return math.Inf(1)
	}
	y, z := 1.0, x
	for {
		x *= x
		prev := z
		z += x * y
		y += y
		if z == prev {
			return z
		}
	}
}

func hllTau(x float64) float64 {
	if x == 0 || x == 1 {
		return 0
	}
	y, z := 1.0, 1-x
	for {
		x = math.Sqrt(x)
		prev := z
		y *= 0.5
		z -= (1 - x) * (1 - x) * y
		if z == prev {
			return z / 3
		}
	}
}

// dcountAgg implements dcount(X [, accuracy]) and dcountif(X, p [, accuracy]).
type dcountAgg struct {
	name string
	if_  cond
	sk   *sketches
	dc   dictCache
}

func newDcount(spec *Spec, c cond) (Aggregator, error) {
	accPos := 1
	if c >= 0 {
		accPos = 2
	}
	level, err := constInt(spec, accPos, 1)
	if err != nil {
		return nil, err
	}
	sk, err := newSketches(level)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", spec.Name, err)
	}
	return &dcountAgg{name: spec.Name, if_: c, sk: sk}, nil
}

// dictCache remembers a per-entry value (a hash, an interned id) for the entries
// of the last dictionary seen, computed lazily for the entries the rows use, so
// that dictionary-encoded strings are hashed once per distinct value.
type dictCache struct {
	data arrow.ArrayData // identity of the dictionary
	v    []uint64
	ok   []bool
}

func (c *dictCache) reset(ss *strs) {
	d := ss.dvals.Data()
	if c.data == d {
		return
	}
	n := ss.dvals.Len()
	c.data = d
	c.v = grow(c.v[:0], n)
	c.ok = grow(c.ok[:0], n)
	clear(c.ok)
}

func (c *dictCache) get(ss *strs, k int, f func(string) uint64) uint64 {
	if !c.ok[k] {
		c.v[k] = f(ss.dvals.Value(k))
		c.ok[k] = true
	}
	return c.v[k]
}

func (a *dcountAgg) Update(args []fn.Arg, groups []uint32) error {
	a.sk.grow(maxGroup(groups))
	x, v, p, err := a.if_.input(args, a.name)
	if err != nil {
		return err
	}
	sk := a.sk
	if ss, ok := strsOf(x.Array); ok {
		if ss.dict != nil {
			a.dc.reset(&ss)
			for i, g := range groups {
				if v.null(i) || !p.pass(i) {
					continue
				}
				sk.add(g, a.dc.get(&ss, ss.index(i*v.s), hashString))
			}
			return nil
		}
		for i, g := range groups {
			if v.null(i) || !p.pass(i) {
				continue
			}
			sk.add(g, hashString(ss.plain.Value(i*v.s)))
		}
		return nil
	}
	ns := numsOf(x.Array)
	switch ns.kind {
	case numI64:
		if v.bitmap == nil && p == nil && v.s == 1 {
			vals := ns.i64[:len(groups)]
			for i, g := range groups {
				sk.add(g, hashInt(uint64(vals[i])))
			}
			return nil
		}
		for i, g := range groups {
			if !v.null(i) && p.pass(i) {
				sk.add(g, hashInt(uint64(ns.i64[i*v.s])))
			}
		}
	case numF64:
		for i, g := range groups {
			if !v.null(i) && p.pass(i) {
				sk.add(g, hashFloat(ns.f64[i*v.s]))
			}
		}
	case numI32, numBool:
		for i, g := range groups {
			if !v.null(i) && p.pass(i) {
				sk.add(g, hashInt(uint64(ns.i64At(i*v.s))))
			}
		}
	default:
		return fmt.Errorf("%s: unsupported argument array %s", a.name, x.Array.DataType())
	}
	return nil
}

func (a *dcountAgg) Merge(other Aggregator, mapping []uint32) error {
	o, ok := other.(*dcountAgg)
	if !ok || o.sk.p != a.sk.p {
		return mismatch(a.name, other)
	}
	a.sk.grow(maxGroup(mapping))
	o.sk.grow(len(mapping))
	for j, g := range mapping {
		a.sk.mergeGroup(o.sk, j, g)
	}
	return nil
}

// Bytes estimates the memory the aggregator holds.
func (a *dcountAgg) Bytes() int64 {
	s := a.sk
	return int64(cap(s.regs) + 16*cap(s.ents) + 16*len(s.tab) + 12*cap(s.cnt) + 9*len(a.dc.v))
}

func (a *dcountAgg) Result(mem memory.Allocator, n int) ([]arrow.Array, error) {
	a.sk.grow(n)
	o := newOut(mem, kusto.Long, n)
	for g := 0; g < n; g++ {
		o.i64(a.sk.estimate(g))
	}
	return []arrow.Array{o.finish()}, nil
}
