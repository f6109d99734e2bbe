// Package lang turns KQL text into a checked syntax tree: the lexer and parser
// (Parse), the binder that resolves names and types (Bind), and diagnostics with
// positions.
//
// # Public API
//
//	func Parse(src string) (*ast.Script, error)      // error is an ErrorList
//	func ParseExpr(src string) (ast.Expr, error)
//	func Bind(s *ast.Script, env *Env) (*Info, error) // error is an ErrorList
//	type Env struct {
//		Tables     Tables               // the catalog (may be nil: no tables)
//		Functions  Functions            // builtin.Functions() or the engine registry
//		Stored     []*ast.LetStmt       // stored functions, as if let-declared before the query
//		ParamTypes map[string]kusto.Type // types of query parameters not declared in the text
//	}
//	func ParseDateTimeText(s string) (int64, error)   // datetime literal/todatetime text forms
//
// Package ast: ast.Format(node) and ast.FormatScript(script) print canonical
// KQL; ast.Clone(node) deep-copies a tree.
//
// Package lang/builtin has the signatures of every built-in function:
// builtin.Functions() (shared, read-only) and builtin.New() (a copy to extend).
//
// # Parser
//
// The lexer is participle/v2's stateful lexer (kqlLexer in plexer.go): one
// rule per lexical form of KQL (white space and // comments, identifiers with
// Unicode letters and $left/$right, quoted, verbatim @"" and obfuscated h""
// strings, ```multi-line``` strings, hex, integer, real and timespan literals,
// and punctuation, longest first), with an "AfterDot" state so that 1..5 and
// a...5 lex as in Kusto. Go's regexp has no look-around, so lex does three
// small fix-ups while converting participle tokens: "1." followed by a
// non-name character is the real 1.; h/H directly before a string makes it an
// obfuscated string; a typed literal name followed by raw text in parentheses
// (datetime(2020-09-02T10:00Z), int(null)) becomes one token and the
// participle lexer restarts after the ')'. String escapes, timespan units and
// lexical errors are decoded and reported there too.
//
// The parser is a participle/v2 grammar (grammar.go) for everything above
// the scalar expression: statements (let, declare query_parameters, set,
// function definitions), the pipe, every tabular source and operator with its
// options, and control commands. ptokens (ptokens.go) feeds it lex's tokens,
// each carrying its index in lex's token slice as Pos.Offset, with the
// fix-ups that need adjacency: `!has`, `in~` and hyphenated operator names
// after '|' become one token, and an elided Glue token marks touching tokens
// (hint.strategy, Device*). KQL keywords are context-dependent, so operator
// names are identifiers matched by value; lookahead is 0 and the few places
// that must look further use predicate productions (predicates.go). gOp
// (ops.go) picks the operator's production by its name instead of trying
// two dozen alternatives. convert.go turns the grammar structs into lang/ast
// and does the semantic checks.
//
// Scalar expressions are one custom production (exprprod.go): gExpr, and its
// variants for operands, unsigned operands and column lists, runs the
// hand-written precedence-climbing parser of parser.go over lex's token
// slice from the current token's index, then moves participle's
// PeekingLexer past what it consumed and hands over the finished ast.Expr.
// A tabular pipe inside an expression (a call argument, a parenthesis, the
// list of in) goes back into the grammar for its operators. participle
// builds custom productions without context, so a running parse registers
// its converter in a map keyed by its token array and removes it when done
// (exprprod.go): the package's one piece of mutable state, safe for
// concurrent parses (TestExprProductionConcurrent). The reason is
// speed: participle spends ~0.45 µs per grammar node (a parse-context copy per
// branch, reflect.New per struct attempt, deferred captures), and a full
// grammar visits ~6,200 nodes for the 40-line hunting query of
// BenchmarkParseBind, 4,500 of them inside expressions; it took 1.0-2.9 ms.
// With expressions and column lists hand-written and operators dispatched
// by name, parse+bind of that query takes 0.53-0.61 ms (3,078 allocations)
// on the shared 2-core development machine, against 0.25-0.31 ms for a
// hand-written parser of the whole language measured at the same moment.
//
// Messages say what was expected at the exact token ("expected ')' to close
// the call of f, found ';'"); the parser recovers at ';' so each statement
// can report an error; brackets nested deeper than 100 are an error before
// parsing starts.
//
// What the parser guarantees:
//   - Integer literals are long; `int(5)` is int. A minus applied to a long,
//     real or timespan literal is folded into the Literal (Text "-5").
//   - Query text must be valid UTF-8; identifiers may hold Unicode letters.
//   - Adjacent string literals are concatenated into one Literal.
//   - Sort keys default to Desc (KQL's default); Nulls is "" unless written.
//   - The right side of in/!in/in~/!in~/has_any/has_all is a *ast.List, or, when
//     the parenthesised list holds one tabular expression (a Pipe, DataTable,
//     ...), that expression itself; without parentheses it is the expression
//     written (a dynamic literal or a let name).
//   - between's right side is a *ast.RangeExpr.
//   - Parenthesised expressions are *ast.Paren (a tabular one holds a Pipe).
//   - join/lookup Right is the tabular expression inside the parentheses (or the
//     bare name). `on X` gives a JoinCond whose Left and Right are two distinct
//     Ident nodes named X (so each gets its own Ref).
//   - `typeof(T)` (in extract(..., typeof(long)) etc.) is a Call named typeof
//     whose single argument is an Ident naming the type.
//   - Tier-1 operators give "operator 'make-series' is not supported yet".
//
// # Binder
//
// Bind fills every map of Info. What the engine can rely on after a nil error:
//   - Types has an entry for every scalar expression node (including Paren,
//     List items, RangeExpr bounds, Literal, Member, Index, call arguments and
//     the Call itself). Star and tabular expressions have none.
//   - Schemas has the output schema of every tabular expression (Pipe, table
//     Ident, DataTable, Range, Print, Union, Paren around a tabular expression,
//     tabular let Ident, user-function and tabular Call) and of every ast.Op.
//     Pipe's schema is its last op's; Schemas[Pipe.Source] is the input.
//   - Names/Multi: every NamedExpr of project, extend, summarize (aggs and by),
//     print and serialize has its output column name in Names, or in Multi
//     for arg_max/arg_min/take_any/percentiles/(A,B)= forms (then Names has no
//     entry). For arg_max(T, *) Multi lists T's column then every other input
//     column (ADX order: the by keys are excluded).
//   - Default names: a plain column keeps its name; a property path x.a["b"]
//     (also inside tostring()/toint()/... conversions) is x_a_b; other
//     project/extend/distinct/by expressions are Column1, Column2, ... (skipping
//     names already taken); print columns are print_N (N = position);
//     aggregates are prefix_Column (count_, countif_, dcount_X, sum_X, set_X,
//     list_X, percentile_X_95, bare prefix sum_ for expressions); arg_max,
//     arg_min and take_any keep their arguments' names (any(X) is any_X);
//     bin(X, ...)/floor/bin_at keys are named X; duplicates get 1, 2, ...;
//     after a join, right columns that collide get 1 (DeviceId1).
//   - Refs: every Ident naming a column (RefColumn, Column = index in the input
//     schema of the operator that evaluates it; for join conditions RefLeft /
//     RefRight against the left/right schemas), a table (RefTable), a let
//     (RefLet) or a parameter (RefParam). `$left.X` / `$right.X` Members get
//     RefLeft/RefRight entries. Idents naming a function type in typeof(T),
//     and names in project-away/keep/rename/reorder, get no Ref.
//   - Calls: every Call. Aggregates inside summarize are CallAggregate with
//     Name canonical (makeset → make_set). Calls of let functions and stored
//     functions are CallUser with Expansion (a deep copy of the body, bound for
//     this call site: its nodes have entries in Info) and Args (parameter →
//     argument or default). invoke f(...) passes the pipe input as the first
//     tabular parameter.
//   - The right side of in/has_any: each List item (or the bare right side)
//     that is tabular (a Pipe, a tabular let name, ...) has an entry in
//     Schemas; scalar items have Types (a dynamic array is flattened).
//   - A name given by `as` and used later gets a RefAs Ref. A wildcard table
//     name of a union (Device*) lists the matched tables in Wildcards; with
//     isfuzzy=true, legs naming missing tables have no Schemas entry (skip them).
//   - A bare name that calls a function with no arguments (`f` for `f()`,
//     allowed when every parameter has a default) has no Ref; Implicit maps
//     it to a synthesised Call, bound like any other call.
//   - Lets: every let statement of the script, of stored functions and of
//     function bodies; Params: declared query parameters; Query: the final
//     expression; JoinKind: every Join ("innerunique" by default) and Lookup
//     ("leftouter" by default).
//   - Type rules: int→long→real promotion; datetime±timespan=datetime;
//     datetime-datetime=timespan; timespan±timespan=timespan;
//     timespan*number=timespan; timespan/timespan=real; timespan/number=timespan;
//     comparisons and string operators are bool; `dynamic` mixes with anything
//     (result dynamic for arithmetic).
package lang
