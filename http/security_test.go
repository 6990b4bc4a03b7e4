package http_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"go/build"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	httpapi "github.com/parley-forecast/parley/http"
	"github.com/parley-forecast/parley/scenario"
)

type endpoint struct {
	method, path string
	body         any
	write        bool
}

func endpoints(scenario, run string) []endpoint {
	small := "title: t\n"
	return []endpoint{
		{"POST", "/api/v1/scenarios", small, true},
		{"GET", "/api/v1/scenarios", nil, false},
		{"GET", "/api/v1/scenarios/" + scenario, nil, false},
		{"GET", "/api/v1/scenarios/" + scenario + "/versions", nil, false},
		{"PUT", "/api/v1/scenarios/" + scenario, small, true},
		{"DELETE", "/api/v1/scenarios/" + scenario, nil, true},
		{"POST", "/api/v1/runs", map[string]any{"scenario": scenario, "model": "median"}, true},
		{"GET", "/api/v1/runs", nil, false},
		{"GET", "/api/v1/runs/" + run, nil, false},
		{"POST", "/api/v1/runs/" + run + "/cancel", nil, true},
		{"GET", "/api/v1/models", nil, false},
		{"GET", "/api/v1/analyses", nil, false},
	}
}

func wantUnauthorized(t *testing.T, r response, what string) {
	t.Helper()
	if r.status != http.StatusUnauthorized {
		t.Errorf("%s: %d %s, want 401", what, r.status, r.body)
		return
	}
	if p := r.problem(t); p.Code != "unauthorized" {
		t.Errorf("%s: problem %+v", what, p)
	}
	if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("%s: WWW-Authenticate %q", what, r.header.Get("WWW-Authenticate"))
	}
}

// Ensure every operation needs a valid, live token.
func TestAuthRequired(t *testing.T) {
	e := newEnv(t, envOpts{noWorkers: true})
	id := e.createScenario()
	var run httpapi.Run
	e.do("POST", "/api/v1/runs", map[string]any{"scenario": id, "model": "median"}).json(t, &run)
	_, bob, err := e.store.CreateToken(context.Background(), "bob")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.RevokeToken(context.Background(), "bob"); err != nil {
		t.Fatal(err)
	}
	for _, ep := range endpoints(id, run.ID) {
		what := ep.method + " " + ep.path
		wantUnauthorized(t, e.call(ep.method, ep.path, ep.body, ""), what+" without a token")
		wantUnauthorized(t, e.call(ep.method, ep.path, ep.body, "parley_not-a-real-token"), what+" with a wrong token")
		wantUnauthorized(t, e.call(ep.method, ep.path, ep.body, bob), what+" with a revoked token")
		for _, h := range []string{"Basic YWxpY2U6eA==", "Bearer", "Bearer   ", e.token} {
			wantUnauthorized(t, e.call(ep.method, ep.path, ep.body, "", "Authorization", h), what+" with Authorization: "+h)
		}
	}
	// Nothing was written by the refused requests.
	var list httpapi.ScenarioList
	e.do("GET", "/api/v1/scenarios", nil).json(t, &list)
	if len(list.Items) != 1 || list.Items[0].Version != 1 {
		t.Fatalf("scenarios after refused writes: %+v", list)
	}
	var runs httpapi.RunList
	e.do("GET", "/api/v1/runs", nil).json(t, &runs)
	if len(runs.Items) != 1 || runs.Items[0].Status != "queued" {
		t.Fatalf("runs after refused writes: %+v", runs)
	}
}

// Ensure --public-read opens reads, and only reads.
func TestPublicRead(t *testing.T) {
	e := newEnv(t, envOpts{noWorkers: true, publicRead: true})
	id := e.createScenario()
	var run httpapi.Run
	e.do("POST", "/api/v1/runs", map[string]any{"scenario": id, "model": "median"}).json(t, &run)
	for _, ep := range endpoints(id, run.ID) {
		what := ep.method + " " + ep.path
		r := e.call(ep.method, ep.path, ep.body, "")
		if ep.write {
			wantUnauthorized(t, r, what+" without a token")
			continue
		}
		if r.status != http.StatusOK {
			t.Errorf("%s without a token: %d %s", what, r.status, r.body)
		}
		wantUnauthorized(t, e.call(ep.method, ep.path, ep.body, "parley_wrong"), what+" with a wrong token")
	}
}

