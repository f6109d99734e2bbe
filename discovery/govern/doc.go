// Package govern is cloud-app governance state: tags with their audit trail,
// the never-block list, the ledger of emitted indicators, discovery policies
// and settings, all kept as JSON files in <data>/_prowl/ and replaced atomically.
package govern
