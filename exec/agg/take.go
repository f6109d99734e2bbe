package agg

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/exec/fn"
)

// takeAgg implements take_any (alias any). With one argument it returns, per
// group, a value that is not null (and not empty, for strings) when the group
// has one, as ADX does; with several arguments it returns all of them from one
// arbitrary row of the group.
type takeAgg struct {
	name string
	if_  cond
	cols []*store
	done []bool
}

// newTake makes take_any (c < 0) or take_anyif(X, p) (c == 1).
func newTake(spec *Spec, c cond) (Aggregator, error) {
	nargs := len(spec.Args)
	if c >= 0 {
		nargs = 1
	}
	if nargs == 0 || len(spec.Out) != nargs {
		return nil, fmt.Errorf("%s: %d arguments but %d result columns", spec.Name, len(spec.Args), len(spec.Out))
	}
	a := &takeAgg{name: spec.Name, if_: c}
	for _, t := range spec.Out {
		a.cols = append(a.cols, newStore(t))
	}
	return a, nil
}

func (a *takeAgg) grow(n int) {
	a.done = grow(a.done, n)
	for _, c := range a.cols {
		c.grow(n)
	}
}

func (a *takeAgg) Update(args []fn.Arg, groups []uint32) error {
	a.grow(maxGroup(groups))
	if len(args) < len(a.cols) {
		return fmt.Errorf("%s: %d arguments, want %d", a.name, len(args), len(a.cols))
	}
	if len(a.cols) == 1 {
		p, err := a.if_.pred(args, a.name)
		if err != nil {
			return err
		}
		x := args[0]
		v := newView(x)
		ss, isStr := strsOf(x.Array)
		for i, g := range groups {
			if a.done[g] || v.null(i) || !p.pass(i) {
				continue
			}
			r := i * v.s
			if isStr && ss.at(r) == "" {
				continue
			}
			a.cols[0].set(g, x.Array, r)
			a.done[g] = true
		}
		return nil
	}
	for i, g := range groups {
		if a.done[g] {
			continue
		}
		for c, col := range a.cols {
			r := i
			if args[c].Const {
				r = 0
			}
			col.set(g, args[c].Array, r)
		}
		a.done[g] = true
	}
	return nil
}

func (a *takeAgg) Merge(other Aggregator, mapping []uint32) error {
	o, ok := other.(*takeAgg)
	if !ok || len(o.cols) != len(a.cols) {
		return mismatch(a.name, other)
	}
	a.grow(maxGroup(mapping))
	o.grow(len(mapping))
	for j, g := range mapping {
		if a.done[g] || !o.done[j] {
			continue
		}
		for c, col := range a.cols {
			col.copyFrom(g, o.cols[c], j)
		}
		a.done[g] = true
	}
	return nil
}

// Bytes estimates the memory the aggregator holds.
func (a *takeAgg) Bytes() int64 {
	n := int64(len(a.done))
	for _, c := range a.cols {
		n += c.bytes()
	}
	return n
}

func (a *takeAgg) Result(mem memory.Allocator, n int) ([]arrow.Array, error) {
	a.grow(n)
	cols := make([]arrow.Array, len(a.cols))
	for c, col := range a.cols {
		cols[c] = col.build(mem, n)
	}
	return cols, nil
}
