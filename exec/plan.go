package exec

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/exec/eval"
	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/exec/op"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang"
	"github.com/prowl-hunt/prowl/lang/ast"
)

// planner turns one bound script into operators.
type planner struct {
	e      *Engine
	info   *lang.Info
	ctx    context.Context
	ectx   *eval.Ctx
	comp   *eval.Compiler
	budget *op.Budget

	params    map[string]eval.Expr
	tabParams map[*ast.Param]func() (op.Operator, error)
	lets      map[*ast.LetStmt]*materialized
	letUses   map[*ast.LetStmt]int
	asNames   map[string]*materialized
	asOps     map[*ast.As]*materialized
	scans     []*scanInfo
	render    *ast.Render
	explain   []string
	depth     int
	// outNeed names the output columns of the operator being planned that
	// the rest of its pipe reads; nil means all.
	outNeed map[string]bool
}

func errAt(n ast.Node, format string, args ...any) error {
	if n == nil {
		return fmt.Errorf(format, args...)
	}
	return &lang.Error{Pos: n.Pos(), Msg: fmt.Sprintf(format, args...)}
}

func (p *planner) note(format string, args ...any) {
	p.explain = append(p.explain, strings.Repeat("  ", p.depth)+fmt.Sprintf(format, args...))
}

func newPlanner(ctx context.Context, e *Engine, info *lang.Info, params map[string]string) (*planner, error) {
	p := &planner{
		e:         e,
		info:      info,
		ctx:       ctx,
		ectx:      &eval.Ctx{Fn: &fn.Context{Mem: nil, Now: e.cfg.Now().UTC()}, Ctx: ctx},
		budget:    &op.Budget{Limit: e.cfg.MemoryBudget},
		params:    map[string]eval.Expr{},
		tabParams: map[*ast.Param]func() (op.Operator, error){},
		lets:      map[*ast.LetStmt]*materialized{},
		letUses:   map[*ast.LetStmt]int{},
		asNames:   map[string]*materialized{},
		asOps:     map[*ast.As]*materialized{},
	}
	p.ectx.Fn.Mem = memAlloc
	p.comp = &eval.Compiler{
		Info:    info,
		Kernel:  e.kernel,
		Ctx:     p.ectx,
		Ref:     p.scalarRef,
		Tabular: p.tabularValues,
	}
	for _, r := range info.Refs {
		if r.Kind == lang.RefLet && r.Let != nil {
			p.letUses[r.Let]++
		}
	}
	if err := p.bindParams(params); err != nil {
		return nil, err
	}
	return p, nil
}

// scalarRef resolves query parameters for the expression compiler.
func (p *planner) scalarRef(ref lang.Ref, x ast.Expr) (eval.Expr, error) {
	if ref.Kind == lang.RefParam && ref.Param != nil {
		if e, ok := p.params[ref.Param.Name]; ok {
			return e, nil
		}
		return nil, errAt(x, "no value for query parameter '%s'", ref.Param.Name)
	}
	if ref.Kind == lang.RefLet && ref.Let != nil {
		return nil, errAt(x, "'%s' is a table, not a scalar value", ref.Let.Name)
	}
	return nil, errAt(x, "cannot use this name as a value here")
}

// tabularValues evaluates a tabular expression used as a list (x in (T | ...)).
func (p *planner) tabularValues(x ast.Expr) (arrow.Array, kusto.Type, error) {
	o, err := p.plan(x)
	if err != nil {
		return nil, 0, err
	}
	defer o.Close()
	schema := o.Schema()
	if len(schema) == 0 {
		return nil, 0, errAt(x, "the tabular expression has no columns")
	}
	b, err := op.Collect(p.ctx, o, p.budget)
	if err != nil {
		return nil, 0, err
	}
	if b.Cols == nil || b.Cols[0] == nil {
		return eval.NewNulls(schema[0].Type, 0), schema[0].Type, nil
	}
	return eval.Decode(b.Cols[0]), schema[0].Type, nil
}

func (p *planner) compile(x ast.Expr) (eval.Expr, error) {
	return p.comp.Compile(x)
}

func (p *planner) schemaOf(n ast.Node) kusto.Schema {
	return p.info.Schemas[n]
}

func unparen(x ast.Expr) ast.Expr {
	for {
		q, ok := x.(*ast.Paren)
		if !ok {
			return x
		}
		x = q.X
	}
}

