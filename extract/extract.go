package extract

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/parley-forecast/parley"
)

// An Input is the text of one article.
type Input struct {
	// ID is the source id the draft cites; when empty it is made from
	// Name.
	ID string
	// Name is the file name or address the text came from.
	Name string
	// Title is the article's title, if known; else the first paragraph
	// when it looks like one.
	Title string
	// Text is the article's text. Proposal offsets count code points in
	// it.
	Text string
	// Path is the source's path relative to the scenario file, so that
	// `parley validate` can check the quotes; "" for none.
	Path string
	// URL is where the article can be read, if known.
	URL string
}

// Options tune Extract.
type Options struct {
	// Dictionary holds the actors and issues to look for; nil means
	// Builtin().
	Dictionary *Dictionary
	// Title is the draft scenario's title; "" takes the first source's.
	Title string
}

// A Draft is what Extract proposes: a scenario that validates, with
// every stance marked as a draft assumption and backed by its quotes, and
// the list of proposals the analyst confirms one by one.
type Draft struct {
	Scenario  parley.Scenario
	Proposals []Proposal
}

type extractor struct {
	d *Dictionary
	m *matcher
}

// Proposals reads one text and returns its proposals, citing source id
// src.
func Proposals(src, text string, d *Dictionary) []Proposal {
	if d == nil {
		return builtinExtractor().proposals(src, text)
	}
	x := &extractor{d: d, m: newMatcher(d)}
	return x.proposals(src, text)
}

// builtinExtractor is built once: the matcher over the built-in
// dictionary is only read.
var builtinExtractor = sync.OnceValue(func() *extractor {
	d := Builtin()
	return &extractor{d: d, m: newMatcher(d)}
})

func (x *extractor) proposals(src, text string) []Proposal {
	rs := []rune(text)
	var out []Proposal
	var carry *subject
	for _, sn := range segment(rs) {
		ps, next := x.propose(src, rs, sn, carry)
		if next != nil {
			carry = next
		}
		out = append(out, ps...)
	}
	return dedupe(out)
}

// dedupe drops a proposal that repeats an earlier one's actor, cue,
// target, issue, polarity and quote (a deck repeated in the body).
func dedupe(ps []Proposal) []Proposal {
	seen := map[string]bool{}
	out := ps[:0]
	for _, p := range ps {
		k := strings.Join([]string{p.Source, p.Actor, p.Cue, p.Target, p.Issue, p.Polarity, parley.NormalizeSpace(p.Quote)}, "\x00")
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, p)
	}
	return out
}

// Extract reads the inputs and proposes a draft scenario.
func Extract(inputs []Input, opts Options) (*Draft, error) {
	if len(inputs) == 0 {
		return nil, parley.Errorf(parley.EINVALID, "extract needs at least one article")
	}
	d := opts.Dictionary
	if d == nil {
		d = Builtin()
	}
	x := &extractor{d: d, m: newMatcher(d)}
	dr := &Draft{}
	sc := &dr.Scenario
	ids := map[string]bool{}
	for _, in := range inputs {
		id := in.ID
		if id == "" {
			id = slug(in.Name)
		}
		base := id
		for n := 2; ids[id]; n++ {
			id = fmt.Sprintf("%s-%d", base, n)
		}
		ids[id] = true
		title := in.Title
		if title == "" {
			title = firstTitle(in.Text)
		}
		if title == "" {
			title = in.Name
		}
		sc.Sources = append(sc.Sources, parley.Source{ID: id, Title: title, URL: in.URL, Path: in.Path})
		dr.Proposals = append(dr.Proposals, x.proposals(id, in.Text)...)
	}
	sc.Title = opts.Title
	if sc.Title == "" {
		sc.Title = "Draft: " + sc.Sources[0].Title
	}
	sc.Description = "Drafted by parley extract from " + plural(len(inputs), "article") +
		". Every stance is a draft: positions, saliences and capabilities are placeholders for the analyst to set; the quotes are the article's words."
	x.build(dr)
	return dr, nil
}

func plural(n int, w string) string {
	if n == 1 {
		return "1 " + w
	}
	return fmt.Sprintf("%d %ss", n, w)
}

// firstTitle returns the first paragraph of text when it looks like a
// title.
func firstTitle(text string) string {
	rs := []rune(text)
	ps := paragraphs(rs)
	if len(ps) == 0 {
		return ""
	}
	p := strings.TrimSpace(string(rs[ps[0][0]:ps[0][1]]))
	if isTitle(p) {
		return parley.NormalizeSpace(p)
	}
	return ""
}

// slug makes a source id from a file name or address.
func slug(name string) string {
	base := path.Base(strings.ReplaceAll(name, "\\", "/"))
	if i := strings.LastIndexByte(base, '.'); i > 0 {
		base = base[:i]
	}
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(base) {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			dash = false
		} else if b.Len() > 0 && !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		s = "source"
	}
	return s
}

// Draft placeholders: the text says which way an actor leans, never how
// far or how much it cares.
var (
	unknownCapability = parley.Range(0, 50, 100)
	unknownSalience   = parley.Range(0, 0.5, 1)
)

