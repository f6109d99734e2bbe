package storage

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/parquet-go/parquet-go"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
)

// TimestampColumn is the column by which tables are partitioned into days.
const TimestampColumn = "Timestamp"

// DefaultBatchSize is the number of rows per batch when ScanSpec.BatchSize is 0.
const DefaultBatchSize = 64 * 1024

// Op is a comparison used for pruning.
type Op uint8

// The pruning comparisons. OpIn takes any number of values, the others one.
const (
	OpEq Op = iota + 1
	OpNe
	OpLt
	OpLe
	OpGt
	OpGe
	OpIn
)

// Filter is a predicate `Column Op Values` the engine will evaluate; the scan
// uses it only to skip row groups that cannot hold a matching row.
type Filter struct {
	Column string
	Op     Op
	Values []any
}

// ScanSpec says what to read.
type ScanSpec struct {
	Table string
	// Columns to read, in this order. nil reads every column; an empty non-nil
	// slice reads none (batches then only carry row counts).
	Columns []string
	// TimeMin and TimeMax bound Timestamp to [TimeMin, TimeMax) for pruning; a
	// zero value leaves that side open. Rows outside are not removed.
	TimeMin, TimeMax time.Time
	Filters          []Filter
	// BatchSize is the number of rows per batch (default DefaultBatchSize).
	BatchSize int
}

// ScanStats counts what a scan touched.
type ScanStats struct {
	PartitionsTotal, PartitionsRead int
	FilesRead                       int
	RowGroupsTotal                  int
	RowGroupsPrunedByStats          int
	RowGroupsPrunedByBloom          int
	RowGroupsRead                   int64 // morsels read so far
	Rows                            int64 // rows emitted so far
	BytesRead                       int64 // uncompressed Parquet bytes of the column chunks read
	ArrowBytes                      int64 // bytes of Arrow buffers produced
}

// Scan is a pruned, opened set of morsels. Close it when done.
type Scan struct {
	spec    ScanSpec
	schema  kusto.Schema // projected
	arrow   *arrow.Schema
	files   []*scanFile
	morsels []*Morsel

	stats                         ScanStats // static part
	rgRead, rows, bytes, arrBytes atomic.Int64

	pool bufPool // recycles batch buffers that consumers release
}

type scanFile struct {
	path string
	f    *os.File
	pf   *parquet.File
	cols map[string]*fileColumn
}

// Morsel is one row group of one file: the unit of parallel work.
type Morsel struct {
	s    *Scan
	file *scanFile
	rg   int
	rows int64
}

// NumRows is the number of rows in the morsel.
func (m *Morsel) NumRows() int64 { return m.rows }

// Path is the file the morsel belongs to.
func (m *Morsel) Path() string { return m.file.path }

// RowGroup is the morsel's row-group index within its file.
func (m *Morsel) RowGroup() int { return m.rg }

// Scan opens the files of the table that the spec's time range and filters
// leave, prunes their row groups and returns the morsels to read.
func (c *Catalog) Scan(ctx context.Context, spec ScanSpec) (*Scan, error) {
	full, ok, err := c.TableSchema(spec.Table)
	if err != nil {
		return nil, fmt.Errorf("scan: %w", err)
	}
	if !ok {
		return nil, fmt.Errorf("scan: unknown table %q", spec.Table)
	}
	s := &Scan{spec: spec}
	if spec.Columns == nil {
		s.schema = full
	} else {
		s.schema = make(kusto.Schema, 0, len(spec.Columns))
		for _, n := range spec.Columns {
			i := full.Index(n)
			if i < 0 {
				return nil, fmt.Errorf("scan %s: unknown column %q", spec.Table, n)
			}
			s.schema = append(s.schema, full[i])
		}
	}
	if s.spec.BatchSize <= 0 {
		s.spec.BatchSize = DefaultBatchSize
	}
	s.arrow = karrow.Schema(s.schema)
	tsType := kusto.Invalid
	if i := full.Index(TimestampColumn); i >= 0 {
		tsType = full[i].Type
	}
	pr := newPruner(full, spec, tsType == kusto.DateTime)

	parts, err := listPartitions(filepath.Join(c.dir, spec.Table))
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", spec.Table, err)
	}
	s.stats.PartitionsTotal = len(parts)
	for _, p := range parts {
		if err := ctx.Err(); err != nil {
			s.Close()
			return nil, err
		}
		if !p.day.IsZero() && !pr.dayMayMatch(p.day) {
			continue
		}
		s.stats.PartitionsRead++
		files, err := openPartition(p.dir)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("scan %s: %w", spec.Table, err)
		}
		s.files = append(s.files, files...)
	}
	s.stats.FilesRead = len(s.files)
	for _, f := range s.files {
		for i, rg := range f.pf.RowGroups() {
			s.stats.RowGroupsTotal++
			switch pr.rowGroup(f, rg) {
			case pruneStats:
				s.stats.RowGroupsPrunedByStats++
				continue
			case pruneBloom:
				s.stats.RowGroupsPrunedByBloom++
				continue
			}
			if rg.NumRows() == 0 {
				continue
			}
			s.morsels = append(s.morsels, &Morsel{s: s, file: f, rg: i, rows: rg.NumRows()})
		}
	}
	return s, nil
}

