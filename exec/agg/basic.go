package agg

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/kusto"
)

// grow extends s to at least n zero-valued elements.
func grow[T any](s []T, n int) []T {
	if n <= len(s) {
		return s
	}
	if n <= cap(s) {
		return s[:n]
	}
	c := 2 * cap(s)
	if c < n {
		c = n
	}
	t := make([]T, n, c)
	copy(t, s)
	return t
}

// cond is the position of an aggregate's predicate argument, or -1.
type cond int

func (c cond) pred(args []fn.Arg, name string) (*pred, error) {
	if c < 0 {
		return nil, nil
	}
	a, err := argAt(args, int(c), name)
	if err != nil {
		return nil, err
	}
	return newPred(a)
}

// input reads what an Update call aggregates: the value argument (args[0]),
// its row view, and the predicate when c names one.
func (c cond) input(args []fn.Arg, name string) (fn.Arg, view, *pred, error) {
	x, err := argAt(args, 0, name)
	if err != nil {
		return fn.Arg{}, view{}, nil, err
	}
	p, err := c.pred(args, name)
	if err != nil {
		return fn.Arg{}, view{}, nil, err
	}
	return x, newView(x), p, nil
}

// countAgg implements count(), countif(p) and count(X) (non-null X).
type countAgg struct {
	name string
	val  int // position of the counted value, or -1
	if_  cond
	n    []int64
}

func (a *countAgg) Update(args []fn.Arg, groups []uint32) error {
	a.n = grow(a.n, maxGroup(groups))
	p, err := a.if_.pred(args, a.name)
	if err != nil {
		return err
	}
	var v view
	if a.val >= 0 {
		x, err := argAt(args, a.val, a.name)
		if err != nil {
			return err
		}
		v = newView(x)
	}
	n := a.n
	if p == nil && v.bitmap == nil {
		for _, g := range groups {
			n[g]++
		}
		return nil
	}
	if p != nil && p.bitmap == nil && v.bitmap == nil && p.s == 1 && p.bits != nil {
		bits, off := p.bits, p.voff
		for i, g := range groups {
			n[g] += int64(bits[uint(off+i)>>3] >> (uint(off+i) & 7) & 1)
		}
		return nil
	}
	for i, g := range groups {
		if !v.null(i) && p.pass(i) {
			n[g]++
		}
	}
	return nil
}

func (a *countAgg) Merge(other Aggregator, mapping []uint32) error {
	o, ok := other.(*countAgg)
	if !ok {
		return mismatch(a.name, other)
	}
	a.n = grow(a.n, maxGroup(mapping))
	for j, c := range o.n[:min(len(o.n), len(mapping))] {
		a.n[mapping[j]] += c
	}
	return nil
}

// Bytes estimates the memory the aggregator holds.
func (a *countAgg) Bytes() int64 { return int64(8 * cap(a.n)) }

func (a *countAgg) Result(mem memory.Allocator, n int) ([]arrow.Array, error) {
	a.n = grow(a.n, n)
	o := newOut(mem, kusto.Long, n)
	for _, c := range a.n[:n] {
		o.i64(c)
	}
	return []arrow.Array{o.finish()}, nil
}

func mismatch(name string, other Aggregator) error {
	return fmt.Errorf("%s: cannot merge with %T", name, other)
}

// sumAgg implements sum(X) and sumif(X, p). Integer sums stay integers (sum of
// int is long, of timespan is timespan); reals sum in float64.
type sumAgg struct {
	name    string
	out     kusto.Type
	isFloat bool // accumulate in f
	if_     cond
	i       []int64
	f       []float64
}

func newSum(spec *Spec, c cond) (Aggregator, error) {
	if len(spec.Args) < 1 {
		return nil, fmt.Errorf("%s: missing argument", spec.Name)
	}
	switch t := spec.Args[0]; t {
	case kusto.Int, kusto.Long, kusto.Real, kusto.TimeSpan, kusto.Bool:
		return &sumAgg{name: spec.Name, out: spec.Out[0], isFloat: t == kusto.Real || spec.Out[0] == kusto.Real, if_: c}, nil
	default:
		return nil, fmt.Errorf("%s: unsupported argument type %s", spec.Name, t)
	}
}

type number interface {
	~int32 | ~int64 | ~float64
}

