package extract

import (
	"strings"
	"unicode"
)

// A token is a word or a punctuation mark, with its place in the text in
// code points.
type token struct {
	text       string // as written
	norm       string // ’ folded to '
	low        string // norm in lower case
	start, end int    // code-point offsets into the document text
	punct      bool
	poss       bool // followed by a possessive 's (or a bare apostrophe after -s)
	hyphen     bool // a compound written with hyphens (Iran-backed)
}

// A sentence is a run of tokens with its span in the text.
type sentence struct {
	start, end int // code-point offsets, end exclusive
	para       int // paragraph number, from 0
	toks       []token
	title      bool // the document's title line
}

// endMarkers are paragraphs that end an article's content: what follows
// them is the site's furniture.
var endMarkers = map[string]bool{
	"check also": true, "related": true, "related articles": true, "related stories": true,
	"related posts": true, "related content": true, "read more": true, "read also": true,
	"see also": true, "more from": true, "more stories": true, "more on this": true,
	"you may also like": true, "you might also like": true, "recommended": true,
	"recommended for you": true, "share this article": true, "share this": true, "share": true,
	"about the author": true, "about the authors": true, "tags": true, "comments": true,
	"leave a comment": true, "leave a reply": true, "most read": true, "most popular": true,
	"trending": true, "sign up for our newsletter": true, "subscribe": true, "latest news": true,
	"further reading": true, "popular": true, "also read": true,
}

// skipMarkers are paragraphs that are furniture inside the content.
var skipMarkers = map[string]bool{"advertisement": true, "advert": true, "sponsored": true, "continue reading": true}

func markerKey(p string) string {
	p = strings.ToLower(strings.TrimSpace(p))
	p = strings.TrimRight(p, ":.…» ")
	return p
}

// segment splits text into sentences: paragraphs first (blank lines), the
// content cut at the first end-of-article marker, then sentences. The
// first paragraph counts as the title when it is short and does not end
// like a sentence.
func segment(text []rune) []sentence {
	var out []sentence
	para := 0
	content := 0 // paragraphs of content seen
	for _, p := range paragraphs(text) {
		body := string(text[p[0]:p[1]])
		key := markerKey(body)
		if content > 0 && (endMarkers[key] || strings.HasPrefix(key, "copyright") || strings.HasPrefix(key, "©") || strings.HasPrefix(key, "all rights reserved")) {
			break
		}
		if skipMarkers[key] {
			continue
		}
		title := content == 0 && isTitle(body)
		for _, s := range sentences(text, p[0], p[1]) {
			s.para = para
			s.title = title
			s.toks = tokenize(text, s.start, s.end)
			if len(s.toks) > 0 {
				out = append(out, s)
			}
		}
		para++
		content++
	}
	return out
}

func isTitle(p string) bool {
	p = strings.TrimSpace(p)
	if strings.Contains(p, "\n") && len(strings.Fields(p)) > 20 {
		return false
	}
	if len(strings.Fields(p)) > 20 {
		return false
	}
	return !strings.HasSuffix(p, ".") || strings.HasSuffix(p, "?")
}

// paragraphs returns the [start, end) spans of the paragraphs of text:
// runs separated by a line that is blank or white space only.
func paragraphs(text []rune) [][2]int {
	var out [][2]int
	start := -1
	lastNonSpace := -1
	for i := 0; i <= len(text); i++ {
		if i == len(text) {
			break
		}
		r := text[i]
		if r == '\n' {
			// Is the next line blank?
			j := i + 1
			for j < len(text) && text[j] != '\n' && unicode.IsSpace(text[j]) {
				j++
			}
			if j < len(text) && text[j] == '\n' && start >= 0 {
				out = append(out, [2]int{start, lastNonSpace + 1})
				start = -1
			}
			continue
		}
		if !unicode.IsSpace(r) {
			if start < 0 {
				start = i
			}
			lastNonSpace = i
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, lastNonSpace + 1})
	}
	return out
}

// abbreviations never end a sentence when followed by a period.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "gen": true, "sen": true, "rep": true,
	"gov": true, "lt": true, "col": true, "maj": true, "capt": true, "adm": true, "amb": true,
	"prof": true, "st": true, "jr": true, "sr": true, "no": true, "vs": true, "e.g": true,
	"i.e": true, "jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true,
	"aug": true, "sep": true, "sept": true, "oct": true, "nov": true, "dec": true, "inc": true,
	"corp": true, "co": true, "ltd": true, "fig": true, "approx": true, "est": true, "pres": true,
}

