package parley

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	idPattern      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	issueIDPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
)

// Validate checks the scenario's meaning and returns every problem found,
// each with the path of the value at fault (such as "stances[3].salience")
// and no position: package scenario adds positions. It does no I/O; quotes
// are checked separately by CheckQuotes.
//
// Errors: missing or malformed ids, duplicate ids, references to unknown
// actors, issues or sources, ranges with low > high, salience outside
// [0,1], negative capability, positions off their issue's scale, invalid
// relations, variants whose changes do not apply, and questions whose
// condition does not parse or names an unknown issue. Warnings: stances
// with neither evidence nor an assumption, actors with no stance.
func (s *Scenario) Validate() Diagnostics {
	var ds Diagnostics
	if strings.TrimSpace(s.Title) == "" {
		ds.add("title", "a scenario needs a title")
	}
	sources := map[string]bool{}
	for i, src := range s.Sources {
		p := fmt.Sprintf("sources[%d]", i)
		checkID(&ds, p+".id", src.ID, idPattern, "source", sources)
		if strings.TrimSpace(src.Title) == "" {
			ds.add(p+".title", "a source needs a title")
		}
	}
	actors := map[string]bool{}
	if len(s.Actors) == 0 {
		ds.add("actors", "a scenario needs at least one actor")
	}
	for i, a := range s.Actors {
		p := fmt.Sprintf("actors[%d]", i)
		checkActor(&ds, p, a, actors, sources)
	}
	issues := map[string]*Issue{}
	if len(s.Issues) == 0 {
		ds.add("issues", "a scenario needs at least one issue")
	}
	for i := range s.Issues {
		is := &s.Issues[i]
		p := fmt.Sprintf("issues[%d]", i)
		// A malformed id is reported once here and still recorded, so
		// that stances using it are not also reported as unknown.
		checkID(&ds, p+".id", is.ID, issueIDPattern, "issue", nil)
		if is.ID != "" {
			if issues[is.ID] != nil {
				ds.add(p+".id", "duplicate issue id %q", is.ID)
			} else {
				issues[is.ID] = is
			}
		}
		checkIssue(&ds, p, is, actors)
	}
	seen := map[[2]string]int{}
	hasStance := map[string]bool{}
	for i, st := range s.Stances {
		p := fmt.Sprintf("stances[%d]", i)
		checkStance(&ds, p, st, actors, issues, sources, true)
		key := [2]string{st.Actor, st.Issue}
		if j, dup := seen[key]; dup && st.Actor != "" && st.Issue != "" {
			ds.add(p, "duplicate stance of actor %q on issue %q (first at stances[%d])", st.Actor, st.Issue, j)
		} else {
			seen[key] = i
		}
		hasStance[st.Actor] = true
	}
	for i, a := range s.Actors {
		// An actor whose id was rejected is not also warned about: its
		// stances may name it by the id the author meant.
		if a.ID != "" && !hasStance[a.ID] && idPattern.MatchString(a.ID) {
			ds.warn(fmt.Sprintf("actors[%d]", i), "actor %q has no stance on any issue and takes no part", a.ID)
		}
	}
	for i, r := range s.Relations {
		checkRelation(&ds, fmt.Sprintf("relations[%d]", i), r, actors, sources)
	}
	warnRepeatedRelations(&ds, s.Relations)
	variants := map[string]bool{}
	for i := range s.Variants {
		v := &s.Variants[i]
		p := fmt.Sprintf("variants[%d]", i)
		checkID(&ds, p+".id", v.ID, idPattern, "variant", variants)
		if len(v.Changes) == 0 {
			ds.add(p+".changes", "a variant needs at least one change")
		}
		// Apply the variant to a copy so that each change is checked
		// against the scenario as the earlier changes left it.
		if _, vds := s.applyVariant(v, p); len(vds) > 0 {
			ds = append(ds, vds...)
		}
	}
	questions := map[string]bool{}
	for i, q := range s.Questions {
		p := fmt.Sprintf("questions[%d]", i)
		checkID(&ds, p+".id", q.ID, idPattern, "question", questions)
		c, err := ParseCondition(q.When)
		if err != nil {
			// A condition naming an issue whose id was rejected (such as
			// "obs-2") cannot parse; the id's own error says so.
			if !mentionsBadIssue(q.When, s.Issues) {
				ds.add(p+".when", "%v", err)
			}
			continue
		}
		for _, id := range c.Issues() {
			if issues[id] == nil {
				ds.add(p+".when", "unknown issue %q%s", id, suggestOrRejected(id, issueIDs(s), issueIDPattern))
			}
		}
	}
	return ds
}

