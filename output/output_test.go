package output

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/google/go-cmp/cmp"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
)

var update = flag.Bool("update", false, "rewrite golden files")

// allTypes is a schema with one column of every Kusto type.
var allTypes = kusto.Schema{
	{Name: "b", Type: kusto.Bool},
	{Name: "i", Type: kusto.Int},
	{Name: "l", Type: kusto.Long},
	{Name: "r", Type: kusto.Real},
	{Name: "d", Type: kusto.Decimal},
	{Name: "s", Type: kusto.String},
	{Name: "dt", Type: kusto.DateTime},
	{Name: "ts", Type: kusto.TimeSpan},
	{Name: "g", Type: kusto.Guid},
	{Name: "dyn", Type: kusto.Dynamic},
}

// row is one test row; nil means null.
type row struct {
	b   *bool
	i   *int32
	l   *int64
	r   *float64
	d   *string // decimal text
	s   *string
	dt  *int64
	ts  *int64
	g   *string
	dyn *string
}

func ptr[T any](v T) *T { return &v }

var testRows = []row{
	{ptr(true), ptr(int32(42)), ptr(int64(9223372036854775807)), ptr(0.25), ptr("12.5"), ptr("plain"),
		ptr(time.Date(2020, 9, 2, 10, 0, 0, 0, time.UTC).UnixNano()), ptr(int64(26*time.Hour + 3*time.Minute + 4*time.Second)),
		ptr("123e27de-1e4e-49d9-b579-fe0b331d3642"), ptr(`{"a": [1, 2], "b": "x y"}`)},
	{ptr(false), ptr(int32(-7)), ptr(int64(-1)), ptr(math.NaN()), ptr("-0.000000000000000001"), ptr("comma, \"quote\"\nnewline"),
		ptr(time.Date(2024, 2, 29, 23, 59, 59, 123456700, time.UTC).UnixNano()), ptr(-int64(1500 * time.Millisecond)),
		ptr(""), ptr(`"text"`)},
	{nil, nil, nil, ptr(math.Inf(1)), nil, nil, nil, nil, nil, nil},
	{ptr(true), ptr(int32(0)), ptr(int64(0)), ptr(math.Inf(-1)), ptr("0"), ptr(" lead\ttab ünï ✓"),
		ptr(int64(0)), ptr(int64(0)), nil, ptr(`[]`)},
	{ptr(false), ptr(int32(1)), ptr(int64(1)), ptr(1e21), ptr("1"), ptr(strings.Repeat("long-", 20)),
		ptr(int64(-100)), ptr(int64(100)), nil, ptr(`not json`)},
}

// buildBatch builds a record of allTypes; with dict, the string column is
// dictionary-encoded.
func buildBatch(t testing.TB, rows []row, dict bool) arrow.RecordBatch {
	t.Helper()
	mem := memory.DefaultAllocator
	schema := karrow.Schema(allTypes)
	bb := array.NewRecordBuilder(mem, schema)
	defer bb.Release()
	for _, r := range rows {
		appendOpt(bb.Field(0).(*array.BooleanBuilder), r.b)
		appendOpt(bb.Field(1).(*array.Int32Builder), r.i)
		appendOpt(bb.Field(2).(*array.Int64Builder), r.l)
		appendOpt(bb.Field(3).(*array.Float64Builder), r.r)
		db := bb.Field(4).(*array.Decimal128Builder)
		if r.d == nil {
			db.AppendNull()
		} else {
			n, err := decimal128.FromString(*r.d, 38, 18)
			if err != nil {
				t.Fatal(err)
			}
			db.Append(n)
		}
		appendOpt(bb.Field(5).(*array.StringBuilder), r.s)
		tb := bb.Field(6).(*array.TimestampBuilder)
		if r.dt == nil {
			tb.AppendNull()
		} else {
			tb.Append(arrow.Timestamp(*r.dt))
		}
		ub := bb.Field(7).(*array.DurationBuilder)
		if r.ts == nil {
			ub.AppendNull()
		} else {
			ub.Append(arrow.Duration(*r.ts))
		}
		appendOpt(bb.Field(8).(*array.StringBuilder), r.g)
		appendOpt(bb.Field(9).(*array.StringBuilder), r.dyn)
	}
	rec := bb.NewRecordBatch()
	if !dict {
		return rec
	}
	defer rec.Release()
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	db := array.NewDictionaryBuilder(mem, dt).(*array.BinaryDictionaryBuilder)
	defer db.Release()
	for _, r := range rows {
		if r.s == nil {
			db.AppendNull()
		} else if err := db.AppendString(*r.s); err != nil {
			t.Fatal(err)
		}
	}
	dcol := db.NewArray()
	defer dcol.Release()
	cols := make([]arrow.Array, rec.NumCols())
	fields := schema.Fields()
	for i := range cols {
		cols[i] = rec.Column(i)
	}
	cols[5] = dcol
	fields[5].Type = dt
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, rec.NumRows())
}

