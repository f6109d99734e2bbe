package strops

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"
)

var manyDomains = []string{"dropboxusercontent.com", "mega.nz", "wetransfer.com", "transfer.sh", "anonfiles.com",
	"pastebin.com", "ngrok.io", "file.io", "gofile.io", "sendspace.com", ".ps1", "@@"}

func TestSemantics(t *testing.T) {
	tests := []struct {
		op      string
		value   string
		needles []string
		want    bool
	}{
		{"==", "abc", []string{"abc"}, true},
		{"==", "Abc", []string{"abc"}, false},
		{"!=", "Abc", []string{"abc"}, true},
		{"=~", "Abc", []string{"aBC"}, true},
		{"=~", "ÄBC", []string{"äbc"}, true},
		{"=~", "\u212Aelvin", []string{"kelvin"}, true},
		{"=~", "kelvinx", []string{"kelvin"}, false},
		{"=~", "İ", []string{"i"}, false},
		{"=~", "ı", []string{"I"}, false},
		{"=~", "ΣΑΣ", []string{"σας"}, true},
		{"in~", "ΣΑΣ", []string{"σας"}, true},
		{"contains", "xſx", []string{"S"}, true},
		{"!~", "Abc", []string{"abc"}, false},
		{"contains", "https://WWW.Dropbox.com/x", []string{"dropbox"}, true},
		{"contains_cs", "https://WWW.Dropbox.com/x", []string{"dropbox"}, false},
		{"!contains", "abc", []string{"B"}, false},
		{"contains", "abc", []string{""}, true},
		{"contains", "straße", []string{"STRASSE"}, false},
		{"contains", "ÉCOLE", []string{"école"}, true},
		{"has", "KustoExplorerQueryRun", []string{"Explorer"}, false},
		{"has", "North America", []string{"amer"}, false},
		{"has", "North America", []string{"AMERICA"}, true},
		{"has", "C:\\Windows\\cmd.exe /c", []string{"cmd.exe"}, true},
		{"has", "C:\\Windows\\xcmd.exe /c", []string{"cmd.exe"}, false},
		{"has", "C:\\Windows\\cmd.exe2", []string{"cmd.exe"}, false},
		{"has", "/subscriptions/1/resourcegroups/x/y", []string{"/resourcegroups/x"}, true},
		{"has", "/subscriptions/1/resourcegroups/xy", []string{"/resourcegroups/x"}, false},
		{"has", "a.exe", []string{".exe"}, true},
		{"has", "abc abd", []string{"abd"}, true},
		{"has", "ab abc", []string{"abc"}, true},
		{"has", "über-alles", []string{"ÜBER"}, true},
		{"has", "xüber", []string{"über"}, false},
		{"has", "éber", []string{"ber"}, false},
		{"has_cs", "North America", []string{"america"}, false},
		{"has_cs", "North America", []string{"America"}, true},
		{"!has", "North America", []string{"north"}, false},
		{"hasprefix", "North America", []string{"ame"}, true},
		{"hasprefix", "North America", []string{"meri"}, false},
		{"hassuffix", "North America", []string{"RICA"}, true},
		{"hassuffix", "North America", []string{"Ame"}, false},
		{"hasprefix_cs", "North America", []string{"ame"}, false},
		{"startswith", "PowerShell.exe", []string{"power"}, true},
		{"startswith_cs", "PowerShell.exe", []string{"power"}, false},
		{"endswith", "PowerShell.EXE", []string{".exe"}, true},
		{"endswith", "exe", []string{".exe"}, false},
		{"endswith_cs", "PowerShell.EXE", []string{".exe"}, false},
		{"!endswith", "a.exe", []string{".EXE"}, false},
		{"startswith", "ÉCOLE", []string{"éc"}, true},
		{"in", "Abc", []string{"abc", "x"}, false},
		{"in~", "Abc", []string{"abc", "x"}, true},
		{"in~", "ÄBC", []string{"äbc"}, true},
		{"!in", "Abc", []string{"abc"}, true},
		{"!in~", "Abc", []string{"abc"}, false},
		{"in", "x", nil, false},
		{"has_any", "powershell -enc AAA", []string{"cmd", "-ENC"}, true},
		{"has_any", "powershell -encoded AAA", []string{"cmd", "-ENC"}, false},
		{"has_any", "powershell -encoded AAA", []string{"cmd", "Powershell"}, true},
		{"has_any", "powershellx", []string{"cmd", "Powershell"}, false},
		{"has_all", "net user /add admin", []string{"net", "USER", "/add"}, true},
		{"has_all", "net user admin", []string{"net", "USER", "/add"}, false},
		{"has_all", "net user", []string{"net", "NET"}, true},
		{"has_any", "x", nil, false},
		{"has_any", "https://dl.DropboxUserContent.com/s/x", manyDomains, true},
		{"has_any", "https://notdropboxusercontent.com/s/x", manyDomains, false},
		{"has_any", "mega.nz", manyDomains, true},
		{"has_any", "xmega.nz", manyDomains, false},
		{"has_any", "run evil.ps1 now", manyDomains, true},
		{"has_any", "run evil.ps12 now", manyDomains, false},
		{"has_any", "a @@ b", manyDomains, true},
		{"has_all", "mega.nz wetransfer.com", append(manyDomains[:0:0], "mega.nz", "wetransfer.com", "a", "b", "c", "d", "e", "f", "g"), false},
		{"has_all", "mega.nz wetransfer.com a b c d e f g", append(manyDomains[:0:0], "mega.nz", "wetransfer.com", "a", "b", "c", "d", "e", "f", "g"), true},
		{"matches regex", "abc123", []string{`^[a-c]+\d+$`}, true},
		{"matches regex", "Abc123", []string{`^[a-c]+\d+$`}, false},
	}
	for _, tt := range tests {
		m, err := Compile(tt.op, tt.needles...)
		if err != nil {
			t.Fatalf("%s %q: %v", tt.op, tt.needles, err)
		}
		if got := m.Match(tt.value); got != tt.want {
			t.Errorf("%q %s %q = %v, want %v", tt.value, tt.op, tt.needles, got, tt.want)
		}
		// the batch path must agree, also inside a larger array
		vals := []string{"zzz", tt.value, "", tt.value + " ", strings.Repeat("q", 40) + tt.value}
		a := buildStrings(vals, nil)
		out := make([]bool, len(vals))
		m.Eval(a, out)
		if out[1] != tt.want {
			t.Errorf("Eval: %q %s %q = %v, want %v", tt.value, tt.op, tt.needles, out[1], tt.want)
		}
		for i, v := range vals {
			if out[i] != m.Match(v) {
				t.Errorf("Eval/Match disagree on %q %s %q", v, tt.op, tt.needles)
			}
		}
		a.Release()
		if !op2multi(tt.op) {
			op, not, _ := ParseOp(tt.op)
			p, err := NewPair(op, not)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := p.Match(tt.value, tt.needles[0]); got != tt.want {
				t.Errorf("Pair: %q %s %q = %v, want %v", tt.value, tt.op, tt.needles, got, tt.want)
			}
		}
	}
}