// Ensure bodies over 4 MiB are refused with 413, with or without a
// Content-Length, and a body of exactly 4 MiB is read.
func TestBodyLimit(t *testing.T) {
	e := newEnv(t, envOpts{noWorkers: true})
	id := e.createScenario()
	small := readFile(t, "small.yaml")
	pad := func(n int) []byte {
		b := append([]byte(nil), small...)
		b = append(b, '#')
		b = append(b, bytes.Repeat([]byte("x"), n-len(b)-1)...)
		return append(b, '\n')
	}
	exact, over := pad(httpapi.MaxBodyBytes), pad(httpapi.MaxBodyBytes+1)
	r := e.do("POST", "/api/v1/scenarios", exact, "Content-Type", "application/yaml")
	if r.status != http.StatusCreated {
		t.Fatalf("exactly 4 MiB: %d %.300s", r.status, r.body)
	}
	for _, c := range []struct {
		method, path string
	}{
		{"POST", "/api/v1/scenarios"},
		{"PUT", "/api/v1/scenarios/" + id},
		{"POST", "/api/v1/runs"},
	} {
		for _, chunked := range []bool{false, true} {
			var body any = over
			if chunked {
				body = io.MultiReader(bytes.NewReader(over)) // no length: sent chunked
			}
			r := e.do(c.method, c.path, body, "Content-Type", "application/yaml")
			if r.status != http.StatusRequestEntityTooLarge {
				t.Errorf("%s %s chunked=%v: %d %.200s", c.method, c.path, chunked, r.status, r.body)
				continue
			}
			if p := r.problem(t); p.Code != "too_large" {
				t.Errorf("%s %s: problem %+v", c.method, c.path, p)
			}
		}
	}
	var doc httpapi.ScenarioDocument
	e.do("GET", "/api/v1/scenarios/"+id, nil).json(t, &doc)
	if doc.Version != 1 {
		t.Fatalf("a refused body was saved: version %d", doc.Version)
	}
}

// Ensure the server bounds every phase of a connection, and drops a
// client that trickles its headers.
func TestTimeouts(t *testing.T) {
	e := newEnv(t, envOpts{noWorkers: true})
	hs := e.api.HTTPServer()
	if hs.ReadHeaderTimeout <= 0 || hs.ReadTimeout <= 0 || hs.WriteTimeout <= 0 || hs.IdleTimeout <= 0 || hs.MaxHeaderBytes <= 0 {
		t.Fatalf("timeouts not set: %+v", hs)
	}

	api := httpapi.New(httpapi.Config{Store: e.store, Parse: scenario.ParseScenario, ReadHeaderTimeout: 200 * time.Millisecond})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go api.Serve(ln)
	defer api.Shutdown(context.Background())
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "GET /api/v1/models HTTP/1.1\r\nHost: x\r\n"); err != nil {
		t.Fatal(err)
	}
	// Never finish the headers; the server must hang up on its own.
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, err = io.ReadAll(bufio.NewReader(c))
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the server kept a connection with unfinished headers open for 20 s")
	}
}

