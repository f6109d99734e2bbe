package fn

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
	"github.com/prowl-hunt/prowl/lang"
	"github.com/prowl-hunt/prowl/lang/builtin"
)

// TestEveryScalarHasKernel checks the registry against the builtin
// signatures both ways: each built-in scalar function has a kernel (except
// those the engine resolves) and each kernel has a built-in scalar signature.
func TestEveryScalarHasKernel(t *testing.T) {
	r := NewRegistry()
	fs := builtin.Functions()
	var missing []string
	for _, name := range fs.Names() {
		sig, _ := fs.Lookup(name)
		if sig.Kind != lang.Scalar || ResolvedByEngine(name) {
			continue
		}
		if _, ok := r.Kernel(name); !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		t.Errorf("built-in scalar functions without a kernel: %s", strings.Join(missing, ", "))
	}
	var extra []string
	for name := range builtinKernels() {
		sig, ok := fs.Lookup(name)
		if !ok || sig.Kind != lang.Scalar || sig.Name != name {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Errorf("kernels without a built-in scalar signature: %s", strings.Join(extra, ", "))
	}
	// every kernel is tested by fnCases
	tested := map[string]bool{}
	for _, c := range fnCases {
		sig, _ := r.Lookup(c.name)
		tested[sig.Name] = true
	}
	var untested []string
	for name := range builtinKernels() {
		// rand is random, todecimal is refused (TestDecimalRefused)
		if !tested[name] && name != "rand" && name != "todecimal" {
			untested = append(untested, name)
		}
	}
	sort.Strings(untested)
	if len(untested) > 0 {
		t.Errorf("kernels with no test case: %s", strings.Join(untested, ", "))
	}
}

func TestRegister(t *testing.T) {
	r := NewRegistry()
	if _, ok := r.Lookup("makeset"); !ok {
		t.Error("alias makeset unknown")
	}
	if k, ok := r.Kernel("iif"); !ok || k == nil {
		t.Error("no kernel by alias iif")
	}
	upper := func(ctx *Context, args []Arg, n int, out kusto.Type) (arrow.Array, error) {
		return evalRows(ctx, kToUpper, args, n, out, true)
	}
	sig := &lang.FuncSig{Name: "cloud_app", Aliases: []string{"cloudapp"}, Kind: lang.Scalar, MinArgs: 1, MaxArgs: 1,
		Result: func([]kusto.Type) (kusto.Type, error) { return kusto.String, nil }}
	if err := r.Register(sig, upper); err != nil {
		t.Fatal(err)
	}
	if err := r.Register(sig, upper); err == nil {
		t.Error("duplicate registration accepted")
	}
	if err := r.Register(&lang.FuncSig{Name: "x", Aliases: []string{"strlen"}, Kind: lang.Scalar,
		Result: sig.Result}, upper); err == nil {
		t.Error("alias colliding with a built-in accepted")
	}
	if err := r.Register(&lang.FuncSig{Name: "y", Kind: lang.Scalar, Result: sig.Result}, nil); err == nil {
		t.Error("scalar without kernel accepted")
	}
	if s, ok := r.Lookup("cloudapp"); !ok || s.Name != "cloud_app" {
		t.Error("registered alias not found")
	}
	found := false
	for _, n := range r.Names() {
		found = found || n == "cloud_app"
	}
	if !found {
		t.Error("registered name not listed")
	}
	res, err := evalFn(t, r, "cloud_app", []lit{S("dropbox")}, 2, false)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	if got := readOut(res, 1); got != "DROPBOX" {
		t.Errorf("cloud_app = %v", got)
	}
	if _, err := r.Call(&Context{}, "nope", nil, 1, kusto.String); err == nil {
		t.Error("call of unknown function succeeded")
	}
}

// TestNullsAndSlices runs kernels over arrays with nulls and a non-zero
// offset, on both the tight bin loop and the row path.
func TestNullsAndSlices(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	tb := array.NewTimestampBuilder(mem, karrow.TimestampType)
	base := time.Date(2020, 9, 2, 10, 37, 0, 0, time.UTC).UnixNano()
	for i := 0; i < 10; i++ {
		if i%3 == 0 {
			tb.AppendNull()
			continue
		}
		tb.Append(arrow.Timestamp(base + int64(i)*int64(time.Hour)))
	}
	full := tb.NewArray()
	tb.Release()
	defer full.Release()
	sl := array.NewSlice(full, 2, 8)
	defer sl.Release()
	hour := lit{kusto.TimeSpan, time.Hour}.build(mem, 1)
	defer hour.Release()
	ctx := &Context{Mem: mem, Now: testNow}
	r := NewRegistry()
	got, err := r.Call(ctx, "bin", []Arg{{Type: kusto.DateTime, Array: sl}, {Type: kusto.TimeSpan, Array: hour, Const: true}}, 6, kusto.DateTime)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Release()
	var want, gotS []any
	for i := 0; i < 6; i++ {
		k := i + 2
		if k%3 == 0 {
			want = append(want, nil)
		} else {
			want = append(want, kusto.FormatDateTime(base-37*int64(time.Minute)+int64(k)*int64(time.Hour)))
		}
		gotS = append(gotS, readOut(got, i))
	}
	if d := cmp.Diff(want, gotS); d != "" {
		t.Errorf("bin over a sliced array with nulls (-want +got):\n%s", d)
	}
	// the row path over the same slice
	fmtd, err := r.Call(ctx, "hourofday", []Arg{{Type: kusto.DateTime, Array: sl}}, 6, kusto.Int)
	if err != nil {
		t.Fatal(err)
	}
	defer fmtd.Release()
	for i := 0; i < 6; i++ {
		k := i + 2
		var w any
		if k%3 != 0 {
			w = int64(10 + k)
		}
		if g := readOut(fmtd, i); g != w {
			t.Errorf("hourofday row %d = %v, want %v", i, g, w)
		}
	}
	// strings: an Arrow null in a string column reads as ""
	sb := array.NewStringBuilder(mem)
	sb.AppendValues([]string{"a", "", "ccc"}, []bool{true, false, true})
	strs := sb.NewArray()
	sb.Release()
	defer strs.Release()
	lens, err := r.Call(ctx, "strlen", []Arg{{Type: kusto.String, Array: strs}}, 3, kusto.Long)
	if err != nil {
		t.Fatal(err)
	}
	defer lens.Release()
	for i, w := range []int64{1, 0, 3} {
		if g := readOut(lens, i); g != w {
			t.Errorf("strlen row %d = %v, want %d", i, g, w)
		}
	}
	isnull, err := r.Call(ctx, "isnull", []Arg{{Type: kusto.String, Array: strs}}, 3, kusto.Bool)
	if err != nil {
		t.Fatal(err)
	}
	defer isnull.Release()
	if readOut(isnull, 1) != false {
		t.Error(`isnull("") must be false`)
	}
}

func TestDecimalRefused(t *testing.T) {
	r := NewRegistry()
	a := L(1).build(memory.DefaultAllocator, 1)
	defer a.Release()
	for _, name := range []string{"abs", "todecimal"} {
		if _, err := r.Call(&Context{}, name, []Arg{{Type: kusto.Long, Array: a, Const: true}}, 1, kusto.Decimal); err == nil {
			t.Errorf("%s: decimal result silently produced", name)
		}
	}
}

func BenchmarkBinTimestamp(b *testing.B) {
	const n = 1 << 16
	mem := memory.DefaultAllocator
	tb := array.NewTimestampBuilder(mem, karrow.TimestampType)
	for i := 0; i < n; i++ {
		tb.Append(arrow.Timestamp(int64(i) * 7919 * int64(time.Second)))
	}
	ts := tb.NewArray()
	defer ts.Release()
	hour := lit{kusto.TimeSpan, time.Hour}.build(mem, 1)
	defer hour.Release()
	ctx := &Context{Mem: mem}
	args := []Arg{{Type: kusto.DateTime, Array: ts}, {Type: kusto.TimeSpan, Array: hour, Const: true}}
	for b.Loop() {
		a, _ := binKernel(ctx, args, n, kusto.DateTime)
		a.Release()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/row")
}

func TestBadRegexFailsQuery(t *testing.T) {
	r := NewRegistry()
	for _, c := range []struct {
		name string
		args []lit
	}{
		{"extract", []lit{S("("), L(1), S("x")}},
		{"extract_all", []lit{S("[a-"), S("x")}},
		{"replace_regex", []lit{S("x"), S("(?P<"), S("y")}},
		{"replace", []lit{S("*"), S("y"), S("x")}},
		{"trim", []lit{S("("), S("x")}},
		{"countof", []lit{S("x"), S("("), S("regex")}},
		{"indexof_regex", []lit{S("x"), S("(")}},
	} {
		for _, constArgs := range []bool{true, false} {
			if res, err := evalFn(t, r, c.name, c.args, 2, constArgs); err == nil {
				res.Release()
				t.Errorf("%s%v: no error for an invalid regular expression", c.name, c.args)
			} else if !strings.Contains(err.Error(), "invalid regular expression") {
				t.Errorf("%s: error %q", c.name, err)
			}
		}
	}
}

func TestConcurrentCalls(t *testing.T) {
	r := NewRegistry()
	done := make(chan error, 4)
	for w := 0; w < 4; w++ {
		go func() {
			for i := 0; i < 50; i++ {
				for _, c := range fnCases[:40] {
					res, err := evalFn(t, r, c.name, c.args, 2, i%2 == 0)
					if err != nil {
						done <- err
						return
					}
					res.Release()
				}
			}
			done <- nil
		}()
	}
	for w := 0; w < 4; w++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

func TestConvert(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	ctx := &Context{Mem: mem}
	in := S("2020-09-02 10:00").build(mem, 1)
	defer in.Release()
	out, err := Convert(ctx, Arg{Type: kusto.String, Array: in, Const: true}, 2, kusto.DateTime)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	if got := readOut(out, 1); got != "2020-09-02T10:00:00.0000000Z" {
		t.Errorf("Convert = %v", got)
	}
	bad := S("nope").build(mem, 2)
	defer bad.Release()
	out2, err := Convert(ctx, Arg{Type: kusto.String, Array: bad}, 2, kusto.Long)
	if err != nil {
		t.Fatal(err)
	}
	defer out2.Release()
	if readOut(out2, 0) != nil {
		t.Error("bad text converted to a long")
	}
	if ns, ok := ParseTimeSpan("1.5h"); !ok || ns != int64(90*time.Minute) {
		t.Errorf("ParseTimeSpan = %d, %v", ns, ok)
	}
	if _, ok := ParseDateTime("2020-13-01"); ok {
		t.Error("month 13 parsed")
	}
}

func TestDecimalArgument(t *testing.T) {
	mem := memory.DefaultAllocator
	b := array.NewDecimal128Builder(mem, karrow.DecimalType)
	defer b.Release()
	if err := b.AppendValueFromString("2.5"); err != nil {
		t.Fatal(err)
	}
	b.AppendNull()
	a := b.NewArray()
	defer a.Release()
	r := NewRegistry()
	out, err := r.Call(&Context{Mem: mem}, "todouble", []Arg{{Type: kusto.Decimal, Array: a}}, 2, kusto.Real)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	if got := []any{readOut(out, 0), readOut(out, 1)}; got[0] != 2.5 || got[1] != nil {
		t.Errorf("todouble(decimal) = %v", got)
	}
}

func TestRand(t *testing.T) {
	r := NewRegistry()
	res, err := evalFn(t, r, "rand", nil, 50, false)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	distinct := map[float64]bool{}
	for i := 0; i < 50; i++ {
		f := readOut(res, i).(float64)
		if f < 0 || f >= 1 {
			t.Fatalf("rand() = %v", f)
		}
		distinct[f] = true
	}
	if len(distinct) < 40 {
		t.Errorf("rand() gave only %d distinct values in 50 rows", len(distinct))
	}
	res2, err := evalFn(t, r, "rand", []lit{L(10)}, 50, true)
	if err != nil {
		t.Fatal(err)
	}
	defer res2.Release()
	for i := 0; i < 50; i++ {
		if v := readOut(res2, i); v.(float64) < 0 || v.(float64) >= 10 || v.(float64) != float64(int64(v.(float64))) {
			t.Fatalf("rand(10) = %v", v)
		}
	}
}
