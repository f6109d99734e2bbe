package exec

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/exec/eval"
	"github.com/prowl-hunt/prowl/exec/op"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang"
	"github.com/prowl-hunt/prowl/lang/ast"
)

var memAlloc = memory.DefaultAllocator

func pathMatch(pattern, name string) (bool, error) { return path.Match(pattern, name) }

// scanInfo records one planned scan, for Explain and statistics.
type scanInfo struct {
	req      ScanRequest
	mu       sync.Mutex
	scanners []Scanner
	metadata bool // answered from metadata
}

// timeColumn is the column storage partitions and prunes by.
const timeColumn = "Timestamp"

// table plans a read of a stored or virtual table.
func (p *planner) table(at ast.Node, name string, needed []bool, wheres []*ast.Where, _ []ast.Op) (op.Operator, error) {
	p.e.mu.RLock()
	vt, virtual := p.e.tables[name]
	p.e.mu.RUnlock()
	if virtual {
		t, err := vt.src(p.ctx)
		if err != nil {
			return nil, fmt.Errorf("table %s: %w", name, err)
		}
		p.note("virtual table %s", name)
		return &op.Reader{Cols: t.Columns, R: t.Reader}, nil
	}
	schema, ok := p.e.Table(name)
	if !ok {
		return nil, errAt(at, "unknown table '%s'", name)
	}
	if needed == nil {
		needed = make([]bool, len(schema))
		for i := range needed {
			needed[i] = true
		}
	}
	return p.tableScan(at, name, schema, needed, wheres)
}

func (p *planner) tableScan(at ast.Node, name string, schema kusto.Schema, needed []bool, wheres []*ast.Where) (op.Operator, error) {
	src := p.e.cfg.Source
	if src == nil {
		return nil, errAt(at, "no storage: cannot read table '%s'", name)
	}
	req := ScanRequest{Table: name, Columns: []string{}}
	colMap := make([]int, len(schema))
	for i, c := range schema {
		colMap[i] = -1
		if needed[i] {
			colMap[i] = len(req.Columns)
			req.Columns = append(req.Columns, c.Name)
		}
	}
	for _, w := range wheres {
		p.pushdown(w.Pred, schema, &req)
	}
	info := &scanInfo{req: req}
	p.scans = append(p.scans, info)
	p.note("scan %s%s", name, describeScan(req, len(schema)))
	par := &op.Parallel{
		Workers: p.e.cfg.Parallelism,
		Out:     schema,
		Ctx:     p.ectx,
		Map:     colMap,
	}
	par.Run = func(ctx context.Context, workers int, emit func(int, arrow.RecordBatch) error) error {
		sc, err := src.Scan(ctx, req)
		if err != nil {
			return fmt.Errorf("scan %s: %w", name, err)
		}
		info.mu.Lock()
		info.scanners = append(info.scanners, sc)
		info.mu.Unlock()
		defer sc.Close()
		return sc.Run(ctx, workers, emit)
	}
	return par, nil
}

func describeScan(req ScanRequest, total int) string {
	var parts []string
	parts = append(parts, fmt.Sprintf(" columns=%d/%d [%s]", len(req.Columns), total, strings.Join(req.Columns, ", ")))
	if !req.TimeMin.IsZero() || !req.TimeMax.IsZero() {
		lo, hi := "-inf", "+inf"
		if !req.TimeMin.IsZero() {
			lo = req.TimeMin.UTC().Format(time.RFC3339Nano)
		}
		if !req.TimeMax.IsZero() {
			hi = req.TimeMax.UTC().Format(time.RFC3339Nano)
		}
		parts = append(parts, fmt.Sprintf(" prune days+row groups: %s in [%s, %s)", timeColumn, lo, hi))
	}
	for _, f := range req.Filters {
		vals := make([]string, len(f.Values))
		for i, v := range f.Values {
			vals[i] = fmt.Sprint(v)
		}
		sort.Strings(vals)
		if len(vals) > 5 {
			vals = append(vals[:5], fmt.Sprintf("... %d values", len(f.Values)))
		}
		how := "row-group stats"
		if f.Op == FilterEq || f.Op == FilterIn {
			how = "row-group stats + bloom filters"
		}
		parts = append(parts, fmt.Sprintf(" prune %s: %s %s (%s)", how, f.Column, f.Op, strings.Join(vals, ", ")))
	}
	return strings.Join(parts, ";")
}

