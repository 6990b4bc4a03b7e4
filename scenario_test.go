package parley_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/parley-forecast/parley"
)

// smallScenario is a valid three-actor, two-issue scenario.
func smallScenario() *parley.Scenario {
	v := func(x float64) parley.Value { return parley.Point(x) }
	return &parley.Scenario{
		Title:   "Small",
		Sources: []parley.Source{{ID: "art", Title: "An article"}},
		Actors: []parley.Actor{
			{ID: "us", Name: "United States", Kind: parley.KindState, Capability: v(100)},
			{ID: "iran", Name: "Iran", Kind: parley.KindState, Capability: parley.Range(20, 30, 40)},
			{ID: "russia", Name: "Russia", Kind: parley.KindState, Capability: v(60)},
		},
		Issues: []parley.Issue{
			{ID: "nuclear", Name: "Nuclear terms", Scale: parley.Scale{Min: 0, Max: 100}},
			{ID: "scope", Name: "Scope", Scale: parley.Scale{Min: 0, Max: 100}, Vetoes: []string{"iran"}},
		},
		Stances: []parley.Stance{
			{Actor: "us", Issue: "nuclear", Position: v(80), Salience: v(.9), Evidence: []parley.Evidence{{Source: "art", Quote: "the US wants more"}}},
			{Actor: "iran", Issue: "nuclear", Position: parley.Range(30, 40, 60), Salience: v(.8), Assumption: "inferred"},
			{Actor: "russia", Issue: "nuclear", Position: v(50), Salience: v(.5), Assumption: "inferred"},
			{Actor: "us", Issue: "scope", Position: v(100), Salience: v(.7), Assumption: "inferred"},
			{Actor: "iran", Issue: "scope", Position: v(0), Salience: v(1), Capability: ptr(parley.Point(50)), Assumption: "inferred"},
		},
		Relations: []parley.Relation{{From: "russia", To: "iran", Kind: parley.RelLeverage, Strength: .3}},
		Variants: []parley.Variant{
			{ID: "russia-out", Changes: []parley.Change{{Op: parley.OpRemoveActor, Actor: "russia"}}},
			{ID: "push", Changes: []parley.Change{
				{Op: parley.OpShift, Actor: "iran", Issue: "nuclear", Position: ptr(parley.Point(30))},
				{Op: parley.OpScaleCapability, Actor: "us", Factor: 0.5},
				{Op: parley.OpSet, Actor: "russia", Issue: "scope", Position: ptr(parley.Point(20)), Salience: ptr(parley.Point(.4))},
			}},
		},
		Questions: []parley.Question{{ID: "deal", When: "nuclear >= 50 and scope > 30"}},
	}
}

func ptr[T any](x T) *T { return &x }

func TestValidateOK(t *testing.T) {
	ds := smallScenario().Validate()
	if err := ds.Err(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	// Russia has no stance on scope: fine. No warnings expected either.
	if w := ds.Warnings(); len(w) != 0 {
		t.Errorf("unexpected warnings: %v", w)
	}
}

func TestValidateReportsEverything(t *testing.T) {
	s := smallScenario()
	s.Actors = append(s.Actors, parley.Actor{ID: "us", Name: "Dup", Capability: parley.Point(-1)})
	s.Stances[0].Salience = parley.Point(1.7)
	s.Stances[1].Position = parley.Range(60, 50, 40)
	s.Stances[2].Issue = "nuclaer"
	s.Stances[3].Position = parley.Point(120)
	s.Stances[0].Evidence[0].Source = "nope"
	s.Relations[0].Strength = 2
	s.Variants[1].Changes[0].Actor = "irn"
	s.Questions[0].When = "nuclear >= 50 and scop > 30"
	ds := s.Validate().Errors()
	want := []string{
		`actors[3].id: duplicate actor id "us"`,
		`actors[3].capability: must be at least 0, got -1`,
		`stances[0].salience: must be in [0,1], got 1.7`,
		`stances[1].position: range has low 60 above high 40`,
		`stances[2].issue: unknown issue "nuclaer" (did you mean "nuclear"?)`,
		`stances[3].position: position is off the scale: must be in [0,100], got 120`,
		`stances[0].evidence[0].source: unknown source "nope"`,
		`relations[0].strength: must be in [0,1], got 2`,
		`variants[1].changes[0].actor: unknown actor "irn" (did you mean "iran"?)`,
		`questions[0].when: unknown issue "scop" (did you mean "scope"?)`,
	}
	got := ds.Error()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing diagnostic %q in:\n%s", w, got)
		}
	}
}

