package e2e

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/prowl-hunt/prowl"
	"github.com/prowl-hunt/prowl/discovery/indicator"
	"github.com/prowl-hunt/prowl/storage"
	"github.com/prowl-hunt/prowl/storage/gen"
)

// rows runs a query and returns its rows as maps of column name to value.
func rows(t *testing.T, db *prowl.DB, q string) ([]map[string]any, *prowl.Result) {
	t.Helper()
	res, err := db.Query(context.Background(), q, nil)
	if err != nil {
		t.Fatalf("%s:\n%v", q, err)
	}
	defer res.Close()
	var out []map[string]any
	for res.Reader.Next() {
		rec := res.Reader.RecordBatch()
		for r := 0; r < int(rec.NumRows()); r++ {
			m := map[string]any{}
			for c, col := range res.Columns {
				a := rec.Column(c)
				if a.IsNull(r) {
					m[col.Name] = nil
					continue
				}
				switch x := a.(type) {
				case *array.Int64:
					m[col.Name] = x.Value(r)
				case *array.Float64:
					m[col.Name] = x.Value(r)
				case *array.Boolean:
					m[col.Name] = x.Value(r)
				case *array.Timestamp:
					m[col.Name] = x.Value(r).ToTime(arrow.Nanosecond)
				default:
					m[col.Name] = a.ValueStr(r)
				}
			}
			out = append(out, m)
		}
	}
	if err := res.Reader.Err(); err != nil {
		t.Fatal(err)
	}
	return out, res
}

