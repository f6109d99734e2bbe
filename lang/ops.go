package lang

import (
	"github.com/alecthomas/participle/v2"
	plexer "github.com/alecthomas/participle/v2/lexer"
)

// gOp is one tabular operator after '|'. It is a custom production that
// picks the operator's production by its name, instead of trying the
// alternatives of gOpAlts in turn; names of no operator prowl runs stop the
// parse (gUnknownOp).
type gOp struct{ gOpAlts }

func (g *gOp) Parse(lex *plexer.PeekingLexer) error {
	t := lex.Peek()
	if t.Type == ptIdent {
		if parse := opParsers[t.Value]; parse != nil {
			return parse(lex, &g.gOpAlts)
		}
	}
	return (*gUnknownOp)(nil).Parse(lex)
}

// kqlOpGrammar is the grammar rooted at the operator alternatives; the
// parsers of the single operators are its productions.
var kqlOpGrammar = lazyParser(func() (*participle.Parser[gOpAlts], error) {
	return participle.Build[gOpAlts](
		participle.Lexer(ptokenDef{}),
		participle.Elide("Glue"),
		participle.UseLookahead(0),
	)
})

// opParser parses the production G at lex and stores it with set.
func opParser[G any](set func(*gOpAlts, *G)) func(*plexer.PeekingLexer, *gOpAlts) error {
	p := lazyParser(func() (*participle.Parser[G], error) {
		return participle.ParserForProduction[G](kqlOpGrammar())
	})
	return func(lex *plexer.PeekingLexer, g *gOpAlts) error {
		v, err := p().ParseFromLexer(lex, allowTrailing)
		if err != nil {
			return err
		}
		set(g, v)
		return nil
	}
}

var opParsers = func() map[string]func(*plexer.PeekingLexer, *gOpAlts) error {
	where := opParser(func(g *gOpAlts, v *gWhere) { g.Where = v })
	take := opParser(func(g *gOpAlts, v *gTake) { g.Take = v })
	sort := opParser(func(g *gOpAlts, v *gSort) { g.Sort = v })
	mv := opParser(func(g *gOpAlts, v *gMvExpand) { g.MvExpand = v })
	return map[string]func(*plexer.PeekingLexer, *gOpAlts) error{
		"where": where, "filter": where,
		"extend":    opParser(func(g *gOpAlts, v *gExtend) { g.Extend = v }),
		"project":   opParser(func(g *gOpAlts, v *gProject) { g.Project = v }),
		"summarize": opParser(func(g *gOpAlts, v *gSummarize) { g.Summarize = v }),
		"join":      opParser(func(g *gOpAlts, v *gJoin) { g.Join = v }),
		"take":      take, "limit": take,
		"sort": sort, "order": sort,
		"top":             opParser(func(g *gOpAlts, v *gTop) { g.Top = v }),
		"distinct":        opParser(func(g *gOpAlts, v *gDistinct) { g.Distinct = v }),
		"count":           opParser(func(g *gOpAlts, v *gCount) { g.Count = v }),
		"lookup":          opParser(func(g *gOpAlts, v *gLookup) { g.Lookup = v }),
		"project-away":    opParser(func(g *gOpAlts, v *gAway) { g.Away = v }),
		"project-keep":    opParser(func(g *gOpAlts, v *gKeep) { g.Keep = v }),
		"project-reorder": opParser(func(g *gOpAlts, v *gReorder) { g.Reorder = v }),
		"project-rename":  opParser(func(g *gOpAlts, v *gRename) { g.Rename = v }),
		"mv-expand":       mv, "mvexpand": mv,
		"parse":     opParser(func(g *gOpAlts, v *gParseOp) { g.Parse = v }),
		"union":     opParser(func(g *gOpAlts, v *gUnionOp) { g.Union = v }),
		"as":        opParser(func(g *gOpAlts, v *gAs) { g.As = v }),
		"render":    opParser(func(g *gOpAlts, v *gRender) { g.Render = v }),
		"invoke":    opParser(func(g *gOpAlts, v *gInvoke) { g.Invoke = v }),
		"serialize": opParser(func(g *gOpAlts, v *gSerialize) { g.Serialize = v }),
		"getschema": opParser(func(g *gOpAlts, v *gGetSchema) { g.GetSchema = v }),
	}
}()

// allowTrailing lets a nested production end before the end of the input.
var allowTrailing = participle.AllowTrailing(true)
