package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	httpapi "github.com/parley-forecast/parley/http"
	"github.com/parley-forecast/parley/postgres"
	"github.com/parley-forecast/parley/runner"
	"github.com/parley-forecast/parley/scenario"
	"github.com/parley-forecast/parley/sqlite"
	"github.com/parley-forecast/parley/store"
)

// env is a server on a fresh SQLite database with a token for alice.
type env struct {
	t     *testing.T
	store store.Store
	srv   *httptest.Server
	api   *httpapi.Server
	token string
}

type envOpts struct {
	publicRead bool
	noWorkers  bool
	// dsn, when set, is a PostgreSQL database to use instead of a fresh
	// SQLite file (see pgtest.Fresh).
	dsn string
}

func newEnv(t *testing.T, o envOpts) *env {
	t.Helper()
	var db interface {
		store.Store
		Migrate(context.Context) error
	}
	var err error
	if o.dsn != "" {
		db, err = postgres.Open(context.Background(), o.dsn, nil)
	} else {
		db, err = sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "parley.db"), nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !o.noWorkers {
		if err := db.Work(context.Background(), store.WorkConfig{Execute: runner.ExecuteRun, ExecuteShard: runner.ExecuteShard, Merge: runner.MergeShards, Workers: 2, PollInterval: 20 * time.Millisecond}); err != nil {
			t.Fatal(err)
		}
	}
	_, secret, err := db.CreateToken(context.Background(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	api := httpapi.New(httpapi.Config{Store: db, Parse: scenario.ParseScenario, PublicRead: o.publicRead})
	srv := httptest.NewServer(api.Handler())
	t.Cleanup(func() {
		srv.Close()
		db.Close(context.Background())
	})
	return &env{t: t, store: db, srv: srv, api: api, token: secret}
}

// response is a finished exchange.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("status %d body %s: %v", r.status, r.body, err)
	}
}

// problem decodes a problem+json answer, checking its content type and
// that its status field matches the response.
func (r response) problem(t *testing.T) httpapi.Problem {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("status %d: Content-Type %q, want application/problem+json; body %s", r.status, ct, r.body)
	}
	var p httpapi.Problem
	r.json(t, &p)
	if p.Status != r.status || p.Title == "" {
		t.Fatalf("problem %+v for status %d", p, r.status)
	}
	return p
}

// call sends a request with alice's token (token "" sends none). A body
// that is a []byte or string is sent as is, anything else as JSON.
func (e *env) call(method, path string, body any, token string, header ...string) response {
	e.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	case io.Reader:
		rd = b
	default:
		js, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd, ct = bytes.NewReader(js), "application/json"
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

func (e *env) do(method, path string, body any, header ...string) response {
	e.t.Helper()
	return e.call(method, path, body, e.token, header...)
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// createScenario posts testdata/small.yaml and returns its id.
func (e *env) createScenario() string {
	e.t.Helper()
	r := e.do("POST", "/api/v1/scenarios", readFile(e.t, "small.yaml"), "Content-Type", "application/yaml")
	if r.status != http.StatusCreated {
		e.t.Fatalf("create scenario: %d %s", r.status, r.body)
	}
	var s httpapi.SavedScenario
	r.json(e.t, &s)
	return s.ID
}

// waitRun polls run id until it has finished and returns it.
func (e *env) waitRun(id string) httpapi.Run {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := e.do("GET", "/api/v1/runs/"+id, nil)
		if r.status != http.StatusOK {
			e.t.Fatalf("get run: %d %s", r.status, r.body)
		}
		var run httpapi.Run
		r.json(e.t, &run)
		switch run.Status {
		case store.StatusDone, store.StatusFailed, store.StatusCanceled:
			return run
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("run %s still %s after 60 s", id, run.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
