// Command prowl is the command-line interface of the prowl hunting engine: run
// KQL queries, lint rules, hunt interactively, serve the Kusto REST endpoint,
// generate and import data, discover cloud apps and emit block indicators.
//
// The command contract (names, flags, output shapes, exit codes) is in cli.md and
// is stable: scripts depend on it. Exit status: 0 success, 1 the query or command
// failed, 2 usage error.
package main
