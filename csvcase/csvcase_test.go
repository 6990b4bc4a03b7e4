package csvcase_test

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/csvcase"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseEmissions(t *testing.T) {
	s, err := csvcase.Parse("emissions.csv", read(t, "emissions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Title != "emissions" {
		t.Errorf("title %q, want emissions", s.Title)
	}
	if len(s.Issues) != 1 || s.Issues[0].ID != "issue" || s.Issues[0].Scale.Min != 4 || s.Issues[0].Scale.Max != 10 {
		t.Fatalf("issues %+v, want one issue \"issue\" on [4,10]", s.Issues)
	}
	// Scholz et al. Table 1, salience / 100.
	want := []struct {
		name    string
		c, x, s float64
	}{
		{"Netherlands", 0.08, 4, 0.8}, {"Belgium", 0.08, 7, 0.4}, {"Luxembourg", 0.03, 4, 0.2},
		{"Germany", 0.16, 4, 0.8}, {"France", 0.16, 10, 0.6}, {"Italy", 0.16, 10, 0.6},
		{"UK", 0.16, 10, 0.9}, {"Ireland", 0.05, 7, 0.1}, {"Denmark", 0.05, 4, 1.0}, {"Greece", 0.08, 7, 0.7},
	}
	if len(s.Actors) != len(want) || len(s.Stances) != len(want) {
		t.Fatalf("%d actors, %d stances; want %d each", len(s.Actors), len(s.Stances), len(want))
	}
	for i, w := range want {
		a, st := s.Actors[i], s.Stances[i]
		if a.ID != w.name || a.Name != w.name || a.Capability != parley.Point(w.c) {
			t.Errorf("actor %d = %+v, want %s with capability %g", i, a, w.name, w.c)
		}
		if st.Actor != w.name || st.Issue != "issue" || st.Position != parley.Point(w.x) || st.Salience != parley.Point(w.s) || st.Capability != nil {
			t.Errorf("stance %d = %+v, want %s at %g salience %g", i, st, w.name, w.x, w.s)
		}
	}
	// Each stance cites its row of the table, verbatim.
	if len(s.Sources) != 1 || s.Sources[0].ID != "table" {
		t.Fatalf("sources %+v, want the table", s.Sources)
	}
	if ev := s.Stances[1].Evidence; len(ev) != 1 || ev[0].Source != "table" || ev[0].Quote != "Belgium,0.08,7,0.4" || ev[0].Note != "line 3 of emissions.csv gives the capability, position and salience" {
		t.Errorf("Belgium's evidence %+v", ev)
	}
	if ds := s.Validate(); len(ds) != 0 {
		t.Errorf("the scenario does not validate cleanly:\n%v", ds)
	}
}

func TestTitle(t *testing.T) {
	for name, want := range map[string]string{"dir/emissions.csv": "emissions", ".csv": "case", " .csv": "case", "/": "case", "": "case", "sultan": "sultan"} {
		s, err := csvcase.Parse(name, []byte("actor,capability,position,salience\nA,1,2,0.5\n"))
		if err != nil {
			t.Fatal(err)
		}
		if s.Title != want {
			t.Errorf("Parse(%q): title %q, want %q", name, s.Title, want)
		}
		if ds := s.Validate(); len(ds) != 0 {
			t.Errorf("Parse(%q): %v", name, ds)
		}
	}
}

func TestParseInstance(t *testing.T) {
	for _, file := range []string{"emissions.csv", "iran2013.csv", "honduras.cr.csv"} {
		t.Run(file, func(t *testing.T) {
			data := read(t, file)
			s, err := csvcase.Parse(file, data)
			if err != nil {
				t.Fatal(err)
			}
			in, err := csvcase.ParseInstance(file, data)
			if err != nil {
				t.Fatal(err)
			}
			if err := in.Check(); err != nil {
				t.Fatal(err)
			}
			if in.N() != len(s.Actors) || in.M() != 1 {
				t.Fatalf("instance is %d×%d, want %d×1", in.N(), in.M(), len(s.Actors))
			}
			is := in.Issues[0]
			if is.ID != "issue" || is.Min != s.Issues[0].Scale.Min || is.Max != s.Issues[0].Scale.Max || is.Rule != parley.RuleMedian {
				t.Errorf("issue spec %+v does not match the scenario's issue %+v", is, s.Issues[0])
			}
			for a := range s.Actors {
				if in.Actors[a] != s.Actors[a].ID || in.Capability[a] != s.Actors[a].Capability.Mode ||
					in.Position[a] != s.Stances[a].Position.Mode || in.Salience[a] != s.Stances[a].Salience.Mode {
					t.Errorf("actor %d differs between instance and scenario", a)
				}
			}
		})
	}
}

