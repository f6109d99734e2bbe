package agg

import (
	"cmp"
	"fmt"
	"strings"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/kusto"
)

// keyCol tracks, per group, the best (largest or smallest) value of an ordered
// key. A batch is processed in two steps: scan finds each group's best row of
// the batch with one comparison per row, then take compares that row with the
// group's best so far. Values are copied (and returned columns captured) at
// most once per group and batch.
type keyCol interface {
	grow(n int)
	load(a arrow.Array, stride int) error
	scan(v *view, p *pred, groups []uint32, cand []int32, touched []uint32) []uint32
	take(g uint32, row int) bool
	mergeFrom(o keyCol, j int, g uint32) bool
	build(mem memory.Allocator, n int, t kusto.Type) arrow.Array
	bytes() int64
}

type keys[T cmp.Ordered] struct {
	max     bool
	best    []T
	seen    []bool
	cur     []T
	s       int
	scratch []T
	clone   func(T) T
	extra   int64 // string bytes held by best
}

func (k *keys[T]) bytes() int64 {
	var zero T
	return int64(len(k.best))*int64(unsafe.Sizeof(zero)) + int64(len(k.seen)) + k.extra
}

func (k *keys[T]) setBest(g uint32, x T) {
	if s, ok := any(x).(string); ok {
		k.extra += int64(len(s) - len(any(k.best[g]).(string)))
	}
	k.best[g], k.seen[g] = x, true
}

func newKeyCol(t kusto.Type, max bool) (keyCol, error) {
	switch t {
	case kusto.Int, kusto.Long, kusto.DateTime, kusto.TimeSpan, kusto.Bool:
		return &keys[int64]{max: max}, nil
	case kusto.Real:
		return &keys[float64]{max: max}, nil
	case kusto.String, kusto.Guid:
		return &keys[string]{max: max, clone: strings.Clone}, nil
	}
	return nil, fmt.Errorf("values of type %s cannot be ordered", t)
}

func (k *keys[T]) grow(n int) {
	k.best, k.seen = grow(k.best, n), grow(k.seen, n)
}

func (k *keys[T]) load(a arrow.Array, stride int) error {
	k.s = stride
	n := a.Len()
	switch cur := any(&k.cur).(type) {
	case *[]int64:
		ns := numsOf(a)
		switch ns.kind {
		case numI64:
			*cur = ns.i64
			return nil
		case numI32, numBool:
			sc := any(&k.scratch).(*[]int64)
			*sc = grow((*sc)[:0], n)
			for i := range n {
				(*sc)[i] = ns.i64At(i)
			}
			*cur = *sc
			return nil
		}
	case *[]float64:
		ns := numsOf(a)
		switch ns.kind {
		case numF64:
			*cur = ns.f64
			return nil
		case numI32, numI64:
			sc := any(&k.scratch).(*[]float64)
			*sc = grow((*sc)[:0], n)
			for i := range n {
				(*sc)[i] = ns.f64At(i)
			}
			*cur = *sc
			return nil
		}
	case *[]string:
		ss, ok := strsOf(a)
		if ok {
			sc := any(&k.scratch).(*[]string)
			*sc = grow((*sc)[:0], n)
			for i := range n {
				(*sc)[i] = ss.at(i)
			}
			*cur = *sc
			return nil
		}
	}
	return fmt.Errorf("unsupported key array %s", a.DataType())
}

func (k *keys[T]) better(x, y T) bool {
	if k.max {
		return x > y
	}
	return x < y
}

func (k *keys[T]) scan(v *view, p *pred, groups []uint32, cand []int32, touched []uint32) []uint32 {
	cur, s := k.cur, k.s
	for i, g := range groups {
		if v.null(i) || !p.pass(i) {
			continue
		}
		x := cur[i*s]
		if x != x { // NaN orders nowhere: skip it like a null
			continue
		}
		c := cand[g]
		if c < 0 {
			cand[g] = int32(i)
			touched = append(touched, g)
			continue
		}
		if k.better(x, cur[int(c)*s]) {
			cand[g] = int32(i)
		}
	}
	return touched
}

func (k *keys[T]) take(g uint32, row int) bool {
	x := k.cur[row*k.s]
	if k.seen[g] && !k.better(x, k.best[g]) {
		return false
	}
	if k.clone != nil {
		x = k.clone(x)
	}
	k.setBest(g, x)
	return true
}

func (k *keys[T]) mergeFrom(other keyCol, j int, g uint32) bool {
	o := other.(*keys[T])
	if !o.seen[j] || (k.seen[g] && !k.better(o.best[j], k.best[g])) {
		return false
	}
	k.setBest(g, o.best[j])
	return true
}

