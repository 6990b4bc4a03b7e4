package decide

import (
	"bytes"
	"fmt"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	parley "github.com/parley-forecast/parley"
)

// Row tags of the format.
const (
	tagActor   = "#A"
	tagIssue   = "#P"
	tagPoint   = "#M"
	tagStance  = "#D"
	tagComment = "#/"
	tagAbout   = "#O"
)

// field is one delimited field of a row with the column (in characters,
// from 1) where it starts.
type field struct {
	text string
	col  int
}

// row is one tagged line of the file.
type row struct {
	line   int
	tag    string
	fields []field // after the tag
}

// Parse reads a file in decide's tagged format and returns the scenario it
// describes: one actor per #A row, one issue per #P row on the scale its
// #M rows span (0–100 when it has none), and one stance per #D row with
// the row's position, salience and power (as the stance's capability).
//
// name is used in error positions only. Problems are reported together as
// parley.Diagnostics, each naming name:line:col and what was expected.
// See the package documentation for the mapping of identifiers and the
// salience scale.
func Parse(name string, data []byte) (*parley.Scenario, error) {
	p := &parser{name: name}
	rows := p.rows(data)
	sc := p.build(rows)
	if len(p.diags) > 0 {
		p.diags.Sort()
		return nil, p.diags
	}
	title := strings.TrimSuffix(path.Base(strings.ReplaceAll(name, "\\", "/")), path.Ext(name))
	if p.about != "" {
		title = p.about
	}
	if title == "" || title == "." || title == "/" {
		title = "decide data"
	}
	sc.Title = title
	return sc, nil
}

// Sniff reports whether head, the start of a file, looks like decide's
// format: its first line that is not blank starts with one of the tags,
// quoted or not. Command lines can use it to detect the format.
func Sniff(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	for _, line := range strings.Split(string(head), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		tag, _, ok := leadingTag(line)
		if !ok {
			return false
		}
		switch tag {
		case tagActor, tagIssue, tagPoint, tagStance, tagComment, tagAbout:
			return true
		}
		return false
	}
	return false
}

type parser struct {
	name  string
	diags parley.Diagnostics
	about string // text of the first #O row
}

func (p *parser) errorf(line, col int, format string, args ...any) {
	p.diags = append(p.diags, parley.Diagnostic{
		Pos:      parley.Pos{File: p.name, Line: line, Col: col},
		Message:  fmt.Sprintf(format, args...),
		Severity: parley.SevError,
	})
}

// rows splits data into tagged rows, skipping blank lines.
func (p *parser) rows(data []byte) []row {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	lines := strings.Split(string(data), "\n")
	for i := range lines {
		lines[i] = strings.TrimSuffix(lines[i], "\r")
	}
	delim, ok := p.delimiter(lines)
	if !ok {
		return nil
	}
	var out []row
	for i, text := range lines {
		line := i + 1
		if strings.TrimSpace(text) == "" {
			continue
		}
		if !utf8.ValidString(text) {
			p.errorf(line, 0, "line is not valid UTF-8 text")
			continue
		}
		fs, err := split(text, delim)
		if err != nil {
			p.errorf(line, err.col, "%s", err.msg)
			continue
		}
		tag := fs[0]
		r := row{line: line, tag: tag.text, fields: fs[1:]}
		switch tag.text {
		case tagActor, tagIssue, tagPoint, tagStance, tagComment, tagAbout:
		default:
			p.errorf(line, tag.col, "unknown row tag %q: want #A (actor), #P (issue), #M (scale point), #D (actor on issue), #/ (comment) or #O (description)", clip(tag.text))
			continue
		}
		out = append(out, r)
	}
	return out
}

