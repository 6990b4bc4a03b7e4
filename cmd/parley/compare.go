package main

import (
	"bytes"
	"encoding/csv"
	"fmt"

	"github.com/parley-forecast/parley/analysis"
	"github.com/spf13/cobra"
)

func newCompareCmd() *cobra.Command {
	var f anaFlags
	var variants []string
	var all bool
	var draws uint64
	cmd := &cobra.Command{
		Use:   "compare FILE",
		Short: "Forecast the base scenario and its variants side by side",
		Long: `Run the model on the base scenario and on each variant (--variants a,b or
--all, the default) and show, side by side, each issue's forecast, its
difference to the base, and whether each question holds.

With --draws N each column is also simulated (see parley simulate) and
each question's probability is shown with its 95 % interval.

Formats: table (for people), json and csv (for scripts; see
docs/analyses.md).`,
		Example: `  parley compare examples/iran-comprehensive-deal.yaml
  parley compare examples/iran-comprehensive-deal.yaml --variants russia-out,us-russia-thaw --draws 2000 --format json`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			if f.variant != "" {
				return usagef("compare takes --variants (or --all), not --variant")
			}
			if all && len(variants) > 0 {
				return usagef("give --variants or --all, not both")
			}
			j, err := f.setup(cmd, a[0], "table", "json", "csv")
			if err != nil {
				return err
			}
			defer j.stop()
			o := analysis.CompareOptions{Variants: variants, Draws: draws, Dist: j.Dist}
			c, err := analysis.Compare(j.ctx, j.Scenario, j.Config, o)
			if err != nil {
				return err
			}
			return f.write(cmd, c,
				func() ([]byte, error) { return compareCSV(c) },
				func() []byte { return compareTable(c) })
		},
	}
	f.register(cmd, "table, json or csv")
	f.registerDist(cmd)
	// Every analysis registers --variant; compare refuses it (above), so
	// its help does not offer it.
	_ = cmd.Flags().MarkHidden("variant")
	cmd.Flags().StringSliceVar(&variants, "variants", nil, "variants to compare with the base, comma-separated (default: all)")
	cmd.Flags().BoolVar(&all, "all", false, "compare every variant (the default)")
	cmd.Flags().Uint64Var(&draws, "draws", 0, "also simulate each column with this many Monte Carlo draws")
	return cmd
}

func compareTable(c *analysis.Comparison) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s — model %s", c.Scenario, c.Model)
	if c.Draws > 0 {
		fmt.Fprintf(&b, ", %d draws per column, seed %d", c.Draws, c.Seed)
	}
	b.WriteString("\n\n")
	var rows [][]string
	row := func(cells ...string) { rows = append(rows, cells) }
	head := []string{"forecast"}
	for _, col := range c.Columns {
		name := col.Variant
		if name == "" {
			name = "base"
		}
		head = append(head, name)
	}
	row(head...)
	for k, is := range c.Issues {
		cells := []string{is.ID}
		for i, col := range c.Columns {
			x := fmtNum(float64(col.Forecast[k]))
			if i > 0 {
				x += " (" + fmtSigned(float64(col.Difference[k])) + ")"
			}
			cells = append(cells, x)
		}
		row(cells...)
	}
	if len(c.Questions) > 0 {
		row()
		row("question holds?")
		for j, q := range c.Questions {
			cells := []string{q.ID}
			for _, col := range c.Columns {
				cells = append(cells, yesNo(col.Holds[j]))
			}
			row(cells...)
		}
	}
	if c.Draws > 0 && len(c.Questions) > 0 {
		row()
		row("P(question) [95% interval]")
		for j, q := range c.Questions {
			cells := []string{q.ID}
			for _, col := range c.Columns {
				qs := col.Simulation.Questions[j]
				cells = append(cells, fmt.Sprintf("%.3f [%.3f, %.3f]", qs.Probability, qs.Interval[0], qs.Interval[1]))
			}
			row(cells...)
		}
	}
	table(&b, "", "l", rows)
	b.WriteString("\n(differences to the base in parentheses)\n")
	return b.Bytes()
}

// compareCSV writes variant,kind,id,value,difference: kind "issue" (value
// the forecast), "question" (1 when it holds, else 0) and, with draws,
// "probability"; difference is to the base column.
func compareCSV(c *analysis.Comparison) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"variant", "kind", "id", "value", "difference"})
	b01 := func(x bool) float64 {
		if x {
			return 1
		}
		return 0
	}
	for _, col := range c.Columns {
		for k, is := range c.Issues {
			_ = w.Write([]string{col.Variant, "issue", is.ID, csvNum(float64(col.Forecast[k])), csvNum(float64(col.Difference[k]))})
		}
		for j, q := range c.Questions {
			_ = w.Write([]string{col.Variant, "question", q.ID, csvNum(b01(col.Holds[j])), csvNum(b01(col.Holds[j]) - b01(c.Columns[0].Holds[j]))})
		}
		if col.Simulation != nil {
			for j, q := range c.Questions {
				p := float64(col.Simulation.Questions[j].Probability)
				p0 := float64(c.Columns[0].Simulation.Questions[j].Probability)
				_ = w.Write([]string{col.Variant, "probability", q.ID, csvNum(p), csvNum(p - p0)})
			}
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}
