package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-forecast/parley/internal/pgtest"
	"github.com/parley-forecast/parley/models"
)

// TestLoad is the load test of docs/benchmarks.md. It is opt-in:
//
//	PARLEY_LOAD=1 go test -run TestLoad -v ./cmd/parley
//
// It starts parley serve on loopback (on SQLite, and on PostgreSQL too
// when TEST_PG_DSN is set) and has 50 clients, for 30 s, each save the
// flagship scenario, run the compromise and eum models on it and poll
// both runs until they are done. Every request must succeed. It reports
// throughput and p50/p99 latencies; PARLEY_LOAD_OUT names a file to
// append the Markdown table rows to. PARLEY_LOAD_CLIENTS and
// PARLEY_LOAD_SECONDS change the load; PARLEY_LOAD_ARGS adds flags to
// parley serve (say, --workers 4).
func TestLoad(t *testing.T) {
	if os.Getenv("PARLEY_LOAD") == "" {
		t.Skip("set PARLEY_LOAD=1 to run the load test")
	}
	clients := envInt(t, "PARLEY_LOAD_CLIENTS", 50)
	duration := time.Duration(envInt(t, "PARLEY_LOAD_SECONDS", 30)) * time.Second
	bin := parleyBin(t)
	t.Run("sqlite", func(t *testing.T) {
		loadOne(t, bin, "SQLite", filepath.Join(t.TempDir(), "parley.db"), clients, duration)
	})
	t.Run("postgres", func(t *testing.T) {
		loadOne(t, bin, "PostgreSQL", pgtest.Fresh(t), clients, duration)
	})
}

// loadavg returns the one-minute load average, or "?".
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}

// loadStats collects latencies by operation.
type loadStats struct {
	mu       sync.Mutex
	lat      map[string][]time.Duration
	failures []string
	runs     int
}

func (s *loadStats) add(op string, d time.Duration) {
	s.mu.Lock()
	s.lat[op] = append(s.lat[op], d)
	s.mu.Unlock()
}

func (s *loadStats) fail(format string, args ...any) {
	s.mu.Lock()
	s.failures = append(s.failures, fmt.Sprintf(format, args...))
	s.mu.Unlock()
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(p*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func msStr(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64)
}

func loadOne(t *testing.T, bin, backend, dsn string, clients int, duration time.Duration) {
	second := "eum"
	if _, err := models.Lookup("eum"); err != nil {
		second = "median"
	}
	doc, err := os.ReadFile(filepath.Join("..", "..", "examples", "iran-comprehensive-deal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(parleyCmd(t, bin, "token", "create", "load", "--db", dsn))
	srv := startServer(t, bin, append([]string{"--db", dsn, "--log-level", "warn"}, strings.Fields(os.Getenv("PARLEY_LOAD_ARGS"))...)...)
	client := &http.Client{
		Transport: &http.Transport{MaxIdleConns: 2 * clients, MaxIdleConnsPerHost: 2 * clients, IdleConnTimeout: time.Minute},
		Timeout:   30 * time.Second,
	}
	stats := &loadStats{lat: map[string][]time.Duration{}}
	// call sends one request and records its latency under op; it
	// returns the decoded body, or nil after recording a failure.
	call := func(op, method, path, ct string, body []byte, want int) map[string]any {
		req, err := http.NewRequest(method, srv.base+path, bytes.NewReader(body))
		if err != nil {
			stats.fail("%s: %v", op, err)
			return nil
		}
		req.Header.Set("Authorization", "Bearer "+token)
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		start := time.Now()
		res, err := client.Do(req)
		if err != nil {
			stats.fail("%s: %v", op, err)
			return nil
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		stats.add(op, time.Since(start))
		if err != nil || res.StatusCode != want {
			stats.fail("%s: status %d (want %d): %.300s %v", op, res.StatusCode, want, b, err)
			return nil
		}
		var out map[string]any
		if err := json.Unmarshal(b, &out); err != nil {
			stats.fail("%s: %v", op, err)
			return nil
		}
		return out
	}

	loadBefore := loadavg()
	start := time.Now()
	stop := start.Add(duration)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(stop); i++ {
				body := fmt.Appendf(bytes.Clone(doc), "\n# saved by load client %d, iteration %d\n", c, i)
				saved := call("create scenario", "POST", "/api/v1/scenarios", "application/yaml", body, http.StatusCreated)
				if saved == nil {
					return
				}
				type pending struct {
					id     string
					posted time.Time
				}
				var runs []pending
				for _, model := range []string{"compromise", second} {
					req := fmt.Appendf(nil, `{"scenario": %q, "model": %q}`, saved["id"], model)
					posted := time.Now()
					r := call("create run", "POST", "/api/v1/runs", "application/json", req, http.StatusAccepted)
					if r == nil {
						return
					}
					runs = append(runs, pending{r["id"].(string), posted})
				}
				for _, r := range runs {
					for {
						got := call("get run", "GET", "/api/v1/runs/"+r.id, "", nil, http.StatusOK)
						if got == nil {
							return
						}
						status := got["status"]
						if status == "done" {
							stats.add("run turnaround", time.Since(r.posted))
							stats.mu.Lock()
							stats.runs++
							stats.mu.Unlock()
							break
						}
						if status != "queued" && status != "running" {
							stats.fail("run %s: %v (%v)", r.id, status, got["error"])
							return
						}
						time.Sleep(100 * time.Millisecond)
					}
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	srv.stop()

	var all []time.Duration
	requests := 0
	ops := []string{"create scenario", "create run", "get run"}
	for _, op := range ops {
		all = append(all, stats.lat[op]...)
		requests += len(stats.lat[op])
	}
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "model name") {
				cpu = strings.TrimSpace(strings.SplitN(line, ":", 2)[1])
				break
			}
		}
	}
	var out strings.Builder
	fmt.Fprintf(&out, "%s, %d clients, %.1f s, models compromise and %s, %s, %d CPUs (%s), load average %s before, %s after:\n",
		backend, clients, elapsed.Seconds(), second, runtime.Version(), runtime.NumCPU(), cpu, loadBefore, loadavg())
	fmt.Fprintf(&out, "| %s | all requests | %d | %.0f/s | %s | %s |\n", backend, requests,
		float64(requests)/elapsed.Seconds(), msStr(percentile(all, 0.5)), msStr(percentile(all, 0.99)))
	for _, op := range append(ops, "run turnaround") {
		ds := stats.lat[op]
		fmt.Fprintf(&out, "| %s | %s | %d | %.0f/s | %s | %s |\n", backend, op, len(ds),
			float64(len(ds))/elapsed.Seconds(), msStr(percentile(ds, 0.5)), msStr(percentile(ds, 0.99)))
	}
	if ps := srv.cmd.ProcessState; ps != nil {
		// CPU time does not depend on what else runs on the machine.
		cpuTime := ps.UserTime() + ps.SystemTime()
		fmt.Fprintf(&out, "server CPU time %.1f s: %.2f ms per request\n", cpuTime.Seconds(),
			float64(cpuTime.Microseconds())/1000/float64(max(requests, 1)))
	}
	fmt.Fprintf(&out, "failed requests: %d\n", len(stats.failures))
	t.Log("\n" + out.String())
	if path := os.Getenv("PARLEY_LOAD_OUT"); path != "" {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteString(out.String()); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(stats.failures); n > 0 {
		t.Errorf("%d requests failed; the first: %s", n, strings.Join(stats.failures[:min(n, 5)], "\n"))
	}
	if stats.runs == 0 {
		t.Error("no run finished")
	}
}
