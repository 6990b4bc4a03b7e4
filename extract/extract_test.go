package extract_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/extract"
	"github.com/parley-forecast/parley/internal/refdata"
)

// TestFlagshipArticle drafts a scenario from the source article of the
// flagship scenario and checks that it validates, that every quote is
// found in the article, and that every proposal's offsets point at its
// quote.
func TestFlagshipArticle(t *testing.T) {
	path := refdata.Path(t, "sources/russia-iran-comprehensive-agreement.txt")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	dr, err := extract.Extract([]extract.Input{{Name: path, Text: text}}, extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sc := &dr.Scenario
	if errs := sc.Validate().Errors(); len(errs) > 0 {
		t.Fatalf("draft does not validate:\n%v", errs)
	}
	if ds := parley.CheckQuotes(sc, map[string]string{sc.Sources[0].ID: text}); len(ds) > 0 {
		t.Fatalf("quotes not in the article:\n%v", ds)
	}
	runes := []rune(text)
	for _, p := range dr.Proposals {
		if p.Start < 0 || p.End > len(runes) || string(runes[p.Start:p.End]) != p.Quote {
			t.Errorf("proposal %s/%s: offsets [%d,%d) do not give its quote", p.Actor, p.Cue, p.Start, p.End)
		}
		if got := strings.ToLower(string(runes[p.CueStart:p.CueEnd])); !strings.HasPrefix(strings.ReplaceAll(got, "’", "'"), strings.Fields(p.Cue)[0]) {
			t.Errorf("cue offsets give %q, cue is %q", got, p.Cue)
		}
		if p.Confirmed {
			t.Errorf("a proposal is confirmed before the analyst saw it")
		}
		if strings.Contains(p.Quote, "Check Also") || strings.Contains(p.Quote, "IDF") {
			t.Errorf("boilerplate after the article proposed: %q", p.Quote)
		}
		if (strings.Contains(p.Quote, "should heed") && p.Actor == "us") || strings.Contains(p.Quote, "diplomats should") {
			t.Errorf("the authors' advice proposed as a stance: %s %s %q", p.Actor, p.Cue, p.Quote)
		}
	}
	for _, st := range sc.Stances {
		if !strings.HasPrefix(st.Assumption, "draft: set position and salience") || len(st.Evidence) == 0 {
			t.Errorf("stance %s/%s is not a draft with evidence", st.Actor, st.Issue)
		}
	}
	// The pitfalls named in docs/extraction.md, on this article.
	want := []string{
		"russia|defended|iran|missiles|support",    // Moscow has consistently defended Tehran's right…
		"russia|refused to blame|iran||support",    // refusal
		"russia|blocked|us||oppose",                // coordinated verb shares "Moscow"
		"russia|backed|iran|nuclear|support",       // pronoun carry-over: It has backed
		"israel|strikes against|iran|syria|oppose", // nominal stance
		"iran|insisted on|russia|security|support", // parenthetical between subject and verb
	}
	have := map[string]bool{}
	for _, p := range dr.Proposals {
		have[strings.Join([]string{p.Actor, p.Cue, p.Target, p.Issue, p.Polarity}, "|")] = true
	}
	for _, w := range want {
		if !have[w] {
			t.Errorf("missing proposal %s", w)
		}
	}
	for _, p := range dr.Proposals {
		t.Logf("%-8s %-20s %-8s %-9s %-8s %.2f %-16s %q", p.Actor, p.Cue, p.Target, p.Issue, p.Polarity, p.Confidence, p.Rule, p.Mention)
	}
	t.Logf("%d proposals, %d actors, %d issues, %d stances, %d relations", len(dr.Proposals), len(sc.Actors), len(sc.Issues), len(sc.Stances), len(sc.Relations))
}

func TestBuiltinDictionaryParses(t *testing.T) {
	d := extract.Builtin()
	if len(d.Actors) < 30 || len(d.Issues) < 7 {
		t.Fatalf("built-in dictionary too small: %d actors, %d issues", len(d.Actors), len(d.Issues))
	}
}

func TestDictionaryErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{"actor x\n", "aliases.txt:1:1: want \"actor ID KIND NAME\""},
		{"actor r state Russia\n  nickname Rus\n", "aliases.txt:2:3: want one of name, metonym, person, people, demonym under an actor, got \"nickname\""},
		{"actor r empire Russia\n", "aliases.txt:1:9: actor kind must be one of"},
		{"  name Moscow\n", "aliases.txt:1:3: an indented line must follow"},
		{"issue 9x Nine\n", "aliases.txt:1:7: issue id \"9x\" must match"},
		{"actor a state A\nactor a state B\n", "aliases.txt:2:7: duplicate actor \"a\""},
	}
	for _, c := range cases {
		_, err := extract.ParseDictionary("aliases.txt", []byte(c.in))
		var ds parley.Diagnostics
		if !errors.As(err, &ds) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.in, err, c.want)
		}
	}
}

