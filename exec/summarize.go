package exec

import (
	"strconv"
	"strings"

	"github.com/prowl-hunt/prowl/exec/agg"
	"github.com/prowl-hunt/prowl/exec/eval"
	"github.com/prowl-hunt/prowl/exec/op"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang"
	"github.com/prowl-hunt/prowl/lang/ast"
)

// summarize plans a summarize. When every aggregation is a single aggregate
// call the hash aggregation produces the output directly. When some are
// expressions over aggregates (count() * 2, round(sum(x) / 1e9, 1)), each
// distinct aggregate call becomes a hidden column of the aggregation and a
// projection on top evaluates the expressions over those columns and the keys.
func (p *planner) summarize(in op.Operator, v *ast.Summarize, out kusto.Schema) (op.Operator, error) {
	if p.e.cfg.Aggregates == nil {
		return nil, errAt(v, "summarize: no aggregate functions are available")
	}
	inSchema := in.Schema()
	p.comp.Schema = inSchema
	var keys []eval.Expr
	var keyNames []string
	for _, ne := range v.By {
		e, err := p.compile(ne.X)
		if err != nil {
			return nil, err
		}
		keys = append(keys, e)
		keyNames = append(keyNames, p.info.Names[ne])
	}
	if len(out) < len(keys) {
		return nil, errAt(v, "internal: summarize output mismatch")
	}
	plain := true
	for _, ne := range v.Aggs {
		if _, ci := p.aggregateCall(ne.X); ci == nil {
			plain = false
		}
	}
	if plain {
		col := len(keys)
		var calls []op.AggCall
		var descr []string
		for _, ne := range v.Aggs {
			call, ci := p.aggregateCall(ne.X)
			ncols := 1
			if names, multi := p.info.Multi[ne]; multi {
				ncols = len(names)
			}
			if col+ncols > len(out) {
				return nil, errAt(ne, "internal: summarize output mismatch")
			}
			var types []kusto.Type
			for i := 0; i < ncols; i++ {
				types = append(types, out[col+i].Type)
			}
			col += ncols
			c, err := p.aggCall(call, ci, types, inSchema, keyNames)
			if err != nil {
				return nil, err
			}
			calls = append(calls, c)
			descr = append(descr, ast.Format(ne.X))
		}
		p.noteSummarize(in, descr, keyNames)
		return &op.Summarize{In: in, Keys: keys, Aggs: calls, Factory: p.e.cfg.Aggregates, Out: out, Ctx: p.ectx, Budget: p.budget}, nil
	}
	return p.summarizeExprs(in, v, out, keys, keyNames)
}

// summarizeExprs plans a summarize whose aggregations include expressions
// over aggregates: hidden aggregate columns, then a projection.
func (p *planner) summarizeExprs(in op.Operator, v *ast.Summarize, out kusto.Schema, keys []eval.Expr, keyNames []string) (op.Operator, error) {
	inSchema := in.Schema()
	hidden := append(kusto.Schema(nil), out[:len(keys)]...)
	var calls []op.AggCall
	var descr []string
	seen := map[string]int{} // aggregate call text -> hidden column
	addAgg := func(call *ast.Call, ci *lang.CallInfo, types []kusto.Type) (int, error) {
		c, err := p.aggCall(call, ci, types, inSchema, keyNames)
		if err != nil {
			return 0, err
		}
		first := len(hidden)
		for _, t := range types {
			hidden = append(hidden, kusto.Column{Name: "__agg" + strconv.Itoa(len(hidden)), Type: t})
		}
		calls = append(calls, c)
		descr = append(descr, ast.Format(call))
		return first, nil
	}
	// keyOf finds the by key that is exactly this input column.
	keyOf := func(name string) int {
		for i, ne := range v.By {
			if id, ok := unparen(ne.X).(*ast.Ident); ok && id.Name == name {
				if r, ok := p.info.Refs[id]; ok && r.Kind == lang.RefColumn {
					return i
				}
			}
		}
		return -1
	}
	subst := map[ast.Expr]eval.Expr{}
	final := make([]eval.Expr, 0, len(out))
	for i := range keys {
		final = append(final, &eval.Column{Index: i, T: out[i].Type})
	}
	for _, ne := range v.Aggs {
		if call, ci := p.aggregateCall(ne.X); ci != nil {
			ncols := 1
			if names, multi := p.info.Multi[ne]; multi {
				ncols = len(names)
			}
			col := len(final)
			if col+ncols > len(out) {
				return nil, errAt(ne, "internal: summarize output mismatch")
			}
			types := make([]kusto.Type, ncols)
			for i := range types {
				types[i] = out[col+i].Type
			}
			first, err := p.sharedAgg(seen, call, ci, types, addAgg)
			if err != nil {
				return nil, err
			}
			for i, t := range types {
				final = append(final, &eval.Column{Index: first + i, T: t})
			}
			continue
		}
		var werr error
		ast.InspectExpr(ne.X, func(x ast.Expr) bool {
			if werr != nil {
				return false
			}
			if _, tab := p.info.Schemas[x]; tab {
				return false
			}
			if c, ok := x.(*ast.Call); ok {
				ci := p.info.Calls[c]
				if ci == nil || ci.Kind != lang.CallAggregate {
					return true
				}
				if multiColumnAgg(ci.Name, c) {
					werr = errAt(c, "unsupported: '%s' returns several columns and cannot be used inside an expression", c.Name)
					return false
				}
				t := p.info.Types[c]
				first, err := p.sharedAgg(seen, c, ci, []kusto.Type{t}, addAgg)
				if err != nil {
					werr = err
					return false
				}
				subst[c] = &eval.Column{Index: first, T: t}
				return false
			}
			if r, ok := p.info.Refs[x]; ok && r.Kind == lang.RefColumn {
				id, isIdent := x.(*ast.Ident)
				k := -1
				if isIdent {
					k = keyOf(id.Name)
				}
				if k < 0 {
					name := ast.Format(x)
					werr = errAt(x, "column '%s' is used outside an aggregate: aggregate it (take_any(%s)) or add it to the by clause", name, name)
					return false
				}
				subst[x] = &eval.Column{Index: k, T: out[k].Type}
			}
			return true
		})
		if werr != nil {
			return nil, werr
		}
		final = append(final, nil) // compiled below, once hidden is complete
	}
	if len(final) != len(out) {
		return nil, errAt(v, "internal: summarize produces %d columns, binder says %d", len(final), len(out))
	}
	sum := &op.Summarize{In: in, Keys: keys, Aggs: calls, Factory: p.e.cfg.Aggregates, Out: hidden, Ctx: p.ectx, Budget: p.budget}
	p.comp.Schema = hidden
	p.comp.Subst = subst
	defer func() { p.comp.Subst = nil }()
	agg := len(keys)
	for _, ne := range v.Aggs {
		if _, ci := p.aggregateCall(ne.X); ci != nil {
			if names, multi := p.info.Multi[ne]; multi {
				agg += len(names)
			} else {
				agg++
			}
			continue
		}
		e, err := p.compile(ne.X)
		if err != nil {
			return nil, err
		}
		if e.Type() != out[agg].Type {
			e = &eval.Convert{X: e, T: out[agg].Type}
		}
		final[agg] = e
		agg++
	}
	p.noteSummarize(in, descr, keyNames)
	p.note("then project %s over the aggregates", strings.Join(out.Names(), ", "))
	return stream(sum, &op.Project{Exprs: final, Text: "project " + strings.Join(out.Names(), ", ")}, out, p.ectx), nil
}

