package server

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type rawResp struct {
	status int
	header http.Header
	body   []byte
}

func post(t *testing.T, url, path, body string, hdr map[string]string) rawResp {
	t.Helper()
	req, err := http.NewRequest("POST", url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return rawResp{resp.StatusCode, resp.Header, b}
}

func queryBody(csl string, props string) string {
	b, _ := json.Marshal(csl)
	if props == "" {
		return fmt.Sprintf(`{"db":"prowl","csl":%s}`, b)
	}
	return fmt.Sprintf(`{"db":"prowl","csl":%s,"properties":%s}`, b, props)
}

// oneAPIMessage returns @message of a OneApi error body.
func oneAPIMessage(t *testing.T, body []byte) string {
	t.Helper()
	var e oneAPIError
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body is not OneApi JSON: %v\n%s", err, body)
	}
	return e.Error.Desc
}

func TestAuthMetadata(t *testing.T) {
	url := start(t, &fakeEngine{}, Config{})
	resp, err := http.Get(url + "/v1/rest/auth/metadata")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 404 || len(b) != 0 {
		t.Errorf("metadata = %d %q, want 404 with an empty body", resp.StatusCode, b)
	}
}

func TestV1Query(t *testing.T) {
	url := start(t, &fakeEngine{}, Config{})
	r := post(t, url, "/v1/rest/query", queryBody("alltypes", ""), map[string]string{"x-ms-client-request-id": "test;42"})
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if got := r.header.Get("x-ms-client-request-id"); got != "test;42" {
		t.Errorf("client request id echoed as %q", got)
	}
	if len(r.header.Get("x-ms-activity-id")) != 36 {
		t.Errorf("activity id = %q", r.header.Get("x-ms-activity-id"))
	}
	var v1 struct {
		Tables []struct {
			TableName string
			Columns   []struct{ ColumnName, DataType, ColumnType string }
			Rows      [][]any
		}
	}
	if err := json.Unmarshal(r.body, &v1); err != nil {
		t.Fatalf("%v\n%s", err, r.body)
	}
	if len(v1.Tables) != 4 {
		t.Fatalf("%d tables, want primary, properties, status, toc", len(v1.Tables))
	}
	var types []string
	for _, c := range v1.Tables[0].Columns {
		types = append(types, c.DataType+"/"+c.ColumnType)
	}
	want := []string{"Boolean/bool", "Int32/int", "Int64/long", "Double/real", "Decimal/decimal", "String/string",
		"DateTime/datetime", "TimeSpan/timespan", "Guid/guid", "Object/dynamic"}
	if diff := cmp.Diff(want, types); diff != "" {
		t.Errorf("column types (-want +got):\n%s", diff)
	}
	row := v1.Tables[0].Rows[0]
	wantRow := []any{true, -42.0, 9.223372036854776e18, 0.25, "12.5", "hé \"quoted\"\nline",
		"2024-02-29T23:59:59.1234567Z", "1.02:03:04.5000000", testGUID, map[string]any{"a": []any{1.0, 2.0}, "b": "x"}}
	if diff := cmp.Diff(wantRow, row); diff != "" {
		t.Errorf("row 0 (-want +got):\n%s", diff)
	}
	if got := v1.Tables[0].Rows[2][3]; got != "NaN" {
		t.Errorf("NaN sent as %v", got)
	}
	toc := v1.Tables[3]
	var kinds []string
	for _, r := range toc.Rows {
		kinds = append(kinds, fmt.Sprintf("%v %v", r[0], r[1]))
	}
	if diff := cmp.Diff([]string{"0 QueryResult", "1 QueryProperties", "2 QueryStatus"}, kinds); diff != "" {
		t.Errorf("table of contents (-want +got):\n%s", diff)
	}
}

// frames splits a v2 body into its frames, checking the line layout and that
// FrameType comes first in each.
func frames(t *testing.T, body []byte) []map[string]any {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(body), "\n"), "\n")
	if lines[len(lines)-1] != "]" {
		t.Fatalf("last line %q, want ]", lines[len(lines)-1])
	}
	var out []map[string]any
	for i, l := range lines[:len(lines)-1] {
		lead := ","
		if i == 0 {
			lead = "["
		}
		if !strings.HasPrefix(l, lead+`{"FrameType":"`) {
			t.Fatalf("line %d does not start with %s{\"FrameType\": %.80s", i, lead, l)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l[1:]), &m); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		out = append(out, m)
	}
	var whole []any
	if err := json.Unmarshal(body, &whole); err != nil {
		t.Fatalf("body is not a JSON array: %v", err)
	}
	return out
}

