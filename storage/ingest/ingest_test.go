package ingest

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/google/go-cmp/cmp"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
)

var update = flag.Bool("update", false, "rewrite golden files")

// cellText renders one value for golden files.
func cellText(col arrow.Array, t kusto.Type, i int) (string, bool) {
	if col.IsNull(i) {
		return "", false
	}
	switch a := col.(type) {
	case *array.String:
		return a.Value(i), a.Value(i) != ""
	case *array.Int64:
		return fmt.Sprint(a.Value(i)), true
	case *array.Int32:
		return fmt.Sprint(a.Value(i)), true
	case *array.Float64:
		return fmt.Sprint(a.Value(i)), true
	case *array.Boolean:
		return fmt.Sprint(a.Value(i)), true
	case *array.Timestamp:
		return kusto.FormatDateTimeISO(int64(a.Value(i))), true
	case *array.Duration:
		return kusto.FormatTimeSpan(int64(a.Value(i))), true
	}
	return fmt.Sprintf("?%T", col), true
}

// render prints every row as "Table: Col=value; ..." (non-empty cells only).
func render(table string, rec arrow.RecordBatch) []string {
	var out []string
	for i := 0; i < int(rec.NumRows()); i++ {
		var parts []string
		for j, f := range rec.Schema().Fields() {
			c := karrow.Column(f)
			if s, ok := cellText(rec.Column(j), c.Type, i); ok {
				parts = append(parts, c.Name+"="+s)
			}
		}
		out = append(out, table+": "+strings.Join(parts, "; "))
	}
	return out
}

type result struct {
	rows    []string
	batches int
	rejects string
	sum     Summary
}

func run(t *testing.T, input []byte, name string, opts Options) (result, error) {
	t.Helper()
	var res result
	var rej bytes.Buffer
	opts.Rejects = &rej
	sum, err := Import(context.Background(), bytes.NewReader(input), name, func(table string, rec arrow.RecordBatch) error {
		res.batches++
		res.rows = append(res.rows, render(table, rec)...)
		return nil
	}, opts)
	res.rejects, res.sum = rej.String(), sum
	return res, err
}

func TestGolden(t *testing.T) {
	cases := []struct {
		file   string
		format Format
		table  string
	}{
		{"defender.json", FormatDefender, ""},
		{"rows.ndjson", FormatNDJSON, "DeviceNetworkEvents"},
		{"rows.csv", FormatCSV, "DeviceNetworkEvents"},
		{"access.log", FormatSquid, ""},
		{"bluecoat.w3c", FormatW3C, ""},
		{"tmg.w3c", FormatW3C, ""},
		{"fw.cef", FormatCEF, ""},
		{"zscaler.leef", FormatLEEF, ""},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", c.file))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []Format{c.format, FormatAuto} {
				res, err := run(t, in, c.file, Options{Table: c.table, Format: f})
				if err != nil {
					t.Fatal(err)
				}
				if got := res.sum.Formats[0]; got != c.format {
					t.Errorf("format %s: detected/used %s, want %s", f, got, c.format)
				}
				if res.sum.Read != res.sum.Accepted+res.sum.Rejected {
					t.Errorf("read %d != accepted %d + rejected %d", res.sum.Read, res.sum.Accepted, res.sum.Rejected)
				}
				if n := int64(strings.Count(res.rejects, "\n")); n != res.sum.Rejected {
					t.Errorf("%d reject records, summary says %d", n, res.sum.Rejected)
				}
				var unknown []string
				for k, v := range res.sum.Unknown {
					unknown = append(unknown, fmt.Sprintf("%s=%d", k, v))
				}
				sort.Strings(unknown)
				got := fmt.Sprintf("read=%d accepted=%d rejected=%d unknown=%v\n%s\n--- rejects\n%s",
					res.sum.Read, res.sum.Accepted, res.sum.Rejected, unknown, strings.Join(res.rows, "\n"), res.rejects)
				golden := filepath.Join("testdata", c.file+".golden")
				if *update && f == c.format {
					if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(string(want), got); diff != "" {
					t.Errorf("format %s (-want +got):\n%s", f, diff)
				}
			}
		})
	}
}

