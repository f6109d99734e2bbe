package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/prowl-hunt/prowl/storage"
	"github.com/prowl-hunt/prowl/storage/gen"
)

// goldenConfig is the dataset of ../testdata/golden (gen.GoldenConfig, which
// ../golden_test.go regenerates in-process; with the generator's built-in
// apps, unlike `prowl gen`, which adds the discovery catalog's).
var goldenConfig = gen.GoldenConfig()

// goldenMarker records the configuration a cached golden dataset was made with.
var goldenMarker = fmt.Sprintf("golden: %+v", goldenConfig)

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
