package http

import (
	"context"
	"encoding/json"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/store"
)

// ScenarioInfo describes one version of a scenario.
type ScenarioInfo struct {
	ID        string    `json:"id" doc:"Scenario id."`
	Version   int       `json:"version" doc:"This version's number (1 for the first save)."`
	Latest    int       `json:"latest" doc:"The scenario's newest version."`
	Title     string    `json:"title" doc:"The scenario's title in this version."`
	Author    string    `json:"author" doc:"Name of the token that saved this version."`
	CreatedAt time.Time `json:"created_at" doc:"When the scenario was first saved."`
	SavedAt   time.Time `json:"saved_at" doc:"When this version was saved."`
	Format    string    `json:"format" enum:"yaml,json" doc:"How the document was written."`
}

func infoOf(s *store.Scenario) ScenarioInfo {
	return ScenarioInfo{ID: s.ID, Version: s.Version, Latest: s.Latest, Title: s.Title, Author: s.Author,
		CreatedAt: s.CreatedAt, SavedAt: s.SavedAt, Format: s.Format}
}

// SavedScenario answers a save.
type SavedScenario struct {
	ScenarioInfo
	Warnings []ProblemDetail `json:"warnings,omitempty" doc:"Problems that do not prevent runs (a stance without evidence, say)."`
}

// ScenarioDocument is one version with its content.
type ScenarioDocument struct {
	ScenarioInfo
	Scenario json.RawMessage `json:"scenario" doc:"The scenario as parsed, in the JSON form of the scenario format."`
	Source   string          `json:"source" doc:"The document exactly as it was submitted (YAML comments included)."`
}

// ScenarioList is one page of scenarios.
type ScenarioList struct {
	Items []ScenarioInfo `json:"items" nullable:"false"`
	Next  string         `json:"next,omitempty" doc:"Cursor of the next page; absent on the last page."`
}

