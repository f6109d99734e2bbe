//go:build !race

package strops

const raceEnabled = false
