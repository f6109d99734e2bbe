// Package strops evaluates KQL string operators (==, =~, contains, has, startswith, in~, matches regex, ...)
// against constant needles over Arrow string arrays, with no per-row allocation.
package strops
