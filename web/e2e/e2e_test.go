// Package e2e drives the workbench in Debian's chromium with chromedp: it
// starts the server in-process on a temporary SQLite database, opens the
// flagship scenario, breaks a salience and sees the error at its line,
// runs eum and sees the trajectory chart, compares two variants, runs the
// analyses, and runs sweeps, checking their shard progress, that their
// results are drawn as the one-job analyses' are, that each sweep option
// the form offers reaches the run, and that a refused option is shown
// beside its field.
// Screenshots are written to artifacts/ (or $PARLEY_E2E_ARTIFACTS).
//
// The tests skip when the bundle is not built (make web) or chromium is
// not installed; set PARLEY_E2E=require to make those failures instead
// (CI does).
package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	httpapi "github.com/parley-forecast/parley/http"
	"github.com/parley-forecast/parley/runner"
	"github.com/parley-forecast/parley/scenario"
	"github.com/parley-forecast/parley/sqlite"
	"github.com/parley-forecast/parley/store"
	"github.com/parley-forecast/parley/web"
)

func skip(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("PARLEY_E2E") == "require" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	skip(t, "chromium is not installed")
	return ""
}

// server starts parley's API and workbench on 127.0.0.1 with a fresh
// database, two workers (which also run sweeps' shards and merges, as
// parley serve's do) and a token; it returns the URL and the token.
func server(t *testing.T) (string, string) {
	t.Helper()
	if !web.Built() {
		skip(t, "the workbench is not built (make web)")
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "parley.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.Work(ctx, store.WorkConfig{Execute: runner.ExecuteRun, ExecuteShard: runner.ExecuteShard, Merge: runner.MergeShards,
		Workers: 2, PollInterval: 20 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	_, secret, err := db.CreateToken(ctx, "e2e")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Store: db, Parse: scenario.ParseScenario, UI: web.Dist()}).Handler())
	t.Cleanup(func() {
		srv.Close()
		db.Close(context.Background())
	})
	return srv.URL, secret
}

// upload saves the flagship scenario through the API and returns its id.
func upload(t *testing.T, url, token string) string {
	t.Helper()
	b, err := os.ReadFile("../../examples/iran-comprehensive-deal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", url+"/api/v1/scenarios", strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/yaml")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %s", res.Status)
	}
	loc := res.Header.Get("Location") // /api/v1/scenarios/ID?version=1
	id := strings.TrimPrefix(loc, "/api/v1/scenarios/")
	id, _, _ = strings.Cut(id, "?")
	return id
}

// source returns the latest saved document of scenario id.
func source(t *testing.T, url, token, id string) string {
	t.Helper()
	var doc struct {
		Source string `json:"source"`
	}
	getJSON(t, url, token, "/scenarios/"+id, &doc)
	return doc.Source
}

// browser starts a headless chromium with a fresh profile, bounded by a
// timeout, at the given window size.
func browser(t *testing.T, w, h int) context.Context {
	t.Helper()
	exe := chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(w, h),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	bctx, bcancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() { bcancel(); acancel(); cancel() })
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(int64(w), int64(h))); err != nil {
		t.Fatal(err)
	}
	return bctx
}

func artifacts(t *testing.T) string {
	dir := os.Getenv("PARLEY_E2E_ARTIFACTS")
	if dir == "" {
		dir = "artifacts"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// screenshot saves the whole page as a PNG, or only the viewport when
// the name starts with "view-".
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	shot := chromedp.FullScreenshot(100) // 100: PNG; less is JPEG
	if strings.HasPrefix(name, "view-") {
		shot = chromedp.CaptureScreenshot()
	}
	png, err := chromedp.Run(ctx, shot)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(artifacts(t), name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", p)
}

// inked counts the non-white pixels of the canvas under sel: a drawn
// chart has thousands, an empty one none.
func inked(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`(() => {
		const c = document.querySelector(%q);
		if (!c) return -1;
		const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
		let n = 0;
		for (let i = 0; i < d.length; i += 4) if (d[i+3] > 0 && (d[i] < 235 || d[i+1] < 235 || d[i+2] < 235)) n++;
		return n;
	})()`, sel)))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// withToken opens the workbench at url and stores the API token where it
// keeps it, as a signed-in user would have it.
func withToken(url, token string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(url + "/"),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`sessionStorage.setItem("parley.token", %q)`, token)),
	}
}

func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	// Each step gets 30 s, leaving time for a screenshot of the failure.
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		screenshot(t, ctx, "failed-"+strings.ReplaceAll(what, " ", "-")+".png")
		body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
		t.Fatalf("%s: %v\npage text:\n%s", what, err, body)
	}
}

// choose sets a select's value as a person would, change event included,
// so that the form shows the analysis's option fields.
// flagshipSession starts a server, uploads the flagship and opens a
// 1280×800 browser signed in with the token: the setup of the tests that
// run analyses.
func flagshipSession(t *testing.T) (url, token, id string, ctx context.Context) {
	t.Helper()
	url, token = server(t)
	id = upload(t, url, token)
	ctx = browser(t, 1280, 800)
	do(t, ctx, "open with the token", withToken(url, token)...)
	return url, token, id, ctx
}

