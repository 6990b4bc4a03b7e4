package runner

import (
	"bytes"
	"context"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/output"
)

func init() {
	register(Kind{
		Name:    KindModel,
		Summary: "run one model on the scenario; the result is the JSON of parley run --format json",
		Run:     runModel,
	})
}

// runModel runs j's model once and renders the result as parley run does.
func runModel(ctx context.Context, j *Job) ([]byte, error) {
	solver, err := j.Model.Prepare(j.Options)
	if err != nil {
		return nil, err
	}
	var res parley.Result
	if err := solver.Solve(ctx, j.Instance, &res); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err = output.JSON(&buf, &output.Run{Scenario: j.Scenario, Instance: j.Instance, Result: &res,
		Variant: j.Request.Variant, Seed: j.Request.Seed})
	return buf.Bytes(), err
}