// delimiter finds the field delimiter: the character after the tag of the
// first data row (#A, #P, #M or #D), else of the first tagged row. It must
// be a TAB, ';' or ','.
func (p *parser) delimiter(lines []string) (byte, bool) {
	first := -1
	for pass := 0; pass < 2; pass++ {
		for i, text := range lines {
			if strings.TrimSpace(text) == "" {
				continue
			}
			tag, rest, ok := leadingTag(text)
			if !ok {
				continue
			}
			if pass == 0 && tag != tagActor && tag != tagIssue && tag != tagPoint && tag != tagStance {
				continue
			}
			if rest == len(text) {
				if first < 0 {
					first = i
				}
				continue // the tag alone: nothing to learn from
			}
			switch c := text[rest]; c {
			case '\t', ';', ',':
				return c, true
			default:
				p.errorf(i+1, utf8.RuneCountInString(text[:rest])+1,
					"cannot tell the field delimiter: want a TAB, ';' or ',' after the tag %s", tag)
				return 0, false
			}
		}
	}
	if first >= 0 {
		return '\t', true // only bare tags: any delimiter will do
	}
	for i, text := range lines {
		if strings.TrimSpace(text) != "" {
			p.errorf(i+1, 1, "want a tagged row such as #A, #P, #M or #D")
			return 0, false
		}
	}
	p.errorf(1, 0, "the file is empty: want #A, #P and #D rows")
	return 0, false
}

// leadingTag returns the tag at the start of text (unquoted, or quoted
// with ' or ") and the byte offset just after it.
func leadingTag(text string) (string, int, bool) {
	if len(text) >= 4 && (text[0] == '\'' || text[0] == '"') && text[1] == '#' && text[3] == text[0] {
		return text[1:3], 4, true
	}
	if len(text) >= 2 && text[0] == '#' {
		_, size := utf8.DecodeRuneInString(text[1:])
		return text[:1+size], 1 + size, true
	}
	return "", 0, false
}

type splitError struct {
	col int
	msg string
}

// split cuts one line into fields at delim. A field that starts with a
// single or double quote runs to the matching closing quote, with a
// doubled quote standing for the quote itself. Fields are trimmed of
// surrounding spaces.
func split(text string, delim byte) ([]field, *splitError) {
	var out []field
	i := 0
	col := func(off int) int { return utf8.RuneCountInString(text[:off]) + 1 }
	for {
		// skip spaces before the field (never the delimiter itself)
		for i < len(text) && text[i] == ' ' && delim != ' ' {
			i++
		}
		start := i
		if i < len(text) && (text[i] == '\'' || text[i] == '"') {
			q := text[i]
			var b strings.Builder
			j := i + 1
			closed := false
			for j < len(text) {
				if text[j] == q {
					if j+1 < len(text) && text[j+1] == q {
						b.WriteByte(q)
						j += 2
						continue
					}
					closed = true
					j++
					break
				}
				b.WriteByte(text[j])
				j++
			}
			if !closed {
				return nil, &splitError{col(start), fmt.Sprintf("quoted field has no closing %c", q)}
			}
			for j < len(text) && text[j] == ' ' {
				j++
			}
			if j < len(text) && text[j] != delim {
				return nil, &splitError{col(j), fmt.Sprintf("unexpected text after the closing %c: want the field delimiter %s", q, delimName(delim))}
			}
			out = append(out, field{text: b.String(), col: col(start)})
			if j >= len(text) {
				return out, nil
			}
			i = j + 1
			continue
		}
		end := strings.IndexByte(text[i:], delim)
		if end < 0 {
			out = append(out, field{text: strings.TrimSpace(text[i:]), col: col(start)})
			return out, nil
		}
		out = append(out, field{text: strings.TrimSpace(text[i : i+end]), col: col(start)})
		i += end + 1
	}
}

func delimName(d byte) string {
	if d == '\t' {
		return "TAB"
	}
	return fmt.Sprintf("%q", d)
}

// clip shortens s for messages.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	r := []rune(s)
	return string(r[:40]) + "…"
}

// rest joins fields[i:] with spaces, as decide does with surplus fields.
func rest(fs []field, i int) string {
	if i >= len(fs) {
		return ""
	}
	parts := make([]string, 0, len(fs)-i)
	for _, f := range fs[i:] {
		parts = append(parts, f.text)
	}
	return strings.TrimSpace(strings.Join(parts, " "))
}

type actorRow struct {
	id, name, note string
	line, col      int
}

