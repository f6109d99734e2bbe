package lang

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang/ast"
)

// literal parses `print x = <src>` and returns the literal.
func literal(t *testing.T, src string) *ast.Literal {
	t.Helper()
	s, err := Parse("print x = " + src)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	x := s.Stmts[0].(*ast.ExprStmt).X.(*ast.Print).Cols[0].X
	lit, ok := x.(*ast.Literal)
	if !ok {
		t.Fatalf("%s: got %T, want *ast.Literal", src, x)
	}
	return lit
}

func TestStringLiterals(t *testing.T) {
	tests := []struct{ src, want string }{
		{`"abc"`, "abc"},
		{`'abc'`, "abc"},
		{`"a\"b"`, `a"b`},
		{`'a\'b'`, `a'b`},
		{`"tab\there"`, "tab\there"},
		{`"line\nbreak"`, "line\nbreak"},
		{`"back\\slash"`, `back\slash`},
		{`"\u00e9"`, "é"},
		{`@"C:\Windows\System32"`, `C:\Windows\System32`},
		{`@'C:\x'`, `C:\x`},
		{`@"say ""hi"""`, `say "hi"`},
		{`h"secret"`, "secret"},
		{`h'secret'`, "secret"},
		{`H"secret"`, "secret"},
		{`h@"C:\obf"`, `C:\obf`},
		{"```multi\nline // not a comment\n```", "multi\nline // not a comment\n"},
		{`"a" "b" 'c'`, "abc"},
		{`"a" // comment` + "\n" + `"b"`, "ab"},
		{`"https://example.com/a//b"`, "https://example.com/a//b"},
		{`'// not a comment'`, "// not a comment"},
		{`"日本語"`, "日本語"},
	}
	for _, tt := range tests {
		lit := literal(t, tt.src)
		if lit.Type != kusto.String || lit.Value != tt.want {
			t.Errorf("%s: got %v %q, want string %q", tt.src, lit.Type, lit.Value, tt.want)
		}
	}
}

func TestTimespanLiterals(t *testing.T) {
	const (
		d  = int64(24 * time.Hour)
		h  = int64(time.Hour)
		m  = int64(time.Minute)
		s  = int64(time.Second)
		ms = int64(time.Millisecond)
	)
	tests := []struct {
		src  string
		want int64
	}{
		{"1d", d}, {"2days", 2 * d}, {"1day", d},
		{"1h", h}, {"1.5h", h + 30*m}, {"2hr", 2 * h}, {"2hrs", 2 * h}, {"3hours", 3 * h}, {"1hour", h},
		{"30m", 30 * m}, {"5min", 5 * m}, {"5minutes", 5 * m}, {"1minute", m},
		{"10s", 10 * s}, {"10sec", 10 * s}, {"1second", s}, {"30seconds", 30 * s},
		{"100ms", 100 * ms}, {"5milli", 5 * ms}, {"5millis", 5 * ms}, {"7millisecond", 7 * ms}, {"7milliseconds", 7 * ms},
		{"10microseconds", 10_000}, {"1microsecond", 1_000}, {"3micro", 3_000}, {"3micros", 3_000},
		{"5nanoseconds", 5}, {"5nanos", 5}, {"1nano", 1},
		{"1tick", 100}, {"3ticks", 300},
		{"0.5d", 12 * h}, {"0.001s", ms},
		{"-1d", -d},
		{"timespan(2)", 2 * d}, {"timespan(1.5h)", h + 30*m}, {"timespan(00:30:00)", 30 * m},
		{"timespan(1.02:03:04)", d + 2*h + 3*m + 4*s}, {"time(1d)", d},
	}
	for _, tt := range tests {
		lit := literal(t, tt.src)
		if lit.Type != kusto.TimeSpan || lit.Value != tt.want {
			t.Errorf("%s: got %v %v, want timespan %d", tt.src, lit.Type, lit.Value, tt.want)
		}
	}
}