// TestEndToEnd runs discovery over generated data through prowl.Open: the
// planted Dropbox night uploader shows up in the app and device views, totals
// reconcile with plain KQL, and unsanctioning Dropbox yields valid indicators
// and access alerts.
func TestEndToEnd(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	start := time.Now()
	defer func() { t.Logf("end-to-end took %v", time.Since(start)) }()
	end := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	cfg := gen.Config{Rows: 50_000, Days: 10, Devices: 40, Users: 80, Seed: 7, End: end, TailDomains: 500}
	cat, err := storage.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gen.WriteCatalog(ctx, cfg, cat, gen.CatalogOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Logf("generated in %v", time.Since(start))
	st, err := cfg.Stories()
	if err != nil {
		t.Fatal(err)
	}
	// The clock sits two days before the end: Dropbox is unsanctioned then,
	// and the last exfiltration night comes after it.
	tagTime := end.AddDate(0, 0, -2)
	// One discovery policy, alert only.
	if err := os.MkdirAll(filepath.Join(dir, "_prowl"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "_prowl", "settings.json"), []byte(`{"policies": [
	  {"name": "Big uploads", "enabled": true, "min_daily_upload": 100000000}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := prowl.Open(dir, &prowl.Options{Now: func() time.Time { return tagTime }, User: "e2e"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	apps, _ := rows(t, db, "DeviceNetworkEvents | invoke discover_apps()")
	if len(apps) < 10 {
		t.Fatalf("discover_apps found %d apps", len(apps))
	}
	var dropbox map[string]any
	var sumUp, sumTx int64
	for _, a := range apps {
		sumUp += a["UploadBytes"].(int64)
		sumTx += a["Transactions"].(int64)
		if a["AppId"] == "dropbox" {
			dropbox = a
		}
	}
	if dropbox == nil {
		t.Fatal("Dropbox not discovered")
	}
	if dropbox["Category"] != "Cloud storage" || dropbox["UploadBytes"].(int64) < 1<<30 {
		t.Errorf("Dropbox row = %v", dropbox)
	}
	// Totals reconcile with plain KQL over the same rows.
	plain, _ := rows(t, db, "DeviceNetworkEvents | where isnotempty(cloud_app(RemoteUrl)) | summarize Up = sum(coalesce(BytesSent, 0)), Tx = count()")
	if plain[0]["Up"].(int64) != sumUp || plain[0]["Tx"].(int64) != sumTx {
		t.Errorf("discover_apps totals %d bytes / %d transactions, plain KQL %v", sumUp, sumTx, plain[0])
	}
	night, _ := rows(t, db, fmt.Sprintf(`DeviceNetworkEvents | where DeviceName == %q and InitiatingProcessFileName =~ "Dropbox.exe" | summarize Up = sum(BytesSent)`, st.ExfilDevice))
	if up := night[0]["Up"].(int64); up < 1<<30 || up > dropbox["UploadBytes"].(int64) {
		t.Errorf("exfil device uploaded %d to Dropbox by plain KQL; Dropbox total %v", up, dropbox["UploadBytes"])
	}

	devices, _ := rows(t, db, "DeviceNetworkEvents | invoke discover_devices()")
	var exfil map[string]any
	for _, d := range devices {
		if d["DeviceName"] == st.ExfilDevice {
			exfil = d
		}
	}
	if exfil == nil {
		t.Fatalf("exfil device %s not in discover_devices", st.ExfilDevice)
	}
	if exfil["RiskLevel"] != "High" || !strings.Contains(exfil["RiskReasons"].(string), "upload") {
		t.Errorf("exfil device = %v %v", exfil["RiskLevel"], exfil["RiskReasons"])
	}
	if devices[0]["RiskLevel"] != "High" {
		t.Errorf("devices are not ordered by risk: first is %v", devices[0]["RiskLevel"])
	}
	users, _ := rows(t, db, "DeviceNetworkEvents | invoke discover_users()")
	for _, u := range users {
		name := strings.ToLower(u["User"].(string))
		if strings.HasSuffix(name, `\system`) || strings.Contains(name, "network service") || strings.Contains(name, "local service") {
			t.Errorf("system account counted as a user: %v", name)
		}
	}

	// The policy alerts on Dropbox once; applying again within 90 days is quiet.
	alerts, _ := rows(t, db, ".apply policies period=30d")
	found := false
	for _, a := range alerts {
		found = found || a["AppId"] == "dropbox"
	}
	if !found {
		t.Errorf("policy alerts = %v", alerts)
	}
	if again, _ := rows(t, db, ".apply policies period=30d"); len(again) != 0 {
		t.Errorf("policy alerted again: %v", again)
	}

	// Unsanction Dropbox through the control command.
	res, err := db.Query(ctx, `.unsanction app "Dropbox" with (reason="night exfiltration", groups="Laptops")`, nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Close()
	access, _ := rows(t, db, "DeviceNetworkEvents | invoke unsanctioned_access()")
	notBlocked := false
	for _, a := range access {
		if a["App"] != "Dropbox" || a["FirstTime"].(time.Time).Before(tagTime) {
			t.Errorf("access row %v", a)
		}
		if a["DeviceName"] == st.ExfilDevice && a["Blocked"] == false {
			notBlocked = true
		}
	}
	if !notBlocked {
		t.Errorf("exfil device's access after the tag is not flagged not blocked: %v", access)
	}
	exp, err := db.Query(ctx, ".export indicators format=stix", nil)
	if err != nil {
		t.Fatal(err)
	}
	var stix string
	for exp.Reader.Next() {
		stix += exp.Reader.RecordBatch().Column(2).(*array.String).Value(0)
	}
	exp.Close()
	if err := indicator.ValidateSTIX([]byte(stix)); err != nil {
		t.Error(err)
	}
	if !strings.Contains(stix, "[domain-name:value = 'dropbox.com']") {
		t.Error("STIX export lacks dropbox.com")
	}
	inds, _ := rows(t, db, `CloudAppIndicators | where AppId == "dropbox" and not(Removed) | summarize n = count(), groups = make_set(tostring(RbacGroups))`)
	if n := inds[0]["n"].(int64); n < 10 || !strings.Contains(inds[0]["groups"].(string), "Laptops") {
		t.Errorf("CloudAppIndicators = %v", inds[0])
	}
	tagged, _ := rows(t, db, "DeviceNetworkEvents | invoke discover_apps() | where Tag == 'Unsanctioned' | project App, Score")
	if len(tagged) != 1 || tagged[0]["App"] != "Dropbox" || math.IsNaN(tagged[0]["Score"].(float64)) {
		t.Errorf("tagged apps = %v", tagged)
	}
}