type optBuilder[T any] interface {
	Append(T)
	AppendNull()
}

func appendOpt[T any](b optBuilder[T], v *T) {
	if v == nil {
		b.AppendNull()
	} else {
		b.Append(*v)
	}
}

// render writes the test rows in format f: the first three rows in a plain
// batch, the rest in a dictionary-encoded one.
func render(t *testing.T, f Format, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, f, allTypes, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []struct {
		rows []row
		dict bool
	}{{testRows[:3], false}, {testRows[3:], true}} {
		rec := buildBatch(t, part.rows, part.dict)
		if err := w.WriteBatch(rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := w.Rows(); got != int64(len(testRows)) {
		t.Errorf("Rows() = %d, want %d", got, len(testRows))
	}
	return buf.Bytes()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		file   string
		format Format
		opts   Options
	}{
		{"all.csv", CSV, Options{}},
		{"all.json", JSON, Options{}},
		{"all.ndjson", NDJSON, Options{}},
		{"all.table", Table, Options{MaxWidth: 20}},
		{"all_wide_types.table", Table, Options{Wide: true, Types: true}},
		{"all_capped.table", Table, Options{MaxRows: 2, MaxWidth: 12}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			golden(t, tc.file, render(t, tc.format, tc.opts))
		})
	}
}

func TestJSONValid(t *testing.T) {
	out := render(t, JSON, Options{})
	var v struct {
		Columns []struct{ Name, Type string }
		Rows    [][]any
	}
	if err := jsonUnmarshal(out, &v); err != nil {
		t.Fatalf("json output does not parse: %v\n%s", err, out)
	}
	if len(v.Rows) != len(testRows) || len(v.Columns) != len(allTypes) {
		t.Fatalf("got %d rows %d columns", len(v.Rows), len(v.Columns))
	}
	for _, line := range bytes.Split(bytes.TrimSpace(render(t, NDJSON, Options{})), []byte("\n")) {
		var m map[string]any
		if err := jsonUnmarshal(line, &m); err != nil {
			t.Fatalf("ndjson line %s: %v", line, err)
		}
		if len(m) != len(allTypes) {
			t.Errorf("ndjson line has %d keys", len(m))
		}
	}
}