// mentionsBadIssue reports whether cond names, as a whole word, an issue
// id that is malformed (and so reported at its declaration).
func mentionsBadIssue(cond string, issues []Issue) bool {
	isIDChar := func(r rune) bool {
		return r == '_' || r == '.' || r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r)
	}
	for _, is := range issues {
		id := is.ID
		if id == "" || issueIDPattern.MatchString(id) {
			continue
		}
		for from := 0; ; {
			i := strings.Index(cond[from:], id)
			if i < 0 {
				break
			}
			i += from
			before, _ := utf8.DecodeLastRuneInString(cond[:i])
			after, _ := utf8.DecodeRuneInString(cond[i+len(id):])
			if (i == 0 || !isIDChar(before)) && (i+len(id) == len(cond) || !isIDChar(after)) {
				return true
			}
			from = i + 1
		}
	}
	return false
}

// checkID reports a missing, malformed or (when seen is not nil) duplicate
// id and records it in seen. It reports whether id is well formed.
func checkID(ds *Diagnostics, path, id string, re *regexp.Regexp, what string, seen map[string]bool) bool {
	switch {
	case id == "":
		ds.add(path, "a %s needs an id", what)
		return false
	case !re.MatchString(id):
		ds.add(path, "%s id %q must match %s", what, id, re.String())
		if seen != nil {
			seen[id] = true // recorded so that references to it do not cascade
		}
		return false
	}
	if seen != nil {
		if seen[id] {
			ds.add(path, "duplicate %s id %q", what, id)
		}
		seen[id] = true
	}
	return true
}

func checkActor(ds *Diagnostics, p string, a Actor, actors, sources map[string]bool) {
	checkID(ds, p+".id", a.ID, idPattern, "actor", actors)
	if strings.TrimSpace(a.Name) == "" {
		ds.add(p+".name", "an actor needs a name")
	}
	if a.Kind != "" && !oneOf(a.Kind, ActorKinds) {
		ds.add(p+".kind", "must be one of %s, got %q", list(ActorKinds), a.Kind)
	}
	checkValue(ds, p+".capability", a.Capability, 0, math.Inf(1), "capability")
	checkEvidence(ds, p+".evidence", a.Evidence, sources)
}

func checkIssue(ds *Diagnostics, p string, is *Issue, actors map[string]bool) {
	if strings.TrimSpace(is.Name) == "" {
		ds.add(p+".name", "an issue needs a name")
	}
	sc := is.Scale
	if !finite(sc.Min) || !finite(sc.Max) || !(sc.Min < sc.Max) {
		ds.add(p+".scale", "scale min must be below max, got min %s and max %s", fmtFloat(sc.Min), fmtFloat(sc.Max))
	} else {
		for j, an := range sc.Anchors {
			if an.Value < sc.Min || an.Value > sc.Max {
				ds.add(fmt.Sprintf("%s.scale.anchors[%d].value", p, j), "anchor must be on the scale [%s,%s], got %s", fmtFloat(sc.Min), fmtFloat(sc.Max), fmtFloat(an.Value))
			}
			if strings.TrimSpace(an.Label) == "" {
				ds.add(fmt.Sprintf("%s.scale.anchors[%d].label", p, j), "an anchor needs a label")
			}
		}
	}
	if is.Rule != "" && !oneOf(is.Rule, Rules) {
		ds.add(p+".rule", "must be one of %s, got %q", list(Rules), is.Rule)
	}
	for j, v := range is.Vetoes {
		if !actors[v] {
			ds.add(fmt.Sprintf("%s.vetoes[%d]", p, j), "unknown actor %q%s", v, suggestMap(v, actors))
		}
	}
}

