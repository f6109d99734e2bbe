package agg

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/kusto"
)

// exactLimit is how many values a group keeps before it switches from exact
// nearest-rank percentiles to a t-digest of bounded size.
const exactLimit = 4096

// pctAgg implements percentile(X, P) and percentiles(X, P1, P2, ...). Up to
// exactLimit values per group the result is the exact nearest-rank percentile
// (the smallest value with at least P% of the values at or below it), so it is
// always one of the inputs; beyond that a merging t-digest estimates it.
type pctAgg[T int64 | float64] struct {
	name string
	ps   []float64
	outs []kusto.Type
	vals [][]T
	dig  []*tdigest
	held int64 // values kept exactly, plus centroid capacity of digests
}

func newPercentile(spec *Spec) (Aggregator, error) {
	if len(spec.Args) < 2 {
		return nil, fmt.Errorf("%s: missing percentile argument", spec.Name)
	}
	var ps []float64
	for i := 1; i < len(spec.Args); i++ {
		var c any
		if i < len(spec.Consts) {
			c = spec.Consts[i]
		}
		f, ok := constFloat(c)
		if !ok {
			return nil, fmt.Errorf("%s: argument %d must be a constant number", spec.Name, i+1)
		}
		if f < 0 || f > 100 || math.IsNaN(f) {
			return nil, fmt.Errorf("%s: percentile %v is outside 0..100", spec.Name, f)
		}
		ps = append(ps, f)
	}
	if len(spec.Out) != len(ps) {
		return nil, fmt.Errorf("%s: %d percentiles but %d result columns", spec.Name, len(ps), len(spec.Out))
	}
	switch spec.Args[0] {
	case kusto.Int, kusto.Long, kusto.DateTime, kusto.TimeSpan:
		return &pctAgg[int64]{name: spec.Name, ps: ps, outs: spec.Out}, nil
	case kusto.Real:
		return &pctAgg[float64]{name: spec.Name, ps: ps, outs: spec.Out}, nil
	}
	return nil, fmt.Errorf("%s: unsupported argument type %s", spec.Name, spec.Args[0])
}

func (a *pctAgg[T]) grow(n int) {
	a.vals, a.dig = grow(a.vals, n), grow(a.dig, n)
}

func (a *pctAgg[T]) push(g uint32, x T) {
	if d := a.dig[g]; d != nil {
		d.add(float64(x), 1)
		return
	}
	a.vals[g] = append(a.vals[g], x)
	a.held++
	if len(a.vals[g]) > exactLimit {
		a.spill(g)
	}
}

// spill moves group g's exact values into a t-digest.
func (a *pctAgg[T]) spill(g uint32) {
	d := newTDigest()
	for _, v := range a.vals[g] {
		d.add(float64(v), 1)
	}
	a.held += 3*tdCompression + tdBuffer - int64(len(a.vals[g]))
	a.dig[g], a.vals[g] = d, nil
}

// Bytes estimates the memory the aggregator holds.
func (a *pctAgg[T]) Bytes() int64 { return 8*a.held + 32*int64(cap(a.vals)) }

func (a *pctAgg[T]) Update(args []fn.Arg, groups []uint32) error {
	a.grow(maxGroup(groups))
	x, err := argAt(args, 0, a.name)
	if err != nil {
		return err
	}
	v := newView(x)
	ns := numsOf(x.Array)
	var zero T
	_, isFloat := any(zero).(float64)
	if ns.kind == numNone || ns.kind == numBool {
		return fmt.Errorf("%s: unsupported argument array %s", a.name, x.Array.DataType())
	}
	for i, g := range groups {
		if v.null(i) {
			continue
		}
		r := i * v.s
		if isFloat {
			f := ns.f64At(r)
			if f != f {
				continue
			}
			a.push(g, T(f))
		} else {
			a.push(g, T(ns.i64At(r)))
		}
	}
	return nil
}

func (a *pctAgg[T]) Merge(other Aggregator, mapping []uint32) error {
	o, ok := other.(*pctAgg[T])
	if !ok {
		return mismatch(a.name, other)
	}
	a.grow(maxGroup(mapping))
	o.grow(len(mapping))
	for j, g := range mapping {
		if od := o.dig[j]; od != nil {
			if a.dig[g] == nil {
				a.spill(g)
			}
			a.dig[g].merge(od)
			continue
		}
		for _, x := range o.vals[j] {
			a.push(g, x)
		}
	}
	return nil
}

