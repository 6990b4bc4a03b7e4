package extract

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mention roles: what a mention can do in its sentence.
const (
	roleNoun     = iota // a noun phrase: can be a subject
	rolePoss            // a possessor: Moscow's, Iran's foreign minister is roleNoun
	roleAttr            // an adjective or noun modifier: Russian experts
	roleCompound        // inside a hyphenated word: Iran-backed
	rolePP              // the object of a preposition: to Moscow
	roleLoc             // a location: in Beirut
)

// A mention is a span of tokens naming an actor.
type mention struct {
	actor    string
	kind     string // alias kind; "office" for demonym + office noun
	from, to int    // token span [from, to)
	role     int
	paren    bool // inside a dash or bracket parenthetical
	text     string
}

type aliasEntry struct {
	actor string
	kind  string
	toks  []string // norm forms
}

// A matcher finds alias mentions in tokens.
type matcher struct {
	byFirst map[string][]aliasEntry // by the lower-case first token
	single  map[string][]aliasEntry // one-token aliases by norm, for compounds
	issues  map[string][]issueTerm
}

type issueTerm struct {
	issue string
	toks  []string // lower case
}

func newMatcher(d *Dictionary) *matcher {
	m := &matcher{byFirst: map[string][]aliasEntry{}, single: map[string][]aliasEntry{}, issues: map[string][]issueTerm{}}
	for _, a := range d.Actors {
		for _, al := range a.Aliases {
			rs := []rune(al.Text)
			toks := tokenize(rs, 0, len(rs))
			if len(toks) == 0 {
				continue
			}
			e := aliasEntry{actor: a.ID, kind: al.Kind}
			for _, t := range toks {
				e.toks = append(e.toks, t.norm)
			}
			m.byFirst[toks[0].low] = append(m.byFirst[toks[0].low], e)
			if len(toks) == 1 {
				m.single[toks[0].norm] = append(m.single[toks[0].norm], e)
			}
		}
	}
	for _, is := range d.Issues {
		for _, term := range is.Terms {
			rs := []rune(term)
			toks := tokenize(rs, 0, len(rs))
			if len(toks) == 0 {
				continue
			}
			it := issueTerm{issue: is.ID}
			for _, t := range toks {
				it.toks = append(it.toks, t.low)
			}
			m.issues[it.toks[0]] = append(m.issues[it.toks[0]], it)
		}
	}
	for _, l := range m.byFirst {
		sort.SliceStable(l, func(i, j int) bool { return len(l[i].toks) > len(l[j].toks) })
	}
	for _, l := range m.issues {
		sort.SliceStable(l, func(i, j int) bool { return len(l[i].toks) > len(l[j].toks) })
	}
	return m
}

// sameWord reports whether a text token matches an alias token: exactly,
// or with a capital first letter where the alias has a lower-case one (The
// Kremlin at the start of a sentence).
func sameWord(text, alias string) bool {
	if text == alias {
		return true
	}
	r, n := utf8.DecodeRuneInString(alias)
	if !unicode.IsLower(r) {
		return false
	}
	return text == string(unicode.ToUpper(r))+alias[n:]
}

