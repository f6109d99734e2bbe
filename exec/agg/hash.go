package agg

import (
	"encoding/binary"
	"math"
	"math/bits"
	"unsafe"
)

// The hashes here are fixed (unseeded) so that dcount gives the same answer on
// every run and every worker's sketch can be merged with every other's.

const (
	hk0 = 0x9e3779b97f4a7c15
	hk1 = 0xbf58476d1ce4e5b9
	hk2 = 0x94d049bb133111eb
	hk3 = 0xe7037ed1a0b428db
)

// mix64 is the splitmix64 finaliser: a bijection with full avalanche.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= hk1
	x ^= x >> 27
	x *= hk2
	x ^= x >> 31
	return x
}

// hashInt hashes a fixed-width value given as its 64-bit pattern.
func hashInt(v uint64) uint64 { return mix64(v + hk0) }

// hashFloat hashes a real so that 0 and -0 agree and every NaN is one value.
func hashFloat(f float64) uint64 {
	return hashInt(floatKey(f))
}

// floatKey is the identity of a real for distinct counting and sets.
func floatKey(f float64) uint64 {
	switch {
	case f == 0:
		return 0
	case f != f:
		return 0x7ff8000000000001
	}
	return math.Float64bits(f)
}

func mum(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// hashString hashes s eight bytes at a time with multiply-fold mixing.
func hashString(s string) uint64 {
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	h := uint64(len(s))*hk0 ^ hk3
	for len(b) >= 16 {
		h = mum(binary.LittleEndian.Uint64(b)^hk1^h, binary.LittleEndian.Uint64(b[8:])^hk2)
		b = b[16:]
	}
	if len(b) >= 8 {
		h = mum(binary.LittleEndian.Uint64(b)^hk1^h, hk2)
		b = b[8:]
	}
	if len(b) > 0 {
		var t uint64
		for i, c := range b {
			t |= uint64(c) << (8 * i)
		}
		h = mum(t^hk1^h, hk3)
	}
	return mix64(h)
}
