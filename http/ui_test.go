package http_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	httpapi "github.com/parley-forecast/parley/http"
	"github.com/parley-forecast/parley/scenario"
)

func get(t *testing.T, srv *httptest.Server, path string) (int, http.Header, string) {
	t.Helper()
	res, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, string(b)
}

func TestUIServesBundleWithSPAFallback(t *testing.T) {
	ui := fstest.MapFS{
		"index.html":         {Data: []byte("<!doctype html><title>Parley workbench</title>")},
		"assets/app-1234.js": {Data: []byte("console.log(1)")},
	}
	srv := httptest.NewServer(httpapi.New(httpapi.Config{UI: ui, Parse: scenario.ParseScenario}).Handler())
	defer srv.Close()
	tests := []struct {
		path, want, ctype string
		status            int
	}{
		{"/", "Parley workbench", "text/html", 200},
		{"/index.html", "Parley workbench", "text/html", 200},
		{"/scenarios/abc", "Parley workbench", "text/html", 200}, // client-side route
		{"/assets/app-1234.js", "console.log(1)", "text/javascript", 200},
		{"/api/v1/nothing-here", "no such API path", "application/problem+json", 404},
		{"/api/v1/openapi.json", `"openapi"`, "application/openapi+json", 200},
	}
	for _, tt := range tests {
		status, h, body := get(t, srv, tt.path)
		if status != tt.status || !strings.Contains(body, tt.want) || !strings.HasPrefix(h.Get("Content-Type"), tt.ctype) {
			t.Errorf("GET %s: %d %q %.80q, want %d %q containing %q", tt.path, status, h.Get("Content-Type"), body, tt.status, tt.ctype, tt.want)
		}
	}
}

func TestUINotBuilt(t *testing.T) {
	srv := httptest.NewServer(httpapi.New(httpapi.Config{UI: fstest.MapFS{".gitkeep": {}}, Parse: scenario.ParseScenario}).Handler())
	defer srv.Close()
	for _, p := range []string{"/", "/scenarios/x"} {
		status, _, body := get(t, srv, p)
		if status != 200 || !strings.Contains(body, "workbench is not built") || !strings.Contains(body, "make web") {
			t.Errorf("GET %s: %d %.200q, want the not-built page", p, status, body)
		}
	}
}

func TestNoUIWithoutBundle(t *testing.T) {
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Parse: scenario.ParseScenario}).Handler())
	defer srv.Close()
	if status, _, _ := get(t, srv, "/"); status != http.StatusNotFound {
		t.Errorf("GET / without Config.UI: %d, want 404", status)
	}
}

func TestValidate(t *testing.T) {
	e := newEnv(t, envOpts{noWorkers: true})
	good := readFile(t, "small.yaml")
	r := e.do("POST", "/api/v1/validate", good, "Content-Type", "application/yaml")
	var v httpapi.Validation
	r.json(t, &v)
	if r.status != http.StatusOK || !v.Valid || v.Title != "Three parties split a budget" {
		t.Fatalf("valid document: %d %s", r.status, r.body)
	}
	// Nothing was saved.
	if r := e.do("GET", "/api/v1/scenarios", nil); !strings.Contains(string(r.body), `"items":[]`) {
		t.Errorf("validate saved something: %s", r.body)
	}
	// Line 21 holds b's stance: "  - {" is 5 columns, "actor: b, " 10,
	// "issue: budget, " 15, "position: 60, " 14, "salience: " 10, so the
	// value 7 is at column 5+10+15+14+10+1 = 55.
	bad := strings.Replace(string(good), "position: 60, salience: 1,", "position: 60, salience: 7,", 1)
	r = e.do("POST", "/api/v1/validate", bad, "Content-Type", "application/yaml")
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad salience: %d %s", r.status, r.body)
	}
	p := r.problem(t)
	if len(p.Errors) != 1 || p.Errors[0].Line != 21 || p.Errors[0].Col != 55 || !strings.Contains(p.Errors[0].Message, "salience") && !strings.Contains(p.Errors[0].Location, "salience") {
		t.Errorf("errors %+v, want one at 21:55 about the salience", p.Errors)
	}
	// A token is needed where reads need one, and not with --public-read.
	if r := e.call("POST", "/api/v1/validate", good, "", "Content-Type", "application/yaml"); r.status != http.StatusUnauthorized {
		t.Errorf("without a token: %d, want 401", r.status)
	}
	pub := newEnv(t, envOpts{noWorkers: true, publicRead: true})
	if r := pub.call("POST", "/api/v1/validate", good, "", "Content-Type", "application/yaml"); r.status != http.StatusOK {
		t.Errorf("public-read without a token: %d %s, want 200", r.status, r.body)
	}
}
