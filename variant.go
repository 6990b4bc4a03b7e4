package parley

import (
	"fmt"
	"math"
)

// Clone returns a deep copy of s.
func (s *Scenario) Clone() *Scenario {
	c := *s
	c.Sources = append([]Source(nil), s.Sources...)
	c.Actors = make([]Actor, len(s.Actors))
	for i, a := range s.Actors {
		a.Aliases = append([]string(nil), a.Aliases...)
		a.Evidence = append([]Evidence(nil), a.Evidence...)
		c.Actors[i] = a
	}
	c.Issues = make([]Issue, len(s.Issues))
	for i, is := range s.Issues {
		is.Scale.Anchors = append([]Anchor(nil), is.Scale.Anchors...)
		is.Vetoes = append([]string(nil), is.Vetoes...)
		c.Issues[i] = is
	}
	c.Stances = make([]Stance, len(s.Stances))
	for i, st := range s.Stances {
		c.Stances[i] = cloneStance(st)
	}
	c.Relations = make([]Relation, len(s.Relations))
	for i, r := range s.Relations {
		r.Evidence = append([]Evidence(nil), r.Evidence...)
		c.Relations[i] = r
	}
	c.Variants = append([]Variant(nil), s.Variants...)
	c.Questions = append([]Question(nil), s.Questions...)
	return &c
}

func cloneStance(st Stance) Stance {
	if st.Capability != nil {
		v := *st.Capability
		st.Capability = &v
	}
	st.Evidence = append([]Evidence(nil), st.Evidence...)
	return st
}

// Variant returns the variant with the given id, or nil.
func (s *Scenario) Variant(id string) *Variant {
	for i := range s.Variants {
		if s.Variants[i].ID == id {
			return &s.Variants[i]
		}
	}
	return nil
}

// WithVariant returns a copy of s with the changes of variant id applied in
// order. The copy keeps the questions but has no variants: they are
// what-ifs of the base scenario and need not apply to the changed one. It returns an
// ENOTFOUND *Error for an unknown variant and the variant's diagnostics
// when a change does not apply. An empty id returns a copy of s.
func (s *Scenario) WithVariant(id string) (*Scenario, error) {
	if id == "" {
		return s.Clone(), nil
	}
	for i := range s.Variants {
		if s.Variants[i].ID == id {
			out, ds := s.applyVariant(&s.Variants[i], fmt.Sprintf("variants[%d]", i))
			if err := ds.Err(); err != nil {
				return nil, err
			}
			out.Variants = nil
			return out, nil
		}
	}
	ids := make([]string, len(s.Variants))
	for i, v := range s.Variants {
		ids[i] = v.ID
	}
	return nil, Errorf(ENOTFOUND, "no variant %q in scenario %q%s (variants: %v)", id, s.Title, suggest(id, ids), ids)
}

// applyVariant applies v's changes to a copy of s, reporting changes that
// do not apply with paths under p.
func (s *Scenario) applyVariant(v *Variant, p string) (*Scenario, Diagnostics) {
	out := s.Clone()
	var ds Diagnostics
	for j, c := range v.Changes {
		out.applyChange(&ds, fmt.Sprintf("%s.changes[%d]", p, j), c)
	}
	return out, ds
}

func (s *Scenario) actorIndex(id string) int {
	for i, a := range s.Actors {
		if a.ID == id {
			return i
		}
	}
	return -1
}

func (s *Scenario) issueIndex(id string) int {
	for i, is := range s.Issues {
		if is.ID == id {
			return i
		}
	}
	return -1
}

func (s *Scenario) stanceIndex(actor, issue string) int {
	for i, st := range s.Stances {
		if st.Actor == actor && st.Issue == issue {
			return i
		}
	}
	return -1
}

