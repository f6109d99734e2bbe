package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runProwl runs the CLI in-process with piped (non-terminal) streams.
func runProwl(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{
		stdin:  strings.NewReader(stdin),
		stdout: &out,
		stderr: &errb,
		getenv: func(k string) string {
			if k == "USER" {
				return "tester"
			}
			return ""
		},
	}
	code = run(context.Background(), e, args)
	return code, out.String(), errb.String()
}

func TestHelpAndUsage(t *testing.T) {
	code, out, _ := runProwl(t, "")
	if code != 0 || !strings.Contains(out, "Commands:") || !strings.Contains(out, "query") {
		t.Errorf("prowl with no args (piped): code %d, output %q", code, out)
	}
	code, out, _ = runProwl(t, "", "help", "query")
	if code != 0 || !strings.Contains(out, "--format") || !strings.Contains(out, "usage: prowl query") {
		t.Errorf("prowl help query: code %d, output %q", code, out)
	}
	code, _, errOut := runProwl(t, "", "qurey")
	if code != 2 || !strings.Contains(errOut, `unknown command "qurey"`) {
		t.Errorf("unknown command: code %d, stderr %q", code, errOut)
	}
	code, _, errOut = runProwl(t, "", "query", "--bogus", "print 1")
	if code != 2 || !strings.Contains(errOut, "bogus") {
		t.Errorf("bad flag: code %d, stderr %q", code, errOut)
	}
}

func TestQueryFormats(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"query", "--data", dir, "print x=1, s='a,b'"}, "x,s\n1,\"a,b\"\n"},
		{[]string{"query", "--data", dir, "print d=datetime(2020-09-02 10:00), t=1d+2h", "--format", "ndjson"}, `{"d":"2020-09-02T10:00:00Z","t":"1.02:00:00"}`},
	}
	for _, tc := range tests {
		code, out, errOut := runProwl(t, "", tc.args...)
		if code != 0 || strings.TrimSpace(out) != strings.TrimSpace(tc.want) {
			t.Errorf("prowl %q: code %d\nstdout %q\nstderr %q\nwant %q", tc.args, code, out, errOut, tc.want)
		}
	}
	// JSON: the shape of cli.md (whitespace between rows is free).
	code, out, _ := runProwl(t, "", "query", "--data", dir, "--format", "json", "print x=1, s='a'")
	var doc struct {
		Columns []struct{ Name, Type string }
		Rows    [][]any
	}
	if err := json.Unmarshal([]byte(out), &doc); code != 0 || err != nil {
		t.Fatalf("json output: code %d, %v: %q", code, err, out)
	}
	if len(doc.Columns) != 2 || doc.Columns[0].Name != "x" || doc.Columns[0].Type != "long" || doc.Columns[1].Type != "string" ||
		len(doc.Rows) != 1 || doc.Rows[0][0] != float64(1) || doc.Rows[0][1] != "a" {
		t.Errorf("json output = %+v", doc)
	}
	// The query can come from standard input.
	code, out, _ = runProwl(t, "print y = 2", "query", "--data", dir)
	if code != 0 || out != "y\n2\n" {
		t.Errorf("query from stdin: code %d, output %q", code, out)
	}
}

