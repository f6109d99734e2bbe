package repl

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prowl-hunt/prowl"
)

func newSession(t *testing.T) (*Session, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	db, err := prowl.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	s := &Session{DB: db, Out: &out, Err: &errb, Width: 60}
	t.Cleanup(func() {
		s.Close()
		db.Close()
	})
	return s, &out, &errb
}

func TestSessionQueryAndSave(t *testing.T) {
	s, out, errb := newSession(t)
	ctx := context.Background()
	if err := s.Run(ctx, "print n = 42, s = 'hunt'"); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.Contains(got, "42") || !strings.Contains(got, "hunt") || !strings.Contains(got, "1 row (") {
		t.Errorf("table output = %q", got)
	}
	dir := t.TempDir()
	for _, tc := range []struct{ file, want string }{
		{"r.csv", "n,s\n42,hunt\n"},
		{"r.json", "{\"columns\":[{\"name\":\"n\",\"type\":\"long\"},{\"name\":\"s\",\"type\":\"string\"}],\"rows\":[\n[42,\"hunt\"]\n]}"},
		{"r.ndjson", `{"n":42,"s":"hunt"}`},
	} {
		out.Reset()
		path := filepath.Join(dir, tc.file)
		if err := s.Run(ctx, "#save "+path); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("#save %s: %v (stderr %q)", tc.file, err, errb.String())
		}
		if strings.TrimSpace(string(b)) != strings.TrimSpace(tc.want) {
			t.Errorf("#save %s wrote %q, want %q", tc.file, b, tc.want)
		}
		if !strings.Contains(out.String(), "saved 1 row to") {
			t.Errorf("#save says %q", out.String())
		}
	}
	pq := filepath.Join(dir, "r.parquet")
	if err := s.Run(ctx, "#save "+pq); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(pq); err != nil || !bytes.HasPrefix(b, []byte("PAR1")) {
		t.Errorf("#save parquet: %v, starts %q", err, b[:min(4, len(b))])
	}
	errb.Reset()
	if err := s.Run(ctx, "#save "+filepath.Join(dir, "r.txt")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errb.String(), "want a .csv") {
		t.Errorf("#save .txt error = %q", errb.String())
	}
}

func TestSessionKeepsCappedRows(t *testing.T) {
	s, out, _ := newSession(t)
	s.KeepRows = 3
	ctx := context.Background()
	if err := s.Run(ctx, "range x from 1 to 10 step 1"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "10 rows") {
		t.Errorf("output = %q", out.String())
	}
	path := filepath.Join(t.TempDir(), "x.csv")
	out.Reset()
	if err := s.Run(ctx, "#save "+path); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if string(b) != "x\n1\n2\n3\n" {
		t.Errorf("saved %q, want the first 3 rows", b)
	}
	if !strings.Contains(out.String(), "only the first 3") {
		t.Errorf("#save did not say the result was cut: %q", out.String())
	}
}

func TestSessionCommands(t *testing.T) {
	s, out, errb := newSession(t)
	ctx := context.Background()
	tests := []struct {
		in             string
		wantOut        string
		wantErr        string
		types, explain bool
	}{
		{in: "#save " + filepath.Join(t.TempDir(), "x.csv"), wantErr: "no result yet"},
		{in: "#help", wantOut: "#save FILE"},
		{in: "#tables", wantOut: "DeviceNetworkEvents\n"},
		{in: "#schema DeviceNetworkEvents", wantOut: "RemoteUrl"},
		{in: "#schema Nope", wantErr: `no table "Nope"`},
		{in: "#schema", wantErr: "usage: #schema"},
		{in: "#types on", wantOut: "types is on", types: true},
		{in: "print b = true", wantOut: "bool", types: true},
		{in: "#types off", wantOut: "types is off"},
		{in: "#types maybe", wantErr: "usage: #types on|off"},
		{in: "#explain on", wantOut: "explain is on", explain: true},
		{in: "#explain off", wantOut: "explain is off"},
		{in: "#bogus", wantErr: "unknown command #bogus"},
		{in: "print x = ", wantErr: "query:1:"},
		{in: "NoSuchTable | take 1", wantErr: "^"},
		{in: ".show tables", wantOut: "DeviceNetworkEvents"},
		{in: "print x = 3 | render columnchart", wantOut: "███"},
	}
	for _, tc := range tests {
		out.Reset()
		errb.Reset()
		if err := s.Run(ctx, tc.in); err != nil {
			t.Fatalf("Run(%q) = %v", tc.in, err)
		}
		if tc.wantOut != "" && !strings.Contains(out.String(), tc.wantOut) {
			t.Errorf("Run(%q) printed %q, want %q in it", tc.in, out.String(), tc.wantOut)
		}
		if tc.wantErr != "" && !strings.Contains(errb.String(), tc.wantErr) {
			t.Errorf("Run(%q) reported %q, want %q in it", tc.in, errb.String(), tc.wantErr)
		}
		if tc.wantErr == "" && errb.Len() > 0 {
			t.Errorf("Run(%q) reported %q", tc.in, errb.String())
		}
		if s.Types != tc.types || s.Explain != tc.explain {
			t.Errorf("after %q: types %v explain %v", tc.in, s.Types, s.Explain)
		}
	}
	if err := s.Run(ctx, "#quit"); !errors.Is(err, ErrQuit) {
		t.Errorf("#quit = %v, want ErrQuit", err)
	}
}

func TestSessionExplain(t *testing.T) {
	s, out, errb := newSession(t)
	s.Explain = true
	if err := s.Run(context.Background(), "DeviceNetworkEvents | where RemotePort == 443 | count"); err != nil {
		t.Fatal(err)
	}
	plan, _ := s.DB.Explain(context.Background(), "DeviceNetworkEvents | where RemotePort == 443 | count", nil)
	if plan == "" || !strings.Contains(out.String(), strings.TrimSpace(plan)) || !strings.Contains(out.String(), "1 row") {
		t.Errorf("explain output = %q (stderr %q), plan %q", out.String(), errb.String(), plan)
	}
}

func TestSessionCancelled(t *testing.T) {
	s, out, errb := newSession(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Run(ctx, "print 1"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errb.String(), "query cancelled") {
		t.Errorf("cancelled query: stdout %q stderr %q", out.String(), errb.String())
	}
	// the session goes on
	errb.Reset()
	if err := s.Run(context.Background(), "print after = 1"); err != nil || !strings.Contains(out.String(), "after") {
		t.Errorf("after cancel: %v, %q %q", err, out.String(), errb.String())
	}
}

func TestSessionHistory(t *testing.T) {
	s, _, _ := newSession(t)
	path := filepath.Join(t.TempDir(), "h")
	h, err := OpenHistory(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	s.History = h
	for _, q := range []string{"print 1", "  ", "#types on"} {
		if err := s.Run(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(path)
	if string(b) != "print 1\n#types on\n" {
		t.Errorf("history file = %q", b)
	}
}

func TestSessionKeepsBoundedBytes(t *testing.T) {
	s, _, _ := newSession(t)
	s.KeepBytes = 1 // nothing fits
	if err := s.Run(context.Background(), "range x from 1 to 10 step 1"); err != nil {
		t.Fatal(err)
	}
	if s.last == nil || s.last.rows != 0 || !s.last.truncated || s.last.total != 10 {
		t.Errorf("kept %+v, want no rows of 10, truncated", s.last)
	}
}
