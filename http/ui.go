package http

import (
	"bytes"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// notBuilt is the page served at / when the binary was compiled without
// the workbench bundle.
const notBuilt = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Parley: workbench not built</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 3em auto; padding: 0 1em">
<h1>The workbench is not built</h1>
<p>This parley binary was compiled without the web workbench. Build it with
<code>make web</code> (or <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>), then rebuild parley.</p>
<p>The API is available under <a href="/api/v1/openapi.json">/api/v1</a>.</p>
</body></html>
`

// uiHandler serves the single-page workbench from ui: files by path, and
// index.html for any other path outside the API (the app routes on the
// client). When ui holds no index.html it serves a page saying the
// workbench is not built.
func (s *Server) uiHandler(ui fs.FS) http.Handler {
	index, err := fs.ReadFile(ui, "index.html")
	built := err == nil
	files := http.FileServerFS(ui)
	start := time.Now()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, Prefix+"/") || r.URL.Path == Prefix || r.URL.Path == "/api" || strings.HasPrefix(r.URL.Path, "/api/") {
			writeProblem(w, &Problem{Type: "about:blank", Title: http.StatusText(http.StatusNotFound),
				Status: http.StatusNotFound, Code: "not_found", Detail: "no such API path: " + r.URL.Path})
			return
		}
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'")
		if !built {
			h.Set("Content-Type", "text/html; charset=utf-8")
			h.Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(notBuilt))
			return
		}
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if name != "" && name != "index.html" {
			if st, err := fs.Stat(ui, name); err == nil && !st.IsDir() {
				if strings.HasPrefix(name, "assets/") {
					// Vite puts a content hash in every asset's name.
					h.Set("Cache-Control", "public, max-age=31536000, immutable")
				}
				files.ServeHTTP(w, r)
				return
			}
		}
		h.Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, "index.html", start, bytes.NewReader(index))
	})
}