// sumLoop adds vals[i] into acc[groups[i]] for rows that are non-null and pass.
func sumLoop[T number, A int64 | float64](acc []A, vals []T, groups []uint32, v *view, p *pred) {
	if v.bitmap == nil && p == nil && v.s == 1 {
		vals = vals[:len(groups)]
		for i, g := range groups {
			acc[g] += A(vals[i])
		}
		return
	}
	for i, g := range groups {
		if v.null(i) || !p.pass(i) {
			continue
		}
		acc[g] += A(vals[i*v.s])
	}
}

func (a *sumAgg) Update(args []fn.Arg, groups []uint32) error {
	m := maxGroup(groups)
	if a.isFloat {
		a.f = grow(a.f, m)
	} else {
		a.i = grow(a.i, m)
	}
	x, v, p, err := a.if_.input(args, a.name)
	if err != nil {
		return err
	}
	ns := numsOf(x.Array)
	switch {
	case ns.kind == numF64 && a.isFloat:
		sumLoop(a.f, ns.f64, groups, &v, p)
	case ns.kind == numI64 && a.isFloat:
		sumLoop(a.f, ns.i64, groups, &v, p)
	case ns.kind == numI32 && a.isFloat:
		sumLoop(a.f, ns.i32, groups, &v, p)
	case ns.kind == numI64:
		sumLoop(a.i, ns.i64, groups, &v, p)
	case ns.kind == numI32:
		sumLoop(a.i, ns.i32, groups, &v, p)
	case ns.kind == numF64:
		sumLoop(a.i, ns.f64, groups, &v, p)
	case ns.kind == numBool:
		for i, g := range groups {
			if v.null(i) || !p.pass(i) {
				continue
			}
			if a.isFloat {
				a.f[g] += ns.f64At(i * v.s)
			} else {
				a.i[g] += ns.i64At(i * v.s)
			}
		}
	default:
		return fmt.Errorf("%s: unsupported argument array %s", a.name, x.Array.DataType())
	}
	return nil
}

func (a *sumAgg) Merge(other Aggregator, mapping []uint32) error {
	o, ok := other.(*sumAgg)
	if !ok || o.isFloat != a.isFloat {
		return mismatch(a.name, other)
	}
	m := maxGroup(mapping)
	if a.isFloat {
		a.f = grow(a.f, m)
		for j, v := range o.f[:min(len(o.f), len(mapping))] {
			a.f[mapping[j]] += v
		}
	} else {
		a.i = grow(a.i, m)
		for j, v := range o.i[:min(len(o.i), len(mapping))] {
			a.i[mapping[j]] += v
		}
	}
	return nil
}

// Bytes estimates the memory the aggregator holds.
func (a *sumAgg) Bytes() int64 { return int64(8 * (cap(a.i) + cap(a.f))) }

func (a *sumAgg) Result(mem memory.Allocator, n int) ([]arrow.Array, error) {
	o := newOut(mem, a.out, n)
	if a.isFloat {
		a.f = grow(a.f, n)
		for _, v := range a.f[:n] {
			o.f64(v)
		}
	} else {
		a.i = grow(a.i, n)
		for _, v := range a.i[:n] {
			o.i64(v)
		}
	}
	return []arrow.Array{o.finish()}, nil
}

// moment is what a varAgg returns.
type moment uint8

const (
	momAvg       moment = iota // mean
	momVariance                // sample variance (n-1)
	momStdev                   // sample standard deviation
	momVarianceP               // population variance (n)
	momStdevP                  // population standard deviation
)

// varAgg implements avg, variance, stdev, variancep, stdevp and their if
// forms. Each group accumulates deviations from its first value, which keeps
// the mean of datetimes exact to the nanosecond and the sum of squares accurate
// for large values.
type varAgg struct {
	name  string
	mom   moment
	out   kusto.Type
	if_   cond
	cnt   []int64
	isInt bool      // integer-backed values (long, datetime, ...): shift in int64
	ki    []int64   // shift of integer values: the group's first value
	k     []float64 // shift of real values: the group's first value
	s1    []float64 // sum of (x-k)
	s2    []float64 // sum of (x-k)^2
}

