package exec

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/google/go-cmp/cmp"

	"github.com/prowl-hunt/prowl/exec/agg"
	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang"
)

func newTestEngine(src Source) *Engine {
	reg := fn.NewRegistry()
	now := func() time.Time { return time.Date(2024, 3, 10, 0, 0, 0, 0, time.UTC) }
	return New(Config{Source: src, Functions: reg, Kernel: reg.Kernel, Aggregates: agg.New, Parallelism: 2, Now: now})
}

// cell renders one value the way the tests compare them.
func cell(a arrow.Array, t kusto.Type, i int) string {
	if a.IsNull(i) {
		return "null"
	}
	switch t {
	case kusto.DateTime:
		return kusto.FormatDateTime(a.(*array.Timestamp).Value(i).ToTime(arrow.Nanosecond).UnixNano())
	case kusto.TimeSpan:
		return kusto.FormatTimeSpan(int64(a.(*array.Duration).Value(i)))
	case kusto.Real:
		f := a.(*array.Float64).Value(i)
		if math.IsNaN(f) {
			return "NaN"
		}
		return fmt.Sprint(f)
	}
	return a.ValueStr(i)
}

type table struct {
	cols []string
	rows [][]string
}

func runQuery(t *testing.T, e *Engine, q string) (table, error) {
	t.Helper()
	res, err := e.Query(context.Background(), q, nil)
	if err != nil {
		return table{}, err
	}
	defer res.Close()
	var out table
	for _, c := range res.Columns {
		out.cols = append(out.cols, c.Name+":"+c.Type.String())
	}
	for res.Reader.Next() {
		rec := res.Reader.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]string, rec.NumCols())
			for c := range row {
				row[c] = cell(rec.Column(c), res.Columns[c].Type, i)
			}
			out.rows = append(out.rows, row)
		}
	}
	return out, res.Reader.Err()
}

func rowsOf(s string) [][]string {
	var out [][]string
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		out = append(out, strings.Split(line, "|"))
	}
	return out
}

