package extract

import (
	"strings"
)

// A Proposal is one stance the extractor proposes for the analyst to
// confirm: who (Actor), the words that carry it (Cue), toward whom
// (Target) or about what (Issue), which way (Polarity), and the sentence
// that says so (Quote, at code points [Start, End) of the source text).
type Proposal struct {
	Source     string  `json:"source"`
	Actor      string  `json:"actor"`
	Mention    string  `json:"mention"`
	Cue        string  `json:"cue"`
	Target     string  `json:"target,omitempty"`
	Issue      string  `json:"issue,omitempty"`
	Polarity   string  `json:"polarity"`
	Quote      string  `json:"quote"`
	Start      int     `json:"start"`
	End        int     `json:"end"`
	CueStart   int     `json:"cue_start"`
	CueEnd     int     `json:"cue_end"`
	Confidence float64 `json:"confidence"`
	Rule       string  `json:"rule"`
	Negated    bool    `json:"negated,omitempty"`
	Confirmed  bool    `json:"confirmed"`

	demand bool // a demand cue: support for the object, no alliance
}

// How the actor of a proposal was found (Proposal.Rule).
const (
	ruleSubject     = "subject"
	ruleCoordinated = "coordinated-verb"
	rulePronoun     = "pronoun"
	ruleRelative    = "relative-clause"
	ruleParticiple  = "participle"
	rulePossessive  = "possessive"
	ruleModifier    = "modifier"
	ruleLightVerb   = "light-verb"
)

// A subject is the actor doing a verb, with how it was found.
type subject struct {
	actor, text, rule string
	conf              float64
}

// sentState is what the rules know while reading one sentence.
type sentState struct {
	toks     []token
	ments    []mention
	byTok    map[int]*mention // mention by its last token
	prev     *subject         // the subject carried over from earlier sentences
	lastSubj *subject         // the last verb subject found in this sentence
}

func (s *sentState) mentionEndingAt(i int) *mention {
	if i < 0 {
		return nil
	}
	return s.byTok[i]
}

// verbGroup walks left from the verb at v over adverbs, negators and
// auxiliaries. It returns the index of the token before the group and
// what the group holds.
type group struct {
	before              int
	negated, neitherNor bool
	hypo, advice        bool
	passive             bool
}

func (s *sentState) verbGroup(v int, vf verbForm) group {
	g := group{}
	i := v - 1
	sawBe := false
	for i >= 0 {
		w := s.toks[i].low
		switch {
		case w == "neither":
			g.neitherNor = true
		case w == "nor":
			// The second verb of neither … nor: it shares the subject.
			g.neitherNor = true
			g.before = i
			g.passive = sawBe && vf.ed
			return g
		case negators[w] || strings.HasSuffix(w, "n't"):
			g.negated = true
			if strings.HasSuffix(w, "n't") && len(w) > 3 {
				aux := strings.TrimSuffix(w, "n't")
				if modalsHypo[aux] || aux == "wo" || aux == "ca" {
					// couldn't, wouldn't: still hypothetical
					if modalsHypo[aux] {
						g.hypo = true
					}
				}
				if modalsAdvice[aux] {
					g.advice = true
				}
			}
		case w == "longer" && i > 0 && s.toks[i-1].low == "no":
			g.negated = true
			i--
		case auxiliaries[w]:
			if (w == "is" || w == "are" || w == "was" || w == "were" || w == "be" || w == "been" || w == "being") && i == v-1 {
				sawBe = true
			}
		case modalsHypo[w]:
			g.hypo = true
		case modalsAdvice[w]:
			g.advice = true
		case w == "to" && i > 0 && (s.toks[i-1].low == "ought" || s.toks[i-1].low == "need" || s.toks[i-1].low == "needs" || s.toks[i-1].low == "have" || s.toks[i-1].low == "has"):
			g.advice = true
			i--
		case w == "either":
		case adverbs[w] || (strings.HasSuffix(w, "ly") && !s.isMentionTok(i) && len(w) > 4):
		default:
			g.before = i
			g.passive = sawBe && vf.ed
			return g
		}
		i--
	}
	g.before = -1
	g.passive = sawBe && vf.ed
	return g
}

func (s *sentState) isMentionTok(i int) bool {
	for k := range s.ments {
		if i >= s.ments[k].from && i < s.ments[k].to {
			return true
		}
	}
	return false
}

