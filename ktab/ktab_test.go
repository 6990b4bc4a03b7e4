package ktab_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/internal/refdata"
	"github.com/parley-forecast/parley/ktab"
)

func parseFile(t *testing.T, path string) *ktab.File {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !ktab.Sniff(data) {
		t.Errorf("%s: Sniff does not recognise it", path)
	}
	f, err := ktab.Parse(filepath.Base(path), data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if err := f.Scenario.Validate().Err(); err != nil {
		t.Fatalf("%s: the scenario does not validate: %v", path, err)
	}
	if _, err := f.Scenario.Instance(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return f
}

// TestTiny reads the same scenario written as CSV and as XML.
func TestTiny(t *testing.T) {
	c := parseFile(t, "testdata/tiny.csv")
	x := parseFile(t, "testdata/tiny.xml")
	s := c.Scenario
	if s.Title != "Tiny test" || s.Description != "Three parties, two issues" {
		t.Errorf("title %q, description %q", s.Title, s.Description)
	}
	var ids, names, notes []string
	for _, a := range s.Actors {
		ids = append(ids, a.ID)
		names = append(names, a.Name)
		notes = append(notes, a.Note)
	}
	if fmt.Sprint(ids, names, notes) != "[North South East] [North South East] [The north The south, quoted ]" {
		t.Errorf("actors %q %q %q", ids, names, notes)
	}
	if s.Actors[1].Capability != parley.Point(5.5) || s.Actors[2].Capability != parley.Point(0) {
		t.Errorf("capabilities %v %v", s.Actors[1].Capability, s.Actors[2].Capability)
	}
	if len(s.Issues) != 2 || s.Issues[0].ID != "Tax" || s.Issues[1].Name != "Spend" ||
		s.Issues[0].Scale.Min != 0 || s.Issues[0].Scale.Max != 100 {
		t.Errorf("issues %+v", s.Issues)
	}
	// South on Spend: position 30, salience 50 % → 0.5.
	st := s.Stances[3]
	if st.Actor != "South" || st.Issue != "Spend" || st.Position != parley.Point(30) || st.Salience != parley.Point(0.5) {
		t.Errorf("stance %+v", st)
	}
	if !reflect.DeepEqual(c.Scenario, x.Scenario) {
		t.Errorf("CSV and XML give different scenarios:\n%+v\n%+v", c.Scenario, x.Scenario)
	}
	if len(c.Params) != 0 || c.Seed != 0 {
		t.Errorf("CSV params %v seed %d", c.Params, c.Seed)
	}
	want := map[string]string{
		"voting_rule":   "Prop", // the XSD's spelling "Proportional"
		"big_r_adjust":  "None", // the XSD's spelling "No"
		"pce":           "MarkovUniform",
		"accommodation": "North:North=0.5;North:South=0.25",
	}
	if !reflect.DeepEqual(x.Params, want) || x.Seed != 12345 {
		t.Errorf("XML params %v seed %d", x.Params, x.Seed)
	}
}

// TestShared reads every KTAB sample in the shared reference folder.
func TestShared(t *testing.T) {
	dir := filepath.Dir(refdata.Path(t, "reference/ktab/dummyData_3Dim.csv"))
	for _, tc := range []struct {
		file         string
		actors, dims int
		title        string
	}{
		{"dummyData_3Dim.csv", 7, 3, "DummyData_3Dim"},
		{"dummyData_3Dim-no-final-comma.csv", 7, 3, "Scenario-0x89B9E56731783372"},
		{"dummyData_3Dim.xml", 7, 3, "DummyData_3Dim"},
		{"dummyData_3Dim+IdealAdjustment.xml", 7, 3, "DummyData_3Dim"},
		{"dummyData_6Dim.csv", 27, 6, "Combined"},
		{"SOE-Pol-Comp.csv", 13, 2, "China Policy/Competitive; scen 2"},
		{"SOE-Policy.csv", 26, 1, ""},
		{"SOE-Competitive.csv", 34, 1, ""},
		{"dummyData-a040.csv", 40, 1, "XYZ"},
		{"dummyData-a080.csv", 80, 1, "XYZ"},
		{"dummyData-a160.csv", 160, 1, "XYZ"},
		{"smpExample-a4a29b0.xml", 5, 3, "DummyData_3Dim"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			f := parseFile(t, filepath.Join(dir, tc.file))
			s := f.Scenario
			if len(s.Actors) != tc.actors || len(s.Issues) != tc.dims || len(s.Stances) != tc.actors*tc.dims {
				t.Errorf("%d actors, %d issues, %d stances", len(s.Actors), len(s.Issues), len(s.Stances))
			}
			if tc.title != "" && s.Title != tc.title {
				t.Errorf("title %q, want %q", s.Title, tc.title)
			}
		})
	}
	csvF := parseFile(t, filepath.Join(dir, "dummyData_3Dim.csv"))
	for _, other := range []string{"dummyData_3Dim-no-final-comma.csv", "dummyData_3Dim.xml", "dummyData_3Dim+IdealAdjustment.xml"} {
		o := parseFile(t, filepath.Join(dir, other))
		if !reflect.DeepEqual(csvF.Scenario.Stances, o.Scenario.Stances) || !reflect.DeepEqual(csvF.Scenario.Actors, o.Scenario.Actors) {
			t.Errorf("%s: actors or stances differ from dummyData_3Dim.csv", other)
		}
	}
	soe := parseFile(t, filepath.Join(dir, "SOE-Pol-Comp.csv"))
	if soe.Scenario.Issues[0].ID != "Policy_Position" || soe.Scenario.Issues[0].Name != "Policy Position" ||
		soe.Scenario.Actors[4].Note != "Liu He - Deputy Director of DRC" {
		t.Errorf("SOE-Pol-Comp: issue %+v, actor %+v", soe.Scenario.Issues[0], soe.Scenario.Actors[4])
	}
	ex := parseFile(t, filepath.Join(dir, "smpExample-a4a29b0.xml"))
	want := map[string]string{
		"victory_prob": "Linear", "pce": "MarkovIncentive", "transitions": "Stochastic", "voting_rule": "PropCbc",
		"big_r_adjust": "OneThird", "big_r_range": "Mid", "third_party_commit": "SemiCommit", "interp": "S2P2",
		"bargain_model": "InitOnlyInterp",
		"accommodation": "Alice:Alice=0.87;Bob:Bob=0.75;Bob:Alice=0.07;Carol:Carol=0.65;Carol:David=0.13;David:David=0.57",
	}
	if !reflect.DeepEqual(ex.Params, want) || ex.Seed != 3507583219545544127 {
		t.Errorf("smpExample params %v seed %d", ex.Params, ex.Seed)
	}
	// The shipped smpExample.xml has an empty coordinate: smpc stops with
	// "no text for the following xml element: dCoord"; we say where.
	data, _ := os.ReadFile(filepath.Join(dir, "smpExample.xml"))
	_, err := ktab.ParseXML("smpExample.xml", data)
	if err == nil || !strings.HasPrefix(err.Error(), `smpExample.xml:32:9: position of Alice on FirstDim: want a number in [0,100], got ""`) {
		t.Errorf("smpExample.xml: err = %v", err)
	}
}

func TestCSVErrors(t *testing.T) {
	const hdr = "S,D,3,1\nActor,Desc,Power,X,SX\n"
	for _, tc := range []struct{ in, want string }{
		{"", "bad.csv:1: empty file"},
		{" , ,\n\n", "bad.csv:1: empty file"},
		{"S,D,3\n", "bad.csv:1: the first line has 3 fields"},
		{"S,D,three,1\n", `bad.csv:1:5: number of actors: want a positive integer, got "three"`},
		{"S,D,3,0\n", `bad.csv:1:7: number of dimensions: want a positive integer, got "0"`},
		{"S,D,3,999999\n", "bad.csv:1:7: number of dimensions: 999999 is more than"},
		{"S,D,3,2\n", "bad.csv:2: missing the header line"},
		{"S,D,3,2\nActor,Desc,Power,X,SX\n", "bad.csv:2: the header line has 5 fields; with 2 dimensions want 7"},
		{"S,D,3,1\nActor,Desc,Power,X,SX,Y\n", `bad.csv:2:23: the header line has an extra field "Y"`},
		{hdr + "A,a,1,10,10\nB,b,1,10,10\n", "bad.csv:5: line 1 declares 3 actors but only 2 actor lines follow"},
		{hdr + "A,a,1,10,10\nB,b,1,10,10\nC,c,1,1,1\nD,d,1,1,1\n", "bad.csv:6:1: line 1 declares 3 actors but more lines follow"},
		{hdr + "A,a,1,abc,10\n", `bad.csv:3:7: position of A on X: want a number in [0,100], got "abc"`},
		{hdr + "A,a,1,NaN,10\n", `bad.csv:3:7: position of A on X: want a number in [0,100], got "NaN"`},
		{hdr + "A,a,1,120,10\n", `bad.csv:3:7: position of A on X: want a number in [0,100], got "120"`},
		{hdr + "A,a,1,10,-1\n", `bad.csv:3:10: salience of A on X: want a number in [0,100], got "-1"`},
		{hdr + "A,a,-2,10,10\n", `bad.csv:3:5: capability of A: want a non-negative number, got "-2"`},
		{hdr + ",a,1,10,10\n", "bad.csv:3:1: actor name is empty"},
		{hdr + "A,a,1,10,10\nA,b,1,10,10\n", `bad.csv:4:1: actor "A" is already defined on line 3`},
		{hdr + "A,\"a,1,10,10\n", "bad.csv:3:3: quoted field is not closed"},
		{hdr + "A,\"a\"x,1,10,10\n", `bad.csv:3:6: unexpected 'x' after a quoted field`},
		{hdr + "A,a,1,10,10,7\n", `bad.csv:3:13: the actor line has an extra field "7"`},
		{hdr + "A,a,1,10\n", "bad.csv:3: the actor line has 4 fields; with 1 dimensions want 5"},
		{"S,D,1,2\nActor,Desc,Power,X,SX,Y,SY\nA,a,1,10,60,10,50\n", "bad.csv:3:16: saliences of A add up to 110; at most 100 is allowed"},
	} {
		_, err := ktab.ParseCSV("bad.csv", []byte(tc.in))
		checkDiag(t, tc.in, err, tc.want)
	}
}

func checkDiag(t *testing.T, in string, err error, want string) {
	t.Helper()
	var ds parley.Diagnostics
	if !errors.As(err, &ds) || len(ds) == 0 || ds[0].Pos.Line < 1 {
		t.Errorf("%q: err = %v, want positioned diagnostics", in, err)
		return
	}
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("%q:\n got %v\nwant %s…", in, err, want)
	}
	if parley.ErrorCode(err) != parley.EINVALID {
		t.Errorf("%q: code %q", in, parley.ErrorCode(err))
	}
}

