package repl

import (
	"fmt"
	"sort"
	"strings"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang"
)

// WordSeparators are the characters that end the word being completed: every
// ASCII sign but '_' and '-' (which occur in names like project-away). An
// editor replacing the word before the cursor must use the same set.
const WordSeparators = " \t\n\r|()[]{},;=<>!+*/%.:'\"@#$~&^?`\\"

// Suggestion is one completion candidate: the text replacing the word before
// the cursor, and a short description (a column's type, a function's
// signature).
type Suggestion struct {
	Text        string
	Description string
}

// Completer suggests what may come at the cursor of KQL being typed: table
// names at the start of a query and after `join (`, `lookup (` or `union`,
// operator names after `|`, the columns in scope (of the query so far, bound
// against Tables) and functions inside operator expressions, and the shell's #
// commands. Its fields may be nil.
type Completer struct {
	Tables    lang.Tables
	Functions lang.Functions
	// Stored are stored functions visible to queries (for binding prefixes).
	Stored []string
}

// HashCommands are the shell's own commands, with their help.
var HashCommands = []Suggestion{
	{"#help", "show the help"},
	{"#quit", "leave the shell (or Ctrl+D)"},
	{"#tables", "list the tables"},
	{"#schema", "#schema T: the columns of table T and their types"},
	{"#types", "#types on|off: show column types under the header"},
	{"#explain", "#explain on|off: print the plan before each query"},
	{"#wide", "#wide on|off: show long cells whole"},
	{"#save", "#save FILE.csv|.json|.ndjson|.parquet: export the last result"},
}

var controlCommands = []Suggestion{
	{"show", ".show tables|functions|apps|indicators|table T schema"},
	{"unsanction", `.unsanction app "Name" [with (reason="...")]`},
	{"sanction", `.sanction app "Name"`},
	{"monitor", `.monitor app "Name"`},
	{"untag", `.untag app "Name"`},
	{"export", ".export indicators format=..."},
}

var showWhat = []Suggestion{
	{"tables", "the tables"}, {"table", ".show table T schema"}, {"functions", "the functions"},
	{"apps", "the discovered apps"}, {"indicators", "the indicator ledger"},
}

var chartKinds = []Suggestion{
	{"timechart", "a line per series over time"}, {"columnchart", "vertical bars"},
	{"barchart", "horizontal bars"}, {"piechart", "shares of a whole"},
	{"table", "the plain table"},
}

var joinKinds = []string{"inner", "innerunique", "leftouter", "rightouter", "fullouter",
	"leftanti", "rightanti", "leftsemi", "rightsemi"}

// binaryWords may follow an operand in a predicate.
var binaryWords = []string{"and", "or", "has", "!has", "contains", "!contains", "startswith",
	"endswith", "has_any", "has_all", "hasprefix", "hassuffix", "in", "!in", "in~", "between",
	"matches regex", "has_cs", "contains_cs"}

// StartWords may begin a query besides a table name.
var startWords = []string{"let", "print", "range", "datatable", "union", "declare"}

// Complete returns the suggestions for the word before byte offset cursor in
// text and the byte offset where that word starts; the suggestions replace
// text[start:cursor].
func (c *Completer) Complete(text string, cursor int) (sugs []Suggestion, start int) {
	if cursor < 0 || cursor > len(text) {
		cursor = len(text)
	}
	before := text[:cursor]
	start = strings.LastIndexAny(before, WordSeparators) + 1
	word := before[start:]
	if word != "" && (word[0] == '-' || isDigit(word[0])) {
		return nil, start
	}
	ctxText := before[:start]
	toks := Tokenize(ctxText)
	if n := len(toks); n > 0 {
		last := toks[n-1]
		if last.Kind == Comment || last.Open {
			return nil, start // inside a comment or a string
		}
		if last.Kind == String && last.End == len(ctxText) {
			return nil, start // right after a string: 'abc'x is not a word
		}
	}
	sig := significant(toks)
	switch {
	case len(sig) == 1 && sig[0].Text == "#":
		return filter(HashCommands, "#"+word, func(s Suggestion) Suggestion {
			return Suggestion{strings.TrimPrefix(s.Text, "#"), s.Description}
		}), start
	case len(sig) > 0 && sig[0].Kind == Command && sig[0].Text[0] == '#':
		return c.hashArgs(sig, word), start
	case len(sig) == 1 && sig[0].Text == ".":
		return filter(controlCommands, word, nil), start
	case len(sig) > 0 && sig[0].Kind == Command && sig[0].Text[0] == '.':
		return c.controlArgs(sig, word), start
	}
	return c.kql(ctxText, sig, word), start
}