// freshRunPage opens scenario id's run page anew: it leaves for the
// home page first, so that nothing of an earlier run is left on it.
func freshRunPage(url, id string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(url + "/#/"),
		chromedp.WaitNotPresent(chromedp.CSS("#analysis")),
		chromedp.Navigate(url + "/#/s/" + id + "/run"),
		chromedp.WaitVisible(chromedp.CSS("#analysis")),
	}
}

func choose(sel, v string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.value = %q; e.dispatchEvent(new Event("change")); })()`, sel, v))
}

func TestWorkbench(t *testing.T) {
	url, token := server(t)
	id := upload(t, url, token)
	ctx := browser(t, 1280, 800)

	// The token is entered once and kept for the session.
	do(t, ctx, "open and enter the token",
		chromedp.Navigate(url+"/"),
		chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), token),
		chromedp.Click(chromedp.CSS("#token-form button")),
		chromedp.WaitVisible(chromedp.CSS(`a[href="#/s/`+id+`"]`)),
	)
	if s := text(t, ctx, "#token-state"); !strings.Contains(s, "kept") {
		t.Errorf("token state %q", s)
	}
	screenshot(t, ctx, "list.png")

	t.Run("editor", func(t *testing.T) {
		do(t, ctx, "open the flagship scenario",
			chromedp.Click(chromedp.CSS(`a[href="#/s/`+id+`"]`)),
			chromedp.WaitVisible(chromedp.CSS(".editor textarea")),
			chromedp.WaitVisible(chromedp.CSS(".summary.good")),
		)
		// Line 325 of the flagship is the United States' salience on the
		// nuclear issue: "    salience: {low: 0.8, mode: 0.9, high: 0.95}".
		// Make it 1.7; its value starts at column 15.
		const old = "salience: {low: 0.8, mode: 0.9, high: 0.95}"
		do(t, ctx, "break a salience",
			chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
				const ta = document.querySelector(".editor textarea");
				const lines = ta.value.split("\n");
				if (lines[324].trim() !== %q) throw new Error("line 325 is " + lines[324]);
				lines[324] = lines[324].replace(%q, "salience: 1.7");
				ta.value = lines.join("\n");
				ta.dispatchEvent(new Event("input"));
			})()`, old, old)),
			chromedp.WaitVisible(chromedp.CSS(".problems .error button")),
		)
		msg := text(t, ctx, ".problems .error button")
		if !strings.HasPrefix(msg, "325:15 ") || !strings.Contains(msg, "salience") || !strings.Contains(msg, "1.7") {
			t.Errorf("error shown as %q, want it at 325:15 naming the salience and 1.7", msg)
		}
		if s := text(t, ctx, ".summary"); s != "1 error" {
			t.Errorf("summary %q, want 1 error", s)
		}
		// Choosing the error puts the cursor on it, by keyboard alone: in
		// the editor Tab indents, so Escape then Tab moves on to the list;
		// Enter chooses the error.
		do(t, ctx, "jump to the error by keyboard",
			chromedp.Focus(chromedp.CSS(".editor textarea")),
			chromedp.KeyEvent(kb.Escape),
			chromedp.KeyEvent("\t"),
		)
		if f, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.textContent`)); f != msg {
			t.Fatalf("after Escape, Tab the focus is on %q, want the error", f)
		}
		do(t, ctx, "choose the error", chromedp.KeyEvent("\r"))
		at, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const ta = document.querySelector(".editor textarea");
			const before = ta.value.slice(0, ta.selectionStart).split("\n");
			return before.length + ":" + (before[before.length-1].length + 1) + " " + (document.activeElement === ta);
		})()`))
		if err != nil || at != "325:15 true" {
			t.Errorf("cursor at %q (%v), want 325:15 with the editor focused", at, err)
		}
		screenshot(t, ctx, "editor-error.png")

		// A saved fix becomes version 2; the server refuses nothing.
		do(t, ctx, "fix and save",
			chromedp.Evaluate[chromedp.Void](`(() => {
				const ta = document.querySelector(".editor textarea");
				ta.value = ta.value.replace("salience: 1.7", "salience: 0.9");
				ta.dispatchEvent(new Event("input"));
			})()`),
			chromedp.WaitVisible(chromedp.CSS(".summary.good")),
			chromedp.Click(chromedp.CSS(".actions button")),
			chromedp.WaitVisible(chromedp.Search(`//h1/small[text()="v2"]`)),
		)
	})

	t.Run("form", func(t *testing.T) {
		// After the editor's fix, the United States' nuclear salience is
		// the number 0.9 and its position the range {50, 62, 75}.
		sal := `input[aria-label="United States salience on Nuclear terms and sunsets"]`
		mode := `input[aria-label="United States position on Nuclear terms and sunsets mode"]`
		change := func(sel, v string) []chromedp.Action[chromedp.Void] {
			return []chromedp.Action[chromedp.Void]{
				chromedp.SetValue(chromedp.CSS(sel), v),
				chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).dispatchEvent(new Event("change")); undefined`, sel)),
			}
		}
		before := source(t, url, token, id)
		do(t, ctx, "open the form",
			chromedp.Navigate(url+"/#/s/"+id+"/form"),
			chromedp.WaitVisible(chromedp.CSS(sal)),
		)
		do(t, ctx, "break a salience in the form", append(change(sal, "1.5"), chromedp.WaitVisible(chromedp.CSS(".actions .note.bad")))...)
		if s := text(t, ctx, ".actions .note"); !strings.Contains(s, "salience") || !strings.Contains(s, "1.5") {
			t.Errorf("form error %q, want the salience and 1.5 named", s)
		}
		steps := append(change(sal, "0.9"), change(mode, "60")...)
		steps = append(steps,
			chromedp.WaitVisible(chromedp.Search(`//span[contains(@class,"note") and starts-with(text(),"Valid")]`)),
			chromedp.Click(chromedp.CSS(".actions button")),
			chromedp.WaitVisible(chromedp.Search(`//h1/small[text()="v3"]`)),
		)
		do(t, ctx, "save a new position from the form", steps...)
		// The saved document is the previous one with exactly that number
		// changed: comments, folding and spacing stay byte for byte.
		const was, now = "    position: {low: 50, mode: 62, high: 75}\n    salience: 0.9\n", "    position: {low: 50, mode: 60, high: 75}\n    salience: 0.9\n"
		if !strings.Contains(before, was) {
			t.Fatalf("version 2 lacks %q", was)
		}
		if got, want := source(t, url, token, id), strings.Replace(before, was, now, 1); got != want {
			t.Errorf("version 3 is not version 2 with one number changed (%d vs %d bytes)", len(got), len(want))
		}
	})

	t.Run("eum", func(t *testing.T) {
		do(t, ctx, "run eum",
			chromedp.Navigate(url+"/#/s/"+id+"/run"),
			chromedp.WaitVisible(chromedp.CSS("#model")),
			chromedp.SetValue(chromedp.CSS("#model"), "eum"),
			chromedp.Click(chromedp.CSS(`form.controls button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`.chart[data-issue="nuclear"] canvas`)),
			chromedp.WaitVisible(chromedp.CSS("table.forecast")),
		)
		label, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`.chart[data-issue="nuclear"]`), "aria-label"))
		if err != nil || !strings.Contains(label.Value, "positions over rounds") {
			t.Errorf("chart label %q (%v)", label.Value, err)
		}
		if n := inked(t, ctx, `.chart[data-issue="nuclear"] canvas`); n < 2000 {
			t.Errorf("the trajectory chart has %d inked pixels; it looks empty", n)
		}
		if s := text(t, ctx, "table.forecast"); !strings.Contains(s, "Nuclear terms and sunsets") {
			t.Errorf("forecast table %q", s)
		}
		screenshot(t, ctx, "eum.png")
	})

	t.Run("compare", func(t *testing.T) {
		do(t, ctx, "compare base with russia-out",
			chromedp.Navigate(url+"/#/s/"+id+"/compare"),
			chromedp.WaitVisible(chromedp.CSS("#variant-b")),
			chromedp.SetValue(chromedp.CSS("#variant-b"), "russia-out"),
			chromedp.Click(chromedp.CSS(`form.controls button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`.chart[data-variant="base"] canvas`)),
			chromedp.WaitVisible(chromedp.CSS(`.chart[data-variant="russia-out"] canvas`)),
		)
		for _, v := range []string{"base", "russia-out"} {
			if n := inked(t, ctx, `.chart[data-variant="`+v+`"] canvas`); n < 2000 {
				t.Errorf("%s chart has %d inked pixels", v, n)
			}
		}
		// The two panes sit side by side at 1280 px.
		xs, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`[...document.querySelectorAll("#compare .pane")].map(p => p.getBoundingClientRect().x)`))
		if err != nil || len(xs) != 2 || xs[1] <= xs[0]+300 {
			t.Errorf("pane x positions %v (%v), want two side by side", xs, err)
		}
		screenshot(t, ctx, "compare.png")
	})
}

