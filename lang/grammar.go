package lang

import (
	"sync"

	"github.com/alecthomas/participle/v2"
	plexer "github.com/alecthomas/participle/v2/lexer"
)

// The KQL grammar as participle/v2 structs. The structs never leave the
// package: convert.go turns them into lang/ast nodes. Every captured token
// keeps its index in the lexer's token slice in Pos.Offset (see ptokens), so
// the converter reads decoded literal values and real positions from there.
//
// KQL keywords are context-dependent: operator names are ordinary
// identifiers matched by value ("where" matches an Ident spelled where).
// Adjacency-sensitive forms (hint.strategy, Device*, granny-asc) match the
// elided Glue token that ptokens puts between two touching tokens; the
// negated string operators (!has), in~ and hyphenated operator names after
// '|' are single tokens.
//
// The parser commits to a branch once it has consumed a token (lookahead 0),
// so errors point at the token where the input went wrong; the places that
// must look further (function definitions, `Name =`, `(A, B) =`, options)
// use the predicates of predicates.go.

// ---- statements ----

type gStmt struct {
	Pos     plexer.Position
	Let     *gLet     `parser:"  @@"`
	Declare *gDeclare `parser:"| @@"`
	Set     *gSet     `parser:"| @@"`
	X       *gPipe    `parser:"| @@"`
}

type gLet struct {
	Pos   plexer.Position
	G     ahead[pLet]      `parser:"@@"`
	Name  *gName           `parser:"\"let\" @@ \"=\""`
	View  *ahead[pView]    `parser:"( @@ \"view\" )?"`
	IsFn  *ahead[pFuncDef] `parser:"( @@"`
	Func  *gFuncDef        `parser:"  @@"`
	Value *gPipe           `parser:"| @@ )"`
}

type gFuncDef struct {
	Pos    plexer.Position
	Params []*gParam          `parser:"\"(\" ( @@ ( \",\" @@ )* )? \")\""`
	Body   []*gStmt           `parser:"\"{\" \";\"* ( @@"`
	Semis  []ahead[pSemiStmt] `parser:"( @@ \";\"+"`
	More   []*gStmt           `parser:"  @@ )* \";\"* )?"`
	End    plexer.Token       `parser:"@\"}\""`
}

type gParam struct {
	Pos     plexer.Position
	Name    *gName  `parser:"@@ \":\""`
	Tabular bool    `parser:"( @\"(\""`
	Star    bool    `parser:"  ( @\"*\""`
	Columns []*gCol `parser:"  | @@ ( \",\" @@ )* ) \")\""`
	Type    *gType  `parser:"| @@ )"`
	Default *gExpr  `parser:"( \"=\" @@ )?"`
}

type gCol struct {
	Pos  plexer.Position
	Name *gName `parser:"@@ \":\""`
	Type *gType `parser:"@@"`
}

type gType struct {
	Tok plexer.Token `parser:"@(Ident | TypedName)"`
}

type gDeclare struct {
	Pos    plexer.Position
	G      ahead[pDeclare] `parser:"@@"`
	Params []*gParam       `parser:"\"declare\" \"query_parameters\" \"(\" ( @@ ( \",\" @@ )* )? \")\""`
}

type gSet struct {
	Pos   plexer.Position
	G     ahead[pSet] `parser:"@@"`
	Name  *gOptName   `parser:"\"set\" @@"`
	Value *gExpr      `parser:"( \"=\" @@ )?"`
}

// ---- control commands ----

type gCommand struct {
	Pos   plexer.Position
	Items []*gCmdItem `parser:"\".\" @@*"`
}

type gCmdItem struct {
	Semi   plexer.Token     `parser:"  @\";\""`
	IsWith *ahead[pWith]    `parser:"| @@"`
	With   *gWithProps      `parser:"  @@"`
	IsProp *ahead[pIdentEq] `parser:"| @@"`
	Prop   *gProperty       `parser:"  @@"`
	Word   plexer.Token     `parser:"| @(Ident | String | Int | Real | TimeSpan | Typed | TypedName)"`
	Quoted *gName           `parser:"| @@"`
	Comma  bool             `parser:"| @\",\""`
}

type gWithProps struct {
	Props  []*gProperty        `parser:"\"with\" \"(\" ( @@"`
	Commas []ahead[pCommaMore] `parser:"( @@ \",\""`
	More   []*gProperty        `parser:"  @@ )* \",\"? )? \")\""`
}

// ---- names and options ----

