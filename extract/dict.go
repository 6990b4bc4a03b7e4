package extract

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"

	"github.com/parley-forecast/parley"
)

//go:embed data/dictionary.txt
var builtinDict []byte

// Alias kinds: how an alias names its actor, which decides whether a
// mention of it can be an agent.
const (
	AliasName    = "name"    // a proper name (Russia, the Houthis)
	AliasMetonym = "metonym" // a capital or seat of power (Moscow, the Kremlin)
	AliasPerson  = "person"  // a leader or official (Lavrov)
	AliasPeople  = "people"  // the nation as a plural noun (the Iranians)
	AliasDemonym = "demonym" // an adjective (Russian): attributive
)

var aliasKinds = []string{AliasName, AliasMetonym, AliasPerson, AliasPeople, AliasDemonym}

// An ActorEntry is one actor of a Dictionary.
type ActorEntry struct {
	ID      string
	Kind    parley.ActorKind
	Name    string
	Aliases []Alias
}

// An Alias is one way the text may name an actor.
type Alias struct {
	Text string
	Kind string
}

// An IssueEntry is one issue of a Dictionary with its keywords.
type IssueEntry struct {
	ID    string
	Name  string
	Terms []string
}

// A Dictionary holds the actors and issues the extractor knows.
type Dictionary struct {
	Actors []*ActorEntry
	Issues []*IssueEntry
}

// Builtin returns a fresh copy of Parley's built-in dictionary.
func Builtin() *Dictionary {
	d, err := ParseDictionary("builtin dictionary", builtinDict)
	if err != nil {
		panic(err) // the embedded file is tested
	}
	return d
}

var (
	actorIDRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	issueIDRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
)

