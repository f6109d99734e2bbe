package govern

import (
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/prowl-hunt/prowl/discovery/indicator"
)

// LedgerFile is the indicator ledger file name in the state directory.
const LedgerFile = "indicators.json"

// LedgerEntry is one indicator prowl has emitted.
type LedgerEntry struct {
	Indicator    indicator.Indicator `json:"indicator"`
	FirstEmitted time.Time           `json:"first_emitted"`
	LastEmitted  time.Time           `json:"last_emitted"`
	// RemovedAt is set once the indicator was withdrawn (app untagged or
	// re-tagged Sanctioned); a removed entry is a tombstone that later exports
	// keep reporting as a removal.
	RemovedAt *time.Time `json:"removed_at,omitempty"`
}

// Ledger records emitted indicators by external id so that emitting again is
// idempotent and untagging emits exactly the removals.
type Ledger struct {
	mu   sync.Mutex
	path string
}

// OpenLedger opens the ledger of a data directory.
func OpenLedger(dataDir string) *Ledger {
	return &Ledger{path: filepath.Join(StateDir(dataDir), LedgerFile)}
}

type ledgerFile struct {
	Entries map[string]*LedgerEntry `json:"entries"`
}

func (l *Ledger) load() (*ledgerFile, error) {
	f := &ledgerFile{}
	if err := readJSON(l.path, f); err != nil {
		return nil, err
	}
	if f.Entries == nil {
		f.Entries = map[string]*LedgerEntry{}
	}
	return f, nil
}

// Sync makes the ledger hold exactly the desired indicators as active ones and
// returns the active set (with its stable creation times) and the removals
// (every tombstone, each with Removed set), both sorted by external id.
// Desired indicators beyond the tenant limit are an error and change nothing.
func (l *Ledger) Sync(desired []indicator.Indicator, now time.Time) (active, removed []indicator.Indicator, err error) {
	if len(desired) > indicator.TenantLimit {
		return nil, nil, fmt.Errorf("%d indicators exceed Defender's limit of %d per tenant: unsanction fewer apps or scope them to device groups", len(desired), indicator.TenantLimit)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	unlock, err := lockState(l.path)
	if err != nil {
		return nil, nil, err
	}
	defer unlock()
	f, err := l.load()
	if err != nil {
		return nil, nil, err
	}
	want := make(map[string]bool, len(desired))
	for _, ind := range desired {
		if want[ind.ExternalID] {
			continue
		}
		want[ind.ExternalID] = true
		e := f.Entries[ind.ExternalID]
		if e == nil || e.RemovedAt != nil {
			ind.Created = now
			f.Entries[ind.ExternalID] = &LedgerEntry{Indicator: ind, FirstEmitted: now, LastEmitted: now}
			continue
		}
		ind.Created = e.Indicator.Created
		e.Indicator = ind
		e.LastEmitted = now
	}
	for id, e := range f.Entries {
		if !want[id] && e.RemovedAt == nil {
			t := now
			e.RemovedAt = &t
		}
	}
	if err := writeJSON(l.path, f); err != nil {
		return nil, nil, err
	}
	for _, e := range f.Entries {
		ind := e.Indicator
		if e.RemovedAt != nil {
			ind.Removed = true
			ind.RemovedAt = *e.RemovedAt
			removed = append(removed, ind)
		} else {
			active = append(active, ind)
		}
	}
	sortInd(active)
	sortInd(removed)
	return active, removed, nil
}

// Entries returns the ledger entries sorted by external id.
func (l *Ledger) Entries() ([]LedgerEntry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f, err := l.load()
	if err != nil {
		return nil, err
	}
	out := make([]LedgerEntry, 0, len(f.Entries))
	for _, e := range f.Entries {
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Indicator.ExternalID < out[j].Indicator.ExternalID })
	return out, nil
}

func sortInd(s []indicator.Indicator) {
	sort.Slice(s, func(i, j int) bool { return s[i].ExternalID < s[j].ExternalID })
}
