package lang_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang"
	"github.com/prowl-hunt/prowl/lang/ast"
)

func bind(t *testing.T, src string, env *lang.Env) (*ast.Script, *lang.Info) {
	t.Helper()
	s, err := lang.Parse(src)
	if err != nil {
		t.Fatalf("parse %s: %v", src, err)
	}
	info, err := lang.Bind(s, env)
	if err != nil {
		t.Fatalf("bind:\n%s", formatErr(err, "q", src))
	}
	return s, info
}

// schemaText renders a schema as "Name:type, ...".
func schemaText(s kusto.Schema) string {
	parts := make([]string, len(s))
	for i, c := range s {
		parts[i] = c.Name + ":" + c.Type.String()
	}
	return strings.Join(parts, ", ")
}

const dt = `datatable(Timestamp:datetime, DeviceId:string, X:long, I:int, R:real, S:string, D:dynamic, Ts:timespan) [datetime(2020-01-01), "a", 1, int(1), 1.5, "s", dynamic({}), 1h]`

func TestOutputSchemas(t *testing.T) {
	tests := []struct{ src, want string }{
		{dt + " | summarize count()", "count_:long"},
		{dt + " | summarize count() by DeviceId", "DeviceId:string, count_:long"},
		{dt + " | summarize countif(X > 1), dcount(DeviceId), dcountif(S, X > 1)", "countif_:long, dcount_DeviceId:long, dcountif_S:long"},
		{dt + " | summarize sum(X), sum(I), sum(R), sum(Ts), avg(X), avg(Ts)", "sum_X:long, sum_I:long, sum_R:real, sum_Ts:timespan, avg_X:real, avg_Ts:timespan"},
		{dt + " | summarize min(Timestamp), max(X), minif(R, X > 0), maxif(S, true)", "min_Timestamp:datetime, max_X:long, minif_R:real, maxif_S:string"},
		{dt + " | summarize make_set(S), make_set(S), make_set(S), make_list(X), make_bag(D)", "set_S:dynamic, set_S1:dynamic, set_S2:dynamic, list_X:dynamic, bag_D:dynamic"},
		{dt + " | summarize makeset(S), makelist(X)", "set_S:dynamic, list_X:dynamic"},
		{dt + " | summarize make_set_if(S, X > 1), make_list_if(X, true)", "set_S:dynamic, list_X:dynamic"},
		{dt + " | summarize sum(X * 2), count_ = count(), count()", "sum_:long, count_:long, count_1:long"},
		{dt + " | summarize percentile(X, 95), percentile(R, 99.9), percentiles(Ts, 50, 90)", "percentile_X_95:long, percentile_R_99_9:real, percentile_Ts_50:timespan, percentile_Ts_90:timespan"},
		{dt + " | summarize stdev(X), variance(R), count_distinct(S)", "stdev_X:real, variance_R:real, count_distinct_S:long"},
		{dt + " | summarize arg_max(Timestamp, *) by DeviceId", "DeviceId:string, Timestamp:datetime, X:long, I:int, R:real, S:string, D:dynamic, Ts:timespan"},
		{dt + " | summarize arg_max(Timestamp, S, X) by DeviceId", "DeviceId:string, Timestamp:datetime, S:string, X:long"},
		{dt + " | summarize argmin(X, S)", "X:long, S:string"},
		{dt + " | summarize (T, V) = arg_max(Timestamp, S)", "T:datetime, V:string"},
		{dt + " | summarize N = take_any(S) by X", "X:long, N:string"},
		{dt + " | summarize Last = arg_max(Timestamp, S) by X", "X:long, Last:datetime, S:string"},
		{dt + " | summarize take_any(S), any(X), take_any(*)", "S:string, any_X:long, Timestamp:datetime, DeviceId:string, X:long, I:int, R:real, S1:string, D:dynamic, Ts:timespan"},
		{dt + " | summarize count() by bin(Timestamp, 1h), DeviceId", "Timestamp:datetime, DeviceId:string, count_:long"},
		{dt + " | summarize count() by floor(X, 10), tolower(S)", "X:long, Column1:string, count_:long"},
		{dt + " | summarize by S, tostring(D.a), tolong(D['n'].m), tolower(S)", "S:string, D_a:string, D_n_m:long, Column1:string"},
		{dt + " | extend tostring(D.a), toint(X) | project-away Timestamp, DeviceId, I, R, S, Ts", "X:long, D:dynamic, D_a:string, Column1:int"},
		{dt + " | summarize n = count() * 2 by S", "S:string, n:long"},
		{dt + " | summarize round(avg(X), 2)", "Column1:real"},
		{dt + " | project X, Y = X + 1, X * 2, S, strlen(S)", "X:long, Y:long, Column1:long, S:string, Column2:long"},
		{dt + " | extend Column1 = 1 | extend X * 2", "Timestamp:datetime, DeviceId:string, X:long, I:int, R:real, S:string, D:dynamic, Ts:timespan, Column1:long, Column2:long"},
		{dt + " | extend X = tostring(X) | project X", "X:string"},
		{dt + " | extend a = D.b.c, b = D['k'] | project a, b", "a:dynamic, b:dynamic"},
		{dt + " | project D.b, D['k']", "D_b:dynamic, D_k:dynamic"},
		{dt + " | count", "Count:long"},
		{dt + " | getschema", "ColumnName:string, ColumnOrdinal:int, DataType:string, ColumnType:string"},
		{dt + " | distinct S, X", "S:string, X:long"},
		{dt + " | project-away X, D, T* | project-rename Id = DeviceId", "Id:string, I:int, R:real, S:string"},
		{dt + " | project-keep *Id, S", "DeviceId:string, S:string"},
		{dt + " | project-reorder S, X", "S:string, X:long, Timestamp:datetime, DeviceId:string, I:int, R:real, D:dynamic, Ts:timespan"},
		{dt + " | project-reorder Ts, * asc", "Ts:timespan, D:dynamic, DeviceId:string, I:int, R:real, S:string, Timestamp:datetime, X:long"},
		{dt + " | mv-expand D | project D", "D:dynamic"},
		{dt + " | mv-expand with_itemindex=Idx e = D to typeof(long) | project e, Idx", "e:long, Idx:long"},
		{dt + " | parse S with 'a' P1 '-' P2:long | project P1, P2", "P1:string, P2:long"},
		{dt + " | project DeviceId | join (" + dt + " | project DeviceId, S) on DeviceId", "DeviceId:string, DeviceId1:string, S:string"},
		{dt + " | project DeviceId, S | join kind=leftanti (" + dt + " | project DeviceId) on DeviceId", "DeviceId:string, S:string"},
		{dt + " | project DeviceId, S | join kind=rightsemi (" + dt + " | project DeviceId, X) on DeviceId", "DeviceId:string, X:long"},
		{dt + " | project DeviceId, S | lookup (" + dt + " | project DeviceId, S, X) on DeviceId", "DeviceId:string, S:string, S1:string, X:long"},
		{"print 1, x = 'a', strlen('abc')", "print_0:long, x:string, print_2:long"},
		{"print 1, 2", "print_0:long, print_1:long"},
		{"range i from 1 to 10 step 1", "i:long"},
		{"range t from datetime(2020-01-01) to datetime(2020-01-02) step 1h", "t:datetime"},
		{"union (print a = 1), (print a = 'x', b = 2)", "a_long:long, a_string:string, b:long"},
		{"union withsource=Src (print a = 1), (print a = 2)", "Src:string, a:long"},
		{"union kind=inner (print a = 1, b = 2), (print a = 2)", "a:long"},
		{"print a = 1 | union (print b = 2)", "a:long, b:long"},
		{"let T = " + dt + "; T | where X > 1 | project S", "S:string"},
		{"let f = (n:long) { print v = n * 2 }; f(5)", "v:long"},
		{"let f = (T:(X:long)) { T | summarize s = sum(X) }; " + dt + " | invoke f()", "s:long"},
		{"let f = (T:(*), k:string = 'x') { T | extend k = k }; " + dt + " | project S | invoke f()", "S:string, k:string"},
		{"DeviceNetworkEvents | summarize count() by bin(Timestamp, 1d)", "Timestamp:datetime, count_:long"},
		{"DeviceNetworkEvents | join (DeviceInfo | project DeviceId, OSPlatform) on DeviceId | project DeviceId, DeviceId1, OSPlatform", "DeviceId:string, DeviceId1:string, OSPlatform:string"},
	}
	for _, tt := range tests {
		_, info := bind(t, tt.src, testEnv())
		if got := schemaText(info.Schemas[info.Query]); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}

func TestExprTypes(t *testing.T) {
	tests := []struct{ expr, want string }{
		{"1", "long"}, {"int(1)", "int"}, {"1.5", "real"}, {"'s'", "string"}, {"true", "bool"},
		{"I + I", "int"}, {"I + X", "long"}, {"X + R", "real"}, {"X / 2", "long"}, {"-5 % 3", "long"},
		{"Timestamp + 1h", "datetime"}, {"1h + Timestamp", "datetime"}, {"Timestamp - 1d", "datetime"},
		{"Timestamp - Timestamp", "timespan"}, {"Ts / Ts", "real"}, {"Ts * 2", "timespan"}, {"2 * Ts", "timespan"},
		{"Ts / 2", "timespan"}, {"Ts + Ts", "timespan"}, {"-Ts", "timespan"}, {"D.a + 1", "dynamic"},
		{"X == 1", "bool"}, {"S has 'x'", "bool"}, {"S in ('a', 'b')", "bool"}, {"X between (1 .. 2)", "bool"},
		{"Timestamp between (ago(1d) .. 1h)", "bool"}, {"not(X > 1)", "bool"},
		{"strlen(S)", "long"}, {"toint(S)", "int"}, {"tolong(S)", "long"}, {"toreal(S)", "real"}, {"todouble(S)", "real"},
		{"tobool(S)", "bool"}, {"todatetime(S)", "datetime"}, {"totimespan(S)", "timespan"}, {"tostring(X)", "string"},
		{"parse_json(S)", "dynamic"}, {"parsejson(S)", "dynamic"}, {"todynamic(S)", "dynamic"},
		{"bin(Timestamp, 1h)", "datetime"}, {"bin(X, 10)", "long"}, {"bin(R, 0.5)", "real"}, {"floor(Ts, 1m)", "timespan"},
		{"iff(X > 1, 1, 2.5)", "real"}, {"iif(X > 1, 'a', 'b')", "string"}, {"case(X > 1, 1, X > 2, 2, 3)", "long"},
		{"coalesce(I, X)", "long"}, {"ago(1d)", "datetime"}, {"now()", "datetime"}, {"isempty(S)", "bool"},
		{"min_of(1, 2.5)", "real"}, {"max_of(I, I)", "int"}, {"abs(Ts)", "timespan"}, {"round(R, 1)", "real"},
		{"round(X)", "long"}, {"sqrt(X)", "real"}, {"pow(2, 3)", "real"}, {"log(R)", "real"},
		{"extract('(\\\\d+)', 1, S)", "string"}, {"extract('(\\\\d+)', 1, S, typeof(long))", "long"},
		{"extract_json('$.a', S, typeof(int))", "int"}, {"extractjson('$.a', S)", "string"},
		{"column_ifexists('X', 0)", "long"}, {"column_ifexists('Nope', 'x')", "string"}, {"columnifexists('Nope', 1.5)", "real"},
		{"split(S, ',')", "dynamic"}, {"array_length(D)", "long"}, {"arraylength(D)", "long"}, {"pack('a', 1)", "dynamic"},
		{"bag_pack('a', 1)", "dynamic"}, {"set_has_element(D, 1)", "bool"}, {"datetime_diff('day', Timestamp, Timestamp)", "long"},
		{"datetime_part('hour', Timestamp)", "int"}, {"dayofweek(Timestamp)", "timespan"}, {"hourofday(Timestamp)", "int"},
		{"startofday(Timestamp)", "datetime"}, {"format_datetime(Timestamp, 'yyyy')", "string"}, {"ipv4_is_private(S)", "bool"},
		{"parse_ipv4(S)", "long"}, {"base64_decodestring(S)", "string"}, {"hash_sha256(S)", "string"}, {"indexof(S, 'a')", "long"},
		{"D[0]", "dynamic"}, {"D['a'].b[-1]", "dynamic"}, {"(X)", "long"}, {"unixtime_seconds_todatetime(X)", "datetime"},
	}
	for _, tt := range tests {
		src := dt + " | extend v = " + tt.expr
		s, info := bind(t, src, testEnv())
		ext := s.Stmts[0].(*ast.ExprStmt).X.(*ast.Pipe).Ops[0].(*ast.Extend)
		if got := info.Types[ext.Cols[0].X].String(); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.expr, got, tt.want)
		}
	}
}

