package output

import (
	"bytes"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
)

// Columns of files written by other tools arrive with Arrow types prowl does
// not produce itself; they still render, as their Kusto type says.
func TestForeignArrowTypes(t *testing.T) {
	mem := memory.DefaultAllocator
	build := func(dt arrow.DataType, add func(b array.Builder)) arrow.Array {
		b := array.NewBuilder(mem, dt)
		defer b.Release()
		add(b)
		b.AppendNull()
		return b.NewArray()
	}
	tests := []struct {
		name     string
		arr      arrow.Array
		json     string
		text     string
		nullJSON string
	}{
		{"int16", build(arrow.PrimitiveTypes.Int16, func(b array.Builder) { b.(*array.Int16Builder).Append(-5) }), "-5", "-5", "null"},
		{"float32", build(arrow.PrimitiveTypes.Float32, func(b array.Builder) { b.(*array.Float32Builder).Append(1.5) }), "1.5", "1.5", "null"},
		{"date32", build(arrow.FixedWidthTypes.Date32, func(b array.Builder) { b.(*array.Date32Builder).Append(19723) }),
			`"2024-01-01T00:00:00Z"`, "2024-01-01T00:00:00Z", "null"},
		{"timestamp ms", build(&arrow.TimestampType{Unit: arrow.Millisecond}, func(b array.Builder) {
			b.(*array.TimestampBuilder).Append(1704067200123)
		}), `"2024-01-01T00:00:00.123Z"`, "2024-01-01T00:00:00.123Z", "null"},
		{"large string", build(arrow.BinaryTypes.LargeString, func(b array.Builder) { b.(*array.LargeStringBuilder).Append("a\"b") }),
			`"a\"b"`, `a"b`, `""`},
		{"list", build(arrow.ListOf(arrow.BinaryTypes.String), func(b array.Builder) {
			lb := b.(*array.ListBuilder)
			lb.Append(true)
			lb.ValueBuilder().(*array.StringBuilder).Append("x")
		}), `["x"]`, `["x"]`, "null"},
	}
	for _, tc := range tests {
		defer tc.arr.Release()
		ty := karrow.TypeOf(tc.arr.DataType())
		if got := string(AppendJSONValue(nil, tc.arr, ty, 0)); got != tc.json {
			t.Errorf("%s: JSON %s, want %s", tc.name, got, tc.json)
		}
		if got := string(AppendTextValue(nil, tc.arr, ty, 0)); got != tc.text {
			t.Errorf("%s: text %s, want %s", tc.name, got, tc.text)
		}
		if got := string(AppendJSONValue(nil, tc.arr, ty, 1)); got != tc.nullJSON {
			t.Errorf("%s: null as JSON %s, want %s", tc.name, got, tc.nullJSON)
		}
		if got := string(AppendTextValue(nil, tc.arr, ty, 1)); got != "" {
			t.Errorf("%s: null as text %q, want empty", tc.name, got)
		}
	}
}

// TestParquetRowGroups: a long result is written as several row groups rather
// than held whole.
func TestParquetRowGroups(t *testing.T) {
	cols := kusto.Schema{{Name: "n", Type: kusto.Long}}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, Parquet, cols, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewInt64Builder(memory.DefaultAllocator)
	defer b.Release()
	const batch = 100_000
	for i := range batch {
		b.Append(int64(i))
	}
	arr := b.NewArray()
	defer arr.Release()
	rec := array.NewRecordBatch(karrow.Schema(cols), []arrow.Array{arr}, batch)
	defer rec.Release()
	for range 6 {
		if err := w.WriteBatch(rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	pf, err := file.NewParquetReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if pf.NumRows() != 6*batch || pf.NumRowGroups() < 2 {
		t.Errorf("%d rows in %d row groups, want %d in several", pf.NumRows(), pf.NumRowGroups(), 6*batch)
	}
}
