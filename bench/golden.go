package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prowl-hunt/prowl/storage"
	"github.com/prowl-hunt/prowl/storage/gen"
)

// goldenConfig is the dataset of ../testdata/golden. It must match
// goldenConfig in ../golden_test.go, which regenerates the same rows in-process
// (with the generator's built-in apps, unlike `prowl gen`, which adds the
// discovery catalog's).
var goldenConfig = gen.Config{
	Rows:    20_000,
	Seed:    7,
	End:     time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	Devices: 50,
	Users:   80,
	// A short long tail keeps generation fast under -race.
	TailDomains: 2000,
}

const goldenMarker = "golden: gen.Config{Rows: 20000, Seed: 7, End: 2026-01-01, Devices: 50, Users: 80, TailDomains: 2000}"

// ensureGolden writes the golden dataset into dir unless it is already there.
func ensureGolden(ctx context.Context, dir string) error {
	marker := filepath.Join(dir, ".bench-rows")
	if b, err := os.ReadFile(marker); err == nil && strings.TrimSpace(string(b)) == goldenMarker {
		return nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	cat, err := storage.Open(dir)
	if err != nil {
		return fmt.Errorf("golden data: %w", err)
	}
	if _, err := gen.WriteCatalog(ctx, goldenConfig, cat, gen.CatalogOptions{}); err != nil {
		cat.Close()
		return fmt.Errorf("golden data: %w", err)
	}
	if err := cat.Close(); err != nil {
		return fmt.Errorf("golden data: %w", err)
	}
	return os.WriteFile(marker, []byte(goldenMarker), 0o644)
}