func TestRefsAndCalls(t *testing.T) {
	src := `let limit = 5;
let f = (T:(*), n:long) { T | take n };
let g = (x:string) { strlen(x) };
DeviceNetworkEvents
| where RemotePort > limit and g(RemoteUrl) > 3
| summarize c = makeset(RemoteUrl) by DeviceId
| join kind=inner (DeviceInfo) on $left.DeviceId == $right.DeviceId, DeviceId
| invoke f(2)`
	s, info := bind(t, src, testEnv())
	pipe := s.Stmts[3].(*ast.ExprStmt).X.(*ast.Pipe)
	if r := info.Refs[pipe.Source]; r.Kind != lang.RefTable || r.Table != "DeviceNetworkEvents" {
		t.Errorf("source ref %+v", r)
	}
	where := pipe.Ops[0].(*ast.Where).Pred.(*ast.Binary)
	gt := where.L.(*ast.Binary)
	if r := info.Refs[gt.L]; r.Kind != lang.RefColumn || r.Column != 5 {
		t.Errorf("RemotePort ref %+v, want column 5", r)
	}
	if r := info.Refs[gt.R]; r.Kind != lang.RefLet || r.Let != s.Stmts[0] {
		t.Errorf("limit ref %+v", r)
	}
	gcall := where.R.(*ast.Binary).L.(*ast.Call)
	ci := info.Calls[gcall]
	if ci == nil || ci.Kind != lang.CallUser || ci.Expansion == nil || len(ci.Args) != 1 {
		t.Fatalf("g call info %+v", ci)
	}
	body := ci.Expansion.Body[0].(*ast.ExprStmt).X.(*ast.Call)
	if bi := info.Calls[body]; bi == nil || bi.Name != "strlen" || info.Types[body] != kusto.Long {
		t.Errorf("expansion body call %+v type %v", bi, info.Types[body])
	}
	if r := info.Refs[body.Args[0]]; r.Kind != lang.RefParam || r.Param != &ci.Expansion.Params[0] {
		t.Errorf("param ref %+v", r)
	}
	if info.Types[gcall] != kusto.Long {
		t.Errorf("g() type %v", info.Types[gcall])
	}
	sum := pipe.Ops[1].(*ast.Summarize)
	mk := sum.Aggs[0].X.(*ast.Call)
	if ci := info.Calls[mk]; ci.Kind != lang.CallAggregate || ci.Name != "make_set" {
		t.Errorf("makeset call %+v", ci)
	}
	join := pipe.Ops[2].(*ast.Join)
	if info.JoinKind[join] != "inner" {
		t.Errorf("join kind %q", info.JoinKind[join])
	}
	if r := info.Refs[join.On[0].Left]; r.Kind != lang.RefLeft || r.Column != 0 {
		t.Errorf("$left ref %+v", r)
	}
	if r := info.Refs[join.On[0].Right]; r.Kind != lang.RefRight || r.Column != 1 {
		t.Errorf("$right ref %+v", r)
	}
	if r := info.Refs[join.On[1].Right]; r.Kind != lang.RefRight || r.Column != 1 {
		t.Errorf("on DeviceId right ref %+v", r)
	}
	inv := pipe.Ops[3].(*ast.Invoke)
	if ci := info.Calls[inv.Call]; ci == nil || ci.Kind != lang.CallUser {
		t.Errorf("invoke call %+v", ci)
	}
	if info.Lets[s.Stmts[0].(*ast.LetStmt)] != lang.LetScalar || info.Lets[s.Stmts[1].(*ast.LetStmt)] != lang.LetFunction {
		t.Errorf("let kinds %v", info.Lets)
	}
	if got, want := schemaText(info.Schemas[pipe.Ops[1]]), "DeviceId:string, c:dynamic"; got != want {
		t.Errorf("summarize schema %s, want %s", got, want)
	}
}

