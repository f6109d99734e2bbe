package builtin

import (
	"strings"
	"testing"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang"
)

// tier0 lists every function and aggregate kql.md names as tier 0.
const tier0 = `ago now bin floor tostring toint tolong todouble toreal tobool todatetime totimespan todynamic
parse_json parsejson isempty isnotempty isnull isnotnull coalesce strlen substring tolower toupper trim trim_start
trim_end strcat strcat_delim strcat_array split extract extract_all replace_string replace_regex replace indexof
countof reverse url_decode url_encode parse_url parse_path base64_decode_tostring base64_encode_tostring hash_md5
hash_sha256 array_length array_slice array_concat pack bag_pack pack_array bag_keys set_union set_intersect
set_has_element column_ifexists datetime_add datetime_diff datetime_part format_datetime format_timespan startofday
startofweek startofmonth startofyear endofday dayofweek hourofday getmonth getyear unixtime_seconds_todatetime
unixtime_milliseconds_todatetime ipv4_is_private ipv4_is_in_range ipv4_compare parse_ipv4 ipv6_is_match
has_any_ipv4 abs round log log10 exp pow sqrt min_of max_of iff iif case not
count countif dcount dcountif sum sumif avg avgif min max minif maxif arg_max arg_min make_set make_set_if make_list
make_list_if make_bag take_any any percentile percentiles stdev variance count_distinct
makeset makelist extractjson argmax argmin arraylength columnifexists base64_decodestring`

func TestTier0Present(t *testing.T) {
	fs := Functions()
	for _, name := range strings.Fields(tier0) {
		if _, ok := fs.Lookup(name); !ok {
			t.Errorf("missing function %s", name)
		}
	}
}

func TestAliases(t *testing.T) {
	fs := Functions()
	aliases := map[string]string{
		"makeset": "make_set", "makelist": "make_list", "parsejson": "parse_json", "todynamic": "parse_json",
		"extractjson": "extract_json", "argmax": "arg_max", "argmin": "arg_min", "arraylength": "array_length",
		"columnifexists": "column_ifexists", "any": "take_any", "base64_decodestring": "base64_decode_tostring",
		"toreal": "todouble", "iif": "iff", "floor": "bin", "bag_pack": "pack",
	}
	for alias, canon := range aliases {
		sig, ok := fs.Lookup(alias)
		if !ok || sig.Name != canon {
			t.Errorf("%s: got %+v, want %s", alias, sig, canon)
		}
	}
}

func TestResultTypes(t *testing.T) {
	const (
		L = kusto.Long
		I = kusto.Int
		R = kusto.Real
		S = kusto.String
		D = kusto.DateTime
		T = kusto.TimeSpan
		Y = kusto.Dynamic
		B = kusto.Bool
	)
	tests := []struct {
		fn   string
		args []kusto.Type
		want kusto.Type
	}{
		{"strlen", []kusto.Type{S}, L}, {"toint", []kusto.Type{S}, I}, {"bin", []kusto.Type{D, T}, D},
		{"bin", []kusto.Type{I, L}, I}, {"iff", []kusto.Type{B, I, R}, R}, {"case", []kusto.Type{B, S, B, S, S}, S},
		{"dcount", []kusto.Type{S}, L}, {"avg", []kusto.Type{L}, R}, {"avg", []kusto.Type{T}, T}, {"count", nil, L},
		{"make_set", []kusto.Type{S}, Y}, {"arg_max", []kusto.Type{D, S}, D}, {"percentile", []kusto.Type{L, L}, L},
		{"percentile", []kusto.Type{R, L}, R}, {"sum", []kusto.Type{I}, L}, {"sum", []kusto.Type{T}, T},
		{"min", []kusto.Type{D}, D}, {"coalesce", []kusto.Type{I, L}, L}, {"datetime_diff", []kusto.Type{S, D, D}, L},
		{"dayofweek", []kusto.Type{D}, T}, {"round", []kusto.Type{R, I}, R}, {"round", []kusto.Type{L}, L},
		{"extract", []kusto.Type{S, L, S}, S}, {"extract", []kusto.Type{S, L, S, L}, L}, {"stdev", []kusto.Type{L}, R},
	}
	fs := Functions()
	for _, tt := range tests {
		sig, _ := fs.Lookup(tt.fn)
		got, err := sig.Result(tt.args)
		if err != nil || got != tt.want {
			t.Errorf("%s%v: got %v, %v; want %v", tt.fn, tt.args, got, err, tt.want)
		}
	}
	for _, bad := range []struct {
		fn   string
		args []kusto.Type
	}{{"ago", []kusto.Type{L}}, {"sum", []kusto.Type{S}}, {"iff", []kusto.Type{S, L, L}}, {"iff", []kusto.Type{B, L, S}}, {"startofday", []kusto.Type{S}}} {
		sig, _ := fs.Lookup(bad.fn)
		if _, err := sig.Result(bad.args); err == nil {
			t.Errorf("%s%v: no error", bad.fn, bad.args)
		}
	}
}

func TestAggregatePrefixes(t *testing.T) {
	want := map[string]string{"count": "count", "countif": "countif", "dcount": "dcount", "sum": "sum", "avg": "avg",
		"make_set": "set", "make_list": "list", "make_bag": "bag", "percentile": "percentile", "min": "min", "max": "max"}
	fs := Functions()
	for name, prefix := range want {
		sig, _ := fs.Lookup(name)
		if sig.Kind != lang.Aggregate || sig.NamePrefix != prefix {
			t.Errorf("%s: kind %v prefix %q, want aggregate %q", name, sig.Kind, sig.NamePrefix, prefix)
		}
	}
}

func TestNewIsIndependent(t *testing.T) {
	s := New()
	s.Add(&lang.FuncSig{Name: "discover_apps", Kind: lang.Tabular, MaxArgs: -1})
	if _, ok := s.Lookup("discover_apps"); !ok {
		t.Fatal("added function missing")
	}
	if _, ok := Functions().Lookup("discover_apps"); ok {
		t.Fatal("New shares state with the built-in set")
	}
	names := s.Names()
	for i := 1; i < len(names); i++ {
		if names[i-1] >= names[i] {
			t.Fatalf("names not sorted: %s, %s", names[i-1], names[i])
		}
	}
}
