package gen

import (
	"fmt"
	"runtime"
	"time"
)

// Config says what to generate. The zero value of every field means its default.
type Config struct {
	Rows    int64     // DeviceNetworkEvents rows (default 1,000,000)
	Days    int       // days of data ending at End (default 30)
	Devices int       // devices (default 2,000)
	Users   int       // users (default 5,000)
	Seed    uint64    // RNG seed (default 1); the same seed gives the same rows
	End     time.Time // exclusive end of the data, truncated to a UTC day (default: today 00:00 UTC)

	// Apps are the cloud apps in popularity order (default BuiltinApps). The
	// discovery catalog can supply them.
	Apps []App
	// TailDomains is the number of made-up long-tail domains (default 20,000).
	TailDomains int
	// BatchRows caps the rows of one DeviceNetworkEvents batch (default 65,536).
	BatchRows int
	// Workers generating batches in parallel (default GOMAXPROCS). The output
	// does not depend on it.
	Workers int
	// PlainStrings makes every string column a plain Arrow String. By default
	// low-cardinality string columns are Dictionary(Int32, String), sharing one
	// dictionary across all batches of a table.
	PlainStrings bool
	// DeviceInfoEvery is the interval of DeviceInfo and DeviceNetworkInfo
	// snapshots (default 24h; at least 1h).
	DeviceInfoEvery time.Duration
	// Progress, when set, is called after each batch handed to the sink.
	Progress func(Progress)
}

// Progress reports how far generation is.
type Progress struct {
	Table     string // table of the batch just written
	Rows      int64  // rows of that table written so far
	TotalRows int64  // DeviceNetworkEvents rows in all (the bulk of the work)
	DoneRows  int64  // DeviceNetworkEvents rows written so far
}

// withDefaults returns c with defaults filled in, or an error for bad values.
func (c Config) withDefaults() (Config, error) {
	if c.Rows == 0 {
		c.Rows = 1_000_000
	}
	if c.Days == 0 {
		c.Days = 30
	}
	if c.Devices == 0 {
		c.Devices = 2000
	}
	if c.Users == 0 {
		c.Users = 5000
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.End.IsZero() {
		c.End = time.Now().UTC()
	}
	c.End = c.End.UTC().Truncate(24 * time.Hour)
	if len(c.Apps) == 0 {
		c.Apps = BuiltinApps
	}
	if c.TailDomains == 0 {
		c.TailDomains = 20_000
	}
	if c.BatchRows == 0 {
		c.BatchRows = 65_536
	}
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	if c.DeviceInfoEvery == 0 {
		c.DeviceInfoEvery = 24 * time.Hour
	}
	switch {
	case c.Rows < 0:
		return c, fmt.Errorf("rows %d: must not be negative", c.Rows)
	case c.Days < 0 || c.Days > 3650:
		return c, fmt.Errorf("days %d: want 1 to 3650", c.Days)
	case c.Devices < 0 || c.Devices > 1_000_000:
		return c, fmt.Errorf("devices %d: want 1 to 1,000,000", c.Devices)
	case c.Users < 0 || c.Users > 10_000_000:
		return c, fmt.Errorf("users %d: want 1 to 10,000,000", c.Users)
	case c.TailDomains < 0:
		return c, fmt.Errorf("tail domains %d: must not be negative", c.TailDomains)
	case c.BatchRows < 0:
		return c, fmt.Errorf("batch rows %d: must not be negative", c.BatchRows)
	case c.DeviceInfoEvery < time.Hour:
		return c, fmt.Errorf("device info interval %v: want at least 1h", c.DeviceInfoEvery)
	}
	start := c.End.AddDate(0, 0, -c.Days)
	if start.Year() < 1678 || c.End.Year() > 2261 {
		return c, fmt.Errorf("dates %s..%s: outside the datetime range 1678-2261", start.Format("2006-01-02"), c.End.Format("2006-01-02"))
	}
	return c, nil
}

// GoldenConfig is the dataset the end-to-end answers in testdata/golden were
// frozen on (the root golden test) and checked against DuckDB on (bench's
// crosscheck): 20,000 rows, seed 7, ending 2026-01-01, 50 devices, 80 users,
// with the generator's built-in apps and a short long tail, which keeps
// generation fast under -race.
func GoldenConfig() Config {
	return Config{
		Rows:        20_000,
		Seed:        7,
		End:         time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Devices:     50,
		Users:       80,
		TailDomains: 2000,
	}
}