func TestConvertText(t *testing.T) {
	cases := []struct {
		typ  kusto.Type
		in   string
		want value
		err  bool
	}{
		{kusto.Long, "42", value{i: 42}, false},
		{kusto.Long, "42.0", value{i: 42}, false},
		{kusto.Long, "4.5", value{}, true},
		{kusto.Long, "", value{null: true}, false},
		{kusto.Int, "3000000000", value{}, true},
		{kusto.Int, "-7", value{i: -7}, false},
		{kusto.Real, "1.5", value{f: 1.5}, false},
		{kusto.Real, "x", value{}, true},
		{kusto.Bool, "True", value{b: true}, false},
		{kusto.Bool, "0", value{b: false}, false},
		{kusto.Bool, "maybe", value{}, true},
		{kusto.DateTime, "2020-09-02T10:00:00Z", value{i: 1599040800e9}, false},
		{kusto.DateTime, "2020-09-02T10:00:00.1234567Z", value{i: 1599040800e9 + 123456700}, false},
		{kusto.DateTime, "2020-09-02 10:00:00", value{i: 1599040800e9}, false},
		{kusto.DateTime, "2020-09-02T12:00:00+02:00", value{i: 1599040800e9}, false},
		{kusto.DateTime, "1599040800", value{i: 1599040800e9}, false},
		{kusto.DateTime, "1599040800.5", value{i: 1599040800e9 + 5e8}, false},
		{kusto.DateTime, "1599040800000", value{i: 1599040800e9}, false},
		{kusto.DateTime, "1599040800000000", value{i: 1599040800e9}, false},
		{kusto.DateTime, "1599040800000000001", value{i: 1599040800e9 + 1}, false},
		{kusto.DateTime, "datetime(2020-09-02)", value{i: 1599004800e9}, false},
		{kusto.DateTime, "9999-01-01", value{}, true},
		{kusto.DateTime, "soon", value{}, true},
		{kusto.TimeSpan, "1.02:03:04", value{i: (86400 + 2*3600 + 3*60 + 4) * 1e9}, false},
		{kusto.TimeSpan, "90", value{i: 90e9}, false},
		{kusto.TimeSpan, "2h", value{i: 2 * 3600e9}, false},
		{kusto.TimeSpan, "1.5days", value{i: 36 * 3600e9}, false},
		{kusto.TimeSpan, "1w", value{}, true},
		{kusto.Guid, "{0B9F9C8E-1D2A-4C3B-9E8F-7A6B5C4D3E2F}", value{s: "0b9f9c8e-1d2a-4c3b-9e8f-7a6b5c4d3e2f"}, false},
		{kusto.Guid, "0b9f9c8e", value{}, true},
		{kusto.String, "  keep spaces ", value{s: "  keep spaces "}, false},
		{kusto.Dynamic, `{"a": 1}`, value{s: `{"a":1}`}, false},
		{kusto.Dynamic, `hello`, value{s: `"hello"`}, false},
		{kusto.Dynamic, ``, value{}, false},
	}
	for _, c := range cases {
		got, err := fromText(c.typ, c.in)
		if (err != nil) != c.err {
			t.Errorf("fromText(%s, %q) error = %v, want error %v", c.typ, c.in, err, c.err)
			continue
		}
		if err == nil && got != c.want {
			t.Errorf("fromText(%s, %q) = %+v, want %+v", c.typ, c.in, got, c.want)
		}
	}
	if v, _ := fromText(kusto.Real, "NaN"); !math.IsNaN(v.f) {
		t.Error("NaN did not parse")
	}
}

func TestConvertJSON(t *testing.T) {
	cases := []struct {
		typ  kusto.Type
		in   string
		want value
		err  bool
	}{
		{kusto.Long, `42`, value{i: 42}, false},
		{kusto.Long, `"42"`, value{i: 42}, false},
		{kusto.Long, `null`, value{null: true}, false},
		{kusto.Long, `true`, value{}, true},
		{kusto.Long, `{}`, value{}, true},
		{kusto.String, `null`, value{}, false},
		{kusto.String, `7`, value{s: "7"}, false},
		{kusto.String, `"a\"b"`, value{s: `a"b`}, false},
		{kusto.Bool, `true`, value{b: true}, false},
		{kusto.Bool, `"false"`, value{b: false}, false},
		{kusto.Dynamic, `{"a": [1, 2]}`, value{s: `{"a":[1,2]}`}, false},
		{kusto.Dynamic, `"{\"a\": 1}"`, value{s: `{"a":1}`}, false},
		{kusto.Dynamic, `"plain"`, value{s: `"plain"`}, false},
		{kusto.Dynamic, `12`, value{s: `12`}, false},
		{kusto.DateTime, `"2020-09-02T10:00:00Z"`, value{i: 1599040800e9}, false},
		{kusto.DateTime, `1599040800`, value{i: 1599040800e9}, false},
		{kusto.DateTime, `[1]`, value{}, true},
		{kusto.Guid, `5`, value{}, true},
	}
	for _, c := range cases {
		got, err := fromJSON(c.typ, []byte(c.in))
		if (err != nil) != c.err {
			t.Errorf("fromJSON(%s, %s) error = %v, want error %v", c.typ, c.in, err, c.err)
			continue
		}
		if err == nil && got != c.want {
			t.Errorf("fromJSON(%s, %s) = %+v, want %+v", c.typ, c.in, got, c.want)
		}
	}
}

