package storage

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"
)

// sharedDictBatch builds a batch whose DeviceName is a Dictionary(Int32,
// String) over dict (as the generator sends), RemotePort an int with nulls,
// and Timestamps spread over days days starting at start.
func sharedDictBatch(t *testing.T, dict arrow.Array, start time.Time, n, days int, idx func(i int) int, seed int) (arrow.RecordBatch, [][]any) {
	t.Helper()
	mem := memory.DefaultAllocator
	tb := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"})
	ib := array.NewInt32Builder(mem)
	pb := array.NewInt32Builder(mem)
	var want [][]any
	names := dict.(*array.String)
	step := time.Duration(days) * 24 * time.Hour / time.Duration(n)
	for i := 0; i < n; i++ {
		// interleave days so that each batch is split by the writer
		ts := start.Add(time.Duration(i%days)*24*time.Hour + time.Duration(i/days)*step/time.Duration(days))
		tb.Append(arrow.Timestamp(ts.UnixNano()))
		var name any = ""
		if k := idx(i); k < 0 {
			ib.AppendNull()
		} else {
			ib.Append(int32(k))
			name = names.Value(k)
		}
		var port any
		if i%7 == 3 {
			pb.AppendNull()
		} else {
			pb.Append(int32(i*31 + seed))
			port = int64(i*31 + seed)
		}
		want = append(want, []any{ts.UnixNano(), name, port})
	}
	ts, ix, ports := tb.NewArray(), ib.NewArray(), pb.NewArray()
	defer ts.Release()
	defer ix.Release()
	defer ports.Release()
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	da := array.NewDictionaryArray(dt, ix, dict)
	defer da.Release()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "Timestamp", Type: ts.DataType(), Nullable: true},
		{Name: "DeviceName", Type: dt, Nullable: true},
		{Name: "RemotePort", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	}, nil)
	return array.NewRecordBatch(schema, []arrow.Array{ts, da, ports}, int64(n)), want
}

// TestWriterReuseAndSharedDictionary writes several commits through one
// writer (its Parquet writers are reused for later files) from batches that
// share one Arrow dictionary, and reads every value, null and statistic back.
func TestWriterReuseAndSharedDictionary(t *testing.T) {
	cat, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sb := array.NewStringBuilder(memory.DefaultAllocator)
	sb.AppendValues([]string{"alpha", "", "gamma", "delta", "epsilon"}, nil)
	dict := sb.NewArray()
	defer dict.Release()

	w, err := cat.NewWriter("DeviceNetworkEvents", WriterOptions{RowGroupRows: 700})
	if err != nil {
		t.Fatal(err)
	}
	var want [][]any
	var files []string
	for c := 0; c < 3; c++ {
		// commit c holds days 2c..2c+2 (overlapping the next commit's first
		// day, so some day folders get two files); only commit 2 uses "epsilon"
		start := day0.Add(time.Duration(2*c) * 24 * time.Hour)
		for b := 0; b < 2; b++ {
			rec, rows := sharedDictBatch(t, dict, start, 1500, 3, func(i int) int {
				switch {
				case i%11 == 0:
					return -1
				case c == 2 && i%5 == 1:
					return 4
				}
				return (i + b) % 4
			}, 1000*c+b)
			if err := w.Write(rec); err != nil {
				t.Fatal(err)
			}
			rec.Release()
			want = append(want, rows...)
		}
		info, err := w.Commit()
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, info.Files...)
	}
	// Every file, from fresh and reused Parquet writers alike, has the same
	// footer: schema metadata, statistics, a bloom filter on DeviceName.
	for _, path := range files {
		checkFooter(t, path)
	}
	got, _ := collect(t, cat, ScanSpec{Table: "DeviceNetworkEvents", Columns: []string{"Timestamp", "DeviceName", "RemotePort"}})
	sortRows(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("rows (-want +got):\n%.3000s", diff)
	}
	// Statistics of reused writers are per file: "epsilon" prunes every
	// row group except commit 2's.
	sc, err := cat.Scan(t.Context(), ScanSpec{Table: "DeviceNetworkEvents", Columns: []string{"DeviceName"},
		Filters: []Filter{{Column: "DeviceName", Op: OpEq, Values: []any{"epsilon"}}}})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	var n int64
	for _, m := range sc.Morsels() {
		n += m.NumRows()
	}
	if n != 3000 {
		t.Errorf("rows left after pruning on epsilon: %d, want 3000 (commit 2 only)", n)
	}
	// Null RemotePort slots hold 0 (pooled scan buffers are not zeroed).
	sc2, err := cat.Scan(t.Context(), ScanSpec{Table: "DeviceNetworkEvents", Columns: []string{"RemotePort"}})
	if err != nil {
		t.Fatal(err)
	}
	defer sc2.Close()
	for i := 0; i < 2; i++ { // twice, so the second pass reuses released buffers
		err = sc2.Run(t.Context(), 2, func(_ int, rec arrow.RecordBatch) error {
			a := rec.Column(0).(*array.Int32)
			for r, v := range a.Int32Values() {
				if a.IsNull(r) && v != 0 {
					t.Errorf("null slot %d holds %d", r, v)
					return nil
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func checkFooter(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if v, ok := pf.Lookup(schemaMetadataKey); !ok || !strings.Contains(v, "DeviceName:string") {
		t.Errorf("%s: %s = %q", path, schemaMetadataKey, v)
	}
	leaf, _ := pf.Schema().Lookup("DeviceName")
	var rows int64
	for i, rg := range pf.RowGroups() {
		rows += rg.NumRows()
		cc := rg.ColumnChunks()[leaf.ColumnIndex]
		if bf := cc.BloomFilter(); bf == nil || bf.Size() == 0 {
			t.Errorf("%s row group %d: no bloom filter on DeviceName", path, i)
		}
		md := pf.Metadata().RowGroups[i].Columns[leaf.ColumnIndex].MetaData
		if md.NumValues != rg.NumRows() || len(md.Statistics.MinValue) == 0 && len(md.Statistics.MaxValue) == 0 {
			t.Errorf("%s row group %d: column metadata %+v", path, i, md.Statistics)
		}
	}
	if rows != pf.NumRows() || rows == 0 {
		t.Errorf("%s: %d rows in row groups, %d in file", path, rows, pf.NumRows())
	}
}
