package report_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"strings"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/analysis"
	"github.com/parley-forecast/parley/internal/golden"
	"github.com/parley-forecast/parley/models"
	"github.com/parley-forecast/parley/report"
	"golang.org/x/net/html"
)

// small is a three-actor, two-issue scenario with ranges, evidence, an
// assumption, a relation, a variant and two questions: every section of a
// brief has something to show.
func small() *parley.Scenario {
	r := parley.Range
	p := parley.Point
	pp := func(v parley.Value) *parley.Value { return &v }
	return &parley.Scenario{
		Title:    "Test talks",
		Question: "Will the parties agree on a high k?",
		Date:     "2026-01-02",
		Sources:  []parley.Source{{ID: "src", Title: "A report", Publisher: "Press", Date: "2026-01-01"}},
		Actors: []parley.Actor{
			{ID: "a", Name: "Alpha", Kind: parley.KindState, Capability: r(15, 20, 25),
				Evidence: []parley.Evidence{{Source: "src", Quote: "Alpha is strong", Supports: "capability"}}},
			{ID: "b", Name: "Beta", Kind: parley.KindState, Capability: p(10)},
			{ID: "c", Name: "Gamma", Kind: parley.KindOther, Capability: r(5, 8, 12)},
		},
		Issues: []parley.Issue{
			{ID: "k", Name: "Key issue", Scale: parley.Scale{Min: 0, Max: 100, Anchors: []parley.Anchor{{Value: 0, Label: "nothing"}, {Value: 100, Label: "everything"}}}},
			{ID: "t", Name: "Timing", Scale: parley.Scale{Min: 0, Max: 10, Unit: "years"}},
		},
		Stances: []parley.Stance{
			{Actor: "a", Issue: "k", Position: r(30, 40, 50), Salience: p(0.8),
				Evidence: []parley.Evidence{{Source: "src", Quote: "Alpha wants   some k", Supports: "position"}, {Source: "src", Quote: "Alpha may *settle*", Supports: "salience"}}},
			{Actor: "b", Issue: "k", Position: r(60, 70, 80), Salience: r(0.4, 0.5, 0.6), Assumption: "Beta's line is inferred from its past votes"},
			{Actor: "c", Issue: "k", Position: p(90), Salience: p(0.6), Capability: pp(p(4)),
				Evidence: []parley.Evidence{{Source: "src", Quote: "Gamma | wants all of k", Supports: "position"}}},
			{Actor: "a", Issue: "t", Position: p(2), Salience: p(0.5), Assumption: "Alpha is in a hurry"},
			{Actor: "b", Issue: "t", Position: r(4, 6, 8), Salience: p(0.7),
				Evidence: []parley.Evidence{{Source: "src", Quote: "Beta can wait", Supports: "position"}}},
		},
		Relations: []parley.Relation{{From: "a", To: "b", Kind: parley.RelRival, Strength: 0.5,
			Evidence: []parley.Evidence{{Source: "src", Quote: "Alpha and Beta quarrel", Supports: "relation"}}}},
		Variants: []parley.Variant{
			{ID: "b-out", Description: "Beta walks out", Changes: []parley.Change{{Op: parley.OpRemoveActor, Actor: "b"}}},
			{ID: "a-strong", Description: "Alpha doubles its weight", Changes: []parley.Change{{Op: parley.OpScaleCapability, Actor: "a", Factor: 2}}},
		},
		Questions: []parley.Question{
			{ID: "high", Description: "k at least 50", When: "k >= 50"},
			{ID: "quick", When: "t <= 4"},
		},
	}
}

