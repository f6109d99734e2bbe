package op

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/exec/eval"
	"github.com/prowl-hunt/prowl/kusto"
)

// UnionInput is one leg of a union: its operator, for each output column the
// input column feeding it (-1: null), and its name for withsource.
type UnionInput struct {
	Op   Operator
	Map  []int
	Name string
}

// Union concatenates its inputs' rows, aligning columns by name. SourceCol is
// the output index of the withsource column, or -1.
type Union struct {
	Inputs    []UnionInput
	Out       kusto.Schema
	SourceCol int
	i         int
}

func (u *Union) Schema() kusto.Schema { return u.Out }

func (u *Union) Close() {
	for _, in := range u.Inputs {
		in.Op.Close()
	}
}

func (u *Union) Next(ctx context.Context) (*eval.Batch, error) {
	for u.i < len(u.Inputs) {
		in := u.Inputs[u.i]
		b, err := in.Op.Next(ctx)
		if err != nil {
			return nil, err
		}
		if b == nil {
			u.i++
			continue
		}
		out := &eval.Batch{N: b.N, Sel: b.Sel, Cols: make([]arrow.Array, len(u.Out))}
		for c, col := range u.Out {
			switch {
			case c == u.SourceCol:
				out.Cols[c] = eval.Broadcast(eval.NewStrings([]string{in.Name}), b.N)
			case in.Map[c] < 0:
				out.Cols[c] = eval.NewNulls(col.Type, b.N)
			default:
				a := b.Cols[in.Map[c]]
				if a != nil && karrowType(a) != col.Type {
					if a, err = eval.Cast(a, col.Type); err != nil {
						return nil, err
					}
				}
				out.Cols[c] = a
			}
		}
		return out, nil
	}
	return nil, nil
}