// plan builds the operator tree of a tabular expression.
func (p *planner) plan(x ast.Expr) (op.Operator, error) {
	if err := p.ctx.Err(); err != nil {
		return nil, err
	}
	switch x := x.(type) {
	case *ast.Paren:
		return p.plan(x.X)
	case *ast.Pipe:
		return p.pipe(x)
	case *ast.Ident:
		return p.ident(x, nil)
	case *ast.DataTable:
		return p.datatable(x)
	case *ast.Range:
		return p.rangeOp(x)
	case *ast.Print:
		return p.print(x)
	case *ast.Union:
		return p.union(x, nil)
	case *ast.Call:
		return p.tabularCall(x, nil)
	}
	return nil, errAt(x, "unsupported tabular expression %T", x)
}

func (p *planner) ident(x *ast.Ident, needed []bool) (op.Operator, error) {
	ref, ok := p.info.Refs[x]
	if !ok {
		if m, ok := p.asNames[x.Name]; ok {
			return m.replay(), nil
		}
		return nil, errAt(x, "unknown table '%s'", x.Name)
	}
	switch ref.Kind {
	case lang.RefTable:
		return p.table(x, ref.Table, needed, nil, nil)
	case lang.RefLet:
		return p.letTable(ref.Let)
	case lang.RefParam:
		if f, ok := p.tabParams[ref.Param]; ok {
			return f()
		}
		return nil, errAt(x, "tabular parameter '%s' has no value", x.Name)
	case lang.RefAs:
		if m, ok := p.asOps[ref.As]; ok {
			return m.replay(), nil
		}
		if m, ok := p.asNames[x.Name]; ok {
			return m.replay(), nil
		}
		return nil, errAt(x, "'%s' is used before its 'as'", x.Name)
	}
	return nil, errAt(x, "'%s' is not a table", x.Name)
}

func (p *planner) letTable(let *ast.LetStmt) (op.Operator, error) {
	if let.Value == nil {
		return nil, errAt(let, "'%s' is a function: call it as %s()", let.Name, let.Name)
	}
	if p.letUses[let] <= 1 {
		p.note("let %s (used once: inlined)", let.Name)
		return p.plan(let.Value)
	}
	m, ok := p.lets[let]
	if !ok {
		p.note("let %s (used %d times: evaluated once)", let.Name, p.letUses[let])
		p.depth++
		in, err := p.plan(let.Value)
		p.depth--
		if err != nil {
			return nil, err
		}
		m = &materialized{in: in, budget: p.budget}
		p.lets[let] = m
	}
	return m.replay(), nil
}

// materialized evaluates an operator once and replays its rows to many readers.
type materialized struct {
	mu      sync.Mutex
	in      op.Operator
	budget  *op.Budget
	batches []*eval.Batch
	done    bool
	err     error
}

func (m *materialized) load(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.done {
		m.done = true
		m.batches, m.err = op.Drain(ctx, m.in)
		for _, b := range m.batches {
			if m.err == nil {
				m.err = m.budget.Grow(op.BatchBytes(b))
			}
		}
		m.in.Close()
	}
	return m.err
}

func (m *materialized) replay() op.Operator { return &replay{m: m} }

type replay struct {
	m *materialized
	i int
}

func (r *replay) Schema() kusto.Schema { return r.m.in.Schema() }
func (r *replay) Close()               {}
func (r *replay) Next(ctx context.Context) (*eval.Batch, error) {
	if err := r.m.load(ctx); err != nil {
		return nil, err
	}
	if r.i >= len(r.m.batches) {
		return nil, nil
	}
	r.i++
	return r.m.batches[r.i-1], nil
}

// stream appends a streaming transform to in.
func stream(in op.Operator, t op.Transform, out kusto.Schema, c *eval.Ctx) op.Operator {
	switch x := in.(type) {
	case *op.Parallel:
		x.Steps = append(x.Steps, t)
		x.Out = out
		return x
	case *op.Pipe:
		x.Steps = append(x.Steps, t)
		x.Out = out
		return x
	}
	return &op.Pipe{In: in, Steps: []op.Transform{t}, Out: out, Ctx: c}
}