// build turns the proposals into the draft scenario: the actors and
// issues they name, one stance per actor and issue with every supporting
// quote, and ally or rival relations for stances toward another actor.
func (x *extractor) build(dr *Draft) {
	sc := &dr.Scenario
	usedActor := map[string]bool{}
	usedIssue := map[string]bool{}
	mentioned := map[string]map[string]bool{}
	for _, p := range dr.Proposals {
		usedActor[p.Actor] = true
		if p.Target != "" {
			usedActor[p.Target] = true
		}
		if p.Issue != "" {
			usedIssue[p.Issue] = true
		}
		if mentioned[p.Actor] == nil {
			mentioned[p.Actor] = map[string]bool{}
		}
		mentioned[p.Actor][p.Mention] = true
	}
	for _, a := range x.d.Actors {
		if !usedActor[a.ID] {
			continue
		}
		act := parley.Actor{ID: a.ID, Name: a.Name, Kind: a.Kind, Capability: unknownCapability,
			Note: "draft: set capability (placeholder range 0-100)"}
		for _, al := range a.Aliases {
			if mentioned[a.ID][al.Text] && al.Text != a.Name {
				act.Aliases = append(act.Aliases, al.Text)
			}
		}
		sc.Actors = append(sc.Actors, act)
	}
	for _, is := range x.d.Issues {
		if !usedIssue[is.ID] {
			continue
		}
		sc.Issues = append(sc.Issues, parley.Issue{
			ID: is.ID, Name: is.Name,
			Description: "Drafted from the keywords " + strings.Join(firstN(is.Terms, 6), ", ") + ". Relabel the scale before use.",
			Scale: parley.Scale{Min: 0, Max: 100, Anchors: []parley.Anchor{
				{Value: 0, Label: "draft: least of " + strings.ToLower(is.Name) + " (relabel)"},
				{Value: 50, Label: "draft: middle ground (relabel)"},
				{Value: 100, Label: "draft: most of " + strings.ToLower(is.Name) + " (relabel)"},
			}},
		})
	}
	type key struct{ a, b string }
	var order []key
	byStance := map[key][]Proposal{}
	for _, p := range dr.Proposals {
		if p.Issue == "" {
			continue
		}
		k := key{p.Actor, p.Issue}
		if _, ok := byStance[k]; !ok {
			order = append(order, k)
		}
		byStance[k] = append(byStance[k], p)
	}
	sort.SliceStable(order, func(i, j int) bool {
		if order[i].a != order[j].a {
			return actorIndex(sc, order[i].a) < actorIndex(sc, order[j].a)
		}
		return issueIndex(sc, order[i].b) < issueIndex(sc, order[j].b)
	})
	for _, k := range order {
		ps := byStance[k]
		sup, opp := 0, 0
		for _, p := range ps {
			switch p.Polarity {
			case Support:
				sup++
			case Oppose:
				opp++
			}
		}
		pos := parley.Range(0, 50, 100)
		lean := "no lean"
		switch {
		case sup > opp:
			pos, lean = parley.Range(50, 75, 100), "leans support"
		case opp > sup:
			pos, lean = parley.Range(0, 25, 50), "leans oppose"
		}
		st := parley.Stance{Actor: k.a, Issue: k.b, Position: pos, Salience: unknownSalience,
			Assumption: fmt.Sprintf("draft: set position and salience. The text %s (%d support, %d oppose, %d neutral cues); the range only reflects that lean, on a scale where 100 is most of the issue.", lean, sup, opp, len(ps)-sup-opp)}
		st.Evidence = evidence(ps, "position")
		sc.Stances = append(sc.Stances, st)
	}
	type rel struct {
		from, to string
		kind     parley.RelationKind
	}
	var rorder []rel
	byRel := map[rel][]Proposal{}
	for _, p := range dr.Proposals {
		if p.Target == "" || p.Target == p.Actor || p.demand || p.Polarity == Neutral {
			continue
		}
		r := rel{p.Actor, p.Target, parley.RelAlly}
		if p.Polarity == Oppose {
			r.kind = parley.RelRival
		}
		if _, ok := byRel[r]; !ok {
			rorder = append(rorder, r)
		}
		byRel[r] = append(byRel[r], p)
	}
	for _, r := range rorder {
		sc.Relations = append(sc.Relations, parley.Relation{From: r.from, To: r.to, Kind: r.kind, Strength: 0.5,
			Evidence: evidence(byRel[r], "relation"), Note: "draft: set strength (placeholder 0.5)"})
	}
	if sc.Stances == nil {
		sc.Stances = []parley.Stance{}
	}
	if sc.Actors == nil {
		sc.Actors = []parley.Actor{}
	}
	if sc.Issues == nil {
		sc.Issues = []parley.Issue{}
	}
}

// evidence turns proposals into evidence items, one per distinct quote.
func evidence(ps []Proposal, supports string) []parley.Evidence {
	var out []parley.Evidence
	seen := map[string]int{}
	for _, p := range ps {
		note := fmt.Sprintf("unconfirmed: %s %q", p.Polarity, p.Cue)
		if p.Target != "" {
			note += " toward " + p.Target
		}
		note += fmt.Sprintf(" (confidence %.2f)", p.Confidence)
		k := p.Source + "\x00" + p.Quote
		if i, ok := seen[k]; ok {
			out[i].Note += "; " + note
			continue
		}
		seen[k] = len(out)
		out = append(out, parley.Evidence{Source: p.Source, Quote: p.Quote, Supports: supports, Note: note})
	}
	return out
}

func firstN(xs []string, n int) []string {
	if len(xs) > n {
		return xs[:n]
	}
	return xs
}

func actorIndex(sc *parley.Scenario, id string) int {
	for i, a := range sc.Actors {
		if a.ID == id {
			return i
		}
	}
	return len(sc.Actors)
}

func issueIndex(sc *parley.Scenario, id string) int {
	for i, is := range sc.Issues {
		if is.ID == id {
			return i
		}
	}
	return len(sc.Issues)
}
