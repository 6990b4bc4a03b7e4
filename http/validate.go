package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// Validation answers a valid document sent to POST /validate.
type Validation struct {
	Valid    bool            `json:"valid" doc:"Always true: a document with errors gets 422 with every error."`
	Title    string          `json:"title" doc:"The scenario's title."`
	Warnings []ProblemDetail `json:"warnings,omitempty" doc:"Problems that do not prevent runs, with line and column."`
}

type validateInput struct {
	ContentType string `header:"Content-Type" doc:"application/yaml or application/json; sniffed when absent."`
	RawBody     []byte
}

type validateOutput struct {
	Body Validation
}

// registerValidate adds POST /validate: the checks of a save, without
// saving (the workbench's editor calls it as the user types).
func (s *Server) registerValidate() {
	huma.Register(s.api, huma.Operation{
		OperationID: "validate-scenario",
		Method:      http.MethodPost,
		Path:        Prefix + "/validate",
		Summary:     "Check a scenario document without saving it",
		Description: "Runs exactly the checks of POST /scenarios and saves nothing: 200 with the warnings, or 422 with every error, its location, line and column. " +
			"It writes nothing, so it needs a token only where reads do.",
		Tags:             []string{"scenarios"},
		MaxBodyBytes:     opMaxBodyBytes,
		BodyReadTimeout:  BodyReadTimeout,
		Security:         s.secured(false),
		Errors:           []int{http.StatusUnauthorized, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity},
		RequestBody:      s.scenarioRequestBody(),
		SkipValidateBody: true,
	}, func(ctx context.Context, in *validateInput) (*validateOutput, error) {
		ns, warnings, err := s.parse(in.ContentType, in.RawBody)
		if err != nil {
			return nil, err
		}
		return &validateOutput{Body: Validation{Valid: true, Title: ns.Title, Warnings: warnings}}, nil
	})
}