// conjuncts splits a predicate on `and`.
func conjuncts(x ast.Expr, out []ast.Expr) []ast.Expr {
	x = unparen(x)
	if b, ok := x.(*ast.Binary); ok && b.Op == "and" {
		out = conjuncts(b.L, out)
		return conjuncts(b.R, out)
	}
	return append(out, x)
}

// pushdown adds what a where predicate says about columns to the scan request.
// It reports whether every conjunct was captured as a time range.
func (p *planner) pushdown(pred ast.Expr, schema kusto.Schema, req *ScanRequest) bool {
	all := true
	for _, c := range conjuncts(pred, nil) {
		if !p.pushConjunct(c, schema, req) {
			all = false
		}
	}
	return all
}

func (p *planner) columnOf(x ast.Expr, schema kusto.Schema) (kusto.Column, bool) {
	id, ok := unparen(x).(*ast.Ident)
	if !ok {
		return kusto.Column{}, false
	}
	ref, ok := p.info.Refs[id]
	if !ok || ref.Kind != lang.RefColumn || ref.Column >= len(schema) {
		return kusto.Column{}, false
	}
	return schema[ref.Column], true
}

func (p *planner) constOf(x ast.Expr) (*eval.Const, bool) {
	e, err := p.compile(x)
	if err != nil {
		return nil, false
	}
	k, ok := e.(*eval.Const)
	if !ok || !k.V.IsValid(0) {
		return nil, false
	}
	return k, true
}

func goValue(k *eval.Const, t kusto.Type) (any, bool) {
	a, err := eval.Cast(k.V, t)
	if err != nil {
		return nil, false
	}
	switch t {
	case kusto.String, kusto.Guid:
		return eval.StringAt(a, 0), true
	case kusto.Int, kusto.Long:
		return eval.Ints(a)[0], true
	case kusto.Real:
		return eval.Floats(a)[0], true
	case kusto.DateTime:
		return time.Unix(0, eval.Ints(a)[0]).UTC(), true
	case kusto.TimeSpan:
		return time.Duration(eval.Ints(a)[0]), true
	case kusto.Bool:
		return eval.Ints(a)[0] != 0, true
	}
	return nil, false
}