func buildStrings(vals []string, nulls []bool) *array.String {
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	for i, v := range vals {
		if nulls != nil && nulls[i] {
			b.AppendNull()
			continue
		}
		b.Append(v)
	}
	return b.NewStringArray()
}

func TestParseOp(t *testing.T) {
	for _, name := range []string{"==", "!=", "=~", "!~", "has", "!has_cs", "in~", "!in~", "matches regex", "hassuffix_cs",
		"containscs", "!containscs", "notcontains", "notcontainscs", "!==", "!=~"} {
		if _, _, ok := ParseOp(name); !ok {
			t.Errorf("ParseOp(%q) failed", name)
		}
	}
	for _, name := range []string{"", "!", "!has_any", "hsa", "!matches regex"} {
		if _, _, ok := ParseOp(name); ok {
			t.Errorf("ParseOp(%q) succeeded", name)
		}
	}
	if _, err := Compile("matches regex", "("); err == nil {
		t.Error("bad regex compiled")
	}
	if _, err := Compile("has", "a", "b"); err == nil {
		t.Error("has with two needles compiled")
	}
}

// TestBatchAgreesWithRows checks the buffer-wide search paths (chunking,
// mapping hits to rows, non-ASCII chunks, nulls, slices) against row-by-row
// evaluation on random data.
func TestBatchAgreesWithRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "B", "c", ".", "/", " ", "ab", "AB", "É", "é", "\u212A", "k", "1", "-", "abc"}
	gen := func() string {
		var sb strings.Builder
		for n := rng.IntN(12); n > 0; n-- {
			sb.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return sb.String()
	}
	ops := []string{"==", "!=", "=~", "!~", "contains", "contains_cs", "!contains", "has", "has_cs", "!has",
		"hasprefix", "hassuffix", "hasprefix_cs", "hassuffix_cs", "startswith", "endswith", "startswith_cs",
		"endswith_cs", "in", "in~", "has_any", "has_all", "matches regex"}
	for iter := 0; iter < 6; iter++ {
		n := 1000 + rng.IntN(1500)
		vals := make([]string, n)
		nulls := make([]bool, n)
		for i := range vals {
			vals[i] = gen()
			nulls[i] = rng.IntN(20) == 0
		}
		if iter%2 == 0 { // long rows spanning chunks
			vals[rng.IntN(n)] = strings.Repeat("abc ", 10000)
		}
		a := buildStrings(vals, nulls)
		sliced := array.NewSlice(a, 7, int64(n-3)).(*array.String)
		for _, opName := range ops {
			needles := []string{gen()}
			op, _, _ := ParseOp(opName)
			if op.Multi() {
				needles = append(needles, gen(), gen())
			}
			if op == Regex {
				needles = []string{"[aé]+b"}
			}
			m, err := Compile(opName, needles...)
			if err != nil {
				t.Fatal(err)
			}
			for _, arr := range []*array.String{a, sliced} {
				want := make([]bool, arr.Len())
				var wantSel []int32
				for i := range want {
					v := arr.Value(i)
					if arr.IsNull(i) {
						v = ""
					}
					want[i] = m.Match(v)
					if want[i] && i%3 == 0 {
						wantSel = append(wantSel, int32(i))
					}
				}
				got := make([]bool, arr.Len())
				m.Eval(arr, got)
				if d := cmp.Diff(want, got); d != "" {
					t.Fatalf("%s %q: Eval differs from Match (-want +got):\n%s", opName, needles, d)
				}
				var sel []int32
				for i := 0; i < arr.Len(); i += 3 {
					sel = append(sel, int32(i))
				}
				if d := cmp.Diff(wantSel, m.Select(arr, sel, nil)); d != "" {
					t.Fatalf("%s %q: Select differs:\n%s", opName, needles, d)
				}
				bits := make([]byte, (arr.Len()+7)/8)
				m.EvalBitmap(arr, bits)
				for i := range want {
					if (bits[i/8]>>(i%8)&1 == 1) != want[i] {
						t.Fatalf("%s: bitmap bit %d wrong", opName, i)
					}
				}
			}
		}
		sliced.Release()
		a.Release()
	}
}