// filter keeps the candidates whose text starts with word (ignoring case),
// exact-case matches first, and maps them with f when not nil.
func filter(cands []Suggestion, word string, f func(Suggestion) Suggestion) []Suggestion {
	var exact, folded []Suggestion
	lw := strings.ToLower(word)
	for _, s := range cands {
		switch {
		case strings.HasPrefix(s.Text, word):
			exact = append(exact, s)
		case strings.HasPrefix(strings.ToLower(s.Text), lw):
			folded = append(folded, s)
		}
	}
	out := append(exact, folded...)
	if f != nil {
		for i := range out {
			out[i] = f(out[i])
		}
	}
	return out
}

func (c *Completer) hashArgs(sig []Token, word string) []Suggestion {
	if len(sig) != 1 {
		return nil
	}
	switch sig[0].Text {
	case "#schema":
		return filter(c.tableSuggestions(), word, nil)
	case "#types", "#explain", "#wide":
		return filter([]Suggestion{{"on", ""}, {"off", ""}}, word, nil)
	}
	return nil
}

func (c *Completer) controlArgs(sig []Token, word string) []Suggestion {
	verb := sig[0].Text
	switch {
	case verb == ".show" && len(sig) == 1:
		return filter(showWhat, word, nil)
	case verb == ".show" && len(sig) == 2 && sig[1].Text == "table":
		return filter(c.tableSuggestions(), word, nil)
	case verb == ".show" && len(sig) == 3 && sig[1].Text == "table":
		return filter([]Suggestion{{"schema", ""}}, word, nil)
	case len(sig) == 1 && (verb == ".unsanction" || verb == ".sanction" || verb == ".monitor" || verb == ".untag"):
		return filter([]Suggestion{{"app", ""}}, word, nil)
	case verb == ".export" && len(sig) == 1:
		return filter([]Suggestion{{"indicators", ""}}, word, nil)
	}
	return nil
}

func (c *Completer) tableSuggestions() []Suggestion {
	if c.Tables == nil {
		return nil
	}
	names := c.Tables.TableNames()
	sort.Strings(names)
	out := make([]Suggestion, 0, len(names))
	for _, n := range names {
		out = append(out, Suggestion{n, "table"})
	}
	return out
}

// frame is an open bracket level while scanning the tokens before the cursor.
type frame struct {
	open     int  // index in sig of the bracket, -1 for the top level
	pipeline bool // the bracket holds a tabular expression (join (...), union (...))
	segStart int  // index in sig of the pipeline's (statement's) first token
	lastPipe int  // index in sig of the last '|' at this level, -1 if none
}

