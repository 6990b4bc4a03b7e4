package main

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/parley-forecast/parley/internal/atomicfile"
	"github.com/parley-forecast/parley/ktab"
	"github.com/spf13/cobra"
)

func newConvertCmd() *cobra.Command {
	var to, out, inputFormat, variant string
	cmd := &cobra.Command{
		Use:   "convert FILE",
		Short: "Convert a scenario to another format (Parley JSON, KTAB CSV)",
		Long: `Read any input Parley understands and write it as a Parley scenario in
JSON (--to json) or as a KTAB CSV scenario (--to ktab) for KTAB's smpc.
KTAB CSV keeps only what KTAB knows: actors, capabilities, positions and
saliences on each dimension.`,
		Example: `  parley convert case.csv --to json --out case.json
  parley convert examples/iran-comprehensive-deal.yaml --to ktab --out iran-ktab.csv`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			if err := checkOut(out); err != nil {
				return err
			}
			in, err := load(a[0], inputFormat)
			if err != nil {
				return err
			}
			if err := in.Diagnostics.Err(); err != nil {
				return err
			}
			s, err := in.Scenario.WithVariant(variant)
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			switch to {
			case "json":
				b, err := json.MarshalIndent(s, "", "  ")
				if err != nil {
					return err
				}
				buf.Write(b)
				buf.WriteByte('\n')
			case "ktab":
				if err := ktab.WriteCSV(&buf, s); err != nil {
					return err
				}
			default:
				return usagef("--to %q: want json or ktab", to)
			}
			if out == "" {
				_, err := cmd.OutOrStdout().Write(buf.Bytes())
				return err
			}
			if err := atomicfile.WriteFile(out, buf.Bytes(), 0o644); err != nil {
				return fmt.Errorf("writing %s: %w", out, err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "json", "output format: json or ktab")
	cmd.Flags().StringVarP(&out, "out", "o", "", "write to this file instead of standard output")
	cmd.Flags().StringVar(&variant, "variant", "", "apply the named variant first")
	cmd.Flags().StringVar(&inputFormat, "input-format", "auto", "input file format")
	return cmd
}
