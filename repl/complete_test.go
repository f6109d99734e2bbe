package repl

import (
	"slices"
	"strings"
	"testing"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang/builtin"
)

// testTables is a small catalog for completion tests.
type testTables map[string]kusto.Schema

func (t testTables) Table(name string) (kusto.Schema, bool) { s, ok := t[name]; return s, ok }
func (t testTables) TableNames() []string {
	var out []string
	for n := range t {
		out = append(out, n)
	}
	return out
}

var catalog = testTables{
	"DeviceNetworkEvents": {
		{Name: "Timestamp", Type: kusto.DateTime}, {Name: "DeviceName", Type: kusto.String},
		{Name: "RemoteUrl", Type: kusto.String}, {Name: "RemotePort", Type: kusto.Int},
		{Name: "BytesSent", Type: kusto.Long},
	},
	"DeviceInfo": {
		{Name: "Timestamp", Type: kusto.DateTime}, {Name: "DeviceName", Type: kusto.String},
		{Name: "OSPlatform", Type: kusto.String},
	},
	"DeviceLogonEvents": {
		{Name: "Timestamp", Type: kusto.DateTime}, {Name: "AccountName", Type: kusto.String},
	},
}

func texts(sugs []Suggestion) []string {
	out := make([]string, len(sugs))
	for i, s := range sugs {
		out[i] = s.Text
	}
	return out
}