func (p *planner) pipe(x *ast.Pipe) (op.Operator, error) {
	var in op.Operator
	var err error
	src := unparen(x.Source)
	ops := x.Ops
	// A let used once whose value is a pipe is spliced in, so pushdown and
	// pruning see the whole chain: let T = X | a; T | b  is  X | a | b.
	for {
		id, ok := src.(*ast.Ident)
		if !ok {
			break
		}
		ref, ok := p.info.Refs[id]
		if !ok || ref.Kind != lang.RefLet || ref.Let == nil || ref.Let.Value == nil || p.letUses[ref.Let] > 1 {
			break
		}
		inner, ok := unparen(ref.Let.Value).(*ast.Pipe)
		if !ok {
			break
		}
		p.note("let %s (used once: inlined)", ref.Let.Name)
		src = unparen(inner.Source)
		ops = append(append([]ast.Op(nil), inner.Ops...), ops...)
	}
	if src != unparen(x.Source) {
		if _, ok := src.(*ast.Ident); !ok {
			in, err = p.plan(src)
			if err != nil {
				return nil, err
			}
			return p.ops(in, ops)
		}
	}
	if id, ok := src.(*ast.Ident); ok && p.isStoredTable(id) {
		schema := p.schemaOf(id)
		needed := neededColumns(p.info, schema, ops)
		// Leading where operators are pushed into the scan for pruning (and
		// still evaluated).
		var wheres []*ast.Where
		for _, o := range ops {
			w, ok := o.(*ast.Where)
			if !ok {
				break
			}
			wheres = append(wheres, w)
		}
		rest := ops[len(wheres):]
		if len(rest) == 1 && p.isPlainCount(rest[0]) {
			if o, ok, err := p.countFromMetadata(id, schema, wheres, p.schemaOf(rest[0])); err != nil || ok {
				return o, err
			}
		}
		in, err = p.table(id, p.info.Refs[id].Table, needed, wheres, ops)
	} else {
		in, err = p.plan(src)
	}
	if err != nil {
		return nil, err
	}
	return p.ops(in, ops)
}

// ops plans the operators of a pipe over in. Each operator learns which of
// its output columns the rest of the pipe reads (p.outNeed), so a join
// assembles only those.
func (p *planner) ops(in op.Operator, ops []ast.Op) (op.Operator, error) {
	needs := outputNeeds(p.info, ops)
	var err error
	for i, o := range ops {
		p.outNeed = needs[i]
		in, err = p.op(in, o)
		p.outNeed = nil
		if err != nil {
			return nil, err
		}
	}
	return in, nil
}

func (p *planner) isStoredTable(id *ast.Ident) bool {
	ref, ok := p.info.Refs[id]
	if !ok || ref.Kind != lang.RefTable || p.e.cfg.Source == nil {
		return false
	}
	p.e.mu.RLock()
	_, virtual := p.e.tables[ref.Table]
	p.e.mu.RUnlock()
	return !virtual
}