func frameTypes(fs []map[string]any) []string {
	var out []string
	for _, f := range fs {
		s := f["FrameType"].(string)
		if k, ok := f["TableKind"]; ok {
			s += ":" + k.(string)
		}
		out = append(out, s)
	}
	return out
}

func TestV2NonFragmented(t *testing.T) {
	url := start(t, &fakeEngine{}, Config{})
	// Properties as a JSON string, as some clients send them.
	r := post(t, url, "/v2/rest/query", queryBody("range 20000 3000", `"{\"Options\":{\"results_v2_fragment_primary_tables\":false}}"`), nil)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	fs := frames(t, r.body)
	want := []string{"DataSetHeader", "DataTable:QueryProperties", "DataTable:PrimaryResult", "DataTable:QueryCompletionInformation", "DataSetCompletion"}
	if diff := cmp.Diff(want, frameTypes(fs)); diff != "" {
		t.Fatalf("frames (-want +got):\n%s", diff)
	}
	if fs[0]["IsFragmented"] != false {
		t.Errorf("header = %v", fs[0])
	}
	rows := fs[2]["Rows"].([]any)
	if len(rows) != 20000 || rows[19999].([]any)[0] != 19999.0 {
		t.Errorf("primary has %d rows", len(rows))
	}
	if fs[4]["HasErrors"] != false {
		t.Errorf("completion = %v", fs[4])
	}
}

func TestV2FragmentedRender(t *testing.T) {
	url := start(t, &fakeEngine{}, Config{})
	r := post(t, url, "/v2/rest/query", queryBody("render", `{"Options":{"results_v2_fragment_primary_tables":true}}`), nil)
	fs := frames(t, r.body)
	want := []string{"DataSetHeader", "DataTable:QueryProperties", "TableHeader:PrimaryResult", "TableFragment", "TableCompletion",
		"DataTable:QueryCompletionInformation", "DataSetCompletion"}
	if diff := cmp.Diff(want, frameTypes(fs)); diff != "" {
		t.Fatalf("frames (-want +got):\n%s", diff)
	}
	viz := fs[1]["Rows"].([]any)[0].([]any)[2].(string)
	var v map[string]any
	if err := json.Unmarshal([]byte(viz), &v); err != nil {
		t.Fatal(err)
	}
	if v["Visualization"] != "timechart" || v["Title"] != "Bytes out" {
		t.Errorf("visualization = %v", v)
	}
}

func TestV2ErrorAfterFrames(t *testing.T) {
	url := start(t, &fakeEngine{}, Config{})
	r := post(t, url, "/v2/rest/query", queryBody("fail after 1500", `{"Options":{"results_v2_fragment_primary_tables":true}}`), nil)
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	fs := frames(t, r.body)
	last := fs[len(fs)-1]
	if last["HasErrors"] != true {
		t.Fatalf("completion = %v", last)
	}
	var tc map[string]any
	for _, f := range fs {
		if f["FrameType"] == "TableCompletion" {
			tc = f
		}
	}
	if tc["RowCount"] != 1500.0 || !strings.Contains(fmt.Sprint(tc["OneApiErrors"]), "corrupt page") {
		t.Errorf("table completion = %v", tc)
	}
}

