package dyn

import (
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRoundTrip(t *testing.T) {
	tests := []struct{ in, want string }{
		{`null`, `null`},
		{` true `, `true`},
		{`12`, `12`},
		{`-3.5e2`, `-350.0`},
		{`1.25`, `1.25`},
		{`"a\"b\\c\u00e9\n"`, `"a\"b\\cé\n"`},
		{`"\ud83d\ude00"`, `"😀"`},
		{`[1, [2, {}], []]`, `[1,[2,{}],[]]`},
		{`{"z": 1, "a": {"b": [true, null]}}`, `{"z":1,"a":{"b":[true,null]}}`},
		{`{"a":1,"a":2}`, `{"a":2}`},
		{`9223372036854775808`, `9.223372036854776e+18`},
	}
	for _, tt := range tests {
		v, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := Encode(v); got != tt.want {
			t.Errorf("Encode(Parse(%q)) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestAppendString(t *testing.T) {
	tests := map[string]string{
		"":               `""`,
		"a\"b\\c":        `"a\"b\\c"`,
		"\x00\x1f\t\r\n": `"\u0000\u001f\t\r\n"`,
		"ü✓😀":            `"ü✓😀"`,
		"bad\xffutf8":    `"bad\ufffdutf8"`,
		"\u2028\u2029":   `"\u2028\u2029"`,
		"<tag>&amp;":     `"<tag>&amp;"`,
	}
	for in, want := range tests {
		if got := string(AppendString([]byte("x"), in)); got != "x"+want {
			t.Errorf("AppendString(%q) = %s, want x%s", in, got, want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{``, `{`, `[1,]`, `{"a" 1}`, `"abc`, `tru`, `1 2`, `{a:1}`, `"\x"`, "\"a\x01\"", `[` + string(make([]byte, 0))} {
		if _, err := Parse(in); !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q) error = %v, want ErrSyntax", in, err)
		}
	}
	if v := FromString("not json"); v != "not json" {
		t.Errorf("FromString kept %v", v)
	}
	deep := ""
	for i := 0; i < 2000; i++ {
		deep += "["
	}
	if _, err := Parse(deep); err == nil {
		t.Error("absurd nesting accepted")
	}
}

func TestAccess(t *testing.T) {
	v, _ := Parse(`{"a":[10,20,30],"b":{"c":"x"}}`)
	arr := Member(v, "a")
	if got := Index(arr, -1); got != int64(30) {
		t.Errorf("a[-1] = %v", got)
	}
	if got := Index(arr, 3); got != nil {
		t.Errorf("a[3] = %v", got)
	}
	if got := Member(Member(v, "b"), "c"); got != "x" {
		t.Errorf("b.c = %v", got)
	}
	if got := Member(v, "missing"); got != nil {
		t.Errorf("missing = %v", got)
	}
	if got := Member(arr, "a"); got != nil {
		t.Errorf("member of array = %v", got)
	}
}

func TestFormatReal(t *testing.T) {
	for f, want := range map[float64]string{
		1: "1", 1.5: "1.5", 0.0001: "0.0001", 1e-5: "1E-05", 0.00012: "0.00012", 1e15: "1E+15",
		123456789012345: "123456789012345", math.NaN(): "NaN", math.Inf(-1): "-Infinity", -2.25: "-2.25",
	} {
		if got := FormatReal(f); got != want {
			t.Errorf("FormatReal(%v) = %s, want %s", f, got, want)
		}
	}
}

func TestToStringAndEqual(t *testing.T) {
	b := &Bag{}
	b.Set("k", []Value{int64(1), "x"})
	got := []string{ToString(nil), ToString("s"), ToString(int64(3)), ToString(2.5), ToString(true), ToString(b)}
	want := []string{"", "s", "3", "2.5", "true", `{"k":[1,"x"]}`}
	if d := cmp.Diff(want, got); d != "" {
		t.Error(d)
	}
	if !Equal(int64(1), 1.0) || Equal("1", int64(1)) || !Equal([]Value{int64(1)}, []Value{int64(1)}) {
		t.Error("Equal wrong")
	}
}