func TestTypedLiterals(t *testing.T) {
	dt := func(s string) int64 {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v.UnixNano()
	}
	tests := []struct {
		src   string
		typ   kusto.Type
		value any
		null  bool
	}{
		{"datetime(2020-09-02)", kusto.DateTime, dt("2020-09-02T00:00:00Z"), false},
		{"datetime(2020-09-02T10:00:00Z)", kusto.DateTime, dt("2020-09-02T10:00:00Z"), false},
		{"datetime(2020-09-02 10:00)", kusto.DateTime, dt("2020-09-02T10:00:00Z"), false},
		{"datetime(2020-09-02T10:00:00.1234567Z)", kusto.DateTime, dt("2020-09-02T10:00:00.1234567Z"), false},
		{"datetime(2020-09-02T12:00:00+02:00)", kusto.DateTime, dt("2020-09-02T10:00:00Z"), false},
		{"date(2020-01-01)", kusto.DateTime, dt("2020-01-01T00:00:00Z"), false},
		{`datetime("2020-01-01")`, kusto.DateTime, dt("2020-01-01T00:00:00Z"), false},
		{"datetime(null)", kusto.DateTime, nil, true},
		{"int(null)", kusto.Int, nil, true},
		{"long(null)", kusto.Long, nil, true},
		{"real(null)", kusto.Real, nil, true},
		{"bool(null)", kusto.Bool, nil, true},
		{"timespan(null)", kusto.TimeSpan, nil, true},
		{"guid(null)", kusto.Guid, nil, true},
		{"dynamic(null)", kusto.Dynamic, nil, true},
		{"int(5)", kusto.Int, int32(5), false},
		{"int(-5)", kusto.Int, int32(-5), false},
		{"long(5)", kusto.Long, int64(5), false},
		{"real(2.5)", kusto.Real, 2.5, false},
		{"real(+inf)", kusto.Real, math.Inf(1), false},
		{"real(-inf)", kusto.Real, math.Inf(-1), false},
		{"bool(true)", kusto.Bool, true, false},
		{"true", kusto.Bool, true, false},
		{"false", kusto.Bool, false, false},
		{"decimal(1.25)", kusto.Decimal, "1.25", false},
		{"guid(74BE27DE-1E4E-49D9-B579-FE0B331D3642)", kusto.Guid, "74be27de-1e4e-49d9-b579-fe0b331d3642", false},
		{"42", kusto.Long, int64(42), false},
		{"-42", kusto.Long, int64(-42), false},
		{"0x1F", kusto.Long, int64(31), false},
		{"1.5", kusto.Real, 1.5, false},
		{"1e3", kusto.Real, 1000.0, false},
		{"2.5e-1", kusto.Real, 0.25, false},
		{`dynamic(["a", 1, true, null, {"k": -2.5}])`, kusto.Dynamic, `["a",1,true,null,{"k":-2.5}]`, false},
		{`dynamic({'a': 'b'})`, kusto.Dynamic, `{"a":"b"}`, false},
		{`dynamic([])`, kusto.Dynamic, `[]`, false},
		{`dynamic(5)`, kusto.Dynamic, `5`, false},
		{`dynamic([datetime(2020-01-01), 1d])`, kusto.Dynamic, `["2020-01-01T00:00:00.0000000Z","1.00:00:00"]`, false},
	}
	for _, tt := range tests {
		lit := literal(t, tt.src)
		if lit.Type != tt.typ || lit.Null != tt.null || !cmp.Equal(lit.Value, tt.value) {
			t.Errorf("%s: got %v %#v null=%v, want %v %#v null=%v", tt.src, lit.Type, lit.Value, lit.Null, tt.typ, tt.value, tt.null)
		}
	}
	if lit := literal(t, "real(nan)"); !math.IsNaN(lit.Value.(float64)) {
		t.Errorf("real(nan) = %v", lit.Value)
	}
}

func TestLexErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{`print "abc`, "1:7: unterminated string literal"},
		{"print ```abc", "1:7: unterminated multi-line string (missing closing ```)"},
		{`print 5x`, `1:7: bad timespan literal "5x": unknown unit "x" (use d, h, m, s, ms, microsecond, tick or their long names)`},
		{`print 1w`, `1:7: bad timespan literal "1w": unknown unit "w" (use d, h, m, s, ms, microsecond, tick or their long names)`},
		{`print "\q"`, `1:8: unknown escape sequence \q in string literal (use a verbatim string @"..." for backslashes)`},
		{"print #", `1:7: unexpected character '#'`},
		{"print datetime(2020-13-45)", "1:7: bad datetime literal datetime(2020-13-45): expected a date such as 2020-09-02 or 2020-09-02T10:00:00Z"},
		{"print guid(xyz)", "1:7: bad guid literal guid(xyz): expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"},
		{"print int(1.5)", "1:7: bad int literal int(1.5): expected a 32-bit integer or null"},
		{"print 99999999999999999999", "1:7: integer literal 99999999999999999999 is out of range"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.src)
		if err == nil {
			t.Errorf("%s: no error, want %q", tt.src, tt.want)
			continue
		}
		l := err.(ErrorList)
		if l[0].Error() != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.src, l[0].Error(), tt.want)
		}
	}
}

func TestPositions(t *testing.T) {
	src := "DeviceInfo\n| where   'é' == x\n\t| take 5"
	s, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	pipe := s.Stmts[0].(*ast.ExprStmt).X.(*ast.Pipe)
	where := pipe.Ops[0].(*ast.Where)
	if where.P != (ast.Pos{Offset: 13, Line: 2, Col: 3}) {
		t.Errorf("where at %+v", where.P)
	}
	bin := where.Pred.(*ast.Binary)
	// 'é' is two bytes but one column
	if bin.P.Line != 2 || bin.P.Col != 15 {
		t.Errorf("== at %v, want 2:15", bin.P)
	}
	take := pipe.Ops[1].(*ast.Take)
	if take.P != (ast.Pos{Offset: 34, Line: 3, Col: 4}) {
		t.Errorf("take at %+v", take.P)
	}
}

func TestLexTokens(t *testing.T) {
	toks, errs := lex("a!has b | project-away x // c\n!in~ 1..2")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var got []string
	for _, tk := range toks {
		switch tk.Kind {
		case tEOF:
			got = append(got, "EOF")
		default:
			got = append(got, tk.Text)
		}
	}
	want := []string{"a", "!", "has", "b", "|", "project", "-", "away", "x", "!", "in", "~", "1", "..", "2", "EOF"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("tokens (-want +got):\n%s", d)
	}
}

func TestUnicodeIdentifiers(t *testing.T) {
	s, err := Parse("print édition = 1, Größe = 2")
	if err != nil {
		t.Fatal(err)
	}
	cols := s.Stmts[0].(*ast.ExprStmt).X.(*ast.Print).Cols
	if cols[0].Name != "édition" || cols[1].Name != "Größe" {
		t.Errorf("names %q %q", cols[0].Name, cols[1].Name)
	}
}

func TestLexErrorPositionsAcrossLines(t *testing.T) {
	for _, src := range []string{"\"71\\\n", "print 'a\\\n'", "print ```x\ny", "print \"a\nb\""} {
		_, err := Parse(src)
		if err == nil {
			t.Errorf("%q: no error", src)
			continue
		}
		if e := err.(ErrorList)[0]; e.Pos.Line != 1 {
			t.Errorf("%q: error at %v, want line 1: %v", src, e.Pos, e)
		}
	}
}

// longLine is a one-line query with a 50,000-element dynamic list (an IOC list
// pasted inline), the input that once made the lexer quadratic.
func longLine() string {
	var b strings.Builder
	b.WriteString("print x = dynamic([")
	for i := 0; i < 50000; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(`"é-ioc"`)
	}
	b.WriteString("])")
	return b.String()
}

func TestLongLine(t *testing.T) {
	script, err := Parse(longLine())
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(ast.FormatScript(script), `"é-ioc"`); got != 50000 {
		t.Errorf("the printed query holds %d list items, want 50000", got)
	}
}

// BenchmarkLongLine guards against the lexer going quadratic on long lines
// (speed is checked by benchmarks, not by timed tests).
func BenchmarkLongLine(b *testing.B) {
	src := longLine()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Parse(src); err != nil {
			b.Fatal(err)
		}
	}
}