func (k *keys[T]) build(mem memory.Allocator, n int, t kusto.Type) arrow.Array {
	k.grow(n)
	o := newOut(mem, t, n)
	for g := 0; g < n; g++ {
		if !k.seen[g] {
			o.null()
			continue
		}
		switch x := any(k.best[g]).(type) {
		case int64:
			o.i64(x)
		case float64:
			o.f64(x)
		case string:
			o.s(x)
		}
	}
	return o.finish()
}

// growFill extends s to n elements, new ones set to fill.
func growFill[T any](s []T, n int, fill T) []T {
	old := len(s)
	s = grow(s, n)
	for i := old; i < len(s); i++ {
		s[i] = fill
	}
	return s
}

// bestAgg implements min, max, minif, maxif, arg_max and arg_min. For the arg_
// forms, the returned columns are captured from the row that holds the best key.
type bestAgg struct {
	name    string
	key     keyCol
	keyType kusto.Type
	keyOut  bool     // the key is an output column
	rets    []*store // arg_max's returned columns
	retPos  []int    // their argument positions
	if_     cond
	cand    []int32
	touched []uint32
}

func newBest(spec *Spec, max, arg bool, c cond) (Aggregator, error) {
	if len(spec.Args) < 1 {
		return nil, fmt.Errorf("%s: missing argument", spec.Name)
	}
	k, err := newKeyCol(spec.Args[0], max)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", spec.Name, err)
	}
	a := &bestAgg{name: spec.Name, key: k, keyType: spec.Args[0], keyOut: true, if_: c}
	if !arg {
		if len(spec.Out) > 0 {
			a.keyType = spec.Out[0]
		}
		return a, nil
	}
	nret := len(spec.Args) - 1
	outs := spec.Out
	switch len(outs) {
	case nret + 1:
		a.keyType, outs = outs[0], outs[1:]
	case nret:
		a.keyOut = false
	default:
		return nil, fmt.Errorf("%s: %d arguments but %d result columns", spec.Name, len(spec.Args), len(spec.Out))
	}
	for i := 0; i < nret; i++ {
		a.rets = append(a.rets, newStore(outs[i]))
		a.retPos = append(a.retPos, i+1)
	}
	return a, nil
}

func (a *bestAgg) grow(n int) {
	a.key.grow(n)
	for _, r := range a.rets {
		r.grow(n)
	}
	a.cand = growFill(a.cand, n, -1)
}

func (a *bestAgg) Update(args []fn.Arg, groups []uint32) error {
	a.grow(maxGroup(groups))
	x, v, p, err := a.if_.input(args, a.name)
	if err != nil {
		return err
	}
	if err := a.key.load(x.Array, v.s); err != nil {
		return fmt.Errorf("%s: %w", a.name, err)
	}
	var rets []fn.Arg
	for _, pos := range a.retPos {
		r, err := argAt(args, pos, a.name)
		if err != nil {
			return err
		}
		rets = append(rets, r)
	}
	a.touched = a.key.scan(&v, p, groups, a.cand, a.touched[:0])
	for _, g := range a.touched {
		row := int(a.cand[g])
		a.cand[g] = -1
		if !a.key.take(g, row) {
			continue
		}
		for i, r := range rets {
			ri := row
			if r.Const {
				ri = 0
			}
			a.rets[i].set(g, r.Array, ri)
		}
	}
	return nil
}

func (a *bestAgg) Merge(other Aggregator, mapping []uint32) error {
	o, ok := other.(*bestAgg)
	if !ok || len(o.rets) != len(a.rets) {
		return mismatch(a.name, other)
	}
	a.grow(maxGroup(mapping))
	o.grow(len(mapping))
	for j, g := range mapping {
		if a.key.mergeFrom(o.key, j, g) {
			for i, r := range a.rets {
				r.copyFrom(g, o.rets[i], j)
			}
		}
	}
	return nil
}

// Bytes estimates the memory the aggregator holds.
func (a *bestAgg) Bytes() int64 {
	n := a.key.bytes() + int64(4*len(a.cand))
	for _, r := range a.rets {
		n += r.bytes()
	}
	return n
}

func (a *bestAgg) Result(mem memory.Allocator, n int) ([]arrow.Array, error) {
	a.grow(n)
	var cols []arrow.Array
	if a.keyOut {
		cols = append(cols, a.key.build(mem, n, a.keyType))
	}
	for _, r := range a.rets {
		cols = append(cols, r.build(mem, n))
	}
	return cols, nil
}
