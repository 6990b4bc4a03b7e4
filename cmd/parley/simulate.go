package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"time"

	"github.com/parley-forecast/parley/analysis"
	"github.com/spf13/cobra"
)

func newSimulateCmd() *cobra.Command {
	var f anaFlags
	var draws uint64
	var bins int
	var timings bool
	cmd := &cobra.Command{
		Use:   "simulate FILE",
		Short: "Monte Carlo over every input given as a range",
		Long: `Draw every input the scenario gives as a range {low, mode, high} (from a
triangular distribution by default, --dist uniform for flat), run the
model on each draw, and report per issue the outcome's distribution (mean,
sd, quantiles, histogram) and per question its probability with a 95 %
Wilson interval and the Monte Carlo standard errors.

Draw i is seeded from (--seed, i) alone and the aggregation is exact, so
the output is byte-identical for any --workers. Memory does not grow with
--draws. The output carries no timing unless --timings is given.

Formats: table (for people), json and csv (for scripts; see
docs/analyses.md).`,
		Example: `  parley simulate examples/iran-comprehensive-deal.yaml --draws 10000
  parley simulate examples/iran-comprehensive-deal.yaml --draws 1000000 --model eum --format json --out mc.json`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			if draws == 0 {
				return usagef("--draws must be at least 1")
			}
			if err := checkBins(bins); err != nil {
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
			start := time.Now()
			sum, err := analysis.Simulate(j.ctx, p, j.Config, analysis.SimOptions{Draws: draws, Dist: j.Dist, Bins: bins, Variant: f.variant})
			if err != nil {
				return err
			}
			elapsed := time.Since(start)
			var t *simTimings
			if timings {
				t = &simTimings{Seconds: elapsed.Seconds(), DrawsPerSecond: float64(draws) / elapsed.Seconds(), Workers: j.Config.Workers}
			}
			return f.write(cmd, simDoc{SimSummary: sum, Timings: t},
				func() ([]byte, error) { return simulateCSV(sum) },
				func() []byte { return simulateTable(sum, t) })
		},
	}
	f.register(cmd, "table, json or csv")
	f.registerDist(cmd)
	cmd.Flags().Uint64VarP(&draws, "draws", "n", 10000, "number of Monte Carlo draws")
	cmd.Flags().IntVar(&bins, "bins", 20, "histogram bins per issue (must divide 10000)")
	cmd.Flags().BoolVar(&timings, "timings", false, "add the elapsed time and rate to the output")
	return cmd
}

// checkBins checks --bins before anything runs, so that a bad value is a
// usage error (exit 2).
func checkBins(bins int) error {
	if bins < 1 || analysis.FineBins%bins != 0 {
		return usagef("--bins must divide %d (e.g. 10, 20, 25, 50, 100), got %d", analysis.FineBins, bins)
	}
	return nil
}

type simTimings struct {
	Seconds        float64 `json:"seconds"`
	DrawsPerSecond float64 `json:"draws_per_second"`
	Workers        int     `json:"workers"`
}

type simDoc struct {
	*analysis.SimSummary
	Timings *simTimings `json:"timings,omitempty"`
}

func simulateTable(s *analysis.SimSummary, t *simTimings) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s — model %s", s.Scenario, s.Model)
	if s.Variant != "" {
		fmt.Fprintf(&b, ", variant %s", s.Variant)
	}
	fmt.Fprintf(&b, "\n%d draws, %s ranges over %d uncertain inputs, seed %d\n\n", s.Draws, s.Distribution, s.Inputs, s.Seed)
	rows := [][]string{{"issue", "mean", "sd", "p05", "p25", "p50", "p75", "p95", "se(mean)"}}
	for _, is := range s.Issues {
		q := is.Quantiles
		rows = append(rows, []string{is.ID, fmtNum(float64(is.Mean)), fmtNum(float64(is.SD)),
			fmtNum(float64(q.P05)), fmtNum(float64(q.P25)), fmtNum(float64(q.P50)), fmtNum(float64(q.P75)), fmtNum(float64(q.P95)),
			strconv.FormatFloat(float64(is.SEMean), 'f', 3, 64)})
	}
	table(&b, "", "l", rows)
	if len(s.Questions) > 0 {
		b.WriteString("\n")
		rows = [][]string{{"question", "probability", "95% interval", "se", "when"}}
		for _, q := range s.Questions {
			rows = append(rows, []string{q.ID, fmt.Sprintf("%.3f", q.Probability), fmt.Sprintf("[%.3f, %.3f]", q.Interval[0], q.Interval[1]),
				fmt.Sprintf("%.4f", q.SE), q.When})
		}
		table(&b, "", "lrrrl", rows)
	}
	for _, is := range s.Issues {
		if is.Undefined > 0 {
			fmt.Fprintf(&b, "note: issue %s had no outcome in %d draws (nobody with weight took part)\n", is.ID, is.Undefined)
		}
	}
	if t != nil {
		fmt.Fprintf(&b, "\n%.2f s, %.0f draws/s on %d workers\n", t.Seconds, t.DrawsPerSecond, t.Workers)
	}
	return b.Bytes()
}

// simulateCSV writes kind,id,statistic,value: per issue the statistics
// (mean, sd, se_mean, min, max, p05…p95, then the histogram as
// bin:LO:HI counts), per question probability, interval_low,
// interval_high, se and hits.
func simulateCSV(s *analysis.SimSummary) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"kind", "id", "statistic", "value"})
	for _, is := range s.Issues {
		q := is.Quantiles
		for _, kv := range []struct {
			k string
			v analysis.Num
		}{{"mean", is.Mean}, {"sd", is.SD}, {"se_mean", is.SEMean}, {"min", is.Min}, {"max", is.Max},
			{"p05", q.P05}, {"p25", q.P25}, {"p50", q.P50}, {"p75", q.P75}, {"p95", q.P95}} {
			_ = w.Write([]string{"issue", is.ID, kv.k, csvNum(float64(kv.v))})
		}
		width := (is.Histogram.Hi - is.Histogram.Lo) / float64(len(is.Histogram.Counts))
		for i, c := range is.Histogram.Counts {
			lo := is.Histogram.Lo + float64(i)*width
			_ = w.Write([]string{"issue", is.ID, "bin:" + csvNum(lo) + ":" + csvNum(lo+width), strconv.FormatUint(c, 10)})
		}
	}
	for _, q := range s.Questions {
		for _, kv := range []struct {
			k string
			v analysis.Num
		}{{"probability", q.Probability}, {"interval_low", q.Interval[0]}, {"interval_high", q.Interval[1]}, {"se", q.SE}} {
			_ = w.Write([]string{"question", q.ID, kv.k, csvNum(float64(kv.v))})
		}
		_ = w.Write([]string{"question", q.ID, "hits", strconv.FormatUint(q.Hits, 10)})
	}
	w.Flush()
	return b.Bytes(), w.Error()
}