// PageParams are the pagination parameters of list operations.
type PageParams struct {
	Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"50" doc:"Most items to return."`
	Cursor string `query:"cursor" maxLength:"64" doc:"The next value of the previous page."`
}

func (p PageParams) page() store.Page { return store.Page{Limit: p.Limit, Cursor: p.Cursor} }

type createScenarioInput struct {
	ContentType string `header:"Content-Type" doc:"application/yaml or application/json; sniffed when absent."`
	RawBody     []byte
}

type updateScenarioInput struct {
	ID          string `path:"id" maxLength:"64" doc:"Scenario id."`
	ContentType string `header:"Content-Type" doc:"application/yaml or application/json; sniffed when absent."`
	RawBody     []byte
}

type savedOutput struct {
	Location string `header:"Location" doc:"URL of the saved version."`
	Body     SavedScenario
}

type idInput struct {
	ID string `path:"id" maxLength:"64" doc:"Scenario id."`
}

type getScenarioInput struct {
	ID      string `path:"id" maxLength:"64" doc:"Scenario id."`
	Version int    `query:"version" minimum:"0" doc:"Version to return; the latest when absent or 0."`
}

type listInput struct {
	PageParams
}

type versionsInput struct {
	ID string `path:"id" maxLength:"64" doc:"Scenario id."`
	PageParams
}

type documentOutput struct {
	Body ScenarioDocument
}

type listOutput struct {
	Body ScenarioList
}

// formatOf tells YAML from JSON by the Content-Type, sniffing when it is
// absent or text/plain.
func formatOf(contentType string, body []byte) (string, error) {
	mt := ""
	if contentType != "" {
		var err error
		mt, _, err = mime.ParseMediaType(contentType)
		if err != nil {
			return "", &Problem{Type: "about:blank", Title: http.StatusText(http.StatusUnsupportedMediaType),
				Status: http.StatusUnsupportedMediaType, Code: "unsupported", Detail: "unreadable Content-Type " + contentType}
		}
	}
	switch mt {
	case "application/json":
		return "json", nil
	case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml":
		return "yaml", nil
	case "", "text/plain", "application/octet-stream":
		if t := strings.TrimLeft(string(body[:min(len(body), 512)]), " \t\r\n\ufeff"); strings.HasPrefix(t, "{") {
			return "json", nil
		}
		return "yaml", nil
	}
	return "", &Problem{Type: "about:blank", Title: http.StatusText(http.StatusUnsupportedMediaType),
		Status: http.StatusUnsupportedMediaType, Code: "unsupported",
		Detail: "a scenario is sent as application/yaml or application/json, not " + mt}
}

// parse reads and checks a submitted document. It returns the scenario to
// save and its warnings, or a 422 Problem with every error.
func (s *Server) parse(contentType string, raw []byte) (*store.NewScenario, []ProblemDetail, error) {
	// huma reuses the body's buffer after the handler returns.
	body := append([]byte(nil), raw...)
	format, err := formatOf(contentType, body)
	if err != nil {
		return nil, nil, err
	}
	sc, ds := s.cfg.Parse("scenario."+format, body)
	if ds.Err() != nil || sc == nil {
		if len(ds.Errors()) == 0 {
			ds = append(ds, parley.Diagnostic{Message: "the document holds no scenario", Severity: parley.SevError})
		}
		return nil, nil, diagnosticsProblem(ds)
	}
	canonical, err := json.Marshal(sc)
	if err != nil {
		return nil, nil, err
	}
	var warnings []ProblemDetail
	for _, d := range ds.Warnings() {
		warnings = append(warnings, detailOf(d))
	}
	return &store.NewScenario{Title: sc.Title, Format: format, Source: body, Canonical: canonical}, warnings, nil
}

var scenarioBodyDoc = &huma.RequestBody{
	Description: "A scenario document in YAML or JSON (see docs/scenario-format.md).",
	Required:    true,
}

func (s *Server) scenarioRequestBody() *huma.RequestBody {
	schema := s.api.OpenAPI().Components.Schemas.Schema(reflectScenario, true, "Scenario")
	rb := *scenarioBodyDoc
	rb.Content = map[string]*huma.MediaType{
		"application/yaml": {Schema: schema},
		"application/json": {Schema: schema},
	}
	return &rb
}

func (s *Server) registerScenarios() {
	write := []int{http.StatusUnauthorized, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}
	huma.Register(s.api, huma.Operation{
		OperationID:     "create-scenario",
		Method:          http.MethodPost,
		Path:            Prefix + "/scenarios",
		Summary:         "Save a new scenario",
		Description:     "Saves version 1 of a new scenario. The document is checked first; a document with errors is refused with 422 and every error with its location, line and column.",
		Tags:            []string{"scenarios"},
		DefaultStatus:   http.StatusCreated,
		MaxBodyBytes:    opMaxBodyBytes,
		BodyReadTimeout: BodyReadTimeout,
		Security:        s.secured(true),
		Errors:          write,
		RequestBody:     s.scenarioRequestBody(),
		// The document is read by Parse, which reports positions; huma
		// only documents it.
		SkipValidateBody: true,
	}, func(ctx context.Context, in *createScenarioInput) (*savedOutput, error) {
		ns, warnings, err := s.parse(in.ContentType, in.RawBody)
		if err != nil {
			return nil, err
		}
		ns.Author = author(ctx)
		sc, err := s.cfg.Store.CreateScenario(ctx, ns)
		if err != nil {
			return nil, s.problem(err)
		}
		return &savedOutput{Location: versionURL(sc), Body: SavedScenario{ScenarioInfo: infoOf(sc), Warnings: warnings}}, nil
	})

	huma.Register(s.api, huma.Operation{
		OperationID:      "update-scenario",
		Method:           http.MethodPut,
		Path:             Prefix + "/scenarios/{id}",
		Summary:          "Save a new version of a scenario",
		Description:      "Saves the document as the scenario's next version; earlier versions stay as they were.",
		Tags:             []string{"scenarios"},
		MaxBodyBytes:     opMaxBodyBytes,
		BodyReadTimeout:  BodyReadTimeout,
		Security:         s.secured(true),
		Errors:           append(write, http.StatusNotFound),
		RequestBody:      s.scenarioRequestBody(),
		SkipValidateBody: true,
	}, func(ctx context.Context, in *updateScenarioInput) (*savedOutput, error) {
		ns, warnings, err := s.parse(in.ContentType, in.RawBody)
		if err != nil {
			return nil, err
		}
		ns.Author = author(ctx)
		sc, err := s.cfg.Store.UpdateScenario(ctx, in.ID, ns)
		if err != nil {
			return nil, s.problem(err)
		}
		return &savedOutput{Location: versionURL(sc), Body: SavedScenario{ScenarioInfo: infoOf(sc), Warnings: warnings}}, nil
	})

	huma.Register(s.api, huma.Operation{
		OperationID: "get-scenario",
		Method:      http.MethodGet,
		Path:        Prefix + "/scenarios/{id}",
		Summary:     "Get a scenario",
		Description: "Returns the latest version, or the one asked for with ?version=.",
		Tags:        []string{"scenarios"},
		Security:    s.secured(false),
		Errors:      []int{http.StatusUnauthorized, http.StatusNotFound},
	}, func(ctx context.Context, in *getScenarioInput) (*documentOutput, error) {
		sc, err := s.cfg.Store.FindScenario(ctx, in.ID, in.Version)
		if err != nil {
			return nil, s.problem(err)
		}
		return &documentOutput{Body: ScenarioDocument{ScenarioInfo: infoOf(sc), Scenario: sc.Canonical, Source: string(sc.Source)}}, nil
	})

	huma.Register(s.api, huma.Operation{
		OperationID: "list-scenarios",
		Method:      http.MethodGet,
		Path:        Prefix + "/scenarios",
		Summary:     "List scenarios",
		Description: "Lists the latest version of every scenario, most recently created first.",
		Tags:        []string{"scenarios"},
		Security:    s.secured(false),
		Errors:      []int{http.StatusUnauthorized, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *listInput) (*listOutput, error) {
		items, next, err := s.cfg.Store.FindScenarios(ctx, in.page())
		if err != nil {
			return nil, s.problem(err)
		}
		return &listOutput{Body: scenarioList(items, next)}, nil
	})

	huma.Register(s.api, huma.Operation{
		OperationID: "list-scenario-versions",
		Method:      http.MethodGet,
		Path:        Prefix + "/scenarios/{id}/versions",
		Summary:     "List a scenario's versions",
		Description: "Lists every saved version of the scenario, newest first.",
		Tags:        []string{"scenarios"},
		Security:    s.secured(false),
		Errors:      []int{http.StatusUnauthorized, http.StatusNotFound, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *versionsInput) (*listOutput, error) {
		items, next, err := s.cfg.Store.FindScenarioVersions(ctx, in.ID, in.page())
		if err != nil {
			return nil, s.problem(err)
		}
		return &listOutput{Body: scenarioList(items, next)}, nil
	})

	huma.Register(s.api, huma.Operation{
		OperationID:   "delete-scenario",
		Method:        http.MethodDelete,
		Path:          Prefix + "/scenarios/{id}",
		Summary:       "Delete a scenario",
		Description:   "Removes the scenario from lists, reads, saves and new runs. Runs already made keep the version they ran on.",
		Tags:          []string{"scenarios"},
		DefaultStatus: http.StatusNoContent,
		Security:      s.secured(true),
		Errors:        []int{http.StatusUnauthorized, http.StatusNotFound},
	}, func(ctx context.Context, in *idInput) (*struct{}, error) {
		if err := s.cfg.Store.DeleteScenario(ctx, in.ID); err != nil {
			return nil, s.problem(err)
		}
		return nil, nil
	})
}

func scenarioList(items []*store.Scenario, next string) ScenarioList {
	out := ScenarioList{Items: make([]ScenarioInfo, len(items)), Next: next}
	for i, sc := range items {
		out.Items[i] = infoOf(sc)
	}
	return out
}

func versionURL(sc *store.Scenario) string {
	return Prefix + "/scenarios/" + sc.ID + "?version=" + itoa(sc.Version)
}
