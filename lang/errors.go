package lang

import (
	"fmt"
	"strings"

	"github.com/prowl-hunt/prowl/lang/ast"
)

// Error is a diagnostic about a query: where it is and what is wrong.
type Error struct {
	Pos ast.Pos
	Msg string
}

func (e *Error) Error() string {
	if !e.Pos.IsValid() {
		return e.Msg
	}
	return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Col, e.Msg)
}

// ErrorList is the diagnostics of one query, in source order. Parse and Bind
// return an ErrorList when they fail.
type ErrorList []*Error

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0].Error(), len(l)-1)
}

// Format renders every error as `name:line:col: message` followed by the source
// line and a caret under the column, the form `prowl check` and the CLI print.
func (l ErrorList) Format(name, src string) string {
	lines := strings.Split(src, "\n")
	var b strings.Builder
	for _, e := range l {
		if !e.Pos.IsValid() {
			fmt.Fprintf(&b, "%s: %s\n", name, e.Msg)
			continue
		}
		fmt.Fprintf(&b, "%s:%d:%d: %s\n", name, e.Pos.Line, e.Pos.Col, e.Msg)
		if e.Pos.Line-1 < len(lines) {
			line := strings.TrimRight(lines[e.Pos.Line-1], "\r")
			fmt.Fprintf(&b, "    %s\n", strings.ReplaceAll(line, "\t", " "))
			fmt.Fprintf(&b, "    %s^\n", strings.Repeat(" ", max(e.Pos.Col-1, 0)))
		}
	}
	return b.String()
}
