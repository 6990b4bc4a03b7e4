package main

import (
	"fmt"
	"strings"

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
					return err // a usage or an input error (see load)
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
	out := strings.Join([]string{
		count(len(s.Actors), "actor"), count(len(s.Issues), "issue"), count(len(s.Stances), "stance"),
		count(quotes, "quote"), count(len(s.Variants), "variant"), count(len(s.Questions), "question"),
	}, ", ")
	if warnings > 0 {
		out += ", " + count(warnings, "warning")
	}
	return out
}

// count writes n with the noun, in the singular for 1 ("1 issue",
// "2 issues", "0 issues"). Every noun it is given takes a plain "s".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
