package op

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/exec/eval"
	"github.com/prowl-hunt/prowl/kusto"
)

// RangeBatchRows is how many values Range emits per batch.
const RangeBatchRows = 64 << 10

// Range generates the single column of `range x from A to B step S` lazily, a
// batch at a time, so a huge range costs nothing until read and stops as soon
// as the context is cancelled. Ints serves long, int, datetime and timespan
// ranges (Out[0].Type says which); Real serves real ranges.
type Range struct {
	Out  kusto.Schema
	Real bool

	From, To, Step    int64
	FFrom, FTo, FStep float64

	// BatchRows overrides RangeBatchRows (tests).
	BatchRows int

	i       int64 // real values emitted so far
	next    int64 // next int value
	started bool
	done    bool
}

func (r *Range) Schema() kusto.Schema { return r.Out }
func (r *Range) Close()               {}

func (r *Range) Next(ctx context.Context) (*eval.Batch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.done {
		return nil, nil
	}
	size := r.BatchRows
	if size <= 0 {
		size = RangeBatchRows
	}
	if r.Real {
		return r.nextReal(size), nil
	}
	return r.nextInt(size), nil
}

func (r *Range) nextInt(size int) *eval.Batch {
	if r.Step == 0 {
		r.done = true
		return nil
	}
	if !r.started {
		r.started, r.next = true, r.From
	}
	vals := make([]int64, 0, size)
	for len(vals) < size {
		v := r.next
		if (r.Step > 0 && v > r.To) || (r.Step < 0 && v < r.To) {
			r.done = true
			break
		}
		vals = append(vals, v)
		if !r.stepFits(v) { // the next value would overflow int64: v is the last
			r.done = true
			break
		}
		r.next = v + r.Step
	}
	if len(vals) == 0 {
		return nil
	}
	return &eval.Batch{Cols: []arrow.Array{eval.NewInts(r.Out[0].Type, vals, nil)}, N: len(vals)}
}

// stepFits reports whether v + Step does not overflow int64.
func (r *Range) stepFits(v int64) bool {
	const maxInt, minInt = int64(^uint64(0) >> 1), -int64(^uint64(0)>>1) - 1
	if r.Step > 0 {
		return v <= maxInt-r.Step
	}
	return v >= minInt-r.Step
}

func (r *Range) nextReal(size int) *eval.Batch {
	if r.FStep == 0 || r.FStep != r.FStep {
		r.done = true
		return nil
	}
	vals := make([]float64, 0, size)
	for len(vals) < size {
		v := r.FFrom + float64(r.i+int64(len(vals)))*r.FStep
		if !((r.FStep > 0 && v <= r.FTo) || (r.FStep < 0 && v >= r.FTo)) {
			r.done = true
			break
		}
		vals = append(vals, v)
	}
	r.i += int64(len(vals))
	if len(vals) == 0 {
		return nil
	}
	return &eval.Batch{Cols: []arrow.Array{eval.NewFloats(vals, nil)}, N: len(vals)}
}