func TestQueries(t *testing.T) {
	const T = `datatable(Name:string, N:long, R:real, B:bool)["a", 1, 1.5, true, "B", 2, 2.5, false, "c", long(null), real(null), bool(null), "a", 4, 4.0, true]`
	tests := []struct {
		name, q string
		cols    string // "" to skip
		rows    string
		ordered bool
	}{
		{name: "where", q: T + " | where N > 1 | project Name, N", cols: "Name:string,N:long", rows: "B|2\na|4"},
		{name: "ne keeps nulls", q: T + " | where N != 2 | project Name", rows: "a\nc\na"},
		{name: "eq drops nulls", q: T + " | where N == 1 | project Name", rows: "a"},
		{name: "in cs", q: `print x = "Abc" in ("abc"), y = "Abc" in~ ("abc"), z = "Abc" !in ("abc")`, rows: "false|true|true"},
		{name: "has term", q: `print a = "KustoExplorerQueryRun" has "Explorer", b = "North America" has "amer", c = "run cmd.exe now" has "cmd.exe", d = "North America" has "america"`, rows: "false|false|true|true"},
		{name: "contains", q: `print a = "KustoExplorerQueryRun" contains "explorer", b = "abc" contains_cs "B"`, rows: "true|false"},
		{name: "modulo", q: `print a = -5 % 3, b = 7 / 2, c = 7.0 / 2, d = 5 % -3`, rows: "1|3|3.5|-1"},
		{name: "null compare", q: `print a = int(null) != 5, b = int(null) == 5, c = isnull(int(null) < 5)`, rows: "true|false|true"},
		{name: "three valued", q: `print a = false and bool(null), b = true or bool(null), c = isnull(true and bool(null))`, rows: "false|true|true"},
		{name: "summarize count by", q: T + " | summarize count() by Name", cols: "Name:string,count_:long", rows: "a|2\nB|1\nc|1"},
		{name: "summarize empty no by", q: T + " | where N > 100 | summarize count(), sum(N)", cols: "count_:long,sum_N:long", rows: "0|0"},
		{name: "summarize empty by", q: T + " | where N > 100 | summarize count() by Name", rows: ""},
		{name: "order default desc nulls last", q: T + " | order by N | project N", rows: "4\n2\n1\nnull", ordered: true},
		{name: "order asc nulls first", q: T + " | order by N asc | project N", rows: "null\n1\n2\n4", ordered: true},
		{name: "top", q: T + " | top 2 by N | project Name", rows: "a\nB", ordered: true},
		{name: "take", q: T + " | take 2 | count", rows: "2"},
		{name: "extend names", q: T + " | where N == 1 | extend N * 2, x = 3 | project Column1, x", cols: "Column1:long,x:long", rows: "2|3"},
		{name: "distinct", q: T + " | distinct Name", rows: "a\nB\nc"},
		{name: "project-away", q: T + " | project-away R, B | where N == 2", cols: "Name:string,N:long", rows: "B|2"},
		{name: "project-rename", q: T + " | project-rename M = N | where M == 2 | project M", cols: "M:long", rows: "2"},
		{name: "bin", q: `print a = bin(7, 5), b = bin(datetime(2020-01-01 10:35), 1h)`, rows: "5|2020-01-01T10:00:00.0000000Z"},
		{name: "range", q: `range x from 1 to 5 step 2`, cols: "x:long", rows: "1\n3\n5", ordered: true},
		{name: "let scalar", q: `let n = 2; ` + T + " | where N == n | project Name", rows: "B"},
		{name: "let tabular twice", q: `let t = ` + T + `; t | join kind=inner (t) on Name | count`, rows: "6"},
		{name: "let function", q: `let f = (x:long) { x * 10 }; print f(4)`, rows: "40"},
		{name: "union", q: `union (datatable(a:long)[1]), (datatable(a:long, b:string)[2, "x"])`, cols: "a:long,b:string", rows: "1|\n2|x"},
		{name: "dynamic access", q: `print a = dynamic({"x":{"y":[1,2,3]}}).x.y[-1], b = tostring(dynamic({"k":"v"})["k"]), c = isnull(dynamic({"k":"v"}).z)`, rows: "3|v|true"},
		{name: "between", q: T + " | where N between (2 .. 4) | project N", rows: "2\n4"},
		{name: "iff", q: T + " | project x = iff(N > 1, 'big', 'small')", rows: "small\nbig\nsmall\nbig"},
		{name: "mv-expand", q: `datatable(a:long, d:dynamic)[1, dynamic([1,2]), 2, dynamic([]), 3, dynamic(null)] | mv-expand d | project a, d`, rows: "1|1\n1|2\n3|null"},
		{name: "parse", q: `print s = "user=bob id=42" | parse s with "user=" u " id=" id:long | project u, id`, cols: "u:string,id:long", rows: "bob|42"},
		{name: "getschema", q: `datatable(a:long, b:string)[] | getschema | project ColumnName, DataType`, rows: "a|System.Int64\nb|System.String"},
		{name: "count op", q: T + " | count", cols: "Count:long", rows: "4"},
		{name: "in list let", q: `let l = dynamic(["a", "c"]); ` + T + ` | where Name in (l) | project N`, rows: "1\nnull\n4"},
		{name: "has_any", q: `print a = "run cmd.exe now" has_any ("powershell", "cmd.exe")`, rows: "true"},
		{name: "startswith", q: T + ` | where Name startswith "A" | count`, rows: "2"},
		{name: "arg_max star", q: T + ` | summarize arg_max(N, *) by Name | where Name == "a"`, cols: "Name:string,N:long,R:real,B:bool", rows: "a|4|4|true"},
		{name: "case", q: `print case(1 > 2, "a", 2 > 1, "b", "c")`, rows: "b"},
		{name: "overflow wraps", q: `print 9223372036854775807 + 1`, rows: "-9223372036854775808"},
	}
	e := newTestEngine(nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := runQuery(t, e, tc.q)
			if err != nil {
				t.Fatalf("query failed: %v", err)
			}
			if tc.cols != "" {
				if diff := cmp.Diff(strings.Split(tc.cols, ","), got.cols); diff != "" {
					t.Errorf("columns (-want +got):\n%s", diff)
				}
			}
			want := rowsOf(tc.rows)
			gotRows := got.rows
			if !tc.ordered {
				want, gotRows = sortRows(want), sortRows(gotRows)
			}
			if diff := cmp.Diff(want, gotRows); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func sortRows(r [][]string) [][]string {
	out := make([]string, len(r))
	for i, row := range r {
		out[i] = strings.Join(row, "|")
	}
	sort.Strings(out)
	res := make([][]string, 0, len(out))
	for _, s := range out {
		res = append(res, strings.Split(s, "|"))
	}
	if len(res) == 0 {
		return nil
	}
	return res
}

func TestJoinKinds(t *testing.T) {
	const L = `datatable(k:long, l:string)[1, "a", 1, "b", 2, "c", 3, "d"]`
	const R = `datatable(k:long, r:string)[1, "x", 1, "y", 2, "z", 4, "w"]`
	tests := []struct{ kind, cols, rows string }{
		{"innerunique", "k:long,l:string,k1:long,r:string", "1|a|1|x\n1|a|1|y\n2|c|2|z"},
		{"inner", "k:long,l:string,k1:long,r:string", "1|a|1|x\n1|a|1|y\n1|b|1|x\n1|b|1|y\n2|c|2|z"},
		{"leftouter", "", "1|a|1|x\n1|a|1|y\n1|b|1|x\n1|b|1|y\n2|c|2|z\n3|d|null|"},
		{"rightouter", "", "1|a|1|x\n1|a|1|y\n1|b|1|x\n1|b|1|y\n2|c|2|z\nnull||4|w"},
		{"fullouter", "", "1|a|1|x\n1|a|1|y\n1|b|1|x\n1|b|1|y\n2|c|2|z\n3|d|null|\nnull||4|w"},
		{"leftsemi", "k:long,l:string", "1|a\n1|b\n2|c"},
		{"leftanti", "k:long,l:string", "3|d"},
		{"rightsemi", "k:long,r:string", "1|x\n1|y\n2|z"},
		{"rightanti", "k:long,r:string", "4|w"},
	}
	e := newTestEngine(nil)
	for _, tc := range tests {
		t.Run(tc.kind, func(t *testing.T) {
			got, err := runQuery(t, e, L+" | join kind="+tc.kind+" ("+R+") on k")
			if err != nil {
				t.Fatal(err)
			}
			if tc.cols != "" {
				if diff := cmp.Diff(strings.Split(tc.cols, ","), got.cols); diff != "" {
					t.Errorf("columns (-want +got):\n%s", diff)
				}
			}
			if diff := cmp.Diff(sortRows(rowsOf(tc.rows)), sortRows(got.rows)); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
	// default kind is innerunique; $left/$right conditions; lookup drops the right key
	got, err := runQuery(t, e, L+" | join ("+R+") on $left.k == $right.k | count")
	if err != nil || got.rows[0][0] != "3" {
		t.Fatalf("default join: %v %v", got.rows, err)
	}
	got, err = runQuery(t, e, L+" | lookup ("+R+" | where r != 'y') on k")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"k:long", "l:string", "r:string"}, got.cols); diff != "" {
		t.Errorf("lookup columns:\n%s", diff)
	}
	if diff := cmp.Diff(sortRows(rowsOf("1|a|x\n1|b|x\n2|c|z\n3|d|")), sortRows(got.rows)); diff != "" {
		t.Errorf("lookup rows:\n%s", diff)
	}
}

func TestMoreSemantics(t *testing.T) {
	tests := []struct {
		name, q, cols, rows string
		ordered             bool
	}{
		{name: "nulls last asc override", q: `datatable(n:long)[2, long(null), 1] | order by n asc nulls last`, rows: "1\n2\nnull", ordered: true},
		{name: "nulls first desc override", q: `datatable(n:long)[2, long(null), 1] | sort by n desc nulls first`, rows: "null\n2\n1", ordered: true},
		{name: "bin anchored at epoch", q: `print bin(datetime(1970-01-01 00:00:07), 5s), bin(-7, 5), bin(7.5, 2.0)`, rows: "1970-01-01T00:00:05.0000000Z|-10|6"},
		{name: "mv-expand bag", q: `print d = dynamic({"a":1, "b":2}) | mv-expand d`, rows: "{\"a\":1}\n{\"b\":2}"},
		{name: "mv-expand bag as arrays", q: `print d = dynamic({"a":1}) | mv-expand bagexpansion=array d`, rows: "[\"a\",1]"},
		{name: "mv-expand typed with index", q: `print d = dynamic([10, 20]) | mv-expand with_itemindex=i d to typeof(long)`, cols: "d:long,i:long", rows: "10|0\n20|1"},
		{name: "agg names dedupe", q: `datatable(X:long)[1, 2, 2] | summarize make_set(X), make_set(X), dcount(X), sum(X * 2)`, cols: "set_X:dynamic,set_X1:dynamic,dcount_X:long,sum_:long", rows: "[1,2]|[1,2]|2|10"},
		{name: "bin key name", q: `datatable(Timestamp:datetime)[datetime(2024-01-01 10:10), datetime(2024-01-01 10:50), datetime(2024-01-01 11:10)] | summarize count() by bin(Timestamp, 1h)`, cols: "Timestamp:datetime,count_:long", rows: "2024-01-01T10:00:00.0000000Z|2\n2024-01-01T11:00:00.0000000Z|1"},
		{name: "avg empty is NaN", q: `datatable(X:long)[] | summarize avg(X), make_list(X), count()`, rows: "NaN|[]|0"},
		{name: "union withsource", q: `let A = datatable(x:long)[1]; let B = datatable(x:long)[2]; union withsource=T A, B`, cols: "T:string,x:long", rows: "A|1\nB|2"},
		{name: "union inner", q: `union kind=inner (datatable(x:long, y:long)[1, 2]), (datatable(x:long)[3])`, cols: "x:long", rows: "1\n3"},
		{name: "print default name", q: `print 1, x = 2`, cols: "print_0:long,x:long", rows: "1|2"},
		{name: "project-keep wildcard", q: `datatable(ab:long, ac:long, b:long)[1, 2, 3] | project-keep a*`, cols: "ab:long,ac:long", rows: "1|2"},
		{name: "project-reorder", q: `datatable(a:long, b:long, c:long)[1, 2, 3] | project-reorder c, a`, cols: "c:long,a:long,b:long", rows: "3|1|2"},
		{name: "parse regex", q: `print s = "id=42;name=x" | parse kind=regex s with @"id=" id:long ";name=" n`, rows: "id=42;name=x|42|x"},
		{name: "in tabular", q: `let ids = datatable(k:long)[1, 3]; datatable(k:long)[1, 2, 3] | where k in (ids)`, rows: "1\n3"},
		{name: "datetime between timespan", q: `datatable(t:datetime)[datetime(2024-01-01), datetime(2024-01-02), datetime(2024-01-03)] | where t between (datetime(2024-01-01) .. 1d) | count`, rows: "2"},
		{name: "string null is empty", q: `datatable(s:string)["", "x"] | where isempty(s) | count`, rows: "1"},
		{name: "tostring datetime", q: `print tostring(datetime(2020-09-02 10:00))`, rows: "2020-09-02T10:00:00.0000000Z"},
		{name: "toint bad", q: `print isnull(toint("3.14"))`, rows: "true"},
		{name: "invoke", q: `let f = (T:(*), n:long) { T | where x > n }; datatable(x:long)[1, 5, 9] | invoke f(4)`, rows: "5\n9"},
		{name: "tabular function", q: `let f = (n:long) { range i from 1 to n step 1 }; f(3) | count`, rows: "3"},
		{name: "as", q: `datatable(x:long)[1, 2] | as T | join kind=inner (T) on x | count`, rows: "2"},
		{name: "serialize", q: `datatable(x:long)[1, 2] | serialize y = x * 2`, cols: "x:long,y:long", rows: "1|2\n2|4"},
		{name: "dynamic compare", q: `print d = dynamic({"a":"x", "n":5}) | where d.a == "x" and d.n == 5 | count`, rows: "1"},
		{name: "dictionary-free equality", q: `datatable(s:string)["Abc", "abc"] | where s == "abc" | count`, rows: "1"},
		{name: "case-insensitive eq", q: `datatable(s:string)["Abc", "abc", "x"] | where s =~ "ABC" | count`, rows: "2"},
		{name: "not", q: `datatable(b:bool)[true, false, bool(null)] | where not(b) | count`, rows: "1"},
		{name: "distinct star", q: `datatable(a:long, b:long)[1, 1, 1, 1, 1, 2] | distinct *`, rows: "1|1\n1|2"},
		{name: "top nulls", q: `datatable(n:long)[long(null), 5, 3] | top 2 by n asc`, rows: "null\n3", ordered: true},
		{name: "regex match", q: `print "abc123" matches regex @"^[a-z]+\d+$"`, rows: "true"},
		{name: "timespan arithmetic", q: `print datetime(2024-01-02) - datetime(2024-01-01), 1h * 2, 2h / 1h`, rows: "1.00:00:00|02:00:00|2"},
		{name: "percentiles arg_min take_any", q: `datatable(k:string, x:long)["a", 1, "a", 5, "a", 9, "b", 2] | summarize percentiles(x, 50, 100), arg_min(x, k), take_any(k) by g = k`, cols: "g:string,percentile_x_50:long,percentile_x_100:long,x:long,k:string,k1:string", rows: "a|5|9|1|a|a\nb|2|2|2|b|b"},
		{name: "named multi agg", q: `datatable(t:long, id:string)[1, "x", 3, "y"] | summarize (T, Id) = arg_max(t, id)`, cols: "T:long,Id:string", rows: "3|y"},
		{name: "stdev variance make_bag", q: `datatable(x:long)[1, 2, 3, 4] | summarize stdev(x), variance(x), make_bag(pack("k", x))`, rows: "1.2909944487358056|1.6666666666666667|{\"k\":1}"},
		{name: "summarize countif dcountif", q: `datatable(x:long)[1, 2, 3, 3] | summarize countif(x > 1), dcountif(x, x > 1)`, rows: "3|2"},
	}
	e := newTestEngine(nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := runQuery(t, e, tc.q)
			if err != nil {
				t.Fatalf("query failed: %v", err)
			}
			if tc.cols != "" {
				if diff := cmp.Diff(strings.Split(tc.cols, ","), got.cols); diff != "" {
					t.Errorf("columns (-want +got):\n%s", diff)
				}
			}
			want, gotRows := rowsOf(tc.rows), got.rows
			if !tc.ordered {
				want, gotRows = sortRows(want), sortRows(gotRows)
			}
			if diff := cmp.Diff(want, gotRows); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnsupportedIsAnError(t *testing.T) {
	e := newTestEngine(nil)
	for _, q := range []string{
		`datatable(x:long)[1] | summarize count() + x`,
		`datatable(x:long)[1] | take x`,
		`print "a" matches regex "("`,
	} {
		_, err := runQuery(t, e, q)
		var list lang.ErrorList
		if !errors.As(err, &list) || !list[0].Pos.IsValid() {
			t.Errorf("%s: err = %v, want a lang.ErrorList with a position", q, err)
		}
	}
}

func TestRowFunctions(t *testing.T) {
	e := newTestEngine(nil)
	got, err := runQuery(t, e, `datatable(a:long, b:string)[1, "x"] | project a, b, c = column_ifexists("a", 0), d = column_ifexists("nope", "dflt"), p = pack_all()`)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"1", "x", "1", "dflt", `{"a":1,"b":"x"}`}}
	if diff := cmp.Diff(want, got.rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}