// gName is a name: an identifier or a quoted ['name'] (a custom production,
// see predicates.go).
type gName struct {
	Pos plexer.Position
	Tok plexer.Token // the identifier, or the string of ['...']
}

// gOptName is a dotted option name written without spaces: hint.strategy.
type gOptName struct {
	First *gName         `parser:"@@"`
	Rest  []plexer.Token `parser:"@( ( Glue \".\" Glue Ident )* )"`
}

type gProperty struct {
	Pos    plexer.Position
	Name   *gOptName     `parser:"@@ \"=\""`
	IsWord *ahead[pWord] `parser:"( @@"`
	Word   plexer.Token  `parser:"  @Ident"`
	Value  *gOperand     `parser:"| @@ )"`
}

// ---- tabular expressions ----

type gPipe struct {
	Src *gSource `parser:"@@"`
	Ops *gOps    `parser:"@@?"`
}

// gOps is the `| op | op ...` part of a pipe.
type gOps struct {
	Ops []*gOp `parser:"( \"|\" @@ )+"`
}

type gSource struct {
	Special   *ahead[pSource] `parser:"(  @@"`
	Print     *gPrint         `parser:"   ( @@"`
	Range     *gRange         `parser:"   | @@"`
	DataTable *gDataTable     `parser:"   | @@"`
	Union     *gUnionSrc      `parser:"   | @@"`
	Tier1     *gTier1Src      `parser:"   | @@ )"`
	X         *gExpr          `parser:"| @@ )"`
}

type gPrint struct {
	Pos    plexer.Position
	G      ahead[pPrint] `parser:"@@"`
	Cols   *gNamed       `parser:"\"print\" @@?"`
	EndPos plexer.Position
}

type gRange struct {
	Pos  plexer.Position
	G    ahead[pRange] `parser:"@@"`
	Name *gName        `parser:"\"range\" @@"`
	From *gExpr        `parser:"\"from\" @@"`
	To   *gExpr        `parser:"\"to\" @@"`
	Step *gExpr        `parser:"\"step\" @@"`
}

type gDataTable struct {
	Pos    plexer.Position
	G      ahead[pDataTable]   `parser:"@@"`
	Cols   []*gCol             `parser:"\"datatable\" \"(\" @@ ( \",\" @@ )* \")\""`
	Values []*gExpr            `parser:"\"[\" ( @@"`
	Commas []ahead[pCommaMore] `parser:"( @@ \",\""`
	More   []*gExpr            `parser:"  @@ )* \",\"? )?"`
	End    plexer.Token        `parser:"@\"]\""`
}

type gUnionSrc struct {
	Pos  plexer.Position
	G    ahead[pUnionSrc] `parser:"@@"`
	Body *gUnionBody      `parser:"\"union\" @@"`
}

type gUnionBody struct {
	Guards []ahead[pUnionOpt] `parser:"( @@"`
	Opts   []*gProperty       `parser:"  @@ )*"`
	Legs   []*gUnionLeg       `parser:"@@ ( \",\" @@ )*"`
}

type gUnionLeg struct {
	Pos    plexer.Position
	Paren  *gPipe         `parser:"  \"(\" @@ \")\""`
	IsWild *ahead[pWild]  `parser:"| @@"`
	Wild   []plexer.Token `parser:"  @( ( \"*\" | Ident ) ( Glue ( \"*\" | Ident ) )* )"`
	X      *gPostfix      `parser:"| @@"`
}

// ---- operators ----

// gOpAlts are the operators; gOp (ops.go) picks one by its name.
type gOpAlts struct {
	Where     *gWhere     `parser:"  @@"`
	Extend    *gExtend    `parser:"| @@"`
	Project   *gProject   `parser:"| @@"`
	Summarize *gSummarize `parser:"| @@"`
	Join      *gJoin      `parser:"| @@"`
	Take      *gTake      `parser:"| @@"`
	Sort      *gSort      `parser:"| @@"`
	Top       *gTop       `parser:"| @@"`
	Distinct  *gDistinct  `parser:"| @@"`
	Count     *gCount     `parser:"| @@"`
	Lookup    *gLookup    `parser:"| @@"`
	Away      *gAway      `parser:"| @@"`
	Keep      *gKeep      `parser:"| @@"`
	Reorder   *gReorder   `parser:"| @@"`
	Rename    *gRename    `parser:"| @@"`
	MvExpand  *gMvExpand  `parser:"| @@"`
	Parse     *gParseOp   `parser:"| @@"`
	Union     *gUnionOp   `parser:"| @@"`
	As        *gAs        `parser:"| @@"`
	Render    *gRender    `parser:"| @@"`
	Invoke    *gInvoke    `parser:"| @@"`
	Serialize *gSerialize `parser:"| @@"`
	GetSchema *gGetSchema `parser:"| @@"`
	Unknown   *gUnknownOp `parser:"| @@"`
}

