package http

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/runner"
)

// Problem is an RFC 9457 problem document, the body of every error
// response.
type Problem struct {
	Type   string `json:"type,omitempty" doc:"A URI identifying the kind of problem; about:blank when the status says it all."`
	Title  string `json:"title" doc:"Short summary of the kind of problem (the status text)."`
	Status int    `json:"status" doc:"HTTP status code."`
	Detail string `json:"detail,omitempty" doc:"What went wrong this time, for people."`
	// Code is Parley's error code.
	Code   string          `json:"code,omitempty" doc:"Parley's error code: invalid, not_found, conflict, unauthorized, too_large, internal, unavailable." enum:"invalid,not_found,not_allowed,conflict,unauthorized,too_large,unsupported,internal,unavailable,canceled"`
	Errors []ProblemDetail `json:"errors,omitempty" doc:"Every problem found in the request, each with its location."`

	headers http.Header
}

// ProblemDetail is one problem in a request.
type ProblemDetail struct {
	Message  string `json:"message" doc:"What is wrong and what was expected."`
	Location string `json:"location,omitempty" doc:"Where: body, body.stances[3].salience, query.limit, path.id."`
	Line     int    `json:"line,omitempty" doc:"Line of the request body (scenario documents)."`
	Col      int    `json:"col,omitempty" doc:"Column of the request body (scenario documents)."`
	Value    any    `json:"value,omitempty" doc:"The offending value, when it helps."`
}

// Error implements error.
func (p *Problem) Error() string { return p.Detail }

// GetStatus implements huma.StatusError.
func (p *Problem) GetStatus() int { return p.Status }

// GetHeaders implements huma.HeadersError.
func (p *Problem) GetHeaders() http.Header { return p.headers }

// ContentType implements huma.ContentTypeFilter: problems are sent as
// application/problem+json.
func (p *Problem) ContentType(ct string) string {
	if ct == "application/json" {
		return "application/problem+json"
	}
	return ct
}

var codeOfStatus = map[int]string{
	http.StatusBadRequest:            parley.EINVALID,
	http.StatusUnprocessableEntity:   parley.EINVALID,
	http.StatusNotFound:              parley.ENOTFOUND,
	http.StatusMethodNotAllowed:      "not_allowed",
	http.StatusConflict:              parley.ECONFLICT,
	http.StatusUnauthorized:          parley.EUNAUTHORIZED,
	http.StatusRequestEntityTooLarge: "too_large",
	http.StatusUnsupportedMediaType:  "unsupported",
	http.StatusInternalServerError:   parley.EINTERNAL,
	http.StatusServiceUnavailable:    parley.EUNAVAILABLE,
}

// newProblem is huma's error constructor: huma's own errors (bad
// parameters, bodies too large) come out in the same shape as ours.
func newProblem(status int, msg string, errs ...error) huma.StatusError {
	p := &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: msg, Code: codeOfStatus[status]}
	for _, err := range errs {
		if err == nil {
			continue
		}
		var hd huma.ErrorDetailer
		if errors.As(err, &hd) {
			d := hd.ErrorDetail()
			p.Errors = append(p.Errors, ProblemDetail{Message: d.Message, Location: d.Location, Value: d.Value})
		} else {
			p.Errors = append(p.Errors, ProblemDetail{Message: err.Error()})
		}
	}
	return p
}

func init() {
	// huma builds its own errors through this variable; there is one API
	// per process, so setting it once here is enough.
	huma.NewError = newProblem
}

// statusOf maps Parley's error codes to HTTP statuses.
var statusOf = map[string]int{
	parley.EINVALID:      http.StatusUnprocessableEntity,
	parley.ENOTFOUND:     http.StatusNotFound,
	parley.ECONFLICT:     http.StatusConflict,
	parley.EUNAUTHORIZED: http.StatusUnauthorized,
	parley.EUNAVAILABLE:  http.StatusServiceUnavailable,
	parley.ECANCELED:     http.StatusServiceUnavailable,
	parley.EINTERNAL:     http.StatusInternalServerError,
}

// problem turns an error from the store or the runner into a Problem,
// logging and hiding internal errors.
func (s *Server) problem(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	code := parley.ErrorCode(err)
	status := statusOf[code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	out := &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Code: code, Detail: parley.ErrorMessage(err)}
	var fe *runner.FieldError
	if errors.As(err, &fe) {
		out.Detail = "the run request is not valid"
		out.Errors = []ProblemDetail{{Message: fe.Err.Message, Location: "body." + fe.Field}}
	}
	if status == http.StatusInternalServerError {
		s.log.Error("internal error", slog.String("error", err.Error()))
		out.Detail = "internal error"
	}
	if status == http.StatusUnauthorized {
		out.headers = http.Header{"Www-Authenticate": {`Bearer realm="parley"`}}
	}
	return out
}

// diagnosticsProblem is the 422 answer to a scenario with errors: every
// error with its line, column and location.
func diagnosticsProblem(ds parley.Diagnostics) *Problem {
	errs := ds.Errors()
	p := &Problem{Type: "about:blank", Title: http.StatusText(http.StatusUnprocessableEntity), Status: http.StatusUnprocessableEntity,
		Code: parley.EINVALID, Detail: fmt.Sprintf("the scenario has %d error(s)", len(errs))}
	for _, d := range errs {
		p.Errors = append(p.Errors, detailOf(d))
	}
	return p
}

func detailOf(d parley.Diagnostic) ProblemDetail {
	loc := "body"
	if d.Path != "" {
		loc += "." + d.Path
	}
	return ProblemDetail{Message: d.Message, Location: loc, Line: d.Pos.Line, Col: d.Pos.Col}
}
