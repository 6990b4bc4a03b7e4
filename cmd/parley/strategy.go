package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"

	"github.com/parley-forecast/parley/analysis"
	"github.com/spf13/cobra"
)

func newStrategyCmd() *cobra.Command {
	var f anaFlags
	var actor, question string
	var relations bool
	var draws uint64
	var maxSteps int
	cmd := &cobra.Command{
		Use:   "strategy FILE --actor A --question Q",
		Short: "The smallest change in an actor's own stance that makes a question hold",
		Long: `Search for the smallest change in actor A's own positions and saliences
(with --relations also its relations) that makes question Q hold in the
forecast; with --draws N, the change that maximises Q's probability over
N Monte Carlo draws. Prints every step of the search.

The cost of a change is the sum over the changed levers of |change| /
the lever's range (an issue's scale for a position, 1 for a salience or a
relation's strength). See docs/analyses.md for the search.

Formats: table (for people), json and csv (the search path; see
docs/analyses.md).`,
		Example: `  parley strategy examples/iran-comprehensive-deal.yaml --actor russia --question comprehensive-agreement
  parley strategy examples/iran-comprehensive-deal.yaml --actor us --question nuclear-deal-restored --draws 500`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			if actor == "" || question == "" {
				return usagef("strategy needs --actor and --question")
			}
			if maxSteps < 0 {
				return usagef("--max-steps must be at least 0 (0: the default, 30), got %d", maxSteps)
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
			r, err := analysis.Strategy(j.ctx, p, j.Config, analysis.StrategyOptions{Actor: actor, Question: question,
				Relations: relations, Draws: draws, Dist: j.Dist, MaxSteps: maxSteps})
			if err != nil {
				return err
			}
			return f.write(cmd, r,
				func() ([]byte, error) { return strategyCSV(r) },
				func() []byte { return strategyTable(r) })
		},
	}
	f.register(cmd, "table, json or csv")
	f.registerDist(cmd)
	fl := cmd.Flags()
	fl.StringVar(&actor, "actor", "", "the actor whose own stance may change (id)")
	fl.StringVar(&question, "question", "", "the question to make hold (id)")
	fl.BoolVar(&relations, "relations", false, "also let the actor change or start relations")
	fl.Uint64VarP(&draws, "draws", "n", 0, "maximise the probability over this many Monte Carlo draws (0: the point forecast)")
	fl.IntVar(&maxSteps, "max-steps", 30, "cap on the greedy steps")
	return cmd
}

func stateText(st analysis.StrategyState) string {
	if st.Probability != nil {
		return fmt.Sprintf("P = %.3f [%.3f, %.3f], mean margin %.3f", *st.Probability, st.Interval[0], st.Interval[1], st.Margin)
	}
	return fmt.Sprintf("%s (margin %.3f)", map[bool]string{true: "holds", false: "does not hold"}[st.Holds], st.Margin)
}

func strategyTable(r *analysis.StrategyResult) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s — model %s\n", r.Scenario, r.Model)
	goal := "hold in the forecast"
	if r.Mode == "probability" {
		goal = fmt.Sprintf("as likely as possible over %d draws", r.Draws)
	}
	fmt.Fprintf(&b, "What is the smallest change in %s's own stance that makes %s (%s) %s?\n\n", r.Actor, r.Question, r.When, goal)
	fmt.Fprintf(&b, "Search path (%d model runs):\n", r.Evaluations)
	var rows [][]string
	for i, s := range r.Path {
		lever := s.Lever
		if lever != "" {
			lever += fmt.Sprintf(" %s → %s", fmtNum(s.From), fmtNum(s.To))
		}
		rows = append(rows, []string{strconv.Itoa(i + 1), s.Phase, lever, fmt.Sprintf("cost %.3f", s.Cost), s.Note})
	}
	table(&b, "  ", "rllrl", rows)
	fmt.Fprintf(&b, "\nBase:  %s\n", stateText(r.Base))
	fmt.Fprintf(&b, "Final: %s\n", stateText(r.Final))
	switch {
	case len(r.Moves) == 0 && r.Found:
		fmt.Fprintf(&b, "No change needed.\n")
	case len(r.Moves) == 0:
		fmt.Fprintf(&b, "No change of %s's own stance found that helps.\n", r.Actor)
	default:
		if !r.Found {
			fmt.Fprintf(&b, "Not reached; the best changes found (cost %.3f):\n", r.Cost)
		} else {
			fmt.Fprintf(&b, "Answer (cost %.3f):\n", r.Cost)
		}
		for _, m := range r.Moves {
			fmt.Fprintf(&b, "  %s: %s → %s\n", m.Lever, fmtNum(m.From), fmtNum(m.To))
		}
	}
	return b.Bytes()
}

// strategyCSV writes the search path: step,phase,lever,from,to,cost,holds,
// margin,probability,note.
func strategyCSV(r *analysis.StrategyResult) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"step", "phase", "lever", "from", "to", "cost", "holds", "margin", "probability", "note"})
	for i, s := range r.Path {
		p := ""
		if s.Probability != nil {
			p = csvNum(float64(*s.Probability))
		}
		_ = w.Write([]string{strconv.Itoa(i + 1), s.Phase, s.Lever, csvNum(s.From), csvNum(s.To), csvNum(s.Cost),
			strconv.FormatBool(s.Holds), csvNum(float64(s.Margin)), p, s.Note})
	}
	w.Flush()
	return b.Bytes(), w.Error()
}