func TestErrorsBeforeFrames(t *testing.T) {
	url := start(t, &fakeEngine{}, Config{QueryTimeout: 100 * time.Millisecond})
	tests := []struct {
		name, path, body string
		status           int
		msg              string
	}{
		{"syntax", "/v2/rest/query", queryBody("T | whre", ""), 400, "at line 1, column 7"},
		{"first batch fails", "/v2/rest/query", queryBody("fail after 0", ""), 500, "corrupt page"},
		{"timeout", "/v2/rest/query", queryBody("block", ""), 504, "timed out after 100ms"},
		{"not json", "/v2/rest/query", "csl=x", 400, "not a query"},
		{"no text", "/v1/rest/query", `{"db":"x","csl":"  "}`, 400, "no query text"},
		{"bad timeout", "/v2/rest/query", queryBody("alltypes", `{"Options":{"servertimeout":"soon"}}`), 400, "servertimeout"},
		{"query on mgmt", "/v1/rest/mgmt", queryBody("alltypes", ""), 400, "control commands"},
		{"unknown route", "/v3/rest/query", queryBody("alltypes", ""), 404, "no route"},
		{"engine panic", "/v2/rest/query", queryBody("panic", ""), 500, "internal error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := post(t, url, tc.path, tc.body, nil)
			if r.status != tc.status {
				t.Errorf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if msg := oneAPIMessage(t, r.body); !strings.Contains(msg, tc.msg) {
				t.Errorf("@message %q does not contain %q", msg, tc.msg)
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	url := start(t, &fakeEngine{}, Config{MaxBodyBytes: 1000})
	r := post(t, url, "/v2/rest/query", queryBody("alltypes "+strings.Repeat("x", 2000), ""), nil)
	if r.status != 413 {
		t.Errorf("status %d, want 413: %s", r.status, r.body)
	}
	// A small gzip body that inflates past the limit is refused too.
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	zw.Write([]byte(strings.Repeat("{\"a\":1}\n", 1000)))
	zw.Close()
	r = post(t, url, "/v1/rest/ingest/prowl/T?streamFormat=Json", zb.String(), map[string]string{"Content-Encoding": "gzip"})
	if r.status != 413 {
		t.Errorf("inflated ingest: status %d, want 413: %s", r.status, r.body)
	}
}

func TestBusy(t *testing.T) {
	eng := &fakeEngine{hold: make(chan struct{})}
	url := start(t, eng, Config{MaxConcurrent: 1, QueueWait: 50 * time.Millisecond})
	done := make(chan rawResp)
	go func() { done <- post(t, url, "/v2/rest/query", queryBody("alltypes", ""), nil) }()
	for eng.running.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	r := post(t, url, "/v2/rest/query", queryBody("alltypes", ""), nil)
	if r.status != 429 || !strings.Contains(oneAPIMessage(t, r.body), "busy") {
		t.Errorf("second query: %d %s, want 429 busy", r.status, r.body)
	}
	close(eng.hold)
	if first := <-done; first.status != 200 {
		t.Errorf("first query: %d", first.status)
	}
}

func TestAuth(t *testing.T) {
	eng := &fakeEngine{}
	url := start(t, eng, Config{Token: "s3cret"})
	q := queryBody("alltypes", "")
	tests := []struct {
		name   string
		auth   string
		status int
	}{
		{"none", "", 401},
		{"wrong", "Bearer nope", 401},
		{"scheme", "Basic s3cret", 401},
		{"right", "Bearer s3cret", 200},
		{"right case", "bearer s3cret", 200},
	}
	for _, tc := range tests {
		hdr := map[string]string{}
		if tc.auth != "" {
			hdr["Authorization"] = tc.auth
		}
		if r := post(t, url, "/v2/rest/query", q, hdr); r.status != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, r.status, tc.status)
		}
	}

	// Anonymous reads on loopback: queries and .show pass, state changes do not.
	url = start(t, eng, Config{Token: "s3cret", AnonymousQueries: true})
	checks := []struct {
		path, body, auth string
		status           int
	}{
		{"/v2/rest/query", q, "", 200},
		{"/v1/rest/mgmt", queryBody(".show tables", ""), "", 200},
		{"/v1/rest/mgmt", queryBody(`.unsanction app "Dropbox"`, ""), "", 401},
		{"/v2/rest/query", queryBody(`// sneaky
.unsanction app "Dropbox"`, ""), "", 401},
		{"/v1/rest/ingest/prowl/T?streamFormat=Json", `{"a":1}`, "", 401},
		{"/v1/rest/mgmt", queryBody(`.unsanction app "Dropbox"`, ""), "Bearer s3cret", 200},
		{"/v1/rest/ingest/prowl/T?streamFormat=Json", `{"a":1}`, "Bearer s3cret", 200},
	}
	for _, c := range checks {
		hdr := map[string]string{}
		if c.auth != "" {
			hdr["Authorization"] = c.auth
		}
		if r := post(t, url, c.path, c.body, hdr); r.status != c.status {
			t.Errorf("%s %.40q auth=%q: status %d, want %d: %s", c.path, c.body, c.auth, r.status, c.status, r.body)
		}
	}
	eng.mu.Lock()
	defer eng.mu.Unlock()
	if n := len(eng.commands); n != 2 { // .show tables and the authorized .unsanction
		t.Errorf("engine ran %d commands (%q), want 2", n, eng.commands)
	}
}

func TestUnsafeConfig(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:8080", ":8080", "10.1.2.3:80", "[::]:80", "example.com:80"} {
		if _, err := New(&fakeEngine{}, Config{Addr: addr}); err == nil || !strings.Contains(err.Error(), "token") {
			t.Errorf("New(%s) without token: %v, want an error", addr, err)
		}
		if _, err := New(&fakeEngine{}, Config{Addr: addr, Token: "t"}); err != nil {
			t.Errorf("New(%s) with token: %v", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:8080", "localhost:1", "[::1]:80", "127.1.2.3:9"} {
		if _, err := New(&fakeEngine{}, Config{Addr: addr}); err != nil {
			t.Errorf("New(%s): %v", addr, err)
		}
	}
	if _, err := New(&fakeEngine{}, Config{Addr: "0.0.0.0:1", Token: "t", AnonymousQueries: true}); err == nil {
		t.Error("anonymous queries allowed on a public address")
	}
}

func TestIngest(t *testing.T) {
	eng := &fakeEngine{}
	url := start(t, eng, Config{})
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	zw.Write([]byte("{\"RemoteUrl\":\"dropbox.com\"}\nnot json\n{\"RemoteUrl\":\"box.com\"}\n"))
	zw.Close()
	r := post(t, url, "/v1/rest/ingest/prowl/DeviceNetworkEvents?streamFormat=Json", zb.String(), map[string]string{"Content-Encoding": "gzip"})
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if !strings.Contains(string(r.body), `"Rows":[["DeviceNetworkEvents",2,1]]`) {
		t.Errorf("answer = %s", r.body)
	}
	r = post(t, url, "/v1/rest/ingest/prowl/T?streamFormat=Avro", "x", nil)
	if r.status != 400 || !strings.Contains(oneAPIMessage(t, r.body), "Avro") {
		t.Errorf("avro: %d %s", r.status, r.body)
	}
	r = post(t, url, "/v1/rest/ingest/prowl/T?streamFormat=Csv", "a,b\n1,2\n", nil)
	if r.status != 200 {
		t.Errorf("csv: %d %s", r.status, r.body)
	}
	eng.mu.Lock()
	defer eng.mu.Unlock()
	want := []string{`DeviceNetworkEvents:ndjson:{"RemoteUrl":"dropbox.com"}`, `DeviceNetworkEvents:ndjson:{"RemoteUrl":"box.com"}`, "T:csv:a,b", "T:csv:1,2"}
	if diff := cmp.Diff(want, eng.ingested); diff != "" {
		t.Errorf("ingested (-want +got):\n%s", diff)
	}
}

// TestStreaming checks that frames leave as batches arrive: the first
// batch's fragment reaches the client while the engine holds back the rest.
func TestStreaming(t *testing.T) {
	eng := &fakeEngine{gate: make(chan struct{})}
	url := start(t, eng, Config{})
	req, _ := http.NewRequest("POST", url+"/v2/rest/query",
		strings.NewReader(queryBody("range 30000 10000", `{"Options":{"results_v2_fragment_primary_tables":true}}`)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	var seen []string
	released := false
	rows := 0
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("after %v: %v", seen, err)
		}
		if line == "]\n" {
			break
		}
		var f struct {
			FrameType string
			Rows      []json.RawMessage
		}
		if err := json.Unmarshal([]byte(line[1:]), &f); err != nil {
			t.Fatal(err)
		}
		seen = append(seen, f.FrameType)
		if f.FrameType == "TableFragment" {
			rows += len(f.Rows)
		}
		if f.FrameType == "TableFragment" && !released {
			// Only the first batch exists yet.
			if rows != 10000 {
				t.Errorf("first fragment has %d rows, want the first batch's 10000", rows)
			}
			released = true
			close(eng.gate)
		}
	}
	if !released || rows != 30000 {
		t.Errorf("frames %v, %d rows", seen, rows)
	}
}

// TestV1Exceptions: a truncated or failing v1 result ends its rows with an
// {"Exceptions":[...]} entry, as Kusto does.
func TestV1Exceptions(t *testing.T) {
	url := start(t, &fakeEngine{}, Config{MaxRows: 10})
	for _, tc := range []struct {
		csl      string
		rows     int
		contains string
	}{
		{"range 50 20", 10, "E_QUERY_RESULT_SET_TOO_LARGE"},
		{"fail after 5", 5, "corrupt page"},
	} {
		r := post(t, url, "/v1/rest/query", queryBody(tc.csl, ""), nil)
		var v1 struct {
			Tables []struct{ Rows []json.RawMessage }
		}
		if err := json.Unmarshal(r.body, &v1); err != nil {
			t.Fatalf("%s: %v\n%s", tc.csl, err, r.body)
		}
		rows := v1.Tables[0].Rows
		if len(rows) != tc.rows+1 {
			t.Fatalf("%s: %d entries, want %d rows and the exception", tc.csl, len(rows), tc.rows)
		}
		last := string(rows[len(rows)-1])
		if !strings.HasPrefix(last, `{"Exceptions":[`) || !strings.Contains(last, tc.contains) {
			t.Errorf("%s: last entry %s", tc.csl, last)
		}
	}
}
