package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/parley-forecast/parley/internal/refdata"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	// TestInterrupt runs this binary as parley in a child process.
	if os.Getenv("PARLEY_TEST_AS_MAIN") == "1" {
		os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	testscript.Main(m, map[string]func(){
		"parley": func() { os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScript runs the command-line scripts in testdata/script. Each script
// runs in its own temporary directory; $ROOT is the repository root (for
// the examples) and $SHARED the shared reference folder, or empty.
func TestScript(t *testing.T) {
	root := refdata.Root()
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(env *testscript.Env) error {
			env.Setenv("ROOT", root)
			env.Setenv("SHARED", refdata.Shared())
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "shared" {
				return refdata.Shared() != "", nil
			}
			return false, nil
		},
	})
}