// mentions finds the actor mentions of a sentence and gives each a role.
func (m *matcher) mentions(toks []token) []mention {
	var out []mention
	for i := 0; i < len(toks); {
		best := -1
		var be aliasEntry
		for _, e := range m.byFirst[toks[i].low] {
			if i+len(e.toks) > len(toks) {
				continue
			}
			ok := true
			for k, at := range e.toks {
				if !sameWord(toks[i+k].norm, at) {
					ok = false
					break
				}
			}
			// A possessive may only sit on the last token.
			for k := 0; ok && k < len(e.toks)-1; k++ {
				if toks[i+k].poss {
					ok = false
				}
			}
			if ok && len(e.toks) > best {
				best, be = len(e.toks), e
			}
		}
		if best > 0 {
			out = append(out, mention{actor: be.actor, kind: be.kind, from: i, to: i + best})
			i += best
			continue
		}
		if toks[i].hyphen {
			// Iran-backed, U.S.-led, Russia-oriented: the first part
			// naming an actor makes the word attributive.
			for _, part := range strings.Split(strings.ReplaceAll(toks[i].norm, "‑", "-"), "-") {
				if es := m.single[part]; len(es) > 0 {
					out = append(out, mention{actor: es[0].actor, kind: es[0].kind, from: i, to: i + 1, role: roleCompound})
					break
				}
			}
		}
		i++
	}
	parens := parentheticals(toks)
	for k := range out {
		mn := &out[k]
		mn.paren = parens[mn.from]
		if mn.role == roleCompound {
			continue
		}
		// An office noun after a demonym or a possessor makes the phrase
		// the state: the Iranian foreign minister, Iran's top diplomat.
		last := mn.to - 1
		if mn.kind == AliasDemonym || toks[last].poss {
			j := mn.to
			for j < len(toks) && j < mn.to+3 && officeMods[toks[j].low] && !officeNouns[toks[j].low] {
				j++
			}
			if j < len(toks) && (officeNouns[toks[j].low] || toks[j].low == "diplomat") {
				// Take in a following person name (Foreign Minister
				// Sergey Lavrov) when it is the same actor.
				end := j + 1
				for end < len(toks) && end < j+4 && isCapitalized(toks[end].text) && !toks[end-1].poss {
					end++
				}
				mn.kind = "office"
				mn.to = end
				if end > j+1 && k+1 < len(out) && out[k+1].from >= j+1 && out[k+1].from < end {
					// The name is also a mention; drop the duplicate later.
					out[k+1].actor = ""
				}
				last = mn.to - 1
			}
		}
		switch {
		case toks[last].poss:
			mn.role = rolePoss
		case mn.kind == AliasDemonym:
			mn.role = roleAttr
		case mn.to < len(toks) && isNounModifier(mn, toks):
			mn.role = roleAttr
		default:
			mn.role = roleNoun
		}
		// A preceding preposition (over "the") makes it an object.
		p := mn.from - 1
		for p >= 0 && (toks[p].low == "the" || officeMods[toks[p].low]) {
			p--
		}
		if p >= 0 && prepositions[toks[p].low] && mn.role != rolePoss {
			if locatives[toks[p].low] {
				mn.role = roleLoc
			} else if mn.role == roleNoun {
				mn.role = rolePP
			}
		}
	}
	for k := range out {
		mn := &out[k]
		var b strings.Builder
		for i := mn.from; i < mn.to; i++ {
			if i > mn.from {
				b.WriteByte(' ')
			}
			b.WriteString(toks[i].text)
		}
		mn.text = b.String()
	}
	kept := out[:0]
	for _, mn := range out {
		if mn.actor != "" {
			kept = append(kept, mn)
		}
	}
	return kept
}

// isNounModifier reports whether a name mention is used as a modifier of
// the noun after it (U.S. efforts, the Iran file): the next token is a
// lower-case word that is not a verb form we know or a function word.
func isNounModifier(mn *mention, toks []token) bool {
	if mn.kind == AliasPeople || mn.kind == AliasPerson {
		return false
	}
	n := toks[mn.to]
	if n.punct || !unicode.IsLower([]rune(n.text)[0]) {
		return false
	}
	w := n.low
	if auxiliaries[w] || modalsHypo[w] || modalsAdvice[w] || negators[w] || adverbs[w] || relatives[w] ||
		coords[w] || prepositions[w] || strings.HasSuffix(w, "ly") {
		return false
	}
	if _, ok := verbForms[w]; ok {
		if _, noun := nounCues[w]; !noun {
			return false
		}
	}
	// Common verbs outside the cue lexicon: a word ending in -s or -ed
	// after a name is more often a verb (Russia sees, Iran wants).
	if strings.HasSuffix(w, "ed") || (strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss")) {
		if _, noun := nounCues[w]; !noun && !officeNouns[w] {
			return false
		}
	}
	return true
}

func isCapitalized(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// parentheticals marks the tokens inside dash pairs and brackets.
func parentheticals(toks []token) []bool {
	in := make([]bool, len(toks))
	for i := 0; i < len(toks); i++ {
		t := toks[i].text
		if t == "(" {
			for j := i + 1; j < len(toks) && toks[j].text != ")"; j++ {
				in[j] = true
			}
		}
		if isDash(t) {
			for j := i + 1; j < len(toks); j++ {
				if isDash(toks[j].text) {
					for k := i + 1; k < j; k++ {
						in[k] = true
					}
					i = j
					break
				}
			}
		}
	}
	return in
}

func isDash(t string) bool { return t == "—" || t == "–" || t == "--" }
