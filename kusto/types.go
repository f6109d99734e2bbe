package kusto

import "strings"

// Type is a Kusto scalar data type.
type Type uint8

// The Kusto scalar types. Invalid is the zero value and never the type of a
// well-formed expression.
const (
	Invalid Type = iota
	Bool
	Int
	Long
	Real
	Decimal
	String
	DateTime
	TimeSpan
	Guid
	Dynamic
)

var typeNames = [...]string{
	Invalid:  "invalid",
	Bool:     "bool",
	Int:      "int",
	Long:     "long",
	Real:     "real",
	Decimal:  "decimal",
	String:   "string",
	DateTime: "datetime",
	TimeSpan: "timespan",
	Guid:     "guid",
	Dynamic:  "dynamic",
}

var dotNetNames = [...]string{
	Invalid:  "Object",
	Bool:     "Boolean",
	Int:      "Int32",
	Long:     "Int64",
	Real:     "Double",
	Decimal:  "Decimal",
	String:   "String",
	DateTime: "DateTime",
	TimeSpan: "TimeSpan",
	Guid:     "Guid",
	Dynamic:  "Object",
}

// String returns the canonical Kusto name of t ("long", "datetime", ...).
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "invalid"
}

// DotNetName returns the .NET type name Kusto REST v1 responses use for t
// ("Int64", "DateTime", "Object" for dynamic, ...).
func (t Type) DotNetName() string {
	if int(t) < len(dotNetNames) {
		return dotNetNames[t]
	}
	return "Object"
}

// IsNumeric reports whether t is int, long, real or decimal.
func (t Type) IsNumeric() bool {
	return t == Int || t == Long || t == Real || t == Decimal
}

// typeAliases maps every spelling Kusto accepts in type positions
// (datatable, let parameters, declare query_parameters, to typeof(...)) to a Type.
var typeAliases = map[string]Type{
	"bool": Bool, "boolean": Bool,
	"int": Int, "int32": Int,
	"long": Long, "int64": Long,
	"real": Real, "double": Real,
	"decimal":  Decimal,
	"string":   String,
	"datetime": DateTime, "date": DateTime,
	"timespan": TimeSpan, "time": TimeSpan,
	"guid": Guid, "uniqueid": Guid,
	"dynamic": Dynamic,
}

// ParseType returns the Type named s, accepting Kusto's aliases
// (boolean, int32, int64, double, date, time, uniqueid). Names are case-sensitive
// except that .NET names (Int64, DateTime, ...) are also understood.
func ParseType(s string) (Type, bool) {
	if t, ok := typeAliases[s]; ok {
		return t, true
	}
	for t, n := range dotNetNames {
		if n == s && Type(t) != Invalid {
			return Type(t), true
		}
	}
	if t, ok := typeAliases[strings.ToLower(s)]; ok && s != strings.ToLower(s) && strings.EqualFold(s, typeNames[t]) {
		return t, true
	}
	return Invalid, false
}

// Column is a named, typed column of a table or result.
type Column struct {
	Name string
	Type Type
}

// Schema is an ordered list of columns. Column names are unique within a schema.
type Schema []Column

// Index returns the position of the column named name, or -1.
func (s Schema) Index(name string) int {
	for i, c := range s {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// Names returns the column names in order.
func (s Schema) Names() []string {
	out := make([]string, len(s))
	for i, c := range s {
		out[i] = c.Name
	}
	return out
}
