// Package ast declares the syntax tree of a KQL script: statements, tabular
// operators and scalar expressions, each with its source position.
//
// The tree is prowl's own (participle's grammar structs never leave package lang).
// Names and types are not resolved here: the binder (lang.Bind) records what each
// name means and the type of each expression in a lang.Info, keyed by node, the way
// go/types annotates go/ast.
//
// Format and FormatScript print a tree as canonical KQL (parsing the output
// gives back the same tree, positions and literal spellings aside); Clone
// deep-copies a tree (the binder expands each call of a user function from a
// private copy of its body).
package ast
