package op

import (
	"context"
	"fmt"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/exec/agg"
	"github.com/prowl-hunt/prowl/exec/eval"
	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/kusto"
)

// AggCall is one aggregate of a summarize: its spec and argument expressions.
type AggCall struct {
	Spec *agg.Spec
	Args []eval.Expr
}

// Summarize is hash aggregation: group rows by key expressions and fold
// aggregates per group. With a parallel input each worker aggregates its own
// batches and the partial states are merged at the end.
type Summarize struct {
	In      Operator
	Keys    []eval.Expr
	Aggs    []AggCall
	Factory agg.Factory
	Out     kusto.Schema
	Ctx     *eval.Ctx
	Budget  *Budget

	done bool
}

func (s *Summarize) Schema() kusto.Schema { return s.Out }
func (s *Summarize) Close()               { s.In.Close() }

type aggState struct {
	s      *Summarize
	g      *Grouper
	aggs   []agg.Aggregator
	groups []uint32
	iota   []int32 // 0..n-1, reused for batches without a selection vector
	bytes  int64
}

func (s *Summarize) newState() (*aggState, error) {
	types := make([]kusto.Type, len(s.Keys))
	for i, k := range s.Keys {
		types[i] = k.Type()
	}
	st := &aggState{s: s, g: NewGrouper(types), aggs: make([]agg.Aggregator, len(s.Aggs))}
	for i, a := range s.Aggs {
		ag, err := s.Factory(a.Spec)
		if err != nil {
			return nil, fmt.Errorf("summarize %s: %w", a.Spec.Name, err)
		}
		st.aggs[i] = ag
	}
	return st, nil
}

func (st *aggState) update(c *eval.Ctx, b *eval.Batch) error {
	n := b.Len()
	if n == 0 {
		return nil
	}
	keys := make([]arrow.Array, len(st.s.Keys))
	for i, k := range st.s.Keys {
		v, err := k.Eval(c, b)
		if err != nil {
			return err
		}
		keys[i] = eval.Materialize(v, b.N)
	}
	if cap(st.groups) < n {
		st.groups = make([]uint32, n)
	}
	groups := st.groups[:n]
	rows := b.Sel
	if rows == nil {
		if len(st.iota) < n {
			st.iota = make([]int32, n)
			for i := range st.iota {
				st.iota[i] = int32(i)
			}
		}
		rows = st.iota[:n]
	}
	st.g.Assign(keys, rows, groups)
	for i, a := range st.s.Aggs {
		args := make([]fn.Arg, len(a.Args))
		for j, e := range a.Args {
			v, err := e.Eval(c, b)
			if err != nil {
				return err
			}
			if !v.Const && b.Sel != nil {
				v.Array = eval.Take(v.Array, b.Sel)
			}
			args[j] = v
		}
		if err := st.aggs[i].Update(args, groups); err != nil {
			return fmt.Errorf("%s: %w", a.Spec.Name, err)
		}
	}
	grown := st.g.Bytes() - st.bytes
	st.bytes += grown
	return st.s.Budget.Grow(grown)
}

func (st *aggState) merge(o *aggState) error {
	n := o.g.Len()
	mapping := make([]uint32, n)
	rows := make([]int32, n)
	for i := range rows {
		rows[i] = int32(i)
	}
	st.g.Assign(o.g.Keys(), rows, mapping)
	for i := range st.aggs {
		if err := st.aggs[i].Merge(o.aggs[i], mapping); err != nil {
			return err
		}
	}
	return nil
}

func (st *aggState) result() (*eval.Batch, error) {
	n := st.g.Len()
	if len(st.s.Keys) == 0 {
		n = 1 // summarize without by: one row even over empty input
	}
	cols := st.g.Keys()
	if len(st.s.Keys) == 0 {
		cols = nil
	}
	for i, a := range st.aggs {
		res, err := a.Result(memory.DefaultAllocator, n)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", st.s.Aggs[i].Spec.Name, err)
		}
		cols = append(cols, res...)
	}
	if len(cols) != len(st.s.Out) {
		return nil, fmt.Errorf("internal: summarize produced %d columns, schema has %d", len(cols), len(st.s.Out))
	}
	for i, c := range cols {
		cc, err := eval.Cast(c, st.s.Out[i].Type)
		if err != nil {
			return nil, err
		}
		cols[i] = cc
	}
	return &eval.Batch{Cols: cols, N: n}, nil
}

func (s *Summarize) Next(ctx context.Context) (*eval.Batch, error) {
	if s.done {
		return nil, nil
	}
	s.done = true
	var st *aggState
	var err error
	if p, ok := s.In.(*Parallel); ok {
		st, err = s.parallel(ctx, p)
	} else {
		st, err = s.newState()
		for err == nil {
			var b *eval.Batch
			b, err = s.In.Next(ctx)
			if b == nil {
				break
			}
			if err == nil {
				err = st.update(s.Ctx, b)
			}
		}
	}
	if err != nil {
		return nil, err
	}
	out, err := st.result()
	if err != nil || out.N == 0 {
		return nil, err
	}
	return out, nil
}

// parallel runs one aggregation state per scan worker and merges them.
func (s *Summarize) parallel(ctx context.Context, p *Parallel) (*aggState, error) {
	workers := max(p.Workers, 1)
	states := make([]*aggState, workers)
	var mu sync.Mutex
	for i := range states {
		st, err := s.newState()
		if err != nil {
			return nil, err
		}
		states[i] = st
	}
	err := p.Run(ctx, workers, func(w int, rec arrow.RecordBatch) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		b := p.batchOf(rec)
		var err error
		for _, step := range p.Steps {
			if b, err = step.Apply(p.Ctx, b); err != nil {
				return err
			}
			if b.Len() == 0 {
				return nil
			}
		}
		if w < 0 || w >= workers {
			mu.Lock()
			defer mu.Unlock()
			w = 0
		}
		return states[w].update(s.Ctx, b)
	})
	if err != nil {
		return nil, err
	}
	for _, o := range states[1:] {
		if err := states[0].merge(o); err != nil {
			return nil, err
		}
	}
	return states[0], nil
}
