package fn

import (
	"encoding/binary"
	"testing"
)

func TestXXH64(t *testing.T) {
	if got := xxh64([]byte("World")); got != 1846988464401551951 {
		t.Errorf("xxh64(World) = %d", got)
	}
	// the empty input and a long one (the 32-byte stripe path) against XXH64's published vectors
	if got := xxh64(nil); got != 0xef46db3751d8e999 {
		t.Errorf("xxh64('') = %x", got)
	}
	if got := xxh64([]byte("Nobody inspects the spammish repetition")); got != 0xfbcea83c8a378bf1 {
		t.Errorf("xxh64(long) = %x", got)
	}
	// ADX: hash(datetime("2015-01-01")) hashes the ticks
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], 635556672000000000)
	if got := xxh64(b[:]); got != 1380966698541616202 {
		t.Errorf("xxh64(ticks) = %d", got)
	}
}
