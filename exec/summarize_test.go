package exec

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/prowl-hunt/prowl/lang"
)

func TestSummarizeExpressions(t *testing.T) {
	const net = `datatable(DeviceId:string, BytesSent:long, ActionType:string, Timestamp:datetime)[` +
		`"d1", 1500000000, "ConnectionSuccess", datetime(2024-01-01 10:00),` +
		`"d1", 2000000000, "ConnectionFailed", datetime(2024-01-01 12:30),` +
		`"d1", 100000000, "ConnectionSuccess", datetime(2024-01-01 11:00),` +
		`"d1", 0, "ConnectionSuccess", datetime(2024-01-01 10:30),` +
		`"d2", 250000000, "ConnectionFailed", datetime(2024-01-02 00:00)]`
	const T = `datatable(k:string, a:long, b:long)["x", 1, 10, "x", 2, 10, "x", 2, 20, "y", 5, 5]`
	tests := []struct {
		name, q, cols, rows string
	}{
		{
			name: "defender hunting",
			q: net + ` | summarize UploadedGB = round(sum(BytesSent) / 1e9, 1), ` +
				`Pct = countif(ActionType == "ConnectionFailed") * 100.0 / count(), ` +
				`Span = max(Timestamp) - min(Timestamp) by DeviceId`,
			cols: "DeviceId:string,UploadedGB:real,Pct:real,Span:timespan",
			rows: "d1|3.6|25|02:30:00\nd2|0.3|100|00:00:00",
		},
		{name: "count times two", q: T + ` | summarize count() * 2`, cols: "Column1:long", rows: "8"},
		{name: "no by over empty input", q: T + ` | where a > 100 | summarize n = count() + 1, s = sum(a) * 2`, cols: "n:long,s:long", rows: "1|0"},
		{name: "empty input with by", q: T + ` | where a > 100 | summarize n = count() + 1 by k`, rows: ""},
		{name: "dcount plus dcount by", q: T + ` | summarize dcount(a) + dcount(b) by k`, cols: "k:string,Column1:long", rows: "x|4\ny|2"},
		{name: "inside iff strcat tostring", q: T + ` | summarize big = iff(sum(a) > 3, "yes", "no"), s = strcat(k, ":", tostring(max(b))), t = tostring(count()) by k`,
			cols: "k:string,big:string,s:string,t:string", rows: "x|yes|x:20|3\ny|yes|y:5|1"},
		{name: "same aggregate twice", q: T + ` | summarize c = count(), half = count() / 2.0, avg2 = sum(a) * 1.0 / count() by k`,
			cols: "k:string,c:long,half:real,avg2:real", rows: "x|3|1.5|1.6666666666666667\ny|1|0.5|5"},
		{name: "key in expression", q: T + ` | summarize s = strcat(k, "=", sum(a)) by k`, rows: "x|x=5\ny|y=5"},
		{name: "renamed key source column", q: T + ` | summarize s = strcat(k, "=", sum(a)) by g = k`, cols: "g:string,s:string", rows: "x|x=5\ny|y=5"},
		{name: "mixed with multi-column aggregate", q: T + ` | summarize arg_max(a, b), n = count() - 1 by k`,
			cols: "k:string,a:long,b:long,n:long", rows: "x|2|10|2\ny|5|5|0"},
		{name: "aggregate over expression", q: T + ` | summarize r = sum(a * b) / count()`, cols: "r:long", rows: "23"},
		{name: "nested parens and unary", q: T + ` | summarize r = -(max(a) - min(a))`, rows: "-4"},
		{name: "dynamic aggregates in functions", q: T + ` | summarize n = array_length(make_set(a)), l = tostring(make_list(b)) by k`,
			rows: "x|2|[10,10,20]\ny|1|[5]"},
		{name: "percentile with constant argument", q: T + ` | summarize p = percentile(a, 100) * 2`, rows: "10"},
		{name: "bin of an aggregate", q: `datatable(t:datetime)[datetime(2024-01-01 10:20), datetime(2024-01-01 11:40)] | summarize last = bin(max(t), 1h), d = (max(t) - min(t)) / 1m`,
			cols: "last:datetime,d:real", rows: "2024-01-01T11:00:00.0000000Z|80"},
		{name: "let scalar in expression", q: `let f = 10; ` + T + ` | summarize r = count() * f`, rows: "40"},
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
			if diff := cmp.Diff(sortRows(rowsOf(tc.rows)), sortRows(got.rows)); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSummarizeExpressionSharesAggregates(t *testing.T) {
	e := newTestEngine(nil)
	plan, err := e.Explain(context.Background(), `datatable(a:long)[1, 2] | summarize c = count(), p = count() * 100.0 / count(), s = sum(a) + sum(a)`, nil)
	if err != nil {
		t.Fatal(err)
	}
	var line string
	for _, l := range strings.Split(plan, "\n") {
		if strings.Contains(l, "summarize ") {
			line = l
			break
		}
	}
	if n := strings.Count(line, "count()"); n != 1 {
		t.Errorf("count() computed %d times, want once; plan:\n%s", n, plan)
	}
	if n := strings.Count(line, "sum(a)"); n != 1 {
		t.Errorf("sum(a) computed %d times, want once; plan:\n%s", n, plan)
	}
}

func TestSummarizeExpressionErrors(t *testing.T) {
	e := newTestEngine(nil)
	for _, tc := range []struct{ q, want string }{
		{`datatable(k:string, a:long)["x", 1] | summarize count() + a by k`, "outside an aggregate"},
		{`datatable(k:string, a:long)["x", 1] | summarize x = count() + a`, "outside an aggregate"},
	} {
		_, err := runQuery(t, e, tc.q)
		var list lang.ErrorList
		if !errors.As(err, &list) || !list[0].Pos.IsValid() || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want a positioned error containing %q", tc.q, err, tc.want)
		}
	}
}

// TestSummarizeExpressionsMatchExtend checks, over generated Parquet data read
// by parallel scan workers, that expressions over aggregates equal the same
// computation written as plain aggregates followed by extend.
func TestSummarizeExpressionsMatchExtend(t *testing.T) {
	e := newTestEngine(catalogSource{generated(t)})
	direct, err := runQuery(t, e, `DeviceNetworkEvents
| summarize MB = round(sum(BytesSent) / 1e6, 1), Pct = countif(ActionType == "ConnectionFailed") * 100.0 / count(), Span = max(Timestamp) - min(Timestamp), Ports = dcount(RemotePort) + dcount(RemoteUrl) by DeviceId`)
	if err != nil {
		t.Fatal(err)
	}
	viaExtend, err := runQuery(t, e, `DeviceNetworkEvents
| summarize s = sum(BytesSent), f = countif(ActionType == "ConnectionFailed"), c = count(), hi = max(Timestamp), lo = min(Timestamp), p = dcount(RemotePort), u = dcount(RemoteUrl) by DeviceId
| project DeviceId, MB = round(s / 1e6, 1), Pct = f * 100.0 / c, Span = hi - lo, Ports = p + u`)
	if err != nil {
		t.Fatal(err)
	}
	if len(direct.rows) == 0 {
		t.Fatal("no rows")
	}
	if diff := cmp.Diff(viaExtend.cols, direct.cols); diff != "" {
		t.Errorf("columns (-extend +direct):\n%s", diff)
	}
	if diff := cmp.Diff(sortRows(viaExtend.rows), sortRows(direct.rows)); diff != "" {
		t.Errorf("rows (-extend +direct):\n%s", diff)
	}
}