var flipOp = map[string]string{"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "=="}

func (p *planner) pushConjunct(x ast.Expr, schema kusto.Schema, req *ScanRequest) bool {
	b, ok := x.(*ast.Binary)
	if !ok {
		return false
	}
	switch b.Op {
	case "==", "<", "<=", ">", ">=":
		col, ok := p.columnOf(b.L, schema)
		other, opName := b.R, b.Op
		if !ok {
			if col, ok = p.columnOf(b.R, schema); !ok {
				return false
			}
			other, opName = b.L, flipOp[b.Op]
		}
		k, ok := p.constOf(other)
		if !ok {
			return false
		}
		v, ok := goValue(k, col.Type)
		if !ok {
			return false
		}
		if col.Name == timeColumn && col.Type == kusto.DateTime {
			t := v.(time.Time)
			switch opName {
			case ">":
				setMin(req, t.Add(time.Nanosecond))
			case ">=":
				setMin(req, t)
			case "<":
				setMax(req, t)
			case "<=":
				setMax(req, t.Add(time.Nanosecond))
			case "==":
				setMin(req, t)
				setMax(req, t.Add(time.Nanosecond))
			}
			return true
		}
		if col.Type == kusto.Dynamic {
			return false
		}
		fop := map[string]FilterOp{"==": FilterEq, "<": FilterLt, "<=": FilterLe, ">": FilterGt, ">=": FilterGe}[opName]
		req.Filters = append(req.Filters, Filter{Column: col.Name, Op: fop, Values: []any{v}})
		return false
	case "between":
		col, ok := p.columnOf(b.L, schema)
		rng, isRange := b.R.(*ast.RangeExpr)
		if !ok || !isRange {
			return false
		}
		e, err := p.compile(b)
		if err != nil {
			return false
		}
		bt, ok := e.(*eval.Between)
		if !ok {
			return false
		}
		_ = rng
		lo, ok1 := bt.Lo.(*eval.Const)
		hi, ok2 := bt.Hi.(*eval.Const)
		if !ok1 || !ok2 || !lo.V.IsValid(0) || !hi.V.IsValid(0) {
			return false
		}
		lv, ok1 := goValue(lo, col.Type)
		hv, ok2 := goValue(hi, col.Type)
		if !ok1 || !ok2 {
			return false
		}
		if col.Name == timeColumn && col.Type == kusto.DateTime {
			setMin(req, lv.(time.Time))
			setMax(req, hv.(time.Time).Add(time.Nanosecond))
			return true
		}
		req.Filters = append(req.Filters, Filter{Column: col.Name, Op: FilterGe, Values: []any{lv}}, Filter{Column: col.Name, Op: FilterLe, Values: []any{hv}})
		return false
	case "in":
		col, ok := p.columnOf(b.L, schema)
		if !ok || col.Type == kusto.Dynamic {
			return false
		}
		e, err := p.compile(b)
		if err != nil {
			return false
		}
		in, ok := e.(*eval.In)
		if !ok {
			return false
		}
		var vals []any
		switch {
		case col.Type == kusto.String || col.Type == kusto.Guid:
			for _, s := range in.Set.Strings() {
				vals = append(vals, s)
			}
		case (col.Type == kusto.Long || col.Type == kusto.Int) && in.Set.Kind == kusto.Long:
			for _, v := range in.Set.Ints() {
				vals = append(vals, v)
			}
		default:
			return false
		}
		if len(vals) > 0 && len(vals) <= 1024 {
			req.Filters = append(req.Filters, Filter{Column: col.Name, Op: FilterIn, Values: vals})
		}
		return false
	}
	return false
}

func setMin(req *ScanRequest, t time.Time) {
	if req.TimeMin.IsZero() || t.After(req.TimeMin) {
		req.TimeMin = t
	}
}

func setMax(req *ScanRequest, t time.Time) {
	if req.TimeMax.IsZero() || t.Before(req.TimeMax) {
		req.TimeMax = t
	}
}

// countFromMetadata answers `T [| where <time range>] | count` from file
// metadata when every predicate is a time range.
func (p *planner) countFromMetadata(id *ast.Ident, schema kusto.Schema, wheres []*ast.Where, out kusto.Schema) (op.Operator, bool, error) {
	if len(out) != 1 || out[0].Type != kusto.Long {
		return nil, false, nil
	}
	req := ScanRequest{Table: p.info.Refs[id].Table}
	for _, w := range wheres {
		if !p.pushdown(w.Pred, schema, &req) {
			return nil, false, nil
		}
	}
	n, ok, err := p.e.cfg.Source.CountRows(p.ctx, req.Table, req.TimeMin, req.TimeMax)
	if err != nil || !ok {
		return nil, false, err
	}
	p.scans = append(p.scans, &scanInfo{req: req, metadata: true})
	p.note("count %s from metadata%s", req.Table, describeScan(ScanRequest{TimeMin: req.TimeMin, TimeMax: req.TimeMax}, len(schema)))
	b := &eval.Batch{N: 1, Cols: []arrow.Array{eval.NewInts(kusto.Long, []int64{n}, nil)}}
	return &op.Values{Cols: out, Batches: []*eval.Batch{b}}, true, nil
}
