package server

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-kusto-go/azkustodata"
	"github.com/Azure/azure-kusto-go/azkustodata/kql"

	"github.com/prowl-hunt/prowl"
)

// realServer serves a real prowl engine over an empty data directory.
func realServer(t *testing.T, cfg Config) string {
	t.Helper()
	db, err := prowl.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return start(t, db, cfg)
}

// TestRealTypes: values of every type computed by the engine reach the Go SDK
// intact.
func TestRealTypes(t *testing.T) {
	client := newClient(t, realServer(t, Config{}))
	ds, err := sdkQuery(t, client, `datatable(b:bool, i:int, l:long, r:real, s:string, dt:datetime, ts:timespan, g:guid, d:dynamic)
		[true, int(-7), long(9007199254740993), 2.5, "a \"b\", c", datetime(2024-01-01T10:00:00.1234567Z), 1d, guid(123e27de-1e4e-49d9-b579-fe0b331d3642), dynamic({"a":[1,"x"]})]
		| extend nan = real(nan), inf = real(-inf), nl = long(null), nts = ts - 2d`)
	if err != nil {
		t.Fatal(err)
	}
	rows := primary(t, ds).Rows()
	if len(rows) != 1 {
		t.Fatalf("%d rows", len(rows))
	}
	r := rows[0]
	b, _ := r.BoolByName("b")
	i, _ := r.IntByName("i")
	l, _ := r.LongByName("l")
	f, _ := r.RealByName("r")
	s, _ := r.StringByName("s")
	dt, _ := r.DateTimeByName("dt")
	ts, _ := r.TimespanByName("ts")
	g, _ := r.GuidByName("g")
	d, _ := r.DynamicByName("d")
	nan, _ := r.RealByName("nan")
	inf, _ := r.RealByName("inf")
	nl, _ := r.LongByName("nl")
	nts, _ := r.TimespanByName("nts")
	wantDT := time.Date(2024, 1, 1, 10, 0, 0, 123456700, time.UTC)
	switch {
	case b == nil || !*b, i == nil || *i != -7, l == nil || *l != 9007199254740993, f == nil || *f != 2.5:
		t.Errorf("numbers: %v %v %v %v", b, i, l, f)
	case s != `a "b", c`:
		t.Errorf("string %q", s)
	case dt == nil || !dt.Equal(wantDT):
		t.Errorf("datetime %v, want %v", dt, wantDT)
	case ts == nil || *ts != 24*time.Hour:
		t.Errorf("timespan %v", ts)
	case g == nil || g.String() != "123e27de-1e4e-49d9-b579-fe0b331d3642":
		t.Errorf("guid %v", g)
	case string(d) != `{"a":[1,"x"]}`:
		t.Errorf("dynamic %s", d)
	case nan == nil || !math.IsNaN(*nan), inf == nil || !math.IsInf(*inf, -1):
		t.Errorf("nan %v inf %v", nan, inf)
	case nl != nil:
		t.Errorf("null long = %v", *nl)
	case nts == nil || *nts != -24*time.Hour:
		t.Errorf("negative timespan %v", nts)
	}
}

func TestRealLargeResult(t *testing.T) {
	client := newClient(t, realServer(t, Config{}))
	const n = 100_000
	ds, err := sdkQuery(t, client, fmt.Sprintf("range x from 1 to %d step 1 | extend y = x * 2, s = strcat('r', x)", n))
	if err != nil {
		t.Fatal(err)
	}
	rows := primary(t, ds).Rows()
	if len(rows) != n {
		t.Fatalf("%d rows, want %d", len(rows), n)
	}
	for i, r := range rows {
		x, _ := r.LongByIndex(0)
		y, _ := r.LongByIndex(1)
		s, _ := r.StringByIndex(2)
		if x == nil || *x != int64(i+1) || y == nil || *y != 2*int64(i+1) || s != fmt.Sprintf("r%d", i+1) {
			t.Fatalf("row %d = %v %v %q", i, x, y, s)
		}
	}
}

func TestRealConcurrentClients(t *testing.T) {
	url := realServer(t, Config{MaxConcurrent: 20})
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for c := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client, err := azkustodata.New(azkustodata.NewConnectionStringBuilder(url))
			if err != nil {
				errs <- err
				return
			}
			defer client.Close()
			n := int64(1000 + 313*c)
			ds, err := client.Query(context.Background(), "prowl",
				kql.New("").AddUnsafe(fmt.Sprintf("range x from 1 to %d step 1 | summarize total = sum(x), rows = count()", n)))
			if err != nil {
				errs <- fmt.Errorf("client %d: %w", c, err)
				return
			}
			for _, tb := range ds.Tables() {
				if tb.Kind() != "PrimaryResult" {
					continue
				}
				total, _ := tb.Rows()[0].LongByName("total")
				rows, _ := tb.Rows()[0].LongByName("rows")
				if total == nil || *total != n*(n+1)/2 || rows == nil || *rows != n {
					errs <- fmt.Errorf("client %d: total %v rows %v, want %d and %d", c, total, rows, n*(n+1)/2, n)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestRealErrorsAndParameters(t *testing.T) {
	client := newClient(t, realServer(t, Config{}))
	_, err := sdkQuery(t, client, "print x=1\n| whre x > 0")
	if err == nil || !strings.Contains(err.Error(), "line 2, column") {
		t.Errorf("error = %v, want one with its position", err)
	}
	params := kql.NewParameters().AddString("domain", "dropbox.com").AddLong("n", 5)
	ds, err := sdkQuery(t, client, "print d = domain, m = n * 2", azkustodata.QueryParameters(params))
	if err != nil {
		t.Fatal(err)
	}
	r := primary(t, ds).Rows()[0]
	d, _ := r.StringByName("d")
	m, _ := r.LongByName("m")
	if d != "dropbox.com" || m == nil || *m != 10 {
		t.Errorf("parameters: d=%q m=%v", d, m)
	}
	ds, err = sdkQuery(t, client, "print x = 1 | where x > 5")
	if err != nil {
		t.Fatal(err)
	}
	if tb := primary(t, ds); len(tb.Rows()) != 0 || len(tb.Columns()) != 1 {
		t.Errorf("empty result: %d rows, %d columns", len(tb.Rows()), len(tb.Columns()))
	}
	mg, err := client.Mgmt(context.Background(), "prowl", kql.New(".show tables"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range mg.Tables()[0].Rows() {
		s, _ := r.StringByIndex(0)
		names = append(names, s)
	}
	if !strings.Contains(strings.Join(names, ","), "DeviceNetworkEvents") {
		t.Errorf(".show tables = %v", names)
	}
}
