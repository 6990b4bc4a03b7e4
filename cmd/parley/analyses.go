package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/analysis"
	"github.com/parley-forecast/parley/internal/atomicfile"
	"github.com/parley-forecast/parley/models"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// anaFlags are the flags every analysis command takes.
type anaFlags struct {
	model, variant, format, out, inputFormat, progress, dist string
	rounds, workers                                          int
	seed                                                     uint64
	opts                                                     []string
}

func (f *anaFlags) register(cmd *cobra.Command, formats string) {
	fl := cmd.Flags()
	fl.StringVarP(&f.model, "model", "m", "eum", "model to run (see parley models)")
	fl.IntVar(&f.rounds, "rounds", 0, "number of rounds (0: the model's default)")
	fl.StringVar(&f.variant, "variant", "", "apply the named variant of the scenario first")
	fl.StringVarP(&f.format, "format", "f", "table", "output format: "+formats)
	fl.StringVarP(&f.out, "out", "o", "", "write the output to this file instead of standard output")
	fl.Uint64Var(&f.seed, "seed", 0, "seed for every random draw of the analysis and the model")
	fl.IntVar(&f.workers, "workers", 0, "parallel workers (0: all cores); results do not depend on it")
	fl.StringArrayVar(&f.opts, "opt", nil, "model option as name=value (repeatable; see parley models)")
	fl.StringVar(&f.inputFormat, "input-format", "auto", "input file format")
	fl.StringVar(&f.progress, "progress", "auto", "progress bar on standard error: auto (only on a terminal), always or never")
	_ = cmd.RegisterFlagCompletionFunc("model", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return models.Names(), cobra.ShellCompDirectiveNoFileComp
	})
}

// registerDist adds --dist for the commands that draw from ranges.
func (f *anaFlags) registerDist(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.dist, "dist", "triangular", "distribution of every range: triangular (low, mode, high) or uniform (low, high)")
}

// job is what an analysis command works on.
type job struct {
	// Scenario is the file's scenario as written (all variants);
	// Variant the one applied to make Run.
	Scenario *parley.Scenario
	Run      *parley.Scenario
	Config   analysis.Config
	Dist     analysis.Dist
	ctx      context.Context
	stop     func()
	rec      *progress
}

// setup checks the common flags, reads the file and prepares the model.
func (f *anaFlags) setup(cmd *cobra.Command, path string, formats ...string) (*job, error) {
	ok := false
	for _, x := range formats {
		ok = ok || x == f.format
	}
	if !ok {
		return nil, usagef("unknown format %q: want %s", f.format, joinOr(formats))
	}
	if f.rounds < 0 {
		return nil, usagef("--rounds must be at least 0, got %d", f.rounds)
	}
	if f.workers < 0 {
		return nil, usagef("--workers must be at least 0, got %d", f.workers)
	}
	switch f.progress {
	case "auto", "always", "never":
	default:
		return nil, usagef("--progress must be auto, always or never, got %q", f.progress)
	}
	d, err := analysis.ParseDist(f.dist)
	if err != nil {
		return nil, usageError{err}
	}
	m, err := models.Lookup(f.model)
	if err != nil {
		return nil, usageError{err}
	}
	if err := checkOut(f.out); err != nil {
		return nil, err
	}
	in, err := load(path, f.inputFormat)
	if err != nil {
		return nil, err
	}
	if err := in.Diagnostics.Err(); err != nil {
		return nil, err
	}
	run, err := analysis.ApplyVariant(in.Scenario, f.variant)
	if err != nil {
		return nil, err
	}
	params, err := parseOpts(in.Params, f.opts)
	if err != nil {
		return nil, err
	}
	opts := parley.Options{Rounds: f.rounds, Seed: f.seed, Params: params}
	if _, err := m.Prepare(opts); err != nil {
		return nil, err
	}
	workers := f.workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	j := &job{Scenario: in.Scenario, Run: run, Dist: d,
		Config: analysis.Config{Model: m, Options: opts, Workers: workers}}
	j.rec = newProgress(cmd.ErrOrStderr(), f.progress, cmd.Name())
	j.Config.Recorder = j.rec
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	j.ctx, j.stop = signal.NotifyContext(ctx, os.Interrupt)
	return j, nil
}

func joinOr(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	s := ""
	for i, x := range xs[:len(xs)-1] {
		if i > 0 {
			s += ", "
		}
		s += x
	}
	return s + " or " + xs[len(xs)-1]
}

// emit writes the rendered output to standard output or, with --out,
// atomically to the file.
func (f *anaFlags) emit(cmd *cobra.Command, b []byte) error {
	if f.out == "" {
		_, err := cmd.OutOrStdout().Write(b)
		return err
	}
	if err := atomicfile.WriteFile(f.out, b, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", f.out, err)
	}
	return nil
}

// write renders an analysis result in the chosen format (json for v
// itself, csv and table through the given renderers) and emits it.
func (f *anaFlags) write(cmd *cobra.Command, v any, csv func() ([]byte, error), table func() []byte) error {
	var b []byte
	var err error
	switch f.format {
	case "json":
		b, err = jsonBytes(v)
	case "csv":
		b, err = csv()
	default:
		b = table()
	}
	if err != nil {
		return err
	}
	return f.emit(cmd, b)
}

// jsonBytes renders v as indented JSON with a final newline.
func jsonBytes(v any) ([]byte, error) { return analysis.JSON(v) }

// progress is the analysis.Recorder of the command line: a bar with count,
// rate and ETA on standard error when it is a terminal (or with
// --progress always), nothing otherwise.
type progress struct {
	w    io.Writer
	on   bool
	desc string
	bar  *progressbar.ProgressBar
}

func newProgress(w io.Writer, mode, desc string) *progress {
	on := mode == "always"
	if mode == "auto" {
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			on = true
		}
	}
	return &progress{w: w, on: on, desc: desc}
}

func (p *progress) Start(total int64) {
	if !p.on || p.bar != nil {
		return
	}
	p.bar = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(p.desc),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("runs"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetWidth(30),
		progressbar.OptionClearOnFinish(),
	)
	_ = p.bar.RenderBlank()
}

func (p *progress) Add(n int64) {
	if p.bar != nil {
		_ = p.bar.Add64(n)
	}
}

func (p *progress) Done() {
	if p.bar != nil {
		_ = p.bar.Finish()
		_ = p.bar.Clear()
	}
}

// fmtNum renders x with two decimals, "–" for NaN.
func fmtNum(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

// fmtSigned renders a difference with its sign, "0" for none.
func fmtSigned(x float64) string {
	switch {
	case math.IsNaN(x):
		return "–"
	case x == 0:
		return "0"
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

// csvNum renders x for CSV: shortest exact form, empty for NaN.
func csvNum(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// table renders rows as columns separated by two spaces, each line
// prefixed by indent. align gives each column's alignment, 'l' or 'r';
// columns beyond it align right (numbers). Widths count runes.
func table(b *bytes.Buffer, indent, align string, rows [][]string) {
	var w []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(w) {
				w = append(w, 0)
			}
			w[i] = max(w[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range rows {
		line := indent
		for i, c := range r {
			pad := strings.Repeat(" ", w[i]-utf8.RuneCountInString(c))
			if i > 0 {
				line += "  "
			}
			if i < len(align) && align[i] == 'l' {
				line += c + pad
			} else {
				line += pad + c
			}
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
}