// subjectOf finds the actor doing the verb whose group starts after
// token p. It follows the rules of docs/extraction.md: a noun-phrase
// mention right before the group; a relative pronoun after one; a dash
// or bracket parenthetical or a comma-delimited insertion skipped; a
// pronoun carried over (it, they, he, she); a coordinated verb sharing
// the subject of the verb before it.
func (s *sentState) subjectOf(p int, depth int) (*subject, bool) {
	if depth > 4 || p < 0 {
		return nil, false
	}
	t := s.toks[p]
	if mn := s.mentionEndingAt(p); mn != nil {
		if mn.role == roleNoun && !mn.paren {
			return &subject{actor: mn.actor, text: mn.text, rule: ruleSubject, conf: 0.8}, true
		}
		return nil, false
	}
	switch {
	case t.text == ")" || isDash(t.text):
		// Skip back over a parenthetical to the phrase before it.
		for j := p - 1; j >= 0; j-- {
			if (t.text == ")" && s.toks[j].text == "(") || (isDash(t.text) && isDash(s.toks[j].text)) {
				return s.subjectOf(j-1, depth+1)
			}
		}
		return nil, false
	case relatives[t.low]:
		q := p - 1
		if q >= 0 && s.toks[q].text == "," {
			q--
		}
		if mn := s.mentionEndingAt(q); mn != nil && (mn.role == roleNoun || mn.role == rolePP) && !mn.paren {
			return &subject{actor: mn.actor, text: mn.text, rule: ruleRelative, conf: 0.7}, true
		}
		return nil, false
	case pronouns[t.low] && (p == 0 || !prepositions[s.toks[p-1].low]):
		if s.lastSubj != nil && s.lastSubj.actor != "" && p > 0 {
			c := *s.lastSubj
			c.rule, c.text, c.conf = rulePronoun, t.text, 0.6
			return &c, true
		}
		if s.prev != nil && s.prev.actor != "" {
			c := *s.prev
			c.rule, c.text, c.conf = rulePronoun, t.text, 0.55
			return &c, true
		}
		return nil, false
	case t.low == "nor":
		// neither V1 nor V2: the subject of the verb group before
		// "neither".
		for j := p - 1; j >= 0 && j >= p-12; j-- {
			if s.toks[j].low != "neither" {
				continue
			}
			k := j - 1
			for k >= 0 && (auxiliaries[s.toks[k].low] || adverbs[s.toks[k].low]) {
				k--
			}
			if sub, ok := s.subjectOf(k, depth+1); ok {
				c := *sub
				c.rule, c.conf = ruleCoordinated, 0.65
				return &c, true
			}
			return nil, false
		}
		fallthrough
	case coords[t.low]:
		if s.lastSubj != nil && s.lastSubj.actor != "" {
			c := *s.lastSubj
			c.rule, c.conf = ruleCoordinated, 0.7
			return &c, true
		}
		return nil, false
	case t.text == ",":
		// A comma-delimited insertion (the United States, in pursuing…,
		// has …): find the comma that opens it.
		for j := p - 1; j >= 0 && j >= p-25; j-- {
			if s.toks[j].text == "," {
				if sub, ok := s.subjectOf(j-1, depth+1); ok {
					return sub, true
				}
				break
			}
		}
		// A list of verbs: X condemned A, blamed B and called for C.
		if s.lastSubj != nil && s.lastSubj.actor != "" {
			c := *s.lastSubj
			c.rule, c.conf = ruleCoordinated, 0.6
			return &c, true
		}
		return nil, false
	}
	return nil, false
}