// ParseDictionary reads a dictionary file (the format of
// data/dictionary.txt, described in docs/extraction.md). Problems are
// returned as parley.Diagnostics positioned at name:line:col.
func ParseDictionary(name string, data []byte) (*Dictionary, error) {
	d := &Dictionary{}
	var ds parley.Diagnostics
	bad := func(line, col int, format string, args ...any) {
		ds = append(ds, parley.Diagnostic{Pos: parley.Pos{File: name, Line: line, Col: col}, Message: fmt.Sprintf(format, args...), Severity: parley.SevError})
	}
	var actor *ActorEntry
	var issue *IssueEntry
	// rejected is set while reading the indented lines under a top-level
	// line that was reported: they are skipped, not reported again as
	// following no actor or issue.
	rejected := false
	actors, issues := map[string]bool{}, map[string]bool{}
	for i, raw := range strings.Split(string(data), "\n") {
		line := i + 1
		text := strings.TrimRight(raw, "\r \t")
		if j := strings.Index(text, "#"); j >= 0 && (j == 0 || text[j-1] == ' ' || text[j-1] == '\t') {
			text = strings.TrimRight(text[:j], " \t")
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		indented := text[0] == ' ' || text[0] == '\t'
		col := len(text) - len(strings.TrimLeft(text, " \t")) + 1
		fields := strings.Fields(text)
		key := fields[0]
		fieldCol := func(n int) int {
			// The column of the n-th field (from 0).
			c, k, in := 0, -1, false
			for j, r := range text {
				sp := r == ' ' || r == '\t'
				if !sp && !in {
					k++
					if k == n {
						return j + 1
					}
				}
				in = !sp
				c = j
			}
			return c + 1
		}
		rest := strings.TrimSpace(strings.TrimLeft(text, " \t")[len(key):])
		if !indented {
			actor, issue = nil, nil
			rejected = true // until the line is accepted below
			switch key {
			case "actor":
				if len(fields) < 4 {
					bad(line, col, "want \"actor ID KIND NAME\", got %q", strings.TrimSpace(text))
					continue
				}
				id, kind := fields[1], parley.ActorKind(fields[2])
				if !actorIDRe.MatchString(id) {
					bad(line, fieldCol(1), "actor id %q must match %s", id, actorIDRe)
					continue
				}
				okKind := false
				for _, k := range parley.ActorKinds {
					okKind = okKind || k == kind
				}
				if !okKind {
					bad(line, fieldCol(2), "actor kind must be one of %s, got %q", kindList(), kind)
					continue
				}
				if actors[id] {
					bad(line, fieldCol(1), "duplicate actor %q", id)
					continue
				}
				actors[id] = true
				actor = &ActorEntry{ID: id, Kind: kind, Name: strings.TrimSpace(text[fieldCol(3)-1:])}
				d.Actors = append(d.Actors, actor)
				rejected = false
			case "issue":
				if len(fields) < 3 {
					bad(line, col, "want \"issue ID NAME\", got %q", strings.TrimSpace(text))
					continue
				}
				id := fields[1]
				if !issueIDRe.MatchString(id) {
					bad(line, fieldCol(1), "issue id %q must match %s", id, issueIDRe)
					continue
				}
				if issues[id] {
					bad(line, fieldCol(1), "duplicate issue %q", id)
					continue
				}
				issues[id] = true
				issue = &IssueEntry{ID: id, Name: strings.TrimSpace(text[fieldCol(2)-1:])}
				d.Issues = append(d.Issues, issue)
				rejected = false
			default:
				bad(line, col, "want \"actor\" or \"issue\" at the start of a line, got %q (alias lines are indented)", key)
			}
			continue
		}
		values := splitList(rest)
		switch {
		case actor != nil:
			if !contains(aliasKinds, key) {
				bad(line, col, "want one of %s under an actor, got %q", strings.Join(aliasKinds, ", "), key)
				continue
			}
			if len(values) == 0 {
				bad(line, col+len(key)+1, "%s needs at least one value", key)
			}
			for _, v := range values {
				actor.Aliases = append(actor.Aliases, Alias{Text: v, Kind: key})
			}
		case issue != nil:
			if key != "term" {
				bad(line, col, "want \"term\" under an issue, got %q", key)
				continue
			}
			if len(values) == 0 {
				bad(line, col+len(key)+1, "term needs at least one value")
			}
			issue.Terms = append(issue.Terms, values...)
		case rejected:
			// The line it belongs to has been reported.
		default:
			bad(line, col, "an indented line must follow an actor or issue line")
		}
	}
	if len(ds) > 0 {
		return nil, ds
	}
	return d, nil
}

func kindList() string {
	s := make([]string, len(parley.ActorKinds))
	for i, k := range parley.ActorKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// Merge adds the actors and issues of o to d: a new id is appended, a known
// id gets o's aliases or terms, and o's display name and kind when given.
// An alias that o gives to one actor is taken from any other actor of d,
// so that a user's file can re-point a name (France → e3).
func (d *Dictionary) Merge(o *Dictionary) {
	for _, a := range o.Actors {
		for _, al := range a.Aliases {
			for _, b := range d.Actors {
				if b.ID == a.ID {
					continue
				}
				kept := b.Aliases[:0]
				for _, x := range b.Aliases {
					if x.Text != al.Text {
						kept = append(kept, x)
					}
				}
				b.Aliases = kept
			}
		}
		if b := d.actor(a.ID); b != nil {
			b.Aliases = append(b.Aliases, a.Aliases...)
			if a.Name != "" {
				b.Name = a.Name
			}
			if a.Kind != "" {
				b.Kind = a.Kind
			}
			continue
		}
		c := *a
		c.Aliases = append([]Alias(nil), a.Aliases...)
		d.Actors = append(d.Actors, &c)
	}
	for _, is := range o.Issues {
		if b := d.issue(is.ID); b != nil {
			b.Terms = append(b.Terms, is.Terms...)
			if is.Name != "" {
				b.Name = is.Name
			}
			continue
		}
		c := *is
		c.Terms = append([]string(nil), is.Terms...)
		d.Issues = append(d.Issues, &c)
	}
}

func (d *Dictionary) actor(id string) *ActorEntry {
	for _, a := range d.Actors {
		if a.ID == id {
			return a
		}
	}
	return nil
}

func (d *Dictionary) issue(id string) *IssueEntry {
	for _, is := range d.Issues {
		if is.ID == id {
			return is
		}
	}
	return nil
}