type gWhere struct {
	Pos  plexer.Position
	Pred *gExpr `parser:"( \"where\" | \"filter\" ) @@"`
}

type gProject struct {
	Pos    plexer.Position
	Cols   *gNamed `parser:"\"project\" @@?"`
	EndPos plexer.Position
}

type gAway struct {
	Pos   plexer.Position
	Names []*gPattern `parser:"\"project-away\" @@ ( \",\" @@ )*"`
}

type gKeep struct {
	Pos   plexer.Position
	Names []*gPattern `parser:"\"project-keep\" @@ ( \",\" @@ )*"`
}

type gReorder struct {
	Pos   plexer.Position
	Names []*gPattern    `parser:"\"project-reorder\" @@ ( \",\" @@ )*"`
	Order []plexer.Token `parser:"@( Ident ( Glue \"-\" Glue Ident )* )?"`
}

// gPattern is a column name with wildcards written without spaces: a*, *b, a*b.
type gPattern struct {
	Pos    plexer.Position
	Parts  []plexer.Token `parser:"  @( ( Ident | \"*\" ) ( Glue ( Ident | \"*\" ) )* )"`
	Quoted *gName         `parser:"| @@"`
}

type gRename struct {
	Pos   plexer.Position
	Pairs []*gRenamePair `parser:"\"project-rename\" @@ ( \",\" @@ )*"`
}

type gRenamePair struct {
	Pos plexer.Position
	New *gName `parser:"@@ \"=\""`
	Old *gName `parser:"@@"`
}

type gExtend struct {
	Pos    plexer.Position
	Cols   *gNamed `parser:"\"extend\" @@?"`
	EndPos plexer.Position
}

type gSummarize struct {
	Pos    plexer.Position
	Guards []ahead[pHint] `parser:"\"summarize\" ( @@"`
	Hints  []*gProperty   `parser:"  @@ )*"`
	NotBy  *ahead[pNotBy] `parser:"( @@"`
	Aggs   *gNamed        `parser:"  @@ )?"`
	HasBy  bool           `parser:"( @\"by\""`
	By     *gNamed        `parser:"  @@? )?"`
	EndPos plexer.Position
}

type gSort struct {
	Pos  plexer.Position
	Keys []*gSortKey `parser:"( \"order\" | \"sort\" ) \"by\" @@ ( \",\" @@ )*"`
}

type gSortKey struct {
	Pos   plexer.Position
	X     *gExpr `parser:"@@"`
	Dir   string `parser:"@( \"asc\" | \"desc\" )?"`
	Nulls string `parser:"( \"nulls\" @( \"first\" | \"last\" ) )?"`
}

type gTop struct {
	Pos  plexer.Position
	N    *gExpr      `parser:"\"top\" @@"`
	Keys []*gSortKey `parser:"\"by\" @@ ( \",\" @@ )*"`
}

type gTake struct {
	Pos plexer.Position
	N   *gExpr `parser:"( \"take\" | \"limit\" ) @@"`
}

type gCount struct {
	Pos plexer.Position
	Kw  bool `parser:"@\"count\""`
}

type gDistinct struct {
	Pos  plexer.Position
	Star bool     `parser:"\"distinct\" ( @\"*\""`
	Cols []*gExpr `parser:"| @@ ( \",\" @@ )* )"`
}

type gJoin struct {
	Pos    plexer.Position
	Guards []ahead[pJoinOpt] `parser:"\"join\" ( @@"`
	Opts   []*gProperty      `parser:"  @@ )*"`
	Right  *gJoinRight       `parser:"@@"`
	On     []*gExpr          `parser:"\"on\" @@ ( \",\" @@ )*"`
}

type gLookup struct {
	Pos    plexer.Position
	Guards []ahead[pJoinOpt] `parser:"\"lookup\" ( @@"`
	Opts   []*gProperty      `parser:"  @@ )*"`
	Right  *gJoinRight       `parser:"@@"`
	On     []*gExpr          `parser:"\"on\" @@ ( \",\" @@ )*"`
}