func TestHeaderOrderAndCase(t *testing.T) {
	in, err := csvcase.ParseInstance("iran2013.csv", read(t, "iran2013.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// Row 1 of the file is "0.7,1,JAL,0.24" under Salience,POSITION,Actor,Capability.
	if in.Actors[0] != "JAL" || in.Salience[0] != 0.7 || in.Position[0] != 1 || in.Capability[0] != 0.24 {
		t.Errorf("first actor %s c=%g x=%g s=%g, want JAL c=0.24 x=1 s=0.7", in.Actors[0], in.Capability[0], in.Position[0], in.Salience[0])
	}
	if in.N() != 8 || in.Issues[0].Min != 1 || in.Issues[0].Max != 10 {
		t.Errorf("%d actors on [%g,%g], want 8 on [1,10]", in.N(), in.Issues[0].Min, in.Issues[0].Max)
	}
}

func TestBareCRAndSpaces(t *testing.T) {
	s, err := csvcase.Parse("honduras.cr.csv", read(t, "honduras.cr.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range s.Actors {
		ids = append(ids, a.ID)
	}
	if got, want := strings.Join(ids, " "), "Nicaragua Honduras Costa-Rica United-States Dominican-Republic"; got != want {
		t.Errorf("ids %q, want %q", got, want)
	}
	if s.Actors[2].Name != "Costa Rica" {
		t.Errorf("name %q, want the name as given", s.Actors[2].Name)
	}
	// A bad row in a bare-CR file is reported on its own line.
	_, err = csvcase.Parse("h.csv", []byte("actor,capability,position,salience\rA,1,0,1\rB,1,1,2\r"))
	if got, want := fmt.Sprint(err), "h.csv:3: salience: want a number in [0,1], got 2"; got != want {
		t.Errorf("error %q, want %q", got, want)
	}
}

func TestAccepted(t *testing.T) {
	cases := []struct {
		name, data string
		ids        string
		lo, hi     float64
	}{
		{"bom and comments", "\ufeff# source: made up\nActor , Capability, Position ,SALIENCE\n# a comment\nA,1,2,0.5\n\nB,0,3,1\n", "A B", 2, 3},
		{"quoted names", "actor,capability,position,salience\n\"Smith, J.\",1,2,0.5\n\"Le \"\"Chef\"\"\",1,3,0\n", "Smith-J Le-Chef", 2, 3},
		{"crlf", "actor,capability,position,salience\r\nA,1,2,0.5\r\nB,1,-3,0.5\r\n", "A B", -3, 2},
		{"accents", "actor,capability,position,salience\nÖsterreich,1,2,0.5\nCôte d'Ivoire,1,3,0.5\nΑθήνα,1,4,0.5\n", "Osterreich Cote-d-Ivoire actor-4", 2, 4},
		{"all equal in [0,1]", "actor,capability,position,salience\nA,1,0.3,0.5\nB,1,0.3,0.5\n", "A B", 0, 1},
		{"all equal at 1", "actor,capability,position,salience\nA,1,1,0.5\n", "A", 0, 1},
		{"all equal above 1", "actor,capability,position,salience\nA,1,7,0.5\n", "A", 3.5, 7},
		{"all equal at 1.5", "actor,capability,position,salience\nA,1,1.5,0.5\n", "A", 0.5, 1.5},
		{"all equal negative", "actor,capability,position,salience\nA,1,-4,0.5\n", "A", -4, -2},
		{"all equal huge", "actor,capability,position,salience\nA,1,1.7e308,0.5\n", "A", 0.85e308, 1.7e308},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in, err := csvcase.ParseInstance(c.name+".csv", []byte(c.data))
			if err != nil {
				t.Fatal(err)
			}
			if err := in.Check(); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(in.Actors, " "); got != c.ids {
				t.Errorf("ids %q, want %q", got, c.ids)
			}
			if in.Issues[0].Min != c.lo || in.Issues[0].Max != c.hi {
				t.Errorf("scale [%g,%g], want [%g,%g]", in.Issues[0].Min, in.Issues[0].Max, c.lo, c.hi)
			}
		})
	}
}

func TestRejected(t *testing.T) {
	cases := []struct{ name, data, want string }{
		{"empty", "", "x.csv:1: empty input: want a header line actor,capability,position,salience"},
		{"only comments", "# nothing\n", "x.csv:1: empty input: want a header line actor,capability,position,salience"},
		{"no rows", "actor,capability,position,salience\n", "x.csv:1: no actors: want at least one row after the header"},
		{"no header", "A,1,2,0.5\n", "x.csv:1: unknown column \"A\" in the header: want the columns actor,capability,position,salience, in any order\n" +
			"x.csv:1: unknown column 1 in the header: want the columns actor,capability,position,salience, in any order\n" +
			"x.csv:1: unknown column 2 in the header: want the columns actor,capability,position,salience, in any order\n" +
			"x.csv:1: unknown column 0.5 in the header: want the columns actor,capability,position,salience, in any order\n" +
			"x.csv:1: header lacks the column(s) actor,capability,position,salience: want a header line naming actor,capability,position,salience, in any order"},
		{"twice", "actor,Actor,capability,position,salience\n", "x.csv:1: column \"actor\" appears twice in the header"},
		{"salience", "actor,capability,position,salience\nA,1,2,0.5\nB,1,3,0.5\nC,1,4,1.7\n", "x.csv:4: salience: want a number in [0,1], got 1.7"},
		{"negative salience", "actor,capability,position,salience\nA,1,2,-0.1\n", "x.csv:2: salience: want a number in [0,1], got -0.1"},
		{"percent", "actor,capability,position,salience\nA,1,2,40%\n", "x.csv:2: salience: want a number in [0,1], got \"40%\""},
		{"nan", "actor,capability,position,salience\nA,1,NaN,0.5\n", "x.csv:2: position: want a finite number, got NaN"},
		{"inf", "actor,capability,position,salience\nA,Inf,1,0.5\n", "x.csv:2: capability: want a non-negative number, got Inf"},
		{"overflow", "actor,capability,position,salience\nA,1,1e400,0.5\n", "x.csv:2: position: want a finite number, got \"1e400\""},
		{"empty field", "actor,capability,position,salience\nA,,1,0.5\n", "x.csv:2: capability: want a non-negative number, got an empty field"},
		{"field count", "actor,capability,position,salience\nA,1,2\n", "x.csv:2: want 4 fields (actor,capability,position,salience), got 3"},
		{"duplicate", "actor,capability,position,salience\nA,1,2,0.5\nB,1,2,0.5\nA,1,3,0.5\n", "x.csv:4: actor: duplicate actor \"A\" (first on line 2)"},
		{"id clash", "actor,capability,position,salience\nCosta Rica,1,2,0.5\nCosta-Rica,1,3,0.5\n", "x.csv:3: actor: actor \"Costa-Rica\" gets the id \"Costa-Rica\", already taken by \"Costa Rica\" on line 2; rename one of them"},
		{"bad utf8", "actor,capability,position,salience\n\xff,1,3,0.5\n", "x.csv:2: actor: want UTF-8 text, got \"\\xff\""},
		{"quote", "actor,capability,position,salience\nA\"B,1,2,0.5\n", "x.csv:2: malformed quoting at column 2: want a field either without quotes or wholly in double quotes, with inner quotes doubled"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := csvcase.Parse("x.csv", []byte(c.data))
			if err == nil {
				t.Fatal("no error")
			}
			var ds parley.Diagnostics
			if !errors.As(err, &ds) {
				t.Fatalf("error %T, want parley.Diagnostics", err)
			}
			for _, d := range ds {
				if d.Pos.File != "x.csv" || d.Pos.Line < 1 || d.Severity != parley.SevError {
					t.Errorf("diagnostic %+v lacks file, line or severity", d)
				}
			}
			if got := err.Error(); got != c.want {
				t.Errorf("error\n%s\nwant\n%s", got, c.want)
			}
			if _, err2 := csvcase.ParseInstance("x.csv", []byte(c.data)); err2 == nil || err2.Error() != err.Error() {
				t.Errorf("ParseInstance error %v, want the same as Parse", err2)
			}
		})
	}
}

