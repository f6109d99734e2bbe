package op

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/prowl-hunt/prowl/exec/eval"
)

// selector is a predicate with a selection-vector form (eval.Compare and
// eval.Between over an integer column and constants): ok is false when the
// operands do not allow it, and the predicate is evaluated instead.
type selector interface {
	Select(c *eval.Ctx, b *eval.Batch) (sel []int32, ok bool, err error)
}

// Filter keeps rows whose predicate is true (null counts as false).
type Filter struct {
	Pred eval.Expr
	Text string
}

func (f *Filter) Describe() string { return "where " + f.Text }

func (f *Filter) Apply(c *eval.Ctx, b *eval.Batch) (*eval.Batch, error) {
	if pred, ok := f.Pred.(selector); ok {
		sel, ok, err := pred.Select(c, b)
		if err != nil {
			return nil, err
		}
		if ok {
			if len(sel) == b.N {
				sel = nil
			}
			return &eval.Batch{Cols: b.Cols, N: b.N, Sel: sel}, nil
		}
	}
	v, err := f.Pred.Eval(c, b)
	if err != nil {
		return nil, err
	}
	if v.Const {
		if v.Array.IsValid(0) && eval.Ints(eval.Decode(v.Array))[0] != 0 {
			return b, nil
		}
		return &eval.Batch{Cols: b.Cols, N: b.N, Sel: []int32{}}, nil
	}
	bools, ok := v.Array.(*array.Boolean)
	if !ok {
		return nil, fmt.Errorf("where: predicate is %s, not bool", v.Array.DataType())
	}
	nulls := bools.NullN() > 0
	sel := make([]int32, 0, b.Len())
	if b.Sel != nil {
		for _, i := range b.Sel {
			if bools.Value(int(i)) && (!nulls || bools.IsValid(int(i))) {
				sel = append(sel, i)
			}
		}
	} else {
		for i := 0; i < b.N; i++ {
			if bools.Value(i) && (!nulls || bools.IsValid(i)) {
				sel = append(sel, int32(i))
			}
		}
	}
	if len(sel) == b.N {
		sel = nil
	}
	return &eval.Batch{Cols: b.Cols, N: b.N, Sel: sel}, nil
}

// Project computes a new set of columns from expressions (project, extend,
// project-away/-keep/-rename/-reorder are all projections of column refs).
type Project struct {
	Exprs []eval.Expr
	Text  string
}

func (p *Project) Describe() string { return p.Text }

func (p *Project) Apply(c *eval.Ctx, b *eval.Batch) (*eval.Batch, error) {
	out := &eval.Batch{Cols: make([]arrow.Array, len(p.Exprs)), N: b.N, Sel: b.Sel}
	for i, e := range p.Exprs {
		if col, ok := e.(*eval.Column); ok && col.Index < len(b.Cols) {
			out.Cols[i] = b.Cols[col.Index]
			continue
		}
		v, err := e.Eval(c, b)
		if err != nil {
			return nil, err
		}
		if v.Const {
			out.Cols[i] = eval.Broadcast(v.Array, b.N)
		} else {
			out.Cols[i] = v.Array
		}
	}
	return out, nil
}

// Describe helpers for Explain.
func describeSteps(steps []Transform) string {
	var parts []string
	for _, s := range steps {
		parts = append(parts, s.Describe())
	}
	return strings.Join(parts, " | ")
}
