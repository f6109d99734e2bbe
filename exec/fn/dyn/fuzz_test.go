package dyn

import "testing"

// FuzzParse checks that any text either fails cleanly or round-trips:
// encoding a parsed value and parsing it again gives the same encoding.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5,"x",null,true]}`, `"\u00e9"`, `[]`, `-0.0`, `1e400`, `{"":{}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			return
		}
		enc := Encode(v)
		v2, err := Parse(enc)
		if err != nil {
			t.Fatalf("re-parse of %q (from %q): %v", enc, s, err)
		}
		if enc2 := Encode(v2); enc2 != enc {
			t.Fatalf("not stable: %q then %q", enc, enc2)
		}
	})
}