// A rejected actor or issue line is reported once: the indented lines under
// it are not also reported as following no actor or issue line, while one
// under no line at all still is.
func TestDictionaryRejectedLineReportedOnce(t *testing.T) {
	cases := []struct{ in, want string }{
		{"actor wagner militia Wagner Group\n  name Wagner\n  person Prigozhin\n",
			"aliases.txt:1:14: actor kind must be one of"},
		{"issue 9x Nine\n  term nine\n", "aliases.txt:1:7: issue id \"9x\" must match"},
		{"actr w state W\n  name W\n", "aliases.txt:1:1: want \"actor\" or \"issue\""},
		{"actor a state A\nactor a state B\n  name B\n", "aliases.txt:2:7: duplicate actor \"a\""},
		// An accepted line after a rejected one ends the skipping.
		{"actor x\nissue i I\n  term i\n  name z\n",
			"aliases.txt:1:1: want \"actor ID KIND NAME\", got \"actor x\"\n" +
				"aliases.txt:4:3: want \"term\" under an issue, got \"name\""},
	}
	for _, c := range cases {
		_, err := extract.ParseDictionary("aliases.txt", []byte(c.in))
		if err == nil {
			t.Errorf("%q: no error, want\n%s", c.in, c.want)
			continue
		}
		// One error per wanted line, each starting as wanted.
		got, want := strings.Split(err.Error(), "\n"), strings.Split(c.want, "\n")
		ok := len(got) == len(want)
		for i := 0; ok && i < len(got); i++ {
			ok = strings.HasPrefix(got[i], want[i])
		}
		if !ok {
			t.Errorf("%q: got\n%v\nwant lines starting\n%s", c.in, err, c.want)
		}
	}
}

func TestUserAliasesExtendAndRepoint(t *testing.T) {
	user, err := extract.ParseDictionary("aliases.txt", []byte(`
actor e3 coalition E3 and EU
  name France, Paris
actor wagner non-state-armed-group Wagner Group
  name Wagner, the Wagner Group
issue grain Grain corridor
  term grain corridor, grain deal
`))
	if err != nil {
		t.Fatal(err)
	}
	d := extract.Builtin()
	d.Merge(user)
	ps := extract.Proposals("x", "Paris has backed the grain deal. The Wagner Group attacked French positions.", d)
	got := fmt.Sprint(ps[0].Actor, ps[0].Issue, " ", ps[1].Actor, ps[1].Target)
	if len(ps) != 2 || got != "e3grain wagnerfrance" {
		t.Fatalf("got %d proposals: %s", len(ps), got)
	}
}

func TestOffsetsCountCodePoints(t *testing.T) {
	text := "Über alles — “quoted” text.\n\nTehran’s opposition to the arms embargo was clear."
	ps := extract.Proposals("x", text, nil)
	if len(ps) != 1 {
		t.Fatalf("want 1 proposal, got %v", ps)
	}
	p := ps[0]
	r := []rune(text)
	if string(r[p.Start:p.End]) != p.Quote || p.Quote != "Tehran’s opposition to the arms embargo was clear." {
		t.Errorf("offsets [%d,%d) give %q", p.Start, p.End, string(r[p.Start:p.End]))
	}
	if utf8.RuneCountInString(text[:strings.Index(text, "Tehran")]) != p.Start {
		t.Errorf("start %d is not a code-point offset", p.Start)
	}
}

func ExampleProposals() {
	text := "Moscow has refused to blame Iran for the attacks and has even blocked U.S. efforts to do so at the United Nations."
	for _, p := range extract.Proposals("article", text, nil) {
		b, _ := json.Marshal(struct{ Actor, Cue, Target, Polarity, Rule string }{p.Actor, p.Cue, p.Target, p.Polarity, p.Rule})
		fmt.Println(string(b))
	}
	// Output:
	// {"Actor":"russia","Cue":"refused to blame","Target":"iran","Polarity":"support","Rule":"subject"}
	// {"Actor":"russia","Cue":"blocked","Target":"us","Polarity":"oppose","Rule":"coordinated-verb"}
}
