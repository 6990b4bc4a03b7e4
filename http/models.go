package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/models"
	"github.com/parley-forecast/parley/runner"
)

// ModelList lists the models. It is short and never paginated.
type ModelList struct {
	Items []parley.ModelInfo `json:"items" nullable:"false"`
}

// AnalysisList lists the kinds of run.
type AnalysisList struct {
	Items []runner.Kind `json:"items" nullable:"false"`
}

func (s *Server) registerModels() {
	huma.Register(s.api, huma.Operation{
		OperationID: "list-models",
		Method:      http.MethodGet,
		Path:        Prefix + "/models",
		Summary:     "List the models",
		Description: "Every model with its reference and options, as parley models --format json prints them.",
		Tags:        []string{"models"},
		Security:    s.secured(false),
		Errors:      []int{http.StatusUnauthorized},
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body ModelList }, error) {
		out := &struct{ Body ModelList }{}
		for _, m := range models.All() {
			out.Body.Items = append(out.Body.Items, m.Info())
		}
		return out, nil
	})
	huma.Register(s.api, huma.Operation{
		OperationID: "list-analyses",
		Method:      http.MethodGet,
		Path:        Prefix + "/analyses",
		Summary:     "List the kinds of run",
		Description: "The values POST /runs accepts as analysis.",
		Tags:        []string{"models"},
		Security:    s.secured(false),
		Errors:      []int{http.StatusUnauthorized},
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body AnalysisList }, error) {
		return &struct{ Body AnalysisList }{Body: AnalysisList{Items: runner.Kinds()}}, nil
	})
}
