package agg

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/exec/fn/dyn"
	"github.com/prowl-hunt/prowl/kusto"
)

// interner assigns dense ids to distinct strings, kept in one arena. Strings it
// returns alias the arena; bytes once written are never modified.
type interner struct {
	arena []byte
	offs  []int // start of each id; offs[len] is the arena end
	hs    []uint64
	tab   []int32 // id + 1; 0 is empty
}

func (in *interner) str(id uint64) string {
	a, b := in.offs[id], in.offs[id+1]
	if a == b {
		return ""
	}
	return unsafe.String(&in.arena[a], b-a)
}

func (in *interner) intern(s string) uint64 {
	if in.tab == nil {
		in.tab = make([]int32, 256)
		in.offs = []int{0}
	}
	h := hashString(s)
	mask := uint64(len(in.tab) - 1)
	i := h & mask
	for {
		e := in.tab[i]
		if e == 0 {
			break
		}
		if id := uint64(e - 1); in.hs[id] == h && in.str(id) == s {
			return id
		}
		i = (i + 1) & mask
	}
	id := uint64(len(in.hs))
	in.arena = append(in.arena, s...)
	in.offs = append(in.offs, len(in.arena))
	in.hs = append(in.hs, h)
	in.tab[i] = int32(id + 1)
	if 2*len(in.hs) > len(in.tab) {
		in.tab = make([]int32, 2*len(in.tab))
		mask = uint64(len(in.tab) - 1)
		for id, h := range in.hs {
			j := h & mask
			for in.tab[j] != 0 {
				j = (j + 1) & mask
			}
			in.tab[j] = int32(id + 1)
		}
	}
	return id
}

// setMode says what a setAgg builds.
type setMode uint8

const (
	modeSet       setMode = iota // make_set: distinct values, JSON array
	modeList                     // make_list: all values in arrival order
	modeDistinct                 // count_distinct: number of distinct values
	modeBag                      // make_bag: union of property bags
	modeListNulls                // make_list_with_nulls: make_list keeping nulls
)

// nullVal marks a null element of make_list_with_nulls in setEnt.val.
const nullVal = 1

func (m setMode) list() bool { return m == modeList || m == modeListNulls }

// setAgg implements make_set, make_list, count_distinct (and their _if forms)
// and make_bag. Values are reduced to 64-bit keys (the value's bits, or an
// interned id for strings and dynamic JSON text) and kept as entries of per-group
// linked lists in one flat slice; a table shared by all groups dedupes
// (group, key) pairs.
type setAgg struct {
	name    string
	mode    setMode
	t       kusto.Type // argument type
	if_     cond
	maxSize int64
	flatten bool // make_set of dynamic arrays unions their elements

	in   interner
	dc   dictCache
	cnt  []int64
	head []int32
	ents []setEnt
	tab  []sparseSlot // (key, group) pairs present, for dedupe
	buf  bytes.Buffer
}

type setEnt struct {
	key  uint64
	val  uint64 // make_bag: interned value JSON
	g    uint32
	next int32
}

const defaultMaxSize = 1 << 20

func newSet(spec *Spec, mode setMode, c cond) (Aggregator, error) {
	if len(spec.Args) < 1 {
		return nil, fmt.Errorf("%s: missing argument", spec.Name)
	}
	a := &setAgg{name: spec.Name, mode: mode, t: spec.Args[0], if_: c, maxSize: defaultMaxSize}
	if mode != modeDistinct {
		pos := 1
		if c >= 0 {
			pos = 2
		}
		n, err := constInt(spec, pos, defaultMaxSize)
		if err != nil {
			return nil, err
		}
		if n < 1 || n > defaultMaxSize {
			n = defaultMaxSize
		}
		a.maxSize = int64(n)
	}
	switch {
	case mode == modeBag && a.t != kusto.Dynamic:
		return nil, fmt.Errorf("%s: argument must be dynamic, got %s", spec.Name, a.t)
	case a.t == kusto.Decimal || a.t == kusto.Invalid:
		return nil, fmt.Errorf("%s: unsupported argument type %s", spec.Name, a.t)
	}
	a.flatten = mode == modeSet && a.t == kusto.Dynamic
	return a, nil
}

