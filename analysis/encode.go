package analysis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"

	"github.com/parley-forecast/parley"
)

// PartialFormat names the encoding of a Partial; it changes only when the
// encoding does.
const PartialFormat = "parley-simulate-partial/1"

type wirePartial struct {
	Format string      `json:"format"`
	Spec   SimSpec     `json:"spec"`
	Ranges [][2]uint64 `json:"ranges"`
	Issues []wireIssue `json:"issues"`
	Hits   []uint64    `json:"hits"`
}

type wireIssue struct {
	Count     uint64 `json:"count"`
	Undefined uint64 `json:"undefined"`
	// Sum and Sum2 are decimal strings: they exceed JSON's safe integers.
	Sum  string `json:"sum"`
	Sum2 string `json:"sum2"`
	// Min and Max are null while Count is 0.
	Min *float64 `json:"min"`
	Max *float64 `json:"max"`
	// Bins lists the non-empty fine bins as [index, count] in index order.
	Bins [][2]uint64 `json:"bins"`
}

// MarshalJSON encodes p in the stable format PartialFormat: the same
// aggregate always gives the same bytes.
func (p *Partial) MarshalJSON() ([]byte, error) {
	w := wirePartial{Format: PartialFormat, Spec: p.Spec, Hits: p.Hits, Ranges: [][2]uint64{}, Issues: []wireIssue{}}
	for _, r := range p.Ranges {
		w.Ranges = append(w.Ranges, [2]uint64{r.Lo, r.Hi})
	}
	for _, a := range p.Issues {
		wi := wireIssue{Count: a.Count, Undefined: a.Undefined, Sum: a.Sum.String(), Sum2: a.Sum2.String(), Bins: [][2]uint64{}}
		if a.Count > 0 {
			lo, hi := a.Min, a.Max
			wi.Min, wi.Max = &lo, &hi
		}
		for b, c := range a.Bins {
			if c > 0 {
				wi.Bins = append(wi.Bins, [2]uint64{uint64(b), c})
			}
		}
		w.Issues = append(w.Issues, wi)
	}
	if w.Hits == nil {
		w.Hits = []uint64{}
	}
	return json.Marshal(w)
}

// UnmarshalJSON decodes the format written by MarshalJSON, checking that
// the aggregate is consistent with its spec.
func (p *Partial) UnmarshalJSON(b []byte) error {
	var w wirePartial
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return parley.Errorf(parley.EINVALID, "partial result: %v", err)
	}
	if w.Format != PartialFormat {
		return parley.Errorf(parley.EINVALID, "partial result: format %q, want %q", w.Format, PartialFormat)
	}
	bad := func(format string, args ...any) error {
		return parley.Errorf(parley.EINVALID, "partial result: %s", fmt.Sprintf(format, args...))
	}
	sp := w.Spec
	if sp.Bins < 1 || FineBins%sp.Bins != 0 {
		return bad("spec: bins %d does not divide %d", sp.Bins, FineBins)
	}
	if sp.Draws == 0 {
		return bad("spec: no draws")
	}
	if _, err := ParseDist(string(sp.Dist)); err != nil || sp.Dist == "" {
		return bad("spec: unknown distribution %q", sp.Dist)
	}
	for _, is := range sp.Issues {
		if !(is.Min < is.Max) || math.IsInf(is.Min, 0) || math.IsInf(is.Max, 0) {
			return bad("spec: issue %q has scale [%g,%g]", is.ID, is.Min, is.Max)
		}
	}
	if len(w.Issues) != len(w.Spec.Issues) {
		return bad("%d issue aggregates for %d issues", len(w.Issues), len(w.Spec.Issues))
	}
	if len(w.Hits) != len(w.Spec.Questions) {
		return bad("%d question counts for %d questions", len(w.Hits), len(w.Spec.Questions))
	}
	q := NewPartial(w.Spec)
	var rs []Range
	for _, r := range w.Ranges {
		if r[1] <= r[0] || r[1] > w.Spec.Draws {
			return bad("range [%d,%d) is empty or beyond %d draws", r[0], r[1], w.Spec.Draws)
		}
		rs = append(rs, Range{r[0], r[1]})
	}
	rs, err := unionRanges(nil, rs)
	if err != nil {
		return err
	}
	q.Ranges = rs
	n := q.Draws()
	for k, wi := range w.Issues {
		a := &q.Issues[k]
		a.Count, a.Undefined = wi.Count, wi.Undefined
		if a.Count+a.Undefined != n {
			return bad("issue %d counts %d draws, the ranges hold %d", k, a.Count+a.Undefined, n)
		}
		var ok1, ok2 bool
		a.Sum, ok1 = parseU128(wi.Sum)
		a.Sum2, ok2 = parseU128(wi.Sum2)
		if !ok1 || !ok2 {
			return bad("issue %d: sums must be decimal integers below 2^128", k)
		}
		if (wi.Min == nil) != (a.Count == 0) || (wi.Max == nil) != (a.Count == 0) {
			return bad("issue %d: min and max must be given exactly when some outcome is", k)
		}
		if wi.Min != nil {
			a.Min, a.Max = *wi.Min, *wi.Max
			if math.IsNaN(a.Min) || a.Min > a.Max {
				return bad("issue %d: min %g above max %g", k, a.Min, a.Max)
			}
		}
		var sum uint64
		last := -1
		for _, bc := range wi.Bins {
			if bc[0] >= FineBins || int(bc[0]) <= last {
				return bad("issue %d: bin %d out of order or beyond %d", k, bc[0], FineBins)
			}
			last = int(bc[0])
			a.Bins[bc[0]] = bc[1]
			sum += bc[1]
		}
		if sum != a.Count {
			return bad("issue %d: bins hold %d outcomes, count is %d", k, sum, a.Count)
		}
	}
	for j, h := range w.Hits {
		if h > n {
			return bad("question %d holds in %d of %d draws", j, h, n)
		}
	}
	copy(q.Hits, w.Hits)
	*p = *q
	return nil
}

// JSON renders an analysis result as the command line's --format json
// does: indented by two spaces, HTML characters left as they are, and a
// final newline. The server stores results in this form, so that a run's
// result is byte-identical to the command's output.
func JSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