func TestQueryErrorShowsPosition(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := runProwl(t, "", "query", "--data", dir, "DeviceNetworkEvents\n| where RemoteURL == 'x'")
	if code != 1 {
		t.Fatalf("exit code %d, want 1", code)
	}
	for _, want := range []string{"query:2:9:", "RemoteURL", "did you mean 'RemoteUrl'", "^"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestCheckExamples(t *testing.T) {
	files, err := filepath.Glob("../../examples/queries/*.kql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no example queries: %v", err)
	}
	args := append([]string{"check", "--data", t.TempDir()}, files...)
	if code, out, errOut := runProwl(t, "", args...); code != 0 {
		t.Errorf("prowl check examples: code %d\n%s%s", code, out, errOut)
	}
	bad := filepath.Join(t.TempDir(), "bad.kql")
	if err := os.WriteFile(bad, []byte("DeviceNetworkEvents\n| summarize count() by DeviceNmae\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runProwl(t, "", "check", "--data", t.TempDir(), bad)
	if code != 1 || !strings.Contains(out, bad+":2:") || !strings.Contains(out, "DeviceName") {
		t.Errorf("check bad file: code %d, output %q", code, out)
	}
	if code, out, _ := runProwl(t, "", "check", "--parse-only", bad); code != 0 {
		t.Errorf("check --parse-only of a bind error: code %d, output %q", code, out)
	}
}

func TestGenIngestQueryTag(t *testing.T) {
	dir := t.TempDir()
	if code, out, errOut := runProwl(t, "", "gen", "--out", dir, "--rows", "20000", "--days", "3", "--devices", "50", "--users", "80", "--end", "2026-01-10"); code != 0 {
		t.Fatalf("gen: code %d\n%s%s", code, out, errOut)
	}
	code, out, errOut := runProwl(t, "", "query", "--data", dir, "DeviceNetworkEvents | count")
	if code != 0 || out != "Count\n20000\n" {
		t.Fatalf("count after gen: code %d, out %q, err %q", code, out, errOut)
	}

	// Ingest: two good rows and one bad one; the good ones land, the bad one
	// goes to the reject file with its line number.
	input := `{"Timestamp":"2026-01-09T10:00:00Z","DeviceName":"x1","RemoteUrl":"ingested.example","RemotePort":443}
{"Timestamp":"not a time","DeviceName":"x2"}
{"Timestamp":"2026-01-09T11:00:00Z","DeviceName":"x3","RemoteUrl":"ingested.example","RemotePort":80}
`
	rejects := filepath.Join(t.TempDir(), "rejects.ndjson")
	code, out, _ = runProwl(t, input, "ingest", "--data", dir, "--table", "DeviceNetworkEvents", "--format", "ndjson", "--rejects", rejects, "-")
	if code != 1 || !strings.Contains(out, "2 accepted, 1 rejected") {
		t.Errorf("ingest: code %d, out %q", code, out)
	}
	rej, err := os.ReadFile(rejects)
	if err != nil || !strings.Contains(string(rej), `"line":2`) {
		t.Errorf("reject file: %q, %v", rej, err)
	}
	code, out, _ = runProwl(t, "", "query", "--data", dir, `DeviceNetworkEvents | where RemoteUrl == "ingested.example" | count`)
	if code != 0 || out != "Count\n2\n" {
		t.Errorf("ingested rows: code %d, out %q", code, out)
	}

	// Unsanction, then the indicators in RPZ form; untag withdraws them.
	code, out, errOut = runProwl(t, "", "unsanction", "Dropbox", "--data", dir, "--reason", "test", "--format", "rpz")
	if code != 0 || !strings.Contains(out, "dropbox.com CNAME .") || !strings.Contains(out, "*.dropbox.com CNAME .") {
		t.Errorf("unsanction: code %d\nout %s\nerr %s", code, out, errOut)
	}
	code, out, _ = runProwl(t, "", "query", "--data", dir, `CloudAppTags | project App, Tag, Reason, Actor`)
	if code != 0 || !strings.Contains(out, "Dropbox,Unsanctioned,test,tester") {
		t.Errorf("tags after unsanction: code %d, out %q", code, out)
	}
	code, out, _ = runProwl(t, "", "untag", "Dropbox", "--data", dir, "--format", "hosts")
	if code != 0 || strings.Contains(out, "0.0.0.0 dropbox.com") {
		t.Errorf("untag: code %d, out %q", code, out)
	}
	if code, _, errOut := runProwl(t, "", "unsanction", "Microsoft Entra ID", "--data", dir); code != 1 || errOut == "" {
		t.Errorf("unsanctioning a never-block app: code %d, stderr %q", code, errOut)
	}
}

func TestDemoPiped(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runProwl(t, "", "demo", "--data", dir, "--rows", "60000")
	if code != 0 {
		t.Fatalf("demo: code %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"1. The seed hunt", "2. Cloud discovery", "Dropbox", "3. Risky devices", "High", "5. Block it", "CNAME ."} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
}
