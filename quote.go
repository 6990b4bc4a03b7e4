package parley

import (
	"fmt"
	"strings"
	"unicode"
)

// NormalizeSpace collapses every run of white space in s to one space and
// trims both ends, so that quotes match their source whatever the line
// breaks.
func NormalizeSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// CheckQuotes checks that every evidence quote in s appears verbatim, up to
// white space, in the text of the source it cites. texts holds the text of
// each source by id; quotes citing a source absent from texts are not
// checked. Each quote that is not found is an error at the quote's path.
func CheckQuotes(s *Scenario, texts map[string]string) Diagnostics {
	norm := map[string]string{}
	for id, t := range texts {
		norm[id] = NormalizeSpace(t)
	}
	var ds Diagnostics
	check := func(p string, ev []Evidence) {
		for j, e := range ev {
			text, ok := norm[e.Source]
			if !ok {
				continue
			}
			q := NormalizeSpace(e.Quote)
			if q == "" || strings.Contains(text, q) {
				continue
			}
			ds.add(fmt.Sprintf("%s[%d].quote", p, j), "quote not found verbatim in source %q%s", e.Source, nearMiss(text, q))
		}
	}
	for i, a := range s.Actors {
		check(fmt.Sprintf("actors[%d].evidence", i), a.Evidence)
	}
	for i, st := range s.Stances {
		check(fmt.Sprintf("stances[%d].evidence", i), st.Evidence)
	}
	for i, r := range s.Relations {
		check(fmt.Sprintf("relations[%d].evidence", i), r.Evidence)
	}
	for i, v := range s.Variants {
		for j, c := range v.Changes {
			p := fmt.Sprintf("variants[%d].changes[%d]", i, j)
			if c.NewActor != nil {
				check(p+".new_actor.evidence", c.NewActor.Evidence)
			}
			for k, st := range c.Stances {
				check(fmt.Sprintf("%s.stances[%d].evidence", p, k), st.Evidence)
			}
			if c.Relation != nil {
				check(p+".relation.evidence", c.Relation.Evidence)
			}
		}
	}
	return ds
}

// nearMiss explains where a quote stops matching: the longest prefix of q
// found in text, so that the analyst sees which word differs.
func nearMiss(text, q string) string {
	words := strings.Fields(q)
	best := 0
	for n := 1; n <= len(words); n++ {
		if !strings.Contains(text, strings.Join(words[:n], " ")) {
			break
		}
		best = n
	}
	if best == 0 {
		return " (not even its first word)"
	}
	if best == len(words) {
		return ""
	}
	return fmt.Sprintf(" (matches up to %q, then differs at %q)", strings.Join(words[:best], " "), words[best])
}

func pathf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
