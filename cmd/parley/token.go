package main

import (
	"fmt"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

func newTokenCmd() *cobra.Command {
	var dsn string
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Create, list and revoke the server's API tokens",
		Long: `Manage the API tokens of the server's database. Every write to the API
needs a token (sent as Authorization: Bearer <token>), and so does every
read unless parley serve runs with --public-read. A token's name is
recorded as the author of what it saves and runs.

A token is printed once, when it is created; only a hash of it is stored.`,
		Example: `  parley token create alice
  parley token list
  parley token revoke alice`,
		Args: args(cobra.NoArgs),
	}
	cmd.PersistentFlags().StringVar(&dsn, "db", "", dbFlagDoc)

	create := &cobra.Command{
		Use:   "create NAME",
		Short: "Create a token and print it (once)",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			db, err := openDB(cmd.Context(), resolveDB(dsn), slog.New(slog.DiscardHandler))
			if err != nil {
				return err
			}
			defer db.Close(cmd.Context())
			t, secret, err := db.CreateToken(cmd.Context(), a[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Created token %s (id %s). It is shown only now; keep it secret:\n", t.Name, t.ID)
			fmt.Fprintln(cmd.OutOrStdout(), secret)
			return nil
		},
	}
	revoke := &cobra.Command{
		Use:   "revoke ID|NAME",
		Short: "Revoke a live token, by id or name",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			db, err := openDB(cmd.Context(), resolveDB(dsn), slog.New(slog.DiscardHandler))
			if err != nil {
				return err
			}
			defer db.Close(cmd.Context())
			if err := db.RevokeToken(cmd.Context(), a[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "revoked %s\n", a[0])
			return nil
		},
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the tokens, revoked ones included",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := openDB(cmd.Context(), resolveDB(dsn), slog.New(slog.DiscardHandler))
			if err != nil {
				return err
			}
			defer db.Close(cmd.Context())
			toks, err := db.FindTokens(cmd.Context())
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tCREATED\tREVOKED")
			for _, t := range toks {
				revoked := "-"
				if t.RevokedAt != nil {
					revoked = t.RevokedAt.Format(time.RFC3339)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.ID, t.Name, t.CreatedAt.Format(time.RFC3339), revoked)
			}
			return tw.Flush()
		},
	}
	cmd.AddCommand(create, revoke, list)
	for _, c := range cmd.Commands() {
		c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	}
	return cmd
}