func TestXMLErrors(t *testing.T) {
	actor := func(name, caps, coords, sals string) string {
		return "<Actor><name>" + name + "</name><capability>" + caps + "</capability><Position>" + coords +
			"</Position><Salience>" + sals + "</Salience></Actor>"
	}
	ok := actor("A", "1", "<dCoord>10</dCoord>", "<dSal>10</dSal>") + actor("B", "1", "<dCoord>20</dCoord>", "<dSal>10</dSal>")
	doc := func(body string) string { return "<Scenario>\n<Actors>" + body + "</Actors>\n</Scenario>" }
	withIA := func(pairs string) string {
		return "<Scenario>\n<Actors>" + ok + "</Actors>\n<IdealAdjustment>\n" + pairs + "</IdealAdjustment></Scenario>"
	}
	for _, tc := range []struct{ in, want string }{
		{"", "bad.xml:1: no XML element"},
		{"hello", "bad.xml:1:1: text outside the root element"},
		{"<Scenario>", "bad.xml:1: XML syntax error: unexpected EOF"},
		{"<Scenario></Scenari>", "bad.xml:1: XML syntax error: element <Scenario> closed by </Scenari>"},
		{"<Other/>", "bad.xml:1:1: root element is <Other>; want <Scenario>"},
		{"<Scenario/><Scenario/>", "bad.xml:1:12: a second root element <Scenario>"},
		{"<Scenario>\n</Scenario>", "bad.xml:1:1: missing <Actors>"},
		{"<Scenario>\n<Actors/></Scenario>", "bad.xml:2:1: <Actors> has no <Actor>"},
		{"<Scenario><prngSeed>x12</prngSeed>\n<Actors>" + ok + "</Actors></Scenario>", `bad.xml:1:11: prngSeed: want a decimal integer below 2^64, got "x12"`},
		{"<Scenario><ModelParameters>\n<VotingRule>Majority</VotingRule></ModelParameters></Scenario>", `bad.xml:2:1: VotingRule: want one of Binary, PropBin, Prop, PropCbc, Cubic, ASymProsp, got "Majority"`},
		{"<Scenario><ModelParameters>\n<Speed>1</Speed></ModelParameters></Scenario>", "bad.xml:2:1: unknown model parameter <Speed>"},
		{doc(ok + "\n" + actor("C", "1", "<dCoord>10</dCoord><dCoord>10</dCoord>", "<dSal>1</dSal>")), "bad.xml:3:48: actor C: 2 coordinates for 1 dimensions"},
		{doc("\n" + actor("A", "x", "", "")), `bad.xml:3:22: capability of A: want a number, got "x"`},
		{doc("\n" + actor("A", "-1", "", "")), "bad.xml:3:22: capability of A: want a non-negative number, got -1"},
		{doc("\n<Actor><capability>1</capability></Actor>"), "bad.xml:3:1: actor 1: missing or empty <name>"},
		{doc("\n" + actor("A", "1", "<dCoord>101</dCoord>", "<dSal>1</dSal>")), `bad.xml:3:58: position of A on Dimension 1: want a number in [0,100], got "101"`},
		{doc("\n" + actor("A", "1", "<dCoord>1</dCoord>", "<dSal>60</dSal><dSal>50</dSal>")), "bad.xml:3:87: actor A: 2 saliences for 1 dimensions"},
		{doc(ok + "\n" + actor("A", "1", "<dCoord>1</dCoord>", "<dSal>1</dSal>")), `bad.xml:3:8: actor "A" is defined twice`},
		{withIA("<iaPair><adjustingIdeal>A</adjustingIdeal><referencePos>Z</referencePos><adjust>1</adjust></iaPair>"), `bad.xml:4:43: referencePos: no actor named "Z"`},
		{withIA("<iaPair><adjustingIdeal>A</adjustingIdeal><referencePos>B</referencePos><adjust>1.5</adjust></iaPair>"), "bad.xml:4:73: adjust: want a number in [0,1], got 1.5"},
		{withIA("<iaPair><adjustingIdeal>A</adjustingIdeal><referencePos>B</referencePos><adjust>0.5</adjust></iaPair>"), "bad.xml:4:1: ideal adjustments of A add up to 1.5"},
	} {
		_, err := ktab.ParseXML("bad.xml", []byte(tc.in))
		checkDiag(t, tc.in, err, tc.want)
	}
}

