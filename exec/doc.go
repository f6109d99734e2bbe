// Package exec plans and runs bound KQL queries: it turns lang.Info into a tree
// of physical operators (package op) with scan pushdown and projection pruning,
// dispatches control commands, and holds the extension registry.
package exec