type issueRow struct {
	id, desc  string
	line, col int
	lo, hi    float64
	hasPoints bool
	anchors   []parley.Anchor
}

type stanceRow struct {
	actor, issue             string
	x, s, c                  float64
	note                     string
	line                     int
	actorCol, issCol, posCol int
	xok                      bool // the position is a number
	ok                       bool // every number is valid
}

// build checks the rows and assembles the scenario.
func (p *parser) build(rows []row) *parley.Scenario {
	var actors []*actorRow
	var issues []*issueRow
	actorByID := map[string]*actorRow{}
	issueByID := map[string]*issueRow{}
	type pointRow struct {
		r       row
		issue   string
		x       float64
		meaning string
	}
	var points []pointRow
	var stances []stanceRow
	endCol := func(r row) int {
		if len(r.fields) == 0 {
			return 3
		}
		last := r.fields[len(r.fields)-1]
		return last.col + utf8.RuneCountInString(last.text)
	}
	need := func(r row, n int, what string) bool {
		if len(r.fields) >= n && r.fields[n-1].text != "" {
			return true
		}
		col := endCol(r)
		if len(r.fields) >= n {
			col = r.fields[n-1].col
		}
		p.errorf(r.line, col, "%s row: missing %s", r.tag, what)
		return false
	}
	for _, r := range rows {
		switch r.tag {
		case tagComment:
		case tagAbout:
			if p.about == "" {
				p.about = rest(r.fields, 0)
			}
		case tagActor:
			if !need(r, 1, "the actor id (want #A, id, full name)") {
				continue
			}
			id := r.fields[0].text
			if prev, dup := actorByID[id]; dup {
				p.errorf(r.line, r.fields[0].col, "actor %q is declared twice (first at line %d)", clip(id), prev.line)
				continue
			}
			a := &actorRow{id: id, line: r.line, col: r.fields[0].col, name: id}
			if len(r.fields) > 1 && r.fields[1].text != "" {
				a.name = r.fields[1].text
			}
			a.note = rest(r.fields, 2)
			actors = append(actors, a)
			actorByID[id] = a
		case tagIssue:
			if !need(r, 1, "the issue id (want #P, id, description)") {
				continue
			}
			id := r.fields[0].text
			if prev, dup := issueByID[id]; dup {
				p.errorf(r.line, r.fields[0].col, "issue %q is declared twice (first at line %d)", clip(id), prev.line)
				continue
			}
			is := &issueRow{id: id, line: r.line, col: r.fields[0].col}
			var parts []string
			for _, t := range []string{rest(r.fields[:min(len(r.fields), 2)], 1), rest(r.fields, 2)} {
				if t != "" && t != id && (len(parts) == 0 || parts[0] != t) {
					parts = append(parts, t)
				}
			}
			is.desc = strings.Join(parts, "; ")
			issues = append(issues, is)
			issueByID[id] = is
		case tagPoint:
			if !need(r, 1, "the issue id (want #M, issue id, position, meaning)") ||
				!need(r, 2, "the position (want #M, issue id, position, meaning)") {
				continue
			}
			x, ok := p.number(r, 1, "scale position")
			if !ok {
				continue
			}
			points = append(points, pointRow{r: r, issue: r.fields[0].text, x: x, meaning: rest(r.fields, 2)})
		case tagStance:
			const want = "(want #D, actor, issue, position, salience, power)"
			if !need(r, 1, "the actor id "+want) || !need(r, 2, "the issue id "+want) ||
				!need(r, 3, "the position "+want) || !need(r, 4, "the salience "+want) ||
				!need(r, 5, "the power "+want) {
				continue
			}
			x, okx := p.number(r, 2, "position")
			s, oks := p.number(r, 3, "salience")
			c, okc := p.number(r, 4, "power")
			if oks && (s < 0 || s > 100) {
				p.errorf(r.line, r.fields[3].col, "salience %s is out of range: want a number from 0 to 1 (or 0 to 100)", r.fields[3].text)
				oks = false
			}
			if okc && c < 0 {
				p.errorf(r.line, r.fields[4].col, "power %s is negative: want a number of at least 0", r.fields[4].text)
				okc = false
			}
			stances = append(stances, stanceRow{
				actor: r.fields[0].text, issue: r.fields[1].text,
				x: x, s: s, c: c, note: rest(r.fields, 5), line: r.line,
				actorCol: r.fields[0].col, issCol: r.fields[1].col, posCol: r.fields[2].col,
				xok: okx, ok: okx && oks && okc,
			})
		}
	}

	if len(rows) > 0 && len(actors) == 0 {
		p.errorf(rows[0].line, 0, "the file declares no actors: want at least one #A row")
	}
	if len(rows) > 0 && len(issues) == 0 {
		p.errorf(rows[0].line, 0, "the file declares no issues: want at least one #P row")
	}

	// Scale points give each issue its bounds: the smallest and largest.
	for _, pt := range points {
		is, ok := issueByID[pt.issue]
		if !ok {
			p.errorf(pt.r.line, pt.r.fields[0].col, "scale point for issue %q, which no #P row declares", clip(pt.issue))
			continue
		}
		if !is.hasPoints {
			is.lo, is.hi, is.hasPoints = pt.x, pt.x, true
		} else {
			is.lo = math.Min(is.lo, pt.x)
			is.hi = math.Max(is.hi, pt.x)
		}
		if pt.meaning != "" {
			is.anchors = append(is.anchors, parley.Anchor{Value: pt.x, Label: pt.meaning})
		}
	}
	for _, is := range issues {
		if !is.hasPoints {
			is.lo, is.hi = 0, 100
			continue
		}
		if !(is.lo < is.hi) {
			p.errorf(is.line, is.col, "issue %q: its #M rows give the single point %s; a scale needs two different points", clip(is.id), fmtNum(is.lo))
		}
	}

	seen := map[[2]string]int{}
	maxSal := 0.0
	var good []stanceRow
	for _, st := range stances {
		a, aok := actorByID[st.actor]
		is, iok := issueByID[st.issue]
		if !aok {
			p.errorf(st.line, st.actorCol, "actor %q has no #A row", clip(st.actor))
		}
		if !iok {
			p.errorf(st.line, st.issCol, "issue %q has no #P row", clip(st.issue))
		}
		if !aok || !iok {
			continue
		}
		key := [2]string{a.id, is.id}
		if prev, dup := seen[key]; dup {
			p.errorf(st.line, st.actorCol, "actor %q already has a row for issue %q (line %d)", clip(a.id), clip(is.id), prev)
			continue
		}
		seen[key] = st.line
		if st.xok && is.lo < is.hi && (st.x < is.lo || st.x > is.hi) {
			p.errorf(st.line, st.posCol, "position %s is outside the scale of issue %q: want a number from %s to %s",
				fmtNum(st.x), clip(is.id), fmtNum(is.lo), fmtNum(is.hi))
			continue
		}
		maxSal = math.Max(maxSal, st.s)
		good = append(good, st)
	}
	if len(p.diags) > 0 {
		return nil
	}

	// Salience: decide files give 0–1, DEU-style files 0–100.
	salScale := 1.0
	if maxSal > 1 {
		salScale = 100
	}

	sc := &parley.Scenario{}
	actorIDs := newIDMap(actorIDChar, "actor", func(r rune) bool { return isAlnum(r) })
	issueIDs := newIDMap(issueIDChar, "issue", func(r rune) bool { return isLetter(r) })
	capSum := map[string]float64{}
	capN := map[string]int{}
	for _, st := range good {
		capSum[st.actor] += st.c
		capN[st.actor]++
	}
	for _, a := range actors {
		cap := 0.0
		if capN[a.id] > 0 {
			cap = capSum[a.id] / float64(capN[a.id])
		}
		sc.Actors = append(sc.Actors, parley.Actor{
			ID:         actorIDs.add(a.id),
			Name:       a.name,
			Capability: parley.Point(cap),
			Note:       a.note,
		})
	}
	for _, is := range issues {
		anchors := is.anchors
		sort.SliceStable(anchors, func(i, j int) bool { return anchors[i].Value < anchors[j].Value })
		sc.Issues = append(sc.Issues, parley.Issue{
			ID:          issueIDs.add(is.id),
			Name:        is.id,
			Description: is.desc,
			Scale:       parley.Scale{Min: is.lo, Max: is.hi, Anchors: anchors},
			Rule:        parley.RuleMean,
		})
	}
	for _, st := range good {
		c := parley.Point(st.c)
		sc.Stances = append(sc.Stances, parley.Stance{
			Actor:      actorIDs.ids[st.actor],
			Issue:      issueIDs.ids[st.issue],
			Position:   parley.Point(st.x),
			Salience:   parley.Point(st.s / salScale),
			Capability: &c,
			Assumption: fmt.Sprintf("as given in the decide file %s, line %d", p.name, st.line),
			Note:       st.note,
		})
	}
	return sc
}

