package govern

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/prowl-hunt/prowl/discovery/score"
)

// Settings is <data>/_prowl/settings.json. Missing fields take the defaults.
type Settings struct {
	// Score holds the scoring weights and the unknown-value rule.
	Score score.Settings `json:"score"`
	// WarnMonitored makes Monitored apps emit Warn indicators (default true).
	WarnMonitored *bool `json:"warn_monitored,omitempty"`
	// PropagationWindow is how long indicators take to reach endpoints; access
	// to an Unsanctioned app after it is flagged "not blocked" (default "3h").
	PropagationWindow string `json:"propagation_window,omitempty"`
	// ExpirationDays sets indicators' expirationTime that many days after
	// emission; 0 means no expiration.
	ExpirationDays int `json:"indicator_expiration_days,omitempty"`
	// Severity of Block indicators (default "High"); Warn indicators are
	// "Informational".
	BlockSeverity string `json:"block_severity,omitempty"`
	// NeverBlock adds hosts to the built-in never-block list.
	NeverBlock []NeverBlockEntry `json:"never_block,omitempty"`
	// ExcludedUsers, ExcludedDevices and ExcludedIPs are left out of the
	// discovery user/device counts (besides the system accounts).
	ExcludedUsers   []string `json:"excluded_users,omitempty"`
	ExcludedDevices []string `json:"excluded_devices,omitempty"`
	ExcludedIPs     []string `json:"excluded_ips,omitempty"`
	// Policies are the discovery policies; when absent the shipped templates
	// are used, all disabled.
	Policies []Policy `json:"policies,omitempty"`
}

// SettingsFile is the settings file name in the state directory.
const SettingsFile = "settings.json"

// LoadSettings reads the settings of a data directory (defaults when the file
// does not exist) and validates them.
func LoadSettings(dataDir string) (*Settings, error) {
	s := &Settings{}
	if err := readJSON(filepath.Join(StateDir(dataDir), SettingsFile), s); err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(StateDir(dataDir), SettingsFile), err)
	}
	if s.Policies == nil {
		s.Policies = Templates()
	}
	return s, nil
}

// Validate checks the settings.
func (s *Settings) Validate() error {
	if err := s.Score.Validate(); err != nil {
		return err
	}
	if s.PropagationWindow != "" {
		if d, err := time.ParseDuration(s.PropagationWindow); err != nil || d < 0 {
			return fmt.Errorf("propagation_window %q is not a duration like \"3h\"", s.PropagationWindow)
		}
	}
	if s.ExpirationDays < 0 {
		return fmt.Errorf("indicator_expiration_days must not be negative")
	}
	switch s.BlockSeverity {
	case "", "Informational", "Low", "Medium", "High":
	default:
		return fmt.Errorf("block_severity %q is not Informational, Low, Medium or High", s.BlockSeverity)
	}
	for i := range s.Policies {
		if err := s.Policies[i].Validate(); err != nil {
			return err
		}
	}
	return nil
}

// Warn reports whether Monitored apps emit Warn indicators.
func (s *Settings) Warn() bool { return s.WarnMonitored == nil || *s.WarnMonitored }

// Window is the propagation window.
func (s *Settings) Window() time.Duration {
	if d, err := time.ParseDuration(s.PropagationWindow); err == nil && s.PropagationWindow != "" {
		return d
	}
	return 3 * time.Hour
}

// Severity is the severity of Block indicators.
func (s *Settings) Severity() string {
	if s.BlockSeverity == "" {
		return "High"
	}
	return s.BlockSeverity
}
