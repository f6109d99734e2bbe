// Package prowl is the embedding API of the prowl hunting engine: open a data
// directory, run KQL queries and control commands, read results as Arrow.
package prowl

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/prowl-hunt/prowl/discovery"
	"github.com/prowl-hunt/prowl/exec"
	"github.com/prowl-hunt/prowl/exec/agg"
	"github.com/prowl-hunt/prowl/exec/ext"
	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/storage"
)

// Options configures a DB. The zero value is usable.
type Options struct {
	// MemoryBudget caps the memory one query may hold (bytes); 0 means 4 GiB.
	MemoryBudget int64
	// Parallelism is the number of workers per query; 0 means GOMAXPROCS.
	Parallelism int
	// Now, when set, replaces the clock (tests, reproducible demos).
	Now func() time.Time
	// User names the actor recorded in audit trails of state-changing commands.
	User string
	// OwnHosts are prowl's own endpoints (the host `prowl serve` answers on);
	// discovery never emits block indicators for them.
	OwnHosts []string
}

// Params are the values of declared query parameters, as KQL literal text or
// plain values (`"5"`, `"long(5)"`, `"dropbox.com"`, `"datetime(2024-01-01)"`),
// converted to each parameter's declared type.
type Params map[string]string

// Render is the `render` hint of a query: the chart kind and its properties.
type Render struct {
	Kind  string
	Props map[string]string
}

// Stats describes the work a query did. It is complete once the result's reader
// is exhausted.
type Stats struct {
	Elapsed         time.Duration
	RowsScanned     int64
	BytesScanned    int64
	FilesRead       int
	RowGroupsRead   int
	RowGroupsTotal  int
	PartitionsRead  int
	PartitionsTotal int
	PeakMemory      int64
}

// Result is the answer of a query or command: its columns with their Kusto types
// and a stream of Arrow record batches whose schema is karrow.Schema(Columns).
// Close it when done (it cancels work still running).
type Result struct {
	Columns kusto.Schema
	Reader  array.RecordReader
	Render  *Render
	// Messages are notes for the user (warnings, what a command did).
	Messages []string
	Stats    *Stats
	close    func()
}

// Close releases the result and stops any work still producing it.
func (r *Result) Close() {
	if r.close != nil {
		r.close()
		r.close = nil
	}
	if r.Reader != nil {
		r.Reader.Release()
		r.Reader = nil
	}
}

// DB is an open data directory with its engine. It is safe for concurrent use.
type DB struct {
	dir     string
	catalog *storage.Catalog
	engine  *exec.Engine
	funcs   *fn.Registry
	disc    *discovery.Service
}

// Open opens (or starts) the data directory dir. An empty dir gives an
// in-memory DB with no stored tables (datatable, print, range, virtual tables).
func Open(dir string, opts *Options) (*DB, error) {
	if opts == nil {
		opts = &Options{}
	}
	db := &DB{dir: dir, funcs: fn.NewRegistry()}
	cfg := exec.Config{
		Functions:    db.funcs,
		Kernel:       db.funcs.Kernel,
		Aggregates:   agg.New,
		Parallelism:  opts.Parallelism,
		MemoryBudget: opts.MemoryBudget,
		Now:          opts.Now,
	}
	if dir != "" {
		cat, err := storage.Open(dir)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", dir, err)
		}
		db.catalog = cat
		cfg.Source = storageSource{cat}
	}
	db.engine = exec.New(cfg)
	if dir != "" {
		dopts := []discovery.Option{discovery.WithQuery(db.extQuery)}
		if opts.Now != nil {
			dopts = append(dopts, discovery.WithClock(opts.Now))
		}
		if opts.User != "" {
			dopts = append(dopts, discovery.WithActor(opts.User))
		}
		if len(opts.OwnHosts) > 0 {
			dopts = append(dopts, discovery.WithOwnHosts(opts.OwnHosts...))
		}
		svc, err := discovery.Install(db.engine, dir, dopts...)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", dir, err)
		}
		db.disc = svc
	}
	return db, nil
}

// Discovery returns the cloud-discovery service of the data directory (app
// catalog, tags, indicators, policies), or nil for an in-memory DB.
func (db *DB) Discovery() *discovery.Service { return db.disc }

// extQuery lets extensions (discovery) run queries.
func (db *DB) extQuery(ctx context.Context, kql string) (*ext.Table, error) {
	res, err := db.engine.Query(ctx, kql, nil)
	if err != nil {
		return nil, err
	}
	return &ext.Table{Columns: res.Columns, Reader: res.Reader, Messages: res.Messages}, nil
}

// Registry is where library users add functions, stored functions, tables and
// commands (before the first query).
func (db *DB) Registry() ext.Registry { return db.engine }

// Query runs a KQL query, or a control command when text starts with '.'.
// Parse and bind errors are lang.ErrorList values (with positions).
func (db *DB) Query(ctx context.Context, text string, params Params) (*Result, error) {
	res, err := db.engine.Query(ctx, text, params)
	if err != nil {
		return nil, err
	}
	return wrap(res), nil
}

