package storage

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"

	"github.com/prowl-hunt/prowl/kusto"
)

func TestSchemaUnion(t *testing.T) {
	cat, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s1 := kusto.Schema{{Name: "Timestamp", Type: kusto.DateTime}, {Name: "A", Type: kusto.String}, {Name: "B", Type: kusto.Long}}
	s2 := kusto.Schema{{Name: "Timestamp", Type: kusto.DateTime}, {Name: "B", Type: kusto.Long}, {Name: "C", Type: kusto.Real}, {Name: "G", Type: kusto.Guid}}
	r1 := buildRows(t, s1, 3, func(i int) []any { return []any{day0.Add(time.Duration(i) * time.Minute), "a" + itoa(i), int64(i)} })
	r2 := buildRows(t, s2, 2, func(i int) []any {
		return []any{day0.Add(time.Duration(10+i) * time.Minute), int64(10 + i), 0.5, "6f9619ff-8b86-d011-b42d-00cf4fc964ff"}
	})
	writeTable(t, cat, "Custom", WriterOptions{}, r1)
	writeTable(t, cat, "Custom", WriterOptions{}, r2)
	schema, _ := cat.Table("Custom")
	want := kusto.Schema{{Name: "Timestamp", Type: kusto.DateTime}, {Name: "A", Type: kusto.String}, {Name: "B", Type: kusto.Long},
		{Name: "C", Type: kusto.Real}, {Name: "G", Type: kusto.Guid}}
	if diff := cmp.Diff(want, schema); diff != "" {
		t.Fatalf("schema (-want +got):\n%s", diff)
	}
	got, _ := collect(t, cat, ScanSpec{Table: "Custom", Columns: []string{"B", "A", "C", "G"}})
	wantRows := [][]any{
		{int64(0), "a0", nil, ""}, {int64(1), "a1", nil, ""}, {int64(2), "a2", nil, ""},
		{int64(10), "", 0.5, "6f9619ff-8b86-d011-b42d-00cf4fc964ff"}, {int64(11), "", 0.5, "6f9619ff-8b86-d011-b42d-00cf4fc964ff"},
	}
	if diff := cmp.Diff(wantRows, got); diff != "" {
		t.Fatalf("rows (-want +got):\n%s", diff)
	}
	if _, err := cat.Scan(t.Context(), ScanSpec{Table: "Custom", Columns: []string{"Nope"}}); err == nil {
		t.Error("scan of an unknown column succeeded")
	}
	if _, err := cat.Scan(t.Context(), ScanSpec{Table: "Nope"}); err == nil {
		t.Error("scan of an unknown table succeeded")
	}
	names := cat.TableNames()
	if !contains(names, "Custom") || !contains(names, "DeviceInfo") {
		t.Errorf("TableNames = %v", names)
	}
	// Built-in tables with no data scan as empty.
	rows, st := collect(t, cat, ScanSpec{Table: "DeviceInfo"})
	if len(rows) != 0 || st.PartitionsTotal != 0 {
		t.Errorf("empty built-in: %v %+v", rows, st)
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// Writers accept dictionary-encoded strings, int32 for long columns, and
// timestamps in any unit; the day folder follows the UTC day.
func TestWriterInputForms(t *testing.T) {
	cat, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	mem := memory.DefaultAllocator
	db := array.NewDictionaryBuilder(mem, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int16, ValueType: arrow.BinaryTypes.String}).(*array.BinaryDictionaryBuilder)
	for _, s := range []string{"x", "y", "x"} {
		db.AppendString(s)
	}
	db.AppendNull()
	dict := db.NewArray()
	ib := array.NewInt32Builder(mem)
	ib.AppendValues([]int32{1, 2, 3, 4}, nil)
	ints := ib.NewArray()
	tb := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Millisecond})
	for _, d := range []time.Duration{0, time.Hour, 25 * time.Hour, 49 * time.Hour} {
		tb.Append(arrow.Timestamp(day0.Add(d).UnixMilli()))
	}
	ts := tb.NewArray()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "Timestamp", Type: ts.DataType(), Nullable: true},
		{Name: "DeviceName", Type: dict.DataType(), Nullable: true},
		{Name: "ReportId", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	}, nil)
	rec := array.NewRecordBatch(schema, []arrow.Array{ts, dict, ints}, 4)
	info := writeTable(t, cat, "DeviceEvents", WriterOptions{Codec: Snappy}, rec)
	if len(info.Files) != 3 {
		t.Errorf("files %v", info.Files)
	}
	got, _ := collect(t, cat, ScanSpec{Table: "DeviceEvents", Columns: []string{"Timestamp", "DeviceName", "ReportId", "RemoteUrl"}})
	want := [][]any{
		{day0.UnixNano(), "x", int64(1), ""},
		{day0.Add(time.Hour).UnixNano(), "y", int64(2), ""},
		{day0.Add(25 * time.Hour).UnixNano(), "x", int64(3), ""},
		{day0.Add(49 * time.Hour).UnixNano(), "", int64(4), ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("rows (-want +got):\n%s", diff)
	}
	// Wrong types are refused with the column named.
	bad := buildRows(t, kusto.Schema{{Name: "Timestamp", Type: kusto.DateTime}, {Name: "ReportId", Type: kusto.String}}, 1,
		func(int) []any { return []any{day0, "x"} })
	w, _ := cat.NewWriter("DeviceEvents", WriterOptions{})
	if err := w.Write(bad); err == nil {
		t.Error("string written into a long column")
	}
	w.Abort()
}

