package parley

import (
	"math"
)

// An Instance is the dense numerical form of a scenario that models work
// on: N actors, M issues and point values for every input. Scenario.Instance
// builds one from the modes of a scenario's values; Monte Carlo analyses
// build many by drawing from the ranges.
//
// Per actor-issue slices have length N*M and are indexed a*M+k for actor a
// on issue k (actor-major).
type Instance struct {
	// Actors are the actor ids, in scenario order.
	Actors []string
	// Issues describes the issues, in scenario order.
	Issues []IssueSpec
	// Position[a*M+k] is actor a's position on issue k, on the issue's own
	// scale. It is NaN when the actor takes no part in the issue.
	Position []float64
	// Salience[a*M+k] is in [0,1]; 0 when the actor takes no part.
	Salience []float64
	// Capability[a*M+k] is the actor's capability on the issue (its overall
	// capability unless the stance overrides it); 0 when it takes no part.
	Capability []float64
	// Relations between actors, by index.
	Relations []RelationSpec
}

// IssueSpec is the part of an Issue that models need.
type IssueSpec struct {
	ID       string
	Min, Max float64
	Rule     Rule
	// Vetoes are the indices of the actors who hold a veto on the issue.
	Vetoes []int
}

// RelationSpec is a relation between two actors, by index.
type RelationSpec struct {
	From, To int
	Kind     RelationKind
	Strength float64
}

// N returns the number of actors.
func (in *Instance) N() int { return len(in.Actors) }

// M returns the number of issues.
func (in *Instance) M() int { return len(in.Issues) }

// Present reports whether actor a takes part in issue k.
func (in *Instance) Present(a, k int) bool { return !math.IsNaN(in.Position[a*in.M()+k]) }

// Clone returns a deep copy of in.
func (in *Instance) Clone() *Instance {
	out := &Instance{
		Actors:     append([]string(nil), in.Actors...),
		Issues:     make([]IssueSpec, len(in.Issues)),
		Position:   append([]float64(nil), in.Position...),
		Salience:   append([]float64(nil), in.Salience...),
		Capability: append([]float64(nil), in.Capability...),
		Relations:  append([]RelationSpec(nil), in.Relations...),
	}
	for k, is := range in.Issues {
		is.Vetoes = append([]int(nil), is.Vetoes...)
		out.Issues[k] = is
	}
	return out
}

// CopyValuesFrom copies the numerical inputs of src into in, which must
// have the same shape. It lets analyses refill one instance per draw
// without allocating.
func (in *Instance) CopyValuesFrom(src *Instance) {
	copy(in.Position, src.Position)
	copy(in.Salience, src.Salience)
	copy(in.Capability, src.Capability)
}

// Check returns an EINVALID *Error if in is not well formed: slice lengths,
// finite values, salience in [0,1], non-negative capability, positions on
// their scales, indices in range.
func (in *Instance) Check() error {
	n, m := in.N(), in.M()
	if n == 0 {
		return Errorf(EINVALID, "instance has no actors")
	}
	if m == 0 {
		return Errorf(EINVALID, "instance has no issues")
	}
	if len(in.Position) != n*m || len(in.Salience) != n*m || len(in.Capability) != n*m {
		return Errorf(EINVALID, "instance slices have lengths %d, %d, %d; want %d",
			len(in.Position), len(in.Salience), len(in.Capability), n*m)
	}
	for k, is := range in.Issues {
		if !(is.Min < is.Max) || math.IsInf(is.Min, 0) || math.IsInf(is.Max, 0) {
			return Errorf(EINVALID, "issue %s: scale min %g must be below max %g", is.ID, is.Min, is.Max)
		}
		for _, v := range is.Vetoes {
			if v < 0 || v >= n {
				return Errorf(EINVALID, "issue %s: veto actor index %d out of range", is.ID, v)
			}
		}
		for a := 0; a < n; a++ {
			i := a*m + k
			x, s, c := in.Position[i], in.Salience[i], in.Capability[i]
			if math.IsNaN(x) {
				continue
			}
			if math.IsInf(x, 0) || x < is.Min || x > is.Max {
				return Errorf(EINVALID, "actor %s, issue %s: position %g is off the scale [%g,%g]", in.Actors[a], is.ID, x, is.Min, is.Max)
			}
			if !(s >= 0 && s <= 1) {
				return Errorf(EINVALID, "actor %s, issue %s: salience %g is not in [0,1]", in.Actors[a], is.ID, s)
			}
			if !(c >= 0) || math.IsInf(c, 0) {
				return Errorf(EINVALID, "actor %s, issue %s: capability %g must be finite and non-negative", in.Actors[a], is.ID, c)
			}
		}
	}
	for _, r := range in.Relations {
		if r.From < 0 || r.From >= n || r.To < 0 || r.To >= n {
			return Errorf(EINVALID, "relation %d->%d: actor index out of range", r.From, r.To)
		}
	}
	return nil
}

// Weights writes into dst, for issue k, each actor's capability times
// salience (0 for actors absent from the issue) and returns dst. dst must
// have length N.
func (in *Instance) Weights(dst []float64, k int) []float64 {
	m := in.M()
	for a := range dst {
		i := a*m + k
		if math.IsNaN(in.Position[i]) {
			dst[a] = 0
			continue
		}
		dst[a] = in.Capability[i] * in.Salience[i]
	}
	return dst
}