func (a *setAgg) grow(n int) {
	if n <= len(a.cnt) {
		return
	}
	a.cnt = grow(a.cnt, n)
	a.head = growFill(a.head, n, -1)
}

// add puts key (and val, for bags) into group g.
func (a *setAgg) add(g uint32, key, val uint64) {
	if a.cnt[g] >= a.maxSize && a.mode != modeDistinct {
		return
	}
	if !a.mode.list() {
		if a.tab == nil {
			a.tab = make([]sparseSlot, 1024)
		}
		mask := uint64(len(a.tab) - 1)
		i := (mix64(key) ^ uint64(g)*hk2) & mask
		for {
			sl := &a.tab[i]
			if sl.g1 == 0 {
				break
			}
			if sl.h == key && sl.g1 == g+1 {
				return
			}
			i = (i + 1) & mask
		}
		a.tab[i] = sparseSlot{h: key, g1: g + 1}
	}
	a.ents = append(a.ents, setEnt{key: key, val: val, g: g, next: a.head[g]})
	a.head[g] = int32(len(a.ents) - 1)
	a.cnt[g]++
	if !a.mode.list() && 2*len(a.ents) > len(a.tab) {
		a.tab = make([]sparseSlot, 2*len(a.tab))
		mask := uint64(len(a.tab) - 1)
		for _, en := range a.ents {
			i := (mix64(en.key) ^ uint64(en.g)*hk2) & mask
			for a.tab[i].g1 != 0 {
				i = (i + 1) & mask
			}
			a.tab[i] = sparseSlot{h: en.key, g1: en.g + 1}
		}
	}
}

// addDynamic adds one dynamic value given as JSON text.
func (a *setAgg) addDynamic(g uint32, text string) {
	if a.mode == modeBag {
		a.addBag(g, text)
		return
	}
	v := bytes.TrimSpace([]byte(text))
	if len(v) == 0 || string(v) == "null" {
		if a.mode == modeListNulls {
			a.add(g, 0, nullVal)
		}
		return
	}
	if a.flatten && v[0] == '[' {
		var elems []json.RawMessage
		if err := json.Unmarshal(v, &elems); err == nil {
			for _, e := range elems {
				if c := a.compact(e); c != "null" {
					a.add(g, a.in.intern(c), 0)
				}
			}
			return
		}
	}
	a.add(g, a.in.intern(a.compact(v)), 0)
}

func (a *setAgg) compact(v []byte) string {
	a.buf.Reset()
	if err := json.Compact(&a.buf, v); err != nil {
		// Not JSON: keep it as a JSON string.
		return string(dyn.AppendString(nil, string(v)))
	}
	return a.buf.String()
}

func (a *setAgg) addBag(g uint32, text string) {
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return // not a property bag: ignored, as in ADX
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return
		}
		k, ok := kt.(string)
		if !ok {
			return
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return
		}
		a.add(g, a.in.intern(k), a.in.intern(a.compact(raw)))
	}
}

func (a *setAgg) Update(args []fn.Arg, groups []uint32) error {
	a.grow(maxGroup(groups))
	x, v, p, err := a.if_.input(args, a.name)
	if err != nil {
		return err
	}
	nulls := a.mode == modeListNulls
	// skip reports whether row i adds no value, recording a null element first
	// for make_list_with_nulls.
	skip := func(i int, g uint32) bool {
		if !p.pass(i) {
			return true
		}
		if v.null(i) {
			if nulls {
				a.add(g, 0, nullVal)
			}
			return true
		}
		return false
	}
	if ss, ok := strsOf(x.Array); ok {
		switch {
		case a.t == kusto.Dynamic:
			for i, g := range groups {
				if !skip(i, g) {
					a.addDynamic(g, ss.at(i*v.s))
				}
			}
		case ss.dict != nil:
			a.dc.reset(&ss)
			intern := a.in.intern
			for i, g := range groups {
				if !skip(i, g) {
					a.add(g, a.dc.get(&ss, ss.index(i*v.s), intern), 0)
				}
			}
		default:
			for i, g := range groups {
				if !skip(i, g) {
					a.add(g, a.in.intern(ss.plain.Value(i*v.s)), 0)
				}
			}
		}
		return nil
	}
	ns := numsOf(x.Array)
	switch ns.kind {
	case numF64:
		for i, g := range groups {
			if !skip(i, g) {
				a.add(g, floatKey(ns.f64[i*v.s]), 0)
			}
		}
	case numI32, numI64, numBool:
		for i, g := range groups {
			if !skip(i, g) {
				a.add(g, uint64(ns.i64At(i*v.s)), 0)
			}
		}
	default:
		return fmt.Errorf("%s: unsupported argument array %s", a.name, x.Array.DataType())
	}
	return nil
}