func TestDataTablesAndCompactInfo(t *testing.T) {
	cat, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if got := cat.DataTables(); len(got) != 0 {
		t.Errorf("DataTables of an empty directory = %v", got)
	}
	s := kusto.Schema{{Name: "Timestamp", Type: kusto.DateTime}, {Name: "X", Type: kusto.Long}}
	writeTable(t, cat, "Zed", WriterOptions{}, buildRows(t, s, 1, func(int) []any { return []any{day0, int64(1)} }))
	writeTable(t, cat, "Alpha", WriterOptions{}, buildRows(t, s, 1, func(int) []any { return []any{day0, int64(1)} }))
	if diff := cmp.Diff([]string{"Alpha", "Zed"}, cat.DataTables()); diff != "" {
		t.Error(diff)
	}
	for _, tc := range []struct {
		ci   CompactInfo
		want string
	}{
		{CompactInfo{}, "nothing to compact"},
		{CompactInfo{Partitions: 1, FilesBefore: 4, FilesAfter: 1, Rows: 10}, "1 partition: 4 files → 1 files, 10 rows"},
		{CompactInfo{Partitions: 3, FilesBefore: 12, FilesAfter: 3, Rows: 1234}, "3 partitions: 12 files → 3 files, 1234 rows"},
	} {
		if got := tc.ci.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}

// Tables without a Timestamp column keep their files in the table folder.
func TestTableWithoutTimestamp(t *testing.T) {
	cat, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := kusto.Schema{{Name: "Domain", Type: kusto.String}, {Name: "Risk", Type: kusto.Int}}
	rec := buildRows(t, s, 3, func(i int) []any { return []any{"d" + itoa(i), int32(i)} })
	info := writeTable(t, cat, "Apps", WriterOptions{}, rec)
	if len(info.Files) != 1 || filepath.Dir(info.Files[0]) != filepath.Join(cat.Dir(), "Apps") {
		t.Fatalf("files %v", info.Files)
	}
	got, st := collect(t, cat, ScanSpec{Table: "Apps"})
	want := [][]any{{"d0", int64(0)}, {"d1", int64(1)}, {"d2", int64(2)}}
	if diff := cmp.Diff(want, got); diff != "" || st.PartitionsTotal != 1 {
		t.Fatalf("rows (-want +got):\n%s\nstats %+v", diff, st)
	}
	n, err := cat.CountRows(t.Context(), "Apps", time.Time{}, time.Time{})
	if err != nil || n != 3 {
		t.Errorf("count = %d, %v", n, err)
	}
	if _, err := cat.CountRows(t.Context(), "Apps", day0, time.Time{}); err == nil {
		t.Error("a time-bounded count of a table without Timestamp succeeded")
	}
}

// A dictionary column whose dictionary outgrows DictionaryMaxBytes falls back
// to plain pages within the same chunk; batches spanning both read correctly.
func TestDictionaryFallbackMidChunk(t *testing.T) {
	cat, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := kusto.Schema{{Name: "Timestamp", Type: kusto.DateTime}, {Name: "U", Type: kusto.String}}
	low := buildRows(t, s, 3000, func(i int) []any { return []any{day0.Add(time.Duration(i) * time.Millisecond), "v" + itoa(i%3)} })
	high := buildRows(t, s, 3000, func(i int) []any {
		return []any{day0.Add(time.Duration(3000+i) * time.Millisecond), "unique-value-with-some-length-" + itoa(i)}
	})
	writeTable(t, cat, "Mixed", WriterOptions{DictionaryMaxBytes: 2048, PageBytes: 4096}, low, high, low)
	got, _ := collect(t, cat, ScanSpec{Table: "Mixed", BatchSize: 1700})
	want := rowsOf(low, high, low)
	if len(got) != 9000 {
		t.Fatalf("%d rows", len(got))
	}
	// compare as multisets of strings per timestamp
	count := map[[2]any]int{}
	for _, r := range want {
		count[[2]any{r[0], r[1]}]++
	}
	for _, r := range got {
		count[[2]any{r[0], r[1]}]--
	}
	for k, v := range count {
		if v != 0 {
			t.Fatalf("row %v off by %d", k, v)
		}
	}
	// both page kinds really occur
	sc, err := cat.Scan(t.Context(), ScanSpec{Table: "Mixed", Columns: []string{"U"}, BatchSize: 1700})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	kinds := map[arrow.Type]int{}
	sc.Run(t.Context(), 1, func(_ int, b arrow.RecordBatch) error {
		kinds[b.Column(0).DataType().ID()]++
		return nil
	})
	if kinds[arrow.DICTIONARY] == 0 || kinds[arrow.STRING] == 0 {
		t.Errorf("batch kinds %v: want both dictionary and plain", kinds)
	}
}
