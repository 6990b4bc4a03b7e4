package extract_test

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/parley-forecast/parley/extract"
)

var update = flag.Bool("update", false, "rewrite the recorded evaluation figures in testdata/eval/scores.txt")

// A labelled case of the evaluation set.
type evalCase struct {
	id, tags string
	text     string
	want     []gold
	line     int
}

type gold struct{ actor, cue, target, issue, polarity string }

// readEval parses the evaluation format of testdata/eval/README.md.
func readEval(t *testing.T, name string) []evalCase {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "eval", name))
	if err != nil {
		t.Fatal(err)
	}
	var out []evalCase
	var cur *evalCase
	inText := false
	var text []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := 0
	for sc.Scan() {
		line++
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "## "):
			if cur != nil {
				out = append(out, *cur)
			}
			f := strings.Fields(l[3:])
			cur = &evalCase{id: f[0], tags: strings.Join(f[1:], " "), line: line}
			inText, text = true, nil
		case cur == nil:
		case inText && l == "--":
			cur.text = strings.TrimSpace(strings.Join(text, "\n"))
			inText = false
		case inText:
			text = append(text, l)
		case strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#"):
		default:
			f := strings.Split(l, "|")
			if len(f) != 5 {
				t.Fatalf("%s:%d: want actor | cue | target | issue | polarity, got %q", name, line, l)
			}
			for i := range f {
				f[i] = strings.TrimSpace(f[i])
				if f[i] == "-" {
					f[i] = ""
				}
			}
			cur.want = append(cur.want, gold{f[0], f[1], f[2], f[3], f[4]})
		}
	}
	if cur != nil {
		out = append(out, *cur)
	}
	return out
}

// fields in the order reported.
var fields = []string{"actor", "cue", "target", "issue", "polarity"}

func (g gold) field(f string) string {
	switch f {
	case "actor":
		return g.actor
	case "cue":
		return g.cue
	case "target":
		return g.target
	case "issue":
		return g.issue
	}
	return g.polarity
}

// score holds, per field, the correct predictions and the predicted and
// gold counts (for target and issue, only non-empty values count).
type score struct {
	correct, predicted, gold map[string]int
	emptyOK, emptyCases      int // cases that must yield nothing
	falseOnEmpty             int
}

func newScore() *score {
	return &score{correct: map[string]int{}, predicted: map[string]int{}, gold: map[string]int{}}
}

// add scores one case: predictions are aligned to gold proposals greedily
// by the number of agreeing fields (ties by order); a pair needs at least
// the actor or the cue to agree. Each field of an aligned pair counts as
// correct when equal; unaligned predictions and gold proposals count
// only in the denominators.
func (s *score) add(want []gold, got []gold) []string {
	var notes []string
	for _, f := range fields {
		for _, g := range want {
			if g.field(f) != "" {
				s.gold[f]++
			}
		}
		for _, p := range got {
			if p.field(f) != "" {
				s.predicted[f]++
			}
		}
	}
	if len(want) == 0 {
		s.emptyCases++
		if len(got) == 0 {
			s.emptyOK++
		} else {
			s.falseOnEmpty += len(got)
		}
	}
	type pair struct{ i, j, agree int }
	var pairs []pair
	for i, g := range want {
		for j, p := range got {
			n := 0
			for _, f := range fields {
				if g.field(f) == p.field(f) {
					n++
				}
			}
			if g.actor == p.actor || g.cue == p.cue {
				pairs = append(pairs, pair{i, j, n})
			}
		}
	}
	sort.SliceStable(pairs, func(a, b int) bool { return pairs[a].agree > pairs[b].agree })
	usedW, usedG := map[int]bool{}, map[int]bool{}
	for _, pr := range pairs {
		if usedW[pr.i] || usedG[pr.j] {
			continue
		}
		usedW[pr.i], usedG[pr.j] = true, true
		g, p := want[pr.i], got[pr.j]
		for _, f := range fields {
			if v := g.field(f); v != "" && v == p.field(f) {
				s.correct[f]++
			}
		}
		if g != p {
			notes = append(notes, fmt.Sprintf("  want %v\n   got %v", g, p))
		}
	}
	for i, g := range want {
		if !usedW[i] {
			notes = append(notes, fmt.Sprintf("  missed %v", g))
		}
	}
	for j, p := range got {
		if !usedG[j] {
			notes = append(notes, fmt.Sprintf("  extra  %v", p))
		}
	}
	return notes
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func (s *score) table(name string) string {
	var b strings.Builder
	for _, f := range fields {
		fmt.Fprintf(&b, "%s %s precision %.2f recall %.2f (%d correct, %d proposed, %d expected)\n", name, f,
			ratio(s.correct[f], s.predicted[f]), ratio(s.correct[f], s.gold[f]), s.correct[f], s.predicted[f], s.gold[f])
	}
	fmt.Fprintf(&b, "%s nothing-cases %d of %d yielded nothing (%d false proposals)\n", name, s.emptyOK, s.emptyCases, s.falseOnEmpty)
	return b.String()
}

func runEval(t *testing.T, file string) (*score, []string) {
	s := newScore()
	var log []string
	for _, c := range readEval(t, file) {
		var got []gold
		for _, p := range extract.Proposals("eval", c.text, nil) {
			got = append(got, gold{p.Actor, p.Cue, p.Target, p.Issue, p.Polarity})
		}
		if notes := s.add(c.want, got); len(notes) > 0 {
			log = append(log, fmt.Sprintf("%s:%d %s [%s]\n%s", file, c.line, c.id, c.tags, strings.Join(notes, "\n")))
		}
	}
	return s, log
}

// TestEvaluation measures precision and recall per field on the labelled
// set and fails if any figure falls below the one recorded in
// testdata/eval/scores.txt (rewrite it with -update after an
// improvement).
func TestEvaluation(t *testing.T) {
	var all strings.Builder
	total := newScore()
	for _, file := range []string{"dev.txt", "test.txt"} {
		s, log := runEval(t, file)
		all.WriteString(s.table(strings.TrimSuffix(file, ".txt")))
		for _, l := range log {
			t.Log(l)
		}
		for _, f := range fields {
			total.correct[f] += s.correct[f]
			total.predicted[f] += s.predicted[f]
			total.gold[f] += s.gold[f]
		}
		total.emptyOK += s.emptyOK
		total.emptyCases += s.emptyCases
		total.falseOnEmpty += s.falseOnEmpty
	}
	all.WriteString(total.table("all"))
	got := all.String()
	t.Logf("\n%s", got)
	path := filepath.Join("testdata", "eval", "scores.txt")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to record the figures)", err)
	}
	rec := parseScores(string(want))
	for k, v := range parseScores(got) {
		if r, ok := rec[k]; ok && v < r-1e-9 {
			t.Errorf("%s fell from %.2f to %.2f", k, r, v)
		}
	}
}

// parseScores reads "set field precision P recall R …" lines into
// "set field precision" → P and so on.
func parseScores(s string) map[string]float64 {
	out := map[string]float64{}
	for _, l := range strings.Split(s, "\n") {
		f := strings.Fields(l)
		if len(f) < 6 || f[2] != "precision" {
			continue
		}
		p, _ := strconv.ParseFloat(f[3], 64)
		r, _ := strconv.ParseFloat(f[5], 64)
		out[f[0]+" "+f[1]+" precision"] = p
		out[f[0]+" "+f[1]+" recall"] = r
	}
	return out
}
