package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/models"
	"github.com/spf13/cobra"
)

func newModelsCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "models",
		Short: "List the models with their options",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			var infos []parley.ModelInfo
			for _, m := range models.All() {
				infos = append(infos, m.Info())
			}
			w := cmd.OutOrStdout()
			switch format {
			case "json":
				b, err := json.MarshalIndent(infos, "", "  ")
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(w, "%s\n", b)
				return err
			case "table":
			default:
				return usagef("unknown format %q: want table or json", format)
			}
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			for _, in := range infos {
				fmt.Fprintf(tw, "%s\t%s\n", in.Name, in.Summary)
			}
			tw.Flush()
			for _, in := range infos {
				if len(in.Options) == 0 {
					continue
				}
				fmt.Fprintf(w, "\n%s options (--opt name=value):\n", in.Name)
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				for _, o := range in.Options {
					def := o.Default
					if len(o.Choices) > 0 {
						def += " (" + strings.Join(o.Choices, "|") + ")"
					}
					fmt.Fprintf(tw, "  %s\t%s\t%s\n", o.Name, def, o.Doc)
				}
				tw.Flush()
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	return cmd
}
