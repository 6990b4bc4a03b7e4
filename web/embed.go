// Package web holds the workbench: a single-page application built with
// Vite, TypeScript and Apache ECharts from web/src into web/dist, and
// embedded into the parley binary.
//
// The bundle is built by `make web` (or `cd web && npm ci && npm run
// build`) and by CI; it is not committed. Without it, dist/ holds only
// .gitkeep, the Go build still works, and Built reports false, so the
// server answers / with a page saying the workbench is not built.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built bundle, rooted at dist/ (index.html, assets/…).
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // "dist" is a valid path; cannot happen
	}
	return sub
}

// Built reports whether the bundle was built before compiling: whether
// dist/index.html is embedded.
func Built() bool {
	_, err := fs.Stat(dist, "dist/index.html")
	return err == nil
}