func TestInstance(t *testing.T) {
	in, err := smallScenario().Instance()
	if err != nil {
		t.Fatal(err)
	}
	if in.N() != 3 || in.M() != 2 {
		t.Fatalf("shape %dx%d, want 3x2", in.N(), in.M())
	}
	m := in.M()
	// Iran's position on nuclear is the mode of {30,40,60}.
	if got := in.Position[1*m+0]; got != 40 {
		t.Errorf("iran nuclear position = %v, want 40", got)
	}
	// Iran's capability on scope is overridden to 50; on nuclear it is its mode 30.
	if in.Capability[1*m+1] != 50 || in.Capability[1*m+0] != 30 {
		t.Errorf("iran capability = %v, %v; want 30, 50", in.Capability[1*m+0], in.Capability[1*m+1])
	}
	// Russia takes no part in scope.
	if in.Present(2, 1) || !math.IsNaN(in.Position[2*m+1]) || in.Capability[2*m+1] != 0 {
		t.Errorf("russia should be absent from scope")
	}
	if got := in.Issues[1].Vetoes; len(got) != 1 || got[0] != 1 {
		t.Errorf("scope vetoes = %v, want [1]", got)
	}
	if in.Issues[0].Rule != parley.RuleMedian {
		t.Errorf("default rule = %q", in.Issues[0].Rule)
	}
	if err := in.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
}

func TestWithVariant(t *testing.T) {
	s := smallScenario()
	out, err := s.WithVariant("russia-out")
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Actors) != 2 || len(out.Relations) != 0 || len(out.Stances) != 4 {
		t.Errorf("russia-out: %d actors, %d relations, %d stances; want 2, 0, 4", len(out.Actors), len(out.Relations), len(out.Stances))
	}
	if len(s.Actors) != 3 {
		t.Errorf("base scenario modified")
	}
	out, err = s.WithVariant("push")
	if err != nil {
		t.Fatal(err)
	}
	// Shift by 30 of {30,40,60} clamps the high end to 100? No: 60+30=90.
	if got := out.Stances[1].Position; got != parley.Range(60, 70, 90) {
		t.Errorf("shifted position = %v, want [60 70 90]", got)
	}
	if got := out.Actors[0].Capability; got != parley.Point(50) {
		t.Errorf("scaled capability = %v, want 50", got)
	}
	if i := len(out.Stances) - 1; out.Stances[i].Actor != "russia" || out.Stances[i].Issue != "scope" {
		t.Errorf("set did not create russia's scope stance")
	}
	if _, err := s.WithVariant("nope"); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("unknown variant: err = %v, want not_found", err)
	}
}

func TestCondition(t *testing.T) {
	out := map[string]float64{"scope": 75, "nuclear": 40, "empty": math.NaN()}
	get := func(id string) (float64, bool) { x, ok := out[id]; return x, ok }
	tests := []struct {
		src  string
		want bool
	}{
		{"scope >= 70 and nuclear >= 50", false},
		{"scope >= 70 or nuclear >= 50", true},
		{"not (scope < 70) && nuclear < 50", true},
		{"70 <= scope", true},
		{"nuclear == 40 and scope != 75", false},
		{"empty >= 0 or empty < 0", false},
		{"NOT empty != 1", true},
		{"scope > 1e1 and nuclear < -0.5e3", false},
	}
	for _, tt := range tests {
		c, err := parley.ParseCondition(tt.src)
		if err != nil {
			t.Errorf("%q: %v", tt.src, err)
			continue
		}
		got, err := c.Eval(get)
		if err != nil || got != tt.want {
			t.Errorf("%q = %v, %v; want %v", tt.src, got, err, tt.want)
		}
		b, err := c.Bind([]string{"nuclear", "scope", "empty"})
		if err != nil {
			t.Fatal(err)
		}
		if got := b.Holds([]float64{40, 75, math.NaN()}); got != tt.want {
			t.Errorf("bound %q = %v, want %v", tt.src, got, tt.want)
		}
	}
	bad := map[string]string{
		"":                                  "empty condition",
		"scope >= ":                         "col 10: want an issue id or a number",
		"scope = 3":                         "col 7: \"=\" is not an operator",
		"(scope > 1":                        "col 1: this \"(\" is never closed: want \")\" before the end of the condition",
		"x > 1 and (scope > 1 nuclear < 2)": "col 22: want \"and\", \"or\" or \")\", got \"nuclear\"",
		"scope 3":                           "want a comparison operator",
		"3 > 4":                             "needs an issue id",
		"scope > 1 nuclea":                  "unexpected \"nuclea\"",
	}
	for src, want := range bad {
		_, err := parley.ParseCondition(src)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseCondition(%q) error = %v, want it to contain %q", src, err, want)
		}
	}
}