func TestComplete(t *testing.T) {
	c := &Completer{Tables: catalog, Functions: builtin.Functions()}
	tests := []struct {
		name string
		in   string // ‸ marks the cursor (default: the end)
		want []string
		not  []string
		// first, when set, is the exact first suggestion
		first string
		// word is the text the suggestions replace
		word string
	}{
		{name: "table at start", in: "Dev", want: []string{"DeviceInfo", "DeviceLogonEvents", "DeviceNetworkEvents"}, word: "Dev"},
		{name: "table ignoring case", in: "devicen", want: []string{"DeviceNetworkEvents"}, not: []string{"DeviceInfo"}},
		{name: "let at start", in: "le", want: []string{"let"}},
		{name: "after second statement", in: "let x = 5;\nDeviceI", want: []string{"DeviceInfo"}},
		{name: "operators after pipe", in: "DeviceNetworkEvents | ", want: []string{"where", "summarize", "project-away", "take"}},
		{name: "operator prefix", in: "DeviceNetworkEvents | su", want: []string{"summarize"}, not: []string{"where"}},
		{name: "hyphenated operator", in: "DeviceNetworkEvents | project-a", want: []string{"project-away"}, not: []string{"project"}, word: "project-a"},
		{name: "operators on a new line", in: "DeviceNetworkEvents\n| wh", want: []string{"where"}},
		{name: "columns after where", in: "DeviceNetworkEvents | where ", want: []string{"Timestamp", "DeviceName", "RemoteUrl"}, not: []string{"OSPlatform", "strlen"}},
		{name: "column prefix and functions", in: "DeviceNetworkEvents | where Re", want: []string{"RemoteUrl", "RemotePort"}, not: []string{"DeviceName"}},
		{name: "column by substring", in: "DeviceNetworkEvents | where url", want: []string{"RemoteUrl"}},
		{name: "scalar function", in: "DeviceNetworkEvents | extend n = strl", want: []string{"strlen"}, first: "strlen"},
		{name: "no aggregates outside summarize", in: "DeviceNetworkEvents | extend n = dcoun", not: []string{"dcount"}},
		{name: "aggregates in summarize", in: "DeviceNetworkEvents | summarize dc", want: []string{"dcount"}},
		{name: "columns after by", in: "DeviceNetworkEvents | summarize count() by Dev", want: []string{"DeviceName"}},
		{name: "columns of the table in scope", in: "DeviceInfo | where OS", want: []string{"OSPlatform"}, not: []string{"RemoteUrl"}},
		{name: "columns after extend", in: "DeviceNetworkEvents | extend Host = tostring(RemoteUrl) | where Ho", want: []string{"Host"}},
		{name: "columns after summarize", in: "DeviceNetworkEvents | summarize Up = sum(BytesSent) by DeviceName | where ", want: []string{"Up", "DeviceName"}, not: []string{"RemoteUrl"}},
		{name: "columns after project", in: "DeviceNetworkEvents | project DeviceName, RemoteUrl | order by ", want: []string{"DeviceName", "RemoteUrl"}, not: []string{"BytesSent"}},
		{name: "let before the query", in: "let n = 5;\nDeviceInfo | where ", want: []string{"OSPlatform"}},
		{name: "by after order", in: "DeviceNetworkEvents | order ", want: []string{"by"}},
		{name: "predicate words after an operand", in: "DeviceNetworkEvents | where RemoteUrl ha", want: []string{"has", "has_any"}, not: []string{"RemoteUrl"}},
		{name: "tables after join paren", in: "DeviceNetworkEvents | join kind=inner (Devi", want: []string{"DeviceInfo"}},
		{name: "tables after join paren no kind", in: "DeviceNetworkEvents | join (", want: []string{"DeviceInfo", "DeviceLogonEvents"}},
		{name: "tables after lookup paren", in: "DeviceNetworkEvents | lookup (DeviceI", want: []string{"DeviceInfo"}},
		{name: "operators inside join", in: "DeviceNetworkEvents | join (DeviceInfo | ", want: []string{"where", "project"}},
		{name: "columns inside join", in: "DeviceNetworkEvents | join (DeviceInfo | where OS", want: []string{"OSPlatform"}, not: []string{"RemoteUrl"}},
		{name: "join keys from both sides", in: "DeviceNetworkEvents | join (DeviceInfo) on ", want: []string{"DeviceName", "OSPlatform", "RemoteUrl"}},
		{name: "join kinds", in: "DeviceNetworkEvents | join kind=left", want: []string{"leftouter", "leftanti", "leftsemi"}},
		{name: "tables after union", in: "union Device", want: []string{"DeviceInfo", "DeviceNetworkEvents"}},
		{name: "tables in union list", in: "union DeviceInfo, DeviceL", want: []string{"DeviceLogonEvents"}},
		{name: "render kinds", in: "DeviceNetworkEvents | summarize count() by bin(Timestamp, 1h) | render ", want: []string{"timechart", "columnchart", "barchart", "piechart"}},
		{name: "nothing in a string", in: "DeviceNetworkEvents | where RemoteUrl has 'Dev", want: nil},
		{name: "nothing in a comment", in: "DeviceNetworkEvents // Dev", want: nil},
		{name: "nothing after take", in: "DeviceNetworkEvents | take ", want: nil},
		{name: "hash commands", in: "#sc", want: []string{"schema"}, word: "sc"},
		{name: "all hash commands", in: "#", want: []string{"help", "quit", "save", "schema", "tables"}},
		{name: "hash schema table", in: "#schema DeviceI", want: []string{"DeviceInfo"}},
		{name: "hash types", in: "#types o", want: []string{"on", "off"}},
		{name: "control commands", in: ".sh", want: []string{"show"}, word: "sh"},
		{name: "show what", in: ".show ", want: []string{"tables", "functions", "apps"}},
		{name: "show table name", in: ".show table Dev", want: []string{"DeviceInfo"}},
		{name: "cursor in the middle", in: "DeviceNetworkEvents | where Re‸ == 1", want: []string{"RemotePort"}, word: "Re"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text, cursor := tc.in, len(tc.in)
			if i := strings.Index(text, "‸"); i >= 0 {
				text, cursor = text[:i]+text[i+len("‸"):], i
			}
			sugs, start := c.Complete(text, cursor)
			got := texts(sugs)
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("Complete(%q) = %v, want it to include %q", tc.in, got, w)
				}
			}
			for _, w := range tc.not {
				if slices.Contains(got, w) {
					t.Errorf("Complete(%q) = %v, want it without %q", tc.in, got, w)
				}
			}
			if tc.want == nil && tc.not == nil && len(got) != 0 {
				t.Errorf("Complete(%q) = %v, want nothing", tc.in, got)
			}
			if tc.first != "" && (len(got) == 0 || got[0] != tc.first) {
				t.Errorf("Complete(%q) = %v, want %q first", tc.in, got, tc.first)
			}
			if tc.word != "" && text[start:cursor] != tc.word {
				t.Errorf("Complete(%q) replaces %q, want %q", tc.in, text[start:cursor], tc.word)
			}
		})
	}
}

func TestCompleteFunctionHint(t *testing.T) {
	c := &Completer{Tables: catalog, Functions: builtin.Functions()}
	sugs, _ := c.Complete("DeviceNetworkEvents | extend n = strlen", -1)
	for _, s := range sugs {
		if s.Text == "strlen" {
			if s.Description != "strlen(a1)" {
				t.Errorf("strlen hint = %q, want %q", s.Description, "strlen(a1)")
			}
			return
		}
	}
	t.Fatalf("no strlen among %v", texts(sugs))
}

func TestSignature(t *testing.T) {
	for _, name := range []string{"strcat", "bin", "dcount", "count"} {
		sig, ok := builtin.Functions().Lookup(name)
		if !ok {
			t.Fatalf("no builtin %s", name)
		}
		got := Signature(sig)
		if !strings.HasPrefix(got, name+"(") || !strings.Contains(got, ")") {
			t.Errorf("Signature(%s) = %q", name, got)
		}
	}
}