func TestSniff(t *testing.T) {
	cases := map[string]Format{
		`{"records":[]}`:                           FormatDefender,
		"\n  {\n \"records\": [":                   FormatDefender,
		`[{"a":1}]`:                                FormatDefender,
		`{"Timestamp":"x"}` + "\n":                 FormatNDJSON,
		"Timestamp,DeviceName\n1,2\n":              FormatCSV,
		"#Software: SGOS\n#Fields: date time\n":    FormatW3C,
		"#Fields: date time\n":                     FormatW3C,
		"<13>Nov 2 fw CEF:0|a|b|c|d|e|f|g\n":       FormatCEF,
		"1286536309.450 2 1.2.3.4 A/200 1 GET u\n": FormatSquid,
		"1286536309 2 1.2.3.4 A/200 1 GET u\n":     FormatCSV,
		"":                                         FormatNDJSON,
	}
	for in, want := range cases {
		im := NewImporter(func(string, arrow.RecordBatch) error { return nil }, Options{})
		_ = im
		got, err := sniff(bufioReader(in))
		if err != nil || got != want {
			t.Errorf("sniff(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
}

func TestNoTable(t *testing.T) {
	res, err := run(t, []byte(`{"Timestamp":"2020-01-01T00:00:00Z"}`+"\n"), "x", Options{Format: FormatNDJSON})
	if err != nil {
		t.Fatal(err)
	}
	if res.sum.Rejected != 1 || !strings.Contains(res.rejects, "no table") {
		t.Errorf("rejects = %s", res.rejects)
	}
	res, err = run(t, []byte(`{"Timestamp":"2020-01-01T00:00:00Z"}`+"\n"), "x", Options{Format: FormatNDJSON, Table: "Nope"})
	if err != nil {
		t.Fatal(err)
	}
	if res.sum.Rejected != 1 || !strings.Contains(res.rejects, `unknown table \"Nope\"`) {
		t.Errorf("rejects = %s", res.rejects)
	}
}

func TestEnvelopeTableMismatch(t *testing.T) {
	in := `{"records":[{"category":"AdvancedHunting-DeviceInfo","properties":{"Timestamp":"2020-01-01T00:00:00Z"}}]}`
	res, err := run(t, []byte(in), "x", Options{Table: "DeviceNetworkEvents"})
	if err != nil {
		t.Fatal(err)
	}
	if res.sum.Accepted != 0 || res.sum.Rejected != 1 || !strings.Contains(res.rejects, "importing into DeviceNetworkEvents") {
		t.Errorf("sum %+v rejects %s", res.sum, res.rejects)
	}
}

func TestMalformedDefenderKeepsGoodRows(t *testing.T) {
	in := "{\"records\":[\n{\"category\":\"AdvancedHunting-DeviceInfo\",\"properties\":{\"Timestamp\":\"2020-01-01T00:00:00Z\",\"DeviceName\":\"a\"}},\n{\"category\": oops}\n]}"
	res, err := run(t, []byte(in), "broken.json", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.sum.Accepted != 1 || res.sum.Rejected != 1 {
		t.Fatalf("sum %+v", res.sum)
	}
	if !strings.Contains(res.rejects, `"line":3`) || !strings.Contains(res.rejects, "malformed JSON") {
		t.Errorf("rejects = %s", res.rejects)
	}
}

func TestLongLine(t *testing.T) {
	in := `{"Timestamp":"2020-01-01T00:00:00Z","DeviceName":"` + strings.Repeat("x", 300) + "\"}\n" +
		`{"Timestamp":"2020-01-01T00:00:00Z","DeviceName":"short"}` + "\n"
	res, err := run(t, []byte(in), "x", Options{Table: "DeviceInfo", Format: FormatNDJSON, MaxLineBytes: 100})
	if err != nil {
		t.Fatal(err)
	}
	if res.sum.Accepted != 1 || res.sum.Rejected != 1 || !strings.Contains(res.rejects, "longer than 100 bytes") {
		t.Errorf("sum %+v rejects %s", res.sum, res.rejects)
	}
}

func TestBulkBatches(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 2500; i++ {
		fmt.Fprintf(&b, "{\"Timestamp\":%d,\"DeviceName\":\"d%d\"}\n", 1600000000+i, i)
	}
	res, err := run(t, []byte(b.String()), "x", Options{Table: "DeviceInfo", Policy: Policy{MaxRows: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	if res.batches != 3 || len(res.rows) != 2500 || res.sum.Batches != 3 {
		t.Errorf("batches %d (summary %d), rows %d; want 3 batches of 2500 rows", res.batches, res.sum.Batches, len(res.rows))
	}
}

func TestCommitErrorStops(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&b, "{\"Timestamp\":%d}\n", 1600000000+i)
	}
	_, err := Import(context.Background(), strings.NewReader(b.String()), "x", func(string, arrow.RecordBatch) error {
		return fmt.Errorf("disk full")
	}, Options{Table: "DeviceInfo", Policy: Policy{MaxRows: 2}})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v", err)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var b strings.Builder
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&b, "{\"Timestamp\":%d}\n", 1600000000+i)
	}
	im := NewImporter(func(string, arrow.RecordBatch) error { return nil }, Options{Table: "DeviceInfo"})
	if err := im.Import(ctx, strings.NewReader(b.String()), "x"); err == nil {
		t.Error("cancelled import did not stop")
	}
	im.Close()
}

func TestZscalerMixed(t *testing.T) {
	cef, _ := os.ReadFile("testdata/fw.cef")
	leef, _ := os.ReadFile("testdata/zscaler.leef")
	res, err := run(t, append(cef, leef...), "mixed", Options{Format: FormatZscaler})
	if err != nil {
		t.Fatal(err)
	}
	if res.sum.Accepted != 4 || res.sum.Rejected != 3 {
		t.Errorf("accepted %d rejected %d, want 4 and 3", res.sum.Accepted, res.sum.Rejected)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"": FormatAuto, "JSON": FormatNDJSON, "bluecoat": FormatW3C, "zscaler": FormatZscaler, "cef": FormatCEF} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	if _, err := ParseFormat("xml"); err == nil || !strings.Contains(err.Error(), "want one of") {
		t.Errorf("ParseFormat(xml) error = %v", err)
	}
}

func BenchmarkNDJSON(b *testing.B) {
	var buf bytes.Buffer
	const rows = 20000
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&buf, `{"Timestamp":"2026-11-02T08:%02d:%02dZ","DeviceId":"5c1f0a7e2d9b4c3a8f6e1d0c9b8a7f6e5d4c3b2a","DeviceName":"wks-%04d.corp.contoso.com","ActionType":"ConnectionSuccess","RemoteIP":"162.125.6.18","RemotePort":443,"RemoteUrl":"www.dropbox.com","LocalIP":"10.12.0.42","LocalPort":51234,"Protocol":"Tcp","InitiatingProcessFileName":"chrome.exe","InitiatingProcessAccountName":"alice","BytesSent":1048576,"BytesReceived":2048}`+"\n", i/60%60, i%60, i%2000)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		sum, err := Import(context.Background(), bytes.NewReader(data), "bench", func(string, arrow.RecordBatch) error { return nil },
			Options{Table: "DeviceNetworkEvents", Format: FormatNDJSON})
		if err != nil || sum.Accepted != rows {
			b.Fatal(err, sum.Accepted)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkCSV(b *testing.B) {
	var buf bytes.Buffer
	const rows = 20000
	buf.WriteString("Timestamp,DeviceName,ActionType,RemoteIP,RemotePort,RemoteUrl,LocalIP,BytesSent,BytesReceived\n")
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&buf, "2026-11-02T08:%02d:%02dZ,wks-%04d.corp.contoso.com,ConnectionSuccess,162.125.6.18,443,www.dropbox.com,10.12.0.42,1048576,2048\n", i/60%60, i%60, i%2000)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		sum, err := Import(context.Background(), bytes.NewReader(data), "bench", func(string, arrow.RecordBatch) error { return nil },
			Options{Table: "DeviceNetworkEvents", Format: FormatCSV})
		if err != nil || sum.Accepted != rows {
			b.Fatal(err, sum.Accepted)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func TestConvertJSONOddStrings(t *testing.T) {
	for _, raw := range []string{`"`, `"\u00e9t\u00e9"`, `"tab\tx"`, `"été"`} {
		v, err := fromJSON(kusto.String, []byte(raw))
		t.Logf("%s -> %q %v", raw, v.s, err)
	}
	if v, err := fromJSON(kusto.String, []byte(`"\u00e9t\u00e9"`)); err != nil || v.s != "été" {
		t.Errorf("escaped string = %q, %v", v.s, err)
	}
	if _, err := fromJSON(kusto.String, []byte(`"`)); err == nil {
		t.Error("lone quote accepted")
	}
}

func TestCSVBadQuoteKeepsLaterRows(t *testing.T) {
	in := "Timestamp,DeviceName\n2026-11-02T08:00:00Z,a\n2026-11-02T08:00:01Z,b\"c\n2026-11-02T08:00:02Z,d\n"
	res, err := run(t, []byte(in), "q.csv", Options{Table: "DeviceInfo", Format: FormatCSV})
	if err != nil {
		t.Fatal(err)
	}
	if res.sum.Accepted != 2 || res.sum.Rejected != 1 || !strings.Contains(res.rejects, `"line":3`) {
		t.Errorf("sum %+v rejects %s", res.sum, res.rejects)
	}
}
