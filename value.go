package parley

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// A Value is an uncertain number: a most likely value (Mode) inside a range
// [Low, High]. A point value has Low == Mode == High.
//
// In scenario files a Value is written either as a plain number (a point)
// or as an object {low, mode, high}; mode may be left out, in which case it
// is the midpoint of low and high.
type Value struct {
	Low  float64
	Mode float64
	High float64
}

// Point returns the point value x.
func Point(x float64) Value { return Value{x, x, x} }

// Range returns the value with the given low, mode and high.
func Range(low, mode, high float64) Value { return Value{low, mode, high} }

// IsPoint reports whether v has no uncertainty.
func (v Value) IsPoint() bool { return v.Low == v.Mode && v.Mode == v.High }

// Valid reports whether v is finite and Low <= Mode <= High.
func (v Value) Valid() bool {
	for _, x := range [...]float64{v.Low, v.Mode, v.High} {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return v.Low <= v.Mode && v.Mode <= v.High
}

// Within reports whether the whole range of v lies in [lo, hi].
func (v Value) Within(lo, hi float64) bool { return v.Low >= lo && v.High <= hi }

// Shift returns v moved by d.
func (v Value) Shift(d float64) Value { return Value{v.Low + d, v.Mode + d, v.High + d} }

// Scale returns v multiplied by f (f >= 0).
func (v Value) Scale(f float64) Value { return Value{v.Low * f, v.Mode * f, v.High * f} }

// Clamp returns v with each of its points confined to [lo, hi].
func (v Value) Clamp(lo, hi float64) Value {
	c := func(x float64) float64 { return math.Min(math.Max(x, lo), hi) }
	return Value{c(v.Low), c(v.Mode), c(v.High)}
}

// String renders a point as its number and a range as [low mode high].
func (v Value) String() string {
	if v.IsPoint() {
		return fmtFloat(v.Mode)
	}
	return "[" + fmtFloat(v.Low) + " " + fmtFloat(v.Mode) + " " + fmtFloat(v.High) + "]"
}

func fmtFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

type valueJSON struct {
	Low  *float64 `json:"low"`
	Mode *float64 `json:"mode,omitempty"`
	High *float64 `json:"high"`
}

// MarshalJSON writes a point as a number and a range as an object.
func (v Value) MarshalJSON() ([]byte, error) {
	if v.IsPoint() {
		return json.Marshal(v.Mode)
	}
	return json.Marshal(valueJSON{&v.Low, &v.Mode, &v.High})
}

// UnmarshalJSON reads a number or an object {low, mode, high} with mode
// optional. It does not check that Low <= Mode <= High; Scenario.Validate
// does, so that the error can carry a position.
func (v *Value) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] != '{' {
		var x float64
		if err := json.Unmarshal(b, &x); err != nil {
			return fmt.Errorf("want a number or {low, mode, high}, got %s", b)
		}
		*v = Point(x)
		return nil
	}
	var raw valueJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return fmt.Errorf("want a number or {low, mode, high}: %v", err)
	}
	if raw.Low == nil || raw.High == nil {
		return fmt.Errorf("a range needs both low and high")
	}
	v.Low, v.High = *raw.Low, *raw.High
	if raw.Mode != nil {
		v.Mode = *raw.Mode
	} else {
		v.Mode = v.Low/2 + v.High/2 // no overflow near the float64 limit
	}
	return nil
}

// JSONSchema describes the two spellings of a Value for the scenario
// schema.
func (Value) JSONSchema() map[string]any {
	return map[string]any{
		"description": "A number, or an uncertain number given as a range {low, mode, high}; mode defaults to the midpoint.",
		"oneOf": []any{
			map[string]any{"type": "number"},
			map[string]any{
				"type":                 "object",
				"additionalProperties": false,
				"required":             []any{"low", "high"},
				"properties": map[string]any{
					"low":  map[string]any{"type": "number", "description": "Lowest plausible value."},
					"mode": map[string]any{"type": "number", "description": "Most likely value."},
					"high": map[string]any{"type": "number", "description": "Highest plausible value."},
				},
			},
		},
	}
}
