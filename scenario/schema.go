package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"strconv"
	"strings"

	"github.com/parley-forecast/parley"
)

// SchemaID is the $id of the scenario schema.
const SchemaID = "https://github.com/parley-forecast/parley/scenario.schema.json"

// A describer is a type that writes its own JSON Schema, as parley.Value
// does for its two spellings.
type describer interface {
	JSONSchema() map[string]any
}

var describerType = reflect.TypeFor[describer]()

// Schema returns the JSON Schema (draft 2020-12) of scenario files,
// generated from the parley.Scenario types: each struct becomes an object
// with additionalProperties false whose properties are the json tag
// names, required unless tagged omitempty; the doc tag becomes the
// description, and the minimum, maximum, enum (comma-separated) and
// pattern tags constrain the value (the items, for a list). Named struct
// types go to $defs. A type with a JSONSchema() map[string]any method
// describes itself; minimum and maximum on such a field apply to every
// number inside its schema, so a bounded Value is bounded in both
// spellings. The root also allows a "$schema" string, which editors use
// to find the schema of a JSON file.
//
// The result is deterministic; the repository commits it as
// scenario.schema.json.
func Schema() ([]byte, error) {
	r := &reflector{defs: map[string]any{}}
	root, err := r.object(reflect.TypeFor[parley.Scenario]())
	if err != nil {
		return nil, err
	}
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = SchemaID
	root["title"] = "Parley scenario"
	root["description"] = "A negotiation to forecast: its actors, the issues at stake, each actor's stance on each issue with the evidence for it, and the what-ifs and questions to analyse. Generated from the Go types of github.com/parley-forecast/parley; do not edit."
	root["$defs"] = r.defs
	root["properties"].(map[string]any)["$schema"] = map[string]any{
		"type":        "string",
		"description": "The JSON Schema this file follows, for editors; ignored by Parley.",
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type reflector struct {
	defs map[string]any
}

// ref returns the schema of t: a reference into $defs for named structs
// and self-describing types, inline for the rest.
func (r *reflector) ref(t reflect.Type) (map[string]any, error) {
	if t.Implements(describerType) {
		name := t.Name()
		if _, ok := r.defs[name]; !ok {
			r.defs[name] = reflect.Zero(t).Interface().(describer).JSONSchema()
		}
		return map[string]any{"$ref": "#/$defs/" + name}, nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		return r.ref(t.Elem())
	case reflect.Struct:
		name := t.Name()
		if name == "" {
			return nil, fmt.Errorf("scenario schema: anonymous struct %s", t)
		}
		if _, ok := r.defs[name]; !ok {
			r.defs[name] = nil // placeholder: recursive types terminate
			o, err := r.object(t)
			if err != nil {
				return nil, err
			}
			r.defs[name] = o
		}
		return map[string]any{"$ref": "#/$defs/" + name}, nil
	case reflect.Slice, reflect.Array:
		items, err := r.ref(t.Elem())
		if err != nil {
			return nil, err
		}
		return map[string]any{"type": "array", "items": items}, nil
	case reflect.String:
		return map[string]any{"type": "string"}, nil
	case reflect.Bool:
		return map[string]any{"type": "boolean"}, nil
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}, nil
	}
	return nil, fmt.Errorf("scenario schema: unsupported type %s", t)
}

// object returns the schema of struct type t.
func (r *reflector) object(t reflect.Type) (map[string]any, error) {
	props := map[string]any{}
	required := []any{}
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		if f.Anonymous {
			return nil, fmt.Errorf("scenario schema: embedded field %s.%s", t, f.Name)
		}
		s, err := r.field(f)
		if err != nil {
			return nil, err
		}
		props[name] = s
		if !strings.Contains(","+opts+",", ",omitempty,") {
			required = append(required, name)
		}
	}
	o := map[string]any{
		"type":                 "object",
		"additionalProperties": false,
		"properties":           props,
	}
	if len(required) > 0 {
		o["required"] = required
	}
	return o, nil
}

// field returns the schema of one struct field, with its tags applied.
func (r *reflector) field(f reflect.StructField) (map[string]any, error) {
	t := f.Type
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var lo, hi *float64
	for _, b := range []struct {
		key string
		dst **float64
	}{{"minimum", &lo}, {"maximum", &hi}} {
		if v, ok := f.Tag.Lookup(b.key); ok {
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, fmt.Errorf("scenario schema: %s tag of field %s: %v", b.key, f.Name, err)
			}
			*b.dst = &x
		}
	}
	doc := f.Tag.Get("doc")
	constrain := func(s map[string]any) {
		if lo != nil {
			s["minimum"] = *lo
		}
		if hi != nil {
			s["maximum"] = *hi
		}
		if p, ok := f.Tag.Lookup("pattern"); ok {
			s["pattern"] = p
		}
		if e, ok := f.Tag.Lookup("enum"); ok {
			var vals []any
			for v := range strings.SplitSeq(e, ",") {
				vals = append(vals, strings.TrimSpace(v))
			}
			s["enum"] = vals
		}
	}

	// A bounded self-describing type gets an inline copy of its schema
	// with the bounds on every number in it.
	if t.Implements(describerType) && (lo != nil || hi != nil) {
		s := deepCopy(reflect.Zero(t).Interface().(describer).JSONSchema()).(map[string]any)
		bound(s, lo, hi)
		if d, ok := s["description"].(string); ok && doc != "" {
			s["description"] = doc + " " + d
		} else if doc != "" {
			s["description"] = doc
		}
		return s, nil
	}

	s, err := r.ref(t)
	if err != nil {
		return nil, err
	}
	if t.Kind() == reflect.Slice && !t.Implements(describerType) {
		constrain(s["items"].(map[string]any))
	} else if _, isRef := s["$ref"]; !isRef {
		constrain(s)
	} else if lo != nil || hi != nil || f.Tag.Get("pattern") != "" || f.Tag.Get("enum") != "" {
		return nil, fmt.Errorf("scenario schema: field %s: constraints on struct type %s", f.Name, t)
	}
	if doc != "" {
		s["description"] = doc
	}
	return s, nil
}

// bound sets minimum and maximum on every number schema inside s.
func bound(s map[string]any, lo, hi *float64) {
	if s["type"] == "number" || s["type"] == "integer" {
		if lo != nil {
			s["minimum"] = *lo
		}
		if hi != nil {
			s["maximum"] = *hi
		}
	}
	for _, v := range s {
		switch v := v.(type) {
		case map[string]any:
			bound(v, lo, hi)
		case []any:
			for _, e := range v {
				if m, ok := e.(map[string]any); ok {
					bound(m, lo, hi)
				}
			}
		}
	}
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := maps.Clone(v)
		for k, e := range m {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, e := range v {
			s[i] = deepCopy(e)
		}
		return s
	}
	return v
}
