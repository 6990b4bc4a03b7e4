package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/parley-forecast/parley/internal/pgtest"
)

// buildParley builds the command into a fresh temporary directory (the
// build cache makes repeated builds cheap); the caller removes it.
func buildParley() (string, error) {
	dir, err := os.MkdirTemp("", "parley-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "parley")
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	out, err := exec.Command(gobin, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
}

func parleyBin(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("PARLEY_TEST_BIN"); bin != "" {
		return bin // a given build, for profiling the load test
	}
	bin, err := buildParley()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(filepath.Dir(bin)) })
	return bin
}

// server is a parley serve process.
type server struct {
	t    *testing.T
	cmd  *exec.Cmd
	base string
	mu   sync.Mutex
	log  bytes.Buffer
	done chan error
}

var servingLine = regexp.MustCompile(`^parley: serving (http://[0-9.:]+)/api/v1/`)

// startServer runs bin serve with args on a free loopback port and waits
// until it listens.
func startServer(t *testing.T, bin string, args ...string) *server {
	t.Helper()
	s := &server{t: t, done: make(chan error, 1)}
	s.cmd = exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-format", "text"}, args...)...)
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.log.WriteString(line + "\n")
			s.mu.Unlock()
			if m := servingLine.FindStringSubmatch(line); m != nil {
				found <- m[1]
			}
		}
		s.done <- s.cmd.Wait()
	}()
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			_ = s.cmd.Process.Kill()
			<-s.done
		}
		if t.Failed() {
			s.mu.Lock()
			t.Logf("server log:\n%s", s.log.String())
			s.mu.Unlock()
		}
	})
	select {
	case s.base = <-found:
	case err := <-s.done:
		t.Fatalf("parley serve exited: %v\n%s", err, s.log.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("parley serve did not start in 60 s\n%s", s.log.String())
	}
	return s
}

// kill sends SIGKILL and waits for the process to die.
func (s *server) kill() {
	s.t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		s.t.Fatal(err)
	}
	<-s.done
}

// stop sends SIGTERM and checks a clean exit.
func (s *server) stop() {
	s.t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		s.t.Fatal(err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			s.t.Fatalf("parley serve after SIGTERM: %v", err)
		}
	case <-time.After(60 * time.Second):
		s.t.Fatal("parley serve did not stop within 60 s of SIGTERM")
	}
}

func (s *server) call(method, path, token, contentType string, body []byte, out any) int {
	s.t.Helper()
	req, err := http.NewRequest(method, s.base+path, bytes.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			s.t.Fatalf("%s %s: %d %s: %v", method, path, res.StatusCode, b, err)
		}
	}
	return res.StatusCode
}

type runDoc struct {
	ID       string          `json:"id"`
	Model    string          `json:"model"`
	Status   string          `json:"status"`
	Error    string          `json:"error"`
	Attempts int             `json:"attempts"`
	Result   json.RawMessage `json:"result"`
}

// parleyCmd runs bin with args and returns its standard output.
func parleyCmd(t *testing.T, bin string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("parley %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// Ensure a server killed with SIGKILL while runs are in progress loses
// none of them: after a restart every run finishes, with one result
// each, and the interrupted runs show a second attempt.
func TestServeResumesAfterSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server")
	}
	onBothStores(t, testResume)
}

// onBothStores runs test with the built parley binary on a fresh SQLite
// database and on a fresh PostgreSQL one (skipped without TEST_PG_DSN).
func onBothStores(t *testing.T, test func(t *testing.T, bin, db string)) {
	bin := parleyBin(t)
	t.Run("sqlite", func(t *testing.T) {
		test(t, bin, filepath.Join(t.TempDir(), "parley.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		test(t, bin, pgtest.Fresh(t))
	})
}

func testResume(t *testing.T, bin, dsn string) {
	token := strings.TrimSpace(parleyCmd(t, bin, "token", "create", "alice", "--db", dsn))
	// Short timeouts so that the test is quick: a run whose server died
	// is taken over 3 s + 1 s after it started.
	common := []string{"--db", dsn, "--workers", "2", "--job-timeout", "3s", "--rescue-margin", "1s", "--poll-interval", "50ms"}
	first := startServer(t, bin, append(common, "--test-job-delay", "1h")...)

	scenario, err := os.ReadFile(filepath.Join("..", "..", "http", "testdata", "small.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var saved struct{ ID string }
	if code := first.call("POST", "/api/v1/scenarios", token, "application/yaml", scenario, &saved); code != http.StatusCreated {
		t.Fatalf("create scenario: %d", code)
	}
	// Hand-worked forecasts (see http/testdata/small.yaml).
	want := map[string]float64{"compromise": 55, "median": 60}
	var runs []runDoc
	for i := range 6 {
		model := []string{"compromise", "median"}[i%2]
		var r runDoc
		body := fmt.Appendf(nil, `{"scenario": %q, "model": %q}`, saved.ID, model)
		if code := first.call("POST", "/api/v1/runs", token, "application/json", body, &r); code != http.StatusAccepted {
			t.Fatalf("create run: %d", code)
		}
		runs = append(runs, r)
	}

	// Kill the server as soon as a run is in progress.
	deadline := time.Now().Add(30 * time.Second)
	for running := false; !running; {
		for _, r := range runs {
			var got runDoc
			first.call("GET", "/api/v1/runs/"+r.ID, token, "", nil, &got)
			if got.Status == "running" {
				running = true
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no run started in 30 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	first.kill()

	// Nothing was finished or stored by the killed server.
	if n := countResults(t, dsn); n != 0 {
		t.Fatalf("%d results stored before the restart", n)
	}

	second := startServer(t, bin, common...)
	interrupted := 0
	for _, r := range runs {
		var got runDoc
		deadline := time.Now().Add(90 * time.Second)
		for {
			second.call("GET", "/api/v1/runs/"+r.ID, token, "", nil, &got)
			if got.Status != "queued" && got.Status != "running" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("run %s still %s 90 s after the restart", r.ID, got.Status)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if got.Status != "done" {
			t.Fatalf("run %s: %s (%s)", r.ID, got.Status, got.Error)
		}
		var res struct {
			Issues []struct{ Forecast float64 } `json:"issues"`
		}
		if err := json.Unmarshal(got.Result, &res); err != nil || len(res.Issues) != 1 || res.Issues[0].Forecast != want[got.Model] {
			t.Fatalf("run %s (%s): result %s, want forecast %v", r.ID, got.Model, got.Result, want[got.Model])
		}
		if got.Attempts > 1 {
			interrupted++
		}
	}
	if interrupted == 0 {
		t.Fatal("no run shows the interrupted attempt")
	}
	if n := countResults(t, dsn); n != len(runs) {
		t.Fatalf("%d results stored for %d runs", n, len(runs))
	}
	second.stop()
}

// countResults counts the stored results, checking none is stored twice.
func countResults(t *testing.T, dsn string) int {
	t.Helper()
	var total, distinct int
	withDB(t, dsn, func(db *sql.DB) {
		if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*), COUNT(DISTINCT run_id) FROM results`).Scan(&total, &distinct); err != nil {
			t.Fatal(err)
		}
	})
	if total != distinct {
		t.Fatalf("%d results for %d runs: some stored twice", total, distinct)
	}
	return total
}
