package extract

import (
	"math"
	"strings"
)

var quoteMarks = set("“ ” \" ‘ ’ ' « »")

// propose reads one sentence and returns its proposals. carry is the
// subject carried over from earlier sentences; the returned subject is
// the one to carry on (nil: keep carry).
func (x *extractor) propose(src string, text []rune, sn sentence, carry *subject) ([]Proposal, *subject) {
	toks := sn.toks
	s := &sentState{toks: toks, ments: x.m.mentions(toks), byTok: map[int]*mention{}, prev: carry}
	for k := range s.ments {
		s.byTok[s.ments[k].to-1] = &s.ments[k]
	}
	main := s.sentenceSubject()
	if sn.title || isQuestion(toks) {
		return nil, main
	}
	if main != nil && main.actor != "" {
		s.lastSubj = main
	}
	quote := string(text[sn.start:sn.end])
	var out []Proposal
	seen := map[int]bool{}
	add := func(p Proposal, cueFrom, cueTo int) {
		if seen[cueFrom] || p.Actor == "" || (p.Target == "" && p.Issue == "") {
			return
		}
		seen[cueFrom] = true
		p.Source = src
		p.Quote = quote
		p.Start, p.End = sn.start, sn.end
		p.CueStart, p.CueEnd = toks[cueFrom].start, toks[cueTo-1].end
		p.Cue = cueText(toks, cueFrom, cueTo)
		p.Confidence = math.Round(math.Max(0.1, math.Min(0.95, p.Confidence))*100) / 100
		out = append(out, p)
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.punct || s.isMentionTok(i) {
			continue
		}
		// An event noun with its preposition: strikes against.
		if nc, ok := nounCues[t.low]; ok && i+1 < len(toks) && contains(nc.preps, toks[i+1].low) {
			if p, ok := x.nominal(s, i, nc); ok {
				add(p, i, i+2)
				continue
			}
		}
		vf, ok := verbForms[t.low]
		if !ok || vf.cue.class == cueLight {
			continue
		}
		if i > 0 && x.nounContext(s, i-1) {
			continue // the attack, Iran's support: a noun, handled above
		}
		if i > 0 && toks[i-1].low == "to" {
			continue // an infinitive: only through a refusal or pass verb
		}
		outer, cueIdx, cueEnd := i, i, i+1
		cue := vf.cue
		refused := false
		if cue.class == cueRefusal || cue.class == cuePass {
			// refused to blame, vowed to block
			if i+2 < len(toks) && toks[i+1].low == "to" {
				if inner, ok := verbForms[toks[i+2].low]; ok && inner.cue.class != cueRefusal && inner.cue.class != cuePass && inner.cue.class != cueLight && !inner.ing && !inner.ed {
					refused = cue.class == cueRefusal
					cue = inner.cue
					cueIdx, cueEnd = i+2, i+3
					seen[i+2] = true
				} else {
					continue
				}
			} else {
				continue
			}
		}
		objFrom := cueEnd
		switch {
		case cue.prep != "":
			if objFrom < len(toks) && toks[objFrom].low == cue.prep {
				cueEnd++
				objFrom++
			} else if cue.base == "insist" && objFrom < len(toks) && toks[objFrom].low == "that" {
				cue = &verbCue{base: "insist", pol: Neutral, class: cueReport}
			} else {
				continue
			}
		case cue.thatOnly:
			if objFrom >= len(toks) || toks[objFrom].low != "that" {
				continue
			}
		}
		var sub *subject
		var g group
		switch {
		case vf.ing && outer == i:
			sub = x.participleSubject(s, i)
			if sub == nil {
				continue
			}
		default:
			g = s.verbGroup(outer, vf)
			if g.passive || g.advice || g.hypo {
				continue
			}
			var found bool
			sub, found = s.subjectOf(g.before, 0)
			if !found || sub == nil {
				continue
			}
			s.lastSubj = sub
		}
		pol := cue.pol
		negated := g.negated || refused
		if g.negated {
			pol = flip(pol)
		}
		if refused {
			pol = flip(pol)
		}
		if g.neitherNor {
			pol, negated = Neutral, true
		}
		target, issue, attr := s.objectOf(s.window(objFrom), sub.actor, x.m)
		if issue == "" {
			issue = cue.issue
		}
		conf := sub.conf
		if negated {
			conf -= 0.1
		}
		if attr {
			conf -= 0.05
		}
		if cue.class == cueReport {
			conf -= 0.1
		}
		from := outer
		if !refused {
			from = cueIdx
		}
		add(Proposal{Actor: sub.actor, Mention: sub.text, Target: target, Issue: issue, Polarity: pol,
			Confidence: conf, Rule: sub.rule, Negated: negated, demand: cue.class == cueDemand}, from, cueEnd)
	}
	return out, main
}

// isQuestion reports whether the sentence ends with a question mark.
func isQuestion(toks []token) bool {
	for i := len(toks) - 1; i >= 0; i-- {
		if quoteMarks[toks[i].text] || toks[i].text == ")" {
			continue
		}
		return toks[i].text == "?"
	}
	return false
}

func cueText(toks []token, from, to int) string {
	var b strings.Builder
	for i := from; i < to; i++ {
		if i > from {
			b.WriteByte(' ')
		}
		b.WriteString(toks[i].low)
	}
	return b.String()
}

