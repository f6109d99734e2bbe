package exec

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/prowl-hunt/prowl/exec/eval"
	"github.com/prowl-hunt/prowl/exec/op"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
	"github.com/prowl-hunt/prowl/lang"
	"github.com/prowl-hunt/prowl/lang/ast"
)

// Result is the answer of a query or command.
type Result struct {
	Columns kusto.Schema
	// Reader streams batches of schema karrow.Schema(Columns).
	Reader array.RecordReader
	// RenderKind and RenderProps are the query's render hint ("" when none).
	RenderKind  string
	RenderProps map[string]string
	Messages    []string

	start  time.Time
	scans  []*scanInfo
	budget *op.Budget
	cancel context.CancelFunc
	mu     sync.Mutex
	end    time.Time
}

// QueryStats describes the work a query did so far.
type QueryStats struct {
	ScanStats
	Elapsed    time.Duration
	PeakMemory int64
}

// Stats sums the statistics of the query's scans.
func (r *Result) Stats() QueryStats {
	var s QueryStats
	for _, sc := range r.scans {
		sc.mu.Lock()
		scanners := append([]Scanner(nil), sc.scanners...)
		sc.mu.Unlock()
		for _, x := range scanners {
			st := x.Stats()
			s.RowsScanned += st.RowsScanned
			s.BytesScanned += st.BytesScanned
			s.FilesRead += st.FilesRead
			s.RowGroupsRead += st.RowGroupsRead
			s.RowGroupsTotal += st.RowGroupsTotal
			s.PartitionsRead += st.PartitionsRead
			s.PartitionsTotal += st.PartitionsTotal
		}
	}
	r.mu.Lock()
	end := r.end
	r.mu.Unlock()
	if end.IsZero() {
		end = time.Now()
	}
	s.Elapsed = end.Sub(r.start)
	s.PeakMemory = r.budget.Peak()
	return s
}

// Close stops the query and releases its resources.
func (r *Result) Close() {
	if r.cancel != nil {
		r.cancel()
	}
	if r.Reader != nil {
		r.Reader.Release()
	}
}

// Query runs a query (or a control command, when text starts with '.').
func (e *Engine) Query(ctx context.Context, text string, params map[string]string) (*Result, error) {
	ctx = ctxOrBackground(ctx)
	script, info, err := e.prepare(text, params)
	if err != nil {
		return nil, err
	}
	if script.Command != nil {
		return e.command(ctx, script.Command)
	}
	start := time.Now()
	qctx, cancel := context.WithCancel(ctx)
	p, err := newPlanner(qctx, e, info, params)
	if err != nil {
		cancel()
		return nil, err
	}
	root, err := p.plan(info.Query)
	if err != nil {
		cancel()
		return nil, asErrorList(err)
	}
	cols := info.Schemas[info.Query]
	res := &Result{Columns: cols, start: start, scans: p.scans, budget: p.budget, cancel: cancel}
	if p.render != nil {
		res.RenderKind = p.render.Chart
		res.RenderProps = map[string]string{}
		for _, pr := range p.render.Props {
			res.RenderProps[pr.Name] = strings.Trim(ast.Format(pr.Value), `"'`)
		}
	}
	res.Reader = newReader(qctx, root, cols, func() {
		res.mu.Lock()
		if res.end.IsZero() {
			res.end = time.Now()
		}
		res.mu.Unlock()
	})
	return res, nil
}

