package dyn

import "testing"

func TestExtract(t *testing.T) {
	doc := ` {"a": [10, {"b": "x\"y"}, [1,2]], "c": {"d": null, "e": true}, "k\u0031": 5, "a2": -1.5e3 } `
	tests := []struct {
		path []Step
		want string
		ok   bool
	}{
		{nil, `{"a": [10, {"b": "x\"y"}, [1,2]], "c": {"d": null, "e": true}, "k\u0031": 5, "a2": -1.5e3 }`, true},
		{[]Step{Key("a")}, `[10, {"b": "x\"y"}, [1,2]]`, true},
		{[]Step{Key("a"), Idx(0)}, `10`, true},
		{[]Step{Key("a"), Idx(-1)}, `[1,2]`, true},
		{[]Step{Key("a"), Idx(-1), Idx(1)}, `2`, true},
		{[]Step{Key("a"), Idx(1), Key("b")}, `"x\"y"`, true},
		{[]Step{Key("a"), Idx(3)}, ``, false},
		{[]Step{Key("a"), Idx(-4)}, ``, false},
		{[]Step{Key("c"), Key("d")}, `null`, true},
		{[]Step{Key("c"), Key("e")}, `true`, true},
		{[]Step{Key("k1")}, `5`, true},
		{[]Step{Key("a2")}, `-1.5e3`, true},
		{[]Step{Key("missing")}, ``, false},
		{[]Step{Key("a"), Key("b")}, ``, false},
		{[]Step{Key("a2"), Idx(0)}, ``, false},
	}
	for _, tt := range tests {
		got, ok := Extract(doc, tt.path...)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Extract(%v) = %q, %v; want %q, %v", tt.path, got, ok, tt.want, tt.ok)
		}
	}
	for _, bad := range []string{``, `{`, `{"a" 1}`, `[1,`, `{"a":tru}`, `"abc`} {
		if _, ok := Extract(bad, Key("a")); ok {
			t.Errorf("Extract(%q) found something", bad)
		}
	}
	if got, ok := Extract(`{"a":1,"a":2}`, Key("a")); !ok || got != "2" {
		t.Errorf("duplicate key: %q", got)
	}
}

// FuzzExtract checks Extract against decoding: whenever both succeed on a
// one-step path they agree.
func FuzzExtract(f *testing.F) {
	f.Add(`{"a":[1,{"b":2}],"c":"x"}`, "a", 1)
	f.Add(`[1,[2,3],{"a":null}]`, "a", -1)
	f.Fuzz(func(t *testing.T, s, key string, idx int) {
		v, err := Parse(s)
		if err != nil {
			return
		}
		if raw, ok := Extract(s, Key(key)); ok {
			got, err := Parse(raw)
			if err != nil {
				t.Fatalf("Extract gave non-JSON %q", raw)
			}
			if Encode(got) != Encode(Member(v, key)) {
				t.Fatalf("key %q: Extract %s, decode %s", key, Encode(got), Encode(Member(v, key)))
			}
		} else if _, isBag := v.(*Bag); isBag && Member(v, key) != nil {
			t.Fatalf("key %q: Extract found nothing, decode found %s", key, Encode(Member(v, key)))
		}
		if raw, ok := Extract(s, Idx(idx)); ok {
			got, _ := Parse(raw)
			if Encode(got) != Encode(Index(v, int64(idx))) {
				t.Fatalf("index %d: Extract %s, decode %s", idx, Encode(got), Encode(Index(v, int64(idx))))
			}
		} else if Index(v, int64(idx)) != nil {
			t.Fatalf("index %d: Extract found nothing", idx)
		}
	})
}