// number parses field i of r as a finite number.
func (p *parser) number(r row, i int, what string) (float64, bool) {
	f := r.fields[i]
	x, err := strconv.ParseFloat(f.text, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		p.errorf(r.line, f.col, "%s %q is not a number: want a decimal such as 0.75", what, clip(f.text))
		return 0, false
	}
	return x, true
}

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func isLetter(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' }
func isDigit(r rune) bool  { return r >= '0' && r <= '9' }
func isAlnum(r rune) bool  { return isLetter(r) || isDigit(r) }

// issueIDChar reports the characters Parley allows in issue ids.
func issueIDChar(r rune) bool { return isAlnum(r) || r == '_' }

// actorIDChar reports the characters Parley allows in actor ids.
func actorIDChar(r rune) bool { return isAlnum(r) || r == '_' || r == '.' || r == '-' }

// idMap turns decide's free-form ids into Parley ids, deterministically
// and without collisions.
type idMap struct {
	ok     func(rune) bool
	start  func(rune) bool
	prefix string
	ids    map[string]string // decide id -> Parley id
	used   map[string]bool
}

func newIDMap(ok func(rune) bool, prefix string, start func(rune) bool) *idMap {
	return &idMap{ok: ok, start: start, prefix: prefix, ids: map[string]string{}, used: map[string]bool{}}
}

// add returns the Parley id for decide id s. See Sanitize.
func (m *idMap) add(s string) string {
	base := sanitize(s, m.ok, m.start, m.prefix)
	id := base
	for n := 2; m.used[id]; n++ {
		id = base + "_" + strconv.Itoa(n)
	}
	m.used[id] = true
	m.ids[s] = id
	return id
}

// sanitize replaces each run of characters that ok rejects with one '_',
// drops '_' at either end that came from such a run, and prefixes
// prefix+"_" when the result does not begin with a character start
// accepts (or is empty).
func sanitize(s string, ok, start func(rune) bool, prefix string) string {
	var b strings.Builder
	pending := false
	for _, r := range s {
		if ok(r) {
			if pending && b.Len() > 0 {
				b.WriteByte('_')
			}
			pending = false
			b.WriteRune(r)
			continue
		}
		pending = true
	}
	out := b.String()
	if out == "" {
		return prefix
	}
	if r, _ := utf8.DecodeRuneInString(out); !start(r) {
		out = prefix + "_" + out
	}
	return out
}

// IssueID returns the Parley issue id Parse gives a decide issue id when
// it does not collide with another: runs of characters other than ASCII
// letters, digits and '_' become one '_' (so "tolheffing-binnenstad"
// becomes "tolheffing_binnenstad"), and "issue_" is prefixed when the
// result does not start with a letter.
func IssueID(s string) string { return sanitize(s, issueIDChar, isLetter, "issue") }

// ActorID returns the Parley actor id Parse gives a decide actor id when
// it does not collide with another: runs of characters other than ASCII
// letters, digits, '_', '.' and '-' become one '_' (so "EU (incl Norway)"
// becomes "EU_incl_Norway"), and "actor_" is prefixed when the result does
// not start with a letter or digit.
func ActorID(s string) string { return sanitize(s, actorIDChar, isAlnum, "actor") }
