package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	httpapi "github.com/parley-forecast/parley/http"
	"github.com/parley-forecast/parley/scenario"
	"github.com/parley-forecast/parley/sqlite"
)

// fuzzServer is a server on a fresh database with no workers, and a token.
func fuzzServer(f *testing.F) (http.Handler, string, string) {
	db, err := sqlite.Open(context.Background(), filepath.Join(f.TempDir(), "fuzz.db"), nil)
	if err != nil {
		f.Fatal(err)
	}
	if err := db.Migrate(context.Background()); err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close(context.Background()) })
	_, secret, err := db.CreateToken(context.Background(), "fuzz")
	if err != nil {
		f.Fatal(err)
	}
	h := httpapi.New(httpapi.Config{Store: db, Parse: scenario.ParseScenario}).Handler()
	// One saved scenario for the run requests to name.
	small, err := os.ReadFile(filepath.Join("testdata", "small.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	rec := serve(h, secret, "POST", "/api/v1/scenarios", "application/yaml", small)
	var saved httpapi.SavedScenario
	if err := json.Unmarshal(rec.Body.Bytes(), &saved); err != nil || rec.Code != http.StatusCreated {
		f.Fatalf("saving the scenario: %d %s", rec.Code, rec.Body)
	}
	return h, secret, saved.ID
}

func serve(h http.Handler, token, method, path, contentType string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// checkAnswer fails on a status the endpoint must never give for a client's
// input (500 above all), and on errors that are not problem documents.
func checkAnswer(t *testing.T, rec *httptest.ResponseRecorder, ok ...int) {
	t.Helper()
	for _, s := range ok {
		if rec.Code == s {
			return
		}
	}
	switch rec.Code {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusRequestEntityTooLarge,
		http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
	default:
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var p httpapi.Problem
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("status %d with Content-Type %q", rec.Code, ct)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != rec.Code {
		t.Fatalf("status %d with problem %s: %v", rec.Code, rec.Body, err)
	}
}

// FuzzCreateScenario sends arbitrary documents as new scenarios: each is
// saved or refused with a problem, never an internal error; a saved one
// reads back with its source exactly as sent.
func FuzzCreateScenario(f *testing.F) {
	h, token, _ := fuzzServer(f)
	for _, name := range []string{"small.yaml", "invalid.yaml"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add("application/yaml", b)
	}
	f.Add("application/json", []byte(`{"title": "x", "actors": [], "issues": [], "stances": []}`))
	f.Add("", []byte("title: [unclosed"))
	f.Add("text/plain; charset=utf-8", []byte("name: 0\nactors:\n !00000000\n0000000000000000"))
	f.Add("application/x-yaml", []byte("\ufeff{\"title\":1}"))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		rec := serve(h, token, "POST", "/api/v1/scenarios", contentType, body)
		checkAnswer(t, rec, http.StatusCreated)
		if rec.Code != http.StatusCreated {
			return
		}
		var saved httpapi.SavedScenario
		if err := json.Unmarshal(rec.Body.Bytes(), &saved); err != nil || saved.ID == "" {
			t.Fatalf("created, but the answer %s is not a saved scenario: %v", rec.Body, err)
		}
		got := serve(h, token, "GET", "/api/v1/scenarios/"+saved.ID, "", nil)
		var doc httpapi.ScenarioDocument
		if got.Code != http.StatusOK || json.Unmarshal(got.Body.Bytes(), &doc) != nil {
			t.Fatalf("saved %s, but reading it back gives %d %s", saved.ID, got.Code, got.Body)
		}
		if doc.ID != saved.ID || doc.Version != saved.Version || doc.Title != saved.Title || doc.Source != string(body) {
			t.Fatalf("read back %s version %d %q with source %q, saved %s version %d %q from %q",
				doc.ID, doc.Version, doc.Title, doc.Source, saved.ID, saved.Version, saved.Title, body)
		}
	})
}

// FuzzCreateRun sends arbitrary run requests: each is queued or refused
// with a problem, never an internal error.
func FuzzCreateRun(f *testing.F) {
	h, token, id := fuzzServer(f)
	f.Add([]byte(`{"scenario": "` + id + `", "model": "median"}`))
	f.Add([]byte(`{"scenario": "` + id + `", "model": "eum", "variant": "gamma-out", "seed": 18446744073709551615, "rounds": 3}`))
	f.Add([]byte(`{"scenario": "` + id + `", "model": "compromise", "params": {"x": "1"}, "options": {"draws": 5}}`))
	f.Add([]byte(`{"scenario": "` + id + `", "version": 99, "model": "median", "analysis": "model"}`))
	f.Add([]byte(`{"scenario": "../../etc", "model": "median"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		checkAnswer(t, serve(h, token, "POST", "/api/v1/runs", "application/json", body), http.StatusAccepted)
	})
}
