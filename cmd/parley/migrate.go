package main

import (
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"
)

func newMigrateCmd() *cobra.Command {
	var dsn string
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Create or update the server's database tables",
		Long: `Create or update the tables of the server's database: Parley's own
(scenarios, versions, runs, results, tokens) and the job queue's. It is
safe to run at any time; parley serve also does it at start-up.`,
		Example: `  parley migrate
  PARLEY_DB=postgres://parley@127.0.0.1/parley parley migrate`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			dsn = resolveDB(dsn)
			db, err := openDB(cmd.Context(), dsn, slog.New(slog.DiscardHandler))
			if err != nil {
				return err
			}
			defer db.Close(cmd.Context())
			fmt.Fprintf(cmd.OutOrStdout(), "%s is up to date\n", describeDB(dsn))
			return nil
		},
	}
	addDBFlag(cmd, &dsn)
	return cmd
}
