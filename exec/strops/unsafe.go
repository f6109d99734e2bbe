package strops

import (
	"bytes"
	"unsafe"
)

// unsafeBytes views s as a byte slice without copying; callers never write to it.
func unsafeBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// indexString is bytes.Index with a string needle, without converting it.
func indexString(hay []byte, needle string) int {
	return bytes.Index(hay, unsafeBytes(needle))
}