func compute(t testing.TB, model string, workers int) *report.Brief {
	t.Helper()
	s := small()
	if ds := s.Validate(); ds.Err() != nil {
		t.Fatalf("test scenario does not validate: %v", ds)
	}
	m, err := models.Lookup(model)
	if err != nil {
		t.Fatal(err)
	}
	cfg := analysis.Config{Model: m, Options: parley.Options{Seed: 7}, Workers: workers}
	med, err := models.Lookup("median")
	if err != nil {
		t.Fatal(err)
	}
	b, err := report.Compute(context.Background(), s, cfg, report.Options{Draws: 300, Trajectories: 4, Others: []parley.Model{med},
		Command: "parley report small.yaml --model " + model + " --seed 7 --draws 300 --out brief.html"})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// outline reduces an HTML brief to its structure: headings, section ids,
// table captions, header cells and row counts, figures (with the kind of
// their content), lists with their lengths, and code blocks, in document
// order. Numbers inside cells are left out, so the golden file changes
// only when the layout does.
func outline(t *testing.T, doc []byte) string {
	t.Helper()
	root, err := html.Parse(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "h1", "h2":
				fmt.Fprintf(&b, "%s %s\n", n.Data, text(n))
			case "section", "figure":
				fmt.Fprintf(&b, "%s #%s\n", n.Data, attr(n, "id"))
			case "svg":
				fmt.Fprintf(&b, "  svg\n")
				return
			case "ul":
				fmt.Fprintf(&b, "  list of %d\n", count(n, "li"))
				return
			case "pre":
				fmt.Fprintf(&b, "  code\n")
				return
			case "table":
				var head []string
				var caption string
				rows := 0
				var tw func(*html.Node)
				tw = func(m *html.Node) {
					if m.Type == html.ElementNode {
						switch m.Data {
						case "caption":
							caption = text(m)
						case "th":
							head = append(head, text(m))
						case "tr":
							if m.Parent != nil && m.Parent.Data == "tbody" {
								rows++
							}
						}
					}
					for c := m.FirstChild; c != nil; c = c.NextSibling {
						tw(c)
					}
				}
				tw(n)
				fmt.Fprintf(&b, "  table %q [%s] rows %d\n", caption, strings.Join(head, " | "), rows)
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return b.String()
}

func text(n *html.Node) string {
	var b strings.Builder
	var f func(*html.Node)
	f = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			f(c)
		}
	}
	f(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func count(n *html.Node, tag string) int {
	k := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == tag {
			k++
		}
	}
	return k
}

func TestHTMLStructure(t *testing.T) {
	b := compute(t, "eum", 0)
	doc, err := report.HTML(b)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "small.html.outline", []byte(outline(t, doc)))
}

func TestMarkdownGolden(t *testing.T) {
	b := compute(t, "eum", 0)
	doc, files, err := report.Markdown(b, "brief")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "small.md", doc)
	// Every plot the document links is among the files, and every file is
	// linked.
	links := regexp.MustCompile(`!\[[^\]]*\]\(([^)]+)\)`).FindAllSubmatch(doc, -1)
	if len(links) != len(files) || len(files) != 4 {
		t.Fatalf("%d plot links, %d files; want 4 of each (2 issues × outcomes and positions)", len(links), len(files))
	}
	for i, f := range files {
		if string(links[i][1]) != f.Name {
			t.Errorf("link %d is %s, file %s", i, links[i][1], f.Name)
		}
		if !strings.HasPrefix(f.Name, "brief-") || !strings.HasSuffix(f.Name, ".png") {
			t.Errorf("file name %q: want brief-*.png", f.Name)
		}
		checkPNG(t, f.Name, f.Data)
	}
}

// checkPNG decodes a plot and checks that it is not blank: a good share
// of its pixels are not white, and it has several colours (lines of
// different actors, bars).
func checkPNG(t *testing.T, name string, data []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	bd := img.Bounds()
	if bd.Dx() < 600 || bd.Dy() < 300 {
		t.Errorf("%s: %v, want at least 600×300 pixels", name, bd)
	}
	ink, colours := inked(img)
	if ink < bd.Dx()*bd.Dy()/100 || colours < 3 {
		t.Errorf("%s: %d inked pixels of %d, %d colours: looks blank", name, ink, bd.Dx()*bd.Dy(), colours)
	}
}

func inked(img image.Image) (ink, colours int) {
	seen := map[color.RGBA]bool{}
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || b < 0xf000 {
				ink++
			}
			seen[color.RGBA{uint8(r >> 12), uint8(g >> 12), uint8(b >> 12), 0}] = true
		}
	}
	return ink, len(seen)
}

