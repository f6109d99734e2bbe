// Command cataloggen builds prowl's embedded cloud-app catalog from the
// domain-list-community data and the hand-made mapping in apps.map.
//
// Usage (from discovery/catalog, through go generate):
//
//	go run ../internal/cataloggen -data ../../../shared/data/domain-list-community -map ../internal/cataloggen/apps.map -out apps.tsv.gz
package main
