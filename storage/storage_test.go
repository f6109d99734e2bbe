package storage

import (
	"context"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
	"github.com/prowl-hunt/prowl/schemas"
)

var day0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// cell returns row r of a as a comparable Go value; strings never null.
func cell(a arrow.Array, r int) any {
	if d, ok := a.(*array.Dictionary); ok {
		return d.Dictionary().(*array.String).Value(d.GetValueIndex(r))
	}
	if s, ok := a.(*array.String); ok {
		return s.Value(r)
	}
	if a.IsNull(r) {
		return nil
	}
	switch x := a.(type) {
	case *array.Int32:
		return int64(x.Value(r))
	case *array.Int64:
		return x.Value(r)
	case *array.Float64:
		return x.Value(r)
	case *array.Boolean:
		return x.Value(r)
	case *array.Timestamp:
		return int64(x.Value(r))
	case *array.Duration:
		return int64(x.Value(r))
	}
	return a.ValueStr(r)
}

func rowsOf(recs ...arrow.RecordBatch) [][]any {
	var out [][]any
	for _, rec := range recs {
		for r := 0; r < int(rec.NumRows()); r++ {
			row := make([]any, rec.NumCols())
			for c := range row {
				row[c] = cell(rec.Column(c), r)
			}
			out = append(out, row)
		}
	}
	return out
}

// collect scans everything the spec selects and returns the rows sorted by
// their first column rendered as text (scan order across workers is free).
func collect(t *testing.T, cat *Catalog, spec ScanSpec) ([][]any, ScanStats) {
	t.Helper()
	sc, err := cat.Scan(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	var mu sync.Mutex
	var rows [][]any
	err = sc.Run(context.Background(), 2, func(_ int, rec arrow.RecordBatch) error {
		r := rowsOf(rec)
		mu.Lock()
		rows = append(rows, r...)
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sortRows(rows)
	return rows, sc.Stats()
}

func sortRows(rows [][]any) {
	sort.SliceStable(rows, func(i, j int) bool {
		return less(rows[i], rows[j])
	})
}

// less orders rows column by column; a null sorts before any value, so the
// order is total and tests do not depend on how ties were scanned.
func less(a, b []any) bool {
	for k := range a {
		x, y := a[k], b[k]
		if (x == nil) != (y == nil) {
			return x == nil
		}
		switch xv := x.(type) {
		case int64:
			if yv, ok := y.(int64); ok && xv != yv {
				return xv < yv
			}
		case string:
			if yv, ok := y.(string); ok && xv != yv {
				return xv < yv
			}
		}
	}
	return false
}

func writeTable(t testing.TB, cat *Catalog, table string, opts WriterOptions, recs ...arrow.RecordBatch) CommitInfo {
	t.Helper()
	w, err := cat.NewWriter(table, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	info, err := w.Commit()
	if err != nil {
		t.Fatal(err)
	}
	return info
}

func TestRoundTripAllTypes(t *testing.T) {
	for _, codec := range []Codec{Zstd, Snappy, Gzip, Uncompressed} {
		cat, err := Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		s, _ := schemas.Table("DeviceNetworkEvents")
		// 3 days of 2000 rows, row groups of 1000
		rec := synth(s, 6000, day0, 3*24*time.Hour/6000, 1)
		defer rec.Release()
		info := writeTable(t, cat, "DeviceNetworkEvents", WriterOptions{Codec: codec, RowGroupRows: 1000}, rec)
		if len(info.Files) != 3 || info.Rows != 6000 {
			t.Fatalf("commit: %+v", info)
		}
		got, st := collect(t, cat, ScanSpec{Table: "DeviceNetworkEvents", BatchSize: 777})
		want := rowsOf(rec)
		sortRows(want)
		if diff := diffRows(want, got); diff != "" {
			t.Fatalf("codec %d: round trip differs (-want +got):\n%.3000s", codec, diff)
		}
		if st.Rows != 6000 || st.PartitionsRead != 3 || st.RowGroupsRead != 6 {
			t.Errorf("stats %+v", st)
		}
	}
}

// buildRows makes a batch of schema s from Go values (nil = null):
// time.Time, string, int32, int64, float64, bool, time.Duration.
func buildRows(t testing.TB, s kusto.Schema, n int, row func(i int) []any) arrow.RecordBatch {
	t.Helper()
	b := array.NewRecordBuilder(memory.DefaultAllocator, karrow.Schema(s))
	defer b.Release()
	for i := 0; i < n; i++ {
		for c, v := range row(i) {
			fb := b.Field(c)
			if v == nil {
				fb.AppendNull()
				continue
			}
			switch x := v.(type) {
			case time.Time:
				fb.(*array.TimestampBuilder).Append(arrow.Timestamp(x.UnixNano()))
			case string:
				fb.(*array.StringBuilder).Append(x)
			case int32:
				fb.(*array.Int32Builder).Append(x)
			case int64:
				fb.(*array.Int64Builder).Append(x)
			case float64:
				fb.(*array.Float64Builder).Append(x)
			case bool:
				fb.(*array.BooleanBuilder).Append(x)
			case time.Duration:
				fb.(*array.DurationBuilder).Append(arrow.Duration(x))
			default:
				t.Fatalf("buildRows: %T", v)
			}
		}
	}
	return b.NewRecordBatch()
}

// diffRows is cmp.Diff, skipped when the rows are equal (cmp is slow on big inputs).
func diffRows(want, got [][]any) string {
	if reflect.DeepEqual(want, got) {
		return ""
	}
	return cmp.Diff(want, got)
}

// Batches kept (Retain) past the callback stay intact while the scan goes on:
// they may alias page memory, which must then never be reused.
func TestRetainedBatchesStayValid(t *testing.T) {
	cat, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, _ := schemas.Table("DeviceNetworkEvents")
	rec := synth(s, 20000, day0, time.Second, 3)
	defer rec.Release()
	writeTable(t, cat, "DeviceNetworkEvents", WriterOptions{RowGroupRows: 5000, Codec: Snappy}, rec)
	sc, err := cat.Scan(context.Background(), ScanSpec{Table: "DeviceNetworkEvents", BatchSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	var mu sync.Mutex
	var kept []arrow.RecordBatch
	err = sc.Run(context.Background(), 2, func(_ int, b arrow.RecordBatch) error {
		b.Retain()
		mu.Lock()
		kept = append(kept, b)
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// churn the allocator and parquet-go's pools with another scan
	collect(t, cat, ScanSpec{Table: "DeviceNetworkEvents"})
	got := rowsOf(kept...)
	for _, b := range kept {
		b.Release()
	}
	sortRows(got)
	want := rowsOf(rec)
	sortRows(want)
	if diff := diffRows(want, got); diff != "" {
		t.Fatalf("retained batches changed (-want +got):\n%.2000s", diff)
	}
}
