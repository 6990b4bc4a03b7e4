package parley

import (
	"context"
	"fmt"
	"sort"
	"strconv"
)

// A Model forecasts the outcome of a negotiation. Each model lives in its
// own package under model/ and is listed by the registry in package models.
//
// A Model is a stateless description; the work is done by a Solver obtained
// from Prepare, which owns reusable workspace so that analyses can run
// thousands of draws without allocating per draw.
type Model interface {
	// Info describes the model, its reference and its options.
	Info() ModelInfo
	// Prepare checks opts and returns a Solver configured with them. It
	// returns an *Error with code EINVALID naming the offending option when
	// opts are not acceptable to the model.
	Prepare(opts Options) (Solver, error)
}

// A Solver runs one model, configured once, on any number of instances.
// A Solver is not safe for concurrent use; analyses create one per worker.
type Solver interface {
	// Solve runs the model on in and writes the result into dst, reusing
	// dst's memory where it can. It never modifies in. It returns ctx.Err()
	// if ctx is cancelled while it runs, and an *Error for instances the
	// model cannot handle.
	Solve(ctx context.Context, in *Instance, dst *Result) error
}

// ModelInfo describes a model for users and tools.
type ModelInfo struct {
	// Name is the identifier used on the command line (--model NAME).
	Name string `json:"name"`
	// Summary is a one-line description.
	Summary string `json:"summary"`
	// Reference cites the published model the implementation follows.
	Reference string `json:"reference"`
	// Dynamic reports whether the model moves positions over rounds
	// (false for the one-shot baselines).
	Dynamic bool `json:"dynamic"`
	// DefaultRounds is the number of rounds run when Options.Rounds is 0.
	DefaultRounds int `json:"default_rounds,omitempty"`
	// Options lists the model-specific parameters accepted in Options.Params.
	Options []OptionInfo `json:"options,omitempty"`
}

// OptionInfo documents one model-specific option.
type OptionInfo struct {
	Name    string   `json:"name"`
	Default string   `json:"default"`
	Choices []string `json:"choices,omitempty"`
	Doc     string   `json:"doc"`
}

// Options configure a model run. The zero value asks for the model's
// defaults.
type Options struct {
	// Rounds caps the number of rounds; 0 means the model's default.
	Rounds int `json:"rounds,omitempty"`
	// Seed seeds every random choice the model makes (tie-breaking,
	// stochastic variants). The same seed gives the same result.
	Seed uint64 `json:"seed,omitempty"`
	// NoTrace asks the solver to record only round 0 and the final round,
	// and no events or model detail. Analyses that need only outcomes set
	// it; the final positions and forecasts are identical either way.
	NoTrace bool `json:"-"`
	// Params holds model-specific options by name, as listed in
	// ModelInfo.Options. Unknown names are an error.
	Params map[string]string `json:"params,omitempty"`
}

// CheckParams returns an EINVALID *Error if opts.Params names an option
// that info does not list, or gives a value outside an option's Choices.
func (opts Options) CheckParams(info ModelInfo) error {
	keys := make([]string, 0, len(opts.Params))
	for k := range opts.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var found *OptionInfo
		for i := range info.Options {
			if info.Options[i].Name == k {
				found = &info.Options[i]
				break
			}
		}
		if found == nil {
			names := make([]string, len(info.Options))
			for i, o := range info.Options {
				names[i] = o.Name
			}
			return Errorf(EINVALID, "model %s has no option %q (options: %v)", info.Name, k, names)
		}
		if len(found.Choices) > 0 {
			ok := false
			for _, c := range found.Choices {
				if c == opts.Params[k] {
					ok = true
				}
			}
			if !ok {
				return Errorf(EINVALID, "model %s: option %s must be one of %v, got %q", info.Name, k, found.Choices, opts.Params[k])
			}
		}
	}
	return nil
}

// Param returns the option's value, or def when it is not set.
func (opts Options) Param(name, def string) string {
	if v, ok := opts.Params[name]; ok {
		return v
	}
	return def
}

