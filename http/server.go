package http

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/store"
)

// Prefix is the path every API route starts with.
const Prefix = "/api/v1"

// Limits and timeouts.
const (
	// MaxBodyBytes bounds request bodies; larger ones get 413.
	MaxBodyBytes = 4 << 20
	// opMaxBodyBytes is huma's limit, which refuses a body that reaches
	// it: one more than ours, so that exactly MaxBodyBytes is read.
	opMaxBodyBytes = MaxBodyBytes + 1
	// MaxHeaderBytes bounds request headers.
	MaxHeaderBytes = 64 << 10
	// ReadHeaderTimeout bounds reading a request's headers (slow clients
	// cannot hold connections open by trickling them).
	ReadHeaderTimeout = 10 * time.Second
	// ReadTimeout bounds reading a whole request, body included.
	ReadTimeout = 60 * time.Second
	// BodyReadTimeout bounds reading a request body (4 MiB at 140 KB/s).
	BodyReadTimeout = 30 * time.Second
	// WriteTimeout bounds writing a response.
	WriteTimeout = 60 * time.Second
	// IdleTimeout closes keep-alive connections left idle.
	IdleTimeout = 2 * time.Minute
	// HandlerTimeout bounds the work done for one request.
	HandlerTimeout = 30 * time.Second
)

// A ParseFunc reads a scenario document (YAML or JSON) named name, as
// package scenario's parser does, returning what it could read and every
// problem with its position. It must do no I/O.
type ParseFunc func(name string, data []byte) (*parley.Scenario, parley.Diagnostics)

// Config configures a Server.
type Config struct {
	Store store.Store
	// Parse reads scenario documents.
	Parse ParseFunc
	// PublicRead lets GET requests through without a token.
	PublicRead bool
	// Logger receives a line per request and internal errors; nil
	// discards them.
	Logger *slog.Logger
	// ReadHeaderTimeout overrides the constant of that name (tests).
	ReadHeaderTimeout time.Duration
	// UI, when set, is the workbench bundle (index.html, assets/…) served
	// at / for GET requests outside the API; without an index.html, / says
	// the workbench is not built. Nil serves nothing outside the API.
	UI fs.FS
}

// Server serves the API.
type Server struct {
	cfg     Config
	log     *slog.Logger
	api     huma.API
	handler http.Handler
	srv     *http.Server
}

// New returns a server on cfg.Store.
func New(cfg Config) *Server {
	s := &Server{cfg: cfg, log: cfg.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	hc := huma.DefaultConfig("Parley API", parley.Version)
	hc.Info.Description = "Share scenarios and run forecasts of multi-party negotiations. " +
		"Every write needs an API token (parley token create) sent as Authorization: Bearer <token>."
	hc.OpenAPIPath = Prefix + "/openapi"
	hc.DocsPath = ""    // the default page loads scripts from a CDN
	hc.SchemasPath = "" // no $schema links in responses
	hc.CreateHooks = nil
	hc.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", Description: "An API token made with parley token create."},
	}
	s.api = humago.New(mux, hc)
	s.api.UseMiddleware(s.authenticate)
	s.registerScenarios()
	s.registerRuns()
	s.registerModels()
	s.registerValidate()
	// Document parley.Value as it is written: a number or a range.
	if m := s.api.OpenAPI().Components.Schemas.Map(); m["Value"] != nil {
		m["Value"] = valueSchema()
	}
	if cfg.UI != nil {
		mux.Handle("GET /", s.uiHandler(cfg.UI))
	}
	s.handler = s.recoverer(s.logRequests(limitBody(problemNotFound(mux))))
	rht := cfg.ReadHeaderTimeout
	if rht == 0 {
		rht = ReadHeaderTimeout
	}
	s.srv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: rht,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	return s
}

// Handler returns the API's handler, with its middleware.
func (s *Server) Handler() http.Handler { return s.handler }

// HTTPServer returns the net/http server Serve runs, with its timeouts.
func (s *Server) HTTPServer() *http.Server { return s.srv }

// Serve accepts connections on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	err := s.srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting connections and waits for requests in flight
// until ctx is done.
func (s *Server) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }

// limitBody caps every request body at MaxBodyBytes, whatever route it
// goes to, and bounds the time spent on the request.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > MaxBodyBytes {
			writeProblem(w, newProblem(http.StatusRequestEntityTooLarge,
				"request body is too large: the limit is 4 MiB").(*Problem))
			return
		}
		// Let huma see one byte past the limit: it refuses a body that
		// reaches its own limit with 413.
		r.Body = http.MaxBytesReader(w, r.Body, opMaxBodyBytes)
		ctx, cancel := context.WithTimeout(r.Context(), HandlerTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// problemNotFound answers requests that match no route (404) or match a
// route's path but not its method (405, with Allow) with problem
// documents, like every other error.
func problemNotFound(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		// Ask the mux's own answer for its status and Allow header.
		rec := &headerRecorder{header: http.Header{}}
		h.ServeHTTP(rec, r)
		p := newProblem(rec.status, "no such endpoint: "+r.Method+" "+r.URL.Path).(*Problem)
		if rec.status == http.StatusMethodNotAllowed {
			p.Detail = r.Method + " is not allowed on " + r.URL.Path
			p.headers = http.Header{"Allow": rec.header.Values("Allow")}
		}
		writeProblem(w, p)
	})
}

// headerRecorder keeps a response's status and headers, dropping its body.
type headerRecorder struct {
	header http.Header
	status int
}

func (r *headerRecorder) Header() http.Header { return r.header }
func (r *headerRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return len(b), nil
}
func (r *headerRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

// writeProblem writes p outside huma (in middleware).
func writeProblem(w http.ResponseWriter, p *Problem) {
	for k, vs := range p.headers {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	b, _ := jsonMarshal(p)
	_, _ = w.Write(b)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		s.log.Info("request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", rec.status), slog.Duration("took", time.Since(start)))
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic serving request", slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
				writeProblem(w, newProblem(http.StatusInternalServerError, "internal error").(*Problem))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// valueSchema describes parley.Value's two spellings.
func valueSchema() *huma.Schema {
	return &huma.Schema{
		Description: "A number, or an uncertain number given as a range {low, mode, high}; mode defaults to the midpoint.",
		OneOf: []*huma.Schema{
			{Type: huma.TypeNumber},
			{
				Type:                 huma.TypeObject,
				AdditionalProperties: false,
				Required:             []string{"low", "high"},
				Properties: map[string]*huma.Schema{
					"low":  {Type: huma.TypeNumber, Description: "Lowest plausible value."},
					"mode": {Type: huma.TypeNumber, Description: "Most likely value."},
					"high": {Type: huma.TypeNumber, Description: "Highest plausible value."},
				},
			},
		},
	}
}