// TestGoldenErrors checks that every bad row of a file is reported at once,
// against golden files.
func TestGoldenErrors(t *testing.T) {
	files, _ := filepath.Glob("testdata/bad-*.csv")
	if len(files) == 0 {
		t.Fatal("no testdata/bad-*.csv")
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			_, err := csvcase.Parse(name, read(t, name))
			if err == nil {
				t.Fatal("no error")
			}
			got := err.Error() + "\n"
			golden := filepath.Join("testdata", strings.TrimSuffix(name, ".csv")+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if got != string(want) {
				t.Errorf("errors\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestManyBadRowsCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("actor,capability,position,salience\n")
	for i := range 200 {
		fmt.Fprintf(&b, "A%d,1,2,9\n", i)
	}
	_, err := csvcase.Parse("x.csv", []byte(b.String()))
	var ds parley.Diagnostics
	if !errors.As(err, &ds) {
		t.Fatalf("error %v, want diagnostics", err)
	}
	if len(ds) != 51 || !strings.Contains(ds[50].Message, "too many problems") {
		t.Errorf("%d diagnostics, want 50 and a final 'too many problems'", len(ds))
	}
}

func TestSlug(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"France", "France"},
		{"Costa Rica", "Costa-Rica"},
		{"EUR/JPN", "EUR-JPN"},
		{"  U.S.  ", "U-S"},
		{"RELIGIOUS LEADERS", "RELIGIOUS-LEADERS"},
		{"Straße", "Strasse"},
		{"Łódź", "Lodz"},
		{"--", ""},
		{"日本", ""},
		{"a日b", "a-b"},
	} {
		if got := csvcase.Slug(c.in); got != c.want {
			t.Errorf("Slug(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// FuzzParse checks that Parse never panics, that what it accepts is a
// well-formed one-issue case that validates without a diagnostic and whose
// instance passes Instance.Check, and that what it rejects comes as
// positioned diagnostics.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.csv")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("actor,capability,position,salience\n\"a\nb\",1,2,0.5\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := csvcase.Parse("f.csv", data)
		if err != nil {
			var ds parley.Diagnostics
			if !errors.As(err, &ds) || len(ds) == 0 {
				t.Fatalf("error %T %v, want non-empty diagnostics", err, err)
			}
			for _, d := range ds {
				if d.Pos.File != "f.csv" || d.Message == "" {
					t.Fatalf("diagnostic %+v lacks a file or a message", d)
				}
			}
			return
		}
		if len(s.Issues) != 1 || !(s.Issues[0].Scale.Min < s.Issues[0].Scale.Max) {
			t.Fatalf("issues %+v, want one with min < max", s.Issues)
		}
		if len(s.Actors) == 0 || len(s.Stances) != len(s.Actors) {
			t.Fatalf("%d actors and %d stances", len(s.Actors), len(s.Stances))
		}
		seen := map[string]bool{}
		for i, a := range s.Actors {
			if !idPattern.MatchString(a.ID) || seen[a.ID] {
				t.Fatalf("actor id %q is malformed or repeated", a.ID)
			}
			seen[a.ID] = true
			x := s.Stances[i].Position.Mode
			if x < s.Issues[0].Scale.Min || x > s.Issues[0].Scale.Max || math.IsNaN(x) {
				t.Fatalf("position %g off the scale", x)
			}
		}
		if ds := s.Validate(); len(ds) != 0 {
			t.Fatalf("accepted scenario does not validate cleanly: %v", ds)
		}
		in, err := csvcase.ParseInstance("f.csv", data)
		if err != nil {
			t.Fatalf("Parse accepted what ParseInstance rejects: %v", err)
		}
		if err := in.Check(); err != nil {
			t.Fatalf("instance fails Check: %v", err)
		}
	})
}

func Example() {
	data := []byte(`actor,capability,position,salience
Netherlands,0.08,4,0.8
Belgium,0.08,7,0.4
Luxembourg,0.03,4,1.7
United Kingdom,0.16,ten,0.9
`)
	_, err := csvcase.Parse("emissions.csv", data)
	fmt.Println(err)

	s, _ := csvcase.Parse("emissions.csv", data[:strings.Index(string(data), "Luxembourg")])
	for _, a := range s.Actors {
		fmt.Println(a.ID, s.Issues[0].Scale.Min, s.Issues[0].Scale.Max)
	}
	// Output:
	// emissions.csv:4: salience: want a number in [0,1], got 1.7
	// emissions.csv:5: position: want a finite number, got "ten"
	// Netherlands 4 7
	// Belgium 4 7
}

// TestParseIgnoresFolder: the scenario read from a table does not depend
// on the folder the file is in, only on its name, so that a sweep planned
// from data/case.csv finds the same scenario (the same fingerprint) when a
// shard reads the copy the manifest carries from another folder.
// Diagnostics still give the path as named.
func TestParseIgnoresFolder(t *testing.T) {
	data := []byte("actor,capability,position,salience\nA,1,1,1\nB,1,2,1\n")
	a, err := csvcase.Parse("data/case.csv", data)
	if err != nil {
		t.Fatal(err)
	}
	b, err := csvcase.Parse("/tmp/parley-sweep-1/case.csv", data)
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("the folder changes the scenario:\n%s\n%s", ja, jb)
	}
	if _, err := csvcase.Parse("data/bad.csv", []byte("actor,capability,position,salience\nA,x,1,1\n")); err == nil || !strings.HasPrefix(err.Error(), "data/bad.csv:2") {
		t.Errorf("diagnostic %v does not name data/bad.csv:2", err)
	}
}
