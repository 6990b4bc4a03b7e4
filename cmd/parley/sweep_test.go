package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/parley-forecast/parley/internal/refdata"
)

// The sweep tests run the real parley binary as separate processes, as a
// job array would.

// bin is the parley binary TestSweep built.
var bin string

// TestSweep builds the command once into a temporary directory and runs
// the sweep scenarios with it.
func TestSweep(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		goCmd = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin = filepath.Join(t.TempDir(), "parley")
	if out, err := exec.Command(goCmd, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Run("processes", testSweepProcesses)
	t.Run("kill", testSweepKill)
}

func sweepBin(t *testing.T) string {
	if bin == "" {
		t.Fatal("parley binary not built")
	}
	return bin
}

// runParley runs the binary in dir with extra environment and returns its
// standard error; it fails the test unless the exit status is want.
func runParley(t *testing.T, dir string, env []string, want int, args ...string) string {
	t.Helper()
	cmd := exec.Command(sweepBin(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("parley %s: %v", strings.Join(args, " "), err)
		}
		code = ee.ExitCode()
	}
	if code != want {
		t.Fatalf("parley %s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, stderr.String())
	}
	return stderr.String()
}

func flagship(t *testing.T) string {
	return filepath.Join(refdata.Root(), "examples", "iran-comprehensive-deal.yaml")
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testSweepProcesses: K = 1, 3 and 8 shard processes (started together,
// the index given as --shard, by Slurm's and by Kubernetes' variable)
// merge to the bytes of one parley simulate process, and so does sweep
// local.
func testSweepProcesses(t *testing.T) {
	dir := t.TempDir()
	const draws, seed = "240", "11"
	runParley(t, dir, nil, 0, "simulate", flagship(t), "--draws", draws, "--seed", seed, "--format", "json", "--out", "ref.json")
	ref := readFile(t, filepath.Join(dir, "ref.json"))
	for _, c := range []struct {
		k     int
		index func(i int) (env []string, args []string)
	}{
		{1, func(i int) ([]string, []string) { return nil, []string{"--shard", fmt.Sprint(i)} }},
		{3, func(i int) ([]string, []string) { return []string{fmt.Sprintf("SLURM_ARRAY_TASK_ID=%d", i)}, nil }},
		{8, func(i int) ([]string, []string) { return []string{fmt.Sprintf("JOB_COMPLETION_INDEX=%d", i)}, nil }},
	} {
		m := fmt.Sprintf("m%d.json", c.k)
		sd := fmt.Sprintf("shards%d", c.k)
		if err := os.Mkdir(filepath.Join(dir, sd), 0o755); err != nil {
			t.Fatal(err)
		}
		runParley(t, dir, nil, 0, "sweep", "plan", flagship(t), "--analysis", "simulate", "--draws", draws, "--seed", seed,
			"--shards", fmt.Sprint(c.k), "--out", m)
		var wg sync.WaitGroup
		for i := range c.k {
			env, extra := c.index(i)
			wg.Add(1)
			go func() {
				defer wg.Done()
				runParley(t, dir, env, 0, append([]string{"sweep", "run", m, "--dir", sd, "--workers", "1"}, extra...)...)
			}()
		}
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
		out := fmt.Sprintf("merged%d.json", c.k)
		runParley(t, dir, nil, 0, "sweep", "merge", m, "--dir", sd, "--out", out)
		if got := readFile(t, filepath.Join(dir, out)); !bytes.Equal(got, ref) {
			t.Errorf("K=%d: merged output differs from parley simulate:\n%s\nwant\n%s", c.k, got, ref)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "local"), 0o755); err != nil {
		t.Fatal(err)
	}
	runParley(t, dir, nil, 0, "sweep", "local", "m3.json", "--dir", "local", "--out", "local.json")
	if got := readFile(t, filepath.Join(dir, "local.json")); !bytes.Equal(got, ref) {
		t.Errorf("sweep local differs from parley simulate")
	}
	// Shard files do not depend on how they were run.
	for i := range 3 {
		n := fmt.Sprintf("shard-%d-of-3.json", i)
		if !bytes.Equal(readFile(t, filepath.Join(dir, "local", n)), readFile(t, filepath.Join(dir, "shards3", n))) {
			t.Errorf("%s differs between sweep local and sweep run", n)
		}
	}
	// Without an index, or with one outside [0, K), run is a usage error.
	if e := runParley(t, dir, nil, 2, "sweep", "run", "m3.json", "--dir", "shards3"); !strings.Contains(e, "no shard index") {
		t.Errorf("stderr %q", e)
	}
	if e := runParley(t, dir, []string{"SLURM_ARRAY_TASK_ID=3"}, 2, "sweep", "run", "m3.json", "--dir", "shards3"); !strings.Contains(e, "SLURM_ARRAY_TASK_ID 3 is outside the sweep's shards 0 to 2") {
		t.Errorf("stderr %q", e)
	}
	if e := runParley(t, dir, nil, 2, "sweep", "plan", flagship(t), "--analysis", "sensitivity", "--out", "s.json"); !strings.Contains(e, "sensitivity sweeps are not supported") {
		t.Errorf("stderr %q", e)
	}
	// A manifest of another Parley version, or with its scenario edited,
	// is refused by run and merge.
	mb := readFile(t, filepath.Join(dir, "m3.json"))
	for _, c := range []struct{ from, to, want string }{
		{`"parley_version": "`, `"parley_version": "0.0.1-other`, "was planned with Parley 0.0.1-other"},
		{`"content": "`, `"content": "AAAA`, "does not match its sha256"},
	} {
		eb := bytes.Replace(mb, []byte(c.from), []byte(c.to), 1)
		if bytes.Equal(eb, mb) {
			t.Fatalf("edit %q not applied", c.from)
		}
		if err := os.WriteFile(filepath.Join(dir, "edited.json"), eb, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, a := range [][]string{{"run", "edited.json", "--shard", "0"}, {"merge", "edited.json"}} {
			if e := runParley(t, dir, nil, 1, append([]string{"sweep"}, append(a, "--dir", "shards3")...)...); !strings.Contains(e, c.want) {
				t.Errorf("sweep %s of a manifest edited to %q: %s", a[0], c.to, e)
			}
		}
	}
}

// testSweepKill: a shard process killed with SIGKILL leaves nothing merge
// accepts; re-running the shard completes the sweep with the same bytes.
// Shard files of another sweep and edited files are refused.
func testSweepKill(t *testing.T) {
	dir := t.TempDir()
	sd := filepath.Join(dir, "d")
	if err := os.Mkdir(sd, 0o755); err != nil {
		t.Fatal(err)
	}
	// 6000 eum draws in 2 shards: a shard takes seconds on one worker,
	// long enough to be killed while it computes.
	runParley(t, dir, nil, 0, "sweep", "plan", flagship(t), "--draws", "6000", "--seed", "3", "--shards", "2", "--out", "m.json")
	runParley(t, dir, nil, 0, "sweep", "run", "m.json", "--shard", "0", "--dir", "d")
	runParley(t, dir, nil, 0, "sweep", "run", "m.json", "--shard", "1", "--dir", "d")
	runParley(t, dir, nil, 0, "sweep", "merge", "m.json", "--dir", "d", "--out", "before.json")
	before := readFile(t, filepath.Join(dir, "before.json"))
	shard1 := filepath.Join(sd, "shard-1-of-2.json")
	good1 := readFile(t, shard1)

	if err := os.Remove(shard1); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(sweepBin(t), "sweep", "run", "m.json", "--shard", "1", "--dir", "d", "--workers", "1")
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the shard was not killed mid-run: %v", cmd.ProcessState)
	}
	// What a kill during the write itself leaves: atomicfile's temporary
	// file, partly written.
	tmp := filepath.Join(sd, ".shard-1-of-2.json.tmp-123")
	if err := os.WriteFile(tmp, good1[:len(good1)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	e := runParley(t, dir, nil, 1, "sweep", "merge", "m.json", "--dir", "d", "--out", "after.json")
	if !strings.Contains(e, "missing: 1 of 2 shards: 1") {
		t.Errorf("merge after the kill: %s", e)
	}
	if _, err := os.Stat(filepath.Join(dir, "after.json")); err == nil {
		t.Errorf("a refused merge wrote its output")
	}
	// A shard file cut short under its own name (a non-atomic copy) is
	// corrupt.
	if err := os.WriteFile(shard1, good1[:len(good1)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if e := runParley(t, dir, nil, 1, "sweep", "merge", "m.json", "--dir", "d"); !strings.Contains(e, "corrupt: "+filepath.Join("d", "shard-1-of-2.json")) {
		t.Errorf("merge of a truncated shard: %s", e)
	}
	// Re-running the shard overwrites it with the same bytes and completes
	// the sweep identically.
	runParley(t, dir, nil, 0, "sweep", "run", "m.json", "--shard", "1", "--dir", "d")
	if !bytes.Equal(readFile(t, shard1), good1) {
		t.Errorf("the re-run shard's file differs from the first run's")
	}
	runParley(t, dir, nil, 0, "sweep", "merge", "m.json", "--dir", "d", "--out", "after.json")
	if !bytes.Equal(readFile(t, filepath.Join(dir, "after.json")), before) {
		t.Errorf("the merge after the re-run differs")
	}

	// A shard of another sweep (another seed) under the right name is
	// foreign.
	od := filepath.Join(dir, "other")
	if err := os.Mkdir(od, 0o755); err != nil {
		t.Fatal(err)
	}
	runParley(t, dir, nil, 0, "sweep", "plan", flagship(t), "--draws", "6000", "--seed", "4", "--shards", "2", "--out", "other.json")
	runParley(t, dir, nil, 0, "sweep", "run", "other.json", "--shard", "0", "--dir", "other")
	good0 := readFile(t, filepath.Join(sd, "shard-0-of-2.json"))
	if err := os.WriteFile(filepath.Join(sd, "shard-0-of-2.json"), readFile(t, filepath.Join(od, "shard-0-of-2.json")), 0o644); err != nil {
		t.Fatal(err)
	}
	if e := runParley(t, dir, nil, 1, "sweep", "merge", "m.json", "--dir", "d"); !strings.Contains(e, "foreign: "+filepath.Join("d", "shard-0-of-2.json")+": written for manifest") {
		t.Errorf("merge with a foreign shard: %s", e)
	}
	// One changed digit in the payload is caught by the checksum.
	i := bytes.Index(good0, []byte(`"count":`))
	if i < 0 {
		t.Fatal("no count in the shard file")
	}
	bad := append([]byte(nil), good0...)
	j := i + len(`"count":`)
	bad[j] = '0' + (bad[j]-'0'+1)%10
	if err := os.WriteFile(filepath.Join(sd, "shard-0-of-2.json"), bad, 0o644); err != nil {
		t.Fatal(err)
	}
	if e := runParley(t, dir, nil, 1, "sweep", "merge", "m.json", "--dir", "d"); !strings.Contains(e, "payload checksum mismatch") {
		t.Errorf("merge with a tampered shard: %s", e)
	}
}
