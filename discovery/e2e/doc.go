// Package e2e holds discovery's end-to-end tests: generated data, prowl.Open,
// and the discovery functions, commands and indicators working together. It
// has no code of its own.
package e2e
