package op

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/exec/eval"
	"github.com/prowl-hunt/prowl/kusto"
)

// Operator produces batches. Next returns nil at the end of the stream.
type Operator interface {
	Schema() kusto.Schema
	Next(ctx context.Context) (*eval.Batch, error)
	Close()
}

// Transform is a stateless per-batch step (filter, extend, project, parse). Its
// Apply may run concurrently on different batches.
type Transform interface {
	Apply(c *eval.Ctx, b *eval.Batch) (*eval.Batch, error)
	// Describe is the one-line form used by Explain.
	Describe() string
}

// Budget tracks the memory a query holds in pipeline breakers.
type Budget struct {
	Limit int64
	used  atomic.Int64
	peak  atomic.Int64
}

// ErrMemory is returned when a query exceeds its memory budget.
var ErrMemory = errors.New("query exceeds its memory budget")

// Grow accounts n more bytes, failing when over the limit.
func (b *Budget) Grow(n int64) error {
	if b == nil {
		return nil
	}
	u := b.used.Add(n)
	for {
		p := b.peak.Load()
		if u <= p || b.peak.CompareAndSwap(p, u) {
			break
		}
	}
	if b.Limit > 0 && u > b.Limit {
		return fmt.Errorf("%w (%d MiB); narrow the time range, filter earlier, or raise the budget", ErrMemory, b.Limit>>20)
	}
	return nil
}

// Peak is the highest accounted usage.
func (b *Budget) Peak() int64 {
	if b == nil {
		return 0
	}
	return b.peak.Load()
}

// BatchBytes estimates the memory held by a batch's arrays.
func BatchBytes(b *eval.Batch) int64 {
	var n int64
	for _, c := range b.Cols {
		n += arrayBytes(c)
	}
	return n
}

func arrayBytes(a arrow.Array) int64 {
	if a == nil { // a column the query never reads
		return 0
	}
	var n int64
	for _, buf := range a.Data().Buffers() {
		if buf != nil {
			n += int64(buf.Len())
		}
	}
	return n
}

// Values replays fixed batches (datatable, print, materialized lets).
type Values struct {
	Cols    kusto.Schema
	Batches []*eval.Batch
	i       int
}

func (v *Values) Schema() kusto.Schema { return v.Cols }

func (v *Values) Next(ctx context.Context) (*eval.Batch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for v.i < len(v.Batches) {
		b := v.Batches[v.i]
		v.i++
		if b.Len() > 0 {
			return b, nil
		}
	}
	return nil, nil
}

func (v *Values) Close() {}

// Pipe applies transforms to each batch of its input.
type Pipe struct {
	In    Operator
	Steps []Transform
	Out   kusto.Schema
	Ctx   *eval.Ctx
}

func (p *Pipe) Schema() kusto.Schema { return p.Out }

func (p *Pipe) Next(ctx context.Context) (*eval.Batch, error) {
	for {
		b, err := p.In.Next(ctx)
		if err != nil || b == nil {
			return nil, err
		}
		for _, s := range p.Steps {
			if b, err = s.Apply(p.Ctx, b); err != nil {
				return nil, err
			}
			if b.Len() == 0 {
				break
			}
		}
		if b.Len() > 0 {
			return b, nil
		}
	}
}

func (p *Pipe) Close() { p.In.Close() }

// Drain reads every batch of an operator.
func Drain(ctx context.Context, o Operator) ([]*eval.Batch, error) {
	var out []*eval.Batch
	for {
		b, err := o.Next(ctx)
		if err != nil {
			return nil, err
		}
		if b == nil {
			return out, nil
		}
		out = append(out, b)
	}
}

// Collect drains an operator into one compact batch.
//
// Batches with a selection vector are compacted as they arrive, so memory
// held is proportional to the rows kept, not to the (wide) batches scanned.
func Collect(ctx context.Context, o Operator, budget *Budget) (*eval.Batch, error) {
	var parts []*eval.Batch
	for {
		b, err := o.Next(ctx)
		if err != nil {
			return nil, err
		}
		if b == nil {
			break
		}
		if b.Sel != nil {
			if len(b.Sel) == 0 {
				continue
			}
			b = b.Compact()
		}
		parts = append(parts, b)
	}
	return Concat(o.Schema(), parts, budget)
}

// Concat turns batches into one compact batch.
func Concat(schema kusto.Schema, parts []*eval.Batch, budget *Budget) (*eval.Batch, error) {
	if len(parts) == 1 && parts[0].Sel == nil {
		return parts[0], nil
	}
	out := &eval.Batch{Cols: make([]arrow.Array, len(schema))}
	for _, p := range parts {
		out.N += p.Len()
	}
	for c := range schema {
		cols := make([]arrow.Array, 0, len(parts))
		for _, p := range parts {
			if p.Sel != nil {
				cols = append(cols, eval.Take(p.Cols[c], p.Sel))
			} else {
				cols = append(cols, p.Cols[c])
			}
		}
		out.Cols[c] = eval.Concat(schema[c].Type, cols)
	}
	if err := budget.Grow(BatchBytes(out)); err != nil {
		return nil, err
	}
	return out, nil
}