func TestDefaultJoinKinds(t *testing.T) {
	s, info := bind(t, "DeviceInfo | join (DeviceInfo) on DeviceId | lookup (DeviceInfo | project DeviceId, X = 1) on DeviceId", testEnv())
	ops := s.Stmts[0].(*ast.ExprStmt).X.(*ast.Pipe).Ops
	if info.JoinKind[ops[0]] != "innerunique" || info.JoinKind[ops[1]] != "leftouter" {
		t.Errorf("join kinds %q %q", info.JoinKind[ops[0]], info.JoinKind[ops[1]])
	}
}

func TestStoredFunctionsAndParams(t *testing.T) {
	stored, err := lang.Parse("let discover_apps = (lookback:timespan = 7d) { DeviceNetworkEvents | where Timestamp > ago(lookback) | summarize Users = dcount(InitiatingProcessAccountUpn) by RemoteUrl }; print 1")
	if err != nil {
		t.Fatal(err)
	}
	env := testEnv()
	env.Stored = []*ast.LetStmt{stored.Stmts[0].(*ast.LetStmt)}
	env.ParamTypes = map[string]kusto.Type{"MinUsers": kusto.Long}
	src := "declare query_parameters(App:string = 'x');\ndiscover_apps(1d) | where Users > MinUsers and RemoteUrl has App"
	s, info := bind(t, src, env)
	if got := schemaText(info.Schemas[info.Query]); got != "RemoteUrl:string, Users:long" {
		t.Errorf("schema %s", got)
	}
	if len(info.Params) < 1 || info.Params[0].Name != "App" {
		t.Errorf("params %+v", info.Params)
	}
	pred := s.Stmts[1].(*ast.ExprStmt).X.(*ast.Pipe).Ops[0].(*ast.Where).Pred.(*ast.Binary)
	if r := info.Refs[pred.L.(*ast.Binary).R]; r.Kind != lang.RefParam || r.Param.Name != "MinUsers" {
		t.Errorf("MinUsers ref %+v", r)
	}
	if r := info.Refs[pred.R.(*ast.Binary).R]; r.Kind != lang.RefParam || r.Param.Name != "App" {
		t.Errorf("App ref %+v", r)
	}
}