// kql completes inside a KQL query.
func (c *Completer) kql(ctxText string, sig []Token, word string) []Suggestion {
	stack := []frame{{open: -1, pipeline: true, segStart: 0, lastPipe: -1}}
	for i, t := range sig {
		if t.Kind != Punct {
			continue
		}
		top := &stack[len(stack)-1]
		switch t.Text {
		case "(", "[", "{":
			stack = append(stack, frame{open: i, pipeline: c.tabularOpen(sig, i), segStart: i + 1, lastPipe: -1})
		case ")", "]", "}":
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		case "|":
			top.lastPipe = i
		case ";":
			if len(stack) == 1 {
				top.segStart, top.lastPipe = i+1, -1
			}
		}
	}
	inner := stack[len(stack)-1]
	pipe := stack[0]
	for k := len(stack) - 1; k >= 0; k-- {
		if stack[k].pipeline {
			pipe = stack[k]
			break
		}
	}
	var prev Token
	if len(sig) > 0 {
		prev = sig[len(sig)-1]
	}
	// At the start of a pipeline: a table (or let/print/...).
	if inner.pipeline && len(sig) == inner.segStart {
		cands := c.tableSuggestions()
		if inner.open < 0 {
			for _, w := range startWords {
				cands = append(cands, Suggestion{w, "keyword"})
			}
		}
		return filter(cands, word, nil)
	}
	if prev.Text == "|" {
		return filter(operatorSuggestions(), word, nil)
	}
	// The operator of the current pipeline segment and where it starts.
	opIdx := pipe.lastPipe + 1
	if pipe.lastPipe < 0 {
		opIdx = pipe.segStart
	}
	op := ""
	if opIdx < len(sig) {
		op = sig[opIdx].Text
	}
	switch {
	case prev.Kind == Operator && (prev.Text == "union" || prev.Text == "join" || prev.Text == "lookup"),
		prev.Text == "," && op == "union" && inner.pipeline:
		cands := c.tableSuggestions()
		if prev.Text != "," && prev.Text != "union" {
			cands = append(cands, Suggestion{"kind", "join kind=..."})
		}
		return filter(cands, word, nil)
	case prev.Text == "=" && len(sig) >= 2 && sig[len(sig)-2].Text == "kind" && (op == "join" || op == "lookup"):
		var cands []Suggestion
		for _, k := range joinKinds {
			cands = append(cands, Suggestion{k, "join kind"})
		}
		return filter(cands, word, nil)
	case prev.Text == "render":
		return filter(chartKinds, word, nil)
	case prev.Text == "invoke":
		return filter(c.functionSuggestions(lang.Tabular), word, nil)
	case prev.Text == "as", op == "take" || op == "limit", op == "render":
		return nil
	case prev.Kind == Operator && (prev.Text == "order" || prev.Text == "sort"):
		return filter([]Suggestion{{"by", ""}}, word, nil)
	case op == "top" && prev.Kind == Number:
		return filter([]Suggestion{{"by", ""}}, word, nil)
	}
	// Inside an operator's expressions: columns in scope, functions, and
	// after an operand the words that continue a predicate.
	if prev.Kind == Ident || prev.Kind == String || prev.Kind == Number || prev.Text == ")" || prev.Text == "]" {
		var cands []Suggestion
		switch op {
		case "summarize":
			cands = append(cands, Suggestion{"by", ""})
		case "order", "sort", "top":
			cands = append(cands, Suggestion{"asc", ""}, Suggestion{"desc", ""})
		}
		if op == "where" || op == "extend" || op == "project" || op == "summarize" || op == "join" || op == "lookup" {
			for _, w := range binaryWords {
				cands = append(cands, Suggestion{w, "operator"})
			}
		}
		if word == "" {
			return cands
		}
		return filter(cands, word, nil)
	}
	cols := c.columnsInScope(ctxText, sig, pipe, op)
	var cands []Suggestion
	for _, col := range cols {
		cands = append(cands, Suggestion{col.Name, col.Type.String()})
	}
	if word == "" {
		// before a word is typed, only the columns: every function would
		// be too long a list
		return cands
	}
	switch op {
	case "project-away", "project-keep", "project-rename", "project-reorder", "distinct":
	case "summarize":
		cands = append(cands, c.functionSuggestions(lang.Aggregate)...)
		cands = append(cands, c.functionSuggestions(lang.Scalar)...)
	default:
		cands = append(cands, c.functionSuggestions(lang.Scalar)...)
	}
	out := filter(cands, word, nil)
	if word != "" && len(word) >= 2 {
		// columns containing the word (Url finds RemoteUrl)
		lw := strings.ToLower(word)
		for _, col := range cols {
			ln := strings.ToLower(col.Name)
			if !strings.HasPrefix(ln, lw) && strings.Contains(ln, lw) {
				out = append(out, Suggestion{col.Name, col.Type.String()})
			}
		}
	}
	return out
}

