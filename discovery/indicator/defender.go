package indicator

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// CSVHeader is the header of Defender's indicator CSV import, byte for byte.
const CSVHeader = "IndicatorType,IndicatorValue,ExpirationTime,Action,Severity,Title,Description,RecommendedActions,RbacGroups,Category,MitreTechniques,GenerateAlert"

// defenderIndicator is one indicator of Defender's import API, fields in the
// documented order.
type defenderIndicator struct {
	IndicatorValue     string   `json:"indicatorValue"`
	IndicatorType      string   `json:"indicatorType"`
	Action             string   `json:"action"`
	Title              string   `json:"title"`
	Description        string   `json:"description"`
	Severity           string   `json:"severity"`
	ExpirationTime     string   `json:"expirationTime,omitempty"`
	GenerateAlert      bool     `json:"generateAlert"`
	RbacGroupNames     []string `json:"rbacGroupNames,omitempty"`
	RecommendedActions string   `json:"recommendedActions,omitempty"`
	Application        string   `json:"application,omitempty"`
}

func timeText(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// defenderFields returns the indicator as Defender sees it; a removal is the
// same indicator expiring when it was removed, which withdraws it on import.
func defenderFields(ind Indicator) defenderIndicator {
	d := defenderIndicator{
		IndicatorValue:     ind.Value,
		IndicatorType:      ind.Type,
		Action:             ind.Action,
		Title:              ind.Title,
		Description:        ind.Description + " [" + ind.ExternalID + "]",
		Severity:           ind.Severity,
		GenerateAlert:      ind.GenerateAlert,
		RbacGroupNames:     ind.RbacGroups,
		RecommendedActions: ind.RecommendedActions,
		Application:        ind.Application,
	}
	if ind.Expiration != nil {
		d.ExpirationTime = timeText(*ind.Expiration)
	}
	if ind.Removed {
		d.ExpirationTime = timeText(ind.RemovedAt)
		d.Description = "Withdrawn by prowl (app no longer blocked). " + d.Description
	}
	return d
}

func batches(all []Indicator) [][]Indicator {
	var out [][]Indicator
	for len(all) > RequestLimit {
		out = append(out, all[:RequestLimit])
		all = all[RequestLimit:]
	}
	if len(all) > 0 {
		out = append(out, all)
	}
	return out
}

func defenderJSON(out *Output, active, removed []Indicator) error {
	all := append(append([]Indicator(nil), active...), removed...)
	for _, b := range batches(all) {
		body := struct {
			Indicators []defenderIndicator `json:"Indicators"`
		}{}
		for _, ind := range b {
			body.Indicators = append(body.Indicators, defenderFields(ind))
		}
		data, err := json.MarshalIndent(body, "", "  ")
		if err != nil {
			return fmt.Errorf("defender-json: %w", err)
		}
		out.Parts = append(out.Parts, append(data, '\n'))
	}
	if len(all) == 0 {
		out.Parts = [][]byte{[]byte("{\n  \"Indicators\": []\n}\n")}
	}
	if n := len(out.Parts); n > 1 {
		out.Notes = append(out.Notes, fmt.Sprintf("%d import bodies of at most %d indicators each (Defender's per-request limit)", n, RequestLimit))
	}
	return nil
}

func defenderCSV(out *Output, active, removed []Indicator) error {
	all := append(append([]Indicator(nil), active...), removed...)
	parts := batches(all)
	if len(parts) == 0 {
		parts = [][]Indicator{nil}
	}
	for _, b := range parts {
		var buf bytes.Buffer
		buf.WriteString(CSVHeader + "\n")
		w := csv.NewWriter(&buf)
		for _, ind := range b {
			d := defenderFields(ind)
			rec := []string{
				d.IndicatorType, d.IndicatorValue, d.ExpirationTime, d.Action, d.Severity, d.Title,
				d.Description, d.RecommendedActions, strings.Join(d.RbacGroupNames, ","), ind.Category,
				strings.Join(ind.MitreTechniques, ","), fmt.Sprint(d.GenerateAlert),
			}
			if err := w.Write(rec); err != nil {
				return fmt.Errorf("defender-csv: %w", err)
			}
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return fmt.Errorf("defender-csv: %w", err)
		}
		out.Parts = append(out.Parts, buf.Bytes())
	}
	if n := len(out.Parts); n > 1 {
		out.Notes = append(out.Notes, fmt.Sprintf("%d CSV files of at most %d indicators each (Defender's per-import limit)", n, RequestLimit))
	}
	return nil
}