func TestEmptyResult(t *testing.T) {
	for _, f := range []Format{CSV, JSON, NDJSON, Table} {
		var buf bytes.Buffer
		w, err := NewWriter(&buf, f, kusto.Schema{{Name: "x", Type: kusto.Long}}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		want := map[Format]string{
			CSV:    "x\n",
			JSON:   `{"columns":[{"name":"x","type":"long"}],"rows":[]}` + "\n",
			NDJSON: "",
			Table:  "x\n-\n0 rows\n",
		}[f]
		if got := buf.String(); got != want {
			t.Errorf("%s: got %q, want %q", f, got, want)
		}
	}
}

// TestBinaryRoundTrip writes Parquet and Arrow IPC and reads them back: the
// schema keeps the Kusto types, dictionaries are decoded, values survive.
func TestBinaryRoundTrip(t *testing.T) {
	wantCSV := render(t, CSV, Options{})
	for _, f := range []Format{Parquet, Arrow} {
		t.Run(string(f), func(t *testing.T) {
			data := render(t, f, Options{})
			var recs []arrow.RecordBatch
			var schema *arrow.Schema
			switch f {
			case Arrow:
				r, err := ipc.NewReader(bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				defer r.Release()
				schema = r.Schema()
				for r.Next() {
					rec := r.RecordBatch()
					rec.Retain()
					recs = append(recs, rec)
				}
				if r.Err() != nil {
					t.Fatal(r.Err())
				}
			case Parquet:
				pf, err := file.NewParquetReader(bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1024}, memory.DefaultAllocator)
				if err != nil {
					t.Fatal(err)
				}
				rr, err := fr.GetRecordReader(context.Background(), nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				defer rr.Release()
				schema = rr.Schema()
				for rr.Next() {
					rec := rr.RecordBatch()
					rec.Retain()
					recs = append(recs, rec)
				}
			}
			if got := karrow.KustoSchema(schema); !cmp.Equal(got, allTypes) {
				t.Errorf("schema read back = %v, want %v", got, allTypes)
			}
			var buf bytes.Buffer
			w, _ := NewWriter(&buf, CSV, allTypes, Options{})
			for _, rec := range recs {
				if err := w.WriteBatch(rec); err != nil {
					t.Fatal(err)
				}
				rec.Release()
			}
			w.Close()
			if diff := cmp.Diff(string(wantCSV), buf.String()); diff != "" {
				t.Errorf("values read back differ (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats {
		got, err := ParseFormat(strings.ToUpper(string(f)))
		if err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %v, %v", f, got, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil || !strings.Contains(err.Error(), "csv") {
		t.Errorf("ParseFormat(xml) error = %v, want one listing the formats", err)
	}
}

func TestWriteReader(t *testing.T) {
	rec := buildBatch(t, testRows, false)
	defer rec.Release()
	rdr, err := array.NewRecordReader(rec.Schema(), []arrow.RecordBatch{rec, rec})
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Release()
	var buf bytes.Buffer
	n, err := Write(context.Background(), &buf, CSV, nil, rdr, Options{})
	if err != nil || n != int64(2*len(testRows)) {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if lines := strings.Count(buf.String(), "\n"); lines != 1+2*len(testRows)+2 { // one string holds a newline
		t.Errorf("got %d lines:\n%s", lines, buf.String())
	}
}

func TestAppendJSONString(t *testing.T) {
	tests := map[string]string{
		"":            `""`,
		"a\"b\\c":     `"a\"b\\c"`,
		"\x00\x1f\t":  `"\u0000\u001f\t"`,
		"ü✓":          `"ü✓"`,
		"bad\xffutf8": `"bad\ufffdutf8"`,
		"line\u2028x": `"line\u2028x"`,
		"<tag>&amp;":  `"<tag>&amp;"`,
	}
	for in, want := range tests {
		if got := string(AppendJSONString(nil, in)); got != want {
			t.Errorf("AppendJSONString(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestFormatElapsed(t *testing.T) {
	tests := map[time.Duration]string{
		850 * time.Microsecond:   "850µs",
		12345 * time.Microsecond: "12.3ms",
		1523 * time.Millisecond:  "1.52s",
		123 * time.Second:        "2m3s",
	}
	for d, want := range tests {
		if got := FormatElapsed(d); got != want {
			t.Errorf("FormatElapsed(%v) = %q, want %q", d, got, want)
		}
	}
}

func BenchmarkCSV(b *testing.B) {
	rows := make([]row, 0, 1000)
	for len(rows) < cap(rows) {
		rows = append(rows, testRows...)
	}
	rec := buildBatch(b, rows[:1000], true)
	defer rec.Release()
	w, _ := NewWriter(discard{}, CSV, allTypes, Options{})
	b.ReportAllocs()
	for b.Loop() {
		if err := w.WriteBatch(rec); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