func TestInRightSides(t *testing.T) {
	src := `let L = dynamic(['a']);
let T = datatable(v:string) ['a'];
DeviceInfo
| where DeviceName in (L) or DeviceName in (T) or DeviceName in (T | project v) or DeviceName in~ ('x', L) or DeviceName has_any (L)`
	s, info := bind(t, src, testEnv())
	_ = s
	if info.Query == nil {
		t.Fatal("no query")
	}
}

func TestBindErrors(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"DeviceNetworkEvents | where RemoteURL has 'x'", []string{"1:29: unknown column 'RemoteURL'; did you mean 'RemoteUrl'?"}},
		{"DeviceNetworkEvent | take 1", []string{"1:1: unknown table 'DeviceNetworkEvent'; did you mean 'DeviceNetworkEvents'?"}},
		{"DeviceNetworkEvents | summarize cnt() by DeviceId", []string{"1:33: unknown function 'cnt'; did you mean 'count'?"}},
		{"DeviceNetworkEvents | where RemoteUrl hass 'x'", []string{"1:39: unexpected 'hass'; expected ';', '|' or end of query"}},
		{"DeviceNetworkEvents | where RemotePort == 'x'", []string{"1:40: cannot compare int == string"}},
		{"DeviceNetworkEvents | where RemotePort", []string{"1:29: where needs a bool predicate, but this expression is int"}},
		{"DeviceNetworkEvents | extend a = Timestamp + 1", []string{"1:44: operator '+' cannot be applied to datetime and long"}},
		{"DeviceNetworkEvents | where Timestamp > ago(7)", []string{"1:41: ago: argument 1 must be a timespan, not long"}},
		{"DeviceNetworkEvents | extend x = strlen()", []string{"1:34: function 'strlen' takes 1 argument, got 0"}},
		{"DeviceNetworkEvents | where count() > 1", []string{"1:29: aggregate function 'count' can only be used in summarize"}},
		{"DeviceNetworkEvents | summarize RemoteUrl", []string{"1:33: summarize needs an aggregate function (count(), sum(), make_set(), ...) here"}},
		{"DeviceNetworkEvents | summarize sum(RemoteUrl)", []string{"1:33: sum: argument must be a number or timespan, not string"}},
		{"DeviceNetworkEvents | where RemoteUrl.a == 1", []string{"1:38: '.a' needs a dynamic value on its left, but this is string (use parse_json() or todynamic())"}},
		{"DeviceNetworkEvents | join (DeviceInfo) on DeviceIdd", []string{
			"1:44: unknown column 'DeviceIdd' on the left side of the join; did you mean 'DeviceId'?",
			"1:44: unknown column 'DeviceIdd' on the right side of the join; did you mean 'DeviceId'?"}},
		{"DeviceNetworkEvents | join (DeviceInfo) on $left.DeviceId == $right.OSBuild", []string{"1:44: join keys have different types: DeviceId is string, OSBuild is long"}},
		{"DeviceNetworkEvents | where RemoteURL == 'x' | where DeviceNme == 'y' | project Foo", []string{
			"1:29: unknown column 'RemoteURL'; did you mean 'RemoteUrl'?",
			"1:54: unknown column 'DeviceNme'; did you mean 'DeviceName'?",
			"1:81: unknown column 'Foo'"}},
		{"NoTable | where x == 1 | project y", []string{"1:1: unknown table 'NoTable'"}},
		{"let x = 5; x", []string{"1:12: the query must end with a tabular expression (a table, a pipe, print, datatable, ...); this is a scalar long expression"}},
		{"let x = 5;", []string{"1:1: the query has no final tabular expression (a let statement must be followed by a query)"}},
		{"print toscalar(DeviceInfo | count)", []string{"1:7: function 'toscalar' is not supported yet"}},
		{"let f = (n:long) { n }; print f('x')", []string{"1:33: argument 'n' of 'f' must be long, not string"}},
		{"let f = (n:long) { n }; print f()", []string{"1:31: function 'f' needs an argument for 'n'"}},
		{"DeviceInfo | project-away Nope", []string{"1:14: unknown column 'Nope'"}},
		{"DeviceInfo | project-rename A = DeviceNam", []string{"1:29: unknown column 'DeviceNam'; did you mean 'DeviceName'?"}},
		{"DeviceInfo | mv-expand DeviceName", []string{"1:24: mv-expand needs a dynamic array or property bag, not string"}},
		{"DeviceInfo | take 'x'", []string{"1:19: take needs an integer count, not string"}},
		{"DeviceInfo | summarize count() by LoggedOnUsers", []string{"1:35: summarize cannot group by a dynamic value; convert it with tostring(), tolong(), ..."}},
		{"DeviceInfo | where DeviceName matches regex '(a'", []string{"1:45: bad regular expression: missing closing ) in '(a'"}},
		{"DeviceInfo | extend x = extract('[z-a]', 1, DeviceName)", []string{"1:33: bad regular expression: invalid character class range in 'z-a'"}},
		{"DeviceInfo | order by LoggedOnUsers", []string{"1:23: cannot sort by a dynamic value; convert it with tostring(), tolong(), ..."}},
		{"print iff(1, 2, 3)", []string{"1:7: iff: argument 1 must be a bool, not long"}},
		{"print iff(true, 2, 'x')", []string{"1:7: iff: arguments must have a common type, got long and string"}},
		{"print $left.x", []string{"1:12: $left can only be used in a join's on clause"}},
		{"DeviceInfo | where DeviceName in (1, 2)", []string{"1:35: 'in' compares string with long", "1:38: 'in' compares string with long"}},
		{"DeviceInfo | summarize (a, b) = count()", []string{"1:24: 2 names given for 1 result columns"}},
		{"let f = () { f() }; f()", []string{"1:14: unknown function 'f'"}},
		{"let f = (n:long) { g(n) }; let g = (n:long) { n }; print f(1)", []string{"1:20: unknown function 'g'"}},
		{"let f = () { DeviceInfo | take 1 }; print x = f()", []string{"1:47: function 'f' returns a table, which cannot be used as a scalar value here"}},
	}
	for _, tt := range tests {
		s, err := lang.Parse(tt.src)
		if err == nil {
			_, err = lang.Bind(s, testEnv())
		}
		if err == nil {
			t.Errorf("%s: no error", tt.src)
			continue
		}
		var got []string
		for _, e := range err.(lang.ErrorList) {
			got = append(got, e.Error())
		}
		if d := cmp.Diff(tt.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tt.src, d)
		}
	}
}