// TestAgainstReference compares Match with a naive, obviously correct
// implementation of the term rule and case folding.
func TestAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "B", ".", " ", "É", "é", "1", "x", "k", "\u212A", "S", "ſ", "İ", "i", "ς", "Σ"}
	gen := func(max int) string {
		var sb strings.Builder
		for n := rng.IntN(max); n > 0; n-- {
			sb.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return sb.String()
	}
	for i := 0; i < 5000; i++ {
		v, nd := gen(10), gen(4)
		if nd == "" {
			continue
		}
		for _, c := range []struct {
			op  string
			ref func(v, n string) bool
		}{
			{"has", refHas(false, true, true)},
			{"has_cs", refHas(true, true, true)},
			{"hasprefix", refHas(false, true, false)},
			{"hassuffix", refHas(false, false, true)},
			{"contains", refHas(false, false, false)},
			{"=~", strings.EqualFold},
			{"in~", strings.EqualFold},
			{"startswith", func(v, n string) bool {
				rv, rn := []rune(v), []rune(n)
				return len(rv) >= len(rn) && strings.EqualFold(string(rv[:len(rn)]), n)
			}},
		} {
			m, _ := Compile(c.op, nd)
			if got, want := m.Match(v), c.ref(v, nd); got != want {
				t.Fatalf("%q %s %q = %v, reference says %v", v, c.op, nd, got, want)
			}
		}
	}
}

