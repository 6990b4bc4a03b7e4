package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/internal/atomicfile"
	"github.com/parley-forecast/parley/models"
	"github.com/parley-forecast/parley/report"
	"github.com/spf13/cobra"
)

// browsers are the names of headless Chromium looked for on PATH, in order.
var browsers = []string{"chromium", "chromium-browser", "google-chrome"}

// pdfTimeout bounds one Chromium run.
const pdfTimeout = 2 * time.Minute

func newReportCmd() *cobra.Command {
	var f anaFlags
	var draws uint64
	var trajectories int
	cmd := &cobra.Command{
		Use:   "report FILE --out brief.html|brief.md|brief.pdf",
		Short: "Write a brief that states the scenario's question and answers it",
		Long: `Write one self-contained document that states the scenario's question and
answers it: the forecast per issue with its uncertainty, each question's
probability in the base and every variant, the what-if table, leverage,
the main drivers, plots of positions over rounds and of outcome
distributions, every input with its evidence quotes and sources
(assumptions marked), and the model, version, seed and command that
reproduce every number.

The format follows the --out extension:
  .html  one file, plots as inline SVG, no external assets;
  .md    Markdown, with the plots as PNG files beside it (NAME-*.png);
  .pdf   the HTML printed by headless Chromium (chromium, chromium-browser
         or google-chrome on PATH; without one the command fails and
         writes nothing).

The same file, options and seed give the same HTML and Markdown bytes.
See docs/report.md.`,
		Example: `  parley report examples/iran-comprehensive-deal.yaml --seed 1 --out brief.html
  parley report examples/iran-comprehensive-deal.yaml --model median --draws 500 --out brief.md
  parley report examples/iran-comprehensive-deal.yaml --seed 1 --out brief.pdf`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return runReport(cmd, a[0], &f, draws, trajectories)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.model, "model", "m", "eum", "model to run (see parley models)")
	fl.IntVar(&f.rounds, "rounds", 0, "number of rounds (0: the model's default)")
	fl.StringVarP(&f.out, "out", "o", "", "the brief to write: NAME.html, NAME.md or NAME.pdf (required)")
	fl.Uint64Var(&f.seed, "seed", 0, "seed for every random draw of the analyses and the model")
	fl.IntVar(&f.workers, "workers", 0, "parallel workers (0: all cores); results do not depend on it")
	fl.StringArrayVar(&f.opts, "opt", nil, "model option as name=value (repeatable; see parley models)")
	fl.StringVar(&f.inputFormat, "input-format", "auto", "input file format")
	fl.Uint64Var(&draws, "draws", report.DefaultDraws, "Monte Carlo draws per scenario (the base and each variant)")
	fl.IntVar(&trajectories, "trajectories", report.DefaultTrajectories, "Morris trajectories behind the main drivers")
	f.registerDist(cmd)
	return cmd
}

func runReport(cmd *cobra.Command, path string, f *anaFlags, draws uint64, trajectories int) error {
	if f.out == "" {
		return usagef("--out is required: NAME.html, NAME.md or NAME.pdf")
	}
	kind := strings.ToLower(filepath.Ext(f.out))
	switch kind {
	case ".html", ".htm", ".md", ".pdf":
	default:
		return usagef("--out %s: the name must end in .html, .md or .pdf", f.out)
	}
	if draws < 1 {
		return usagef("--draws must be at least 1, got %d", draws)
	}
	if trajectories < 1 {
		return usagef("--trajectories must be at least 1, got %d", trajectories)
	}
	var browser string
	if kind == ".pdf" {
		var err error
		if browser, err = findBrowser(); err != nil {
			return err
		}
	}
	f.format, f.progress = "brief", "never"
	j, err := f.setup(cmd, path, "brief")
	if err != nil {
		return err
	}
	defer j.stop()
	j.Config.Recorder = nil
	b, err := report.Compute(j.ctx, j.Scenario, j.Config, report.Options{
		Draws: draws, Dist: j.Dist, Trajectories: trajectories,
		Command: reportCommand(path, f, draws, trajectories),
		Others:  otherModels(f.model),
	})
	if err != nil {
		return err
	}
	switch kind {
	case ".md":
		doc, files, err := report.Markdown(b, strings.TrimSuffix(filepath.Base(f.out), filepath.Ext(f.out)))
		if err != nil {
			return err
		}
		dir := filepath.Dir(f.out)
		for _, file := range files {
			p := filepath.Join(dir, file.Name)
			if err := atomicfile.WriteFile(p, file.Data, 0o644); err != nil {
				return fmt.Errorf("writing %s: %w", p, err)
			}
		}
		return f.emit(cmd, doc)
	case ".pdf":
		html, err := report.HTML(b)
		if err != nil {
			return err
		}
		pdf, err := printPDF(j.ctx, browser, html)
		if err != nil {
			return err
		}
		return f.emit(cmd, pdf)
	}
	html, err := report.HTML(b)
	if err != nil {
		return err
	}
	return f.emit(cmd, html)
}

