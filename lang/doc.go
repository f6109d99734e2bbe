// Package lang turns KQL text into a checked syntax tree: the lexer and parser
// (Parse), the binder that resolves names and types (Bind), and diagnostics with
// positions.
package lang
