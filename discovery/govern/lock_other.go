//go:build !unix

package govern

// lockState is a no-op where advisory file locks are not available; writes
// stay atomic, but concurrent processes may lose an interleaved update.
func lockState(file string) (func(), error) { return func() {}, nil }
