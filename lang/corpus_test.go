package lang_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/prowl-hunt/prowl/lang"
	"github.com/prowl-hunt/prowl/lang/ast"
	"github.com/prowl-hunt/prowl/lang/builtin"
	"github.com/prowl-hunt/prowl/schemas"
)

func testEnv() *lang.Env {
	return &lang.Env{Tables: schemas.Catalog{}, Functions: builtin.Functions()}
}

// ignorePos compares trees without positions and literal spellings.
var ignorePos = cmp.Options{
	cmpopts.IgnoreTypes(ast.Pos{}),
	cmpopts.IgnoreFields(ast.Literal{}, "Text"),
	cmpopts.IgnoreFields(ast.Command{}, "Text"),
	cmpopts.EquateNaNs(),
	cmpopts.EquateEmpty(),
}

func corpus(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("testdata/corpus/*.kql")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 150 {
		t.Fatalf("corpus has %d queries, want at least 150", len(files))
	}
	out := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = string(b)
	}
	return out
}

func TestCorpusParsesAndBinds(t *testing.T) {
	for name, src := range corpus(t) {
		t.Run(name, func(t *testing.T) {
			s, err := lang.Parse(src)
			if err != nil {
				t.Fatalf("parse:\n%s", formatErr(err, name, src))
			}
			info, err := lang.Bind(s, testEnv())
			if err != nil {
				t.Fatalf("bind:\n%s", formatErr(err, name, src))
			}
			if info.Query == nil {
				t.Fatal("no query")
			}
			checkInfoComplete(t, s, info)
		})
	}
}

func TestCorpusRoundTrip(t *testing.T) {
	for name, src := range corpus(t) {
		t.Run(name, func(t *testing.T) {
			s1, err := lang.Parse(src)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			printed := ast.FormatScript(s1)
			s2, err := lang.Parse(printed)
			if err != nil {
				t.Fatalf("reparse of printed form failed: %v\n%s", err, printed)
			}
			if d := cmp.Diff(s1, s2, ignorePos); d != "" {
				t.Fatalf("round trip changed the tree (-orig +reparsed):\n%s\nprinted:\n%s", d, printed)
			}
			if again := ast.FormatScript(s2); again != printed {
				t.Fatalf("printing is not stable:\n%s\n---\n%s", printed, again)
			}
		})
	}
}

func formatErr(err error, name, src string) string {
	if l, ok := err.(lang.ErrorList); ok {
		return l.Format(name, src)
	}
	return err.Error()
}

// checkInfoComplete asserts the binder annotated every node the engine needs.
func checkInfoComplete(t *testing.T, s *ast.Script, info *lang.Info) {
	t.Helper()
	var missing []string
	var visitExpr func(x ast.Expr, tabular bool)
	visitOps := func(ops []ast.Op) {
		for _, o := range ops {
			if _, ok := info.Schemas[o]; !ok {
				missing = append(missing, "schema of op "+ast.Format(o))
			}
		}
	}
	visitExpr = func(x ast.Expr, tabular bool) {
		switch v := x.(type) {
		case *ast.Pipe:
			if _, ok := info.Schemas[v]; !ok {
				missing = append(missing, "schema of pipe")
			}
			visitOps(v.Ops)
		case *ast.Call:
			if _, ok := info.Calls[v]; !ok {
				missing = append(missing, "call "+v.Name)
			}
		case *ast.Ident:
			if _, ok := info.Refs[v]; !ok && !tabular {
				missing = append(missing, "ref "+v.Name)
			}
		}
	}
	for _, st := range s.Stmts {
		if es, ok := st.(*ast.ExprStmt); ok {
			visitExpr(es.X, true)
		}
	}
	for x, ty := range info.Types {
		if ty == 0 {
			missing = append(missing, "type of "+ast.Format(x))
		}
		visitExpr(x, false)
	}
	if len(missing) > 0 {
		t.Errorf("binder left out:\n%s", strings.Join(missing, "\n"))
	}
}
