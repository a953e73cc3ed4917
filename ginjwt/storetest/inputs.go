package storetest

import "strings"

// input is a named string argument.
type input struct {
	name  string
	value string
}

// malformed returns strings that no store may treat as anything but
// "not found": an attacker can put them in a URL, a form or a token claim.
func malformed() []input {
	return []input{
		{"empty", ""},
		{"blank", " "},
		{"sql tautology", "1 OR 1=1"},
		{"sql quote tautology", "' OR '1'='1"},
		{"sql drop table", "'; DROP TABLE users; --"},
		{"sql wildcard", "%"},
		{"mongo operator", `{"$ne":null}`},
		{"mongo regex", `{"$regex":".*"}`},
		{"non-UTF-8", "\xff\xfe\xfd"},
		{"NUL byte", "a\x00b"},
		{"10 KiB", strings.Repeat("a", 10<<10)},
	}
}

// unknownIDs returns well-formed ids of the common shapes (integer, hex,
// MongoDB ObjectID, UUID) that no store has issued in a fresh database,
// plus integers that do not fit 64 bits.
func unknownIDs() []input {
	return []input{
		{"zero", "0"},
		{"negative", "-1"},
		{"large integer", "9223372036854775807"},
		{"integer overflow", "99999999999999999999"},
		{"fraction", "1.5"},
		{"hex 128", "00000000000000000000000000000000"},
		{"object id", "000000000000000000000000"},
		{"uuid", "00000000-0000-4000-8000-000000000000"},
	}
}
