package score

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Day is one day of a device's activity.
type Day struct {
	Day    time.Time
	Upload float64 // bytes sent
	Tx     float64 // transactions
}

// DeviceActivity is what device risk looks at: the device's days of activity
// (any order; the latest is "today", the others its baseline) and the risky
// apps it used in the period.
type DeviceActivity struct {
	Days             []Day
	UnsanctionedApps int64 // distinct Unsanctioned apps used
	LowScoreApps     int64 // distinct apps under the low-score threshold used
}

// Device risk levels.
const (
	LevelHigh          = "High"
	LevelMedium        = "Medium"
	LevelLow           = "Low"
	LevelInformational = "Informational"
)

// DeviceRisk is a device's level and the reasons behind it.
type DeviceRisk struct {
	Level   string
	Points  int
	Reasons []string
}

// The spread floors of the baseline (see Device).
const (
	UploadFloor = 25 << 20
	TxFloor     = 50
)

// MinBaselineDays is the number of days before the latest one that a device
// needs for its baseline.
const MinBaselineDays = 3

// Device computes the risk level of a device. The formula is prowl's own:
//
// Baseline departure. The latest day is compared with the device's earlier
// days (at least MinBaselineDays of them) by a robust z-score, so a few
// earlier spikes do not hide a new one: z = (today − median) / spread, where
// spread = max(1.4826 × MAD, 10% of the median, floor) and the floor is 25 MiB
// for uploads and 50 for transactions (a flat, quiet history does not turn
// ordinary work into alarms: a device must send at least 250 MiB more than
// usual to reach the top tier). Uploads: z ≥ 10 → 5 points (alone enough for High: an
// order of magnitude more data out than the device ever sends), z ≥ 6 → 3,
// z ≥ 3 → 2, z ≥ 2 → 1. Transactions: z ≥ 6 → 2 points, z ≥ 3 → 1.
//
// Risky apps. Any Unsanctioned app used → 3 points. Apps under the low-score
// threshold: 1 or 2 → 1 point, 3 or more → 2 points.
//
// Level: ≥ 5 points High, ≥ 3 Medium, ≥ 1 Low, else Informational. Every
// point comes with a reason.
func Device(d DeviceActivity) DeviceRisk {
	var r DeviceRisk
	add := func(p int, format string, args ...any) {
		r.Points += p
		r.Reasons = append(r.Reasons, fmt.Sprintf("+%d ", p)+fmt.Sprintf(format, args...))
	}
	days := append([]Day(nil), d.Days...)
	sort.Slice(days, func(i, j int) bool { return days[i].Day.Before(days[j].Day) })
	if n := len(days) - 1; n >= MinBaselineDays {
		today, hist := days[n], days[:n]
		up := make([]float64, n)
		tx := make([]float64, n)
		for i, h := range hist {
			up[i], tx[i] = h.Upload, h.Tx
		}
		if z, med := robustZ(today.Upload, up, UploadFloor); z >= 2 {
			p := 1
			switch {
			case z >= 10:
				p = 5
			case z >= 6:
				p = 3
			case z >= 3:
				p = 2
			}
			add(p, "upload %s on %s vs daily median %s (z=%.1f)", Bytes(today.Upload), today.Day.Format("2006-01-02"), Bytes(med), z)
		}
		if z, med := robustZ(today.Tx, tx, TxFloor); z >= 3 {
			p := 1
			if z >= 6 {
				p = 2
			}
			add(p, "%.0f transactions on %s vs daily median %.0f (z=%.1f)", today.Tx, today.Day.Format("2006-01-02"), med, z)
		}
	}
	if d.UnsanctionedApps > 0 {
		add(3, "used %d Unsanctioned app(s)", d.UnsanctionedApps)
	}
	switch {
	case d.LowScoreApps >= 3:
		add(2, "used %d low-score apps", d.LowScoreApps)
	case d.LowScoreApps >= 1:
		add(1, "used %d low-score app(s)", d.LowScoreApps)
	}
	switch {
	case r.Points >= 5:
		r.Level = LevelHigh
	case r.Points >= 3:
		r.Level = LevelMedium
	case r.Points >= 1:
		r.Level = LevelLow
	default:
		r.Level = LevelInformational
	}
	return r
}

// String renders the reasons on one line.
func (r DeviceRisk) String() string { return strings.Join(r.Reasons, "; ") }

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// robustZ is (x − median) / spread of hist; see Device.
func robustZ(x float64, hist []float64, floor float64) (z, med float64) {
	med = median(hist)
	dev := make([]float64, len(hist))
	for i, h := range hist {
		dev[i] = math.Abs(h - med)
	}
	spread := math.Max(1.4826*median(dev), math.Max(0.1*med, floor))
	return (x - med) / spread, med
}

// Bytes formats a byte count with a binary unit.
func Bytes(b float64) string {
	const unit = 1024
	if b < unit {
		return fmt.Sprintf("%.0f B", b)
	}
	div, exp := float64(unit), 0
	for n := b / unit; n >= unit && exp < 4; n /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", b/div, "KMGTP"[exp])
}
