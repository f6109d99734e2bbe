// Package discovery is prowl's cloud discovery and governance: it finds the cloud
// apps in network transactions, scores their risk, tags them, and emits the
// indicators that block them — plugged into the engine through ext.Registry.
//
// Sub-packages:
//
//	discovery/catalog    the embedded app catalog and URL/host → app matching
//	                     (catalog.Load(), (*Catalog).Match(host), Apps(), ByID, ByName)
//	discovery/score      app risk score and device risk level (formulas documented there)
//	discovery/govern     durable tags with audit trail, never-block list, indicator ledger, policies
//	discovery/indicator  indicator formats (Defender JSON/CSV, STIX 2.1, RPZ, hosts, proxies, firewalls)
//
// Catalog use from other packages (e.g. the data generator):
//
//	cat, err := catalog.Load()           // embedded catalog, ≥ 900 apps
//	for _, app := range cat.Apps() {     // app.ID, app.Name, app.Category, app.Domains
//	}
//	app, ok := cat.Match("https://dl.dropboxusercontent.com/x") // → Dropbox
package discovery