// checkStance checks one stance. With complete set, position and salience
// are required (a stance in the base scenario or an added actor's stance).
func checkStance(ds *Diagnostics, p string, st Stance, actors map[string]bool, issues map[string]*Issue, sources map[string]bool, complete bool) {
	if st.Actor == "" {
		ds.add(p+".actor", "a stance needs an actor")
	} else if !actors[st.Actor] {
		ds.add(p+".actor", "unknown actor %q%s", st.Actor, suggestMap(st.Actor, actors))
	}
	var is *Issue
	if st.Issue == "" {
		ds.add(p+".issue", "a stance needs an issue")
	} else if is = issues[st.Issue]; is == nil {
		ds.add(p+".issue", "unknown issue %q%s", st.Issue, suggestIssues(st.Issue, issues))
	}
	if is != nil && is.Scale.Min < is.Scale.Max {
		checkValue(ds, p+".position", st.Position, is.Scale.Min, is.Scale.Max, "position")
	} else {
		checkValue(ds, p+".position", st.Position, math.Inf(-1), math.Inf(1), "position")
	}
	checkValue(ds, p+".salience", st.Salience, 0, 1, "salience")
	if st.Capability != nil {
		checkValue(ds, p+".capability", *st.Capability, 0, math.Inf(1), "capability")
	}
	checkEvidence(ds, p+".evidence", st.Evidence, sources)
	if complete && len(st.Evidence) == 0 && strings.TrimSpace(st.Assumption) == "" {
		ds.warn(p, "stance of %q on %q has neither evidence nor an assumption note", st.Actor, st.Issue)
	}
}

func checkRelation(ds *Diagnostics, p string, r Relation, actors, sources map[string]bool) {
	for _, f := range []struct{ name, id string }{{"from", r.From}, {"to", r.To}} {
		if f.id == "" {
			ds.add(p+"."+f.name, "a relation needs %q", f.name)
		} else if !actors[f.id] {
			ds.add(p+"."+f.name, "unknown actor %q%s", f.id, suggestMap(f.id, actors))
		}
	}
	if r.From != "" && r.From == r.To {
		ds.add(p+".to", "a relation links two different actors, got %q twice", r.From)
	}
	if !oneOf(r.Kind, RelationKinds) {
		ds.add(p+".kind", "must be one of %s, got %q", list(RelationKinds), r.Kind)
	}
	if !(r.Strength >= 0 && r.Strength <= 1) {
		ds.add(p+".strength", "must be in [0,1], got %s", fmtFloat(r.Strength))
	}
	checkEvidence(ds, p+".evidence", r.Evidence, sources)
}

// warnRepeatedRelations warns about a relation that repeats an earlier
// one: the same kind between the same two actors (either way round for
// ally and rival, which mean the same both ways; as written for
// leverage). A variant's add-relation replaces such a relation, but two in
// the file are both read, and smp counts each, so the second is
// most likely a slip.
func warnRepeatedRelations(ds *Diagnostics, rels []Relation) {
	seen := map[[3]string]int{}
	for i, r := range rels {
		if r.From == "" || r.To == "" || r.From == r.To || !oneOf(r.Kind, RelationKinds) {
			continue // already an error
		}
		a, b := r.From, r.To
		if r.Kind != RelLeverage && b < a {
			a, b = b, a
		}
		k := [3]string{string(r.Kind), a, b}
		j, ok := seen[k]
		if !ok {
			seen[k] = i
			continue
		}
		what := fmt.Sprintf("%s relation between %q and %q", r.Kind, r.From, r.To)
		if r.Kind == RelLeverage {
			what = fmt.Sprintf("leverage of %q over %q", r.From, r.To)
		}
		ds.warn(fmt.Sprintf("relations[%d]", i), "repeats relations[%d], the same %s; both are read, so a model that uses relations (smp) counts it twice", j, what)
	}
}