// sharedAgg returns the hidden column of an aggregate call, adding it the
// first time: the same aggregate written twice is computed once.
func (p *planner) sharedAgg(seen map[string]int, call *ast.Call, ci *lang.CallInfo, types []kusto.Type,
	add func(*ast.Call, *lang.CallInfo, []kusto.Type) (int, error)) (int, error) {
	var b strings.Builder
	b.WriteString(ci.Name)
	b.WriteByte('(')
	for i, a := range call.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(ast.Format(a))
	}
	b.WriteByte(')')
	for _, t := range types {
		b.WriteString(":" + t.String())
	}
	key := b.String()
	if first, ok := seen[key]; ok {
		return first, nil
	}
	first, err := add(call, ci, types)
	if err != nil {
		return 0, err
	}
	seen[key] = first
	return first, nil
}

// multiColumnAgg reports whether an aggregate call yields several columns.
func multiColumnAgg(name string, c *ast.Call) bool {
	switch name {
	case "arg_max", "arg_min", "percentiles":
		return true
	case "take_any":
		if len(c.Args) > 1 {
			return true
		}
		for _, a := range c.Args {
			if _, star := a.(*ast.Star); star {
				return true
			}
		}
	}
	return false
}

// aggregateCall returns x as an aggregate call, if it is one.
func (p *planner) aggregateCall(x ast.Expr) (*ast.Call, *lang.CallInfo) {
	call, ok := unparen(x).(*ast.Call)
	if !ok {
		return nil, nil
	}
	ci := p.info.Calls[call]
	if ci == nil || ci.Kind != lang.CallAggregate {
		return nil, nil
	}
	return call, ci
}

// aggCall compiles one aggregate call producing columns of the given types.
// A * argument expands to the input columns not otherwise named (and not by
// keys), as in arg_max(Timestamp, *).
func (p *planner) aggCall(call *ast.Call, ci *lang.CallInfo, types []kusto.Type, inSchema kusto.Schema, keyNames []string) (op.AggCall, error) {
	spec := &agg.Spec{Name: ci.Name, Out: types}
	var args []eval.Expr
	present := map[string]bool{}
	for _, a := range call.Args {
		if id, ok := a.(*ast.Ident); ok {
			present[id.Name] = true
		}
	}
	for _, a := range call.Args {
		if _, star := a.(*ast.Star); star {
			if ci.Name == "count" {
				continue
			}
			for i, c := range inSchema {
				skip := present[c.Name]
				for _, k := range keyNames {
					skip = skip || k == c.Name
				}
				if !skip {
					present[c.Name] = true
					args = append(args, &eval.Column{Index: i, T: c.Type})
				}
			}
			continue
		}
		e, err := p.compile(a)
		if err != nil {
			return op.AggCall{}, err
		}
		args = append(args, e)
	}
	for _, a := range args {
		spec.Args = append(spec.Args, a.Type())
		if k, ok := a.(*eval.Const); ok {
			spec.Consts = append(spec.Consts, constValue(k))
		} else {
			spec.Consts = append(spec.Consts, nil)
		}
	}
	return op.AggCall{Spec: spec, Args: args}, nil
}

func (p *planner) noteSummarize(in op.Operator, descr, keyNames []string) {
	mode := ""
	if _, ok := in.(*op.Parallel); ok {
		mode = " (per-worker partial aggregation, merged)"
	}
	by := ""
	if len(keyNames) > 0 {
		by = " by " + strings.Join(keyNames, ", ")
	}
	p.note("summarize %s%s%s", strings.Join(descr, ", "), by, mode)
}
