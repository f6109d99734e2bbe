package govern

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
)

// The built-in tags.
const (
	Sanctioned   = "Sanctioned"
	Unsanctioned = "Unsanctioned"
	Monitored    = "Monitored"
)

// Tag is the current tag of an app.
type Tag struct {
	App    string    `json:"app"` // catalog app id
	Tag    string    `json:"tag"`
	Reason string    `json:"reason,omitempty"`
	Actor  string    `json:"actor,omitempty"`
	Time   time.Time `json:"time"`
	// Groups scopes the tag to device groups (MachineGroup); empty means all.
	Groups []string `json:"groups,omitempty"`
}

// Event is one entry of the audit trail.
type Event struct {
	Time   time.Time `json:"time"`
	Actor  string    `json:"actor,omitempty"`
	App    string    `json:"app"`
	Action string    `json:"action"` // "tag" or "untag"
	Tag    string    `json:"tag,omitempty"`
	Reason string    `json:"reason,omitempty"`
	Groups []string  `json:"groups,omitempty"`
}

type tagsFile struct {
	Tags  map[string]Tag `json:"tags"`
	Audit []Event        `json:"audit"`
}

// TagsFile is the tag state file name in the state directory.
const TagsFile = "tags.json"

// Tags is the durable tag store. Every change rereads the file, applies the
// change and replaces the file atomically, so the last action wins. It is safe
// for concurrent use within a process.
type Tags struct {
	mu   sync.Mutex
	path string
}

// OpenTags opens the tag store of a data directory.
func OpenTags(dataDir string) *Tags {
	return &Tags{path: filepath.Join(StateDir(dataDir), TagsFile)}
}

func (t *Tags) load() (*tagsFile, error) {
	f := &tagsFile{}
	if err := readJSON(t.path, f); err != nil {
		return nil, err
	}
	if f.Tags == nil {
		f.Tags = map[string]Tag{}
	}
	return f, nil
}

// CanonicalTag returns the canonical spelling of a tag: the built-in names
// case-insensitively, custom tags as written. Custom tags are 1–64 printable
// characters.
func CanonicalTag(tag string) (string, error) {
	tag = strings.TrimSpace(tag)
	for _, b := range []string{Sanctioned, Unsanctioned, Monitored} {
		if strings.EqualFold(tag, b) {
			return b, nil
		}
	}
	if tag == "" || len(tag) > 64 {
		return "", fmt.Errorf("tag %q: want 1 to 64 characters", tag)
	}
	for _, r := range tag {
		if !unicode.IsPrint(r) {
			return "", fmt.Errorf("tag %q: unprintable character", tag)
		}
	}
	return tag, nil
}

// Set tags an app (replacing its previous tag) and records the event.
func (t *Tags) Set(tag Tag) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	unlock, err := lockState(t.path)
	if err != nil {
		return err
	}
	defer unlock()
	f, err := t.load()
	if err != nil {
		return err
	}
	f.Tags[tag.App] = tag
	f.Audit = append(f.Audit, Event{Time: tag.Time, Actor: tag.Actor, App: tag.App, Action: "tag", Tag: tag.Tag, Reason: tag.Reason, Groups: tag.Groups})
	return writeJSON(t.path, f)
}

// Remove untags an app and records the event; it reports whether the app had a tag.
func (t *Tags) Remove(app, reason, actor string, now time.Time) (bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	unlock, err := lockState(t.path)
	if err != nil {
		return false, err
	}
	defer unlock()
	f, err := t.load()
	if err != nil {
		return false, err
	}
	old, had := f.Tags[app]
	delete(f.Tags, app)
	f.Audit = append(f.Audit, Event{Time: now, Actor: actor, App: app, Action: "untag", Tag: old.Tag, Reason: reason})
	return had, writeJSON(t.path, f)
}

// All returns the current tags sorted by app id.
func (t *Tags) All() ([]Tag, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, err := t.load()
	if err != nil {
		return nil, err
	}
	out := make([]Tag, 0, len(f.Tags))
	for _, tg := range f.Tags {
		out = append(out, tg)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].App < out[j].App })
	return out, nil
}

// Map returns the current tags keyed by app id.
func (t *Tags) Map() (map[string]Tag, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, err := t.load()
	if err != nil {
		return nil, err
	}
	return f.Tags, nil
}

// Audit returns the audit trail, oldest first.
func (t *Tags) Audit() ([]Event, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, err := t.load()
	if err != nil {
		return nil, err
	}
	return f.Audit, nil
}
