package lang

import (
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang/ast"
)

// Info is what the binder learned about a script: the type of every scalar
// expression, the schema produced by every tabular expression and operator, what
// every name refers to, and how every call was resolved. It is keyed by node,
// like go/types.Info; the tree itself is never modified.
type Info struct {
	// Types holds the Kusto type of every scalar expression.
	Types map[ast.Expr]kusto.Type
	// Schemas holds the output schema of every tabular expression (ast.Expr nodes
	// that are tabular: Pipe, DataTable, Range, Print, Union, table Idents, tabular
	// Calls) and of every tabular operator (ast.Op).
	Schemas map[ast.Node]kusto.Schema
	// Names holds the result column name of every NamedExpr (explicit or the
	// ADX default: Column1, count_, sum_X, print_0, ...). For a NamedExpr that
	// yields several columns (arg_max(T, *), percentiles, (A,B)=...), Multi holds
	// them instead.
	Names map[*ast.NamedExpr]string
	Multi map[*ast.NamedExpr][]string
	// Refs tells what each Ident (and `$left.X`/`$right.X` Member) means.
	Refs map[ast.Expr]Ref
	// Calls tells how each Call was resolved.
	Calls map[*ast.Call]*CallInfo
	// Lets maps each let statement to whether its value is tabular.
	Lets map[*ast.LetStmt]LetKind
	// Params lists the declared query parameters in order.
	Params []ast.Param
	// Query is the final tabular expression of the script (nil for a command).
	Query ast.Expr
	// JoinKind holds the effective kind of every join and lookup ("innerunique"
	// when none was written for a join, "leftouter" for a lookup).
	JoinKind map[ast.Op]string
	// Wildcards holds, for each wildcard table name of a union (Device*), the
	// names of the catalog tables it matched, in catalog order.
	Wildcards map[*ast.Ident][]string
	// Implicit holds, for a bare name that calls a function without
	// parentheses (KQL allows `f` for `f()` when every parameter has a
	// default), the Call the binder synthesised for it; that Call has entries
	// in Calls, Schemas or Types like any other. Plan the Call instead of the Ident.
	Implicit map[*ast.Ident]*ast.Call
}

// LetKind says what a let statement binds.
type LetKind uint8

// The kinds of let binding.
const (
	LetScalar LetKind = iota + 1
	LetTabular
	LetFunction
)

// RefKind says what a name refers to.
type RefKind uint8

// The kinds of name reference.
const (
	RefColumn RefKind = iota + 1 // a column of the operator's input (Column is its index)
	RefLeft                      // $left.X in a join condition (Column indexes the left schema)
	RefRight                     // $right.X in a join condition (Column indexes the right schema)
	RefTable                     // a table of the catalog (Table is its name)
	RefLet                       // a let-bound scalar or tabular value (Let)
	RefParam                     // a function parameter or declared query parameter (Param)
	RefAs                        // a name given by the `as` operator earlier in the query (As)
)

// Ref is the resolution of a name.
type Ref struct {
	Kind   RefKind
	Column int
	Table  string
	Let    *ast.LetStmt
	Param  *ast.Param
	As     *ast.As
}

// CallKind says what kind of function a call invokes.
type CallKind uint8

// The kinds of call.
const (
	CallScalar    CallKind = iota + 1 // a scalar function of the registry
	CallAggregate                     // an aggregate inside summarize (or make_* etc.)
	CallTabular                       // a tabular function of the registry (invoke discover_apps())
	CallUser                          // a let-defined function (Expansion holds its bound body)
)

// CallInfo is the resolution of one call.
type CallInfo struct {
	Kind CallKind
	// Name is the canonical function name (legacy aliases mapped: makeset→make_set).
	Name string
	// Sig is the registry entry for scalar, aggregate and tabular calls.
	Sig *FuncSig
	// Expansion is, for a call of a let-defined function, a private copy of the
	// function body for this call site with its parameters bound to the call's
	// arguments; its nodes have entries in this same Info. Body statements are
	// the function's own lets followed by its final expression.
	Expansion *ast.FuncDef
	// Args binds each parameter of a let-defined function to the call's argument
	// expression (or the parameter's default).
	Args map[*ast.Param]ast.Expr
}

// FuncKind says how a registered function is used.
type FuncKind uint8

// The kinds of registered function.
const (
	Scalar FuncKind = iota + 1
	Aggregate
	Tabular
)

// FuncSig describes a registered function to the binder: enough to check a call,
// type it, and name its result column.
type FuncSig struct {
	Name    string   // canonical name
	Aliases []string // legacy and alternative names (makeset, any, ...)
	Kind    FuncKind
	MinArgs int
	MaxArgs int // -1 for variadic
	// Result computes the result type from the argument types; it returns an
	// error (without position: the binder adds it) when the arguments do not fit.
	Result func(args []kusto.Type) (kusto.Type, error)
	// NamePrefix is, for aggregates, the prefix of the default result column name
	// ("count" gives count_, "sum" gives sum_X, "make_set" uses "set").
	NamePrefix string
	// Schema is, for tabular functions used with invoke, the output schema given
	// the input schema and argument types.
	Schema func(in kusto.Schema, args []kusto.Type) (kusto.Schema, error)
}

// Functions resolves function names for the binder. The engine's registry
// implements it (builtins plus functions registered by discovery or by library
// users); package builtin has the signatures of every built-in function.
type Functions interface {
	// Lookup returns the function with this name or alias.
	Lookup(name string) (*FuncSig, bool)
	// Names lists the canonical names, for "did you mean" suggestions and completion.
	Names() []string
}

// Tables resolves table names for the binder. The storage catalog implements it.
type Tables interface {
	// Table returns the schema of the named table.
	Table(name string) (kusto.Schema, bool)
	// TableNames lists the known tables, for suggestions and completion.
	TableNames() []string
}
