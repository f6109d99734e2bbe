package exec

import (
	"fmt"
	"strings"

	"github.com/prowl-hunt/prowl/exec/eval"
	"github.com/prowl-hunt/prowl/exec/op"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang"
	"github.com/prowl-hunt/prowl/lang/ast"
)

// bindParams converts supplied query parameter values to their declared types
// (or evaluates declared defaults).
func (p *planner) bindParams(values map[string]string) error {
	declared := map[string]bool{}
	for _, prm := range p.info.Params {
		declared[prm.Name] = true
		text, ok := values[prm.Name]
		if !ok {
			if prm.Default == nil {
				return fmt.Errorf("query parameter '%s' (%s) has no value and no default", prm.Name, prm.Type)
			}
			e, err := p.compile(prm.Default)
			if err != nil {
				return err
			}
			p.params[prm.Name] = e
			continue
		}
		k, err := p.paramValue(text, prm.Type)
		if err != nil {
			return fmt.Errorf("query parameter '%s': %w", prm.Name, err)
		}
		p.params[prm.Name] = k
	}
	for name, text := range values {
		if !declared[name] {
			p.params[name] = &eval.Const{V: eval.NewStrings([]string{text}), T: kusto.String}
		}
	}
	return nil
}

// paramValue converts a parameter's text (a KQL literal or a plain value).
func (p *planner) paramValue(text string, t kusto.Type) (*eval.Const, error) {
	trimmed := strings.TrimSpace(text)
	quoted := len(trimmed) >= 2 && (trimmed[0] == '"' || trimmed[0] == '\'' || trimmed[0] == '@' || trimmed[0] == 'h')
	if (t == kusto.String || t == kusto.Guid) && !quoted {
		return &eval.Const{V: eval.NewStrings([]string{text}), T: t}, nil
	}
	if k, ok := p.literal(trimmed); ok {
		a, err := eval.Cast(k.V, t)
		if err == nil {
			return &eval.Const{V: a, T: t}, nil
		}
		if eval.StringAt(k.V, 0) != "" && (k.T == kusto.String) {
			trimmed = eval.StringAt(k.V, 0)
		}
	}
	a, err := op.ParseValues([]string{trimmed}, t)
	if err != nil || a.IsNull(0) {
		return nil, fmt.Errorf("cannot convert %q to %s", text, t)
	}
	return &eval.Const{V: a, T: t}, nil
}

// literal evaluates a constant KQL expression text.
func (p *planner) literal(text string) (*eval.Const, bool) {
	script, err := lang.Parse("print __v = " + text)
	if err != nil || len(script.Stmts) != 1 {
		return nil, false
	}
	info, err := lang.Bind(script, &lang.Env{Functions: p.e})
	if err != nil {
		return nil, false
	}
	es, ok := script.Stmts[0].(*ast.ExprStmt)
	if !ok {
		return nil, false
	}
	pr, ok := unparen(es.X).(*ast.Print)
	if !ok || len(pr.Cols) != 1 {
		return nil, false
	}
	c := &eval.Compiler{Info: info, Kernel: p.e.kernel, Ctx: p.ectx}
	e, err := c.Compile(pr.Cols[0].X)
	if err != nil {
		return nil, false
	}
	k, ok := e.(*eval.Const)
	return k, ok
}