// refHas checks every occurrence position rune by rune, comparing runes
// with strings.EqualFold unless cs.
func refHas(cs, left, right bool) func(v, n string) bool {
	return func(v, n string) bool {
		rv, rn := []rune(v), []rune(n)
		eq := func(a, b []rune) bool {
			if cs {
				return string(a) == string(b)
			}
			return strings.EqualFold(string(a), string(b))
		}
		for i := 0; i+len(rn) <= len(rv); i++ {
			if !eq(rv[i:i+len(rn)], rn) {
				continue
			}
			if left && isTermRune(rn[0]) && i > 0 && isTermRune(rv[i-1]) {
				continue
			}
			j := i + len(rn)
			if right && isTermRune(rn[len(rn)-1]) && j < len(rv) && isTermRune(rv[j]) {
				continue
			}
			return true
		}
		return false
	}
}

func TestGatherAndPairs(t *testing.T) {
	m, _ := Compile("has", "dropbox")
	dict := buildStrings([]string{"www.dropbox.com", "dropboxusercontent.com", "x"}, nil)
	defer dict.Release()
	dm := make([]bool, 3)
	m.Eval(dict, dm)
	out := make([]bool, 4)
	Gather(dm, []int32{2, 0, 1, 0}, out)
	if d := cmp.Diff([]bool{false, true, false, true}, out); d != "" {
		t.Error(d)
	}
	p, _ := NewPair(Contains, false)
	l := buildStrings([]string{"Hello", "abc", ""}, nil)
	r := buildStrings([]string{"LL", "d", ""}, nil)
	defer l.Release()
	defer r.Release()
	got := make([]bool, 3)
	if err := p.Eval(l, r, got); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]bool{true, false, true}, got); d != "" {
		t.Error(d)
	}
	pr, _ := NewPair(Regex, false)
	if _, err := pr.Match("a", "("); err == nil {
		t.Error("bad regex accepted")
	}
	if _, err := NewPair(In, false); err == nil {
		t.Error("pairwise in accepted")
	}
}

func TestNoAllocs(t *testing.T) {
	vals := make([]string, 1000)
	for i := range vals {
		vals[i] = "https://Sub.Example.com/path/" + strings.Repeat("x", i%17)
	}
	a := buildStrings(vals, nil)
	defer a.Release()
	out := make([]bool, len(vals))
	allowed := 0.0
	if raceEnabled {
		allowed = 4 // pooled scratch dropped by the race runtime
	}
	for _, op := range []string{"contains", "has", "=~", "in~", "has_any", "startswith"} {
		m, _ := Compile(op, "example", "other")
		if !op2multi(op) {
			m, _ = Compile(op, "example")
		}
		m.Eval(a, out) // warm the pool
		if n := testing.AllocsPerRun(20, func() { m.Eval(a, out) }); n > allowed {
			t.Errorf("%s: %v allocations per Eval", op, n)
		}
	}
	many, _ := Compile("has_any", manyDomains...)
	many.Eval(a, out)
	if n := testing.AllocsPerRun(20, func() { many.Eval(a, out) }); n > allowed {
		t.Errorf("has_any with many needles: %v allocations per Eval", n)
	}
}

func op2multi(name string) bool {
	op, _, _ := ParseOp(name)
	return op.Multi()
}

