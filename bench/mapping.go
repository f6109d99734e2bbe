package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/prowl-hunt/prowl"
)

// A mapping is a lookup table computed by prowl (its cloud-app matcher and
// account_user have no DuckDB equivalent) and loaded into DuckDB, so SQL twins
// of discovery queries can join it instead of re-implementing the matcher.
type mapping struct {
	table string
	kql   string
	types []string // DuckDB type per column, in the order of the KQL result
}

// mappings are the tables SQL twins may use:
//
//	app_map(RemoteUrl, App, AppId, Category, Score, Tag)  cloud_app and friends per distinct RemoteUrl
//	user_map(Sid, Name, Domain, Upn, User)               account_user per distinct account
//
// Key columns are never NULL ("" for empty), so join on coalesce(col, ”).
var mappings = []mapping{
	{
		table: "app_map",
		kql: `DeviceNetworkEvents | distinct RemoteUrl | extend App = cloud_app(RemoteUrl) | where isnotempty(App)
			| extend AppId = cloud_app_id(App), Category = cloud_app_category(App), Score = cloud_app_score(App), Tag = cloud_app_tag(App)`,
		types: []string{"VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "DOUBLE", "VARCHAR"},
	},
	{
		table: "user_map",
		kql: `DeviceNetworkEvents | summarize by Sid = InitiatingProcessAccountSid, Name = InitiatingProcessAccountName,
				Domain = InitiatingProcessAccountDomain, Upn = InitiatingProcessAccountUpn
			| extend User = account_user(Sid, Name, Domain, Upn)`,
		types: []string{"VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR"},
	},
}

// loadMappings runs each mapping query in prowl, writes its rows to a CSV file
// and creates the DuckDB table from it.
func loadMappings(ctx context.Context, db *prowl.DB, duck *sql.DB) error {
	dir, err := os.MkdirTemp("", "bench-map")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for _, m := range mappings {
		a, err := runProwl(ctx, db, m.kql)
		if err != nil {
			return fmt.Errorf("mapping %s: %w", m.table, err)
		}
		if len(a.cols) != len(m.types) {
			return fmt.Errorf("mapping %s: %d columns, want %d", m.table, len(a.cols), len(m.types))
		}
		path := filepath.Join(dir, m.table+".csv")
		if err := writeCSV(path, a); err != nil {
			return fmt.Errorf("mapping %s: %w", m.table, err)
		}
		var cols []string
		for i, c := range a.cols {
			cols = append(cols, fmt.Sprintf("'%s': '%s'", c, m.types[i]))
		}
		// Every value is quoted in the file, so "" stays an empty string and
		// only prowl's nulls (unquoted, empty) become NULL.
		stmt := fmt.Sprintf("CREATE OR REPLACE TABLE %s AS SELECT * FROM read_csv('%s', header = true, quote = '\"', columns = {%s}, allow_quoted_nulls = false)",
			m.table, path, strings.Join(cols, ", "))
		if _, err := duck.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("mapping %s: duckdb: %w", m.table, err)
		}
	}
	return nil
}

// writeCSV writes an answer as CSV with every value quoted; nulls are left
// empty and unquoted.
func writeCSV(path string, a *answer) error {
	var b strings.Builder
	quote := func(v string) string { return `"` + strings.ReplaceAll(v, `"`, `""`) + `"` }
	rec := make([]string, len(a.cols))
	for i, c := range a.cols {
		rec[i] = quote(c)
	}
	b.WriteString(strings.Join(rec, ",") + "\n")
	for _, t := range a.tuples {
		for i, v := range t {
			if v == null {
				rec[i] = ""
			} else {
				rec[i] = quote(v)
			}
		}
		b.WriteString(strings.Join(rec, ",") + "\n")
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
