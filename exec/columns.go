package exec

import (
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang"
	"github.com/prowl-hunt/prowl/lang/ast"
)

// neededColumns computes which columns of a table the operators after it read
// (projection pruning), walking the pipe backwards from its output.
func neededColumns(info *lang.Info, table kusto.Schema, ops []ast.Op) []bool {
	need := map[string]bool{}
	if len(ops) > 0 {
		for _, c := range info.Schemas[ops[len(ops)-1]] {
			need[c.Name] = true
		}
	} else {
		need = allNames(table)
	}
	need = neededThrough(info, table, ops, need)
	out := make([]bool, len(table))
	for i, c := range table {
		out[i] = need == nil || need[c.Name]
	}
	return out
}

// neededThrough walks ops backwards from the columns needed of their output
// to the columns of in (their input) they read; nil means all.
func neededThrough(info *lang.Info, in kusto.Schema, ops []ast.Op, need map[string]bool) map[string]bool {
	for i := len(ops) - 1; i >= 0 && need != nil; i-- {
		schema := in
		if i > 0 {
			schema = info.Schemas[ops[i-1]]
		}
		need = neededIn(info, ops[i], schema, need)
	}
	return need
}

// neededThroughInvoke follows an invoked function back to its table
// parameter: when the body is one pipe over that parameter, used nowhere
// else (discovery's functions are), the columns read are those the pipe's
// operators need; otherwise all (nil).
func neededThroughInvoke(info *lang.Info, v *ast.Invoke, in kusto.Schema, need map[string]bool) map[string]bool {
	ci := info.Calls[v.Call]
	if ci == nil || ci.Kind != lang.CallUser || ci.Expansion == nil || len(ci.Expansion.Params) == 0 || len(ci.Expansion.Body) != 1 {
		return nil
	}
	last, ok := ci.Expansion.Body[0].(*ast.ExprStmt)
	if !ok {
		return nil
	}
	pipe, ok := unparen(last.X).(*ast.Pipe)
	if !ok {
		return nil
	}
	src, ok := unparen(pipe.Source).(*ast.Ident)
	if !ok {
		return nil
	}
	table := &ci.Expansion.Params[0]
	if r, ok := info.Refs[src]; !ok || r.Kind != lang.RefParam || r.Param != table {
		return nil
	}
	for id, r := range info.Refs {
		if r.Kind == lang.RefParam && r.Param == table && id != src {
			return nil
		}
	}
	return neededThrough(info, in, pipe.Ops, need)
}

// outputNeeds returns, for each operator of a pipe, the columns of its
// output that the rest of the pipe reads (nil: all of them; the pipe's own
// output is all needed).
func outputNeeds(info *lang.Info, ops []ast.Op) []map[string]bool {
	needs := make([]map[string]bool, len(ops))
	var need map[string]bool
	for i := len(ops) - 1; i > 0; i-- {
		needs[i] = need
		if need == nil {
			need = allNames(info.Schemas[ops[i]])
		}
		need = neededIn(info, ops[i], info.Schemas[ops[i-1]], need)
	}
	if len(ops) > 0 {
		needs[0] = need
	}
	return needs
}

func allNames(s kusto.Schema) map[string]bool {
	m := map[string]bool{}
	for _, c := range s {
		m[c.Name] = true
	}
	return m
}