func newVar(spec *Spec, mom moment, c cond) (Aggregator, error) {
	if len(spec.Args) < 1 {
		return nil, fmt.Errorf("%s: missing argument", spec.Name)
	}
	out := kusto.Real
	if mom == momAvg {
		out = spec.Out[0]
	}
	switch t := spec.Args[0]; t {
	case kusto.Int, kusto.Long, kusto.DateTime, kusto.TimeSpan, kusto.Bool:
		return &varAgg{name: spec.Name, mom: mom, out: out, if_: c, isInt: true}, nil
	case kusto.Real:
		return &varAgg{name: spec.Name, mom: mom, out: out, if_: c}, nil
	default:
		return nil, fmt.Errorf("%s: unsupported argument type %s", spec.Name, t)
	}
}

func (a *varAgg) grow(m int) {
	a.cnt, a.k, a.ki, a.s1, a.s2 = grow(a.cnt, m), grow(a.k, m), grow(a.ki, m), grow(a.s1, m), grow(a.s2, m)
}

func (a *varAgg) Update(args []fn.Arg, groups []uint32) error {
	a.grow(maxGroup(groups))
	x, v, p, err := a.if_.input(args, a.name)
	if err != nil {
		return err
	}
	ns := numsOf(x.Array)
	if ns.kind == numNone {
		return fmt.Errorf("%s: unsupported argument array %s", a.name, x.Array.DataType())
	}
	for i, g := range groups {
		if v.null(i) || !p.pass(i) {
			continue
		}
		var d float64
		if a.isInt {
			x := ns.i64At(i * v.s)
			if a.cnt[g] == 0 {
				a.ki[g] = x
			}
			d = float64(x - a.ki[g])
		} else {
			f := ns.f64At(i * v.s)
			if f != f {
				continue
			}
			if a.cnt[g] == 0 {
				a.k[g] = f
			}
			d = f - a.k[g]
		}
		a.s1[g] += d
		a.s2[g] += d * d
		a.cnt[g]++
	}
	return nil
}

func (a *varAgg) Merge(other Aggregator, mapping []uint32) error {
	o, ok := other.(*varAgg)
	if !ok {
		return mismatch(a.name, other)
	}
	a.grow(maxGroup(mapping))
	for j, nb := range o.cnt[:min(len(o.cnt), len(mapping))] {
		if nb == 0 {
			continue
		}
		g := mapping[j]
		if a.cnt[g] == 0 {
			a.cnt[g], a.k[g], a.ki[g], a.s1[g], a.s2[g] = nb, o.k[j], o.ki[j], o.s1[j], o.s2[j]
			continue
		}
		// Re-express other's sums relative to this group's shift.
		d := o.k[j] - a.k[g]
		if a.isInt {
			d = float64(o.ki[j] - a.ki[g])
		}
		fn := float64(nb)
		a.s2[g] += o.s2[j] + 2*d*o.s1[j] + fn*d*d
		a.s1[g] += o.s1[j] + fn*d
		a.cnt[g] += nb
	}
	return nil
}

// Bytes estimates the memory the aggregator holds.
func (a *varAgg) Bytes() int64 { return int64(40 * cap(a.cnt)) }

func (a *varAgg) Result(mem memory.Allocator, n int) ([]arrow.Array, error) {
	a.grow(n)
	o := newOut(mem, a.out, n)
	for g := 0; g < n; g++ {
		c := float64(a.cnt[g])
		if a.mom == momAvg {
			switch {
			case c == 0:
				o.f64(math.NaN())
			case a.isInt && a.out != kusto.Real:
				o.i64(a.ki[g] + int64(math.Round(a.s1[g]/c)))
			case a.isInt:
				o.f64(float64(a.ki[g]) + a.s1[g]/c)
			default:
				o.f64(a.k[g] + a.s1[g]/c)
			}
			continue
		}
		v := 0.0
		div := c - 1
		if a.mom == momVarianceP || a.mom == momStdevP {
			div = c
		}
		if c > 0 && div > 0 {
			v = (a.s2[g] - a.s1[g]*a.s1[g]/c) / div
			if v < 0 {
				v = 0
			}
		}
		if a.mom == momStdev || a.mom == momStdevP {
			v = math.Sqrt(v)
		}
		o.f64(v)
	}
	return []arrow.Array{o.finish()}, nil
}