// nounContext reports whether the token at j makes the next word a noun:
// a determiner, a possessive, or a nationality adjective.
func (x *extractor) nounContext(s *sentState, j int) bool {
	t := s.toks[j]
	if determiners[t.low] && t.low != "that" {
		return true
	}
	if mn := s.mentionEndingAt(j); mn != nil && (mn.role == rolePoss || mn.role == roleAttr) {
		return true
	}
	return t.poss
}

// nominal finds the agent of an event noun at i: a possessor or a
// modifier before it (Moscow's opposition to, Israeli strikes against,
// U.S. sanctions on), a possessive pronoun (its campaign against), or the
// subject of a light verb (imposed sanctions on).
func (x *extractor) nominal(s *sentState, i int, nc nounCue) (Proposal, bool) {
	j := i - 1
	skipped := 0
	for j >= 0 && skipped < 4 {
		t := s.toks[j]
		if quoteMarks[t.text] {
			j--
			continue
		}
		if t.punct || s.isMentionTok(j) || determiners[t.low] || prepositions[t.low] || auxiliaries[t.low] ||
			coords[t.low] || relatives[t.low] || pronouns[t.low] || negators[t.low] || possPron[t.low] || isCapitalized(t.text) {
			break
		}
		if _, verb := verbForms[t.low]; verb {
			break
		}
		j--
		skipped++
	}
	negated := j >= 0 && s.toks[j].low == "no"
	var sub *subject
	switch {
	case j < 0:
	case s.mentionEndingAt(j) != nil:
		mn := s.mentionEndingAt(j)
		switch {
		case mn.paren:
		case mn.role == rolePoss:
			sub = &subject{actor: mn.actor, text: mn.text, rule: rulePossessive, conf: 0.65}
		case mn.role == roleAttr || (mn.role == roleNoun && mn.kind != AliasPeople):
			sub = &subject{actor: mn.actor, text: mn.text, rule: ruleModifier, conf: 0.55}
		}
	case possPron[s.toks[j].low]:
		sub = x.possessivePronoun(s, j)
	default:
		// A light verb before a determiner: imposed (new) sanctions on.
		k := j
		for k >= 0 && k >= j-2 && (determiners[s.toks[k].low] || s.toks[k].low == "up" || s.toks[k].low == "out") {
			k--
		}
		if k >= 0 {
			if vf, ok := verbForms[s.toks[k].low]; ok && (vf.cue.class == cueLight || vf.cue.base == "continue") {
				g := s.verbGroup(k, vf)
				if g.passive || g.advice || g.hypo {
					return Proposal{}, false
				}
				if got, ok := s.subjectOf(g.before, 0); ok && got != nil {
					c := *got
					c.rule, c.conf = ruleLightVerb, 0.6
					sub = &c
					negated = negated || g.negated
				}
			}
		}
	}
	if sub == nil {
		return Proposal{}, false
	}
	pol := nc.pol
	if negated {
		pol = flip(pol)
	}
	target, issue, attr := s.objectOf(s.window(i+2), sub.actor, x.m)
	if issue == "" {
		issue = nc.issue
	}
	conf := sub.conf
	if attr {
		conf -= 0.05
	}
	return Proposal{Actor: sub.actor, Mention: sub.text, Target: target, Issue: issue, Polarity: pol,
		Confidence: conf, Rule: sub.rule, Negated: negated, demand: nc.class == cueDemand}, true
}

// possessivePronoun resolves its/their/his/her at j: the nearest
// noun-phrase mention before it in the sentence, else the carried subject.
func (x *extractor) possessivePronoun(s *sentState, j int) *subject {
	for k := len(s.ments) - 1; k >= 0; k-- {
		mn := s.ments[k]
		if mn.to <= j && mn.role == roleNoun && !mn.paren {
			return &subject{actor: mn.actor, text: s.toks[j].text, rule: rulePronoun, conf: 0.55}
		}
	}
	if s.prev != nil && s.prev.actor != "" {
		return &subject{actor: s.prev.actor, text: s.toks[j].text, rule: rulePronoun, conf: 0.45}
	}
	return nil
}

// participleSubject finds the subject of an -ing cue: after a
// subordinator (while condemning …, Moscow has …) the main clause's
// subject after the next comma; after a comma (…, emphasizing that) the
// subject of the clause before.
func (x *extractor) participleSubject(s *sentState, i int) *subject {
	if i == 0 {
		return nil
	}
	prev := s.toks[i-1].low
	switch {
	case subordinators[prev] && prev != "in" || (prev == "in" && i == 1):
		for j := i + 1; j < len(s.toks); j++ {
			if s.toks[j].text != "," {
				continue
			}
			k := j + 1
			for k < len(s.toks) && s.toks[k].low == "the" {
				k++
			}
			for _, mn := range s.ments {
				if mn.from == k && (mn.role == roleNoun || mn.kind == "office") && !mn.paren {
					return &subject{actor: mn.actor, text: mn.text, rule: ruleParticiple, conf: 0.6}
				}
			}
			break
		}
		if s.lastSubj != nil && s.lastSubj.actor != "" && s.lastSubj != s.prev {
			c := *s.lastSubj
			c.rule, c.conf = ruleParticiple, 0.5
			return &c
		}
	case s.toks[i-1].text == ",":
		if s.lastSubj != nil && s.lastSubj.actor != "" {
			c := *s.lastSubj
			c.rule, c.conf = ruleParticiple, 0.55
			return &c
		}
	}
	return nil
}
