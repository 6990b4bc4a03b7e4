package ktab

import (
	"bytes"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/parley-forecast/parley"
)

// Parameter names in File.Params. They are the smp model's option names
// (see package model/smp); the values use KTAB's spellings.
const (
	ParamVictoryProb      = "victory_prob"
	ParamPCE              = "pce"
	ParamTransitions      = "transitions"
	ParamVotingRule       = "voting_rule"
	ParamBigRAdjust       = "big_r_adjust"
	ParamBigRRange        = "big_r_range"
	ParamThirdPartyCommit = "third_party_commit"
	ParamInterp           = "interp"
	ParamBargainModel     = "bargain_model"
	ParamAccommodation    = "accommodation"
)

// KTAB's scale: positions and saliences are given on 0-100 in its files.
const (
	ScaleMin = 0
	ScaleMax = 100
)

// A File is a KTAB scenario: the Parley scenario it describes, and the
// model options it carries.
type File struct {
	// Scenario has one actor per KTAB actor, one issue per KTAB dimension
	// on the scale [0,100], and one stance per actor and dimension.
	Scenario *parley.Scenario
	// Params holds the smp model options the file sets (KTAB's XML
	// ModelParameters and IdealAdjustment); pass it as
	// parley.Options.Params. It is empty for CSV files.
	Params map[string]string
	// Seed is the XML file's prngSeed, 0 when there is none (always for
	// CSV). KTAB uses it only for stochastic transitions.
	Seed uint64
}

// Parse reads a KTAB scenario, choosing the format by name's extension
// (.csv or .xml, any case) or, failing that, by whether the data starts
// with '<'.
func Parse(name string, data []byte) (*File, error) {
	switch strings.ToLower(path.Ext(name)) {
	case ".csv":
		return ParseCSV(name, data)
	case ".xml":
		return ParseXML(name, data)
	}
	if bytes.HasPrefix(bytes.TrimSpace(bytes.TrimPrefix(data, bom)), []byte("<")) {
		return ParseXML(name, data)
	}
	return ParseCSV(name, data)
}

var bom = []byte("\xef\xbb\xbf")

// errAt returns a one-entry Diagnostics at file:line:col.
func errAt(file string, line, col int, format string, args ...any) parley.Diagnostics {
	return parley.Diagnostics{{
		Pos:      parley.Pos{File: file, Line: line, Col: col},
		Message:  fmt.Sprintf(format, args...),
		Severity: parley.SevError,
	}}
}

// ids turns KTAB names into unique identifiers matching Parley's id
// patterns: characters outside the allowed set become '_', a name that
// does not start as the pattern requires gets a prefix, and repeats get a
// numeric suffix.
type ids struct {
	used   map[string]bool
	issue  bool // issue ids: ^[A-Za-z][A-Za-z0-9_]*$; actor ids: ^[A-Za-z0-9][A-Za-z0-9_.-]*$
	prefix string
}

func newIDs(issue bool, prefix string) *ids {
	return &ids{used: map[string]bool{}, issue: issue, prefix: prefix}
}

func (g *ids) make(name string, fallback int) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		case !g.issue && (r == '.' || r == '-'):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	id := strings.Trim(b.String(), "_")
	if id == "" {
		id = g.prefix + strconv.Itoa(fallback)
	}
	first := id[0]
	letter := first >= 'a' && first <= 'z' || first >= 'A' && first <= 'Z'
	digit := first >= '0' && first <= '9'
	if g.issue && !letter || !g.issue && !letter && !digit {
		id = g.prefix + id
	}
	base := id
	for k := 2; g.used[id]; k++ {
		id = base + "_" + strconv.Itoa(k)
	}
	g.used[id] = true
	return id
}

// builder assembles a scenario from KTAB's tables.
type builder struct {
	title, desc string
	dims        []string
	actors      []actorRow
}

type actorRow struct {
	name, desc string
	cap        float64
	pos, sal   []float64 // on 0-100
}

func (b *builder) scenario(file string) *parley.Scenario {
	s := &parley.Scenario{
		Title:       strings.TrimSpace(b.title),
		Description: strings.TrimSpace(b.desc),
	}
	if s.Title == "" {
		s.Title = strings.TrimSuffix(path.Base(file), path.Ext(file))
	}
	if s.Title == "" || s.Title == "." || s.Title == "/" {
		s.Title = "KTAB scenario"
	}
	issueIDs := newIDs(true, "dim")
	for k, d := range b.dims {
		name := strings.TrimSpace(d)
		if name == "" {
			name = fmt.Sprintf("Dimension %d", k+1)
		}
		s.Issues = append(s.Issues, parley.Issue{
			ID:    issueIDs.make(name, k+1),
			Name:  name,
			Scale: parley.Scale{Min: ScaleMin, Max: ScaleMax},
		})
	}
	actorIDs := newIDs(false, "actor")
	for i, a := range b.actors {
		id := actorIDs.make(a.name, i+1)
		s.Actors = append(s.Actors, parley.Actor{
			ID:         id,
			Name:       strings.TrimSpace(a.name),
			Capability: parley.Point(a.cap),
			Note:       strings.TrimSpace(a.desc),
		})
		for k := range b.dims {
			s.Stances = append(s.Stances, parley.Stance{
				Actor:      id,
				Issue:      s.Issues[k].ID,
				Position:   parley.Point(a.pos[k]),
				Salience:   parley.Point(a.sal[k] / 100),
				Assumption: "as given in the KTAB scenario file",
			})
		}
	}
	return s
}

// parseNumber reads a decimal number, rejecting NaN and infinities.
func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != f || f > 1e300 || f < -1e300 {
		return 0, false
	}
	return f, true
}

// Sniff reports whether head, the first bytes of a file, looks like a KTAB
// scenario: XML whose root is <Scenario> (with KTAB's <Actors> or
// <Dimensions>), or CSV whose first non-blank line has a name, a
// description and two positive integers (actors, dimensions) and whose next
// line has at least five fields.
func Sniff(head []byte) bool {
	head = bytes.TrimPrefix(head, bom)
	t := bytes.TrimSpace(head)
	if bytes.HasPrefix(t, []byte("<")) {
		return bytes.Contains(t, []byte("<Scenario")) &&
			(bytes.Contains(t, []byte("<Actors")) || bytes.Contains(t, []byte("<Dimensions")) || bytes.Contains(t, []byte("<prngSeed")))
	}
	var lines []string
	for _, l := range strings.Split(string(head), "\n") {
		l = strings.TrimSuffix(l, "\r")
		if blankLine(l) {
			continue
		}
		lines = append(lines, l)
		if len(lines) == 2 {
			break
		}
	}
	if len(lines) < 2 {
		return false
	}
	f1, err := splitCSVLine("", 1, lines[0])
	if err != nil || len(f1) < 4 {
		return false
	}
	for _, f := range f1[2:4] {
		if v, err := strconv.Atoi(strings.TrimSpace(f.text)); err != nil || v < 1 {
			return false
		}
	}
	f2, err := splitCSVLine("", 2, lines[1])
	return err == nil && len(f2) >= 5
}