// TestAnalyses runs simulate, compare and leverage from the run page and
// opens the network: each chart must be drawn.
func TestAnalyses(t *testing.T) {
	url, _, id, ctx := flagshipSession(t)
	for _, tt := range []struct{ analysis, chart string }{
		{"simulate", `.chart[data-kind="distribution"][data-issue="nuclear"] canvas`},
		{"simulate", `.chart[data-kind="questions"] canvas`},
		{"compare", `.chart[data-kind="questions"] canvas`},
		{"leverage", `.chart[data-kind="leverage"] canvas`},
	} {
		do(t, ctx, "run "+tt.analysis,
			// Leave the page first, so that no earlier chart is left.
			chromedp.Navigate(url+"/#/"),
			chromedp.WaitNotPresent(chromedp.CSS(".chart")),
			chromedp.Navigate(url+"/#/s/"+id+"/run"),
			chromedp.WaitVisible(chromedp.CSS("#analysis")),
			chromedp.SetValue(chromedp.CSS("#analysis"), tt.analysis),
			chromedp.Click(chromedp.CSS(`form.controls button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(tt.chart)),
		)
		if n := inked(t, ctx, tt.chart); n < 2000 {
			t.Errorf("%s: %s has %d inked pixels", tt.analysis, tt.chart, n)
		}
		screenshot(t, ctx, tt.analysis+".png")
	}
	do(t, ctx, "open the network",
		chromedp.Navigate(url+"/#/s/"+id+"/network"),
		chromedp.WaitVisible(chromedp.CSS("#network-chart canvas")),
	)
	if n := inked(t, ctx, "#network-chart canvas"); n < 2000 {
		t.Errorf("network has %d inked pixels", n)
	}
	screenshot(t, ctx, "network.png")
}

// TestSensitivityStrategy runs sensitivity (Morris, 4 trajectories: about
// 500 model runs; Sobol, 8 base rows: about 1,000) and strategy (the United States, the comprehensive
// agreement) on the flagship from the run page, through their option
// fields, and checks that their result tables are filled.
func TestSensitivityStrategy(t *testing.T) {
	url, _, id, ctx := flagshipSession(t)
	rows := func(sel string) int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
		if err != nil {
			t.Fatalf("count %s: %v", sel, err)
		}
		return n
	}
	open := func(what string) {
		do(t, ctx, "open the run page for "+what, freshRunPage(url, id)...)
	}

	open("sensitivity")
	do(t, ctx, "run sensitivity",
		choose("#analysis", "sensitivity"),
		chromedp.WaitVisible(chromedp.CSS("#sens-method")),
		choose("#sens-method", "morris"),
		chromedp.SetValue(chromedp.CSS("#sens-draws"), "4"),
		chromedp.Click(chromedp.CSS(`form.controls button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`table[data-kind="sensitivity"][data-output="issue:nuclear"] tbody tr`)),
	)
	// One table per issue and per question, each listing ranked inputs
	// with a μ* column.
	if n := rows(`table[data-kind="sensitivity"]`); n < 2 {
		t.Errorf("%d sensitivity tables, want one per output", n)
	}
	if n := rows(`table[data-kind="sensitivity"][data-output="issue:nuclear"] tbody tr`); n < 1 || n > 8 {
		t.Errorf("nuclear sensitivity table has %d rows, want 1 to 8", n)
	}
	if h := text(t, ctx, `table[data-kind="sensitivity"][data-output="issue:nuclear"] thead`); !strings.Contains(h, "μ*") {
		t.Errorf("sensitivity table head %q has no μ* column", h)
	}
	if note := text(t, ctx, "#results .note"); !strings.Contains(note, "4 trajectories") {
		t.Errorf("sensitivity note %q does not say 4 trajectories", note)
	}
	if n := inked(t, ctx, `.chart[data-kind="sensitivity"][data-issue="nuclear"] canvas`); n < 2000 {
		t.Errorf("sensitivity chart has %d inked pixels", n)
	}
	screenshot(t, ctx, "sensitivity.png")

	// Sobol with 8 base rows (8·(k+2) model runs, about a thousand): the
	// tables carry S1 and ST.
	open("sensitivity with sobol")
	do(t, ctx, "run sensitivity with sobol",
		choose("#analysis", "sensitivity"),
		chromedp.WaitVisible(chromedp.CSS("#sens-method")),
		choose("#sens-method", "sobol"),
		chromedp.SetValue(chromedp.CSS("#sens-draws"), "8"),
		chromedp.Click(chromedp.CSS(`form.controls button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`table[data-kind="sensitivity"][data-output="issue:nuclear"] tbody tr`)),
	)
	if h := text(t, ctx, `table[data-kind="sensitivity"][data-output="issue:nuclear"] thead`); !strings.Contains(h, "S1") || !strings.Contains(h, "ST") {
		t.Errorf("sobol table head %q lacks S1 or ST", h)
	}
	if note := text(t, ctx, "#results .note"); !strings.Contains(note, "8 base rows") {
		t.Errorf("sobol note %q does not say 8 base rows", note)
	}

	open("strategy")
	do(t, ctx, "run strategy",
		choose("#analysis", "strategy"),
		chromedp.WaitVisible(chromedp.CSS("#strat-actor")),
		choose("#strat-actor", "us"),
		choose("#strat-question", "comprehensive-agreement"),
		chromedp.Click(chromedp.CSS(`form.controls button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`table[data-kind="strategy-path"] tbody tr`)),
	)
	if n := rows(`table[data-kind="strategy-moves"] tbody tr`); n < 1 {
		t.Errorf("strategy result table has %d rows", n)
	}
	if n := rows(`table[data-kind="strategy-path"] tbody tr`); n < 2 {
		t.Errorf("strategy search path has %d rows, want the base and at least one step", n)
	}
	if first := text(t, ctx, `table[data-kind="strategy-path"] tbody tr td:nth-child(2)`); first != "base" {
		t.Errorf("search path starts with phase %q, want base", first)
	}
	if note := text(t, ctx, "#results .note"); !strings.Contains(note, "comprehensive-agreement") {
		t.Errorf("strategy summary %q does not name the question", note)
	}
	screenshot(t, ctx, "strategy.png")
}

// TestSweep starts sweeps from the run page, simulate (200 draws) and
// Morris sensitivity (4 trajectories), each in 3 shards, and checks that
// the shard count shown while they run only rises and ends at 3 of 3, and
// that each result is drawn exactly as the one-job analysis with the same
// options draws its result: the same charts, pixel for pixel, and the
// same tables. (The server's own tests check that the result documents
// are byte-identical; this checks the workbench draws a sweep's with the
// code that draws the analysis's.)
func TestSweep(t *testing.T) {
	url, _, id, ctx := flagshipSession(t)
	open := func(what string) {
		do(t, ctx, "open the run page for "+what, freshRunPage(url, id)...)
	}
	// drawn describes what #results shows, but for the sweep's own note:
	// each chart's kind, issue, description and a hash of its canvas's
	// pixels, each table's text, and the other notes.
	drawn := func() []string {
		t.Helper()
		d, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
			const hash = (s) => { let h = 2166136261; for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0; return h.toString(16); };
			const out = [];
			for (const el of document.querySelectorAll("#results .chart")) {
				const c = el.querySelector("canvas");
				out.push("chart " + el.dataset.kind + " " + el.dataset.issue + " " + el.getAttribute("aria-label") + " " + (c ? c.width + "x" + c.height + " " + hash(c.toDataURL()) : "no canvas"));
			}
			for (const el of document.querySelectorAll("#results table")) out.push("table " + el.innerText);
			for (const el of document.querySelectorAll("#results .note:not(.sweep)")) out.push("note " + el.textContent);
			return out;
		})()`))
		if err != nil {
			t.Fatalf("read the results: %v", err)
		}
		return d
	}
	// watch records every text #shards shows from now on.
	watch := chromedp.Evaluate[chromedp.Void](`(() => {
		window.shardsSeen = [];
		const el = document.querySelector("#shards");
		new MutationObserver(() => {
			const s = el.hidden ? "" : el.textContent;
			if (s && window.shardsSeen[window.shardsSeen.length - 1] !== s) window.shardsSeen.push(s);
		}).observe(el, { childList: true, characterData: true, subtree: true, attributes: true });
	})()`)
	checkShards := func(what string) {
		t.Helper()
		seen, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.shardsSeen`))
		if err != nil {
			t.Fatalf("%s: read the shard counts: %v", what, err)
		}
		last := -1
		for _, s := range seen {
			var done, k int
			if _, err := fmt.Sscanf(s, "%d of %d shards done", &done, &k); err != nil || k != 3 || done < last || done > 3 {
				t.Errorf("%s: shard counts shown %q: want rising counts of 3 shards", what, seen)
				break
			}
			last = done
		}
		if last != 3 {
			t.Errorf("%s: shard counts shown %q, want them to end at 3 of 3", what, seen)
		}
		if s := text(t, ctx, "#shards"); s != "3 of 3 shards done" {
			t.Errorf("%s: #shards says %q after the run, want 3 of 3 shards done", what, s)
		}
		if s := text(t, ctx, "#results .note.sweep"); !strings.Contains(s, "3 shards") {
			t.Errorf("%s: sweep note %q does not say 3 shards", what, s)
		}
	}
	same := func(what string, one, sweep []string) {
		t.Helper()
		if len(one) == 0 {
			t.Fatalf("%s: nothing drawn", what)
		}
		if strings.Join(one, "\n") != strings.Join(sweep, "\n") {
			t.Errorf("%s: the sweep is drawn differently from the one-job run:\none job:\n%s\nsweep:\n%s", what, strings.Join(one, "\n"), strings.Join(sweep, "\n"))
		}
	}

	// simulate, 200 draws: one job, then a sweep of 3 shards.
	const dist = `.chart[data-kind="distribution"][data-issue="nuclear"] canvas`
	open("simulate")
	do(t, ctx, "run simulate with 200 draws",
		choose("#analysis", "simulate"),
		chromedp.WaitVisible(chromedp.CSS("#sim-draws")),
		chromedp.SetValue(chromedp.CSS("#sim-draws"), "200"),
		chromedp.Click(chromedp.CSS(`form.controls button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(dist)),
	)
	one := drawn()
	open("a simulate sweep")
	do(t, ctx, "run a simulate sweep of 3 shards",
		choose("#analysis", "sweep"),
		chromedp.WaitVisible(chromedp.CSS("#sweep-shards")),
		choose("#sweep-analysis", "simulate"),
		chromedp.WaitVisible(chromedp.CSS("#sim-draws")),
		chromedp.SetValue(chromedp.CSS("#sim-draws"), "200"),
		chromedp.SetValue(chromedp.CSS("#sweep-shards"), "3"),
		watch,
		chromedp.Click(chromedp.CSS(`form.controls button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#results .note.sweep")),
		chromedp.WaitVisible(chromedp.CSS(dist)),
	)
	checkShards("simulate sweep")
	if n := inked(t, ctx, dist); n < 2000 {
		t.Errorf("simulate sweep: the nuclear distribution has %d inked pixels", n)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#results .chart[data-kind="questions"] canvas').length`)); n != 1 {
		t.Errorf("simulate sweep: %d question charts, want 1", n)
	}
	same("simulate sweep", one, drawn())
	screenshot(t, ctx, "sweep-simulate.png")

	// sensitivity, Morris with 4 trajectories (about 500 model runs): one
	// job, then a sweep of 3 shards.
	const table = `table[data-kind="sensitivity"][data-output="issue:nuclear"] tbody tr`
	open("sensitivity")
	do(t, ctx, "run sensitivity",
		choose("#analysis", "sensitivity"),
		chromedp.WaitVisible(chromedp.CSS("#sens-method")),
		choose("#sens-method", "morris"),
		chromedp.SetValue(chromedp.CSS("#sens-draws"), "4"),
		chromedp.Click(chromedp.CSS(`form.controls button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(table)),
	)
	one = drawn()
	open("a sensitivity sweep")
	do(t, ctx, "run a sensitivity sweep of 3 shards",
		choose("#analysis", "sweep"),
		chromedp.WaitVisible(chromedp.CSS("#sweep-shards")),
		choose("#sweep-analysis", "sensitivity"),
		chromedp.WaitVisible(chromedp.CSS("#sens-method")),
		choose("#sens-method", "morris"),
		chromedp.SetValue(chromedp.CSS("#sens-draws"), "4"),
		chromedp.SetValue(chromedp.CSS("#sweep-shards"), "3"),
		watch,
		chromedp.Click(chromedp.CSS(`form.controls button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#results .note.sweep")),
		chromedp.WaitVisible(chromedp.CSS(table)),
	)
	checkShards("sensitivity sweep")
	if h := text(t, ctx, `table[data-kind="sensitivity"][data-output="issue:nuclear"] thead`); !strings.Contains(h, "μ*") {
		t.Errorf("sensitivity sweep: table head %q has no μ* column", h)
	}
	same("sensitivity sweep", one, drawn())
	screenshot(t, ctx, "sweep-sensitivity.png")

	// A refused sweep says which option is wrong: 3 shards for 2 draws.
	open("a refused sweep")
	do(t, ctx, "ask for more shards than draws",
		choose("#analysis", "sweep"),
		chromedp.WaitVisible(chromedp.CSS("#sweep-shards")),
		chromedp.SetValue(chromedp.CSS("#sim-draws"), "2"),
		chromedp.SetValue(chromedp.CSS("#sweep-shards"), "3"),
		chromedp.Click(chromedp.CSS(`form.controls button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#status.error")),
	)
	if s := text(t, ctx, "#status"); !strings.Contains(s, "options.shards") || !strings.Contains(s, "3 shards for 2") {
		t.Errorf("refused sweep: status %q, want the shards option and why", s)
	}
}

// getJSON decodes the API's answer to GET path into v.
func getJSON(t *testing.T, url, token, path string, v any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url+"/api/v1"+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", path, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// storedRun is what the API keeps of a run, and the manifest of a sweep.
type storedRun struct {
	ID       string `json:"id"`
	Analysis string `json:"analysis"`
	Status   string `json:"status"`
	Request  struct {
		Options map[string]any `json:"options"`
	} `json:"request"`
	Result struct {
		Levels  int    `json:"levels"`
		Sampler string `json:"sampler"`
		Issues  []struct {
			ID        string `json:"id"`
			Histogram struct {
				Counts []uint64 `json:"counts"`
			} `json:"histogram"`
		} `json:"issues"`
	} `json:"result"`
	Manifest struct {
		Bins        int `json:"bins"`
		Sensitivity *struct {
			Method    string `json:"method"`
			Levels    int    `json:"levels"`
			Sampler   string `json:"sampler"`
			Resamples int    `json:"resamples"`
		} `json:"sensitivity"`
	}
}

// runs counts the runs the server holds (at most 200).
func runs(t *testing.T, url, token string) int {
	t.Helper()
	var list struct {
		Items []struct{} `json:"items"`
	}
	getJSON(t, url, token, "/runs?limit=200", &list)
	return len(list.Items)
}

// latestRun is the newest run with its result, and its manifest.
func latestRun(t *testing.T, url, token string) storedRun {
	t.Helper()
	var list struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	getJSON(t, url, token, "/runs?limit=1", &list)
	if len(list.Items) != 1 {
		t.Fatalf("no run stored")
	}
	var r storedRun
	getJSON(t, url, token, "/runs/"+list.Items[0].ID, &r)
	getJSON(t, url, token, "/runs/"+list.Items[0].ID+"/manifest", &r.Manifest)
	return r
}

// TestSweepOptions sets each sweep option the run page offers besides
// draws and shards to a value other than the API's default and checks
// that the stored run asked for it and computed with it (its options, its
// manifest, its result); that each field is shown only for the analysis
// and method that take it, filled with the API's default; and that a value
// the API refuses (422) is reported beside its field, with no run queued.
func TestSweepOptions(t *testing.T) {
	url, token, id, ctx := flagshipSession(t)
	const submit = `form.controls button[type="submit"]`
	// sweep opens the run page and chooses a sweep of inner (simulate or
	// sensitivity, with method) in 2 shards.
	sweep := func(what, inner, method string) {
		t.Helper()
		steps := append(freshRunPage(url, id),
			choose("#analysis", "sweep"),
			chromedp.WaitVisible(chromedp.CSS("#sweep-shards")),
			choose("#sweep-analysis", inner),
			chromedp.SetValue(chromedp.CSS("#sweep-shards"), "2"),
		)
		if inner == "simulate" {
			steps = append(steps, chromedp.SetValue(chromedp.CSS("#sim-draws"), "200"))
		} else {
			steps = append(steps, choose("#sens-method", method), chromedp.SetValue(chromedp.CSS("#sens-draws"), map[string]string{"morris": "4", "sobol": "8"}[method]))
		}
		do(t, ctx, what, steps...)
	}
	// shown lists which of the new fields are shown, with their values.
	shown := func() string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`["#sim-bins", "#sens-levels", "#sens-sampler", "#sens-resamples"]
			.map((sel) => { const e = document.querySelector(sel); return e && !e.closest("[hidden]") ? sel + "=" + e.value : ""; })
			.filter(Boolean).join(" ")`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}

	// Each field is shown where it applies, with the API's default.
	for _, c := range []struct{ inner, method, want string }{
		{"simulate", "", "#sim-bins=20"},
		{"sensitivity", "morris", "#sens-levels=4"},
		{"sensitivity", "sobol", "#sens-sampler=sobol #sens-resamples=100"},
	} {
		sweep("open a "+c.inner+" "+c.method+" sweep", c.inner, c.method)
		if got := shown(); got != c.want {
			t.Errorf("%s %s sweep: fields shown %q, want %q", c.inner, c.method, got, c.want)
		}
	}

	// A simulate sweep with 50 bins: asked for, planned and computed.
	sweep("a simulate sweep with 50 bins", "simulate", "")
	do(t, ctx, "run it",
		chromedp.SetValue(chromedp.CSS("#sim-bins"), "50"),
		chromedp.Click(chromedp.CSS(submit)),
		chromedp.WaitVisible(chromedp.CSS(`#results .chart[data-kind="distribution"][data-issue="nuclear"] canvas`)),
	)
	r := latestRun(t, url, token)
	if r.Analysis != "sweep" || r.Status != "done" || r.Request.Options["bins"] != 50.0 || r.Manifest.Bins != 50 || len(r.Result.Issues) == 0 {
		t.Errorf("simulate sweep: %s %s, options %v, manifest bins %d, %d issues; want a done sweep of 50 bins",
			r.Analysis, r.Status, r.Request.Options, r.Manifest.Bins, len(r.Result.Issues))
	}
	for _, is := range r.Result.Issues {
		if len(is.Histogram.Counts) != 50 {
			t.Errorf("simulate sweep: issue %s has %d histogram bins, want 50", is.ID, len(is.Histogram.Counts))
		}
	}

	// A Morris sweep on 6 levels: no Sobol options sent.
	const table = `table[data-kind="sensitivity"][data-output="issue:nuclear"] tbody tr`
	sweep("a Morris sweep on 6 levels", "sensitivity", "morris")
	do(t, ctx, "run it",
		chromedp.SetValue(chromedp.CSS("#sens-levels"), "6"),
		chromedp.Click(chromedp.CSS(submit)),
		chromedp.WaitVisible(chromedp.CSS(table)),
	)
	r = latestRun(t, url, token)
	o := r.Request.Options
	if ms := r.Manifest.Sensitivity; r.Status != "done" || o["levels"] != 6.0 || o["sampler"] != nil || o["resamples"] != nil ||
		ms == nil || ms.Method != "morris" || ms.Levels != 6 || r.Result.Levels != 6 {
		t.Errorf("Morris sweep: %s, options %v, manifest %+v, result levels %d; want levels 6 and no Sobol options", r.Status, o, ms, r.Result.Levels)
	}
	if s := text(t, ctx, "#results .note:not(.sweep)"); !strings.Contains(s, "on 6 levels") {
		t.Errorf("Morris sweep: note %q does not say 6 levels", s)
	}

	// A Sobol sweep with the random sampler and 50 resamples: no levels.
	sweep("a Sobol sweep, random sampler, 50 resamples", "sensitivity", "sobol")
	do(t, ctx, "run it",
		choose("#sens-sampler", "random"),
		chromedp.SetValue(chromedp.CSS("#sens-resamples"), "50"),
		chromedp.Click(chromedp.CSS(submit)),
		chromedp.WaitVisible(chromedp.CSS(table)),
	)
	r = latestRun(t, url, token)
	o = r.Request.Options
	if ms := r.Manifest.Sensitivity; r.Status != "done" || o["sampler"] != "random" || o["resamples"] != 50.0 || o["levels"] != nil ||
		ms == nil || ms.Method != "sobol" || ms.Sampler != "random" || ms.Resamples != 50 || r.Result.Sampler != "random" {
		t.Errorf("Sobol sweep: %s, options %v, manifest %+v, result sampler %q; want random and 50 resamples, no levels", r.Status, o, ms, r.Result.Sampler)
	}
	if s := text(t, ctx, "#results .note:not(.sweep)"); !strings.Contains(s, "random sampler") {
		t.Errorf("Sobol sweep: note %q does not name the random sampler", s)
	}
	screenshot(t, ctx, "sweep-options.png")

	// Values the API refuses: each 422 is shown beside its field (and in
	// the status line), the field is marked invalid, and nothing is
	// queued. The sampler is a select offering only valid values, so the
	// test adds one the API does not know.
	before := runs(t, url, token)
	for _, c := range []struct {
		inner, method, field string
		set                  chromedp.Action[chromedp.Void]
		words                string
	}{
		{"simulate", "", "#sim-bins", chromedp.SetValue(chromedp.CSS("#sim-bins"), "7"), "bins must divide 10000"},
		{"sensitivity", "morris", "#sens-levels", chromedp.SetValue(chromedp.CSS("#sens-levels"), "3"), "levels must be an even number of at least 2, got 3"},
		{"sensitivity", "sobol", "#sens-resamples", chromedp.SetValue(chromedp.CSS("#sens-resamples"), "-1"), "resamples must be between 0 (the default, 100) and 10000, got -1"},
		{"sensitivity", "sobol", "#sens-sampler", chromedp.Evaluate[chromedp.Void](`(() => { const e = document.querySelector("#sens-sampler"); e.add(new Option("halton", "halton")); e.value = "halton"; })()`),
			`sampler must be sobol or random, got "halton"`},
	} {
		sweep("open a sweep to refuse "+c.field, c.inner, c.method)
		do(t, ctx, "submit a bad "+c.field,
			c.set,
			chromedp.Click(chromedp.CSS(submit)),
			chromedp.WaitVisible(chromedp.CSS(c.field+"-error")),
		)
		if s := text(t, ctx, c.field+"-error"); !strings.Contains(s, c.words) {
			t.Errorf("%s: the note beside it says %q, want %q", c.field, s, c.words)
		}
		name := "options." + strings.TrimPrefix(strings.TrimPrefix(c.field, "#sim-"), "#sens-")
		if s := text(t, ctx, "#status"); !strings.Contains(s, name) || !strings.Contains(s, c.words) {
			t.Errorf("%s: status %q, want %s and why", c.field, s, name)
		}
		state, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(() => {
			const e = document.querySelector(%q);
			const others = [...document.querySelectorAll(".field-error")].filter((x) => !x.hidden && x.id !== %q).length;
			return e.getAttribute("aria-invalid") + " " + e.getAttribute("aria-describedby") + " " + (document.activeElement === e) + " " + others;
		})()`, c.field, strings.TrimPrefix(c.field, "#")+"-error")))
		if want := "true " + strings.TrimPrefix(c.field, "#") + "-error true 0"; err != nil || state != want {
			t.Errorf("%s: aria-invalid, aria-describedby, focused, other notes shown = %q (%v), want %q", c.field, state, err, want)
		}
		if c.field == "#sim-bins" {
			screenshot(t, ctx, "sweep-field-error.png")
		}
	}
	if n := runs(t, url, token); n != before {
		t.Errorf("%d runs queued by refused requests", n-before)
	}

	// The form's own check is shown beside the field too: bins of 2.5.
	sweep("open a sweep for a fractional bins", "simulate", "")
	do(t, ctx, "submit 2.5 bins",
		chromedp.SetValue(chromedp.CSS("#sim-bins"), "2.5"),
		chromedp.Click(chromedp.CSS(submit)),
		chromedp.WaitVisible(chromedp.CSS("#sim-bins-error")),
	)
	if s := text(t, ctx, "#sim-bins-error"); s != "Bins must be a whole number." {
		t.Errorf("bins 2.5: the note beside it says %q", s)
	}
	if n := runs(t, url, token); n != before {
		t.Errorf("bins 2.5 queued a run")
	}
}

// TestPhoneWidth checks the form and the run page (with a sweep's fields,
// and with an error beside one) at phone width: the page does not scroll
// sideways.
func TestPhoneWidth(t *testing.T) {
	url, token := server(t)
	id := upload(t, url, token)
	ctx := browser(t, 390, 844)
	do(t, ctx, "open at phone width", append(withToken(url, token),
		chromedp.Navigate(url+"/#/s/"+id+"/form"),
		chromedp.WaitVisible(chromedp.CSS(".stance blockquote")),
	)...)
	over, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth - window.innerWidth`))
	if err != nil || over > 1 {
		t.Errorf("page is %v px wider than the phone (%v)", over, err)
	}
	// Evidence is shown beside its stance, with the source's title.
	if s := text(t, ctx, ".stance blockquote footer"); !strings.Contains(s, "Can Russia Help Biden") {
		t.Errorf("evidence footer %q, want the source title", s)
	}
	screenshot(t, ctx, "view-phone-form.png")

	// The run page with a sweep's fields shown wraps them too.
	do(t, ctx, "open the run page at phone width",
		chromedp.Navigate(url+"/#/s/"+id+"/run"),
		chromedp.WaitVisible(chromedp.CSS("#analysis")),
		choose("#analysis", "sweep"),
		chromedp.WaitVisible(chromedp.CSS("#sweep-shards")),
	)
	over, err = chromedp.Run(ctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth - window.innerWidth`))
	if err != nil || over > 1 {
		t.Errorf("the run page with a sweep's fields is %v px wider than the phone (%v)", over, err)
	}
	screenshot(t, ctx, "view-phone-sweep.png")
	// A refusal shown beside its field wraps too.
	do(t, ctx, "refuse 7 bins at phone width",
		chromedp.SetValue(chromedp.CSS("#sim-bins"), "7"),
		chromedp.Click(chromedp.CSS(`form.controls button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#sim-bins-error")),
	)
	over, err = chromedp.Run(ctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth - window.innerWidth`))
	if err != nil || over > 1 {
		t.Errorf("the run page with a field's error is %v px wider than the phone (%v)", over, err)
	}
}
