package lang_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/prowl-hunt/prowl/lang"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestErrorGolden checks the caret-formatted diagnostics of every
// testdata/errors/*.kql against its .golden file (go test -update rewrites them).
func TestErrorGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/errors/*.kql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no error cases: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			src := string(b)
			name := filepath.Base(f)
			s, err := lang.Parse(src)
			if err == nil {
				_, err = lang.Bind(s, testEnv())
			}
			if err == nil {
				t.Fatal("no error")
			}
			got := err.(lang.ErrorList).Format(name, src)
			golden := strings.TrimSuffix(f, ".kql") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if d := cmp.Diff(string(want), got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}
