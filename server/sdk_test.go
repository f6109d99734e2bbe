package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-kusto-go/azkustodata"
	"github.com/Azure/azure-kusto-go/azkustodata/kql"
	"github.com/Azure/azure-kusto-go/azkustodata/query"
)

// start serves eng on a loopback port and returns its URL.
func start(t *testing.T, eng Engine, cfg Config) string {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	srv, err := New(eng, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts.URL
}

func newClient(t *testing.T, url string) *azkustodata.Client {
	t.Helper()
	client, err := azkustodata.New(azkustodata.NewConnectionStringBuilder(url))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	return client
}

func sdkQuery(t *testing.T, client *azkustodata.Client, text string, opts ...azkustodata.QueryOption) (query.Dataset, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return client.Query(ctx, "prowl", kql.New("").AddUnsafe(text), opts...)
}

func primary(t *testing.T, ds query.Dataset) query.Table {
	t.Helper()
	var found query.Table
	for _, tb := range ds.Tables() {
		if tb.Kind() == "PrimaryResult" || tb.Kind() == "QueryResult" {
			if found != nil {
				t.Fatal("two primary tables")
			}
			found = tb
		}
	}
	if found == nil {
		t.Fatalf("no primary table among %d", len(ds.Tables()))
	}
	return found
}

// TestSDKAllTypes: every Kusto type, nulls and special values round-trip
// through the Go SDK's strict v2 reader.
func TestSDKAllTypes(t *testing.T) {
	client := newClient(t, start(t, &fakeEngine{}, Config{}))
	ds, err := sdkQuery(t, client, "alltypes")
	if err != nil {
		t.Fatal(err)
	}
	tb := primary(t, ds)
	var gotCols []string
	for _, c := range tb.Columns() {
		gotCols = append(gotCols, c.Name()+":"+string(c.Type()))
	}
	if got, want := strings.Join(gotCols, ","), "b:bool,i:int,l:long,r:real,d:decimal,s:string,dt:datetime,ts:timespan,g:guid,dyn:dynamic"; got != want {
		t.Errorf("columns = %s, want %s", got, want)
	}
	rows := tb.Rows()
	if len(rows) != 4 {
		t.Fatalf("got %d rows, want 4", len(rows))
	}
	r := rows[0]
	b, _ := r.BoolByIndex(0)
	i, _ := r.IntByIndex(1)
	l, _ := r.LongByIndex(2)
	f, _ := r.RealByIndex(3)
	d, _ := r.DecimalByIndex(4)
	s, _ := r.StringByIndex(5)
	dt, _ := r.DateTimeByIndex(6)
	ts, _ := r.TimespanByIndex(7)
	g, _ := r.GuidByIndex(8)
	dyn, _ := r.DynamicByIndex(9)
	if b == nil || !*b || i == nil || *i != -42 || l == nil || *l != math.MaxInt64 || f == nil || *f != 0.25 {
		t.Errorf("row 0 numbers: %v %v %v %v", b, i, l, f)
	}
	if d == nil || d.String() != "12.5" {
		t.Errorf("decimal = %v", d)
	}
	if s != "hé \"quoted\"\nline" {
		t.Errorf("string = %q", s)
	}
	if dt == nil || !dt.Equal(testTime) {
		t.Errorf("datetime = %v, want %v", dt, testTime)
	}
	if ts == nil || *ts != testSpan {
		t.Errorf("timespan = %v, want %v", ts, testSpan)
	}
	if g == nil || g.String() != testGUID {
		t.Errorf("guid = %v", g)
	}
	if string(dyn) != `{"a":[1,2],"b":"x"}` {
		t.Errorf("dynamic = %s", dyn)
	}
	// Row 1: nulls; strings are never null.
	for c, v := range rows[1].Values() {
		if c == 5 {
			if s, _ := rows[1].StringByIndex(5); s != "" {
				t.Errorf("null string = %q, want empty", s)
			}
			continue
		}
		if gv := reflect.ValueOf(v.GetValue()); gv.IsValid() && !gv.IsNil() {
			t.Errorf("row 1 column %d = %#v, want null", c, v.GetValue())
		}
	}
	// Row 2: extremes and NaN, negative timespan, empty guid is null.
	i2, _ := rows[2].IntByIndex(1)
	l2, _ := rows[2].LongByIndex(2)
	f2, _ := rows[2].RealByIndex(3)
	ts2, _ := rows[2].TimespanByIndex(7)
	g2, _ := rows[2].GuidByIndex(8)
	dt2, _ := rows[2].DateTimeByIndex(6)
	if *i2 != math.MinInt32 || *l2 != math.MinInt64 || !math.IsNaN(*f2) || *ts2 != -1500*time.Millisecond || g2 != nil || !dt2.Equal(time.Unix(0, 0)) {
		t.Errorf("row 2 = %v %v %v %v %v %v", *i2, *l2, *f2, *ts2, g2, dt2)
	}
	f3, _ := rows[3].RealByIndex(3)
	if !math.IsInf(*f3, 1) {
		t.Errorf("row 3 real = %v, want +Inf", *f3)
	}
}

func TestSDKSyntaxError(t *testing.T) {
	client := newClient(t, start(t, &fakeEngine{}, Config{}))
	_, err := sdkQuery(t, client, "StormEvents | whre x")
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"Syntax error", `unexpected token \"x\"`, "line 1, column 7", "400"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestSDKLargeResult(t *testing.T) {
	client := newClient(t, start(t, &fakeEngine{}, Config{}))
	const n = 30_000 // TestRealLargeResult runs 100,000 through the engine
	ds, err := sdkQuery(t, client, fmt.Sprintf("range %d 7000", n))
	if err != nil {
		t.Fatal(err)
	}
	rows := primary(t, ds).Rows()
	if len(rows) != n {
		t.Fatalf("got %d rows, want %d", len(rows), n)
	}
	for i, r := range rows {
		v, err := r.LongByIndex(0)
		s, _ := r.StringByIndex(1)
		if err != nil || v == nil || *v != int64(i) || s != fmt.Sprintf("v%d", i%7) {
			t.Fatalf("row %d = %v %q %v", i, v, s, err)
		}
	}
}

func TestSDKConcurrentClients(t *testing.T) {
	url := start(t, &fakeEngine{}, Config{MaxConcurrent: 32})
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
			n := 1000 + c*137
			ds, err := client.Query(context.Background(), "prowl", kql.New("").AddUnsafe(fmt.Sprintf("range %d 500", n)))
			if err != nil {
				errs <- err
				return
			}
			var rows []query.Row
			for _, tb := range ds.Tables() {
				if tb.Kind() == "PrimaryResult" {
					rows = tb.Rows()
				}
			}
			if len(rows) != n {
				errs <- fmt.Errorf("client %d: %d rows, want %d", c, len(rows), n)
				return
			}
			last, _ := rows[n-1].LongByIndex(0)
			if *last != int64(n-1) {
				errs <- fmt.Errorf("client %d: last row %d", c, *last)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestSDKMidwayError(t *testing.T) {
	client := newClient(t, start(t, &fakeEngine{}, Config{}))
	_, err := sdkQuery(t, client, "fail after 2500")
	if err == nil || !strings.Contains(err.Error(), "corrupt page") {
		t.Fatalf("error = %v, want the scan failure", err)
	}
}

func TestSDKTruncation(t *testing.T) {
	client := newClient(t, start(t, &fakeEngine{}, Config{MaxRows: 1000}))
	_, err := sdkQuery(t, client, "range 5000 300")
	if err == nil || !strings.Contains(err.Error(), "E_QUERY_RESULT_SET_TOO_LARGE") {
		t.Fatalf("error = %v, want truncation", err)
	}
	ds, err := sdkQuery(t, client, "range 5000 300", azkustodata.NoTruncation())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(primary(t, ds).Rows()); n != 5000 {
		t.Errorf("with notruncation: %d rows, want 5000", n)
	}
	ds, err = sdkQuery(t, client, "set notruncation;\nrange 5000 300")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(primary(t, ds).Rows()); n != 5000 {
		t.Errorf("with set notruncation: %d rows, want 5000", n)
	}
	_, err = sdkQuery(t, client, "range 500 300", azkustodata.TruncationMaxRecords(100))
	if err == nil || !strings.Contains(err.Error(), "limit of 100 records") {
		t.Errorf("truncationmaxrecords=100: %v", err)
	}
}

func TestSDKParameters(t *testing.T) {
	client := newClient(t, start(t, &fakeEngine{}, Config{}))
	params := kql.NewParameters().AddString("domain", "dropbox.com").AddLong("n", 5)
	ds, err := sdkQuery(t, client, "params", azkustodata.QueryParameters(params))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range primary(t, ds).Rows() {
		k, _ := r.StringByIndex(0)
		v, _ := r.StringByIndex(1)
		got[k] = v
	}
	if got["domain"] != `"dropbox.com"` && got["domain"] != "dropbox.com" {
		t.Errorf("domain = %q", got["domain"])
	}
	if got["n"] != "long(5)" && got["n"] != "5" {
		t.Errorf("n = %q", got["n"])
	}
}

func TestSDKMgmt(t *testing.T) {
	eng := &fakeEngine{}
	client := newClient(t, start(t, eng, Config{}))
	ctx := context.Background()
	ds, err := client.Mgmt(ctx, "prowl", kql.New(".show tables"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(ds.Tables()); n != 1 {
		t.Fatalf("%d tables", n)
	}
	if s, _ := ds.Tables()[0].Rows()[0].StringByIndex(0); s != "DeviceNetworkEvents" {
		t.Errorf(".show tables row = %q", s)
	}
	ds, err = client.Mgmt(ctx, "prowl", kql.New(`.unsanction app "Dropbox"`))
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := primary(t, ds).Rows()[0].StringByIndex(1); s != "Unsanctioned" {
		t.Errorf("unsanction row = %q", s)
	}
	var texts []string
	for _, st := range ds.Status() {
		texts = append(texts, st.StatusDescription)
	}
	if !strings.Contains(strings.Join(texts, "|"), "tagged Dropbox Unsanctioned") {
		t.Errorf("status = %v, want the command's message", texts)
	}
	_, err = client.Mgmt(ctx, "prowl", kql.New(".drop everything"))
	if err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Errorf("bad command error = %v", err)
	}
}

func TestSDKServerTimeout(t *testing.T) {
	client := newClient(t, start(t, &fakeEngine{}, Config{}))
	startT := time.Now()
	_, err := sdkQuery(t, client, "block", azkustodata.ServerTimeout(200*time.Millisecond))
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("error = %v, want a timeout", err)
	}
	if d := time.Since(startT); d > 10*time.Second {
		t.Errorf("timeout took %v", d)
	}
}