// Condition errors carry their column apart from the message, so that
// package scenario can place them in the file.
func TestConditionErrorColumn(t *testing.T) {
	tests := []struct {
		src string
		col int
		msg string
	}{
		{"quota >= 33 and observrs => 5", 26, `"=" is not an operator: use "==" for equality or ">=", "<="`},
		{"(a > 1", 1, `this "(" is never closed: want ")" before the end of the condition`},
		{"é > 1 and", 10, `unexpected end of condition: want a comparison`},
	}
	for _, tt := range tests {
		_, err := parley.ParseCondition(tt.src)
		var ce *parley.ConditionError
		if !errors.As(err, &ce) {
			t.Errorf("ParseCondition(%q) error = %v (%T), want a *ConditionError", tt.src, err, err)
			continue
		}
		if ce.Col != tt.col || ce.Msg != tt.msg {
			t.Errorf("ParseCondition(%q) = col %d %q, want col %d %q", tt.src, ce.Col, ce.Msg, tt.col, tt.msg)
		}
		if want := fmt.Sprintf("col %d: %s", tt.col, tt.msg); err.Error() != want {
			t.Errorf("ParseCondition(%q) error = %q, want %q", tt.src, err, want)
		}
	}
}

func TestCheckQuotes(t *testing.T) {
	s := smallScenario()
	s.Stances[0].Evidence = append(s.Stances[0].Evidence, parley.Evidence{Source: "art", Quote: "the  US\nwants less"})
	text := "In short, the US wants more — and\nIran wants less."
	ds := parley.CheckQuotes(s, map[string]string{"art": text})
	if len(ds) != 1 || ds[0].Path != "stances[0].evidence[1].quote" || !strings.Contains(ds[0].Message, `differs at "less"`) {
		t.Errorf("CheckQuotes = %v", ds)
	}
	if ds := parley.CheckQuotes(s, nil); len(ds) != 0 {
		t.Errorf("without texts nothing is checked, got %v", ds)
	}
}

func TestUncertain(t *testing.T) {
	s := smallScenario()
	us := s.Uncertain()
	// Iran's capability range, and Iran's nuclear position range.
	if len(us) != 2 || us[0].Path != "actors[1].capability" || us[1].Path != "stances[1].position" {
		t.Fatalf("Uncertain = %+v", us)
	}
	in, _ := s.Instance()
	us[0].Set(in, 35, s.Overrides())
	m := in.M()
	// Iran's overall capability applies to nuclear but not to scope (override 50).
	if in.Capability[1*m+0] != 35 || in.Capability[1*m+1] != 50 {
		t.Errorf("capability after Set = %v, %v; want 35, 50", in.Capability[1*m+0], in.Capability[1*m+1])
	}
}

func TestMalformedIDDoesNotCascade(t *testing.T) {
	s := smallScenario()
	s.Issues[0].ID = "the-deal"
	for i := range s.Stances {
		if s.Stances[i].Issue == "nuclear" {
			s.Stances[i].Issue = "the-deal"
		}
	}
	s.Questions, s.Variants = nil, nil
	ds := s.Validate().Errors()
	if len(ds) != 1 || ds[0].Path != "issues[0].id" {
		t.Errorf("want one error at issues[0].id, got:\n%v", ds)
	}
}

// A rejected id is reported once, at its declaration: not again where a
// question's condition names it (it cannot parse there) nor as an actor
// without stances.
func TestRejectedIDReportedOnce(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(s *parley.Scenario)
		paths []string // every diagnostic, errors and warnings
	}{
		{"issue id in a condition", func(s *parley.Scenario) {
			s.Issues[0].ID = "the-deal"
			for i := range s.Stances {
				if s.Stances[i].Issue == "nuclear" {
					s.Stances[i].Issue = "the-deal"
				}
			}
			s.Variants = nil
			s.Questions[0].When = "the-deal >= 50 and scope > 30"
		}, []string{"issues[0].id"}},
		{"dotted issue id alone", func(s *parley.Scenario) {
			s.Issues[0].ID = "x.y"
			s.Stances = s.Stances[3:]
			s.Variants = nil
			s.Questions[0].When = "x.y>0"
		}, []string{"issues[0].id", "actors[2]"}},
		{"actor id named nowhere else", func(s *parley.Scenario) {
			s.Actors = append(s.Actors, parley.Actor{ID: "b/c", Name: "B", Capability: parley.Point(1)})
		}, []string{"actors[3].id"}},
		// A condition that fails for another reason is still reported.
		{"other condition error", func(s *parley.Scenario) {
			s.Issues[0].ID = "the-deal"
			s.Stances, s.Variants = nil, nil
			s.Questions[0].When = "the-deals = 1"
		}, []string{"issues[0].id", "actors[0]", "actors[1]", "actors[2]", "questions[0].when"}},
	}
	for _, tt := range tests {
		s := smallScenario()
		tt.edit(s)
		var got []string
		for _, d := range s.Validate() {
			got = append(got, d.Path)
		}
		if strings.Join(got, " ") != strings.Join(tt.paths, " ") {
			t.Errorf("%s: diagnostics at %q, want %q:\n%v", tt.name, got, tt.paths, s.Validate())
		}
	}
}

