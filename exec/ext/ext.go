// Package ext is how code outside the engine extends it: scalar functions, stored
// KQL functions, virtual tables and control commands. Package discovery plugs in
// through it, and so can library users; the engine never special-cases them.
package ext

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang"
	"github.com/prowl-hunt/prowl/lang/ast"
)

// Table is a tabular answer: columns with Kusto types and a stream of Arrow
// batches of schema karrow.Schema(Columns), plus notes for the user.
type Table struct {
	Columns  kusto.Schema
	Reader   array.RecordReader
	Messages []string
}

// TableSource produces the rows of a virtual table each time a query reads it.
type TableSource func(ctx context.Context) (*Table, error)

// CommandFunc runs a control command (`.unsanction app "X" with (reason="y")`).
// The engine parses the command text and dispatches on its Verb.
type CommandFunc func(ctx context.Context, cmd *ast.Command) (*Table, error)

// Registry is implemented by the engine. Registration happens when a DB opens,
// before the first query; names must not collide with built-ins.
type Registry interface {
	// RegisterFunction adds a scalar function: its signature for the binder and
	// its kernel for the evaluator.
	RegisterFunction(sig *lang.FuncSig, kernel fn.Kernel) error
	// RegisterStoredFunction adds a KQL function defined in KQL, as ADX stored
	// functions are: name and the text after `let name = `, e.g.
	// `(T:(*)) { T | summarize count() by DeviceId }`. Queries call it directly or
	// through `invoke`.
	RegisterStoredFunction(name, text string) error
	// RegisterTable adds a virtual table whose rows come from src.
	RegisterTable(name string, columns kusto.Schema, src TableSource) error
	// RegisterCommand adds a control command; verb is as ast.Command.Verb
	// ("unsanction app", "show apps").
	RegisterCommand(verb string, run CommandFunc) error
}
