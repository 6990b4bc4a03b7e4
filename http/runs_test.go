package http_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	httpapi "github.com/parley-forecast/parley/http"
	"github.com/parley-forecast/parley/models"
)

type forecast struct {
	Model   string `json:"model"`
	Variant string `json:"variant"`
	Seed    uint64 `json:"seed"`
	Issues  []struct {
		ID       string  `json:"id"`
		Forecast float64 `json:"forecast"`
	} `json:"issues"`
}

// Ensure a queued run is executed and returns the forecast worked out by
// hand in testdata/small.yaml, with its request, timings and status.
func TestRunLifecycle(t *testing.T) {
	e := newEnv(t, envOpts{})
	id := e.createScenario()
	for _, c := range []struct {
		model, variant string
		want           float64
	}{
		{"compromise", "", 55}, // (0·1 + 60·2 + 100·1) / 4
		{"median", "", 60},
		{"compromise", "gamma-out", 40}, // (0·1 + 60·2) / 3
	} {
		r := e.do("POST", "/api/v1/runs", map[string]any{"scenario": id, "model": c.model, "variant": c.variant, "seed": 42})
		if r.status != http.StatusAccepted {
			t.Fatalf("create run: %d %s", r.status, r.body)
		}
		var run httpapi.Run
		r.json(t, &run)
		if run.Status != "queued" || run.Scenario != id || run.ScenarioVersion != 1 || run.Analysis != "model" ||
			run.Model != c.model || run.Seed != 42 || run.Author != "alice" || run.ParleyVersion == "" {
			t.Fatalf("queued run %+v", run)
		}
		if r.header.Get("Location") != "/api/v1/runs/"+run.ID {
			t.Fatalf("Location %q", r.header.Get("Location"))
		}
		done := e.waitRun(run.ID)
		if done.Status != "done" || done.Attempts != 1 || done.StartedAt == nil || done.FinishedAt == nil || done.QueuedMS == nil || done.RunMS == nil {
			t.Fatalf("finished run %+v", done)
		}
		var f forecast
		if err := json.Unmarshal(done.Result, &f); err != nil {
			t.Fatal(err)
		}
		if f.Model != c.model || f.Variant != c.variant || f.Seed != 42 || len(f.Issues) != 1 || f.Issues[0].Forecast != c.want {
			t.Fatalf("%s %s: result %+v, want forecast %v", c.model, c.variant, f, c.want)
		}
		var req map[string]any
		if err := json.Unmarshal(done.Request, &req); err != nil || req["model"] != c.model {
			t.Fatalf("recorded request %s", done.Request)
		}
		r = e.do("POST", "/api/v1/runs/"+run.ID+"/cancel", nil)
		if p := r.problem(t); r.status != http.StatusConflict || p.Code != "conflict" {
			t.Fatalf("cancel a finished run: %d %+v", r.status, p)
		}
	}

	var list httpapi.RunList
	e.do("GET", "/api/v1/runs?status=done&scenario="+id+"&limit=2", nil).json(t, &list)
	if len(list.Items) != 2 || list.Next == "" || list.Items[0].Result != nil {
		t.Fatalf("first page of runs %+v", list)
	}
	var page2 httpapi.RunList
	e.do("GET", "/api/v1/runs?status=done&scenario="+id+"&limit=2&cursor="+list.Next, nil).json(t, &page2)
	if len(page2.Items) != 1 || page2.Next != "" || page2.Items[0].Model != "compromise" {
		t.Fatalf("second page of runs %+v", page2)
	}
	var failed httpapi.RunList
	e.do("GET", "/api/v1/runs?status=failed", nil).json(t, &failed)
	if len(failed.Items) != 0 {
		t.Fatalf("failed runs %+v", failed)
	}
	r := e.do("GET", "/api/v1/runs?status=sleeping", nil)
	if r.problem(t); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad status filter: %d", r.status)
	}
}

