package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/internal/refdata"
)

// readScenario decodes a draft strictly as a parley.Scenario (JSON, or
// YAML converted to JSON) and checks it the way parley validate does:
// Validate, then every quote against its source's text.
func checkDraft(t *testing.T, path string) *parley.Scenario {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".yaml") {
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if data, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var sc parley.Scenario
	if err := dec.Decode(&sc); err != nil {
		t.Fatalf("%s is not a strict scenario: %v", path, err)
	}
	if errs := sc.Validate().Errors(); len(errs) > 0 {
		t.Fatalf("%s does not validate:\n%v", path, errs)
	}
	texts := map[string]string{}
	for _, s := range sc.Sources {
		if s.Path == "" {
			t.Fatalf("source %s has no path to check quotes against", s.ID)
		}
		b, err := os.ReadFile(filepath.Join(filepath.Dir(path), filepath.FromSlash(s.Path)))
		if err != nil {
			t.Fatal(err)
		}
		texts[s.ID] = string(b)
	}
	if ds := parley.CheckQuotes(&sc, texts); len(ds) > 0 {
		t.Fatalf("%s: quotes do not check:\n%v", path, ds)
	}
	return &sc
}

func TestExtractFlagshipArticle(t *testing.T) {
	article := refdata.Path(t, "sources/russia-iran-comprehensive-agreement.txt")
	dir := t.TempDir()
	for _, format := range []string{"yaml", "json"} {
		out := filepath.Join(dir, "draft."+format)
		var stdout, stderr bytes.Buffer
		if code := Main([]string{"extract", article, "--out", out}, &stdout, &stderr); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		sc := checkDraft(t, out)
		if len(sc.Stances) == 0 || !strings.Contains(stdout.String(), "proposals to review") {
			t.Errorf("no stances or no summary: %s", stdout.String())
		}
		props, err := os.ReadFile(filepath.Join(dir, "draft.proposals."+format))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(props, []byte("confirmed")) || !bytes.Contains(props, []byte("refused to blame")) {
			t.Errorf("proposals file lacks the expected content:\n%s", props)
		}
	}
}

func TestExtractHTMLWithAliases(t *testing.T) {
	dir := t.TempDir()
	page := `<html><head><title>Talks</title></head><body><nav>Home | World</nav><article>
<h1>Grain talks resume</h1>
<p>Ankara has backed the grain corridor proposal, officials said on Monday, and the Kremlin has rejected any new sanctions on its exports.</p>
<p>The Wagner Group attacked Ukrainian positions near the river, the ministry said.</p>
</article><footer>Check Also: Moscow condemned everything</footer></body></html>`
	aliases := "actor wagner non-state-armed-group Wagner Group\n  name Wagner, the Wagner Group\nissue grain Grain corridor\n  term grain corridor\n"
	must(t, os.WriteFile(filepath.Join(dir, "page.html"), []byte(page), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "aliases.txt"), []byte(aliases), 0o644))
	out := filepath.Join(dir, "out", "draft.yaml")
	must(t, os.MkdirAll(filepath.Dir(out), 0o755))
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"extract", filepath.Join(dir, "page.html"), "--aliases", filepath.Join(dir, "aliases.txt"), "--out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	sc := checkDraft(t, out)
	got := map[string]bool{}
	for _, st := range sc.Stances {
		got[st.Actor+"/"+st.Issue] = true
	}
	if !got["turkey/grain"] || !got["russia/sanctions"] {
		t.Errorf("stances %v, want turkey/grain and russia/sanctions", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "draft.page.txt")); err != nil {
		t.Errorf("extracted text not written: %v", err)
	}
}

func TestExtractErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	must(t, os.WriteFile(bad, []byte("caf\xe9"), 0o644))
	nothing := filepath.Join(dir, "nothing.txt")
	must(t, os.WriteFile(nothing, []byte("The weather was mild on Tuesday."), 0o644))
	badAliases := filepath.Join(dir, "aliases.txt")
	must(t, os.WriteFile(badAliases, []byte("actor x\n"), 0o644))
	out := filepath.Join(dir, "d.yaml")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"extract", nothing}, 2, "needs --out"},
		{[]string{"extract", nothing, "--out", out, "--format", "toml"}, 2, "unknown format"},
		{[]string{"extract", bad, "--out", out}, 1, "bad.txt:1: not UTF-8 text"},
		{[]string{"extract", filepath.Join(dir, "missing.txt"), "--out", out}, 2, "missing.txt"},
		{[]string{"extract", nothing, "--out", out}, 1, "found no stance"},
		{[]string{"extract", nothing, "--aliases", badAliases, "--out", out}, 1, "aliases.txt:1:1: want \"actor ID KIND NAME\""},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := Main(c.args, &stdout, &stderr)
		if code != c.code || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d with %q", c.args, code, stderr.String(), c.code, c.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a failed extract left %s behind", out)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
