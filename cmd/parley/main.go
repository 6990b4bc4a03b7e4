// Command parley forecasts multi-party negotiations.
//
//	parley run FILE [--model NAME] [--rounds N] [--variant NAME] [--format table|json|csv] [--out FILE]
//	parley validate FILE...
//	parley models
//	parley extract ARTICLE... --out FILE [--aliases FILE] [--format yaml|json]
//	parley convert FILE --to json|ktab
//	parley compare|simulate|leverage|sensitivity|strategy FILE [flags]
//	parley report FILE --out brief.html|brief.md|brief.pdf
//	parley serve [--db FILE|postgres://…] [--addr HOST:PORT] [--public-read]
//	parley migrate [--db …]
//	parley token create NAME | list | revoke ID|NAME [--db …]
//
// Exit status: 0 on success, 1 when the input has problems or a run fails,
// 2 when the command line itself is unusable, 130 when interrupted (SIGINT).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/parley-forecast/parley"
	"github.com/spf13/cobra"
)

func main() {
	os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
	// exitInterrupted is the shell's status for a process ended by
	// SIGINT (128+2): the command stopped at the interrupt and wrote
	// nothing.
	exitInterrupted = 130
)

// usageError marks an error in the command line itself.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// inputError marks a file named on the command line that cannot be read
// (missing, unreadable): the command line is unusable, so it exits 2, but
// its usage is not at fault, so no "parley --help" hint is printed.
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

// exitError carries an exit status for an error that has already been
// reported (validate's findings).
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// Main runs the parley command with args and returns its exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	// Every long command stops at SIGINT through its context and writes
	// its output only when done (sweep local keeps the shards it finished),
	// so an interrupt leaves any existing --out as it was.
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "parley: interrupted before the output was written")
		return exitInterrupted
	}
	var ie inputError
	if errors.As(err, &ie) {
		fmt.Fprintln(stderr, message(err))
		return exitUsage
	}
	var ue usageError
	// cobra reports an unknown subcommand as a plain error.
	if errors.As(err, &ue) || strings.HasPrefix(err.Error(), "unknown command ") {
		fmt.Fprintf(stderr, "parley: %v\n", err)
		fmt.Fprintf(stderr, "Run 'parley --help' for usage.\n")
		return exitUsage
	}
	fmt.Fprintln(stderr, message(err))
	return exitFindings
}

// message renders an error for the user: diagnostics one per line, each
// already naming its file:line:col (so with no "parley: " line above them),
// anything else prefixed with "parley: " (file system errors already name
// their file).
func message(err error) string {
	var ds parley.Diagnostics
	if errors.As(err, &ds) && len(ds) > 0 {
		return ds.Error()
	}
	return "parley: " + err.Error()
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "parley",
		Short: "Forecast multi-party negotiations with published models",
		Long: `Parley forecasts multi-party negotiations from a scenario: the actors, the
issues on labelled scales, and each actor's position, salience and
capability with the evidence behind them. See docs/ for the guide.`,
		Version:       parley.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newRunCmd(), newValidateCmd(), newModelsCmd(), newConvertCmd(), newExtractCmd())
	root.AddCommand(newCompareCmd())
	root.AddCommand(newSimulateCmd())
	root.AddCommand(newLeverageCmd())
	root.AddCommand(newSensitivityCmd())
	root.AddCommand(newStrategyCmd())
	root.AddCommand(newSweepCmd())
	root.AddCommand(newReportCmd())
	root.AddCommand(newServeCmd(), newMigrateCmd(), newTokenCmd())
	for _, c := range root.Commands() {
		c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	}
	return root
}

// args wraps a cobra argument validator so that its failures are usage
// errors.
func args(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, a []string) error {
		if err := v(cmd, a); err != nil {
			return usageError{err}
		}
		return nil
	}
}
