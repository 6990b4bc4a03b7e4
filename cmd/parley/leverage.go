package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/analysis"
	"github.com/spf13/cobra"
)

func newLeverageCmd() *cobra.Command {
	var f anaFlags
	var only string
	cmd := &cobra.Command{
		Use:   "leverage FILE",
		Short: "Who can move whom: each actor's leverage over each issue and over the others",
		Long: `For each actor and each issue it takes part in, run the model with the
actor's position moved to either end of the issue's scale and with its
capability on the issue doubled and halved, and report how far the
forecast moves and which questions change their verdict. For dynamic
models (eum, smp, exchange) also report how far each other actor's final
position moves. Actors are ranked by their leverage averaged over all
issues.

--actor A keeps only A's rows in the table and the CSV (what A can do);
the JSON always holds every actor.

Formats: table (for people), json and csv (for scripts; see
docs/analyses.md).`,
		Example: `  parley leverage examples/iran-comprehensive-deal.yaml
  parley leverage examples/iran-comprehensive-deal.yaml --model median --format csv`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			j, err := f.setup(cmd, a[0], "table", "json", "csv")
			if err != nil {
				return err
			}
			defer j.stop()
			p, err := analysis.NewProblem(j.Run)
			if err != nil {
				return err
			}
			// An unknown --actor is refused before the work, as strategy
			// refuses one: a name the scenario does not hold.
			if only != "" && !slices.Contains(p.Base.Actors, only) {
				return parley.Errorf(parley.ENOTFOUND, "--actor: no actor %q in scenario %q (actors: %v)", only, p.Scenario.Title, p.Base.Actors)
			}
			r, err := analysis.Leverage(j.ctx, p, j.Config)
			if err != nil {
				return err
			}
			return f.write(cmd, r,
				func() ([]byte, error) { return leverageCSV(r, only) },
				func() []byte { return leverageTable(r, only) })
		},
	}
	f.register(cmd, "table, json or csv")
	cmd.Flags().StringVar(&only, "actor", "", "show only this actor's rows (table and csv)")
	return cmd
}

func leverageTable(r *analysis.LeverageResult, only string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s — model %s\n", r.Scenario, r.Model)
	fmt.Fprintf(&b, "Forecast shift when the actor's position goes to the scale's min or max, or its capability doubles or halves.\n")
	for _, is := range r.Issues {
		name := is.ID
		if is.Name != "" {
			name = is.Name + " (" + is.ID + ")"
		}
		fmt.Fprintf(&b, "\n%s, scale %g to %g, forecast %s\n", name, is.Scale[0], is.Scale[1], fmtNum(float64(is.Forecast)))
		rows := [][]string{{"actor", "position", "to min", "to max", "cap ×2", "cap ×½", "leverage", "flips"}}
		for _, e := range is.Actors {
			if !e.Present || (only != "" && e.Actor != only) {
				continue
			}
			flips := ""
			for _, p := range analysis.Perturbations {
				for _, q := range e.Flips[p] {
					if flips != "" {
						flips += ", "
					}
					flips += p + ":" + q
				}
			}
			rows = append(rows, []string{e.Actor, fmtNum(float64(e.Position)),
				fmtSigned(float64(e.Shift["to_min"])), fmtSigned(float64(e.Shift["to_max"])),
				fmtSigned(float64(e.Shift["cap_double"])), fmtSigned(float64(e.Shift["cap_half"])), fmt.Sprintf("%.3f", e.Leverage), flips})
		}
		table(&b, "  ", "lrrrrrrl", rows)
		if r.Dynamic {
			fmt.Fprintf(&b, "  Largest move of each actor's final position (columns) caused by each actor (rows):\n")
			var present []string
			for _, e := range is.Actors {
				if e.Present {
					present = append(present, e.Actor)
				}
			}
			rows := [][]string{append([]string{""}, present...)}
			for _, e := range is.Actors {
				if !e.Present || (only != "" && e.Actor != only) {
					continue
				}
				row := []string{e.Actor}
				for _, id := range present {
					if id == e.Actor {
						row = append(row, "·")
						continue
					}
					row = append(row, fmtNum(float64(e.MaxMove[id])))
				}
				rows = append(rows, row)
			}
			table(&b, "  ", "l", rows)
		}
	}
	fmt.Fprintf(&b, "\nMost pivotal actors (leverage averaged over the issues)\n")
	var rows [][]string
	for i, rk := range r.Ranking {
		top := "most on " + rk.Top
		if rk.Top == "" {
			top = "no leverage on any issue"
		}
		rows = append(rows, []string{fmt.Sprintf("%d.", i+1), rk.Actor, fmt.Sprintf("%.3f", rk.Score), top})
	}
	table(&b, "  ", "rlrl", rows)
	return b.Bytes()
}

// leverageCSV writes issue,actor,perturbation,target,value: target
// "forecast" gives the forecast's shift, an actor id the move of that
// actor's final position (dynamic models only).
func leverageCSV(r *analysis.LeverageResult, only string) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"issue", "actor", "perturbation", "target", "value"})
	for _, is := range r.Issues {
		for _, e := range is.Actors {
			if !e.Present || (only != "" && e.Actor != only) {
				continue
			}
			for _, p := range analysis.Perturbations {
				_ = w.Write([]string{is.ID, e.Actor, p, "forecast", csvNum(float64(e.Shift[p]))})
				if r.Dynamic {
					for _, o := range is.Actors {
						if mv, ok := e.Moves[o.Actor]; ok {
							_ = w.Write([]string{is.ID, e.Actor, p, o.Actor, csvNum(float64(mv[p]))})
						}
					}
				}
			}
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}
