package dyn

import "testing"

const benchDoc = `{"ProcessName":"powershell.exe","CommandLine":"powershell -enc SQBFAFgA","Signer":{"Name":"Microsoft Windows","Valid":true},"Hashes":["a1","b2","c3"],"Port":443,"IsLocal":false}`

func BenchmarkMember(b *testing.B) {
	b.Run("extract", func(b *testing.B) {
		for b.Loop() {
			if _, ok := Extract(benchDoc, Key("Signer"), Key("Name")); !ok {
				b.Fatal("not found")
			}
		}
	})
	b.Run("parse", func(b *testing.B) {
		for b.Loop() {
			v, err := Parse(benchDoc)
			if err != nil || Member(Member(v, "Signer"), "Name") == nil {
				b.Fatal("not found")
			}
		}
	})
}