var supportsKinds = []string{"position", "salience", "capability", "relation"}

func checkEvidence(ds *Diagnostics, p string, ev []Evidence, sources map[string]bool) {
	for j, e := range ev {
		q := fmt.Sprintf("%s[%d]", p, j)
		if e.Source == "" {
			ds.add(q+".source", "evidence needs a source id")
		} else if !sources[e.Source] {
			ds.add(q+".source", "unknown source %q%s", e.Source, suggestMap(e.Source, sources))
		}
		if strings.TrimSpace(e.Quote) == "" {
			ds.add(q+".quote", "evidence needs a quote")
		}
		if e.Supports != "" && !oneOf(e.Supports, supportsKinds) {
			ds.add(q+".supports", "must be one of %s, got %q", list(supportsKinds), e.Supports)
		}
	}
}

// checkValue checks that v is finite, ordered and within [lo, hi]. The
// message names the field (what) and the bound broken.
func checkValue(ds *Diagnostics, p string, v Value, lo, hi float64, what string) {
	if !v.Valid() {
		switch {
		case !finite(v.Low) || !finite(v.Mode) || !finite(v.High):
			ds.add(p, "%s must be a finite number, got %s", what, v)
		case v.Low > v.High:
			ds.add(p, "range has low %s above high %s", fmtFloat(v.Low), fmtFloat(v.High))
		default:
			ds.add(p+".mode", "mode %s must lie between low %s and high %s", fmtFloat(v.Mode), fmtFloat(v.Low), fmtFloat(v.High))
		}
		return
	}
	if v.Within(lo, hi) {
		return
	}
	bounds := "[" + fmtFloat(lo) + "," + fmtFloat(hi) + "]"
	if math.IsInf(hi, 1) {
		bounds = "at least " + fmtFloat(lo)
	} else {
		bounds = "in " + bounds
	}
	sub := ""
	bad := v.Mode
	switch {
	case v.IsPoint():
	case v.Low < lo:
		sub, bad = ".low", v.Low
	case v.High > hi:
		sub, bad = ".high", v.High
	}
	if what == "position" {
		ds.add(p+sub, "position is off the scale: must be %s, got %s", bounds, fmtFloat(bad))
		return
	}
	ds.add(p+sub, "must be %s, got %s", bounds, fmtFloat(bad))
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func oneOf[T ~string](x T, xs []T) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

func list[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}

func issueIDs(s *Scenario) []string {
	ids := make([]string, len(s.Issues))
	for i, is := range s.Issues {
		ids[i] = is.ID
	}
	return ids
}

func suggestMap(id string, m map[string]bool) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return suggestOrRejected(id, keys, idPattern)
}

func suggestIssues(id string, m map[string]*Issue) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return suggestOrRejected(id, keys, issueIDPattern)
}

// suggestOrRejected is suggest over the known ids that were accepted
// (matching re): a rejected id is recorded only so that references to it
// do not cascade, and is no id to suggest. When no accepted id is close it
// points at the one known id that was rejected, if there is exactly one: a
// reference by the old name to a declaration whose new id was rejected
// ("observers" for "obs-2") is then not a mystery. The reference is still
// reported: it stays wrong once the id is fixed.
func suggestOrRejected(id string, known []string, re *regexp.Regexp) string {
	var good, bad []string
	for _, k := range known {
		switch {
		case re.MatchString(k):
			good = append(good, k)
		case k != "":
			bad = append(bad, k)
		}
	}
	if s := suggest(id, good); s != "" {
		return s
	}
	if len(bad) != 1 {
		return ""
	}
	return fmt.Sprintf(" (not declared; %q was rejected as an id)", bad[0])
}

// suggest returns ` (did you mean "x"?)` for the closest known id within
// edit distance 2, or "".
func suggest(id string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := editDistance(strings.ToLower(id), strings.ToLower(k)); d < bestD || (d == bestD && k < best) {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