// TestWriteCSV writes a Parley scenario that uses its own scales, a
// per-issue capability, a missing stance and saliences above 1.
func TestWriteCSV(t *testing.T) {
	s := &parley.Scenario{
		Title:       "Budget, 2027",
		Description: `The "big" one`,
		Actors: []parley.Actor{
			{ID: "gov", Name: "Government", Capability: parley.Point(60)},
			{ID: "opp", Name: "opp", Capability: parley.Range(20, 30, 40), Note: "Main opposition"},
			{ID: "eu", Name: "European Commission", Capability: parley.Point(10)},
		},
		Issues: []parley.Issue{
			{ID: "deficit", Name: "Deficit", Scale: parley.Scale{Min: 0, Max: 5}},
			{ID: "tax", Name: "Tax rate", Scale: parley.Scale{Min: 0, Max: 100}},
		},
		Stances: []parley.Stance{
			{Actor: "gov", Issue: "deficit", Position: parley.Point(3), Salience: parley.Point(0.9)},
			{Actor: "gov", Issue: "tax", Position: parley.Point(33.3), Salience: parley.Point(0.3)},
			{Actor: "opp", Issue: "deficit", Position: parley.Point(1.25), Salience: parley.Point(0.5), Capability: &parley.Value{Low: 50, Mode: 50, High: 50}},
			{Actor: "opp", Issue: "tax", Position: parley.Point(40), Salience: parley.Point(0.25)},
			{Actor: "eu", Issue: "deficit", Position: parley.Point(0), Salience: parley.Point(0.8)},
		},
	}
	var b bytes.Buffer
	if err := ktab.WriteCSV(&b, s); err != nil {
		t.Fatal(err)
	}
	// gov: saliences 0.9 + 0.3 = 1.2 are scaled to 75 and 25; deficit 3 of
	// [0,5] is 60. opp: capability (0.5·50 + 0.25·30)/0.75 = 43.33…
	// eu: no stance on tax, so salience 0 at the middle of the scale.
	want := `"Budget, 2027","The &quot;big&quot; one",3,2,
Actor,Description,Power,Deficit,Deficit Salience,Tax rate,Tax rate Salience,
gov,Government,60,60,75,33.3,25,
opp,Main opposition,43.333333333333336,25,50,40,25,
eu,European Commission,10,0,80,50,0,
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	f, err := ktab.ParseCSV("out.csv", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if f.Scenario.Title != s.Title || f.Scenario.Description != s.Description || f.Scenario.Actors[1].Note != "Main opposition" {
		t.Errorf("read back %+v", f.Scenario)
	}
	for _, bad := range []func(*parley.Scenario){
		func(s *parley.Scenario) { s.Actors = s.Actors[:2] },
		func(s *parley.Scenario) { s.Actors[0].ID = "a-name-far-longer-than-25-chars" },
		func(s *parley.Scenario) { s.Actors[0].Capability = parley.Point(2e8) },
		func(s *parley.Scenario) { s.Stances[0].Issue = "nope" },
		func(s *parley.Scenario) { s.Stances[0].Position = parley.Point(7) },
	} {
		c := *s
		c.Actors = append([]parley.Actor(nil), s.Actors...)
		c.Stances = append([]parley.Stance(nil), s.Stances...)
		bad(&c)
		if err := ktab.WriteCSV(&b, &c); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("err = %v, want EINVALID", err)
		}
	}
}

// TestRoundTrip: every shared CSV sample reads back as the same scenario
// after WriteCSV.
func TestRoundTrip(t *testing.T) {
	dir := filepath.Dir(refdata.Path(t, "reference/ktab/dummyData_3Dim.csv"))
	files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	xmls, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
	for _, p := range append(files, xmls...) {
		data, _ := os.ReadFile(p)
		f, err := ktab.Parse(p, data)
		if err != nil {
			continue // smpExample.xml
		}
		var b bytes.Buffer
		if err := ktab.WriteCSV(&b, f.Scenario); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		g, err := ktab.ParseCSV("round.csv", b.Bytes())
		if err != nil {
			t.Fatalf("%s: reading back: %v\n%s", p, err, b.String())
		}
		if !reflect.DeepEqual(f.Scenario, g.Scenario) {
			t.Errorf("%s: round trip changed the scenario:\n%+v\n%+v", p, f.Scenario, g.Scenario)
		}
	}
}

func ExampleParseCSV() {
	data := []byte(`Tiny,Two issues,3,2,
Actor,Description,Power,Tax,Tax salience,Spend,Spend salience,
North,The north,10,20,40,70,30,
South,The south,5.5,80,25,30,50,
East,The east,1,50,0,50,100,
`)
	f, err := ktab.ParseCSV("tiny.csv", data)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, st := range f.Scenario.Stances[:2] {
		fmt.Println(st.Actor, st.Issue, st.Position, st.Salience)
	}
	_, err = ktab.ParseCSV("bad.csv", bytes.Replace(data, []byte("80,25"), []byte("80,95"), 1))
	fmt.Println(err)
	// Output:
	// North Tax 20 0.4
	// North Spend 70 0.3
	// bad.csv:4:30: saliences of South add up to 145; at most 100 is allowed
}

// TestOddCSV reads a file with padded and quoted fields, a blank line,
// KTAB's &quot; and $$ escapes, and names that need cleaning into ids.
func TestOddCSV(t *testing.T) {
	f := parseFile(t, "testdata/odd.csv")
	s := f.Scenario
	var got []string
	for _, a := range s.Actors {
		got = append(got, a.ID+"|"+a.Name+"|"+a.Note)
	}
	want := []string{`x_y|x,y|"q"`, "x_y_2|x_y|", "9-9|9-9|,", "x.y|x.y|"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("actors %q, want %q", got, want)
	}
	if s.Title != "Odd, file" || s.Description != "padded" || s.Issues[0].ID != "A_B_Position" || s.Issues[0].Name != "A B Position" {
		t.Errorf("title %q description %q issue %+v", s.Title, s.Description, s.Issues[0])
	}
	// Saliences are divided by 100 as KTAB divides them (0.33340000000000003).
	sal := 33.34
	if s.Stances[2].Position != parley.Point(33.33) || s.Stances[2].Salience != parley.Point(sal/100) {
		t.Errorf("stance %+v", s.Stances[2])
	}
}

func ExampleWriteCSV() {
	s := &parley.Scenario{
		Title:  "Tariff",
		Actors: []parley.Actor{{ID: "us", Name: "US", Capability: parley.Point(50)}, {ID: "eu", Name: "EU", Capability: parley.Point(40)}, {ID: "cn", Name: "China", Capability: parley.Point(45)}},
		Issues: []parley.Issue{{ID: "rate", Name: "Tariff rate", Scale: parley.Scale{Min: 0, Max: 25}}},
		Stances: []parley.Stance{
			{Actor: "us", Issue: "rate", Position: parley.Point(25), Salience: parley.Point(0.9)},
			{Actor: "eu", Issue: "rate", Position: parley.Point(5), Salience: parley.Point(0.6)},
			{Actor: "cn", Issue: "rate", Position: parley.Point(0), Salience: parley.Point(0.8)},
		},
	}
	if err := ktab.WriteCSV(os.Stdout, s); err != nil {
		fmt.Println(err)
	}
	// Output:
	// Tariff,,3,1,
	// Actor,Description,Power,Tariff rate,Tariff rate Salience,
	// us,US,50,100,90,
	// eu,EU,40,20,60,
	// cn,China,45,0,80,
}

func TestSniff(t *testing.T) {
	for _, p := range []string{"testdata/tiny.csv", "testdata/tiny.xml", "testdata/odd.csv", "testdata/pairs.xml"} {
		data, _ := os.ReadFile(p)
		if !ktab.Sniff(data) {
			t.Errorf("%s: not recognised", p)
		}
	}
	for _, s := range []string{
		"",
		"title: A scenario\nactors: []\n",
		"actor,capability,position,salience\nus,1,2,0.5\n",
		"#A us United States\n#M nuclear\n",
		"<?xml version=\"1.0\"?><html><body/></html>",
		"S,D,3,1\n",
		"S,D,x,1\nActor,Desc,Power,X,SX\n",
	} {
		if ktab.Sniff([]byte(s)) {
			t.Errorf("%q taken for KTAB", s)
		}
	}
}
