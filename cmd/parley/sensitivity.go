package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"

	"github.com/parley-forecast/parley/analysis"
	"github.com/spf13/cobra"
)

func newSensitivityCmd() *cobra.Command {
	var f anaFlags
	var method, sampler string
	var draws, levels, resamples, top int
	cmd := &cobra.Command{
		Use:   "sensitivity FILE",
		Short: "Which uncertain inputs drive each issue's outcome and each question",
		Long: `Rank the inputs the scenario gives as ranges (positions, saliences,
capabilities) by how much they drive each issue's outcome and each
question's verdict.

--method morris screens with elementary effects: --draws trajectories
(default 10) on a grid of --levels levels (default 4), (k+1) runs each
for k inputs; reports μ* (mean absolute effect), μ and σ, in outcome
units per the input's whole range.

--method sobol estimates first-order (S1) and total (ST) Sobol indices
from a Saltelli design of --draws base rows (default 1024) drawn from the
Sobol sequence (--sampler random for pseudo-random), N(k+2) runs, with
bootstrap 95 % intervals.

Formats: table (for people, the --top inputs per output), json and csv
(every input; see docs/analyses.md).`,
		Example: `  parley sensitivity examples/iran-comprehensive-deal.yaml --method morris
  parley sensitivity examples/iran-comprehensive-deal.yaml --method sobol --draws 512 --model median`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			if method != "morris" && method != "sobol" {
				return usagef("--method must be morris or sobol, got %q", method)
			}
			if draws < 0 || top < 1 {
				return usagef("--draws must be at least 0 and --top at least 1")
			}
			if err := checkSensitivityFlags(method, draws, levels, sampler, resamples); err != nil {
				return err
			}
			j, err := f.setup(cmd, a[0], "table", "json", "csv")
			if err != nil {
				return err
			}
			defer j.stop()
			p, err := analysis.NewProblem(j.Run)
			if err != nil {
				return err
			}
			o := analysis.SensitivityOptions{Method: method, Dist: j.Dist,
				Morris: analysis.MorrisOptions{Trajectories: draws, Levels: levels},
				Sobol:  analysis.SobolOptions{N: draws, Sampler: sampler, Resamples: resamples}}
			r, err := analysis.Sensitivity(j.ctx, p, j.Config, o)
			if err != nil {
				return err
			}
			r.Variant = f.variant
			return f.write(cmd, r,
				func() ([]byte, error) { return sensitivityCSV(r) },
				func() []byte { return sensitivityTable(r, top) })
		},
	}
	f.register(cmd, "table, json or csv")
	f.registerDist(cmd)
	fl := cmd.Flags()
	fl.StringVar(&method, "method", "morris", "morris or sobol")
	fl.IntVarP(&draws, "draws", "n", 0, "Morris trajectories (default 10) or Sobol base rows (default 1024)")
	fl.IntVar(&levels, "levels", 4, "Morris grid levels (even)")
	fl.StringVar(&sampler, "sampler", "sobol", "Sobol base sample: sobol (quasi-random) or random")
	fl.IntVar(&resamples, "resamples", 100, "bootstrap resamples for the Sobol intervals")
	fl.IntVar(&top, "top", 8, "inputs listed per output in the table")
	return cmd
}

// checkSensitivityFlags checks the method's own bounds before anything
// runs, so that a bad value is a usage error (exit 2) like any other bad
// flag. draws 0 is the method's default.
func checkSensitivityFlags(method string, draws, levels int, sampler string, resamples int) error {
	if draws == 1 && method == "sobol" {
		return usagef("--draws: a Sobol analysis needs at least 2 rows, got 1 (0: the default, 1024)")
	}
	if draws == 1 {
		return usagef("--draws: Morris needs at least 2 trajectories, got 1 (0: the default, 10)")
	}
	if method == "morris" && (levels < 2 || levels%2 != 0) {
		return usagef("--levels must be even and at least 2, got %d", levels)
	}
	if method == "sobol" && sampler != "sobol" && sampler != "random" {
		return usagef("--sampler must be sobol or random, got %q", sampler)
	}
	if method == "sobol" && resamples < 0 {
		return usagef("--resamples must be at least 0 (0: the default, 100), got %d", resamples)
	}
	return nil
}

func inputLabel(in analysis.InputInfo) string {
	if in.Issue == "" {
		return in.Actor + " " + in.Field
	}
	return in.Actor + " " + in.Field + " on " + in.Issue
}