func (a *setAgg) stringKeys() bool { return isStringType(a.t) }

func (a *setAgg) Merge(other Aggregator, mapping []uint32) error {
	o, ok := other.(*setAgg)
	if !ok || o.mode != a.mode || o.t != a.t {
		return mismatch(a.name, other)
	}
	a.grow(maxGroup(mapping))
	o.grow(len(mapping))
	var order []int32
	for j, g := range mapping {
		order = o.entries(j, order[:0])
		for _, e := range order {
			en := o.ents[e]
			key, val := en.key, en.val
			if a.stringKeys() && !(a.mode == modeListNulls && val == nullVal) {
				key = a.in.intern(o.in.str(key))
			}
			switch {
			case a.mode == modeBag:
				val = a.in.intern(o.in.str(val))
			case a.mode == modeListNulls && val == nullVal:
				key = 0
			}
			a.add(g, key, val)
		}
	}
	return nil
}

// entries appends group j's entry indices in insertion order.
func (a *setAgg) entries(j int, dst []int32) []int32 {
	start := len(dst)
	for e := a.head[j]; e >= 0; e = a.ents[e].next {
		dst = append(dst, e)
	}
	for l, r := start, len(dst)-1; l < r; l, r = l+1, r-1 {
		dst[l], dst[r] = dst[r], dst[l]
	}
	return dst
}

// Bytes estimates the memory the aggregator holds.
func (a *setAgg) Bytes() int64 {
	in := &a.in
	return int64(cap(in.arena) + 8*cap(in.offs) + 8*cap(in.hs) + 4*len(in.tab) +
		24*cap(a.ents) + 16*len(a.tab) + 12*cap(a.cnt) + 9*len(a.dc.v))
}

func (a *setAgg) Result(mem memory.Allocator, n int) ([]arrow.Array, error) {
	a.grow(n)
	if a.mode == modeDistinct {
		o := newOut(mem, kusto.Long, n)
		for _, c := range a.cnt[:n] {
			o.i64(c)
		}
		return []arrow.Array{o.finish()}, nil
	}
	o := newOut(mem, kusto.Dynamic, n)
	var order []int32
	var b []byte
	for g := 0; g < n; g++ {
		order = a.entries(g, order[:0])
		b = b[:0]
		if a.mode == modeBag {
			b = append(b, '{')
			for k, e := range order {
				if k > 0 {
					b = append(b, ',')
				}
				b = dyn.AppendString(b, a.in.str(a.ents[e].key))
				b = append(b, ':')
				b = append(b, a.in.str(a.ents[e].val)...)
			}
			b = append(b, '}')
		} else {
			b = append(b, '[')
			for k, e := range order {
				if k > 0 {
					b = append(b, ',')
				}
				if a.mode == modeListNulls && a.ents[e].val == nullVal {
					b = append(b, "null"...)
					continue
				}
				b = a.appendElem(b, a.ents[e].key)
			}
			b = append(b, ']')
		}
		o.s(string(b))
	}
	return []arrow.Array{o.finish()}, nil
}

// appendElem renders one element as JSON the way Kusto's dynamic does.
func (a *setAgg) appendElem(b []byte, key uint64) []byte {
	switch a.t {
	case kusto.Dynamic:
		return append(b, a.in.str(key)...)
	case kusto.String, kusto.Guid:
		return dyn.AppendString(b, a.in.str(key))
	case kusto.Bool:
		return strconv.AppendBool(b, key != 0)
	case kusto.Real:
		return dyn.AppendFloat(b, math.Float64frombits(key))
	case kusto.DateTime:
		b = append(b, '"')
		return append(kusto.AppendDateTime(b, int64(key)), '"')
	case kusto.TimeSpan:
		b = append(b, '"')
		return append(kusto.AppendTimeSpan(b, int64(key)), '"')
	}
	return strconv.AppendInt(b, int64(key), 10)
}