// Explain describes the plan of a query without running it.
func (e *Engine) Explain(ctx context.Context, text string, params map[string]string) (string, error) {
	ctx = ctxOrBackground(ctx)
	script, info, err := e.prepare(text, params)
	if err != nil {
		return "", err
	}
	if script.Command != nil {
		return "control command ." + script.Command.Verb + "\n", nil
	}
	qctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p, err := newPlanner(qctx, e, info, params)
	if err != nil {
		return "", err
	}
	root, err := p.plan(info.Query)
	if err != nil {
		return "", asErrorList(err)
	}
	root.Close()
	var b strings.Builder
	for _, l := range p.explain {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	describeOp(&b, root, 0)
	return b.String(), nil
}

// describeOp prints the physical operator tree.
func describeOp(b *strings.Builder, o op.Operator, depth int) {
	ind := strings.Repeat("  ", depth)
	switch x := o.(type) {
	case *op.Parallel:
		fmt.Fprintf(b, "%sparallel scan (%d workers)", ind, x.Workers)
		for _, s := range x.Steps {
			fmt.Fprintf(b, " → %s", s.Describe())
		}
		b.WriteByte('\n')
		return
	case *op.Pipe:
		fmt.Fprintf(b, "%spipe", ind)
		for _, s := range x.Steps {
			fmt.Fprintf(b, " → %s", s.Describe())
		}
		b.WriteByte('\n')
		describeOp(b, x.In, depth+1)
	case *op.Summarize:
		fmt.Fprintf(b, "%shash aggregate keys=%d aggregates=%d\n", ind, len(x.Keys), len(x.Aggs))
		describeOp(b, x.In, depth+1)
	case *op.Sort:
		fmt.Fprintf(b, "%ssort\n", ind)
		describeOp(b, x.In, depth+1)
	case *op.Top:
		fmt.Fprintf(b, "%stop-N heap N=%d\n", ind, x.N)
		describeOp(b, x.In, depth+1)
	case *op.Take:
		fmt.Fprintf(b, "%stake %d\n", ind, x.N)
		describeOp(b, x.In, depth+1)
	case *op.Count:
		fmt.Fprintf(b, "%scount\n", ind)
		describeOp(b, x.In, depth+1)
	case *op.Join:
		fmt.Fprintf(b, "%shash join kind=%s keys=%d\n", ind, x.Kind, len(x.LeftKeys))
		describeOp(b, x.Left, depth+1)
		describeOp(b, x.Right, depth+1)
	case *op.Union:
		fmt.Fprintf(b, "%sunion\n", ind)
		for _, in := range x.Inputs {
			describeOp(b, in.Op, depth+1)
		}
	case *op.MvExpand:
		fmt.Fprintf(b, "%smv-expand\n", ind)
		describeOp(b, x.In, depth+1)
	case *op.Values:
		fmt.Fprintf(b, "%svalues\n", ind)
	case *op.Range:
		fmt.Fprintf(b, "%srange (generated lazily, %d rows per batch)\n", ind, op.RangeBatchRows)
	default:
		fmt.Fprintf(b, "%s%T\n", ind, o)
	}
}

// reader adapts the root operator to an Arrow record reader, turning batches
// into the result schema (selection applied, dictionaries decoded).
type reader struct {
	refs   atomic.Int64
	ctx    context.Context
	root   op.Operator
	cols   kusto.Schema
	schema *arrow.Schema
	rec    arrow.RecordBatch
	err    error
	done   bool
	finish func()
}

func newReader(ctx context.Context, root op.Operator, cols kusto.Schema, finish func()) *reader {
	r := &reader{ctx: ctx, root: root, cols: cols, schema: karrow.Schema(cols), finish: finish}
	r.refs.Store(1)
	return r
}

func (r *reader) Retain() { r.refs.Add(1) }
func (r *reader) Release() {
	if r.refs.Add(-1) == 0 {
		r.root.Close()
		if r.rec != nil {
			r.rec.Release()
			r.rec = nil
		}
	}
}
func (r *reader) Schema() *arrow.Schema          { return r.schema }
func (r *reader) RecordBatch() arrow.RecordBatch { return r.rec }
func (r *reader) Record() arrow.RecordBatch      { return r.rec }
func (r *reader) Err() error                     { return r.err }

func (r *reader) Next() bool {
	if r.rec != nil {
		r.rec.Release()
		r.rec = nil
	}
	if r.done {
		return false
	}
	b, err := r.root.Next(r.ctx)
	if err == nil && b != nil {
		var rec arrow.RecordBatch
		rec, err = ToRecord(r.schema, r.cols, b)
		if err == nil {
			r.rec = rec
			return true
		}
	}
	r.err = err
	r.done = true
	r.root.Close()
	if r.finish != nil {
		r.finish()
	}
	return false
}

// ToRecord converts a batch to a record of the result schema.
func ToRecord(schema *arrow.Schema, cols kusto.Schema, b *eval.Batch) (arrow.RecordBatch, error) {
	b = b.Compact()
	arrs := make([]arrow.Array, len(cols))
	for i, c := range cols {
		if i >= len(b.Cols) || b.Cols[i] == nil {
			return nil, fmt.Errorf("internal: result column %s missing", c.Name)
		}
		a, err := eval.Cast(eval.Decode(b.Cols[i]), c.Type)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.Name, err)
		}
		if !arrow.TypeEqual(a.DataType(), schema.Field(i).Type) {
			return nil, fmt.Errorf("internal: column %s is %s, want %s", c.Name, a.DataType(), schema.Field(i).Type)
		}
		arrs[i] = a
	}
	return array.NewRecordBatch(schema, arrs, int64(b.N)), nil
}

// asErrorList gives a planning error with a position the form parse and bind
// errors have, so front doors can show it with a caret.
func asErrorList(err error) error {
	var list lang.ErrorList
	if errors.As(err, &list) {
		return err
	}
	var le *lang.Error
	if errors.As(err, &le) && le.Pos.IsValid() {
		return lang.ErrorList{le}
	}
	return err
}
