package repl

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReady(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"", false},
		{"   \n ", false},
		{"print 1", true},
		{"DeviceNetworkEvents", false}, // a bare table: the pipes come next
		{"DeviceNetworkEvents | take 10", true},
		{"DeviceNetworkEvents\n| where RemotePort == 443", true},
		{"DeviceNetworkEvents |", false},
		{"DeviceNetworkEvents | where", false},
		{"DeviceNetworkEvents | where RemotePort ==", false},
		{"DeviceNetworkEvents | where A and", false},
		{"DeviceNetworkEvents | where RemoteUrl has", false},
		{"DeviceNetworkEvents | where RemoteUrl !has", false},
		{"DeviceNetworkEvents | project A,", false},
		{"DeviceNetworkEvents | summarize count() by", false},
		{"DeviceNetworkEvents | count", true},
		{"DeviceNetworkEvents | take", false},
		{"DeviceNetworkEvents | join (DeviceInfo", false},
		{"DeviceNetworkEvents | join (DeviceInfo) on DeviceId", true},
		{"print s = 'unterminated", false},
		{"print s = 'it\\'s'", true},
		{"print s = @'C:\\dir\\'", true},
		{"print s = ```multi\nline", false},
		{"print s = ```multi\nline```", true},
		{"print x = 1 // a comment with (", true},
		{"let x = 5;", false},
		{"let x = 5", false},
		{"let x = 5;\nprint x", true},
		{"print dynamic([1, 2", false},
		{"print dynamic([1, 2])", true},
		{"#help", true},
		{"#save out.csv", true},
		{".show tables", true},
		{`.unsanction app "Dropbox`, false},
		{`.unsanction app "Dropbox"`, true},
		{"print x = 1 +", false},
		{"range x from 1 to 10 step", false},
		{"range x from 1 to 10 step 1", true},
		{"print t = 10m", true},
	}
	for _, tc := range tests {
		if got := Ready(tc.in); got != tc.want {
			t.Errorf("Ready(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestContinues(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"| where x", true},
		{"  | take 1", true},
		{"and x == 1", true},
		{"by DeviceName", true},
		{"print 1", false},
		{"let y = 2;", false},
		{"DeviceInfo", false},
		{"", false},
		{"(DeviceInfo)", false},
	}
	for _, tc := range tests {
		if got := Continues(tc.in); got != tc.want {
			t.Errorf("Continues(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestDepth(t *testing.T) {
	for in, want := range map[string]int{"": 0, "T | join (U": 1, "f([1, (2": 3, "x)": 0, "print '('": 0} {
		if got := Depth(in); got != want {
			t.Errorf("Depth(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestTokenize(t *testing.T) {
	src := "DeviceNetworkEvents // hunt\n| where RemoteUrl !has 'drop\\'box' and Port == 443 and T > ago(1.5d)\n| project-away X | mv-expand Y"
	type tok struct {
		Kind Kind
		Text string
	}
	var got []tok
	end := 0
	for _, tk := range Tokenize(src) {
		if tk.Start != end {
			t.Fatalf("token %q starts at %d, want %d (tokens must cover the input)", tk.Text, tk.Start, end)
		}
		end = tk.End
		if tk.Kind != Space {
			got = append(got, tok{tk.Kind, tk.Text})
		}
	}
	if end != len(src) {
		t.Fatalf("tokens end at %d of %d", end, len(src))
	}
	want := []tok{
		{Ident, "DeviceNetworkEvents"}, {Comment, "// hunt"}, {Punct, "|"}, {Operator, "where"},
		{Ident, "RemoteUrl"}, {Keyword, "!has"}, {String, `'drop\'box'`}, {Keyword, "and"},
		{Ident, "Port"}, {Punct, "=="}, {Number, "443"}, {Keyword, "and"}, {Ident, "T"}, {Punct, ">"},
		{Ident, "ago"}, {Punct, "("}, {Number, "1.5d"}, {Punct, ")"}, {Punct, "|"},
		{Operator, "project-away"}, {Ident, "X"}, {Punct, "|"}, {Operator, "mv-expand"}, {Ident, "Y"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Tokenize (-want +got):\n%s", diff)
	}
}

func TestTokenizeCommands(t *testing.T) {
	for in, want := range map[string]Kind{"#save x.csv": Command, ".show tables": Command, "  #help": Command} {
		sig := significant(Tokenize(in))
		if len(sig) == 0 || sig[0].Kind != want {
			t.Errorf("Tokenize(%q) first token = %+v, want kind %d", in, sig, want)
		}
	}
	// an unterminated string is one open token to the end of the line
	toks := Tokenize(`print "abc`)
	last := toks[len(toks)-1]
	if last.Kind != String || !last.Open {
		t.Errorf("unterminated string token = %+v", last)
	}
}
