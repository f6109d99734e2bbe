// Package strops evaluates KQL string operators (==, =~, contains, has, startswith, in~, matches regex, ...)
// against constant needles over Arrow string arrays, with no per-row allocation.
//
// Compile (or New) turns an operator and its needle(s) into an immutable
// Matcher, safe for concurrent use. Eval fills a []bool per row, EvalBitmap an
// Arrow-style bitmap, Select a selection vector; EvalDictionary evaluates the
// predicate once per entry of a dictionary-encoded column and maps the
// indices. Null slots read as "" (Kusto strings are never null).
//
// Semantics follow ADX: plain contains/startswith/endswith/has/hasprefix/
// hassuffix/has_any/has_all, =~ and in~ ignore case (Unicode simple folding,
// with an ASCII fast path); ==, in, matches regex and the _cs forms do not.
// has matches whole terms — maximal runs of letters and digits — so
// "KustoExplorerQueryRun" has "Explorer" is false; a needle with punctuation
// ("cmd.exe") matches as a phrase whose ends fall on term boundaries.
//
// contains and the has family search the whole value buffer of a batch at
// once (folded a cache-sized chunk at a time for case-insensitive needles)
// and map each hit back to its row through the offsets, checking term
// boundaries only around hits. in/in~ use a hash set with a length
// pre-filter. has_any/has_all with a few needles search once per needle;
// with many (IOC lists) they split each value into terms once and look each
// term up in a map of needles (phrase needles are keyed by their first term).
// PairEvaluator handles needles that vary by row.
package strops
