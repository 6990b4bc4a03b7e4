package main

import (
	"fmt"

	"github.com/parley-forecast/parley"
	"github.com/spf13/cobra"
)

func newValidateCmd() *cobra.Command {
	var strict bool
	var inputFormat string
	cmd := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check scenario files and report every problem with its position",
		Long: `Check scenario files: structure, references, ranges, scales, variants,
questions, and every evidence quote against its source's text when the
text is available. Problems are printed as file:line:col: path: message.

Exit status: 0 when every file is clean (warnings allowed unless --strict),
1 when any file has problems, 2 when the arguments are unusable.`,
		Args: args(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, files []string) error {
			bad := false
			for _, path := range files {
				in, err := load(path, inputFormat)
				if err != nil {
					return usageError{err}
				}
				ds := in.Diagnostics
				ds.Sort()
				for _, d := range ds {
					fmt.Fprintln(cmd.ErrOrStderr(), d.String())
				}
				errs, warns := len(ds.Errors()), len(ds.Warnings())
				if errs > 0 || (strict && warns > 0) {
					bad = true
					continue
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: ok (%s)\n", path, summary(in.Scenario, warns))
			}
			if bad {
				return exitError{exitFindings}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&strict, "strict", false, "treat warnings as problems")
	cmd.Flags().StringVar(&inputFormat, "input-format", "auto", "input file format")
	return cmd
}

func summary(s *parley.Scenario, warnings int) string {
	quotes := 0
	for _, st := range s.Stances {
		quotes += len(st.Evidence)
	}
	for _, a := range s.Actors {
		quotes += len(a.Evidence)
	}
	for _, r := range s.Relations {
		quotes += len(r.Evidence)
	}
	out := fmt.Sprintf("%d actors, %d issues, %d stances, %d quotes, %d variants, %d questions",
		len(s.Actors), len(s.Issues), len(s.Stances), quotes, len(s.Variants), len(s.Questions))
	if warnings > 0 {
		out += fmt.Sprintf(", %d warnings", warnings)
	}
	return out
}
