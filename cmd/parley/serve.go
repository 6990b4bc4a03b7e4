package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/parley-forecast/parley"
	httpapi "github.com/parley-forecast/parley/http"
	"github.com/parley-forecast/parley/runner"
	"github.com/parley-forecast/parley/scenario"
	"github.com/parley-forecast/parley/store"
	"github.com/parley-forecast/parley/web"
	"github.com/spf13/cobra"
)

type serveFlags struct {
	dsn, addr, logFormat, logLevel string
	publicRead                     bool
	workers                        int
	jobTimeout, longJobTimeout     time.Duration
	rescueMargin, pollInterval     time.Duration
	jobDelay                       time.Duration
}

func newServeCmd() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the HTTP API for a team: shared scenarios and queued runs",
		Long: `Serve the HTTP API (see docs/server.md): scenarios saved with versions,
runs queued and executed by workers in this process, results kept.

The database is a SQLite file (./parley.db unless --db or $PARLEY_DB says
otherwise) or PostgreSQL (--db postgres://…); its tables are created or
updated at start-up. Several servers may share one PostgreSQL database.

Every write needs an API token (parley token create NAME); reads do too
unless --public-read. The OpenAPI description is at /api/v1/openapi.json.

A server stopped by SIGINT or SIGTERM finishes the requests and runs in
flight first. A server that is killed loses no work: its unfinished runs
are taken over, once their --job-timeout (plus --rescue-margin) has
passed, by whichever server is running then.`,
		Example: `  parley token create alice
  parley serve
  parley serve --addr 0.0.0.0:8080 --db postgres://parley@db.internal/parley --public-read`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd, &f)
		},
	}
	fl := cmd.Flags()
	addDBFlag(cmd, &f.dsn)
	fl.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	fl.BoolVar(&f.publicRead, "public-read", false, "let GET requests through without a token")
	fl.IntVar(&f.workers, "workers", runtime.NumCPU(), "runs executed at once by this server (0: none; the API still queues)")
	fl.DurationVar(&f.jobTimeout, "job-timeout", store.DefaultJobTimeout, "longest a model run may take")
	fl.DurationVar(&f.longJobTimeout, "long-job-timeout", store.DefaultLongJobTimeout, "longest a long analysis may take")
	fl.DurationVar(&f.rescueMargin, "rescue-margin", store.DefaultRescueMargin, "wait past --job-timeout before taking over a run whose server died")
	fl.DurationVar(&f.pollInterval, "poll-interval", 0, "how often idle workers look for new runs (default 100ms on SQLite; 1s on PostgreSQL, which also wakes them at once)")
	fl.StringVar(&f.logFormat, "log-format", "json", "log format: json or text")
	fl.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	// For crash-recovery tests: hold every run, and every shard of a
	// sweep but the first, this long before computing.
	fl.DurationVar(&f.jobDelay, "test-job-delay", 0, "")
	_ = fl.MarkHidden("test-job-delay")
	return cmd
}

func newLogger(format, level string, w *os.File) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, usagef("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return nil, usagef("--log-format %q: want json or text", format)
}

func runServe(cmd *cobra.Command, f *serveFlags) error {
	if f.workers < 0 {
		return usagef("--workers must be at least 0, got %d", f.workers)
	}
	for name, d := range map[string]time.Duration{"job-timeout": f.jobTimeout, "long-job-timeout": f.longJobTimeout,
		"rescue-margin": f.rescueMargin} {
		if d <= 0 {
			return usagef("--%s must be positive, got %s", name, d)
		}
	}
	if f.pollInterval < 0 {
		return usagef("--poll-interval must not be negative, got %s", f.pollInterval)
	}
	log, err := newLogger(f.logFormat, f.logLevel, os.Stderr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	dsn := resolveDB(f.dsn)
	db, err := openDB(ctx, dsn, log)
	if err != nil {
		return err
	}
	closeDB := func() {
		// Let running jobs finish for a while; the rest are retried by a
		// later worker.
		c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := db.Close(c); err != nil {
			log.Warn("closing the database", slog.String("error", err.Error()))
		}
	}
	defer closeDB()

	if f.workers > 0 {
		exec, shard := runner.ExecuteRun, runner.ExecuteShard
		if f.jobDelay > 0 {
			exec = delayed(exec, f.jobDelay)
			// Shard 0 is not held, so that a killed sweep has a shard
			// stored and others in progress.
			shard = func(ctx context.Context, run *store.Run, s *store.Scenario, i int) ([]byte, error) {
				exec := func(ctx context.Context, run *store.Run, s *store.Scenario) ([]byte, error) {
					return runner.ExecuteShard(ctx, run, s, i)
				}
				if i > 0 {
					exec = delayed(exec, f.jobDelay)
				}
				return exec(ctx, run, s)
			}
		}
		err := db.Work(context.WithoutCancel(ctx), store.WorkConfig{Execute: exec, ExecuteShard: shard, Merge: runner.MergeShards, Workers: f.workers,
			JobTimeout: f.jobTimeout, LongJobTimeout: f.longJobTimeout, RescueMargin: f.rescueMargin,
			PollInterval: f.pollInterval})
		if err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return err
	}
	srv := httpapi.New(httpapi.Config{Store: db, Parse: scenario.ParseScenario, PublicRead: f.publicRead, Logger: log,
		UI: web.Dist()})
	// Scripts and tests read the address from this line.
	fmt.Fprintf(cmd.ErrOrStderr(), "parley: serving http://%s%s/ (%s, %s)\n",
		ln.Addr(), httpapi.Prefix, describeDB(dsn), count(f.workers, "worker"))
	log.Info("serving", slog.String("addr", ln.Addr().String()), slog.String("db", describeDB(dsn)),
		slog.Int("workers", f.workers), slog.Bool("public_read", f.publicRead), slog.String("version", parley.Version))

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	c, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(c); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// delayed holds every run for d before computing it (crash-recovery
// tests kill the server in that window).
func delayed(exec store.Executor, d time.Duration) store.Executor {
	return func(ctx context.Context, run *store.Run, s *store.Scenario) ([]byte, error) {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return exec(ctx, run, s)
	}
}
