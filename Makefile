# make web: build the workbench bundle into web/dist (embedded by go build).
.PHONY: web build test

web:
	cd web && npm ci && npm run build

build: web
	go build ./cmd/parley

test:
	go test ./...
