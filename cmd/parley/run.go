package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/internal/atomicfile"
	"github.com/parley-forecast/parley/models"
	"github.com/parley-forecast/parley/output"
	"github.com/spf13/cobra"
)

type runFlags struct {
	model, variant, format, out, inputFormat string
	rounds                                   int
	seed                                     uint64
	opts                                     []string
}

func newRunCmd() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run FILE",
		Short: "Run a model on a scenario and print the forecast",
		Long: `Run a model on a scenario file and print the forecast of every issue,
round by round.

Formats: table (for people), json and csv (for scripts; the layouts are
stable, see docs/output.md). With --out the output is written to a
temporary file and renamed into place only when the run succeeded.`,
		Example: `  parley run examples/iran-comprehensive-deal.yaml
  parley run examples/iran-comprehensive-deal.yaml --model median --variant russia-out
  parley run case.yaml --model eum --opt offers=least-change --format json --out result.json`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return runRun(cmd, a[0], &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.model, "model", "m", "eum", "model to run (see parley models)")
	fl.IntVar(&f.rounds, "rounds", 0, "number of rounds (0: the model's default)")
	fl.StringVar(&f.variant, "variant", "", "apply the named variant of the scenario first")
	fl.StringVarP(&f.format, "format", "f", "table", "output format: table, json or csv")
	fl.StringVarP(&f.out, "out", "o", "", "write the output to this file instead of standard output")
	fl.Uint64Var(&f.seed, "seed", 0, "seed for every random choice the model makes")
	fl.StringArrayVar(&f.opts, "opt", nil, "model option as name=value (repeatable; see parley models)")
	fl.StringVar(&f.inputFormat, "input-format", "auto", "input file format")
	_ = cmd.RegisterFlagCompletionFunc("model", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return models.Names(), cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return output.Formats, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// parseOpts turns name=value strings into a map, over the file's own.
func parseOpts(base map[string]string, kv []string) (map[string]string, error) {
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	for _, s := range kv {
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" {
			return nil, usagef("--opt %q: want name=value", s)
		}
		out[k] = v
	}
	return out, nil
}

func runRun(cmd *cobra.Command, path string, f *runFlags) error {
	switch f.format {
	case "table", "json", "csv":
	default:
		return usagef("unknown format %q: want table, json or csv", f.format)
	}
	if f.rounds < 0 {
		return usagef("--rounds must be at least 0, got %d", f.rounds)
	}
	m, err := models.Lookup(f.model)
	if err != nil {
		return usageError{err}
	}
	if err := checkOut(f.out); err != nil {
		return err
	}
	in, err := load(path, f.inputFormat)
	if err != nil {
		return err
	}
	if err := in.Diagnostics.Err(); err != nil {
		return err
	}
	s, err := in.Scenario.WithVariant(f.variant)
	if err != nil {
		return err
	}
	inst, err := s.Instance()
	if err != nil {
		return err
	}
	params, err := parseOpts(in.Params, f.opts)
	if err != nil {
		return err
	}
	solver, err := m.Prepare(parley.Options{Rounds: f.rounds, Seed: f.seed, Params: params})
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	if ctx == nil {
		ctx = context.Background()
	}
	var res parley.Result
	if err := solver.Solve(ctx, inst, &res); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := output.Write(&buf, f.format, &output.Run{Scenario: s, Instance: inst, Result: &res, Variant: f.variant, Seed: f.seed}); err != nil {
		return err
	}
	if f.out == "" {
		_, err := cmd.OutOrStdout().Write(buf.Bytes())
		return err
	}
	if err := atomicfile.WriteFile(f.out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", f.out, err)
	}
	return nil
}
