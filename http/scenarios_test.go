package http_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	httpapi "github.com/parley-forecast/parley/http"
)

// Ensure a scenario can be saved as YAML, read back verbatim, saved again
// as JSON as a new version, listed, and deleted.
func TestScenarioLifecycle(t *testing.T) {
	e := newEnv(t, envOpts{noWorkers: true})
	src := readFile(t, "small.yaml")
	r := e.do("POST", "/api/v1/scenarios", src, "Content-Type", "application/yaml")
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var saved httpapi.SavedScenario
	r.json(t, &saved)
	if saved.Version != 1 || saved.Latest != 1 || saved.Author != "alice" || saved.Format != "yaml" || saved.Title != "Three parties split a budget" {
		t.Fatalf("saved %+v", saved)
	}
	if loc := r.header.Get("Location"); loc != "/api/v1/scenarios/"+saved.ID+"?version=1" {
		t.Fatalf("Location %q", loc)
	}
	// Gamma's stance has neither evidence nor an assumption: a warning,
	// not an error.
	if len(saved.Warnings) != 1 || saved.Warnings[0].Location != "body.stances[2]" {
		t.Fatalf("warnings %+v", saved.Warnings)
	}

	r = e.do("GET", "/api/v1/scenarios/"+saved.ID, nil)
	var doc httpapi.ScenarioDocument
	r.json(t, &doc)
	if r.status != http.StatusOK || doc.Source != string(src) || doc.Version != 1 {
		t.Fatalf("get: %d %+v", r.status, doc)
	}
	var parsed struct {
		Title  string `json:"title"`
		Actors []struct {
			ID string `json:"id"`
		} `json:"actors"`
	}
	if err := json.Unmarshal(doc.Scenario, &parsed); err != nil || parsed.Title != saved.Title || len(parsed.Actors) != 3 {
		t.Fatalf("parsed scenario %s: %v", doc.Scenario, err)
	}

	v2 := strings.Replace(string(doc.Scenario), "Three parties split a budget", "Two parties split a budget", 1)
	r = e.do("PUT", "/api/v1/scenarios/"+saved.ID, v2, "Content-Type", "application/json")
	var saved2 httpapi.SavedScenario
	r.json(t, &saved2)
	if r.status != http.StatusOK || saved2.ID != saved.ID || saved2.Version != 2 || saved2.Format != "json" || saved2.Title != "Two parties split a budget" {
		t.Fatalf("update: %d %+v", r.status, saved2)
	}
	r = e.do("GET", "/api/v1/scenarios/"+saved.ID+"?version=1", nil)
	r.json(t, &doc)
	if doc.Version != 1 || doc.Latest != 2 || doc.Source != string(src) {
		t.Fatalf("version 1 after update: %+v", doc)
	}
	r = e.do("GET", "/api/v1/scenarios/"+saved.ID, nil)
	r.json(t, &doc)
	if doc.Version != 2 || doc.Source != v2 {
		t.Fatalf("latest after update: %+v", doc)
	}
	r = e.do("GET", "/api/v1/scenarios/"+saved.ID+"?version=3", nil)
	if p := r.problem(t); r.status != http.StatusNotFound || p.Code != "not_found" {
		t.Fatalf("version 3: %d %+v", r.status, p)
	}

	var list httpapi.ScenarioList
	r = e.do("GET", "/api/v1/scenarios/"+saved.ID+"/versions", nil)
	r.json(t, &list)
	if len(list.Items) != 2 || list.Items[0].Version != 2 || list.Items[1].Version != 1 || list.Next != "" {
		t.Fatalf("versions %+v", list)
	}
	r = e.do("GET", "/api/v1/scenarios", nil)
	r.json(t, &list)
	if len(list.Items) != 1 || list.Items[0].Version != 2 {
		t.Fatalf("list %+v", list)
	}

	r = e.do("DELETE", "/api/v1/scenarios/"+saved.ID, nil)
	if r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/v1/scenarios/" + saved.ID},
		{"DELETE", "/api/v1/scenarios/" + saved.ID},
		{"GET", "/api/v1/scenarios/" + saved.ID + "/versions"},
	} {
		r = e.do(c.method, c.path, nil)
		if r.problem(t); r.status != http.StatusNotFound {
			t.Fatalf("%s %s after delete: %d", c.method, c.path, r.status)
		}
	}
	r = e.do("GET", "/api/v1/scenarios", nil)
	r.json(t, &list)
	if len(list.Items) != 0 {
		t.Fatalf("list after delete %+v", list)
	}
}