// Ensure the OpenAPI 3.1 document is served, complete and self-contained,
// and that no documentation page pulls scripts from elsewhere.
func TestOpenAPI(t *testing.T) {
	e := newEnv(t, envOpts{noWorkers: true})
	r := e.call("GET", "/api/v1/openapi.json", nil, "")
	if r.status != http.StatusOK {
		t.Fatalf("openapi.json: %d", r.status)
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
		Comps   struct {
			SecuritySchemes map[string]map[string]any `json:"securitySchemes"`
			Schemas         map[string]any            `json:"schemas"`
		} `json:"components"`
	}
	r.json(t, &doc)
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	for _, ep := range endpoints("{id}", "{id}") {
		op := doc.Paths[ep.path][strings.ToLower(ep.method)]
		if op == nil {
			t.Errorf("%s %s is not documented", ep.method, ep.path)
			continue
		}
		if op["security"] == nil {
			t.Errorf("%s %s does not declare its token", ep.method, ep.path)
		}
	}
	if doc.Comps.SecuritySchemes["bearer"]["scheme"] != "bearer" {
		t.Errorf("security schemes %v", doc.Comps.SecuritySchemes)
	}
	for _, name := range []string{"Scenario", "Run", "RunRequest", "Problem", "Value"} {
		if doc.Comps.Schemas[name] == nil {
			t.Errorf("schema %s missing", name)
		}
	}
	body := strings.ToLower(string(r.body))
	for _, bad := range []string{"cdn", "unpkg", "jsdelivr", "<script"} {
		if strings.Contains(body, bad) {
			t.Errorf("the document mentions %q", bad)
		}
	}
	for _, path := range []string{"/api/v1/docs", "/docs", "/api/v1/schemas/Run.json", "/", "/api/v2/runs"} {
		r := e.do("GET", path, nil)
		if r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, r.status)
			continue
		}
		if p := r.problem(t); p.Code != "not_found" {
			t.Errorf("GET %s: %+v", path, p)
		}
	}
	r = e.do("PATCH", "/api/v1/scenarios", nil)
	if p := r.problem(t); r.status != http.StatusMethodNotAllowed || p.Code != "not_allowed" || !strings.Contains(r.header.Get("Allow"), "POST") {
		t.Errorf("PATCH /api/v1/scenarios: %d %+v Allow %q", r.status, p, r.header.Get("Allow"))
	}
	var value map[string]any
	b, _ := json.Marshal(doc.Comps.Schemas["Value"])
	_ = json.Unmarshal(b, &value)
	if value["oneOf"] == nil {
		t.Errorf("Value schema %s does not allow a number or a range", b)
	}
}

// Ensure no request value reaches the file system: a scenario's source
// paths are never read, ids shaped like paths are just unknown ids, and
// the packages that handle requests do not use the file system.
func TestNoFileAccess(t *testing.T) {
	e := newEnv(t, envOpts{noWorkers: true})
	doc := `title: Paths
sources:
  - {id: s, title: A file, path: ../../../../etc/hostname}
actors:
  - {id: a, name: A, capability: 1}
issues:
  - {id: k, name: K, scale: {min: 0, max: 1}}
stances:
  - actor: a
    issue: k
    position: 0.5
    salience: 1
    evidence: [{source: s, quote: "words found in no file at all"}]
`
	r := e.do("POST", "/api/v1/scenarios", doc, "Content-Type", "application/yaml")
	if r.status != http.StatusCreated {
		t.Fatalf("a scenario citing a local file: %d %s", r.status, r.body)
	}
	if strings.Contains(string(r.body), "quote") {
		t.Fatalf("the quote was checked against a file: %s", r.body)
	}
	for _, p := range []string{"..%2F..%2Fetc%2Fpasswd", "%2e%2e", "parley.db", "..%5c..%5cwindows"} {
		if r := e.do("GET", "/api/v1/scenarios/"+p, nil); r.status != http.StatusNotFound {
			t.Errorf("GET /api/v1/scenarios/%s: %d", p, r.status)
		}
	}

	// Static check: the packages a request passes through import nothing
	// that opens files.
	_, here, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(here))
	const module = "github.com/parley-forecast/parley"
	forbidden := map[string]bool{"os": true, "io/ioutil": true, "path/filepath": true, "os/exec": true, "plugin": true}
	seen := map[string]bool{}
	var walk func(pkg string)
	walk = func(pkg string) {
		if seen[pkg] {
			return
		}
		seen[pkg] = true
		dir := filepath.Join(root, strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/"))
		bp, err := build.ImportDir(dir, 0)
		if err != nil {
			t.Fatalf("%s: %v", pkg, err)
		}
		for _, imp := range bp.Imports {
			if forbidden[imp] {
				t.Errorf("package %s imports %s", pkg, imp)
			}
			if imp == module || strings.HasPrefix(imp, module+"/") {
				walk(imp)
			}
		}
	}
	walk(module + "/http")
	walk(module + "/runner")
	if !seen[module+"/store"] || !seen[module+"/models"] || !seen[module] {
		t.Fatalf("walk missed packages: %v", seen)
	}
	_ = httptest.NewRecorder
}