// tabularOpen reports whether the bracket sig[i] opens a tabular expression:
// after join, lookup or union (with options such as kind=inner between), or
// when its first token is a table name.
func (c *Completer) tabularOpen(sig []Token, i int) bool {
	if sig[i].Text != "(" {
		return false
	}
	for j := i - 1; j >= 0; j-- {
		t := sig[j]
		switch {
		case t.Kind == Operator && (t.Text == "join" || t.Text == "lookup" || t.Text == "union"):
			return true
		case t.Text == "=" || t.Text == "kind" || t.Text == "withsource" || t.Text == "isfuzzy" ||
			(t.Kind == Ident || t.Kind == Keyword) && j > 0 && sig[j-1].Text == "=":
			continue
		case t.Text == ",":
			// union (A), (B): look further back for the union
			continue
		case t.Text == ")":
			// skip a closed group: union (A), (
			depth := 0
			for ; j >= 0; j-- {
				if sig[j].Text == ")" {
					depth++
				} else if sig[j].Text == "(" {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			continue
		}
		break
	}
	if i+1 < len(sig) && sig[i+1].Kind == Ident && c.Tables != nil {
		_, ok := c.Tables.Table(sig[i+1].Text)
		return ok
	}
	return false
}

// columnsInScope binds the pipeline up to its last '|' and returns its
// columns; when that fails, the columns of the table the pipeline starts
// with. For join and lookup the columns of the tables they name are added.
func (c *Completer) columnsInScope(ctxText string, sig []Token, pipe frame, op string) kusto.Schema {
	var cols kusto.Schema
	if pipe.lastPipe >= 0 && pipe.segStart < pipe.lastPipe {
		// the preceding statements (lets) of the top-level statement, then the pipeline prefix
		prefix := ctxText[sig[pipe.segStart].Start:sig[pipe.lastPipe].Start]
		lets := ""
		if top := lastTopSemicolon(sig, pipe.lastPipe); top >= 0 {
			lets = ctxText[:sig[top].End] + "\n"
		}
		cols = c.bindSchema(lets + prefix)
		if cols == nil {
			if first := sig[pipe.segStart]; first.Kind == Ident {
				cols = c.tableColumns(first.Text)
			}
		}
	}
	if op == "join" || op == "lookup" {
		seen := map[string]bool{}
		for _, col := range cols {
			seen[col.Name] = true
		}
		for _, t := range sig[pipe.lastPipe+1:] {
			if t.Kind != Ident {
				continue
			}
			for _, col := range c.tableColumns(t.Text) {
				if !seen[col.Name] {
					seen[col.Name] = true
					cols = append(cols, col)
				}
			}
		}
	}
	return cols
}

// lastTopSemicolon returns the index of the last ';' at bracket depth 0
// before index end, or -1.
func lastTopSemicolon(sig []Token, end int) int {
	depth, last := 0, -1
	for i := 0; i < end && i < len(sig); i++ {
		switch sig[i].Text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		case ";":
			if depth == 0 {
				last = i
			}
		}
	}
	return last
}

func (c *Completer) tableColumns(name string) kusto.Schema {
	if c.Tables == nil {
		return nil
	}
	cols, _ := c.Tables.Table(name)
	return cols
}

// bindSchema parses and binds text and returns the schema of its query, or
// nil when it does not bind.
func (c *Completer) bindSchema(text string) kusto.Schema {
	script, err := lang.Parse(text)
	if err != nil || script == nil {
		return nil
	}
	env := &lang.Env{Tables: c.Tables, Functions: c.Functions}
	info, err := lang.Bind(script, env)
	if err != nil || info == nil || info.Query == nil {
		return nil
	}
	return info.Schemas[info.Query]
}

func operatorSuggestions() []Suggestion {
	out := make([]Suggestion, 0, len(operators))
	for _, op := range operators {
		out = append(out, Suggestion{op, "operator"})
	}
	return out
}

// functionSuggestions lists the functions of one kind with a signature hint.
func (c *Completer) functionSuggestions(kind lang.FuncKind) []Suggestion {
	if c.Functions == nil {
		return nil
	}
	names := c.Functions.Names()
	sort.Strings(names)
	var out []Suggestion
	for _, n := range names {
		sig, ok := c.Functions.Lookup(n)
		if !ok || sig.Kind != kind {
			continue
		}
		out = append(out, Suggestion{n, Signature(sig)})
	}
	return out
}

// Signature is a one-line hint of how to call a function:
// "strlen(a1) → scalar", "bin(a1, a2)", "count([a1])", "strcat(a1, ...)".
func Signature(sig *lang.FuncSig) string {
	var b strings.Builder
	b.WriteString(sig.Name)
	b.WriteByte('(')
	n := sig.MinArgs
	if sig.MaxArgs > n {
		n = sig.MaxArgs
	}
	for i := 0; i < n && i < 4; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		if i >= sig.MinArgs {
			fmt.Fprintf(&b, "[a%d]", i+1)
		} else {
			fmt.Fprintf(&b, "a%d", i+1)
		}
	}
	if sig.MaxArgs < 0 || n > 4 {
		if n > 0 {
			b.WriteString(", ")
		}
		b.WriteString("...")
	}
	b.WriteByte(')')
	switch sig.Kind {
	case lang.Aggregate:
		b.WriteString(" aggregate")
	case lang.Tabular:
		b.WriteString(" tabular")
	}
	return b.String()
}
