package builtin

import (
	"fmt"
	"sort"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang"
)

// Result-type rules. Each returns the result type from the argument types or an
// error saying what was expected (the binder adds the position).

type rule = func(args []kusto.Type) (kusto.Type, error)

func fixed(t kusto.Type) rule {
	return func([]kusto.Type) (kusto.Type, error) { return t, nil }
}

// argType is the type of argument i (the result of min, max, abs, ...).
func argType(i int) rule {
	return func(args []kusto.Type) (kusto.Type, error) {
		if i < len(args) {
			return args[i], nil
		}
		return kusto.Invalid, nil
	}
}

// Common returns the type two values of types a and b promote to (int→long→real,
// decimal), or Invalid when they have none.
func Common(a, b kusto.Type) kusto.Type {
	switch {
	case a == b:
		return a
	case a == kusto.Invalid:
		return b
	case b == kusto.Invalid:
		return a
	case a == kusto.Dynamic || b == kusto.Dynamic:
		return kusto.Dynamic
	case a.IsNumeric() && b.IsNumeric():
		return max(a, b) // Int < Long < Real < Decimal in kusto.Type order
	case a == kusto.Guid && b == kusto.String || a == kusto.String && b == kusto.Guid:
		return kusto.String
	}
	return kusto.Invalid
}

// common is the common type of the arguments selected by pick.
func common(what string, pick func(n int) []int) rule {
	return func(args []kusto.Type) (kusto.Type, error) {
		t := kusto.Invalid
		for _, i := range pick(len(args)) {
			if i >= len(args) {
				continue
			}
			c := Common(t, args[i])
			if c == kusto.Invalid {
				return kusto.Invalid, fmt.Errorf("%s: arguments must have a common type, got %s and %s", what, t, args[i])
			}
			t = c
		}
		return t, nil
	}
}