// clauseEnd returns the end of the object of a cue that ends at token
// from: the end of the clause, skipping parentheticals, at most 25
// tokens on.
func (s *sentState) window(from int) []int {
	var idx []int
	parens := parentheticals(s.toks)
	for i := from; i < len(s.toks) && len(idx) < 25; i++ {
		t := s.toks[i]
		if parens[i] {
			continue
		}
		switch {
		case t.text == ";" || t.text == ":" || t.text == "?" || t.text == "!":
			return idx
		case isDash(t.text):
			// An unmatched dash starts an aside that is not the object;
			// the dashes around a parenthetical are skipped.
			opens := i+1 < len(s.toks) && parens[i+1]
			closes := i > 0 && parens[i-1]
			if !opens && !closes {
				return idx
			}
			continue
		case t.text == "," && i+1 < len(s.toks) && (relatives[s.toks[i+1].low] || subordinators[s.toks[i+1].low] || s.toks[i+1].low == "but" || s.toks[i+1].low == "citing" || s.toks[i+1].low == "saying"):
			return idx
		case (coords[t.low]) && i+1 < len(s.toks) && s.startsVerbPhrase(i+1):
			return idx
		case i > from && relatives[t.low] && i+1 < len(s.toks) && s.startsVerbPhrase(i+1):
			return idx
		}
		idx = append(idx, i)
	}
	return idx
}

// startsVerbPhrase reports whether the tokens at i begin a verb phrase:
// an auxiliary, or a verb cue form, possibly after adverbs.
func (s *sentState) startsVerbPhrase(i int) bool {
	for ; i < len(s.toks); i++ {
		w := s.toks[i].low
		if adverbs[w] || (strings.HasSuffix(w, "ly") && len(w) > 4) {
			continue
		}
		if auxiliaries[w] || modalsHypo[w] || modalsAdvice[w] {
			return true
		}
		if _, noun := nounCues[w]; noun {
			return false // sanctions, attacks: more often nouns here
		}
		if vf, ok := verbForms[w]; ok && !vf.ing {
			return true
		}
		return false
	}
	return false
}

// objectOf picks the target and issue from the cue's object window: the
// first actor named (not as a location, not the agent), the first issue
// term.
func (s *sentState) objectOf(win []int, agent string, m *matcher) (target, issue string, attr bool) {
	in := map[int]bool{}
	for _, i := range win {
		in[i] = true
	}
	for _, mn := range s.ments {
		if !in[mn.from] || mn.role == roleLoc || mn.actor == agent {
			continue
		}
		target = mn.actor
		attr = mn.role == roleAttr || mn.role == roleCompound
		break
	}
	for _, i := range win {
		if iss := m.issueAt(s.toks, i); iss != "" {
			issue = iss
			break
		}
	}
	return target, issue, attr
}

// issueAt returns the issue whose term starts at token i, longest first.
func (m *matcher) issueAt(toks []token, i int) string {
	for _, it := range m.issues[toks[i].low] {
		if i+len(it.toks) > len(toks) {
			continue
		}
		ok := true
		for k, w := range it.toks {
			if toks[i+k].low != w {
				ok = false
				break
			}
		}
		if ok {
			// "nuclear" inside a longer phrase is still the nuclear
			// issue; acronyms must keep their case.
			return it.issue
		}
	}
	return ""
}

func flip(pol string) string {
	switch pol {
	case Support:
		return Oppose
	case Oppose:
		return Support
	}
	return pol
}

// sentenceSubject finds the subject of a sentence's main clause for
// pronoun carry-over: the first noun-phrase mention after any fronted
// adverbial, when it is followed by a verb phrase. A sentence whose
// subject is not an actor returns an empty subject; a pronoun subject
// returns nil (the carried subject stays).
func (s *sentState) sentenceSubject() *subject {
	i := 0
	if len(s.toks) == 0 {
		return &subject{}
	}
	w := s.toks[0].low
	if subordinators[w] || prepositions[w] || w == "as" || w == "though" || w == "although" || w == "however" || w == "still" || w == "yet" || w == "notwithstanding" || w == "considering" || w == "for" || w == "so" || strings.HasSuffix(w, "ly") {
		for i < len(s.toks) && s.toks[i].text != "," {
			i++
		}
		i++
	}
	for i < len(s.toks) && (s.toks[i].low == "the" || s.toks[i].text == "," || s.toks[i].low == "that" || s.toks[i].low == "said") {
		i++
	}
	if i >= len(s.toks) {
		return &subject{}
	}
	if pronouns[s.toks[i].low] {
		return nil
	}
	for k := range s.ments {
		mn := &s.ments[k]
		if mn.from == i && mn.role == roleNoun {
			return &subject{actor: mn.actor, text: mn.text, rule: ruleSubject}
		}
		if mn.from == i && mn.role == roleAttr && mn.kind == "office" {
			return &subject{actor: mn.actor, text: mn.text, rule: ruleSubject}
		}
	}
	return &subject{}
}
