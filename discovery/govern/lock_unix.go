//go:build unix

package govern

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockState takes an exclusive advisory lock on the state directory so that
// read-modify-write cycles of separate processes (the CLI and `prowl serve`)
// do not interleave. It returns the unlock function.
func lockState(file string) (func(), error) {
	dir := filepath.Dir(file)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