func all(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// caseBranches picks the values of case(p1, v1, p2, v2, ..., else).
func caseBranches(n int) []int {
	var out []int
	for i := 1; i < n; i += 2 {
		out = append(out, i)
	}
	if n%2 == 1 {
		out = append(out, n-1)
	}
	return out
}

func isNum(t kusto.Type) bool { return t.IsNumeric() || t == kusto.Dynamic || t == kusto.Invalid }

// want checks argument i is one of the listed kinds ("num", "datetime",
// "timespan", "string", "bool") before applying r.
func want(r rule, name string, specs ...string) rule {
	return func(args []kusto.Type) (kusto.Type, error) {
		for i, spec := range specs {
			if i >= len(args) || spec == "" {
				continue
			}
			if !fits(spec, args[i]) {
				return kusto.Invalid, fmt.Errorf("%s: argument %d must be %s, not %s", name, i+1, specText[spec], args[i])
			}
		}
		return r(args)
	}
}

var specText = map[string]string{
	"num": "a number", "datetime": "a datetime", "timespan": "a timespan", "bool": "a bool",
	"numtime": "a number, datetime or timespan", "numspan": "a number or timespan", "scalar": "a scalar value",
}

func fits(spec string, t kusto.Type) bool {
	if t == kusto.Dynamic || t == kusto.Invalid {
		return true
	}
	switch spec {
	case "num":
		return isNum(t)
	case "datetime":
		return t == kusto.DateTime
	case "timespan":
		return t == kusto.TimeSpan
	case "bool":
		return t == kusto.Bool
	case "numtime":
		return isNum(t) || t == kusto.DateTime || t == kusto.TimeSpan
	case "numspan":
		return isNum(t) || t == kusto.TimeSpan
	}
	return true
}

// sumType is the type of sum(x): long for integers, real, decimal, timespan.
func sumType(args []kusto.Type) (kusto.Type, error) {
	if len(args) == 0 {
		return kusto.Long, nil
	}
	switch a := args[0]; a {
	case kusto.Int, kusto.Long:
		return kusto.Long, nil
	case kusto.Real, kusto.Decimal, kusto.TimeSpan:
		return a, nil
	case kusto.Dynamic:
		return kusto.Real, nil
	}
	return kusto.Invalid, fmt.Errorf("sum: argument must be a number or timespan, not %s", args[0])
}

func avgType(args []kusto.Type) (kusto.Type, error) {
	if len(args) == 0 {
		return kusto.Real, nil
	}
	switch a := args[0]; a {
	case kusto.TimeSpan, kusto.DateTime, kusto.Decimal:
		return a, nil
	}
	if !isNum(args[0]) {
		return kusto.Invalid, fmt.Errorf("avg: argument must be a number, datetime or timespan, not %s", args[0])
	}
	return kusto.Real, nil
}

// roundType keeps integers as they are and makes everything else real.
func realOrSame(args []kusto.Type) (kusto.Type, error) {
	if len(args) > 0 && (args[0] == kusto.Int || args[0] == kusto.Long || args[0] == kusto.Decimal) {
		return args[0], nil
	}
	if len(args) > 0 && !isNum(args[0]) {
		return kusto.Invalid, fmt.Errorf("argument must be a number, not %s", args[0])
	}
	return kusto.Real, nil
}

// typedLast returns the type given by an optional typeof(T) argument at i,
// else def.
func typedLast(i int, def kusto.Type) rule {
	return func(args []kusto.Type) (kusto.Type, error) {
		if i < len(args) && args[i] != kusto.Invalid {
			return args[i], nil
		}
		return def, nil
	}
}

const V = -1 // variadic

// entry is one row of the table.
type entry struct {
	name    string
	aliases []string
	kind    lang.FuncKind
	min     int
	max     int
	result  rule
	prefix  string
}

var (
	S = lang.Scalar
	A = lang.Aggregate
)

const (
	tBool = kusto.Bool
	tInt  = kusto.Int
	tLong = kusto.Long
	tReal = kusto.Real
	tDec  = kusto.Decimal
	tStr  = kusto.String
	tDT   = kusto.DateTime
	tTS   = kusto.TimeSpan
	tGuid = kusto.Guid
	tDyn  = kusto.Dynamic
)

// table is every built-in function. Keep it sorted by topic; add rows freely.
var table = []entry{
	// conversion
	{"tostring", nil, S, 1, 1, fixed(tStr), ""},
	{"toint", nil, S, 1, 1, fixed(tInt), ""},
	{"tolong", nil, S, 1, 1, fixed(tLong), ""},
	{"todouble", []string{"toreal"}, S, 1, 1, fixed(tReal), ""},
	{"todecimal", nil, S, 1, 1, fixed(tDec), ""},
	{"tobool", []string{"toboolean"}, S, 1, 1, fixed(tBool), ""},
	{"todatetime", nil, S, 1, 1, fixed(tDT), ""},
	{"totimespan", []string{"totime"}, S, 1, 1, fixed(tTS), ""},
	{"toguid", nil, S, 1, 1, fixed(tGuid), ""},
	{"parse_json", []string{"parsejson", "todynamic", "toobject"}, S, 1, 1, fixed(tDyn), ""},
	{"tohex", nil, S, 1, 2, fixed(tStr), ""},
	{"gettype", nil, S, 1, 1, fixed(tStr), ""},
	// null and emptiness, logic, conditionals
	{"isempty", nil, S, 1, 1, fixed(tBool), ""},
	{"isnotempty", []string{"notempty"}, S, 1, 1, fixed(tBool), ""},
	{"isnull", nil, S, 1, 1, fixed(tBool), ""},
	{"isnotnull", []string{"notnull"}, S, 1, 1, fixed(tBool), ""},
	{"not", nil, S, 1, 1, want(fixed(tBool), "not", "bool"), ""},
	{"iff", []string{"iif"}, S, 3, 3, want(common("iff", func(int) []int { return []int{1, 2} }), "iff", "bool"), ""},
	{"case", nil, S, 3, V, common("case", caseBranches), ""},
	{"coalesce", nil, S, 1, V, common("coalesce", all), ""},
	{"isnan", nil, S, 1, 1, fixed(tBool), ""},
	{"isinf", nil, S, 1, 1, fixed(tBool), ""},
	{"isfinite", nil, S, 1, 1, fixed(tBool), ""},
	// time
	{"ago", nil, S, 1, 1, want(fixed(tDT), "ago", "timespan"), ""},
	{"now", nil, S, 0, 1, want(fixed(tDT), "now", "timespan"), ""},
	{"bin", []string{"floor"}, S, 2, 2, want(argType(0), "bin", "numtime", "numspan"), ""},
	{"bin_at", nil, S, 3, 3, want(argType(0), "bin_at", "numtime", "numspan"), ""},
	{"datetime_add", nil, S, 3, 3, want(fixed(tDT), "datetime_add", "", "num", "datetime"), ""},
	{"datetime_diff", nil, S, 3, 3, want(fixed(tLong), "datetime_diff", "", "datetime", "datetime"), ""},
	{"datetime_part", []string{"datepart"}, S, 2, 2, want(fixed(tInt), "datetime_part", "", "datetime"), ""},
	{"format_datetime", nil, S, 2, 2, want(fixed(tStr), "format_datetime", "datetime"), ""},
	{"format_timespan", nil, S, 2, 2, want(fixed(tStr), "format_timespan", "timespan"), ""},
	{"startofday", nil, S, 1, 2, want(fixed(tDT), "startofday", "datetime"), ""},
	{"startofweek", nil, S, 1, 2, want(fixed(tDT), "startofweek", "datetime"), ""},
	{"startofmonth", nil, S, 1, 2, want(fixed(tDT), "startofmonth", "datetime"), ""},
	{"startofyear", nil, S, 1, 2, want(fixed(tDT), "startofyear", "datetime"), ""},
	{"endofday", nil, S, 1, 2, want(fixed(tDT), "endofday", "datetime"), ""},
	{"endofweek", nil, S, 1, 2, want(fixed(tDT), "endofweek", "datetime"), ""},
	{"endofmonth", nil, S, 1, 2, want(fixed(tDT), "endofmonth", "datetime"), ""},
	{"endofyear", nil, S, 1, 2, want(fixed(tDT), "endofyear", "datetime"), ""},
	{"dayofweek", nil, S, 1, 1, want(fixed(tTS), "dayofweek", "datetime"), ""},
	{"dayofmonth", nil, S, 1, 1, want(fixed(tInt), "dayofmonth", "datetime"), ""},
	{"dayofyear", nil, S, 1, 1, want(fixed(tInt), "dayofyear", "datetime"), ""},
	{"hourofday", nil, S, 1, 1, want(fixed(tInt), "hourofday", "datetime"), ""},
	{"getmonth", []string{"monthofyear"}, S, 1, 1, want(fixed(tInt), "getmonth", "datetime"), ""},
	{"getyear", nil, S, 1, 1, want(fixed(tInt), "getyear", "datetime"), ""},
	{"week_of_year", []string{"weekofyear"}, S, 1, 1, want(fixed(tInt), "week_of_year", "datetime"), ""},
	{"unixtime_seconds_todatetime", nil, S, 1, 1, want(fixed(tDT), "unixtime_seconds_todatetime", "num"), ""},
	{"unixtime_milliseconds_todatetime", nil, S, 1, 1, want(fixed(tDT), "unixtime_milliseconds_todatetime", "num"), ""},
	{"unixtime_microseconds_todatetime", nil, S, 1, 1, want(fixed(tDT), "unixtime_microseconds_todatetime", "num"), ""},
	{"unixtime_nanoseconds_todatetime", nil, S, 1, 1, want(fixed(tDT), "unixtime_nanoseconds_todatetime", "num"), ""},
	{"make_datetime", nil, S, 1, 7, fixed(tDT), ""},
	{"make_timespan", nil, S, 1, 5, fixed(tTS), ""},
	// strings
	{"strlen", nil, S, 1, 1, fixed(tLong), ""},
	{"substring", nil, S, 2, 3, want(fixed(tStr), "substring", "", "num", "num"), ""},
	{"tolower", nil, S, 1, 1, fixed(tStr), ""},
	{"toupper", nil, S, 1, 1, fixed(tStr), ""},
	{"trim", nil, S, 2, 2, fixed(tStr), ""},
	{"trim_start", nil, S, 2, 2, fixed(tStr), ""},
	{"trim_end", nil, S, 2, 2, fixed(tStr), ""},
	{"strcat", nil, S, 1, V, fixed(tStr), ""},
	{"strcat_delim", nil, S, 3, V, fixed(tStr), ""},
	{"strcat_array", nil, S, 2, 2, fixed(tStr), ""},
	{"strrep", nil, S, 2, 3, fixed(tStr), ""},
	{"strcmp", nil, S, 2, 2, fixed(tInt), ""},
	{"split", nil, S, 2, 3, fixed(tDyn), ""},
	{"extract", nil, S, 3, 4, want(typedLast(3, tStr), "extract", "", "num"), ""},
	{"extract_all", nil, S, 2, 3, fixed(tDyn), ""},
	{"extract_json", []string{"extractjson"}, S, 2, 3, typedLast(2, tStr), ""},
	{"replace_string", nil, S, 3, 3, fixed(tStr), ""},
	{"replace_regex", nil, S, 3, 3, fixed(tStr), ""},
	{"replace", nil, S, 3, 3, fixed(tStr), ""},
	{"translate", nil, S, 3, 3, fixed(tStr), ""},
	{"indexof", nil, S, 2, 5, fixed(tLong), ""},
	{"indexof_regex", nil, S, 2, 4, fixed(tLong), ""},
	{"countof", nil, S, 2, 3, fixed(tLong), ""},
	{"reverse", nil, S, 1, 1, fixed(tStr), ""},
	{"url_decode", nil, S, 1, 1, fixed(tStr), ""},
	{"url_encode", nil, S, 1, 1, fixed(tStr), ""},
	{"url_encode_component", nil, S, 1, 1, fixed(tStr), ""},
	{"parse_url", []string{"parseurl"}, S, 1, 1, fixed(tDyn), ""},
	{"parse_urlquery", nil, S, 1, 1, fixed(tDyn), ""},
	{"parse_path", nil, S, 1, 1, fixed(tDyn), ""},
	{"parse_csv", nil, S, 1, 1, fixed(tDyn), ""},
	{"parse_command_line", nil, S, 2, 2, fixed(tDyn), ""},
	{"base64_decode_tostring", []string{"base64_decodestring"}, S, 1, 1, fixed(tStr), ""},
	{"base64_encode_tostring", []string{"base64_encodestring"}, S, 1, 1, fixed(tStr), ""},
	{"base64_decode_toarray", nil, S, 1, 1, fixed(tDyn), ""},
	{"hash_md5", nil, S, 1, 1, fixed(tStr), ""},
	{"hash_sha1", nil, S, 1, 1, fixed(tStr), ""},
	{"hash_sha256", nil, S, 1, 1, fixed(tStr), ""},
	{"hash", nil, S, 1, 2, fixed(tLong), ""},
	{"isascii", nil, S, 1, 1, fixed(tBool), ""},
	{"isutf8", nil, S, 1, 1, fixed(tBool), ""},
	// dynamic
	{"array_length", []string{"arraylength"}, S, 1, 1, fixed(tLong), ""},
	{"array_slice", nil, S, 3, 3, fixed(tDyn), ""},
	{"array_concat", nil, S, 1, V, fixed(tDyn), ""},
	{"array_index_of", nil, S, 2, 4, fixed(tLong), ""},
	{"array_reverse", nil, S, 1, 1, fixed(tDyn), ""},
	{"array_sort_asc", nil, S, 1, V, fixed(tDyn), ""},
	{"array_sort_desc", nil, S, 1, V, fixed(tDyn), ""},
	{"array_split", nil, S, 2, 2, fixed(tDyn), ""},
	{"array_sum", nil, S, 1, 1, fixed(tReal), ""},
	{"array_strcat", nil, S, 2, 2, fixed(tStr), ""},
	{"pack", []string{"bag_pack"}, S, 0, V, fixed(tDyn), ""},
	{"pack_all", nil, S, 0, 1, fixed(tDyn), ""},
	{"pack_array", nil, S, 0, V, fixed(tDyn), ""},
	{"bag_keys", nil, S, 1, 1, fixed(tDyn), ""},
	{"bag_merge", nil, S, 1, V, fixed(tDyn), ""},
	{"bag_remove_keys", nil, S, 2, 2, fixed(tDyn), ""},
	{"bag_has_key", nil, S, 2, 2, fixed(tBool), ""},
	{"set_union", nil, S, 1, V, fixed(tDyn), ""},
	{"set_intersect", nil, S, 1, V, fixed(tDyn), ""},
	{"set_difference", nil, S, 1, V, fixed(tDyn), ""},
	{"set_has_element", nil, S, 2, 2, fixed(tBool), ""},
	{"column_ifexists", []string{"columnifexists"}, S, 2, 2, argType(1), ""},
	{"zip", nil, S, 1, V, fixed(tDyn), ""},
	// network
	{"ipv4_is_private", nil, S, 1, 1, fixed(tBool), ""},
	{"ipv4_is_in_range", nil, S, 2, 2, fixed(tBool), ""},
	{"ipv4_is_in_any_range", nil, S, 2, V, fixed(tBool), ""},
	{"ipv4_is_match", nil, S, 2, 3, fixed(tBool), ""},
	{"ipv4_compare", nil, S, 2, 3, fixed(tLong), ""},
	{"parse_ipv4", nil, S, 1, 1, fixed(tLong), ""},
	{"parse_ipv4_mask", nil, S, 2, 2, fixed(tLong), ""},
	{"parse_ipv6", nil, S, 1, 1, fixed(tStr), ""},
	{"ipv6_is_match", nil, S, 2, 3, fixed(tBool), ""},
	{"ipv6_compare", nil, S, 2, 3, fixed(tLong), ""},
	{"has_ipv4", nil, S, 2, 2, fixed(tBool), ""},
	{"has_ipv4_prefix", nil, S, 2, 2, fixed(tBool), ""},
	{"has_any_ipv4", nil, S, 2, V, fixed(tBool), ""},
	{"has_any_ipv4_prefix", nil, S, 2, V, fixed(tBool), ""},
	{"format_ipv4", nil, S, 1, 2, fixed(tStr), ""},
	// math
	{"abs", nil, S, 1, 1, want(argType(0), "abs", "numspan"), ""},
	{"sign", nil, S, 1, 1, want(argType(0), "sign", "num"), ""},
	{"round", nil, S, 1, 2, realOrSame, ""},
	{"ceiling", nil, S, 1, 1, realOrSame, ""},
	{"log", nil, S, 1, 1, want(fixed(tReal), "log", "num"), ""},
	{"log10", nil, S, 1, 1, want(fixed(tReal), "log10", "num"), ""},
	{"log2", nil, S, 1, 1, want(fixed(tReal), "log2", "num"), ""},
	{"exp", nil, S, 1, 1, want(fixed(tReal), "exp", "num"), ""},
	{"exp10", nil, S, 1, 1, want(fixed(tReal), "exp10", "num"), ""},
	{"exp2", nil, S, 1, 1, want(fixed(tReal), "exp2", "num"), ""},
	{"pow", nil, S, 2, 2, want(fixed(tReal), "pow", "num", "num"), ""},
	{"sqrt", nil, S, 1, 1, want(fixed(tReal), "sqrt", "num"), ""},
	{"rand", nil, S, 0, 1, fixed(tReal), ""},
	{"min_of", nil, S, 1, V, common("min_of", all), ""},
	{"max_of", nil, S, 1, V, common("max_of", all), ""},

	// aggregates
	{"count", nil, A, 0, 1, fixed(tLong), "count"},
	{"countif", nil, A, 1, 1, want(fixed(tLong), "countif", "bool"), "countif"},
	{"dcount", nil, A, 1, 2, fixed(tLong), "dcount"},
	{"dcountif", nil, A, 2, 3, want(fixed(tLong), "dcountif", "", "bool"), "dcountif"},
	{"count_distinct", nil, A, 1, 1, fixed(tLong), "count_distinct"},
	{"count_distinctif", nil, A, 2, 2, want(fixed(tLong), "count_distinctif", "", "bool"), "count_distinctif"},
	{"sum", nil, A, 1, 1, sumType, "sum"},
	{"sumif", nil, A, 2, 2, want(sumType, "sumif", "", "bool"), "sumif"},
	{"avg", nil, A, 1, 1, avgType, "avg"},
	{"avgif", nil, A, 2, 2, want(avgType, "avgif", "", "bool"), "avgif"},
	{"min", nil, A, 1, 1, argType(0), "min"},
	{"max", nil, A, 1, 1, argType(0), "max"},
	{"minif", nil, A, 2, 2, want(argType(0), "minif", "", "bool"), "minif"},
	{"maxif", nil, A, 2, 2, want(argType(0), "maxif", "", "bool"), "maxif"},
	{"arg_max", []string{"argmax"}, A, 1, V, argType(0), "max"},
	{"arg_min", []string{"argmin"}, A, 1, V, argType(0), "min"},
	{"make_set", []string{"makeset"}, A, 1, 2, fixed(tDyn), "set"},
	{"make_set_if", []string{"makeset_if"}, A, 2, 3, want(fixed(tDyn), "make_set_if", "", "bool"), "set"},
	{"make_list", []string{"makelist"}, A, 1, 2, fixed(tDyn), "list"},
	{"make_list_if", []string{"makelist_if"}, A, 2, 3, want(fixed(tDyn), "make_list_if", "", "bool"), "list"},
	{"make_list_with_nulls", nil, A, 1, 2, fixed(tDyn), "list"},
	{"make_bag", nil, A, 1, 2, fixed(tDyn), "bag"},
	{"make_bag_if", nil, A, 2, 3, want(fixed(tDyn), "make_bag_if", "", "bool"), "bag"},
	{"take_any", []string{"any"}, A, 1, V, anyType, "any"},
	{"take_anyif", []string{"anyif"}, A, 2, 2, want(argType(0), "take_anyif", "", "bool"), "anyif"},
	{"percentile", nil, A, 2, 2, percentileType, "percentile"},
	{"percentiles", nil, A, 2, V, percentileType, "percentile"},
	{"stdev", nil, A, 1, 1, want(fixed(tReal), "stdev", "num"), "stdev"},
	{"stdevif", nil, A, 2, 2, want(fixed(tReal), "stdevif", "num", "bool"), "stdevif"},
	{"stdevp", nil, A, 1, 1, want(fixed(tReal), "stdevp", "num"), "stdevp"},
	{"variance", nil, A, 1, 1, want(fixed(tReal), "variance", "num"), "variance"},
	{"varianceif", nil, A, 2, 2, want(fixed(tReal), "varianceif", "num", "bool"), "varianceif"},
	{"variancep", nil, A, 1, 1, want(fixed(tReal), "variancep", "num"), "variancep"},
}

// anyType is the type of take_any's first argument (dynamic for take_any(*),
// whose columns the binder lists in Info.Multi).
func anyType(args []kusto.Type) (kusto.Type, error) {
	if len(args) == 0 || args[0] == kusto.Invalid {
		return kusto.Dynamic, nil
	}
	return args[0], nil
}

// percentileType is the value's type for numbers, datetimes and timespans.
func percentileType(args []kusto.Type) (kusto.Type, error) {
	if len(args) == 0 {
		return kusto.Real, nil
	}
	a := args[0]
	if !fits("numtime", a) {
		return kusto.Invalid, fmt.Errorf("percentile: argument must be a number, datetime or timespan, not %s", a)
	}
	for _, p := range args[1:] {
		if !fits("num", p) {
			return kusto.Invalid, fmt.Errorf("percentile: the percentile must be a number, not %s", p)
		}
	}
	if a == kusto.Dynamic {
		return kusto.Real, nil
	}
	return a, nil
}

// Set is a lang.Functions over a table of signatures.
type Set struct {
	byName map[string]*lang.FuncSig
	names  []string
}

var builtins = build()

func build() *Set {
	s := &Set{byName: make(map[string]*lang.FuncSig, len(table)*2)}
	for _, e := range table {
		sig := &lang.FuncSig{
			Name: e.name, Aliases: e.aliases, Kind: e.kind, MinArgs: e.min, MaxArgs: e.max,
			Result: e.result, NamePrefix: e.prefix,
		}
		s.Add(sig)
	}
	return s
}

// Add registers sig under its name and aliases, replacing any earlier entry.
func (s *Set) Add(sig *lang.FuncSig) {
	if _, ok := s.byName[sig.Name]; !ok {
		s.names = append(s.names, sig.Name)
		sort.Strings(s.names)
	}
	s.byName[sig.Name] = sig
	for _, a := range sig.Aliases {
		s.byName[a] = sig
	}
}

// Lookup returns the function with this name or alias.
func (s *Set) Lookup(name string) (*lang.FuncSig, bool) {
	f, ok := s.byName[name]
	return f, ok
}

// Names lists the canonical names in alphabetical order.
func (s *Set) Names() []string { return append([]string(nil), s.names...) }

// Functions returns the built-in functions. The returned set is shared and
// read-only; use New for a set to extend.
func Functions() lang.Functions { return builtins }

// New returns a fresh, extendable copy of the built-in set (the engine's
// registry can start from it and Add the functions extensions register).
func New() *Set {
	s := &Set{byName: make(map[string]*lang.FuncSig, len(builtins.byName)), names: append([]string(nil), builtins.names...)}
	for k, v := range builtins.byName {
		s.byName[k] = v
	}
	return s
}