func (p *planner) op(in op.Operator, o ast.Op) (op.Operator, error) {
	out := p.schemaOf(o)
	inSchema := in.Schema()
	p.comp.Schema = inSchema
	switch v := o.(type) {
	case *ast.Where:
		pred, err := p.compile(v.Pred)
		if err != nil {
			return nil, err
		}
		if pred.Type() == kusto.Dynamic {
			pred = &eval.Convert{X: &eval.DynText{X: pred}, T: kusto.Bool}
		}
		return stream(in, &op.Filter{Pred: pred, Text: ast.Format(v.Pred)}, out, p.ectx), nil
	case *ast.Extend:
		return p.extend(in, v.Cols, inSchema, out, "extend")
	case *ast.Serialize:
		if len(v.Cols) == 0 {
			return in, nil
		}
		return p.extend(in, v.Cols, inSchema, out, "serialize")
	case *ast.Project:
		exprs := make([]eval.Expr, len(v.Cols))
		for i, ne := range v.Cols {
			e, err := p.compile(ne.X)
			if err != nil {
				return nil, err
			}
			exprs[i] = e
		}
		return stream(in, &op.Project{Exprs: exprs, Text: "project " + strings.Join(out.Names(), ", ")}, out, p.ectx), nil
	case *ast.ProjectAway, *ast.ProjectKeep, *ast.ProjectReorder, *ast.ProjectRename:
		renames := map[string]string{}
		if r, ok := v.(*ast.ProjectRename); ok {
			for _, pr := range r.Pairs {
				renames[pr.New] = pr.Old
			}
		}
		exprs := make([]eval.Expr, len(out))
		for i, c := range out {
			name := c.Name
			if old, ok := renames[name]; ok {
				name = old
			}
			j := inSchema.Index(name)
			if j < 0 {
				return nil, errAt(o, "internal: column '%s' not found", name)
			}
			exprs[i] = &eval.Column{Index: j, T: inSchema[j].Type}
		}
		return stream(in, &op.Project{Exprs: exprs, Text: "project " + strings.Join(out.Names(), ", ")}, out, p.ectx), nil
	case *ast.Summarize:
		return p.summarize(in, v, out)
	case *ast.Distinct:
		var keys []eval.Expr
		if v.Star {
			for i, c := range inSchema {
				keys = append(keys, &eval.Column{Index: i, T: c.Type})
			}
		} else {
			for _, x := range v.Cols {
				e, err := p.compile(x)
				if err != nil {
					return nil, err
				}
				keys = append(keys, e)
			}
		}
		p.note("distinct (hash) %s", strings.Join(out.Names(), ", "))
		return &op.Summarize{In: in, Keys: keys, Factory: p.e.cfg.Aggregates, Out: out, Ctx: p.ectx, Budget: p.budget}, nil
	case *ast.Sort:
		keys, err := p.sortKeys(v.Keys)
		if err != nil {
			return nil, err
		}
		p.note("sort by %s", describeKeys(v.Keys))
		return &op.Sort{In: in, Keys: keys, Ctx: p.ectx, Budget: p.budget}, nil
	case *ast.Top:
		n, err := p.count(v.N)
		if err != nil {
			return nil, err
		}
		keys, err := p.sortKeys(v.Keys)
		if err != nil {
			return nil, err
		}
		p.note("top %d by %s (heap)", n, describeKeys(v.Keys))
		return &op.Top{In: in, N: int(n), Keys: keys, Ctx: p.ectx}, nil
	case *ast.Take:
		n, err := p.count(v.N)
		if err != nil {
			return nil, err
		}
		// sort | take N is a top-N.
		if s, ok := in.(*op.Sort); ok {
			p.note("sort + take %d → top %d (heap)", n, n)
			return &op.Top{In: s.In, N: int(n), Keys: s.Keys, Ctx: p.ectx}, nil
		}
		p.note("take %d (stops the input early)", n)
		if par, ok := in.(*op.Parallel); ok && (par.Limit == 0 || par.Limit > n) {
			par.Limit = n
		}
		return &op.Take{In: in, N: n}, nil
	case *ast.Count:
		p.note("count")
		return &op.Count{In: in, Out: out}, nil
	case *ast.Join:
		return p.join(in, v.Right, v.On, p.info.JoinKind[v], false, out)
	case *ast.Lookup:
		return p.join(in, v.Right, v.On, p.info.JoinKind[v], true, out)
	case *ast.UnionOp:
		return p.unionWith(v.Union, in, out)
	case *ast.As:
		m := &materialized{in: in, budget: p.budget}
		p.asNames[v.Name] = m
		p.asOps[v] = m
		p.note("as %s (materialized)", v.Name)
		return m.replay(), nil
	case *ast.MvExpand:
		return p.mvExpand(in, v, out)
	case *ast.Parse:
		return p.parse(in, v, out)
	case *ast.Render:
		p.render = v
		return in, nil
	case *ast.Invoke:
		return p.tabularCall(v.Call, in)
	case *ast.GetSchema:
		in.Close()
		return p.getSchema(inSchema, out), nil
	}
	return nil, errAt(o, "unsupported operator %T", o)
}

func describeKeys(keys []*ast.SortKey) string {
	var parts []string
	for _, k := range keys {
		d := "asc"
		if k.Desc {
			d = "desc"
		}
		parts = append(parts, ast.Format(k.X)+" "+d)
	}
	return strings.Join(parts, ", ")
}

func (p *planner) extend(in op.Operator, cols []*ast.NamedExpr, inSchema, out kusto.Schema, what string) (op.Operator, error) {
	cur := append(kusto.Schema(nil), inSchema...)
	for _, ne := range cols {
		p.comp.Schema = cur
		e, err := p.compile(ne.X)
		if err != nil {
			return nil, err
		}
		name := p.info.Names[ne]
		exprs := make([]eval.Expr, 0, len(cur)+1)
		for i, c := range cur {
			exprs = append(exprs, &eval.Column{Index: i, T: c.Type})
		}
		if i := cur.Index(name); i >= 0 {
			exprs[i] = e
			cur[i].Type = e.Type()
		} else {
			exprs = append(exprs, e)
			cur = append(cur, kusto.Column{Name: name, Type: e.Type()})
		}
		in = stream(in, &op.Project{Exprs: exprs, Text: what + " " + name + " = " + ast.Format(ne.X)}, append(kusto.Schema(nil), cur...), p.ectx)
	}
	if len(cur) != len(out) {
		return nil, fmt.Errorf("internal: %s produced %d columns, binder says %d", what, len(cur), len(out))
	}
	return retype(in, out), nil
}

