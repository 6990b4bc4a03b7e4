package parley

import "math"

// Instance compiles the scenario's most likely values (each Value's Mode)
// into the dense form models work on. Actors with no stance on an issue
// take no part in it (NaN position, zero salience and capability). It
// returns an EINVALID *Error if the scenario does not validate; call
// Validate first for the full list of problems.
func (s *Scenario) Instance() (*Instance, error) {
	if err := s.Validate().Err(); err != nil {
		return nil, Errorf(EINVALID, "scenario %q is not valid:\n%v", s.Title, err)
	}
	return s.instance(), nil
}

// instance builds the Instance of a scenario known to be valid.
func (s *Scenario) instance() *Instance {
	n, m := len(s.Actors), len(s.Issues)
	in := &Instance{
		Actors:     make([]string, n),
		Issues:     make([]IssueSpec, m),
		Position:   make([]float64, n*m),
		Salience:   make([]float64, n*m),
		Capability: make([]float64, n*m),
	}
	actor := map[string]int{}
	for a, x := range s.Actors {
		in.Actors[a] = x.ID
		actor[x.ID] = a
	}
	issue := map[string]int{}
	for k, is := range s.Issues {
		issue[is.ID] = k
		spec := IssueSpec{ID: is.ID, Min: is.Scale.Min, Max: is.Scale.Max, Rule: is.Rule}
		if spec.Rule == "" {
			spec.Rule = RuleMedian
		}
		for _, v := range is.Vetoes {
			spec.Vetoes = append(spec.Vetoes, actor[v])
		}
		in.Issues[k] = spec
	}
	for i := range in.Position {
		in.Position[i] = math.NaN()
	}
	for _, st := range s.Stances {
		a, k := actor[st.Actor], issue[st.Issue]
		i := a*m + k
		in.Position[i] = st.Position.Mode
		in.Salience[i] = st.Salience.Mode
		if st.Capability != nil {
			in.Capability[i] = st.Capability.Mode
		} else {
			in.Capability[i] = s.Actors[a].Capability.Mode
		}
	}
	for _, r := range s.Relations {
		in.Relations = append(in.Relations, RelationSpec{From: actor[r.From], To: actor[r.To], Kind: r.Kind, Strength: r.Strength})
	}
	return in
}

// An Input names one uncertain input of a scenario, for Monte Carlo draws
// and sensitivity analysis: which actor, issue and quantity, and its range.
type Input struct {
	// Field is "position", "salience" or "capability".
	Field string
	Actor int
	Issue int // -1 for an actor's overall capability
	Value Value
	// Path locates the value in the scenario ("stances[3].salience").
	Path string
}

// Uncertain lists the scenario's inputs given as ranges, in scenario order:
// each actor's capability, then each stance's position, salience and
// capability override. Index i of the result is what Set(i, …) refers to.
func (s *Scenario) Uncertain() []Input {
	var out []Input
	actor := map[string]int{}
	for a, x := range s.Actors {
		actor[x.ID] = a
		if !x.Capability.IsPoint() {
			out = append(out, Input{Field: "capability", Actor: a, Issue: -1, Value: x.Capability, Path: pathf("actors[%d].capability", a)})
		}
	}
	issue := map[string]int{}
	for k, is := range s.Issues {
		issue[is.ID] = k
	}
	for i, st := range s.Stances {
		a, k := actor[st.Actor], issue[st.Issue]
		if !st.Position.IsPoint() {
			out = append(out, Input{Field: "position", Actor: a, Issue: k, Value: st.Position, Path: pathf("stances[%d].position", i)})
		}
		if !st.Salience.IsPoint() {
			out = append(out, Input{Field: "salience", Actor: a, Issue: k, Value: st.Salience, Path: pathf("stances[%d].salience", i)})
		}
		if st.Capability != nil && !st.Capability.IsPoint() {
			out = append(out, Input{Field: "capability", Actor: a, Issue: k, Value: *st.Capability, Path: pathf("stances[%d].capability", i)})
		}
	}
	return out
}

// Set writes x as input u's value into in, which must have been compiled
// from the same scenario. An actor's overall capability is written to every
// issue on which its stance has no override of its own: overrides is the
// set of actor-issue cells (a*M+k) that have one.
func (u Input) Set(in *Instance, x float64, overrides map[int]bool) {
	m := in.M()
	switch u.Field {
	case "position":
		in.Position[u.Actor*m+u.Issue] = x
	case "salience":
		in.Salience[u.Actor*m+u.Issue] = x
	case "capability":
		if u.Issue >= 0 {
			in.Capability[u.Actor*m+u.Issue] = x
			return
		}
		for k := 0; k < m; k++ {
			i := u.Actor*m + k
			if !math.IsNaN(in.Position[i]) && !overrides[i] {
				in.Capability[i] = x
			}
		}
	}
}

// Overrides returns the set of actor-issue cells (a*M+k) whose stance
// overrides the actor's capability, for Input.Set.
func (s *Scenario) Overrides() map[int]bool {
	out := map[int]bool{}
	m := len(s.Issues)
	for _, st := range s.Stances {
		if st.Capability != nil {
			a, k := s.actorIndex(st.Actor), s.issueIndex(st.Issue)
			if a >= 0 && k >= 0 {
				out[a*m+k] = true
			}
		}
	}
	return out
}