func (s *Scenario) idSets() (actors, sources map[string]bool, issues map[string]*Issue) {
	actors, sources, issues = map[string]bool{}, map[string]bool{}, map[string]*Issue{}
	for _, a := range s.Actors {
		actors[a.ID] = true
	}
	for _, src := range s.Sources {
		sources[src.ID] = true
	}
	for i := range s.Issues {
		issues[s.Issues[i].ID] = &s.Issues[i]
	}
	return
}

func (s *Scenario) applyChange(ds *Diagnostics, p string, c Change) {
	actors, sources, issues := s.idSets()
	needActor := func() int {
		if c.Actor == "" {
			ds.add(p+".actor", "change %q needs an actor", c.Op)
			return -1
		}
		a := s.actorIndex(c.Actor)
		if a < 0 {
			ds.add(p+".actor", "unknown actor %q%s", c.Actor, suggestMap(c.Actor, actors))
		}
		return a
	}
	needIssue := func() int {
		if c.Issue == "" {
			ds.add(p+".issue", "change %q needs an issue", c.Op)
			return -1
		}
		k := s.issueIndex(c.Issue)
		if k < 0 {
			ds.add(p+".issue", "unknown issue %q%s", c.Issue, suggestIssues(c.Issue, issues))
		}
		return k
	}
	switch c.Op {
	case OpSet:
		a, k := needActor(), needIssue()
		if a < 0 || k < 0 {
			return
		}
		if c.Position == nil && c.Salience == nil && c.Capability == nil {
			ds.add(p, "change \"set\" needs position, salience or capability")
			return
		}
		i := s.stanceIndex(c.Actor, c.Issue)
		if i < 0 {
			if c.Position == nil || c.Salience == nil {
				ds.add(p, "actor %q has no stance on %q: set needs both position and salience to create one", c.Actor, c.Issue)
				return
			}
			s.Stances = append(s.Stances, Stance{Actor: c.Actor, Issue: c.Issue, Assumption: "added by a variant"})
			i = len(s.Stances) - 1
		}
		st := &s.Stances[i]
		sc := s.Issues[k].Scale
		if c.Position != nil {
			checkValue(ds, p+".position", *c.Position, sc.Min, sc.Max, "position")
			st.Position = *c.Position
		}
		if c.Salience != nil {
			checkValue(ds, p+".salience", *c.Salience, 0, 1, "salience")
			st.Salience = *c.Salience
		}
		if c.Capability != nil {
			checkValue(ds, p+".capability", *c.Capability, 0, math.Inf(1), "capability")
			v := *c.Capability
			st.Capability = &v
		}
	case OpShift:
		a, k := needActor(), needIssue()
		if a < 0 || k < 0 {
			return
		}
		if c.Position == nil && c.Salience == nil {
			ds.add(p, "change \"shift\" needs position or salience")
			return
		}
		i := s.stanceIndex(c.Actor, c.Issue)
		if i < 0 {
			ds.add(p, "actor %q has no stance on %q to shift", c.Actor, c.Issue)
			return
		}
		st := &s.Stances[i]
		sc := s.Issues[k].Scale
		if c.Position != nil {
			if !c.Position.IsPoint() || !finite(c.Position.Mode) {
				ds.add(p+".position", "a shift is a single finite number, got %s", *c.Position)
			} else {
				st.Position = st.Position.Shift(c.Position.Mode).Clamp(sc.Min, sc.Max)
			}
		}
		if c.Salience != nil {
			if !c.Salience.IsPoint() || !finite(c.Salience.Mode) {
				ds.add(p+".salience", "a shift is a single finite number, got %s", *c.Salience)
			} else {
				st.Salience = st.Salience.Shift(c.Salience.Mode).Clamp(0, 1)
			}
		}
	case OpScaleCapability:
		a := needActor()
		k := -1
		if c.Issue != "" {
			if k = needIssue(); k < 0 {
				return
			}
		}
		if a < 0 {
			return
		}
		if !(c.Factor >= 0) || !finite(c.Factor) {
			ds.add(p+".factor", "must be a finite number at least 0, got %s", fmtFloat(c.Factor))
			return
		}
		if k < 0 {
			s.Actors[a].Capability = s.Actors[a].Capability.Scale(c.Factor)
			for i := range s.Stances {
				if st := &s.Stances[i]; st.Actor == c.Actor && st.Capability != nil {
					v := st.Capability.Scale(c.Factor)
					st.Capability = &v
				}
			}
			return
		}
		i := s.stanceIndex(c.Actor, c.Issue)
		if i < 0 {
			ds.add(p, "actor %q has no stance on %q", c.Actor, c.Issue)
			return
		}
		base := s.Actors[a].Capability
		if s.Stances[i].Capability != nil {
			base = *s.Stances[i].Capability
		}
		v := base.Scale(c.Factor)
		s.Stances[i].Capability = &v
	case OpAddActor:
		if c.NewActor == nil {
			ds.add(p+".new_actor", "change \"add-actor\" needs new_actor")
			return
		}
		if actors[c.NewActor.ID] {
			ds.add(p+".new_actor.id", "actor %q already exists", c.NewActor.ID)
			return
		}
		seen := map[string]bool{}
		for id := range actors {
			seen[id] = true
		}
		delete(seen, c.NewActor.ID)
		checkActor(ds, p+".new_actor", *c.NewActor, seen, sources)
		s.Actors = append(s.Actors, *c.NewActor)
		actors[c.NewActor.ID] = true
		for j, st := range c.Stances {
			q := fmt.Sprintf("%s.stances[%d]", p, j)
			if st.Actor == "" {
				st.Actor = c.NewActor.ID
			}
			checkStance(ds, q, st, actors, issues, sources, false)
			if s.stanceIndex(st.Actor, st.Issue) >= 0 {
				ds.add(q, "duplicate stance of actor %q on issue %q", st.Actor, st.Issue)
				continue
			}
			s.Stances = append(s.Stances, cloneStance(st))
		}
	case OpRemoveActor:
		if needActor() < 0 {
			return
		}
		s.removeActor(c.Actor)
	case OpAddRelation, OpRemoveRelation:
		if c.Relation == nil {
			ds.add(p+".relation", "change %q needs relation", c.Op)
			return
		}
		r := *c.Relation
		j := -1
		for i, x := range s.Relations {
			if x.From == r.From && x.To == r.To && x.Kind == r.Kind {
				j = i
			}
		}
		if c.Op == OpRemoveRelation {
			if j < 0 {
				ds.add(p+".relation", "no %s relation from %q to %q to remove", r.Kind, r.From, r.To)
				return
			}
			s.Relations = append(s.Relations[:j], s.Relations[j+1:]...)
			return
		}
		checkRelation(ds, p+".relation", r, actors, sources)
		if j >= 0 {
			s.Relations[j] = r
		} else {
			s.Relations = append(s.Relations, r)
		}
	default:
		ds.add(p+".op", "must be one of %s, got %q", list(ChangeOps), c.Op)
	}
}

// removeActor drops actor id with its stances, relations and vetoes.
func (s *Scenario) removeActor(id string) {
	as := s.Actors[:0]
	for _, a := range s.Actors {
		if a.ID != id {
			as = append(as, a)
		}
	}
	s.Actors = as
	st := s.Stances[:0]
	for _, x := range s.Stances {
		if x.Actor != id {
			st = append(st, x)
		}
	}
	s.Stances = st
	rs := s.Relations[:0]
	for _, r := range s.Relations {
		if r.From != id && r.To != id {
			rs = append(rs, r)
		}
	}
	s.Relations = rs
	for i := range s.Issues {
		vs := s.Issues[i].Vetoes[:0]
		for _, v := range s.Issues[i].Vetoes {
			if v != id {
				vs = append(vs, v)
			}
		}
		s.Issues[i].Vetoes = vs
	}
}