// otherModels returns every model but the one called name, for the
// brief's table of point forecasts by model.
func otherModels(name string) []parley.Model {
	var out []parley.Model
	for _, m := range models.All() {
		if m.Info().Name != name {
			out = append(out, m)
		}
	}
	return out
}

// findBrowser returns the path of the first of browsers on PATH, or an
// EUNAVAILABLE error naming them all.
func findBrowser() (string, error) {
	for _, name := range browsers {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", parley.Errorf(parley.EUNAVAILABLE,
		"a PDF brief needs headless Chromium, but none of %s is on PATH; install it (Debian: apt-get install chromium fonts-liberation) or write --out NAME.html or NAME.md",
		strings.Join(browsers, ", "))
}

// printPDF prints html to PDF with headless Chromium, in a fresh temporary
// directory that also serves as the browser's profile.
func printPDF(ctx context.Context, browser string, html []byte) ([]byte, error) {
	dir, err := os.MkdirTemp("", "parley-pdf-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "brief.html")
	out := filepath.Join(dir, "brief.pdf")
	if err := os.WriteFile(in, html, 0o600); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, pdfTimeout)
	defer cancel()
	c := exec.CommandContext(ctx, browser,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-pdf-header-footer",
		"--user-data-dir="+filepath.Join(dir, "profile"),
		"--print-to-pdf="+out,
		"file://"+filepath.ToSlash(in))
	var stderr bytes.Buffer
	c.Stderr = &stderr
	if err := c.Run(); err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return nil, parley.Errorf(parley.EUNAVAILABLE, "%s did not print the PDF within %v", browser, pdfTimeout)
		}
		return nil, parley.Errorf(parley.EUNAVAILABLE, "%s failed to print the PDF: %v\n%s", browser, err, lastLines(stderr.String(), 5))
	}
	pdf, err := os.ReadFile(out)
	if err != nil || len(pdf) == 0 {
		return nil, parley.Errorf(parley.EUNAVAILABLE, "%s wrote no PDF\n%s", browser, lastLines(stderr.String(), 5))
	}
	return pdf, nil
}

func lastLines(s string, n int) string {
	ls := strings.Split(strings.TrimSpace(s), "\n")
	if len(ls) > n {
		ls = ls[len(ls)-n:]
	}
	return strings.Join(ls, "\n")
}

// reportCommand is the command line that reproduces the brief, with every
// option that changes a number spelled out.
func reportCommand(path string, f *anaFlags, draws uint64, trajectories int) string {
	a := []string{"parley", "report", path, "--model", f.model, "--seed", strconv.FormatUint(f.seed, 10),
		"--draws", strconv.FormatUint(draws, 10), "--dist", f.dist, "--trajectories", strconv.Itoa(trajectories)}
	if f.rounds > 0 {
		a = append(a, "--rounds", strconv.Itoa(f.rounds))
	}
	opts := append([]string(nil), f.opts...)
	sort.Strings(opts)
	for _, o := range opts {
		a = append(a, "--opt", o)
	}
	if f.inputFormat != "" && f.inputFormat != "auto" {
		a = append(a, "--input-format", f.inputFormat)
	}
	a = append(a, "--out", f.out)
	for i, s := range a {
		a[i] = shellQuote(s)
	}
	return strings.Join(a, " ")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=+:,@", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