// A reference by a name that was never declared is reported, and when one
// declared id of that kind was rejected the message names it: the author
// may have renamed the issue to an id that was then rejected.
func TestUnknownReferenceNamesRejectedID(t *testing.T) {
	s := smallScenario()
	s.Issues[0].ID = "nuc-2" // stances and the question still say "nuclear"
	s.Variants = nil
	got := s.Validate().Errors().Error()
	for _, want := range []string{
		`issues[0].id: issue id "nuc-2" must match`,
		`stances[0].issue: unknown issue "nuclear" (not declared; "nuc-2" was rejected as an id)`,
		`questions[0].when: unknown issue "nuclear" (not declared; "nuc-2" was rejected as an id)`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	// A rejected id is never suggested, however close: "nuclear-" is one
	// edit from "nuclear" but is no id to use.
	s = smallScenario()
	s.Issues[0].ID = "nuclear-"
	s.Variants = nil
	got = s.Validate().Errors().Error()
	if !strings.Contains(got, `unknown issue "nuclear" (not declared; "nuclear-" was rejected as an id)`) || strings.Contains(got, "did you mean") {
		t.Errorf("want the rejected id named, not suggested, in:\n%s", got)
	}
	// A close accepted id is suggested instead of the note.
	s.Issues = append(s.Issues, parley.Issue{ID: "nuclear2", Name: "Nuclear 2", Scale: parley.Scale{Min: 0, Max: 100}})
	if got := s.Validate().Errors().Error(); !strings.Contains(got, `unknown issue "nuclear" (did you mean "nuclear2"?)`) {
		t.Errorf("want a suggestion in:\n%s", got)
	}
}

func TestCheckQuotesInVariants(t *testing.T) {
	s := smallScenario()
	s.Variants[0].Changes = append(s.Variants[0].Changes, parley.Change{Op: parley.OpAddRelation,
		Relation: &parley.Relation{From: "us", To: "iran", Kind: parley.RelRival, Strength: .5,
			Evidence: []parley.Evidence{{Source: "art", Quote: "not in the text"}}}})
	ds := parley.CheckQuotes(s, map[string]string{"art": "the US wants more"})
	if len(ds) != 1 || ds[0].Path != "variants[0].changes[1].relation.evidence[0].quote" {
		t.Errorf("CheckQuotes = %v", ds)
	}
}

func TestVariantResultInstantiates(t *testing.T) {
	// The variant removes russia, which the other variant refers to: the
	// result must still compile, since variants belong to the base.
	out, err := smallScenario().WithVariant("russia-out")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := out.Instance(); err != nil {
		t.Errorf("Instance after variant: %v", err)
	}
}

// A relation that repeats an earlier one (the same kind between the same
// actors; either way round for ally and rival) is warned about, once per
// repeat, and is not an error; leverage the other way is another relation.
func TestRepeatedRelationsWarned(t *testing.T) {
	s := smallScenario()
	s.Relations = []parley.Relation{
		{From: "russia", To: "iran", Kind: parley.RelLeverage, Strength: .3},
		{From: "iran", To: "russia", Kind: parley.RelLeverage, Strength: .1}, // the other direction: fine
		{From: "us", To: "iran", Kind: parley.RelRival, Strength: .5},
		{From: "russia", To: "iran", Kind: parley.RelLeverage, Strength: .2}, // repeats 0
		{From: "iran", To: "us", Kind: parley.RelRival, Strength: .4},        // repeats 2, reversed
		{From: "us", To: "iran", Kind: parley.RelAlly, Strength: .1},         // another kind: fine
	}
	ds := s.Validate()
	if errs := ds.Errors(); len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	var got []string
	for _, d := range ds.Warnings() {
		if strings.HasPrefix(d.Path, "relations") {
			got = append(got, d.Path+": "+d.Message)
		}
	}
	want := []string{
		`relations[3]: repeats relations[0], the same leverage of "russia" over "iran"; both are read, so a model that uses relations (smp) counts it twice`,
		`relations[4]: repeats relations[2], the same rival relation between "iran" and "us"; both are read, so a model that uses relations (smp) counts it twice`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
