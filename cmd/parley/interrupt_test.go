package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/parley-forecast/parley/internal/refdata"
)

// TestInterrupt sends SIGINT to a long simulate writing --out over an
// existing file: it must exit 130 saying it was interrupted, leave the
// file's previous content, and leave no temporary file beside it.
func TestInterrupt(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT on Windows")
	}
	example := filepath.Join(refdata.Root(), "examples", "iran-comprehensive-deal.yaml")
	dir := t.TempDir()
	out := filepath.Join(dir, "sim.json")
	const previous = "the previous result\n"
	if err := os.WriteFile(out, []byte(previous), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "simulate", example, "--draws", "100000000", "--workers", "1",
		"--progress", "always", "--format", "json", "--out", out)
	cmd.Env = append(os.Environ(), "PARLEY_TEST_AS_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill() // a no-op once it has exited; else no orphan
	// The progress bar's first output means the draws have started, long
	// after the command installed its signal handler.
	r := bufio.NewReader(stderr)
	if _, err := r.ReadByte(); err != nil {
		t.Fatalf("no progress on stderr: %v", err)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	var rest strings.Builder
	for {
		line, err := r.ReadString('\n')
		rest.WriteString(line)
		if err != nil {
			break
		}
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Errorf("exit %v, want status %d", err, exitInterrupted)
	}
	if msg := rest.String(); !strings.Contains(msg, "parley: interrupted") {
		t.Errorf("stderr %q does not say it was interrupted", msg)
	}
	if b, err := os.ReadFile(out); err != nil || string(b) != previous {
		t.Errorf("--out now holds %q (%v), want its previous content", b, err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%d files in the folder, want only %s", len(ents), out)
	}
}