// Exec runs a control command (`.show tables`, `.unsanction app "X"`, ...).
func (db *DB) Exec(ctx context.Context, text string) (*Result, error) {
	res, err := db.engine.Exec(ctx, text)
	if err != nil {
		return nil, err
	}
	return wrap(res), nil
}

// Explain describes how a query would run: the plan, and what each scan prunes.
func (db *DB) Explain(ctx context.Context, text string, params Params) (string, error) {
	return db.engine.Explain(ctx, text, params)
}

// Check parses and binds a query without running it.
func (db *DB) Check(text string) error { return db.engine.Check(text, nil) }

// Tables lists the table names (stored and virtual), for completion.
func (db *DB) Tables() []string { return db.engine.TableNames() }

// Columns returns the schema of a table.
func (db *DB) Columns(table string) (kusto.Schema, bool) { return db.engine.Table(table) }

// Functions lists the function names (built-in, registered, stored).
func (db *DB) Functions() []string { return db.engine.Names() }

// Refresh makes files written since Open (or the last Refresh) visible.
func (db *DB) Refresh() error {
	if db.catalog == nil {
		return nil
	}
	return db.catalog.Refresh()
}

// Catalog is the storage catalog (nil for an in-memory DB), for ingest and writers.
func (db *DB) Catalog() *storage.Catalog { return db.catalog }

// Close closes the DB.
func (db *DB) Close() error {
	if db.catalog != nil {
		return db.catalog.Close()
	}
	return nil
}

func wrap(res *exec.Result) *Result {
	out := &Result{Columns: res.Columns, Messages: res.Messages, Stats: &Stats{}}
	if res.RenderKind != "" {
		out.Render = &Render{Kind: res.RenderKind, Props: res.RenderProps}
	}
	out.Reader = &statsReader{RecordReader: res.Reader, done: func() { fillStats(out.Stats, res.Stats()) }}
	out.close = func() {
		fillStats(out.Stats, res.Stats())
		if res.Reader != nil {
			// the wrapper's Release releases the inner reader
			res.Reader = nil
		}
		res.Close()
	}
	return out
}

func fillStats(s *Stats, q exec.QueryStats) {
	*s = Stats{
		Elapsed:         q.Elapsed,
		RowsScanned:     q.RowsScanned,
		BytesScanned:    q.BytesScanned,
		FilesRead:       q.FilesRead,
		RowGroupsRead:   q.RowGroupsRead,
		RowGroupsTotal:  q.RowGroupsTotal,
		PartitionsRead:  q.PartitionsRead,
		PartitionsTotal: q.PartitionsTotal,
		PeakMemory:      q.PeakMemory,
	}
}

// statsReader fills Stats when the stream ends.
type statsReader struct {
	array.RecordReader
	done func()
	fin  bool
}

func (r *statsReader) Next() bool {
	if r.RecordReader.Next() {
		return true
	}
	if !r.fin {
		r.fin = true
		r.done()
	}
	return false
}

// storageSource adapts storage.Catalog to exec.Source.
type storageSource struct{ c *storage.Catalog }

func (s storageSource) Table(name string) (kusto.Schema, bool) { return s.c.Table(name) }
func (s storageSource) TableNames() []string                   { return s.c.TableNames() }

func (s storageSource) Scan(ctx context.Context, req exec.ScanRequest) (exec.Scanner, error) {
	spec := storage.ScanSpec{Table: req.Table, Columns: req.Columns, TimeMin: req.TimeMin, TimeMax: req.TimeMax}
	for _, f := range req.Filters {
		var op storage.Op
		switch f.Op {
		case exec.FilterEq:
			op = storage.OpEq
		case exec.FilterIn:
			op = storage.OpIn
		case exec.FilterLt:
			op = storage.OpLt
		case exec.FilterLe:
			op = storage.OpLe
		case exec.FilterGt:
			op = storage.OpGt
		case exec.FilterGe:
			op = storage.OpGe
		default:
			continue
		}
		spec.Filters = append(spec.Filters, storage.Filter{Column: f.Column, Op: op, Values: f.Values})
	}
	sc, err := s.c.Scan(ctx, spec)
	if err != nil {
		return nil, err
	}
	return storageScan{sc}, nil
}

func (s storageSource) CountRows(ctx context.Context, table string, tmin, tmax time.Time) (int64, bool, error) {
	n, err := s.c.CountRows(ctx, table, tmin, tmax)
	if err != nil {
		return 0, false, nil // fall back to scanning
	}
	return n, true, nil
}

type storageScan struct{ s *storage.Scan }

func (s storageScan) Run(ctx context.Context, workers int, emit func(int, arrow.RecordBatch) error) error {
	return s.s.Run(ctx, workers, emit)
}

func (s storageScan) Stats() exec.ScanStats {
	st := s.s.Stats()
	return exec.ScanStats{
		RowsScanned:     st.Rows,
		BytesScanned:    st.BytesRead,
		FilesRead:       st.FilesRead,
		RowGroupsRead:   int(st.RowGroupsRead),
		RowGroupsTotal:  st.RowGroupsTotal,
		PartitionsRead:  st.PartitionsRead,
		PartitionsTotal: st.PartitionsTotal,
	}
}

func (s storageScan) Close() { _ = s.s.Close() }

var _ = errors.New