func TestAsAndWildcards(t *testing.T) {
	s, info := bind(t, "DeviceInfo | as D | join (D | project DeviceId) on DeviceId", testEnv())
	ops := s.Stmts[0].(*ast.ExprStmt).X.(*ast.Pipe).Ops
	right := ops[1].(*ast.Join).Right.(*ast.Pipe).Source
	if r := info.Refs[right]; r.Kind != lang.RefAs || r.As != ops[0] {
		t.Errorf("as ref %+v", r)
	}
	s, info = bind(t, "union isfuzzy=true DeviceNetwork*, NoSuchTable, DeviceInfo", testEnv())
	u := s.Stmts[0].(*ast.ExprStmt).X.(*ast.Union)
	id := u.Tables[0].(*ast.Ident)
	if d := cmp.Diff([]string{"DeviceNetworkEvents", "DeviceNetworkInfo"}, info.Wildcards[id]); d != "" {
		t.Errorf("wildcard matches (-want +got):\n%s", d)
	}
	if _, ok := info.Schemas[u.Tables[1]]; ok {
		t.Errorf("missing fuzzy leg has a schema")
	}
	if _, ok := info.Schemas[u.Tables[2]]; !ok {
		t.Errorf("DeviceInfo leg has no schema")
	}
}

func TestBindOddInputsDoNotPanic(t *testing.T) {
	for _, src := range []string{
		"print 1 | summarize take_any()",
		"print 1 | summarize percentiles()",
		"print 1 | summarize arg_max()",
		"print 1 | summarize (a) = percentiles(1)",
		"print 1 | summarize percentile()",
		"print 1 | summarize count(*, *)",
		"print 1 | extend x = column_ifexists()",
		"print 1 | extend typeof()",
		"print 1 | invoke nothing()",
		"let f = (T:(*)) { T }; print 1 | invoke f(1, 2)",
		"let f = () { print 1 }; f | take 1",
		"print x = 1 | join (print y = 2) on $left.x == $left.x",
		"print x = 1 | join (print x = 2) on $right.x == $right.x",
		"print x = 1 | mv-expand limit 'a' x",
		"datatable(a:long) [] | take 1",
	} {
		s, err := lang.Parse(src)
		if err != nil {
			continue
		}
		lang.Bind(s, testEnv())
	}
}

