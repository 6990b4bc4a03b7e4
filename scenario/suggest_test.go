package scenario_test

import (
	"strings"
	"testing"

	"github.com/parley-forecast/parley/scenario"
)

// Ensure that a reference to an undeclared name is never told "did you
// mean" an id that was itself rejected: only accepted ids are offered.
// With no accepted id close, the note naming the one rejected id of that
// kind stays; with two rejected ids, neither is named.
func TestSuggestOnlyAcceptedIDs(t *testing.T) {
	const head = "title: T\nsources:\n  - {id: un report, title: UN report}\n  - {id: iaea, title: IAEA}\n"
	tests := []struct {
		name string
		doc  string
		want []string // every error, in file order
	}{{
		// "us_gov" is one edit from the rejected "us gov" and far from
		// "iran": the rejected id is named as rejected, not suggested.
		name: "actor close only to a rejected id",
		doc: head + `actors:
  - {id: us gov, name: US, capability: 1}
  - {id: iran, name: Iran, capability: 1}
issues:
  - {id: deal, name: Deal, scale: {min: 0, max: 1}}
stances:
  - {actor: us_gov, issue: deal, position: 1, salience: 1, assumption: a}
  - {actor: iran, issue: deal, position: 0, salience: 1, assumption: a}
`,
		want: []string{
			`x.yaml:3:10: sources[0].id: must be an id of letters, digits, '_', '.' and '-', starting with a letter or digit; got "un report"`,
			`x.yaml:6:10: actors[0].id: must be an id of letters, digits, '_', '.' and '-', starting with a letter or digit; got "us gov"`,
			`x.yaml:11:13: stances[0].actor: unknown actor "us_gov" (not declared; "us gov" was rejected as an id)`,
		},
	}, {
		// "nor land" (rejected) and "norland2" are both one edit from
		// "norland"; the rejected one sorts first but only the accepted
		// one may be suggested.
		name: "accepted id as close as a rejected one",
		doc: head + `actors:
  - {id: nor land, name: Norland, capability: 1}
  - {id: norland2, name: Norland 2, capability: 1}
issues:
  - {id: deal, name: Deal, scale: {min: 0, max: 1}, vetoes: [norland]}
stances:
  - {actor: nor land, issue: deal, position: 1, salience: 1, assumption: a}
  - {actor: norland2, issue: deal, position: 0, salience: 1, assumption: a}
relations:
  - {from: norland, to: norland2, kind: ally, strength: 0.5}
`,
		want: []string{
			`x.yaml:3:10: sources[0].id: must be an id of letters, digits, '_', '.' and '-', starting with a letter or digit; got "un report"`,
			`x.yaml:6:10: actors[0].id: must be an id of letters, digits, '_', '.' and '-', starting with a letter or digit; got "nor land"`,
			`x.yaml:9:62: issues[0].vetoes[0]: unknown actor "norland" (did you mean "norland2"?)`,
			`x.yaml:14:12: relations[0].from: unknown actor "norland" (did you mean "norland2"?)`,
		},
	}, {
		// Two rejected actor ids: neither is suggested nor named.
		name: "two rejected ids",
		doc: head + `actors:
  - {id: us gov, name: US, capability: 1}
  - {id: b/c, name: BC, capability: 1}
  - {id: iran, name: Iran, capability: 1}
issues:
  - {id: deal, name: Deal, scale: {min: 0, max: 1}}
stances:
  - {actor: us_gov, issue: deal, position: 1, salience: 1, assumption: a}
  - {actor: iran, issue: deal, position: 0, salience: 1, assumption: a}
`,
		want: []string{
			`x.yaml:3:10: sources[0].id: must be an id of letters, digits, '_', '.' and '-', starting with a letter or digit; got "un report"`,
			`x.yaml:6:10: actors[0].id: must be an id of letters, digits, '_', '.' and '-', starting with a letter or digit; got "us gov"`,
			`x.yaml:7:10: actors[1].id: must be an id of letters, digits, '_', '.' and '-', starting with a letter or digit; got "b/c"`,
			`x.yaml:12:13: stances[0].actor: unknown actor "us_gov"`,
		},
	}, {
		// Issues: "obs_3" is two edits from the rejected "obs-2", in a
		// stance and in a question's condition; and an evidence source
		// one edit from the rejected "un report".
		name: "issue and source close only to rejected ids",
		doc: head + `actors:
  - {id: iran, name: Iran, capability: 1}
issues:
  - {id: deal, name: Deal, scale: {min: 0, max: 1}}
  - {id: obs-2, name: Observers, scale: {min: 0, max: 10}}
stances:
  - {actor: iran, issue: deal, position: 1, salience: 1, assumption: a}
  - actor: iran
    issue: obs_3
    position: 1
    salience: 1
    evidence:
      - {source: un_report, quote: q}
questions:
  - {id: q1, when: obs_3 >= 5}
`,
		want: []string{
			`x.yaml:3:10: sources[0].id: must be an id of letters, digits, '_', '.' and '-', starting with a letter or digit; got "un report"`,
			`x.yaml:9:10: issues[1].id: must be an issue id of letters, digits and '_', starting with a letter (conditions in questions refer to it); got "obs-2"`,
			`x.yaml:13:12: stances[1].issue: unknown issue "obs_3" (not declared; "obs-2" was rejected as an id)`,
			`x.yaml:17:18: stances[1].evidence[0].source: unknown source "un_report" (not declared; "un report" was rejected as an id)`,
			`x.yaml:19:20: questions[0].when: unknown issue "obs_3" (not declared; "obs-2" was rejected as an id)`,
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ds := scenario.Parse("x.yaml", []byte(tt.doc))
			var got []string
			for _, d := range ds.Errors() {
				got = append(got, d.String())
			}
			if g, w := strings.Join(got, "\n"), strings.Join(tt.want, "\n"); g != w {
				t.Errorf("got\n%s\nwant\n%s", g, w)
			}
		})
	}
}
