// Package repl holds the terminal-independent parts of prowl's interactive
// shell: tokenizing for highlighting, statement completeness, context-aware
// completion, text charts, the history file and the session's # commands.
package repl