// Ensure a run on a given version uses that version even after newer
// saves.
func TestRunOnVersion(t *testing.T) {
	e := newEnv(t, envOpts{})
	id := e.createScenario()
	v2 := strings.Replace(string(readFile(t, "small.yaml")), "position: 60", "position: 20", 1)
	if r := e.do("PUT", "/api/v1/scenarios/"+id, v2, "Content-Type", "application/yaml"); r.status != http.StatusOK {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	for version, want := range map[int]float64{1: 55, 2: 35, 0: 35} { // v2: (0 + 20·2 + 100)/4 = 35
		var run httpapi.Run
		e.do("POST", "/api/v1/runs", map[string]any{"scenario": id, "version": version, "model": "compromise"}).json(t, &run)
		done := e.waitRun(run.ID)
		var f forecast
		if err := json.Unmarshal(done.Result, &f); err != nil {
			t.Fatal(err)
		}
		if f.Issues[0].Forecast != want || (version > 0 && done.ScenarioVersion != version) || (version == 0 && done.ScenarioVersion != 2) {
			t.Fatalf("version %d: run on %d forecast %v, want %v", version, done.ScenarioVersion, f.Issues[0].Forecast, want)
		}
	}
}

// Ensure bad run requests are refused with the field at fault.
func TestRunInvalid(t *testing.T) {
	e := newEnv(t, envOpts{noWorkers: true})
	id := e.createScenario()
	for _, c := range []struct {
		body     map[string]any
		status   int
		location string
	}{
		{map[string]any{"scenario": id, "model": "oracle"}, 422, "body.model"},
		{map[string]any{"scenario": id}, 422, "body"}, // huma: required property model missing
		{map[string]any{"scenario": id, "model": "median", "analysis": "astrology"}, 422, "body.analysis"},
		{map[string]any{"scenario": id, "model": "median", "variant": "nope"}, 422, "body.variant"},
		{map[string]any{"scenario": id, "model": "median", "params": map[string]string{"x": "1"}}, 422, "body.params"},
		{map[string]any{"scenario": id, "model": "median", "rounds": -1}, 422, "body.rounds"},
		{map[string]any{"scenario": id, "model": "median", "colour": "red"}, 422, "body.colour"},
		{map[string]any{"scenario": id, "model": "median", "options": map[string]any{"draws": 3}}, 422, "body.options"},
		{map[string]any{"scenario": "aaaaaaaaaaaaaaaa", "model": "median"}, 404, ""},
		{map[string]any{"scenario": id, "version": 7, "model": "median"}, 404, ""},
	} {
		r := e.do("POST", "/api/v1/runs", c.body)
		p := r.problem(t)
		if r.status != c.status {
			t.Errorf("%v: %d %s, want %d", c.body, r.status, r.body, c.status)
			continue
		}
		if c.location != "" && (len(p.Errors) == 0 || p.Errors[0].Location != c.location) {
			t.Errorf("%v: errors %+v, want location %s", c.body, p.Errors, c.location)
		}
	}
	var list httpapi.RunList
	e.do("GET", "/api/v1/runs", nil).json(t, &list)
	if len(list.Items) != 0 {
		t.Fatalf("refused runs were queued: %+v", list.Items)
	}
}

// Ensure a queued run can be cancelled, once.
func TestRunCancel(t *testing.T) {
	e := newEnv(t, envOpts{noWorkers: true})
	id := e.createScenario()
	var run httpapi.Run
	e.do("POST", "/api/v1/runs", map[string]any{"scenario": id, "model": "median"}).json(t, &run)
	r := e.do("POST", "/api/v1/runs/"+run.ID+"/cancel", nil)
	r.json(t, &run)
	if r.status != http.StatusOK || run.Status != "canceled" || run.FinishedAt == nil {
		t.Fatalf("cancel: %d %+v", r.status, run)
	}
	r = e.do("POST", "/api/v1/runs/"+run.ID+"/cancel", nil)
	if r.problem(t); r.status != http.StatusConflict {
		t.Fatalf("second cancel: %d", r.status)
	}
	r = e.do("POST", "/api/v1/runs/aaaaaaaaaaaaaaaa/cancel", nil)
	if r.problem(t); r.status != http.StatusNotFound {
		t.Fatalf("cancel unknown: %d", r.status)
	}
}

// Ensure GET /models lists the registry.
func TestModels(t *testing.T) {
	e := newEnv(t, envOpts{noWorkers: true})
	var list httpapi.ModelList
	e.do("GET", "/api/v1/models", nil).json(t, &list)
	names := models.Names()
	if len(list.Items) != len(names) {
		t.Fatalf("models %+v, want %v", list.Items, names)
	}
	for i, m := range list.Items {
		if m.Name != names[i] || m.Summary == "" || m.Reference == "" {
			t.Errorf("model %d: %+v", i, m)
		}
	}
	var kinds httpapi.AnalysisList
	e.do("GET", "/api/v1/analyses", nil).json(t, &kinds)
	if len(kinds.Items) == 0 {
		t.Fatalf("analyses %+v", kinds)
	}
}

// Ensure an analysis is queued and run like a model run, with its own
// options, and bad options are refused with their location.
func TestRunAnalysis(t *testing.T) {
	e := newEnv(t, envOpts{})
	r := e.do("POST", "/api/v1/scenarios", readFile(t, "ranges.json"), "Content-Type", "application/json")
	var saved httpapi.SavedScenario
	r.json(t, &saved)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var run httpapi.Run
	r = e.do("POST", "/api/v1/runs", map[string]any{"scenario": saved.ID, "model": "median", "analysis": "simulate",
		"seed": 3, "options": map[string]any{"draws": 250, "bins": 10}})
	r.json(t, &run)
	if r.status != http.StatusAccepted || run.Analysis != "simulate" {
		t.Fatalf("queue a simulation: %d %s", r.status, r.body)
	}
	done := e.waitRun(run.ID)
	var sum struct {
		Model  string `json:"model"`
		Draws  int    `json:"draws"`
		Seed   uint64 `json:"seed"`
		Issues []struct {
			Histogram struct {
				Counts []int `json:"counts"`
			} `json:"histogram"`
		} `json:"issues"`
		Questions []struct {
			ID   string `json:"id"`
			Hits int    `json:"hits"`
		} `json:"questions"`
	}
	if err := json.Unmarshal(done.Result, &sum); err != nil {
		t.Fatalf("%s: %v", done.Result, err)
	}
	total := 0
	for _, c := range sum.Issues[0].Histogram.Counts {
		total += c
	}
	if done.Status != "done" || sum.Model != "median" || sum.Draws != 250 || sum.Seed != 3 || len(sum.Issues[0].Histogram.Counts) != 10 ||
		total != 250 || len(sum.Questions) != 1 || sum.Questions[0].ID != "generous" {
		t.Fatalf("simulation %s: %+v", done.Status, sum)
	}

	r = e.do("POST", "/api/v1/runs", map[string]any{"scenario": saved.ID, "model": "median", "analysis": "strategy",
		"options": map[string]any{"actor": "zz", "question": "generous"}})
	if p := r.problem(t); r.status != http.StatusUnprocessableEntity || len(p.Errors) != 1 || p.Errors[0].Location != "body.options.actor" {
		t.Fatalf("bad strategy options: %d %+v", r.status, p)
	}
	var kinds httpapi.AnalysisList
	e.do("GET", "/api/v1/analyses", nil).json(t, &kinds)
	var names []string
	for _, k := range kinds.Items {
		names = append(names, k.Name)
	}
	if strings.Join(names, ",") != "compare,leverage,model,sensitivity,simulate,strategy,sweep" {
		t.Fatalf("analyses %v", names)
	}
}
