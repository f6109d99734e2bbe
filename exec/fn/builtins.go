package fn

import (
	"fmt"
	"math"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/kusto"
)

type rowFunc = func(ctx *Context, v []value) value

// withRegex builds a kernel whose row function uses regular expressions: a
// fresh cache of compiled patterns for every batch, and an error for the
// query when a pattern does not compile.
func withRegex(mk func(c *regexCache) rowFunc) Kernel {
	return func(ctx *Context, args []Arg, n int, out kusto.Type) (arrow.Array, error) {
		c := new(regexCache)
		a, err := evalRows(ctx, mk(c), args, n, out, true)
		if err == nil && c.err != nil {
			a.Release()
			return nil, c.err
		}
		return a, err
	}
}

// row builds a kernel from a stateless row function.
func row(f rowFunc) Kernel {
	return func(ctx *Context, args []Arg, n int, out kusto.Type) (arrow.Array, error) {
		return evalRows(ctx, f, args, n, out, true)
	}
}

// volatile builds a kernel whose value differs per row even for constant
// arguments (rand).
func volatile(f rowFunc) Kernel {
	return func(ctx *Context, args []Arg, n int, out kusto.Type) (arrow.Array, error) {
		return evalRows(ctx, f, args, n, out, false)
	}
}

func evalRows(ctx *Context, f rowFunc, args []Arg, n int, out kusto.Type, foldConst bool) (arrow.Array, error) {
	if out == kusto.Decimal {
		return nil, fmt.Errorf("decimal results are not supported yet")
	}
	cs, err := cols(args)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if !c.c && c.arr.Len() < n {
			return nil, fmt.Errorf("argument has %d rows, want %d", c.arr.Len(), n)
		}
	}
	b := newBuilder(ctx.Mem, out, n)
	vals := make([]value, len(cs))
	allConst := foldConst
	for _, c := range cs {
		allConst = allConst && c.c
	}
	if allConst && n > 0 {
		for k, c := range cs {
			vals[k] = c.value(0)
		}
		v := f(ctx, vals)
		for i := 0; i < n; i++ {
			b.append(v)
		}
		return b.finish(), nil
	}
	for i := 0; i < n; i++ {
		for k, c := range cs {
			vals[k] = c.value(i)
		}
		b.append(f(ctx, vals))
	}
	return b.finish(), nil
}

