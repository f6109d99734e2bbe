package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	prompt "github.com/elk-language/go-prompt"
	pstrings "github.com/elk-language/go-prompt/strings"
	"golang.org/x/term"

	"github.com/prowl-hunt/prowl"
	"github.com/prowl-hunt/prowl/repl"
)

// runInteractive runs the session on the terminal with go-prompt. The
// terminal settings of fd are restored on every way out.
func runInteractive(ctx context.Context, e *env, db *prowl.DB, sess *repl.Session, fd int) (err error) {
	if state, gerr := term.GetState(fd); gerr == nil {
		defer func() {
			if rerr := term.Restore(fd, state); rerr != nil && err == nil {
				err = fmt.Errorf("restore terminal: %w", rerr)
			}
		}()
	}
	// Ctrl+C belongs to the session now: main's context ends on SIGINT, so
	// queries run under a context only the interrupter cancels.
	base := context.WithoutCancel(ctx)
	in := newInterrupter()
	defer in.stop()
	comp := completerFor(db)
	quit := false
	exec := func(text string) {
		if strings.TrimSpace(text) == "" {
			return
		}
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
			sess.Width = w
		}
		in.run(base, func(qctx context.Context) {
			if err := sess.Run(qctx, text); errors.Is(err, repl.ErrQuit) {
				quit = true
			}
		})
		if in.quitting() {
			quit = true
		}
	}
	var history []string
	if sess.History != nil {
		history = sess.History.Entries()
	}
	fmt.Fprintln(e.stdout, "prowl", version, "— KQL hunting shell. #help for help, Ctrl+D to quit.")
	p := prompt.New(exec,
		prompt.WithPrefix("prowl> "),
		prompt.WithHistory(history),
		prompt.WithCompleter(func(d prompt.Document) ([]prompt.Suggest, pstrings.RuneNumber, pstrings.RuneNumber) {
			return complete(comp, d)
		}),
		prompt.WithCompletionWordSeparator(repl.WordSeparators),
		prompt.WithLexer(prompt.NewEagerLexer(highlight)),
		prompt.WithExecuteOnEnterCallback(onEnter),
		prompt.WithExitChecker(func(string, bool) bool { return quit }),
		prompt.WithMaxSuggestion(8),
	)
	p.Run()
	return nil
}

// onEnter decides whether Enter runs the buffer: when the query is complete,
// when the current line is blank, or when the buffer is empty; otherwise a
// new line starts, indented by the open brackets.
func onEnter(p *prompt.Prompt, indentSize int) (int, bool) {
	doc := p.Buffer().Document()
	text := doc.Text
	if strings.TrimSpace(text) == "" {
		return 0, true
	}
	if doc.TextAfterCursor() == "" && (strings.TrimSpace(doc.CurrentLine()) == "" || repl.Ready(text)) {
		return 0, true
	}
	return repl.Depth(doc.TextBeforeCursor()), false
}

// complete adapts the completer to go-prompt: it works on bytes, go-prompt
// on runes. Suggestions show while a word is typed, and after a space or
// sign when the context expects something (columns after where, ...).
func complete(c *repl.Completer, d prompt.Document) ([]prompt.Suggest, pstrings.RuneNumber, pstrings.RuneNumber) {
	before := d.TextBeforeCursor()
	cursor := pstrings.RuneNumber(utf8.RuneCountInString(before))
	if strings.TrimSpace(before) == "" {
		return nil, cursor, cursor
	}
	sugs, start := c.Complete(before, len(before))
	out := make([]prompt.Suggest, len(sugs))
	for i, s := range sugs {
		out[i] = prompt.Suggest{Text: s.Text, Description: s.Description}
	}
	return out, pstrings.RuneNumber(utf8.RuneCountInString(before[:start])), cursor
}

// colors of the token kinds; the others are drawn in the default colour
// (every span gets a token: go-prompt draws the text between tokens with the
// next token's attributes).
var kindColor = map[repl.Kind]prompt.Color{
	repl.Keyword:  prompt.Blue,
	repl.Operator: prompt.Cyan,
	repl.String:   prompt.Green,
	repl.Number:   prompt.Purple,
	repl.Comment:  prompt.DarkGray,
	repl.Command:  prompt.Yellow,
	repl.Invalid:  prompt.Red,
}

// highlight colours the buffer by token kind.
func highlight(text string) []prompt.Token {
	spans := repl.Highlight(text)
	out := make([]prompt.Token, 0, len(spans))
	for _, sp := range spans {
		c := kindColor[sp.Kind] // DefaultColor when absent
		opts := []prompt.SimpleTokenOption{prompt.SimpleTokenWithColor(c)}
		if sp.Kind == repl.Operator {
			opts = append(opts, prompt.SimpleTokenWithDisplayAttributes(prompt.DisplayBold))
		}
		out = append(out, prompt.NewSimpleToken(pstrings.ByteNumber(sp.Start), pstrings.ByteNumber(sp.End-1), opts...))
	}
	return out
}
