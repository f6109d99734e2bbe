package storage

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/prowl-hunt/prowl/schemas"
	"github.com/prowl-hunt/prowl/storage/internal/foreign"
)

// Batches are built three ways: straight from page memory (all rows in one
// page, none null), copied from several pages, and gathered through a
// dictionary. Whatever the batch size relative to the pages, the rows are the
// same.
func TestBatchSizesAcrossPages(t *testing.T) {
	s, _ := schemas.Table("DeviceNetworkEvents")
	rec := synth(s, 3000, day0, time.Second, 11)
	defer rec.Release()
	want := rowsOf(rec)
	sortRows(want)
	for _, w := range []WriterOptions{
		{Codec: Snappy, RowGroupRows: 1500, PageBytes: 4 << 10},
		{Codec: Uncompressed, RowGroupRows: 1500, PageBytes: 1 << 20},
	} {
		cat, err := Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		writeTable(t, cat, "DeviceNetworkEvents", w, rec)
		for _, bs := range []int{1, 333, 1500, 65536} {
			t.Run(fmt.Sprintf("codec%d/page%d/batch%d", w.Codec, w.PageBytes, bs), func(t *testing.T) {
				got, st := collect(t, cat, ScanSpec{Table: "DeviceNetworkEvents", BatchSize: bs})
				if diff := diffRows(want, got); diff != "" {
					t.Fatalf("rows differ (-want +got):\n%.2000s", diff)
				}
				if st.Rows != 3000 {
					t.Errorf("rows %d", st.Rows)
				}
			})
		}
	}
}

// String values taken from batches (aliasing the batches' bytes, not copied)
// stay valid after the batches are released and the scan's buffers are reused
// by later batches and scans.
func TestStringValuesOutliveBatches(t *testing.T) {
	cat, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, _ := schemas.Table("DeviceNetworkEvents")
	rec := synth(s, 12000, day0, time.Second, 5)
	defer rec.Release()
	writeTable(t, cat, "DeviceNetworkEvents", WriterOptions{RowGroupRows: 3000, PageBytes: 16 << 10}, rec)
	cols := []string{"InitiatingProcessCommandLine", "RemoteUrl", "DeviceId"}
	read := func() [][]string {
		sc, err := cat.Scan(context.Background(), ScanSpec{Table: "DeviceNetworkEvents", Columns: cols, BatchSize: 500})
		if err != nil {
			t.Fatal(err)
		}
		defer sc.Close()
		var mu sync.Mutex
		got := make([][]string, len(cols))
		err = sc.Run(context.Background(), 2, func(_ int, b arrow.RecordBatch) error {
			mu.Lock()
			defer mu.Unlock()
			for c := range cols {
				switch a := b.Column(c).(type) {
				case *array.String:
					for i := 0; i < a.Len(); i++ {
						got[c] = append(got[c], a.Value(i))
					}
				case *array.Dictionary:
					d := a.Dictionary().(*array.String)
					for i := 0; i < a.Len(); i++ {
						got[c] = append(got[c], d.Value(a.GetValueIndex(i)))
					}
				default:
					t.Errorf("column %s: %T", cols[c], a)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	got := read()
	read() // reuses the pools the first scan's batches went back to
	for c, name := range cols {
		a := rec.Column(s.Index(name)).(*array.String)
		want := make([]string, a.Len())
		for i := range want {
			want[i] = a.Value(i)
		}
		slices.Sort(want)
		slices.Sort(got[c])
		if diff := cmp.Diff(want, got[c]); diff != "" {
			t.Errorf("%s: values changed after release (-want +got):\n%.1000s", name, diff)
		}
	}
}

// Nullable string columns of other writers (plain, dictionary without "" in
// it, delta-length) read nulls as "", however batches fall across pages.
func TestNullableStringsAcrossPages(t *testing.T) {
	const n = 3000
	str := func(every int, prefix string) func(i int) any {
		return func(i int) any {
			if i%every == 1 {
				return nil
			}
			return fmt.Sprintf("%s-%d", prefix, i%(every*7))
		}
	}
	want := func(f func(int) any) func(int) any {
		return func(i int) any {
			if v := f(i); v != nil {
				return v
			}
			return ""
		}
	}
	plain, dict, delta := str(3, "plain"), str(4, "dict"), str(5, "a-longer-delta-value")
	f := foreign.File{
		Path: "Nulls/a.parquet", Rows: n,
		Options: []parquet.WriterOption{parquet.Compression(&parquet.Snappy), parquet.PageBufferSize(2048)},
		Cols: []foreign.Col{
			{Name: "Plain", Node: parquet.Optional(parquet.Encoded(parquet.String(), &parquet.Plain)), Value: plain, Want: want(plain)},
			{Name: "Dict", Node: parquet.Optional(parquet.Encoded(parquet.String(), &parquet.RLEDictionary)), Value: dict, Want: want(dict)},
			{Name: "Delta", Node: parquet.Optional(parquet.Encoded(parquet.String(), &parquet.DeltaLengthByteArray)), Value: delta, Want: want(delta)},
			{Name: "Opt", Node: parquet.Optional(parquet.Int(64)), Value: func(i int) any {
				if i%6 == 2 {
					return nil
				}
				return int64(i)
			}},
			{Name: "Req", Node: parquet.Required(parquet.Int(64)), Value: func(i int) any { return int64(-i) }},
			{Name: "Score", Node: parquet.Optional(parquet.Leaf(parquet.DoubleType)), Value: func(i int) any { return float64(i) / 4 }},
		},
	}
	dir := t.TempDir()
	if err := foreign.Write(dir, f); err != nil {
		t.Fatal(err)
	}
	cat, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	cols := []string{"Req", "Plain", "Dict", "Delta", "Opt", "Score"}
	wantRows := wantRows([]foreign.File{f}, cols)
	for _, bs := range []int{1, 7, 100, 1000, 5000} {
		got, _ := collect(t, cat, ScanSpec{Table: "Nulls", Columns: cols, BatchSize: bs})
		if diff := diffRows(wantRows, got); diff != "" {
			t.Fatalf("batch size %d: rows (-want +got):\n%.3000s", bs, diff)
		}
	}
}

// The writer stores long, datetime and timespan columns DELTA_BINARY_PACKED
// (what makes them cheap to scan) and strings of few values as dictionaries.
func TestWriterEncodings(t *testing.T) {
	cat, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, _ := schemas.Table("DeviceNetworkEvents")
	rec := synth(s, 2000, day0, time.Second, 1)
	defer rec.Release()
	info := writeTable(t, cat, "DeviceNetworkEvents", WriterOptions{}, rec)
	f, err := os.Open(info.Files[0])
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
		t.Fatal(err)
	}
	want := map[string]format.Encoding{
		"Timestamp":                     format.DeltaBinaryPacked,
		"BytesSent":                     format.DeltaBinaryPacked,
		"InitiatingProcessCreationTime": format.DeltaBinaryPacked,
		"ActionType":                    format.RLEDictionary,
	}
	for _, c := range pf.Metadata().RowGroups[0].Columns {
		name := c.MetaData.PathInSchema[0]
		enc, ok := want[name]
		if !ok {
			continue
		}
		if !slices.Contains(c.MetaData.Encoding, enc) {
			t.Errorf("column %s: encodings %v, want %v among them", name, c.MetaData.Encoding, enc)
		}
		delete(want, name)
	}
	if len(want) > 0 {
		t.Errorf("columns not found: %v", want)
	}
}