// openPartition opens every visible Parquet file of a folder through one
// directory listing. If a listed file is gone when opened (a compaction swapped
// the folder), the listing starts over, so the result is one consistent set.
func openPartition(dir string) ([]*scanFile, error) {
	for attempt := 0; ; attempt++ {
		names, err := listParquet(dir)
		if err != nil {
			return nil, err
		}
		var out []*scanFile
		retry := false
		for _, n := range names {
			sf, err := openScanFile(filepath.Join(dir, n))
			if err != nil {
				for _, o := range out {
					o.f.Close()
				}
				if errors.Is(err, fs.ErrNotExist) && attempt < 100 {
					retry = true
					break
				}
				return nil, err
			}
			out = append(out, sf)
		}
		if !retry {
			return out, nil
		}
	}
}

func openScanFile(path string) (*scanFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	pf, err := parquet.OpenFile(f, st.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	sf := &scanFile{path: path, f: f, pf: pf, cols: map[string]*fileColumn{}}
	for _, fc := range fileColumns(pf) {
		fc := fc
		sf.cols[fc.name] = &fc
	}
	return sf, nil
}

// Schema is the nominal Arrow schema of the batches (string columns shown as
// String; a batch may carry them as dictionaries, see the package doc).
func (s *Scan) Schema() *arrow.Schema { return s.arrow }

// KustoSchema is the projected Kusto schema.
func (s *Scan) KustoSchema() kusto.Schema { return s.schema }

// Morsels returns the row groups left after pruning, in file order.
func (s *Scan) Morsels() []*Morsel { return s.morsels }

// Stats returns the counters so far.
func (s *Scan) Stats() ScanStats {
	st := s.stats
	st.RowGroupsRead = s.rgRead.Load()
	st.Rows = s.rows.Load()
	st.BytesRead = s.bytes.Load()
	st.ArrowBytes = s.arrBytes.Load()
	return st
}

// Close closes the scan's files.
func (s *Scan) Close() error {
	var first error
	for _, f := range s.files {
		if err := f.f.Close(); err != nil && first == nil {
			first = err
		}
	}
	s.files = nil
	return first
}

// Run reads all morsels with the given number of workers, calling fn for every
// batch (concurrently from different workers; worker is in [0, workers)). The
// first error stops the scan and is returned.
func (s *Scan) Run(ctx context.Context, workers int, fn func(worker int, rec arrow.RecordBatch) error) error {
	if workers < 1 {
		workers = 1
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	var once sync.Once
	var firstErr error
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(s.morsels) || ctx.Err() != nil {
					return
				}
				err := s.morsels[i].Read(ctx, func(rec arrow.RecordBatch) error { return fn(w, rec) })
				if err != nil {
					once.Do(func() { firstErr = err; cancel() })
					return
				}
			}
		}(w)
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// Read streams the morsel's rows as batches of the projected columns.
func (m *Morsel) Read(ctx context.Context, fn func(rec arrow.RecordBatch) error) error {
	s := m.s
	rg := m.file.pf.RowGroups()[m.rg]
	chunks := rg.ColumnChunks()
	readers := make([]*colReader, len(s.schema))
	defer func() {
		for _, r := range readers {
			if r != nil {
				r.close()
			}
		}
	}()
	meta := m.file.pf.Metadata().RowGroups[m.rg].Columns
	var bytes int64
	for i, col := range s.schema {
		fc := m.file.cols[col.Name]
		var cc parquet.ColumnChunk
		if fc != nil {
			cc = chunks[fc.leaf]
			bytes += meta[fc.leaf].MetaData.TotalUncompressedSize
		}
		r, err := newColReader(col.Name, col.Type, fc, cc)
		if err != nil {
			return fmt.Errorf("scan %s: %w", m.file.path, err)
		}
		r.pool = &s.pool
		readers[i] = r
	}
	s.bytes.Add(bytes)
	s.rgRead.Add(1)
	for remaining := m.rows; remaining > 0; {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := int(min(remaining, int64(s.spec.BatchSize)))
		var abytes int64
		arrs := make([]arrow.Array, len(readers))
		fields := make([]arrow.Field, len(readers))
		for i, r := range readers {
			a, err := r.read(n)
			if err != nil {
				for _, x := range arrs[:i] {
					x.Release()
				}
				return fmt.Errorf("scan %s row group %d: %w", m.file.path, m.rg, err)
			}
			arrs[i] = a
			fields[i] = s.arrow.Field(i)
			if a.DataType().ID() == arrow.DICTIONARY {
				fields[i].Type = dictStringType
			}
			abytes += arraySize(a)
		}
		rec := array.NewRecordBatch(arrow.NewSchema(fields, nil), arrs, int64(n))
		for _, a := range arrs {
			a.Release()
		}
		s.rows.Add(int64(n))
		s.arrBytes.Add(abytes)
		err := fn(rec)
		rec.Release()
		if err != nil {
			return err
		}
		remaining -= int64(n)
	}
	return nil
}

func arraySize(a arrow.Array) int64 {
	n := int64(a.Len())
	switch x := a.(type) {
	case *array.String:
		o := x.ValueOffsets()
		return 4*(n+1) + int64(o[len(o)-1]-o[0])
	case *array.Dictionary:
		return 4 * n // dictionary values are shared per chunk: only indices counted
	case *array.Boolean:
		return (n + 7) / 8
	}
	var size int64
	for _, b := range a.Data().Buffers() {
		if b != nil {
			size += int64(b.Len())
		}
	}
	return size
}
