package main

import (
	"bytes"
	"errors"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/parley-forecast/parley"
)

const reportScenario = `title: Small
question: Where will k land?
sources:
  - {id: src, title: A note}
actors:
  - {id: a, name: A, capability: 20}
  - {id: b, name: B, capability: {low: 5, mode: 10, high: 15}}
  - {id: c, name: C, capability: 12}
issues:
  - {id: k, name: K, scale: {min: 0, max: 100, anchors: [{value: 0, label: none}, {value: 100, label: all}]}}
stances:
  - actor: a
    issue: k
    position: {low: 30, mode: 40, high: 60}
    salience: 1
    evidence: [{source: src, quote: "A wants forty", supports: position}]
  - {actor: b, issue: k, position: 30, salience: 0.6, assumption: A guess}
  - {actor: c, issue: k, position: 80, salience: {low: 0.3, mode: 0.5, high: 0.7}, assumption: Another guess}
variants:
  - id: b-out
    changes: [{op: remove-actor, actor: b}]
questions:
  - {id: high, when: "k >= 50"}
`

func writeScenario(t *testing.T) (dir, path string) {
	t.Helper()
	dir = t.TempDir()
	path = filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(path, []byte(reportScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, path
}

// TestReportPDFNoBrowser: without Chromium on PATH a PDF brief is an
// EUNAVAILABLE error naming the browsers looked for, exit status 1, and
// nothing is written.
func TestReportPDFNoBrowser(t *testing.T) {
	dir, path := writeScenario(t)
	t.Setenv("PATH", t.TempDir())
	out := filepath.Join(dir, "brief.pdf")
	var stdout, stderr bytes.Buffer
	code := Main([]string{"report", path, "--draws", "20", "--out", out}, &stdout, &stderr)
	if code != exitFindings {
		t.Errorf("exit status %d, want %d", code, exitFindings)
	}
	for _, want := range []string{"chromium, chromium-browser, google-chrome", "PATH", "apt-get install chromium"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr %q lacks %q", stderr.String(), want)
		}
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s was written (stat: %v)", out, err)
	}
	_, err := findBrowser()
	if parley.ErrorCode(err) != parley.EUNAVAILABLE {
		t.Errorf("error code %q, want %q", parley.ErrorCode(err), parley.EUNAVAILABLE)
	}
}

// TestReportPDF prints a brief with headless Chromium, renders its pages
// with pdftoppm and checks that none is blank. It skips when either tool
// is missing.
func TestReportPDF(t *testing.T) {
	if _, err := findBrowser(); err != nil {
		t.Skip(err)
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm (poppler-utils) is not installed")
	}
	dir, path := writeScenario(t)
	out := filepath.Join(dir, "brief.pdf")
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"report", path, "--seed", "2", "--draws", "100", "--trajectories", "3", "--out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit status %d: %s", code, stderr.String())
	}
	pdf, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("%s does not start with %%PDF-: %q", out, pdf[:min(16, len(pdf))])
	}
	pages := filepath.Join(dir, "page")
	if b, err := exec.Command("pdftoppm", "-r", "40", "-png", out, pages).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, b)
	}
	files, _ := filepath.Glob(pages + "*.png")
	sort.Strings(files)
	if len(files) < 2 {
		t.Fatalf("%d pages, want at least 2 (the brief has ten sections and four plots)", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		bd := img.Bounds()
		ink := 0
		for y := bd.Min.Y; y < bd.Max.Y; y++ {
			for x := bd.Min.X; x < bd.Max.X; x++ {
				r, g, b, _ := img.At(x, y).RGBA()
				if r < 0xe000 || g < 0xe000 || b < 0xe000 {
					ink++
				}
			}
		}
		// A page with a few lines of text at 40 dpi has hundreds of inked
		// pixels; a blank page has none.
		t.Logf("%s: %d inked pixels of %d", filepath.Base(f), ink, bd.Dx()*bd.Dy())
		if ink < 200 {
			t.Errorf("%s: %d inked pixels of %d: blank page", filepath.Base(f), ink, bd.Dx()*bd.Dy())
		}
	}
}