// retype sets the declared output schema of the last operator.
func retype(in op.Operator, out kusto.Schema) op.Operator {
	switch x := in.(type) {
	case *op.Parallel:
		x.Out = out
	case *op.Pipe:
		x.Out = out
	}
	return in
}

func (p *planner) count(x ast.Expr) (int64, error) {
	e, err := p.compile(x)
	if err != nil {
		return 0, err
	}
	k, ok := e.(*eval.Const)
	if !ok || !k.V.IsValid(0) {
		return 0, errAt(x, "the row count must be a constant")
	}
	n := eval.Ints(eval.Decode(k.V))[0]
	if n < 0 {
		n = 0
	}
	return n, nil
}

func (p *planner) sortKeys(keys []*ast.SortKey) ([]op.SortKey, error) {
	out := make([]op.SortKey, len(keys))
	for i, k := range keys {
		e, err := p.compile(k.X)
		if err != nil {
			return nil, err
		}
		out[i] = op.SortKey{X: e, Desc: k.Desc, NullsFirst: op.DefaultNullsFirst(k.Desc, k.Nulls)}
	}
	return out, nil
}

// constValue turns a constant into a Go value for agg.Spec.Consts.
func constValue(k *eval.Const) any {
	if !k.V.IsValid(0) {
		return nil
	}
	switch k.T {
	case kusto.Bool:
		return eval.Ints(k.V)[0] != 0
	case kusto.Int, kusto.Long, kusto.DateTime, kusto.TimeSpan:
		return eval.Ints(eval.Decode(k.V))[0]
	case kusto.Real:
		return eval.Floats(k.V)[0]
	case kusto.String, kusto.Guid, kusto.Dynamic:
		return eval.StringAt(k.V, 0)
	}
	return k.V.ValueStr(0)
}

func normalizeJoinKind(k string) string {
	switch k {
	case "", "innerunique":
		return "innerunique"
	case "anti", "leftantisemi":
		return "leftanti"
	case "rightantisemi":
		return "rightanti"
	case "semi":
		return "leftsemi"
	case "outer", "left":
		return "leftouter"
	}
	return k
}