func TestEvalDictionary(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	b := array.NewDictionaryBuilder(mem, dt).(*array.BinaryDictionaryBuilder)
	defer b.Release()
	vals := []string{"www.dropbox.com", "x.org", "www.dropbox.com", "", "DROPBOX.com"}
	for i, v := range vals {
		if i == 3 {
			b.AppendNull()
			continue
		}
		if err := b.AppendString(v); err != nil {
			t.Fatal(err)
		}
	}
	a := b.NewDictionaryArray()
	defer a.Release()
	for _, c := range []struct {
		op   string
		want []bool
	}{
		{"has", []bool{true, false, true, false, true}},
		{"!has", []bool{false, true, false, true, false}},
		{"==", []bool{false, false, false, false, false}},
		{"!in", []bool{true, true, true, false, true}},
	} {
		needle := "dropbox"
		if c.op == "!in" {
			needle = ""
		}
		m, err := Compile(c.op, needle)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]bool, len(vals))
		if err := m.EvalDictionary(a, out); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(c.want, out); d != "" {
			t.Errorf("%s: (-want +got)\n%s", c.op, d)
		}
		var want, wantSel []int32
		for i, ok := range c.want {
			if ok {
				want = append(want, int32(i))
				if i >= 2 {
					wantSel = append(wantSel, int32(i))
				}
			}
		}
		got, err := m.SelectDictionary(a, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s: SelectDictionary (-want +got)\n%s", c.op, d)
		}
		got, _ = m.SelectDictionary(a, []int32{2, 3, 4}, nil)
		if d := cmp.Diff(wantSel, got); d != "" {
			t.Errorf("%s: SelectDictionary with sel (-want +got)\n%s", c.op, d)
		}
	}
}

func TestEvalDictionaryInt8(t *testing.T) {
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	b := array.NewDictionaryBuilder(memory.DefaultAllocator, dt).(*array.BinaryDictionaryBuilder)
	defer b.Release()
	for _, v := range []string{"cmd.exe", "powershell.exe", "cmd.exe"} {
		if err := b.AppendString(v); err != nil {
			t.Fatal(err)
		}
	}
	a := b.NewDictionaryArray()
	defer a.Release()
	m, _ := Compile("=~", "CMD.EXE")
	out := make([]bool, 3)
	if err := m.EvalDictionary(a, out); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]bool{true, false, true}, out); d != "" {
		t.Error(d)
	}
}

// Batches sharing one dictionary (as those of a Parquet column chunk do)
// reuse the per-entry answers; a batch over another dictionary gets its own.
func TestDictionaryAnswersPerDictionary(t *testing.T) {
	dict := array.NewStringBuilder(memory.DefaultAllocator)
	dict.AppendValues([]string{"www.dropbox.com", "x.org", "box.net"}, nil)
	values := dict.NewStringArray()
	other := array.NewStringBuilder(memory.DefaultAllocator)
	other.AppendValues([]string{"x.org", "dropbox.com", "x.org"}, nil)
	otherValues := other.NewStringArray()
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	batch := func(dictionary arrow.Array, idx ...int32) *array.Dictionary {
		b := array.NewInt32Builder(memory.DefaultAllocator)
		b.AppendValues(idx, nil)
		return array.NewDictionaryArray(dt, b.NewArray(), dictionary)
	}
	m, err := Compile("has", "dropbox")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		a    *array.Dictionary
		want []bool
	}{
		{batch(values, 0, 1, 2), []bool{true, false, false}},
		{batch(values, 2, 2, 0, 1), []bool{false, false, true, false}},
		{batch(otherValues, 0, 1, 2, 1), []bool{false, true, false, true}},
		{batch(values, 1, 0), []bool{false, true}},
	} {
		out := make([]bool, tc.a.Len())
		if err := m.EvalDictionary(tc.a, out); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(tc.want, out); d != "" {
			t.Errorf("EvalDictionary (-want +got)\n%s", d)
		}
		sel, err := m.SelectDictionary(tc.a, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		var want []int32
		for i, ok := range tc.want {
			if ok {
				want = append(want, int32(i))
			}
		}
		if d := cmp.Diff(want, sel); d != "" {
			t.Errorf("SelectDictionary (-want +got)\n%s", d)
		}
	}
}
