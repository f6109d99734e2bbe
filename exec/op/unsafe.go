package op

import "unsafe"

// unsafeString views b as a string without copying; the caller must not keep it
// past the next change of b (map lookups only, or strings.Clone first).
func unsafeString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}
