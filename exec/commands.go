package exec

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/prowl-hunt/prowl/exec/eval"
	"github.com/prowl-hunt/prowl/exec/op"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
	"github.com/prowl-hunt/prowl/lang"
	"github.com/prowl-hunt/prowl/lang/ast"
)

func builtinCommand(verb string) bool {
	switch verb {
	case "show tables", "show table schema", "show table", "show functions":
		return true
	}
	return false
}

// Exec runs a control command.
func (e *Engine) Exec(ctx context.Context, text string) (*Result, error) {
	ctx = ctxOrBackground(ctx)
	script, err := lang.Parse(text)
	if err != nil {
		return nil, err
	}
	if script.Command == nil {
		return nil, fmt.Errorf("not a control command (commands start with '.'); use Query for queries")
	}
	return e.command(ctx, script.Command)
}

func (e *Engine) command(ctx context.Context, cmd *ast.Command) (*Result, error) {
	switch cmd.Verb {
	case "show tables":
		names := e.TableNames()
		return tableResult(kusto.Schema{{Name: "TableName", Type: kusto.String}, {Name: "DatabaseName", Type: kusto.String}},
			eval.NewStrings(names), eval.NewStrings(repeat("prowl", len(names))))
	case "show table schema", "show table":
		if len(cmd.Args) == 0 {
			return nil, &lang.Error{Pos: cmd.P, Msg: "which table? .show table T schema"}
		}
		name := cmd.Args[0]
		schema, ok := e.Table(name)
		if !ok {
			return nil, &lang.Error{Pos: cmd.P, Msg: fmt.Sprintf("unknown table '%s'", name)}
		}
		n := len(schema)
		cols, types, cs := make([]string, n), make([]string, n), make([]string, n)
		ords := make([]int64, n)
		for i, c := range schema {
			cols[i], types[i], cs[i], ords[i] = c.Name, c.Type.String(), "System."+c.Type.DotNetName(), int64(i)
		}
		return tableResult(kusto.Schema{{Name: "ColumnName", Type: kusto.String}, {Name: "ColumnOrdinal", Type: kusto.Int}, {Name: "DataType", Type: kusto.String}, {Name: "ColumnType", Type: kusto.String}},
			eval.NewStrings(cols), eval.NewInts(kusto.Int, ords, nil), eval.NewStrings(cs), eval.NewStrings(types))
	case "show functions":
		var names, kinds []string
		if e.cfg.Functions != nil {
			for _, n := range e.cfg.Functions.Names() {
				names = append(names, n)
				kinds = append(kinds, "builtin")
			}
		}
		e.mu.RLock()
		var ext []string
		for n := range e.funcs {
			ext = append(ext, n)
		}
		sort.Strings(ext)
		for _, n := range ext {
			names, kinds = append(names, n), append(kinds, "extension")
		}
		for _, s := range e.stored {
			names, kinds = append(names, s.name), append(kinds, "stored")
		}
		e.mu.RUnlock()
		return tableResult(kusto.Schema{{Name: "Name", Type: kusto.String}, {Name: "Kind", Type: kusto.String}},
			eval.NewStrings(names), eval.NewStrings(kinds))
	}
	e.mu.RLock()
	run, ok := e.commands[cmd.Verb]
	e.mu.RUnlock()
	if !ok {
		var verbs []string
		e.mu.RLock()
		for v := range e.commands {
			verbs = append(verbs, "."+v)
		}
		e.mu.RUnlock()
		verbs = append(verbs, ".show tables", ".show table T schema", ".show functions")
		sort.Strings(verbs)
		return nil, &lang.Error{Pos: cmd.P, Msg: fmt.Sprintf("unknown command '.%s'; known commands: %s", cmd.Verb, strings.Join(verbs, ", "))}
	}
	t, err := run(ctx, cmd)
	if err != nil {
		return nil, fmt.Errorf(".%s: %w", cmd.Verb, err)
	}
	res := &Result{budget: &op.Budget{}}
	if t == nil {
		empty, _ := tableResult(nil)
		return empty, nil
	}
	res.Columns, res.Reader, res.Messages = t.Columns, t.Reader, t.Messages
	if res.Reader == nil {
		res.Reader, _ = array.NewRecordReader(karrow.Schema(t.Columns), nil)
	}
	return res, nil
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func tableResult(cols kusto.Schema, arrs ...arrow.Array) (*Result, error) {
	schema := karrow.Schema(cols)
	var recs []arrow.RecordBatch
	if len(arrs) > 0 {
		recs = append(recs, array.NewRecordBatch(schema, arrs, int64(arrs[0].Len())))
	}
	rr, err := array.NewRecordReader(schema, recs)
	if err != nil {
		return nil, err
	}
	return &Result{Columns: cols, Reader: rr, budget: &op.Budget{}}, nil
}
