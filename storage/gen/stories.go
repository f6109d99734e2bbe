package gen

import (
	"math/rand/v2"
	"time"
)

// Stories names what was planted in the data, so demos can point at it and
// tests can check it is there.
type Stories struct {
	// Exfiltration: ExfilDevice uploads gigabytes to Dropbox (ExfilHosts) with
	// Dropbox.exe between 01:00 and 04:00 UTC on each of ExfilNights.
	ExfilDevice  string
	ExfilUser    string
	ExfilHosts   []string
	ExfilNights  []time.Time
	ExfilProcess string

	// Roaming: RoamingUser signs in on and uses RoamingDevices machines.
	RoamingUser    string
	RoamingDevices int

	// Rare app: RareApp (RareHosts) is used from RareDepartment's machines only.
	RareApp        string
	RareHosts      []string
	RareDepartment string
}

// Story tuning.
const (
	exfilFirstHour = 1
	exfilLastHour  = 3 // inclusive: 01:00-03:59
	exfilPerHour   = 40
	roamShare      = 0.003 // of all rows
	rareShare      = 0.004 // of the rare department's browsing
)

func (w *world) makeStories(r *rand.Rand) {
	// The exfiltrating device: a Windows laptop with a user.
	w.exfil = 0
	for i, d := range w.devices {
		if d.laptop && (d.os == osWin10 || d.os == osWin11) && len(d.users) > 0 && i >= len(w.devices)/3 {
			w.exfil = int32(i)
			break
		}
	}
	ed := &w.devices[w.exfil]
	w.stories.ExfilDevice = ed.name
	if len(ed.users) > 0 {
		w.stories.ExfilUser = w.accounts[ed.users[0]].name
	}
	seen := map[string]bool{}
	for _, h := range dropboxUploadHosts {
		if !seen[h] {
			seen[h] = true
			w.stories.ExfilHosts = append(w.stories.ExfilHosts, h)
		}
	}
	w.stories.ExfilProcess = "Dropbox.exe"
	nights := min(3, w.cfg.Days)
	for k := nights; k >= 1; k-- {
		w.stories.ExfilNights = append(w.stories.ExfilNights, w.cfg.End.AddDate(0, 0, -k))
	}

	// The roaming user: an IT admin seen on a tenth of the machines.
	w.roamer = -1
	if len(w.accounts) > numSystemAccounts {
		w.roamer = int32(numSystemAccounts + r.IntN(len(w.accounts)-numSystemAccounts))
		w.stories.RoamingUser = w.accounts[w.roamer].name
		n := max(3, len(w.devices)/10)
		n = min(n, len(w.devices))
		perm := r.Perm(len(w.devices))
		w.roamSet = make([]int32, n)
		for i := range w.roamSet {
			w.roamSet[i] = int32(perm[i])
		}
		w.stories.RoamingDevices = n
	}

	w.stories.RareApp = "Figma"
	w.stories.RareHosts = append([]string(nil), figmaHosts...)
	w.stories.RareDepartment = departments[rareDept]
}

// Stories reports what the config's data will contain, without generating it.
func (c Config) Stories() (Stories, error) {
	c, err := c.withDefaults()
	if err != nil {
		return Stories{}, err
	}
	return newWorld(c).stories, nil
}