func TestImplicitCalls(t *testing.T) {
	stored, err := lang.Parse("let recent = (d:timespan = 1d) { DeviceInfo | where Timestamp > ago(d) }; print 1")
	if err != nil {
		t.Fatal(err)
	}
	env := testEnv()
	env.Stored = []*ast.LetStmt{stored.Stmts[0].(*ast.LetStmt)}
	src := "let a = () { 123 };\nrecent | extend y = a * 2, z = a() | project DeviceId, y, z"
	s, info := bind(t, src, env)
	if got := schemaText(info.Schemas[info.Query]); got != "DeviceId:string, y:long, z:long" {
		t.Errorf("schema %s", got)
	}
	pipe := s.Stmts[1].(*ast.ExprStmt).X.(*ast.Pipe)
	src0 := pipe.Source.(*ast.Ident)
	c := info.Implicit[src0]
	if c == nil || info.Calls[c] == nil || info.Calls[c].Kind != lang.CallUser || info.Calls[c].Expansion == nil {
		t.Fatalf("implicit call for recent: %+v", c)
	}
	y := pipe.Ops[0].(*ast.Extend).Cols[0].X.(*ast.Binary).L.(*ast.Ident)
	if c := info.Implicit[y]; c == nil || info.Types[c] != kusto.Long {
		t.Errorf("implicit scalar call for a: %+v", c)
	}
}
