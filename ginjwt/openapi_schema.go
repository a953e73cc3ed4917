package ginjwt

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"time"
)

// jsonSchemaOf returns the JSON Schema (2020-12, as OpenAPI 3.1 uses it)
// of the JSON that encoding/json writes for a value of type t: structs
// by their json tags (embedded structs promoted, "-" left out, a field
// without omitempty or omitzero required), the simple kinds, slices,
// arrays, maps and pointers (which may be null). A type with its own
// MarshalJSON or MarshalText, other than time.Time, can be anything its
// method writes, and gets the schema that accepts any value (or any
// string).
func jsonSchemaOf(t reflect.Type) map[string]any {
	return schemaOf(t, map[reflect.Type]bool{})
}

var (
	timeType          = reflect.TypeFor[time.Time]()
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

func schemaOf(t reflect.Type, seen map[reflect.Type]bool) map[string]any {
	if t.Kind() == reflect.Pointer { // nil is null; otherwise what it points to
		return nullable(schemaOf(t.Elem(), seen))
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t.Implements(jsonMarshalerType) || reflect.PointerTo(t).Implements(jsonMarshalerType):
		return map[string]any{}
	case t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType):
		return map[string]any{"type": "string"}
	}
	switch t.Kind() {
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && !reflect.PointerTo(t.Elem()).Implements(textMarshalerType) {
			return nullable(map[string]any{"type": "string", "contentEncoding": "base64"})
		}
		return nullable(map[string]any{"type": "array", "items": schemaOf(t.Elem(), seen)})
	case reflect.Array:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), seen),
			"minItems": t.Len(), "maxItems": t.Len()}
	case reflect.Map:
		return nullable(map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), seen)})
	case reflect.Struct:
		if seen[t] { // a recursive type: any object below the first level
			return map[string]any{"type": "object"}
		}
		seen[t] = true
		defer delete(seen, t)
		props := map[string]any{}
		var required []string
		structFields(t, seen, props, &required)
		s := map[string]any{"type": "object", "properties": props}
		if len(required) > 0 {
			s["required"] = required
		}
		return s
	}
	return map[string]any{} // interfaces, and kinds encoding/json refuses
}

// structFields adds the JSON members of struct t to props, embedded
// structs' members promoted as encoding/json does (a field of the outer
// struct wins over a promoted one of the same name).
func structFields(t reflect.Type, seen map[reflect.Type]bool, props map[string]any, required *[]string) {
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				embedded = append(embedded, ft)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		var s map[string]any
		if hasOpt(opts, "string") && isScalar(ft.Kind()) {
			s = map[string]any{"type": "string"}
		} else {
			s = schemaOf(ft, seen)
		}
		props[name] = s
		if !hasOpt(opts, "omitempty") && !hasOpt(opts, "omitzero") {
			*required = append(*required, name)
		}
	}
	for _, et := range embedded {
		inner := map[string]any{}
		var innerReq []string
		structFields(et, seen, inner, &innerReq)
		for name, s := range inner {
			if _, ok := props[name]; !ok {
				props[name] = s
			}
		}
		for _, name := range innerReq {
			if !contains(*required, name) {
				*required = append(*required, name)
			}
		}
	}
}

func hasOpt(opts, want string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if o == want {
			return true
		}
	}
	return false
}

func isScalar(k reflect.Kind) bool {
	switch k {
	case reflect.Bool, reflect.String, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// nullable lets s also be null (JSON Schema 2020-12: a type array).
func nullable(s map[string]any) map[string]any {
	if typ, ok := s["type"].(string); ok { // without a type it accepts null already
		s["type"] = []any{typ, "null"}
	}
	return s
}
