package exec

import (
	"context"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/lang"
)

// FilterOp is a pruning comparison passed to a scan.
type FilterOp uint8

// Pruning comparisons.
const (
	FilterEq FilterOp = iota + 1
	FilterIn
	FilterLt
	FilterLe
	FilterGt
	FilterGe
)

func (o FilterOp) String() string {
	return [...]string{"?", "==", "in", "<", "<=", ">", ">="}[o]
}

// Filter is a predicate a scan may use to skip data. The engine still
// evaluates every predicate; filters only prune. Values are Go values of the
// column's Kusto type: bool, int64, float64, string, time.Time, time.Duration.
type Filter struct {
	Column string
	Op     FilterOp
	Values []any
}

// ScanRequest asks a Source for a table's rows.
type ScanRequest struct {
	Table string
	// Columns to read, in this order; an empty non-nil slice reads none.
	Columns []string
	// Timestamp in [TimeMin, TimeMax); zero values are open ends.
	TimeMin, TimeMax time.Time
	Filters          []Filter
}

// ScanStats are what a scan read.
type ScanStats struct {
	RowsScanned     int64
	BytesScanned    int64
	FilesRead       int
	RowGroupsRead   int
	RowGroupsTotal  int
	PartitionsRead  int
	PartitionsTotal int
}

// Scanner is one running table scan.
type Scanner interface {
	// Run calls emit for every batch from up to workers goroutines; batches hold
	// the requested columns in order, typed per kusto/karrow (strings possibly
	// dictionary-encoded). emit must Retain a batch it keeps.
	Run(ctx context.Context, workers int, emit func(worker int, rec arrow.RecordBatch) error) error
	Stats() ScanStats
	Close()
}

// Source is the table storage the engine reads: storage.Catalog adapted.
type Source interface {
	lang.Tables
	Scan(ctx context.Context, req ScanRequest) (Scanner, error)
	// CountRows counts a table's rows with Timestamp in [tmin, tmax) from
	// metadata; ok is false when it cannot.
	CountRows(ctx context.Context, table string, tmin, tmax time.Time) (n int64, ok bool, err error)
}