// FloatParam returns the option as a float64, def when it is not set, and
// an EINVALID *Error when it is not a number.
func (opts Options) FloatParam(name string, def float64) (float64, error) {
	v, ok := opts.Params[name]
	if !ok {
		return def, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, Errorf(EINVALID, "option %s: want a number, got %q", name, v)
	}
	return f, nil
}

// IntParam returns the option as an int, def when it is not set, and an
// EINVALID *Error when it is not an integer.
func (opts Options) IntParam(name string, def int) (int, error) {
	v, ok := opts.Params[name]
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, Errorf(EINVALID, "option %s: want an integer, got %q", name, v)
	}
	return n, nil
}

// Result is what a Solver produces: the positions of every actor on every
// issue, round by round, the forecast outcome of each issue, and what moved
// whom.
//
// Positions are stored densely: Trace[r][a*M+k] is actor a's position on
// issue k after round r (round 0 is the input), with M the number of
// issues. Actors absent from an issue hold NaN there.
type Result struct {
	// Model is the name of the model that produced the result.
	Model string
	// Trace holds the positions after each recorded round; Trace[0] is the
	// input. With Options.NoTrace only the input and the final round are
	// kept.
	Trace [][]float64
	// Turns holds the round number of each entry of Trace (0, 1, 2, … when
	// every round is kept).
	Turns []int
	// Forecast is the predicted outcome of each issue, on the issue's scale,
	// after the decision rule and veto players are applied.
	Forecast []float64
	// Events records who moved and why, in the order the model decided
	// them. Empty with Options.NoTrace.
	Events []Event
	// Detail holds model-specific output (for example each round's risk
	// exponents and accepted offers). It must marshal to a JSON object; its
	// keys are added to the top level of the JSON output, so they must not
	// be "model", "scenario", "issues", "variant" or "forecast".
	Detail any
	// Notes are warnings about the run that do not invalidate it (the round
	// cap was reached, an actor had zero salience, …).
	Notes []string
}

// Final returns the positions after the last recorded round.
func (r *Result) Final() []float64 { return r.Trace[len(r.Trace)-1] }

// Reset empties r for reuse, keeping its allocated memory.
func (r *Result) Reset(model string) {
	r.Model = model
	r.Trace = r.Trace[:0]
	r.Turns = r.Turns[:0]
	r.Forecast = r.Forecast[:0]
	r.Events = r.Events[:0]
	r.Detail = nil
	r.Notes = r.Notes[:0]
}

// AppendRound records positions as the state after round turn, copying them
// into memory owned by r (reused across Reset calls where possible).
func (r *Result) AppendRound(turn int, positions []float64) {
	n := len(r.Trace)
	if n < cap(r.Trace) {
		r.Trace = r.Trace[:n+1]
		r.Trace[n] = append(r.Trace[n][:0], positions...)
	} else {
		r.Trace = append(r.Trace, append([]float64(nil), positions...))
	}
	r.Turns = append(r.Turns, turn)
}

// SetFinal records positions after round turn as the last entry of the
// trace: with tracing off it overwrites the previous final entry instead of
// appending.
func (r *Result) SetFinal(turn int, positions []float64, trace bool) {
	if trace || len(r.Trace) < 2 {
		r.AppendRound(turn, positions)
		return
	}
	last := len(r.Trace) - 1
	r.Trace[last] = append(r.Trace[last][:0], positions...)
	r.Turns[last] = turn
}

// Event records one move: an actor's position on an issue changed from From
// to To in round Round, for the reason Why (written for a reader, e.g.
// "compromise with France"). Issue is -1 for a move in every dimension at
// once, in which case From and To are NaN.
type Event struct {
	Round int     `json:"round"`
	Actor int     `json:"-"`
	Issue int     `json:"-"`
	From  float64 `json:"from"`
	To    float64 `json:"to"`
	Why   string  `json:"why"`
	// Other is the index of the counterpart actor, or -1.
	Other int `json:"-"`
}

// String renders e with indices, for debugging.
func (e Event) String() string {
	return fmt.Sprintf("round %d: actor %d issue %d %g -> %g (%s)", e.Round, e.Actor, e.Issue, e.From, e.To, e.Why)
}