func (a *pctAgg[T]) Result(mem memory.Allocator, n int) ([]arrow.Array, error) {
	a.grow(n)
	outs := make([]*out, len(a.ps))
	for k, t := range a.outs {
		outs[k] = newOut(mem, t, n)
	}
	for g := 0; g < n; g++ {
		vals, d := a.vals[g], a.dig[g]
		if d == nil {
			slices.Sort(vals)
		}
		for k, p := range a.ps {
			o := outs[k]
			switch {
			case d != nil:
				o.f64(d.quantile(p / 100))
			case len(vals) == 0:
				o.null()
			default:
				x := vals[nearestRank(p, len(vals))]
				switch x := any(x).(type) {
				case int64:
					o.i64(x)
				case float64:
					o.f64(x)
				}
			}
		}
	}
	cols := make([]arrow.Array, len(outs))
	for k, o := range outs {
		cols[k] = o.finish()
	}
	return cols, nil
}

// nearestRank returns the index of the P-th percentile of n sorted values.
func nearestRank(p float64, n int) int {
	r := int(math.Ceil(p/100*float64(n))) - 1
	return max(0, min(r, n-1))
}

// tdigest is a merging t-digest (Dunning): centroids whose size is bounded by
// 4·N·q(1−q)/δ, small at the tails and large in the middle, so extreme
// percentiles stay accurate in O(δ) memory.
type tdigest struct {
	means, weights []float64 // merged centroids, sorted by mean
	bm, bw         []float64 // unmerged points
	min, max       float64
	n              float64
}

const (
	tdCompression = 200
	tdBuffer      = 1024
)

func newTDigest() *tdigest {
	return &tdigest{min: math.Inf(1), max: math.Inf(-1)}
}

func (d *tdigest) add(x, w float64) {
	d.bm = append(d.bm, x)
	d.bw = append(d.bw, w)
	d.min, d.max = math.Min(d.min, x), math.Max(d.max, x)
	d.n += w
	if len(d.bm) >= tdBuffer {
		d.compress()
	}
}

func (d *tdigest) merge(o *tdigest) {
	o.compress()
	for i, m := range o.means {
		d.add(m, o.weights[i])
	}
	d.min, d.max = math.Min(d.min, o.min), math.Max(d.max, o.max)
}

type tdPoints struct{ m, w []float64 }

func (p tdPoints) Len() int           { return len(p.m) }
func (p tdPoints) Less(i, j int) bool { return p.m[i] < p.m[j] }
func (p tdPoints) Swap(i, j int) {
	p.m[i], p.m[j] = p.m[j], p.m[i]
	p.w[i], p.w[j] = p.w[j], p.w[i]
}

func (d *tdigest) compress() {
	if len(d.bm) == 0 {
		return
	}
	m := append(d.bm, d.means...)
	w := append(d.bw, d.weights...)
	sort.Sort(tdPoints{m, w})
	nm, nw := d.means[:0], d.weights[:0]
	if cap(nm) < tdCompression {
		nm, nw = make([]float64, 0, tdCompression), make([]float64, 0, tdCompression)
	}
	var cm, cw, sofar float64
	cm, cw = m[0], w[0]
	for i := 1; i < len(m); i++ {
		q := (sofar + cw + w[i]/2) / d.n
		limit := 4 * d.n * q * (1 - q) / tdCompression
		if cw+w[i] <= max(limit, 1) {
			cw += w[i]
			cm += (m[i] - cm) * w[i] / cw
			continue
		}
		nm, nw = append(nm, cm), append(nw, cw)
		sofar += cw
		cm, cw = m[i], w[i]
	}
	nm, nw = append(nm, cm), append(nw, cw)
	d.means, d.weights = nm, nw
	d.bm, d.bw = m[:0], w[:0]
}

// quantile estimates the q-quantile (0 ≤ q ≤ 1) by interpolating between
// centroid centres, and towards min and max at the ends.
func (d *tdigest) quantile(q float64) float64 {
	d.compress()
	if len(d.means) == 0 {
		return math.NaN()
	}
	if q <= 0 {
		return d.min
	}
	if q >= 1 {
		return d.max
	}
	target := q * d.n
	prevMid, prevMean := 0.0, d.min
	var cum float64
	for i, w := range d.weights {
		mid := cum + w/2
		if target < mid {
			if mid == prevMid {
				return d.means[i]
			}
			return prevMean + (d.means[i]-prevMean)*(target-prevMid)/(mid-prevMid)
		}
		cum += w
		prevMid, prevMean = mid, d.means[i]
	}
	if d.n == prevMid {
		return d.max
	}
	return prevMean + (d.max-prevMean)*(target-prevMid)/(d.n-prevMid)
}