func sensitivityTable(r *analysis.SensitivityResult, top int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s — model %s", r.Scenario, r.Model)
	if r.Variant != "" {
		fmt.Fprintf(&b, ", variant %s", r.Variant)
	}
	b.WriteString("\n")
	if r.Method == "morris" {
		fmt.Fprintf(&b, "Morris screening: %d trajectories, %d levels, %d runs over %d uncertain inputs (%s).\n", r.Trajectories, r.Levels, r.Evaluations, len(r.Inputs), r.Distribution)
		fmt.Fprintf(&b, "μ*: mean absolute change of the output when the input crosses its whole range.\n")
	} else {
		fmt.Fprintf(&b, "Sobol indices: %d base rows (%s sampler), %d runs over %d uncertain inputs (%s).\n", r.N, r.Sampler, r.Evaluations, len(r.Inputs), r.Distribution)
		fmt.Fprintf(&b, "S1: share of the output's variance due to the input alone; ST: including its interactions.\n")
	}
	for _, o := range r.Outputs {
		what := "issue " + o.ID
		if o.Kind == "question" {
			what = "question " + o.ID + " (1 when it holds)"
		}
		fmt.Fprintf(&b, "\n%s", what)
		if r.Method == "sobol" {
			fmt.Fprintf(&b, ": mean %s, variance %s", strconv.FormatFloat(float64(o.Mean), 'g', 4, 64), strconv.FormatFloat(float64(o.Var), 'g', 4, 64))
		}
		b.WriteString("\n")
		if constant(r, o) {
			b.WriteString("  (does not vary in this design: no input drives it)\n")
			continue
		}
		rows := [][]string{{"input", "S1", "95% interval", "ST", "95% interval"}}
		if r.Method == "morris" {
			rows = [][]string{{"input", "μ*", "μ", "σ"}}
		}
		for i, fi := range o.Factors {
			if i == top {
				break
			}
			in := r.Inputs[fi.Input]
			if r.Method == "morris" {
				rows = append(rows, []string{inputLabel(in), fmtNum(float64(*fi.MuStar)), fmtNum(float64(*fi.Mu)), fmtNum(float64(*fi.Sigma))})
			} else {
				rows = append(rows, []string{inputLabel(in), fmt.Sprintf("%.3f", *fi.S1), fmt.Sprintf("[%.3f, %.3f]", fi.S1CI[0], fi.S1CI[1]),
					fmt.Sprintf("%.3f", *fi.ST), fmt.Sprintf("[%.3f, %.3f]", fi.STCI[0], fi.STCI[1])})
			}
		}
		table(&b, "  ", "l", rows)
	}
	return b.Bytes()
}

// sensitivityCSV writes one row per output and input: for morris
// kind,output,path,actor,field,issue,mu_star,mu,sigma; for sobol
// kind,output,path,actor,field,issue,s1,s1_low,s1_high,st,st_low,st_high.
func sensitivityCSV(r *analysis.SensitivityResult) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	head := []string{"kind", "output", "path", "actor", "field", "issue"}
	if r.Method == "morris" {
		head = append(head, "mu_star", "mu", "sigma")
	} else {
		head = append(head, "s1", "s1_low", "s1_high", "st", "st_low", "st_high")
	}
	_ = w.Write(head)
	for _, o := range r.Outputs {
		for _, fi := range o.Factors {
			in := r.Inputs[fi.Input]
			row := []string{o.Kind, o.ID, in.Path, in.Actor, in.Field, in.Issue}
			if r.Method == "morris" {
				row = append(row, csvNum(float64(*fi.MuStar)), csvNum(float64(*fi.Mu)), csvNum(float64(*fi.Sigma)))
			} else {
				row = append(row, csvNum(float64(*fi.S1)), csvNum(float64(fi.S1CI[0])), csvNum(float64(fi.S1CI[1])),
					csvNum(float64(*fi.ST)), csvNum(float64(fi.STCI[0])), csvNum(float64(fi.STCI[1])))
			}
			_ = w.Write(row)
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// constant reports whether output o did not vary over the design.
func constant(r *analysis.SensitivityResult, o analysis.OutputSensitivity) bool {
	if r.Method == "sobol" {
		return o.Var == 0
	}
	for _, fi := range o.Factors {
		if *fi.MuStar != 0 {
			return false
		}
	}
	return true
}
