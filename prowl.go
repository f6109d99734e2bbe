// Package prowl is the embedding API of the prowl hunting engine: open a data
// directory, run KQL queries and control commands, read results as Arrow.
package prowl

import (
	"context"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/prowl-hunt/prowl/kusto"
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
	Elapsed        time.Duration
	RowsScanned    int64
	BytesScanned   int64
	FilesRead      int
	RowGroupsRead  int
	RowGroupsTotal int
	PartitionsRead int
	PartitionsTotal int
	PeakMemory     int64
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

var _ = context.Background