type gJoinRight struct {
	Paren *gPipe         `parser:"  \"(\" @@ \")\""`
	NotOn *ahead[pNotOn] `parser:"| @@"`
	X     *gPostfix      `parser:"  @@"`
}

type gUnionOp struct {
	Pos  plexer.Position
	Body *gUnionBody `parser:"\"union\" @@"`
}

type gAs struct {
	Pos    plexer.Position
	Guards []ahead[pHint] `parser:"\"as\" ( @@"`
	Hints  []*gProperty   `parser:"  @@ )*"`
	Name   *gName         `parser:"@@"`
}

type gMvExpand struct {
	Pos    plexer.Position
	Guards []ahead[pMvOpt] `parser:"( \"mv-expand\" | \"mvexpand\" ) ( @@"`
	Opts   []*gProperty    `parser:"  @@ )*"`
	Items  []*gMvItem      `parser:"@@ ( \",\" @@ )*"`
	Limit  *gExpr          `parser:"( \"limit\" @@ )?"`
}

type gMvItem struct {
	Pos    plexer.Position
	IsName *ahead[pIdentEq] `parser:"( @@"`
	Name   *gName           `parser:"  @@ \"=\" )?"`
	X      *gExpr           `parser:"@@"`
	ToType *gType           `parser:"( \"to\" \"typeof\" \"(\" @@ \")\" )?"`
}

type gParseOp struct {
	Pos     plexer.Position
	Guards  []ahead[pParseOpt] `parser:"\"parse\" ( @@"`
	Opts    []*gProperty       `parser:"  @@ )*"`
	X       *gExpr             `parser:"@@ \"with\""`
	Pattern []*gParsePart      `parser:"@@*"`
	EndPos  plexer.Position
}

type gParsePart struct {
	Pos    plexer.Position
	Lit    plexer.Token `parser:"  @String"`
	Star   bool         `parser:"| @\"*\""`
	Column *gName       `parser:"| @@"`
	Type   *gType       `parser:"  ( \":\" @@ )?"`
}

type gRender struct {
	Pos    plexer.Position
	Chart  *gName            `parser:"\"render\" @@"`
	With   *gWithProps       `parser:"@@?"`
	Guards []ahead[pIdentEq] `parser:"( @@"`
	Props  []*gProperty      `parser:"  @@ )*"`
}

type gInvoke struct {
	Pos plexer.Position
	X   *gPostfix `parser:"\"invoke\" @@"`
}

type gSerialize struct {
	Pos   plexer.Position
	Guard *ahead[pSerialize] `parser:"\"serialize\" ( @@"`
	Cols  *gNamed            `parser:"  @@ )?"`
}

type gGetSchema struct {
	Pos plexer.Position
	Kw  bool `parser:"@\"getschema\""`
}

// Scalar expressions (gExpr, gOperand, gPostfix) are custom productions:
// see exprprod.go.

// kqlParser is built once; it is immutable and safe for concurrent use.
var kqlParser = participle.MustBuild[gStmt](
	participle.Lexer(ptokenDef{}),
	participle.Elide("Glue"),
	participle.UseLookahead(0),
)

// Building a participle parser walks its grammar by reflection (about
// 10 ms for all of them here), so the parsers used less often are built on
// first use: a CLI run pays only for what its query needs.

// kqlPipeParser and kqlOpsParser parse the tabular pipes nested in scalar
// expressions (exprprod.go).
var (
	kqlPipeParser = lazyParser(func() (*participle.Parser[gPipe], error) {
		return participle.ParserForProduction[gPipe](kqlParser)
	})
	kqlOpsParser = lazyParser(func() (*participle.Parser[gOps], error) {
		return participle.ParserForProduction[gOps](kqlParser)
	})
)

// kqlCommandParser parses control commands (text starting with '.').
var kqlCommandParser = lazyParser(func() (*participle.Parser[gCommand], error) {
	return participle.Build[gCommand](
		participle.Lexer(ptokenDef{}),
		participle.Elide("Glue"),
		participle.UseLookahead(0),
	)
})

// lazyParser returns a function that builds a parser on its first call and
// returns the same one after; building fails only on a grammar bug.
func lazyParser[G any](build func() (*participle.Parser[G], error)) func() *participle.Parser[G] {
	return sync.OnceValue(func() *participle.Parser[G] {
		p, err := build()
		if err != nil {
			panic(err)
		}
		return p
	})
}
