package ast

import (
	"fmt"

	"github.com/prowl-hunt/prowl/kusto"
)

// Pos is a position in the query text. Line and Col are 1-based; Col counts
// runes (Unicode code points) from the start of the line. Offset is the byte offset.
type Pos struct {
	Offset, Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// IsValid reports whether p is a real position (Line > 0).
func (p Pos) IsValid() bool { return p.Line > 0 }

// Node is any node of the tree.
type Node interface {
	Pos() Pos
}

// Script is a whole query text: statements separated by ';'. A query script ends
// with an ExprStmt holding the tabular expression whose result is returned.
// A control command (text starting with '.') is a script with only Command set.
type Script struct {
	Stmts   []Stmt
	Command *Command
}

// Stmt is a statement of a script or of a function body.
type Stmt interface {
	Node
	stmtNode()
}

// LetStmt binds a name: `let Name = Value;` or `let Name = (params) { body };`.
// Exactly one of Value and Func is set. Whether Value is scalar or tabular is
// decided by the binder.
type LetStmt struct {
	P     Pos
	Name  string
	Value Expr
	Func  *FuncDef
}

// FuncDef is a user-defined function: `(a:string, T:(*), n:long = 10) { lets; expr }`.
type FuncDef struct {
	P      Pos
	Params []Param
	Body   []Stmt // LetStmts followed by one final ExprStmt
}

// Param is a parameter of a function or of `declare query_parameters`.
// For a tabular parameter, Tabular is set and Columns lists the required columns
// (nil for `(*)`).
type Param struct {
	P       Pos
	Name    string
	Type    kusto.Type // scalar parameters
	Tabular bool
	Columns kusto.Schema
	Default Expr // may be nil
}

// DeclareStmt is `declare query_parameters(name:type [= default], ...)`.
type DeclareStmt struct {
	P      Pos
	Params []Param
}

// SetStmt is `set name [= value]` (query options); recorded, not interpreted.
type SetStmt struct {
	P     Pos
	Name  string
	Value Expr
}

// ExprStmt is a statement that is just an expression: the query's result.
type ExprStmt struct {
	P Pos
	X Expr
}

func (s *LetStmt) Pos() Pos     { return s.P }
func (s *DeclareStmt) Pos() Pos { return s.P }
func (s *SetStmt) Pos() Pos     { return s.P }
func (s *ExprStmt) Pos() Pos    { return s.P }
func (f *FuncDef) Pos() Pos     { return f.P }
func (p *Param) Pos() Pos       { return p.P }

func (*LetStmt) stmtNode()     {}
func (*DeclareStmt) stmtNode() {}
func (*SetStmt) stmtNode()     {}
func (*ExprStmt) stmtNode()    {}

// Command is a control command such as `.show tables`, `.show table T schema`,
// `.unsanction app "Dropbox" with (reason="...")`. Verb is the words after the dot
// up to the first argument, lower-cased and joined by single spaces ("show tables",
// "unsanction app", "export indicators"); Args are the remaining plain arguments
// (names and string literals, unquoted); Props are the `with (k=v, ...)` and
// `k=v` properties.
type Command struct {
	P     Pos
	Verb  string
	Args  []string
	Props []Property
	Text  string // the command's full text as written
}

func (c *Command) Pos() Pos { return c.P }

// Property is a `name = value` option (with (...) clauses, render properties,
// hint.* options).
type Property struct {
	P     Pos
	Name  string
	Value Expr
}

// Expr is any expression: scalar expressions and tabular expressions alike, since
// KQL lets a name or a call be either. The binder decides which each one is.
type Expr interface {
	Node
	exprNode()
}

// ---- tabular expressions ----

// Pipe is `Source | op | op ...`. Source is a table reference (Ident), a call of a
// tabular function or let-defined function, a DataTable, Range, Print, Union or a
// parenthesised tabular expression.
type Pipe struct {
	P      Pos
	Source Expr
	Ops    []Op
}

// DataTable is `datatable(a:long, b:string) [1, "x", 2, "y"]`.
type DataTable struct {
	P       Pos
	Columns kusto.Schema
	Values  []Expr // row-major literals
}

// Range is `range Name from From to To step Step`.
type Range struct {
	P              Pos
	Name           string
	From, To, Step Expr
}

// Print is `print [Name =] expr, ...`.
type Print struct {
	P    Pos
	Cols []*NamedExpr
}

// Union as a source (`union T1, T2`) or as an operator (`T | union T2`: Tables
// then holds the other tables only). Kind is "outer" (default) or "inner".
type Union struct {
	P          Pos
	Kind       string
	WithSource string
	IsFuzzy    bool
	Tables     []Expr
}

func (x *Pipe) Pos() Pos      { return x.P }
func (x *DataTable) Pos() Pos { return x.P }
func (x *Range) Pos() Pos     { return x.P }
func (x *Print) Pos() Pos     { return x.P }
func (x *Union) Pos() Pos     { return x.P }

func (*Pipe) exprNode()      {}
func (*DataTable) exprNode() {}
func (*Range) exprNode()     {}
func (*Print) exprNode()     {}
func (*Union) exprNode()     {}

// ---- tabular operators ----

// Op is one tabular operator after a pipe.
type Op interface {
	Node
	opNode()
}

// NamedExpr is an output column definition: `Name = X`, or just `X` (Name empty:
// the binder assigns the default name), or `(A, B) = X` for functions returning
// several columns (Names), as in `summarize (T, Id) = arg_max(Timestamp, DeviceId)`.
type NamedExpr struct {
	P     Pos
	Name  string
	Names []string
	X     Expr
}

func (n *NamedExpr) Pos() Pos { return n.P }

// SortKey is one key of order by / top: Desc is the direction (KQL's default is
// descending, so the parser sets Desc unless `asc` is written); Nulls is
// "first", "last" or "" (the default for the direction).
type SortKey struct {
	P     Pos
	X     Expr
	Desc  bool
	Nulls string
}

func (k *SortKey) Pos() Pos { return k.P }

// Where is `where Pred` (also `filter`).
type Where struct {
	P    Pos
	Pred Expr
}

// Project is `project a, b = x + 1`.
type Project struct {
	P    Pos
	Cols []*NamedExpr
}

// ProjectAway is `project-away a, b*` (names may contain wildcards).
type ProjectAway struct {
	P     Pos
	Names []string
}

// ProjectKeep is `project-keep a, b*`.
type ProjectKeep struct {
	P     Pos
	Names []string
}

// Rename is one `New = Old` pair of project-rename.
type Rename struct {
	P        Pos
	New, Old string
}

// ProjectRename is `project-rename New = Old, ...`.
type ProjectRename struct {
	P     Pos
	Pairs []Rename
}

// ProjectReorder is `project-reorder a, b* [asc|desc]`.
type ProjectReorder struct {
	P     Pos
	Names []string
	Order string // "", "asc", "desc", "granny-asc", "granny-desc"
}

// Extend is `extend a = x, y`.
type Extend struct {
	P    Pos
	Cols []*NamedExpr
}

// Summarize is `summarize aggs by keys`. Hints holds hint.* and other options.
type Summarize struct {
	P     Pos
	Aggs  []*NamedExpr
	By    []*NamedExpr
	Hints []Property
}

// Sort is `order by` / `sort by`.
type Sort struct {
	P    Pos
	Keys []*SortKey
}

// Top is `top N by keys`.
type Top struct {
	P    Pos
	N    Expr
	Keys []*SortKey
}

// Take is `take N` / `limit N`.
type Take struct {
	P Pos
	N Expr
}

// Count is `count`.
type Count struct {
	P Pos
}

// Distinct is `distinct a, b` or `distinct *` (Star).
type Distinct struct {
	P    Pos
	Cols []Expr
	Star bool
}

// JoinCond is one condition of a join's `on` clause. For `on Col`, Left and Right
// are both the Ident Col; for `$left.A == $right.B` they are the two sides
// (Member expressions on Ident "$left"/"$right").
type JoinCond struct {
	P           Pos
	Left, Right Expr
}

// Join is `join kind=K hint.x=y (Right) on conds`. Kind is as written ("" when
// absent: the binder treats that as "innerunique").
type Join struct {
	P     Pos
	Kind  string
	Hints []Property
	Right Expr
	On    []*JoinCond
}

// Lookup is `lookup kind=leftouter|inner (Right) on conds`.
type Lookup struct {
	P     Pos
	Kind  string
	Right Expr
	On    []*JoinCond
}

// UnionOp is `| union ...` applied to the piped input.
type UnionOp struct {
	P     Pos
	Union *Union
}

// As is `as [hint.materialized=true] Name`.
type As struct {
	P     Pos
	Name  string
	Hints []Property
}

// MvExpandItem is one column of mv-expand: `[Name =] X [to typeof(T)]`.
type MvExpandItem struct {
	P      Pos
	Name   string
	X      Expr
	ToType kusto.Type // Invalid when absent
}

// MvExpand is `mv-expand [bagexpansion=bag|array] [with_itemindex=I] items [limit N]`.
type MvExpand struct {
	P             Pos
	BagExpansion  string
	WithItemIndex string
	Items         []*MvExpandItem
	Limit         Expr
}

// ParsePart is one piece of a parse pattern: a string literal to match, a column
// to extract (Column with optional Type), or a `*` wildcard (Star).
type ParsePart struct {
	P       Pos
	Literal string
	IsLit   bool
	Column  string
	Type    kusto.Type // Invalid when not given (string)
	Star    bool
}

// Parse is `parse [kind=simple|regex|relaxed [flags=F]] X with pattern`.
type Parse struct {
	P       Pos
	Kind    string // "simple" when absent
	Flags   string
	X       Expr
	Pattern []ParsePart
}

// Render is `render Chart [with (props)]`.
type Render struct {
	P     Pos
	Chart string
	Props []Property
}

// Invoke is `invoke f(args)`.
type Invoke struct {
	P    Pos
	Call *Call
}

// Serialize is `serialize [cols]`.
type Serialize struct {
	P    Pos
	Cols []*NamedExpr
}

// GetSchema is `getschema`.
type GetSchema struct {
	P Pos
}

func (o *Where) Pos() Pos          { return o.P }
func (o *Project) Pos() Pos        { return o.P }
func (o *ProjectAway) Pos() Pos    { return o.P }
func (o *ProjectKeep) Pos() Pos    { return o.P }
func (o *ProjectRename) Pos() Pos  { return o.P }
func (o *ProjectReorder) Pos() Pos { return o.P }
func (o *Extend) Pos() Pos         { return o.P }
func (o *Summarize) Pos() Pos      { return o.P }
func (o *Sort) Pos() Pos           { return o.P }
func (o *Top) Pos() Pos            { return o.P }
func (o *Take) Pos() Pos           { return o.P }
func (o *Count) Pos() Pos          { return o.P }
func (o *Distinct) Pos() Pos       { return o.P }
func (o *Join) Pos() Pos           { return o.P }
func (o *Lookup) Pos() Pos         { return o.P }
func (o *UnionOp) Pos() Pos        { return o.P }
func (o *As) Pos() Pos             { return o.P }
func (o *MvExpand) Pos() Pos       { return o.P }
func (o *Parse) Pos() Pos          { return o.P }
func (o *Render) Pos() Pos         { return o.P }
func (o *Invoke) Pos() Pos         { return o.P }
func (o *Serialize) Pos() Pos      { return o.P }
func (o *GetSchema) Pos() Pos      { return o.P }
func (c *JoinCond) Pos() Pos       { return c.P }
func (i *MvExpandItem) Pos() Pos   { return i.P }
func (r *Rename) Pos() Pos         { return r.P }
func (p *ParsePart) Pos() Pos      { return p.P }
func (p *Property) Pos() Pos       { return p.P }

func (*Where) opNode()          {}
func (*Project) opNode()        {}
func (*ProjectAway) opNode()    {}
func (*ProjectKeep) opNode()    {}
func (*ProjectRename) opNode()  {}
func (*ProjectReorder) opNode() {}
func (*Extend) opNode()         {}
func (*Summarize) opNode()      {}
func (*Sort) opNode()           {}
func (*Top) opNode()            {}
func (*Take) opNode()           {}
func (*Count) opNode()          {}
func (*Distinct) opNode()       {}
func (*Join) opNode()           {}
func (*Lookup) opNode()         {}
func (*UnionOp) opNode()        {}
func (*As) opNode()             {}
func (*MvExpand) opNode()       {}
func (*Parse) opNode()          {}
func (*Render) opNode()         {}
func (*Invoke) opNode()         {}
func (*Serialize) opNode()      {}
func (*GetSchema) opNode()      {}

// ---- scalar expressions ----

// Literal is a constant. Value holds, by Type: bool; int32 (int); int64 (long);
// float64 (real); string (string, guid in canonical lower-case form, decimal as
// its text, dynamic as compact JSON text); int64 nanoseconds since the Unix epoch
// (datetime); int64 nanoseconds (timespan). Null literals (`int(null)`,
// `datetime(null)`) have Null set and Value nil. Text is the literal as written.
type Literal struct {
	P     Pos
	Type  kusto.Type
	Value any
	Null  bool
	Text  string
}

// Ident is a name: a column, a let name, a table, a parameter, or `$left`/`$right`.
// Quoted identifiers (['a b']) hold the unquoted name.
type Ident struct {
	P    Pos
	Name string
}

// Binary is a binary operator. Op is the operator as canonically spelled:
// arithmetic "+", "-", "*", "/", "%"; comparison "==", "!=", "<", "<=", ">", ">=",
// "=~", "!~"; logical "and", "or"; string operators "has", "!has", "has_cs",
// "!has_cs", "hasprefix", "!hasprefix", "hasprefix_cs", "!hasprefix_cs",
// "hassuffix", "!hassuffix", "hassuffix_cs", "!hassuffix_cs", "contains",
// "!contains", "contains_cs", "!contains_cs", "startswith", "!startswith",
// "startswith_cs", "!startswith_cs", "endswith", "!endswith", "endswith_cs",
// "!endswith_cs", "matches regex"; set operators "in", "!in", "in~", "!in~",
// "has_any", "has_all" (R is a *List, or a single Expr: a dynamic array, a let name
// or a tabular expression); range "between", "!between" (R is a *RangeExpr).
type Binary struct {
	P    Pos
	Op   string
	L, R Expr
}

// Unary is unary "-" or "+".
type Unary struct {
	P  Pos
	Op string
	X  Expr
}

// Call is a function call `Name(Args)`. Names are as written (legacy aliases are
// mapped by the binder). `*` as an argument is a *Star.
type Call struct {
	P    Pos
	Name string
	Args []Expr
}

// Member is `X.Name` (dynamic property access, `$left.Col`).
type Member struct {
	P    Pos
	X    Expr
	Name string
}

// Index is `X[Index]`: `x["a"]`, `x[0]`, `x[-1]`.
type Index struct {
	P     Pos
	X     Expr
	Index Expr
}

// List is a parenthesised list `(a, b, c)`, the right side of in/has_any.
type List struct {
	P     Pos
	Items []Expr
}

// RangeExpr is `(Lo .. Hi)` in between.
type RangeExpr struct {
	P      Pos
	Lo, Hi Expr
}

// Star is `*` as a function argument (`arg_max(Timestamp, *)`, `count(*)`).
type Star struct {
	P Pos
}

// Paren is a parenthesised expression `(X)`, kept so the printer reproduces it.
type Paren struct {
	P Pos
	X Expr
}

func (x *Literal) Pos() Pos   { return x.P }
func (x *Ident) Pos() Pos     { return x.P }
func (x *Binary) Pos() Pos    { return x.P }
func (x *Unary) Pos() Pos     { return x.P }
func (x *Call) Pos() Pos      { return x.P }
func (x *Member) Pos() Pos    { return x.P }
func (x *Index) Pos() Pos     { return x.P }
func (x *List) Pos() Pos      { return x.P }
func (x *RangeExpr) Pos() Pos { return x.P }
func (x *Star) Pos() Pos      { return x.P }
func (x *Paren) Pos() Pos     { return x.P }

func (*Literal) exprNode()   {}
func (*Ident) exprNode()     {}
func (*Binary) exprNode()    {}
func (*Unary) exprNode()     {}
func (*Call) exprNode()      {}
func (*Member) exprNode()    {}
func (*Index) exprNode()     {}
func (*List) exprNode()      {}
func (*RangeExpr) exprNode() {}
func (*Star) exprNode()      {}
func (*Paren) exprNode()     {}
