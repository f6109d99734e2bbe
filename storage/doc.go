// Package storage keeps prowl tables as day-partitioned Parquet files: the table
// catalog, the parallel pruning scanner (parquet-go pages straight into Arrow),
// the atomic writer and compaction.
//
// # Layout
//
//	<data>/<Table>/date=YYYY-MM-DD/<file>.parquet   one folder per UTC day of Timestamp
//	<data>/<Table>/<file>.parquet                    tables without a Timestamp column
//
// Names starting with "." or "_" are never data (temporary files, compaction
// folders, the table lock), so a reader never sees a file that is being written.
//
// # Catalog
//
//	cat, err := storage.Open(dir)       // lists tables and their files
//	schema, ok := cat.Table("DeviceNetworkEvents") // reads the table's footers on first use
//	schema, ok, err := cat.TableSchema(name)      // the same, with the footer error
//	names := cat.TableNames()           // on-disk tables plus built-ins (schemas pkg)
//	data := cat.DataTables()            // only tables with files
//	err = cat.Refresh()                 // pick up tables/columns that appeared since
//
// *Catalog implements lang.Tables. A table's schema is the built-in schema (if any)
// followed by the union of the columns of its files; a column missing from a file
// reads as null, or "" for string/guid/dynamic columns (Kusto strings are never null).
//
// # Scan
//
//	sc, err := cat.Scan(ctx, storage.ScanSpec{
//		Table:   "DeviceNetworkEvents",
//		Columns: []string{"Timestamp", "RemoteUrl"}, // nil = all columns
//		TimeMin: t0, TimeMax: t1,                     // Timestamp in [TimeMin, TimeMax); zero = open
//		Filters: []storage.Filter{{Column: "RemoteUrl", Op: storage.OpIn, Values: []any{"a.com", "b.com"}}},
//	})
//	defer sc.Close()
//	err = sc.Run(ctx, runtime.GOMAXPROCS(0), func(worker int, rec arrow.RecordBatch) error { ... })
//	// or: for _, m := range sc.Morsels() { m.Read(ctx, fn) } from your own workers
//	st := sc.Stats()
//
// Filters are used only to prune day folders, row groups (min/max statistics) and
// row groups (bloom filters, for OpEq/OpIn); rows that pass are NOT filtered, the
// engine still evaluates its predicates. TimeMin/TimeMax likewise prune only;
// comparisons of Timestamp with time.Time constants in Filters also prune day
// folders.
// Filter values are Go values of the column's Kusto type: bool, int64 (int/long;
// int and int32 accepted), float64 (real), string (string/guid/dynamic), time.Time
// (datetime), time.Duration (timespan). A value of another type disables pruning
// for that filter rather than failing.
//
// Each batch holds exactly the projected columns in the order asked (all columns
// in schema order when Columns is nil), typed per kusto/karrow: datetime is
// Timestamp(ns,UTC), timespan Duration(ns), int Int32, long Int64, real Float64,
// bool Boolean. String, guid and dynamic columns arrive as String arrays OR as
// Dictionary(Int32, String) arrays when the Parquet pages are dictionary-encoded;
// which one can change from batch to batch (each batch's own Schema() tells), so
// consumers must handle both. Field metadata "kusto.type" always carries the Kusto
// type. String arrays never have nulls. Scan.Schema() is the nominal schema (plain
// String for strings). The callback must not keep a batch after it returns unless it
// calls Retain.
// The scan recycles the fixed-width buffers (numbers, dictionary indices, string
// offsets) of batches whose last reference is released, so neither a batch nor
// a slice taken from its buffers may be used after that release; string value
// bytes are never recycled (String.Value results stay valid). Null slots of
// numeric arrays hold 0. When all of a batch's rows of a column lie in one
// Parquet page and none is null, the column's values (numbers, dictionary
// indices) are the page's decoded memory itself, not a copy: the page then
// goes back to parquet-go's buffer pool only when the batch is released.
//
// A morsel is one row group of one file, after pruning; workers read morsels in
// parallel and each morsel streams batches of ScanSpec.BatchSize rows (default
// 65536), so memory is bounded by workers × (one page per column + one batch).
// Cancellation is checked between batches.
//
// CountRows(ctx, table, tmin, tmax) answers `count` exactly from row-group
// metadata, reading only the Timestamp column of row groups that straddle the
// time range bounds.
//
// # Writer
//
//	w, err := cat.NewWriter("DeviceNetworkEvents", storage.WriterOptions{})
//	err = w.Write(rec)           // any number of batches; rows routed to day folders by Timestamp
//	info, err := w.Commit()      // atomic, durable; nothing is visible before Commit returns
//	w.Abort()                    // or throw everything away
//
// Batch columns are matched by name to the table schema (built-in, or the batch's
// own schema for a new table); missing columns are written as null/"". Each day's
// rows go to one temporary hidden file in the day folder; Commit closes it, fsyncs
// it, renames it to its final name and fsyncs the folder. Each file appears whole
// or not at all; a crash before Commit returns loses only that commit's rows (a
// commit spanning several days may become visible day by day if the crash falls
// inside Commit). Options: zstd (default) or snappy, row group size (default
// 1,048,576 rows), dictionary encoding for low-cardinality strings (decided from
// the first batch; a chunk whose dictionary passes 8 MiB falls back to plain),
// DELTA_BINARY_PACKED for long, datetime and timespan columns,
// min/max statistics on every column except free-text strings, bloom filters on
// lookup columns (see DefaultBloomColumn: RemoteUrl, DeviceId, DeviceName,
// RemoteIP, InitiatingProcessFileName, account names, SHA1/SHA256, ...). The file
// records the Kusto schema in key-value metadata "kusto.schema", so guid, dynamic
// and timespan columns keep their types. Columns are encoded in parallel.
//
// # Compaction
//
//	info, err := cat.Compact(ctx, "DeviceNetworkEvents")
//
// For every day folder holding more than one file, the files are merged into new
// files in a hidden sibling folder, which is then swapped with the day folder in
// one renameat2(RENAME_EXCHANGE) (Linux); the old files are removed afterwards. A
// table lock (flock on <Table>/.lock) keeps writers' commits out of a day while it
// is being compacted. A scan lists each day folder through a directory handle and
// restarts that day's listing if a file vanished between listing and opening, so it
// sees the old set or the new set, never a mix; files already opened stay readable
// after removal (POSIX unlink semantics). CompactInfo.String() summarises a run.
//
// A scan keeps every file of the partitions it reads open until Close, so a
// table of many thousands of small files in one time range needs compaction (or
// a higher open-file limit).
package storage

//go:generate go run ./internal/foreign/gen testdata/foreign