// TestSelfContained: no external asset of any kind.
func TestSelfContained(t *testing.T) {
	doc, err := report.HTML(compute(t, "eum", 0))
	if err != nil {
		t.Fatal(err)
	}
	root, err := html.Parse(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var svgs int
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "link", "img", "iframe", "object", "embed":
				t.Errorf("<%s> in a self-contained brief", n.Data)
			case "svg":
				svgs++
			}
			for _, a := range n.Attr {
				if (a.Key == "src" || a.Key == "href" || strings.HasSuffix(a.Key, "href")) && !strings.HasPrefix(a.Val, "#") {
					t.Errorf("<%s %s=%q> points outside the document", n.Data, a.Key, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	if svgs != 4 {
		t.Errorf("%d inline SVG plots, want 4", svgs)
	}
	if bytes.Contains(doc, []byte("url(http")) || bytes.Contains(doc, []byte("@import")) {
		t.Error("the styles load something from outside")
	}
}

// TestDeterministic: the same seed gives the same bytes, whatever the
// number of workers.
func TestDeterministic(t *testing.T) {
	b1, b2 := compute(t, "eum", 1), compute(t, "eum", 2)
	h1, _ := report.HTML(b1)
	h2, _ := report.HTML(b2)
	if !bytes.Equal(h1, h2) {
		t.Error("HTML differs between 1 and 2 workers")
	}
	m1, f1, _ := report.Markdown(b1, "x")
	m2, f2, _ := report.Markdown(b2, "x")
	if !bytes.Equal(m1, m2) {
		t.Error("Markdown differs between 1 and 2 workers")
	}
	for i := range f1 {
		if !bytes.Equal(f1[i].Data, f2[i].Data) {
			t.Errorf("plot %s differs between runs", f1[i].Name)
		}
	}
}

// TestEvidence: every quote with its source, every assumption marked, in
// both formats; the seed, version, model and command are stated.
func TestEvidence(t *testing.T) {
	b := compute(t, "eum", 0)
	h, err := report.HTML(b)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := report.Markdown(b, "brief")
	if err != nil {
		t.Fatal(err)
	}
	// The HTML as text, entities decoded.
	root, err := html.Parse(bytes.NewReader(h))
	if err != nil {
		t.Fatal(err)
	}
	ht := text(root)
	s := small()
	var quotes []string
	for _, a := range s.Actors {
		for _, e := range a.Evidence {
			quotes = append(quotes, e.Quote)
		}
	}
	for _, st := range s.Stances {
		for _, e := range st.Evidence {
			quotes = append(quotes, e.Quote)
		}
		if st.Assumption != "" {
			want := "ASSUMPTION: " + st.Assumption
			if !strings.Contains(ht, want) {
				t.Errorf("HTML lacks %q", want)
			}
			if !strings.Contains(string(m), "ASSUMPTION: "+strings.ReplaceAll(st.Assumption, "'", "'")) {
				t.Errorf("Markdown lacks %q", want)
			}
		}
	}
	for _, r := range s.Relations {
		for _, e := range r.Evidence {
			quotes = append(quotes, e.Quote)
		}
	}
	md := string(m)
	for _, q := range quotes {
		q = strings.Join(strings.Fields(q), " ")
		want := "“" + q + "” [src]"
		if !strings.Contains(ht, want) {
			t.Errorf("HTML lacks %q", want)
		}
		mq := strings.NewReplacer("|", `\|`, "*", `\*`).Replace(q)
		if !strings.Contains(md, "“"+mq+"” \\[src\\]") {
			t.Errorf("Markdown lacks %q", q)
		}
	}
	for _, want := range []string{"[src] A report", "Seed: 7", "Parley version: " + parley.Version, "Model: eum", "Will the parties agree on a high k?",
		"parley report small.yaml --model eum --seed 7 --draws 300 --out brief.html"} {
		if !strings.Contains(ht, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}

// TestStaticModel: a one-shot model has no moves between actors; the
// brief says so instead of showing an empty table.
func TestStaticModel(t *testing.T) {
	h, err := report.HTML(compute(t, "median", 0))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(h, []byte("does not move positions over rounds")) {
		t.Error("no note on the static model")
	}
}

// TestOthers: the median beside eum. By hand, weights are capability ×
// salience: on k, Alpha 20·0.8 = 16, Beta 10·0.5 = 5, Gamma 4·0.6 = 2.4
// (its override); Alpha holds 16 of 23.4, more than half, so the median is
// Alpha's 40. On t, Alpha 20·0.5 = 10 of 17, so 2; "quick" (t <= 4) holds.
// A model that fails is reported in its row, not fatal.
func TestOthers(t *testing.T) {
	m, _ := models.Lookup("eum")
	med, _ := models.Lookup("median")
	b, err := report.Compute(context.Background(), small(), analysis.Config{Model: m}, report.Options{Draws: 10, Trajectories: 2,
		Others: []parley.Model{med, failing{}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Others) != 2 {
		t.Fatalf("%d other models, want 2", len(b.Others))
	}
	o := b.Others[0]
	if o.Model != "median" || o.Err != "" || o.Forecast[0] != 40 || o.Forecast[1] != 2 || o.Holds[0] || !o.Holds[1] {
		t.Errorf("median: %+v, want forecast [40 2], holds [false true]", o)
	}
	if b.Others[1].Err != "cannot" {
		t.Errorf("failing model: %+v", b.Others[1])
	}
	h, err := report.HTML(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(h, []byte(">failed: cannot</td>")) {
		t.Error("the failing model's row is missing")
	}
}

type failing struct{}

func (failing) Info() parley.ModelInfo { return parley.ModelInfo{Name: "failing"} }
func (failing) Prepare(parley.Options) (parley.Solver, error) {
	return nil, parley.Errorf(parley.EINVALID, "cannot")
}

func TestNoModel(t *testing.T) {
	_, err := report.Compute(context.Background(), small(), analysis.Config{}, report.Options{})
	if err == nil {
		t.Fatal("no error without a model")
	}
}
