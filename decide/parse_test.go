package decide_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	parley "github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/decide"
	"github.com/parley-forecast/parley/internal/golden"
	"github.com/parley-forecast/parley/internal/refdata"
)

func mustParse(t *testing.T, name string, data []byte) *parley.Scenario {
	t.Helper()
	sc, err := decide.Parse(name, data)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return sc
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func stance(sc *parley.Scenario, actor, issue string) *parley.Stance {
	for i := range sc.Stances {
		if sc.Stances[i].Actor == actor && sc.Stances[i].Issue == issue {
			return &sc.Stances[i]
		}
	}
	return nil
}

func issue(sc *parley.Scenario, id string) *parley.Issue {
	for i := range sc.Issues {
		if sc.Issues[i].ID == id {
			return &sc.Issues[i]
		}
	}
	return nil
}

// Ensure that a quoted, tab-separated file in decide's own style reads
// into the expected scenario: ids mapped, names kept, scales from #M rows
// (in any order), a missing actor-issue row left out, powers per stance.
func TestParseLinkage(t *testing.T) {
	sc := mustParse(t, "linkage.tsv", readTestdata(t, "linkage.tsv"))
	if got, want := sc.Title, "Toy linkage case: missiles, proxies and the nuclear file (invented numbers)"; got != want {
		t.Errorf("Title = %q, want %q", got, want)
	}
	var ids, names []string
	for _, a := range sc.Actors {
		ids = append(ids, a.ID)
		names = append(names, a.Name)
	}
	if got, want := strings.Join(ids, ","), "Tehran,Washington,Moscow,E3"; got != want {
		t.Errorf("actor ids = %s, want %s", got, want)
	}
	if got, want := names[0], "Islamic Republic of Iran"; got != want {
		t.Errorf("actor name = %q, want %q", got, want)
	}
	if got, want := sc.Actors[2].Note, "broker"; got != want {
		t.Errorf("Moscow note = %q, want %q", got, want)
	}
	// Tehran's powers are 0.3 on all three issues; Moscow's 0.2 on two.
	if got := sc.Actors[0].Capability; got != parley.Point(0.3) {
		t.Errorf("Tehran capability = %v, want 0.3", got)
	}
	if got := sc.Actors[2].Capability; got != parley.Point(0.2) {
		t.Errorf("Moscow capability = %v, want 0.2", got)
	}

	nuc := issue(sc, "nuclear_file")
	if nuc == nil {
		t.Fatalf("no issue nuclear_file; issues %+v", sc.Issues)
	}
	if nuc.Name != "nuclear-file" || nuc.Description != "Limits on enrichment; 0 = none, 100 = JCPOA-plus" {
		t.Errorf("nuclear_file name, description = %q, %q", nuc.Name, nuc.Description)
	}
	if nuc.Scale.Min != 0 || nuc.Scale.Max != 100 || len(nuc.Scale.Anchors) != 2 || nuc.Scale.Anchors[1].Label != "JCPOA-plus limits" {
		t.Errorf("nuclear_file scale = %+v", nuc.Scale)
	}
	if nuc.Rule != parley.RuleMean {
		t.Errorf("rule = %q, want %q", nuc.Rule, parley.RuleMean)
	}
	// The #M rows of missiles come as 10 then 0: the bounds must be the
	// numbers 0 and 10 (decide stores the row object as the lower bound).
	mis := issue(sc, "missiles")
	if mis.Scale.Min != 0 || mis.Scale.Max != 10 {
		t.Errorf("missiles scale = [%g,%g], want [0,10]", mis.Scale.Min, mis.Scale.Max)
	}
	if a := mis.Scale.Anchors; len(a) != 2 || a[0].Value != 0 || a[0].Label != "full cap" {
		t.Errorf("missiles anchors = %+v, want sorted by value", a)
	}
	// No #M rows: 0 to 100.
	if p := issue(sc, "proxies"); p.Scale.Min != 0 || p.Scale.Max != 100 || len(p.Scale.Anchors) != 0 {
		t.Errorf("proxies scale = %+v, want 0..100 without anchors", p.Scale)
	}

	if len(sc.Stances) != 11 {
		t.Errorf("%d stances, want 11", len(sc.Stances))
	}
	if stance(sc, "Moscow", "proxies") != nil {
		t.Errorf("Moscow has a stance on proxies; the file has none")
	}
	st := stance(sc, "Moscow", "nuclear_file")
	if st == nil || st.Position != parley.Point(60) || st.Salience != parley.Point(0.4) ||
		st.Capability == nil || *st.Capability != parley.Point(0.2) || st.Note != "prefers a deal" {
		t.Errorf("Moscow on nuclear_file = %+v", st)
	}
}

// Ensure that a ';'-separated file without quotes, with saliences on 0–100,
// reads with saliences divided by 100 and issue ids made valid.
func TestParseSemicolonDEUStyle(t *testing.T) {
	sc := mustParse(t, "deu_style.csv", readTestdata(t, "deu_style.csv"))
	if got := issue(sc, "issue_2030_target"); got == nil || got.Name != "2030-target" {
		t.Fatalf("issue 2030-target mapped to %+v, want id issue_2030_target", sc.Issues)
	}
	st := stance(sc, "Council", "issue_2030_target")
	if st == nil || st.Salience != parley.Point(0.6) || st.Position != parley.Point(40) || *st.Capability != parley.Point(2) {
		t.Errorf("Council on 2030-target = %+v, want position 40, salience 0.6, capability 2", st)
	}
	if got := sc.Title; got != "DEU-style saliences on 0-100" {
		t.Errorf("Title = %q", got)
	}
}

// Ensure that identifiers map as documented.
func TestIDs(t *testing.T) {
	for _, tc := range []struct{ in, issue, actor string }{
		{"tolheffing-binnenstad", "tolheffing_binnenstad", "tolheffing-binnenstad"},
		{"EU (incl Norway)", "EU_incl_Norway", "EU_incl_Norway"},
		{"2030-target", "issue_2030_target", "2030-target"},
		{"  spaced  out  ", "spaced_out", "spaced_out"},
		{"(x)", "x", "x"},
		{"_lead", "issue__lead", "actor__lead"},
		{"??", "issue", "actor"},
		{"Côte d'Ivoire", "C_te_d_Ivoire", "C_te_d_Ivoire"},
	} {
		if got := decide.IssueID(tc.in); got != tc.issue {
			t.Errorf("IssueID(%q) = %q, want %q", tc.in, got, tc.issue)
		}
		if got := decide.ActorID(tc.in); got != tc.actor {
			t.Errorf("ActorID(%q) = %q, want %q", tc.in, got, tc.actor)
		}
	}
}

// Ensure that ids that map to the same Parley id are told apart in file
// order.
func TestParseIDCollisions(t *testing.T) {
	src := "#A\ta-b\n#A\ta b\n#P\tx-y\n#P\tx y\n#D\ta-b\tx y\t5\t0.5\t1\n#D\ta b\tx-y\t6\t0.5\t1\n"
	sc := mustParse(t, "c.tsv", []byte(src))
	if sc.Actors[0].ID != "a-b" || sc.Actors[1].ID != "a_b" {
		t.Errorf("actor ids %q, %q", sc.Actors[0].ID, sc.Actors[1].ID)
	}
	if sc.Issues[0].ID != "x_y" || sc.Issues[1].ID != "x_y_2" {
		t.Errorf("issue ids %q, %q", sc.Issues[0].ID, sc.Issues[1].ID)
	}
	if stance(sc, "a-b", "x_y_2") == nil || stance(sc, "a_b", "x_y") == nil {
		t.Errorf("stances not mapped: %+v", sc.Stances)
	}
}

// Ensure that each kind of bad input gets a positioned error saying what
// was expected.
func TestParseErrors(t *testing.T) {
	const head = "#A\tA\tA\n#A\tB\tB\n#P\tp\tp\n"
	for _, tc := range []struct {
		name, src string
		want      []string // "line:col: fragment"
	}{
		{"unknown tag", head + "#X\tfoo\n", []string{"4:1: unknown row tag \"#X\""}},
		{"untagged line", head + "hello\tworld\n", []string{"4:1: unknown row tag \"hello\""}},
		{"missing power", head + "#D\tA\tp\t50\t0.5\n", []string{"4:", "missing the power"}},
		{"empty actor", head + "#D\t\tp\t50\t0.5\t1\n", []string{"4:4: #D row: missing the actor id"}},
		{"bad number", head + "#D\tA\tp\tfifty\t0.5\t1\n", []string{"4:8: position \"fifty\" is not a number"}},
		{"nan", head + "#D\tA\tp\tNaN\t0.5\t1\n", []string{"4:8: position \"NaN\" is not a number"}},
		{"position off scale", head + "#D\tA\tp\t101\t0.5\t1\n", []string{"4:8: position 101 is outside the scale of issue \"p\": want a number from 0 to 100"}},
		{"negative salience", head + "#D\tA\tp\t50\t-0.1\t1\n", []string{"4:11: salience -0.1 is out of range"}},
		{"salience over 100", head + "#D\tA\tp\t50\t101\t1\n", []string{"4:11: salience 101 is out of range"}},
		{"negative power", head + "#D\tA\tp\t50\t0.5\t-1\n", []string{"4:15: power -1 is negative"}},
		{"unknown actor", head + "#D\tC\tp\t50\t0.5\t1\n", []string{"4:4: actor \"C\" has no #A row"}},
		{"unknown issue", head + "#D\tA\tq\t50\t0.5\t1\n", []string{"4:6: issue \"q\" has no #P row"}},
		{"duplicate row", head + "#D\tA\tp\t50\t0.5\t1\n#D\tA\tp\t60\t0.5\t1\n", []string{"5:4: actor \"A\" already has a row for issue \"p\" (line 4)"}},
		{"duplicate actor", head + "#A\tA\tAgain\n", []string{"4:4: actor \"A\" is declared twice (first at line 1)"}},
		{"duplicate issue", head + "#P\tp\tagain\n", []string{"4:4: issue \"p\" is declared twice (first at line 3)"}},
		{"point for unknown issue", head + "#M\tq\t0\n", []string{"4:4: scale point for issue \"q\", which no #P row declares"}},
		{"single-point scale", head + "#M\tp\t5\n#M\tp\t5\n", []string{"3:4: issue \"p\": its #M rows give the single point 5"}},
		{"bad scale point", head + "#M\tp\tlow\n", []string{"4:6: scale position \"low\" is not a number"}},
		{"unterminated quote", head + "'#D'\t'A\n", []string{"4:6: quoted field has no closing '"}},
		{"text after quote", head + "'#D'\t'A'x\t'p'\n", []string{"4:9: unexpected text after the closing '"}},
		{"bad delimiter", "#A A A\n", []string{"1:3: cannot tell the field delimiter"}},
		{"empty", "", []string{"1: the file is empty"}},
		{"only comments without tags", "hello\n", []string{"1:1: want a tagged row"}},
		{"no actors or issues", "\n#/\tjust a comment\n", []string{"2: the file declares no actors", "2: the file declares no issues"}},
		{"no issues", "#A\tx\n", []string{"1: the file declares no issues"}},
		{"invalid utf-8", head + "#/\t\xff\n", []string{"4: line is not valid UTF-8"}},
		{"two errors, sorted", head + "#D\tA\tp\t500\t0.5\t1\n#D\tB\tp\t50\t0.5\t-2\n", []string{"4:8: position 500", "5:15: power -2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decide.Parse("f.tsv", []byte(tc.src))
			var ds parley.Diagnostics
			if !errors.As(err, &ds) {
				t.Fatalf("Parse: err = %v, want Diagnostics", err)
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, "f.tsv:"+w) && !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if !strings.HasPrefix(msg, "f.tsv:") {
				t.Errorf("error %q does not start with the file name", msg)
			}
			if parley.ErrorCode(err) != parley.EINVALID {
				t.Errorf("code = %q, want %q", parley.ErrorCode(err), parley.EINVALID)
			}
		})
	}
}

// Ensure that decide's conveniences are accepted: blank lines, Windows line
// ends, a byte-order mark, spaces around fields, doubled quotes, surplus
// fields joined into the comment, and a comma delimiter.
func TestParseLenient(t *testing.T) {
	src := "\xef\xbb\xbf#/,comment first\r\n\r\n#A, 'O''Brien' ,full\r\n#P,p,desc,more,words\r\n#D,O'Brien,p,50,0.5,1,note,with,commas\r\n"
	sc := mustParse(t, "l.csv", []byte(src))
	if sc.Actors[0].ID != "O_Brien" || sc.Actors[0].Name != "full" {
		t.Errorf("actor = %+v", sc.Actors[0])
	}
	if sc.Issues[0].Description != "desc; more words" {
		t.Errorf("description = %q", sc.Issues[0].Description)
	}
	if len(sc.Stances) != 1 || sc.Stances[0].Note != "note with commas" {
		t.Errorf("stances = %+v", sc.Stances)
	}
	if sc.Title != "l" {
		t.Errorf("Title = %q, want the file stem", sc.Title)
	}
}

var (
	issueIDRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	actorIDRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
)

// checkScenario checks what Parse promises of a scenario it returns.
func checkScenario(t *testing.T, sc *parley.Scenario) {
	t.Helper()
	actors := map[string]bool{}
	for _, a := range sc.Actors {
		if !actorIDRe.MatchString(a.ID) || actors[a.ID] {
			t.Fatalf("bad or duplicate actor id %q", a.ID)
		}
		actors[a.ID] = true
		if !a.Capability.Valid() || a.Capability.Low < 0 {
			t.Fatalf("actor %s capability %v", a.ID, a.Capability)
		}
	}
	issues := map[string]parley.Scale{}
	for _, is := range sc.Issues {
		if _, dup := issues[is.ID]; dup || !issueIDRe.MatchString(is.ID) {
			t.Fatalf("bad or duplicate issue id %q", is.ID)
		}
		if !(is.Scale.Min < is.Scale.Max) {
			t.Fatalf("issue %s scale %+v", is.ID, is.Scale)
		}
		issues[is.ID] = is.Scale
	}
	seen := map[[2]string]bool{}
	for _, st := range sc.Stances {
		sc, ok := issues[st.Issue]
		if !actors[st.Actor] || !ok || seen[[2]string{st.Actor, st.Issue}] {
			t.Fatalf("stance %s/%s: unknown or duplicate", st.Actor, st.Issue)
		}
		seen[[2]string{st.Actor, st.Issue}] = true
		if !st.Position.Valid() || !st.Position.Within(sc.Min, sc.Max) {
			t.Fatalf("stance %s/%s position %v off [%g,%g]", st.Actor, st.Issue, st.Position, sc.Min, sc.Max)
		}
		if !st.Salience.Valid() || !st.Salience.Within(0, 1) {
			t.Fatalf("stance %s/%s salience %v", st.Actor, st.Issue, st.Salience)
		}
		if st.Capability == nil || !st.Capability.Valid() || st.Capability.Low < 0 {
			t.Fatalf("stance %s/%s capability %v", st.Actor, st.Issue, st.Capability)
		}
	}
}

// Ensure that decide's four example files read as upstream's tests expect:
// three clean, and copenhagen_with_errors.csv with exactly its two known
// errors (Russia's position 160 on Control; China India's power −0.247).
func TestParseReferenceFiles(t *testing.T) {
	for _, tc := range []struct {
		file                    string
		actors, issues, stances int
	}{
		{"sample_data.txt", 10, 6, 60},
		{"copenhagen.csv", 11, 7, 75},
		{"cop21.csv", 15, 13, 181},
	} {
		t.Run(tc.file, func(t *testing.T) {
			p := refdata.Path(t, "reference/decide/"+tc.file)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			sc := mustParse(t, tc.file, b)
			checkScenario(t, sc)
			if len(sc.Actors) != tc.actors || len(sc.Issues) != tc.issues || len(sc.Stances) != tc.stances {
				t.Errorf("%d actors, %d issues, %d stances; want %d, %d, %d",
					len(sc.Actors), len(sc.Issues), len(sc.Stances), tc.actors, tc.issues, tc.stances)
			}
			if tc.file == "sample_data.txt" {
				th := issue(sc, "tol_hoogte")
				if th == nil || th.Name != "tol-hoogte" || th.Scale.Min != 0.5 || th.Scale.Max != 7 {
					t.Errorf("tol-hoogte = %+v, want id tol_hoogte on 0.5..7", th)
				}
			}
			if tc.file == "copenhagen.csv" {
				if stance(sc, "Russia", "Commitments") != nil || stance(sc, "Russia", "Extra") != nil {
					t.Errorf("Russia has stances on Commitments or Extra; the file has none")
				}
			}
		})
	}
	t.Run("copenhagen_with_errors.csv", func(t *testing.T) {
		p := refdata.Path(t, "reference/decide/copenhagen_with_errors.csv")
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		_, err = decide.Parse("copenhagen_with_errors.csv", b)
		var ds parley.Diagnostics
		if !errors.As(err, &ds) {
			t.Fatalf("err = %v, want Diagnostics", err)
		}
		want := []string{
			`copenhagen_with_errors.csv:86:19: position 160 is outside the scale of issue "Control": want a number from 0 to 100`,
			`copenhagen_with_errors.csv:87:32: power -0.247 is negative: want a number of at least 0`,
		}
		if len(ds) != len(want) {
			t.Fatalf("%d errors, want %d:\n%v", len(ds), len(want), err)
		}
		for i := range want {
			if got := ds[i].String(); got != want[i] {
				t.Errorf("error %d = %q\nwant %q", i, got, want[i])
			}
		}
	})
}

// Ensure that the errors of a file with many mistakes stay as reviewed
// (golden file; rewrite with -update).
func TestParseErrorsGolden(t *testing.T) {
	_, err := decide.Parse("errors.tsv", readTestdata(t, "errors.tsv"))
	if err == nil {
		t.Fatal("Parse succeeded on errors.tsv")
	}
	golden.Check(t, "errors.golden", []byte(err.Error()+"\n"))
}

// Ensure that Sniff tells decide files from others by their first row.
func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		head string
		want bool
	}{
		{"'#A'\t'Willems'\t'Willems'\n", true},
		{"\xef\xbb\xbf\n\n#O\tCopenhagen\n", true},
		{"#/;comment\n#A;x\n", true},
		{"#D\ta\tb\t1\t1\t1", true},
		{"title: Iran\nactors:\n", false},
		{"{\"title\": \"x\"}", false},
		{"#X\tfoo\n", false},
		{"# a markdown heading\n", false},
		{"", false},
	} {
		if got := decide.Sniff([]byte(tc.head)); got != tc.want {
			t.Errorf("Sniff(%q) = %v, want %v", tc.head, got, tc.want)
		}
	}
}