// Ensure a scenario with errors is refused with every error and its
// location.
func TestScenarioInvalid(t *testing.T) {
	e := newEnv(t, envOpts{noWorkers: true})
	r := e.do("POST", "/api/v1/scenarios", readFile(t, "invalid.yaml"), "Content-Type", "application/yaml")
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d %s", r.status, r.body)
	}
	p := r.problem(t)
	if p.Code != "invalid" {
		t.Fatalf("problem %+v", p)
	}
	// Every error, in file order, at the line and column of the value at
	// fault in testdata/invalid.yaml.
	want := []httpapi.ProblemDetail{
		{Location: "body.stances[0].position", Line: 11, Col: 15, Message: "position is off the scale: must be in [0,100], got 150"},
		{Location: "body.stances[0].salience", Line: 12, Col: 15, Message: "must be in [0,1], got 1.5"},
		{Location: "body.stances[1].actor", Line: 14, Col: 12, Message: `unknown actor "zed"`},
	}
	if len(p.Errors) != len(want) {
		t.Fatalf("errors %+v, want %+v", p.Errors, want)
	}
	for i, w := range want {
		if got := p.Errors[i]; got.Location != w.Location || got.Line != w.Line || got.Col != w.Col || !strings.HasPrefix(got.Message, w.Message) {
			t.Errorf("error %d: %+v, want %+v", i, got, w)
		}
	}
	r = e.do("GET", "/api/v1/scenarios", nil)
	var list httpapi.ScenarioList
	r.json(t, &list)
	if len(list.Items) != 0 {
		t.Fatal("an invalid scenario was saved")
	}

	for _, c := range []struct {
		body, contentType string
		status            int
	}{
		{"", "application/yaml", http.StatusBadRequest},
		{"  \n", "application/yaml", http.StatusUnprocessableEntity},
		{"title: [unclosed", "application/yaml", http.StatusUnprocessableEntity},
		{"{\"title\": 1", "application/json", http.StatusUnprocessableEntity},
		{"title: x\nunknown_field: 1\n", "application/yaml", http.StatusUnprocessableEntity},
		{"<scenario/>", "application/xml", http.StatusUnsupportedMediaType},
		{"title: x", "multipart/form-data; boundary=x", http.StatusUnsupportedMediaType},
		{"title: x", "nonsense;;", http.StatusUnsupportedMediaType},
	} {
		r := e.do("POST", "/api/v1/scenarios", c.body, "Content-Type", c.contentType)
		if r.status != c.status {
			t.Errorf("%q as %s: %d %s, want %d", c.body, c.contentType, r.status, r.body, c.status)
			continue
		}
		p := r.problem(t)
		if c.status == http.StatusUnprocessableEntity && (len(p.Errors) == 0 || p.Errors[0].Line < 1 || p.Errors[0].Col < 1) {
			t.Errorf("%q: errors without a position: %+v", c.body, p.Errors)
		}
	}
}

// Ensure lists page through every item once and reject bad parameters.
func TestScenarioPages(t *testing.T) {
	e := newEnv(t, envOpts{noWorkers: true})
	want := map[string]bool{}
	for range 5 {
		want[e.createScenario()] = true
	}
	seen := map[string]bool{}
	path := "/api/v1/scenarios?limit=2"
	pages := 0
	for {
		var list httpapi.ScenarioList
		r := e.do("GET", path, nil)
		r.json(t, &list)
		pages++
		for _, it := range list.Items {
			if seen[it.ID] || !want[it.ID] {
				t.Fatalf("item %s repeated or unknown", it.ID)
			}
			seen[it.ID] = true
		}
		if list.Next == "" {
			break
		}
		path = "/api/v1/scenarios?limit=2&cursor=" + list.Next
	}
	if len(seen) != 5 || pages != 3 {
		t.Fatalf("%d items in %d pages", len(seen), pages)
	}
	for _, q := range []string{"limit=0", "limit=201", "limit=x", "cursor=bogus", "cursor=" + strings.Repeat("A", 65)} {
		r := e.do("GET", "/api/v1/scenarios?"+q, nil)
		if p := r.problem(t); r.status != http.StatusUnprocessableEntity || p.Code != "invalid" {
			t.Errorf("%s: %d %+v", q, r.status, p)
		}
	}
}