func (p *planner) join(left op.Operator, rightX ast.Expr, on []*ast.JoinCond, kind string, lookup bool, out kusto.Schema) (op.Operator, error) {
	kind = normalizeJoinKind(kind)
	need := p.outNeed // read before planning the right side resets it
	p.note("join kind=%s (hash: build right, probe left)", kind)
	p.depth++
	right, err := p.plan(rightX)
	p.depth--
	if err != nil {
		return nil, err
	}
	ls, rs := left.Schema(), right.Schema()
	j := &op.Join{Left: left, Right: right, Kind: kind, Out: out, Ctx: p.ectx, Budget: p.budget}
	rightKeys := map[string]bool{}
	for _, c := range on {
		lk, err := p.compile(c.Left)
		if err != nil {
			return nil, err
		}
		rk, err := p.compile(c.Right)
		if err != nil {
			return nil, err
		}
		j.LeftKeys = append(j.LeftKeys, lk)
		j.RightKeys = append(j.RightKeys, rk)
		if col, ok := rk.(*eval.Column); ok && col.Index < len(rs) {
			rightKeys[rs[col.Index].Name] = true
		}
	}
	switch kind {
	case "leftsemi", "leftanti":
		j.LeftOut = seq(len(ls))
	case "rightsemi", "rightanti":
		j.RightOut = seq(len(rs))
	case "inner", "innerunique", "leftouter", "rightouter", "fullouter":
		j.LeftOut = seq(len(ls))
		for i, c := range rs {
			if lookup && rightKeys[c.Name] {
				continue
			}
			j.RightOut = append(j.RightOut, i)
		}
	default:
		return nil, errAt(nil, "unsupported join kind '%s'", kind)
	}
	if len(j.LeftOut)+len(j.RightOut) != len(out) {
		return nil, fmt.Errorf("internal: join produces %d columns, binder says %d", len(j.LeftOut)+len(j.RightOut), len(out))
	}
	if need != nil {
		kept := 0
		j.Skip = make([]bool, len(out))
		for k, c := range out {
			j.Skip[k] = !need[c.Name]
			if need[c.Name] {
				kept++
			}
		}
		if kept < len(out) {
			p.note("join assembles %d of %d output columns (the rest are not read later)", kept, len(out))
		}
	}
	if _, ok := left.(*op.Parallel); ok && op.ParallelProbe(kind) {
		p.note("join probe runs in the scan workers")
		return stream(left, &op.JoinProbe{J: j}, out, p.ectx), nil
	}
	return j, nil
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func (p *planner) union(u *ast.Union, in op.Operator) (op.Operator, error) {
	return p.unionWith(u, in, p.schemaOf(u))
}

func (p *planner) unionWith(u *ast.Union, in op.Operator, out kusto.Schema) (op.Operator, error) {
	un := &op.Union{Out: out, SourceCol: -1}
	if u.WithSource != "" {
		un.SourceCol = out.Index(u.WithSource)
	}
	add := func(o op.Operator, name string) {
		s := o.Schema()
		m := make([]int, len(out))
		for i, c := range out {
			m[i] = -1
			if j := s.Index(c.Name); j >= 0 && (s[j].Type == c.Type || u.Kind != "inner") {
				m[i] = j
			} else if strings.HasSuffix(c.Name, "_"+c.Type.String()) {
				base := strings.TrimSuffix(c.Name, "_"+c.Type.String())
				if j := s.Index(base); j >= 0 && s[j].Type == c.Type {
					m[i] = j
				}
			}
			if m[i] >= 0 && s[m[i]].Type != c.Type && u.Kind != "inner" && out.Index(c.Name+"_"+s[m[i]].Type.String()) >= 0 {
				m[i] = -1
			}
		}
		un.Inputs = append(un.Inputs, op.UnionInput{Op: o, Map: m, Name: name})
	}
	p.note("union kind=%s", map[bool]string{true: "inner", false: "outer"}[u.Kind == "inner"])
	p.depth++
	defer func() { p.depth-- }()
	if in != nil {
		add(in, "")
	}
	for _, t := range u.Tables {
		id, isIdent := unparen(t).(*ast.Ident)
		if isIdent && strings.Contains(id.Name, "*") {
			for _, name := range p.e.TableNames() {
				if ok, _ := pathMatch(id.Name, name); ok {
					o, err := p.tableByName(id, name)
					if err != nil {
						return nil, err
					}
					add(o, name)
				}
			}
			continue
		}
		if isIdent && u.IsFuzzy {
			if _, ok := p.info.Schemas[id]; !ok {
				continue
			}
		}
		o, err := p.plan(t)
		if err != nil {
			if u.IsFuzzy {
				continue
			}
			return nil, err
		}
		name := ""
		if isIdent {
			name = id.Name
		}
		add(o, name)
	}
	return un, nil
}

func (p *planner) tableByName(at ast.Node, name string) (op.Operator, error) {
	schema, _ := p.e.Table(name)
	needed := make([]bool, len(schema))
	for i := range needed {
		needed[i] = true
	}
	return p.tableScan(at, name, schema, needed, nil)
}

func (p *planner) mvExpand(in op.Operator, v *ast.MvExpand, out kusto.Schema) (op.Operator, error) {
	inSchema := in.Schema()
	m := &op.MvExpand{In: in, Out: out, Ctx: p.ectx, Src: make([]int, len(out)), Item: make([]int, len(out)), BagArrays: v.BagExpansion == "array"}
	names := map[string]int{}
	for i, it := range v.Items {
		e, err := p.compile(it.X)
		if err != nil {
			return nil, err
		}
		t := it.ToType
		if t == kusto.Invalid {
			t = kusto.Dynamic
		}
		m.Items = append(m.Items, op.MvItem{X: e, ToType: t})
		name := it.Name
		if name == "" {
			name = defaultName(it.X)
		}
		names[name] = i
	}
	if v.Limit != nil {
		n, err := p.count(v.Limit)
		if err != nil {
			return nil, err
		}
		m.Limit = n
	}
	appended := 0
	for c, col := range out {
		if v.WithItemIndex != "" && c == len(out)-1 {
			m.Src[c] = -2
			continue
		}
		if i, ok := names[col.Name]; ok {
			m.Src[c], m.Item[c] = -1, i
			continue
		}
		if j := inSchema.Index(col.Name); j >= 0 {
			m.Src[c] = j
			continue
		}
		// an unnamed item whose default name is Column1...
		m.Src[c], m.Item[c] = -1, min(appended, len(m.Items)-1)
		appended++
	}
	p.note("mv-expand")
	return m, nil
}

func defaultName(x ast.Expr) string {
	switch v := unparen(x).(type) {
	case *ast.Ident:
		return v.Name
	case *ast.Member:
		if d := defaultName(v.X); d != "" {
			return d + "_" + v.Name
		}
	case *ast.Index:
		if lit, ok := v.Index.(*ast.Literal); ok {
			if s, ok := lit.Value.(string); ok {
				if d := defaultName(v.X); d != "" {
					return d + "_" + s
				}
			}
		}
	}
	return ""
}

func (p *planner) parse(in op.Operator, v *ast.Parse, out kusto.Schema) (op.Operator, error) {
	x, err := p.compile(v.X)
	if err != nil {
		return nil, err
	}
	if x.Type() != kusto.String && x.Type() != kusto.Dynamic && x.Type() != kusto.Guid {
		x = &eval.Convert{X: x, T: kusto.String}
	}
	kind := v.Kind
	if kind == "" {
		kind = "simple"
	}
	ps := &op.Parse{X: x, Kind: kind, Out: out, Src: make([]int, len(out))}
	extracted := map[string]bool{}
	for _, part := range v.Pattern {
		pp := op.ParsePart{Literal: part.Literal, IsLit: part.IsLit, Star: part.Star, Type: part.Type}
		if !part.IsLit && !part.Star {
			pp.Column = out.Index(part.Column)
			extracted[part.Column] = true
		}
		ps.Parts = append(ps.Parts, pp)
	}
	inSchema := in.Schema()
	for c, col := range out {
		ps.Src[c] = -1
		if !extracted[col.Name] {
			ps.Src[c] = inSchema.Index(col.Name)
		}
	}
	if err := ps.Compile(v.Flags); err != nil {
		return nil, errAt(v, "%v", err)
	}
	return stream(in, ps, out, p.ectx), nil
}

func (p *planner) getSchema(in, out kusto.Schema) op.Operator {
	n := len(in)
	names := make([]string, n)
	ords := make([]int64, n)
	dts := make([]string, n)
	cts := make([]string, n)
	for i, c := range in {
		names[i] = c.Name
		ords[i] = int64(i)
		dts[i] = "System." + c.Type.DotNetName()
		cts[i] = c.Type.String()
	}
	b := &eval.Batch{N: n, Cols: []arrow.Array{eval.NewStrings(names), eval.NewInts(kusto.Int, ords, nil), eval.NewStrings(dts), eval.NewStrings(cts)}}
	return &op.Values{Cols: out, Batches: []*eval.Batch{b}}
}

// tabularCall runs a let-defined or stored function that returns a table; in
// is the piped input for invoke.
func (p *planner) tabularCall(c *ast.Call, in op.Operator) (op.Operator, error) {
	ci, ok := p.info.Calls[c]
	if !ok {
		return nil, errAt(c, "unresolved function '%s'", c.Name)
	}
	if ci.Kind != lang.CallUser || ci.Expansion == nil {
		return nil, errAt(c, "unsupported: tabular function '%s' has no KQL definition", c.Name)
	}
	f := ci.Expansion
	params := f.Params
	if in != nil {
		if len(params) == 0 {
			return nil, errAt(c, "function '%s' cannot be used with invoke", c.Name)
		}
		piped := in
		used := false
		m := &materialized{in: piped, budget: p.budget}
		prm := &params[0]
		p.tabParams[prm] = func() (op.Operator, error) {
			if !used {
				used = true
				return piped, nil
			}
			return nil, errAt(c, "unsupported: the invoked table is referenced twice in '%s'", c.Name)
		}
		if n := p.paramUses(prm); n > 1 {
			p.tabParams[prm] = func() (op.Operator, error) { return m.replay(), nil }
		}
		params = params[1:]
	}
	for i := range params {
		prm := &params[i]
		arg, ok := ci.Args[prm]
		if !ok {
			arg = prm.Default
		}
		if arg == nil {
			return nil, errAt(c, "missing argument '%s' of '%s'", prm.Name, c.Name)
		}
		if prm.Tabular {
			a := arg
			p.tabParams[prm] = func() (op.Operator, error) { return p.plan(a) }
			continue
		}
		e, err := p.compile(arg)
		if err != nil {
			return nil, err
		}
		p.comp.Bind(prm, e)
	}
	last, ok := f.Body[len(f.Body)-1].(*ast.ExprStmt)
	if !ok {
		return nil, errAt(c, "function '%s' does not end with an expression", c.Name)
	}
	p.note("function %s", c.Name)
	p.depth++
	defer func() { p.depth-- }()
	return p.plan(last.X)
}

func (p *planner) paramUses(prm *ast.Param) int {
	n := 0
	for _, r := range p.info.Refs {
		if r.Kind == lang.RefParam && r.Param == prm {
			n++
		}
	}
	return n
}

func (p *planner) datatable(x *ast.DataTable) (op.Operator, error) {
	ncol := len(x.Columns)
	if ncol == 0 {
		return &op.Values{Cols: x.Columns}, nil
	}
	if len(x.Values)%ncol != 0 {
		return nil, errAt(x, "datatable has %d values, not a multiple of its %d columns", len(x.Values), ncol)
	}
	nrow := len(x.Values) / ncol
	cols := make([]arrow.Array, ncol)
	for c, col := range x.Columns {
		parts := make([]arrow.Array, nrow)
		for r := 0; r < nrow; r++ {
			e, err := p.compile(x.Values[r*ncol+c])
			if err != nil {
				return nil, err
			}
			k, ok := e.(*eval.Const)
			if !ok {
				return nil, errAt(x.Values[r*ncol+c], "datatable values must be constants")
			}
			a, err := eval.Cast(k.V, col.Type)
			if err != nil {
				return nil, errAt(x.Values[r*ncol+c], "%v", err)
			}
			parts[r] = a
		}
		cols[c] = eval.Concat(col.Type, parts)
		if nrow == 0 {
			cols[c] = eval.NewNulls(col.Type, 0)
		}
	}
	return &op.Values{Cols: x.Columns, Batches: []*eval.Batch{{Cols: cols, N: nrow}}}, nil
}

func (p *planner) print(x *ast.Print) (op.Operator, error) {
	out := p.schemaOf(x)
	cols := make([]arrow.Array, len(x.Cols))
	for i, ne := range x.Cols {
		e, err := p.compile(ne.X)
		if err != nil {
			return nil, err
		}
		v, err := e.Eval(p.ectx, &eval.Batch{N: 1})
		if err != nil {
			return nil, err
		}
		cols[i] = v.Array
	}
	return &op.Values{Cols: out, Batches: []*eval.Batch{{Cols: cols, N: 1}}}, nil
}

// rangeOp plans `range x from A to B step S`; the values are generated
// lazily, a batch at a time (op.Range).
func (p *planner) rangeOp(x *ast.Range) (op.Operator, error) {
	out := p.schemaOf(x)
	var vals [3]*eval.Const
	for i, e := range []ast.Expr{x.From, x.To, x.Step} {
		c, err := p.compile(e)
		if err != nil {
			return nil, err
		}
		k, ok := c.(*eval.Const)
		if !ok || !k.V.IsValid(0) {
			return nil, errAt(e, "range bounds and step must be non-null constants")
		}
		vals[i] = k
	}
	if len(out) != 1 {
		return nil, errAt(x, "internal: range has %d columns", len(out))
	}
	if out[0].Type == kusto.Real {
		r := &op.Range{Out: out, Real: true}
		r.FFrom, r.FTo, r.FStep = eval.Floats(eval.Decode(vals[0].V))[0], eval.Floats(eval.Decode(vals[1].V))[0], eval.Floats(eval.Decode(vals[2].V))[0]
		if r.FStep == 0 || r.FStep != r.FStep {
			return nil, errAt(x.Step, "range step must not be 0")
		}
		return r, nil
	}
	r := &op.Range{Out: out}
	r.From, r.To, r.Step = eval.Ints(eval.Decode(vals[0].V))[0], eval.Ints(eval.Decode(vals[1].V))[0], eval.Ints(eval.Decode(vals[2].V))[0]
	if r.Step == 0 {
		return nil, errAt(x.Step, "range step must not be 0")
	}
	return r, nil
}

var _ = strconv.Itoa

// isPlainCount reports whether o is `count` or `summarize [N =] count()`.
func (p *planner) isPlainCount(o ast.Op) bool {
	switch v := o.(type) {
	case *ast.Count:
		return true
	case *ast.Summarize:
		if len(v.By) != 0 || len(v.Aggs) != 1 {
			return false
		}
		c, ok := unparen(v.Aggs[0].X).(*ast.Call)
		if !ok || len(c.Args) != 0 {
			return false
		}
		ci := p.info.Calls[c]
		return ci != nil && ci.Kind == lang.CallAggregate && ci.Name == "count"
	}
	return false
}
