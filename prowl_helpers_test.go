package prowl

import "os"

// tempDir is a directory shared by every test of the binary, removed by TestMain.
func tempDir() (string, error) { return os.MkdirTemp("", "prowl-test-") }