var closers = "\"'”’)]»"
var openers = "\"'“‘([«"

// sentences splits the paragraph text[start:end] after ., ! or ? (and
// any closing quotes or brackets) followed by white space and a capital,
// digit or opening quote, unless the period ends an abbreviation, an
// initial or a dotted acronym (U.S.).
func sentences(text []rune, start, end int) []sentence {
	var out []sentence
	s := start
	for i := start; i < end; i++ {
		r := text[i]
		if r != '.' && r != '!' && r != '?' {
			continue
		}
		j := i + 1
		for j < end && strings.ContainsRune(closers, text[j]) {
			j++
		}
		if j >= end || !unicode.IsSpace(text[j]) {
			continue
		}
		k := j
		for k < end && unicode.IsSpace(text[k]) {
			k++
		}
		if k >= end {
			continue
		}
		next := text[k]
		if !(unicode.IsUpper(next) || unicode.IsDigit(next) || strings.ContainsRune(openers, next)) {
			continue
		}
		if r == '.' && j == i+1 && noBreakBefore(text, start, i) {
			continue
		}
		out = append(out, sentence{start: s, end: j})
		s = k
	}
	if s < end {
		out = append(out, sentence{start: s, end: end})
	}
	return out
}

// noBreakBefore reports whether the period at text[i] ends an
// abbreviation, an initial or a dotted acronym.
func noBreakBefore(text []rune, start, i int) bool {
	w := i
	for w > start && (unicode.IsLetter(text[w-1]) || text[w-1] == '.') {
		w--
	}
	word := string(text[w:i])
	if word == "" {
		return false
	}
	if abbreviations[strings.ToLower(word)] {
		return true
	}
	rs := []rune(word)
	if len(rs) == 1 && unicode.IsUpper(rs[0]) {
		return true // an initial: "J. Smith"
	}
	if strings.Contains(word, ".") {
		return true // U.S., U.N., e.g.
	}
	return false
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func isApos(r rune) bool { return r == '\'' || r == '’' }

// tokenize splits text[start:end] into tokens.
func tokenize(text []rune, start, end int) []token {
	var out []token
	at := func(i int) rune {
		if i < end && i >= start {
			return text[i]
		}
		return 0
	}
	for i := start; i < end; {
		r := text[i]
		if unicode.IsSpace(r) {
			i++
			continue
		}
		if !isWordRune(r) {
			out = append(out, newToken(text, i, i+1, true))
			i++
			continue
		}
		j := i
		hyphen := false
		poss := false
		for j < end {
			c := text[j]
			switch {
			case isWordRune(c):
				j++
				continue
			case (c == '-' || c == '‑') && isWordRune(at(j+1)) && j > i:
				hyphen = true
				j++
				continue
			case c == '.' && j > i && unicode.IsLetter(text[j-1]) && isDottedAcronym(text[i:j]) && (unicode.IsUpper(at(j+1)) || !isWordRune(at(j+1))):
				// U.S. / U.N.: keep the dots; a final dot belongs to the
				// acronym.
				j++
				continue
			case c == '+' && isWordRune(at(j+1)):
				j++
				continue
			case isApos(c) && (at(j+1) == 's' || at(j+1) == 'S') && !isWordRune(at(j+2)):
				poss = true
			case isApos(c) && isWordRune(at(j+1)):
				j++ // doesn't, al-Qa'ida
				continue
			case isApos(c) && j > i && (text[j-1] == 's') && !isWordRune(at(j+1)):
				poss = true // plural possessive: Iranians’
			}
			break
		}
		t := newToken(text, i, j, false)
		t.hyphen = hyphen
		t.poss = poss
		out = append(out, t)
		i = j
		if poss {
			i++ // the apostrophe
			if i < end && (text[i] == 's' || text[i] == 'S') && !isWordRune(at(i+1)) {
				i++
			}
		}
	}
	return out
}

// isDottedAcronym reports whether w (the word so far, before a period)
// looks like U or U.S or U.N: single capitals separated by dots.
func isDottedAcronym(w []rune) bool {
	for k, r := range w {
		if k%2 == 0 {
			if !unicode.IsUpper(r) {
				return false
			}
		} else if r != '.' {
			return false
		}
	}
	return len(w)%2 == 1
}

func newToken(text []rune, i, j int, punct bool) token {
	s := string(text[i:j])
	n := strings.ReplaceAll(s, "’", "'")
	return token{text: s, norm: n, low: strings.ToLower(n), start: i, end: j, punct: punct}
}
