package op

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/exec/eval"
	"github.com/prowl-hunt/prowl/kusto"
)

// RunFunc runs a parallel scan, calling emit for every record batch from one of
// workers goroutines. It returns when the scan ends or ctx is cancelled.
type RunFunc func(ctx context.Context, workers int, emit func(worker int, rec arrow.RecordBatch) error) error

// Parallel is a scan source whose workers also run the streaming steps above
// the scan (filters, projections), so they use every core.
type Parallel struct {
	Run     RunFunc
	Workers int
	Steps   []Transform
	Out     kusto.Schema
	Ctx     *eval.Ctx
	// Map, when set, widens each scanned record to the table's full width:
	// batch column i is record column Map[i], or nil (never read) when -1.
	Map []int
	// Limit, when > 0, stops the scan once this many rows have passed the
	// steps (a take right above): no row group is read beyond those needed,
	// whatever the channel buffers ahead.
	Limit int64

	emitted atomic.Int64

	once   sync.Once
	ch     chan *eval.Batch
	errc   chan error
	cancel context.CancelFunc
	done   bool
}

func (p *Parallel) Schema() kusto.Schema { return p.Out }

var errStop = errors.New("stopped")

func (p *Parallel) start(ctx context.Context) {
	workers := max(p.Workers, 1)
	ctx, p.cancel = context.WithCancel(ctx)
	p.ch = make(chan *eval.Batch, 2*workers)
	p.errc = make(chan error, 1)
	go func() {
		defer close(p.ch)
		err := p.Run(ctx, workers, func(worker int, rec arrow.RecordBatch) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			rec.Retain()
			b := p.batchOf(rec)
			var err error
			for _, s := range p.Steps {
				if b, err = s.Apply(p.Ctx, b); err != nil {
					return err
				}
				if b.Len() == 0 {
					return nil
				}
			}
			if p.Limit > 0 && p.emitted.Load() >= p.Limit {
				return errStop
			}
			select {
			case p.ch <- b:
			case <-ctx.Done():
				return ctx.Err()
			}
			if p.Limit > 0 && p.emitted.Add(int64(b.Len())) >= p.Limit {
				return errStop
			}
			return nil
		})
		if errors.Is(err, errStop) {
			err = nil
		}
		p.errc <- err
	}()
}

func (p *Parallel) Next(ctx context.Context) (*eval.Batch, error) {
	if p.done {
		return nil, nil
	}
	p.once.Do(func() { p.start(ctx) })
	select {
	case b, ok := <-p.ch:
		if ok {
			return b, nil
		}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	p.done = true
	if err := <-p.errc; err != nil {
		return nil, err
	}
	return nil, nil
}

func (p *Parallel) Close() {
	if p.cancel != nil {
		p.cancel()
		for range p.ch {
		}
		p.cancel = nil
	}
}

// Reader adapts an Arrow record reader (virtual tables) to an Operator.
type Reader struct {
	Cols kusto.Schema
	R    interface {
		Next() bool
		RecordBatch() arrow.RecordBatch
		Err() error
		Release()
	}
}

func (r *Reader) Schema() kusto.Schema { return r.Cols }

func (r *Reader) Next(ctx context.Context) (*eval.Batch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.R == nil { // closed
		return nil, nil
	}
	for r.R.Next() {
		rec := r.R.RecordBatch()
		rec.Retain()
		if rec.NumRows() == 0 {
			continue
		}
		return &eval.Batch{Cols: rec.Columns(), N: int(rec.NumRows())}, nil
	}
	return nil, r.R.Err()
}

func (r *Reader) Close() {
	if r.R != nil {
		r.R.Release()
		r.R = nil
	}
}

// Take passes the first N rows and stops its input.
type Take struct {
	In     Operator
	N      int64
	seen   int64
	closed bool
}

func (t *Take) Schema() kusto.Schema { return t.In.Schema() }

func (t *Take) Next(ctx context.Context) (*eval.Batch, error) {
	if t.seen >= t.N {
		t.Close()
		return nil, nil
	}
	b, err := t.In.Next(ctx)
	if err != nil || b == nil {
		return nil, err
	}
	left := t.N - t.seen
	if int64(b.Len()) > left {
		rows := b.Rows()[:left]
		b = &eval.Batch{Cols: b.Cols, N: b.N, Sel: rows}
	}
	t.seen += int64(b.Len())
	if t.seen >= t.N {
		t.Close() // stop the scan now, not on the next call
	}
	return b, nil
}

func (t *Take) Close() {
	if !t.closed {
		t.closed = true
		t.In.Close()
	}
}

// batchOf turns a scanned record into a batch (widened by Map).
func (p *Parallel) batchOf(rec arrow.RecordBatch) *eval.Batch {
	b := &eval.Batch{Cols: rec.Columns(), N: int(rec.NumRows())}
	if p.Map != nil {
		cols := make([]arrow.Array, len(p.Map))
		for i, j := range p.Map {
			if j >= 0 {
				cols[i] = b.Cols[j]
			}
		}
		b.Cols = cols
	}
	return b
}