// neededIn gives the input columns op o reads to produce the needed outputs;
// nil means all.
func neededIn(info *lang.Info, o ast.Op, in kusto.Schema, need map[string]bool) (result map[string]bool) {
	pass := func() map[string]bool {
		m := map[string]bool{}
		for n := range need {
			if in.Index(n) >= 0 {
				m[n] = true
			}
		}
		return m
	}
	all := false
	add := func(m map[string]bool, xs ...ast.Expr) {
		for _, x := range xs {
			walkRefs(info, x, func(col int) {
				if col < len(in) {
					m[in[col].Name] = true
				}
			})
			// functions that name columns at run time
			ast.InspectExpr(x, func(e ast.Expr) bool {
				c, ok := e.(*ast.Call)
				if !ok || info.Calls[c] == nil {
					return true
				}
				switch info.Calls[c].Name {
				case "pack_all":
					all = true
				case "column_ifexists":
					if len(c.Args) > 0 {
						if lit, ok := c.Args[0].(*ast.Literal); ok {
							if name, ok := lit.Value.(string); ok {
								m[name] = true
							}
						}
					}
				}
				return true
			})
		}
	}
	defer func() {
		if all {
			result = nil
		}
	}()
	switch v := o.(type) {
	case *ast.Where:
		m := pass()
		add(m, v.Pred)
		return m
	case *ast.Extend, *ast.Serialize:
		var cols []*ast.NamedExpr
		if e, ok := v.(*ast.Extend); ok {
			cols = e.Cols
		} else {
			cols = v.(*ast.Serialize).Cols
		}
		m := pass()
		for _, ne := range cols {
			if in.Index(info.Names[ne]) >= 0 {
				delete(m, info.Names[ne])
			}
		}
		for _, ne := range cols {
			add(m, ne.X)
		}
		return m
	case *ast.Project:
		m := map[string]bool{}
		for _, ne := range v.Cols {
			add(m, ne.X)
		}
		return m
	case *ast.ProjectAway, *ast.ProjectKeep, *ast.ProjectReorder, *ast.Take, *ast.Render:
		return pass()
	case *ast.ProjectRename:
		m := pass()
		for _, pr := range v.Pairs {
			delete(m, pr.New)
			if need[pr.New] {
				m[pr.Old] = true
			}
		}
		return m
	case *ast.Summarize:
		m := map[string]bool{}
		for _, ne := range v.By {
			add(m, ne.X)
		}
		for _, ne := range v.Aggs {
			if hasStar(ne.X) {
				return nil
			}
			add(m, ne.X)
		}
		return m
	case *ast.Sort:
		m := pass()
		for _, k := range v.Keys {
			add(m, k.X)
		}
		return m
	case *ast.Top:
		m := pass()
		for _, k := range v.Keys {
			add(m, k.X)
		}
		return m
	case *ast.Count, *ast.GetSchema:
		return map[string]bool{}
	case *ast.Invoke:
		return neededThroughInvoke(info, v, in, need)
	case *ast.Distinct:
		if v.Star {
			return nil
		}
		m := map[string]bool{}
		add(m, v.Cols...)
		return m
	case *ast.Join, *ast.Lookup:
		var on []*ast.JoinCond
		if j, ok := v.(*ast.Join); ok {
			on = j.On
		} else {
			on = v.(*ast.Lookup).On
		}
		m := pass()
		for _, c := range on {
			if r, ok := info.Refs[c.Left]; ok && r.Kind == lang.RefLeft && r.Column < len(in) {
				m[in[r.Column].Name] = true
			}
		}
		// A semi/anti join's output is its left input; otherwise every left
		// column is in the output under its own name.
		return m
	case *ast.MvExpand:
		m := pass()
		for _, it := range v.Items {
			add(m, it.X)
		}
		return m
	case *ast.Parse:
		m := pass()
		for _, part := range v.Pattern {
			if !part.IsLit && !part.Star {
				delete(m, part.Column)
			}
		}
		add(m, v.X)
		return m
	}
	return nil
}

func hasStar(x ast.Expr) bool {
	found := false
	ast.InspectExpr(x, func(e ast.Expr) bool {
		if _, ok := e.(*ast.Star); ok {
			found = true
		}
		return !found
	})
	return found
}

// walkRefs calls f with the input column index of every column reference in
// the scalar expression x (not descending into tabular sub-expressions).
func walkRefs(info *lang.Info, x ast.Expr, f func(col int)) {
	ast.InspectExpr(x, func(e ast.Expr) bool {
		if _, tab := info.Schemas[e]; tab {
			return false
		}
		if r, ok := info.Refs[e]; ok && r.Kind == lang.RefColumn {
			f(r.Column)
		}
		if c, ok := e.(*ast.Call); ok {
			if ci := info.Calls[c]; ci != nil && ci.Kind == lang.CallUser {
				for _, a := range ci.Args {
					walkRefs(info, a, f)
				}
			}
		}
		return true
	})
}