// builtinKernels returns the kernel of every built-in scalar function by
// canonical name (a fresh map: registries may add to theirs).
func builtinKernels() map[string]Kernel {
	return map[string]Kernel{
		// conversion
		"tostring":   kernelToString,
		"toint":      row(kToInt),
		"tolong":     row(kToLong),
		"todouble":   row(kToReal),
		"todecimal":  row(kToReal),
		"tobool":     row(kToBool),
		"todatetime": row(kToDateTime),
		"totimespan": row(kToTimeSpan),
		"toguid":     row(kToGuid),
		"parse_json": row(kParseJSON),
		"tohex":      row(kToHex),
		"gettype":    row(kGettype),
		// null and emptiness, logic, conditionals
		"isempty":    emptiness(true, false, kIsEmpty),
		"isnotempty": emptiness(false, false, kIsNotEmpty),
		"isnull":     emptiness(true, true, kIsNull),
		"isnotnull":  emptiness(false, true, kIsNotNull),
		"not":        row(kNot),
		"iff":        row(kIff),
		"case":       row(kCase),
		"coalesce":   row(kCoalesce),
		"isnan":      row(kIsNaN),
		"isinf":      row(kIsInf),
		"isfinite":   row(kIsFinite),
		// time
		"ago":                              row(kAgo),
		"now":                              row(kNow),
		"bin":                              binKernel,
		"bin_at":                           row(kBinAt),
		"datetime_add":                     row(kDatetimeAdd),
		"datetime_diff":                    row(kDatetimeDiff),
		"datetime_part":                    row(kDatetimePart),
		"format_datetime":                  row(kFormatDatetime),
		"format_timespan":                  row(kFormatTimespan),
		"startofday":                       row(startOf("day", false)),
		"startofweek":                      row(startOf("week", false)),
		"startofmonth":                     row(startOf("month", false)),
		"startofyear":                      row(startOf("year", false)),
		"endofday":                         row(startOf("day", true)),
		"endofweek":                        row(startOf("week", true)),
		"endofmonth":                       row(startOf("month", true)),
		"endofyear":                        row(startOf("year", true)),
		"dayofweek":                        row(kDayOfWeek),
		"dayofmonth":                       row(dateInt(func(t time.Time) int64 { return int64(t.Day()) })),
		"dayofyear":                        row(dateInt(func(t time.Time) int64 { return int64(t.YearDay()) })),
		"hourofday":                        row(dateInt(func(t time.Time) int64 { return int64(t.Hour()) })),
		"getmonth":                         row(dateInt(func(t time.Time) int64 { return int64(t.Month()) })),
		"getyear":                          row(dateInt(func(t time.Time) int64 { return int64(t.Year()) })),
		"week_of_year":                     row(dateInt(isoWeek)),
		"unixtime_seconds_todatetime":      row(unixTo(1e9)),
		"unixtime_milliseconds_todatetime": row(unixTo(1e6)),
		"unixtime_microseconds_todatetime": row(unixTo(1e3)),
		"unixtime_nanoseconds_todatetime":  row(unixTo(1)),
		"make_datetime":                    row(kMakeDatetime),
		"make_timespan":                    row(kMakeTimespan),
		// strings
		"strlen":                 kernelStrlen,
		"substring":              row(kSubstring),
		"tolower":                strToStr(appendLower, kToLower),
		"toupper":                strToStr(appendUpper, kToUpper),
		"trim":                   withRegex(func(c *regexCache) rowFunc { return trimKernel(c, true, true) }),
		"trim_start":             withRegex(func(c *regexCache) rowFunc { return trimKernel(c, true, false) }),
		"trim_end":               withRegex(func(c *regexCache) rowFunc { return trimKernel(c, false, true) }),
		"strcat":                 row(kStrcat),
		"strcat_delim":           row(kStrcatDelim),
		"strcat_array":           row(kStrcatArray),
		"strrep":                 row(kStrrep),
		"strcmp":                 row(kStrcmp),
		"split":                  row(kSplit),
		"extract":                withRegex(extractKernel),
		"extract_all":            withRegex(extractAllKernel),
		"extract_json":           row(kExtractJSON),
		"replace_string":         row(kReplaceString),
		"replace_regex":          withRegex(func(c *regexCache) rowFunc { return replaceRegexKernel(c, false) }),
		"replace":                withRegex(func(c *regexCache) rowFunc { return replaceRegexKernel(c, true) }),
		"translate":              row(kTranslate),
		"indexof":                row(kIndexof),
		"indexof_regex":          withRegex(indexofRegexKernel),
		"countof":                withRegex(countofKernel),
		"reverse":                row(kReverse),
		"url_decode":             row(kURLDecode),
		"url_encode":             row(urlEncode(true)),
		"url_encode_component":   row(urlEncode(false)),
		"parse_url":              row(kParseURL),
		"parse_urlquery":         row(kParseURLQuery),
		"parse_path":             row(kParsePath),
		"parse_csv":              row(kParseCSV),
		"parse_command_line":     row(kParseCommandLine),
		"base64_decode_tostring": row(kBase64Decode),
		"base64_encode_tostring": row(kBase64Encode),
		"base64_decode_toarray":  row(kBase64DecodeArray),
		"hash_md5":               strToStr(appendMD5, kHashMD5),
		"hash_sha1":              row(kHashSHA1),
		"hash_sha256":            strToStr(appendSHA256, kHashSHA256),
		"hash":                   row(kHash),
		"isascii":                row(kIsASCII),
		"isutf8":                 row(kIsUTF8),
		// dynamic
		"array_length":    row(kArrayLength),
		"array_slice":     row(kArraySlice),
		"array_concat":    row(kArrayConcat),
		"array_index_of":  row(kArrayIndexOf),
		"array_reverse":   row(kArrayReverse),
		"array_sort_asc":  row(sortKernel(false)),
		"array_sort_desc": row(sortKernel(true)),
		"array_split":     row(kArraySplit),
		"array_sum":       row(kArraySum),
		"array_strcat":    row(kStrcatArray),
		"pack":            row(kPack),
		"pack_array":      row(kPackArray),
		"bag_keys":        row(kBagKeys),
		"bag_merge":       row(kBagMerge),
		"bag_remove_keys": row(kBagRemoveKeys),
		"bag_has_key":     row(kBagHasKey),
		"set_union":       row(setKernel("union")),
		"set_intersect":   row(setKernel("intersect")),
		"set_difference":  row(setKernel("difference")),
		"set_has_element": row(kSetHasElement),
		"zip":             row(kZip),
		// network
		"ipv4_is_private":      row(kIPv4IsPrivate),
		"ipv4_is_in_range":     row(kIPv4IsInRange),
		"ipv4_is_in_any_range": row(kIPv4IsInAnyRange),
		"ipv4_is_match":        row(kIPv4IsMatch),
		"ipv4_compare":         row(kIPv4Compare),
		"parse_ipv4":           row(kParseIPv4),
		"parse_ipv4_mask":      row(kParseIPv4Mask),
		"parse_ipv6":           row(kParseIPv6),
		"ipv6_is_match":        row(kIPv6IsMatch),
		"ipv6_compare":         row(kIPv6Compare),
		"has_ipv4":             row(hasIPv4Kernel(false)),
		"has_ipv4_prefix":      row(hasIPv4Kernel(true)),
		"has_any_ipv4":         row(hasIPv4Kernel(false)),
		"has_any_ipv4_prefix":  row(hasIPv4Kernel(true)),
		"format_ipv4":          row(kFormatIPv4),
		// math
		"abs":     row(kAbs),
		"sign":    row(kSign),
		"round":   row(kRound),
		"ceiling": row(kCeiling),
		"log":     row(realFn(math.Log, true)),
		"log10":   row(realFn(math.Log10, true)),
		"log2":    row(realFn(math.Log2, true)),
		"exp":     row(realFn(math.Exp, false)),
		"exp10":   row(realFn(func(x float64) float64 { return math.Pow(10, x) }, false)),
		"exp2":    row(realFn(math.Exp2, false)),
		"pow":     row(kPow),
		"sqrt":    row(realFn(math.Sqrt, false)),
		"rand":    volatile(kRand),
		"min_of":  row(extremeOf(-1)),
		"max_of":  row(extremeOf(1)),
	}
}
