package analysis

import (
	"context"
	"math"
	"sort"

	"github.com/parley-forecast/parley"
)

// Perturbations applied to one actor on one issue by Leverage, in order.
var Perturbations = []string{"to_min", "to_max", "cap_double", "cap_half"}

// LeverageResult says who can move whom. Its JSON encoding is the output of
// parley leverage --format json.
type LeverageResult struct {
	Model    string `json:"model"`
	Scenario string `json:"scenario"`
	Seed     uint64 `json:"seed"`
	Version  string `json:"version"`
	// Dynamic is true for models that move positions over rounds; only
	// they report how far each actor moves the others.
	Dynamic bool            `json:"dynamic"`
	Actors  []Named         `json:"actors"`
	Issues  []IssueLeverage `json:"issues"`
	Ranking []ActorRank     `json:"ranking"`
}

// IssueLeverage is one issue's leverage matrix.
type IssueLeverage struct {
	ID       string     `json:"id"`
	Name     string     `json:"name,omitempty"`
	Scale    [2]float64 `json:"scale"`
	Forecast Num        `json:"forecast"`
	// Actors holds each actor's effect on this issue's forecast, in actor
	// order; actors absent from the issue have Present false.
	Actors []ActorEffect `json:"actors"`
}

// ActorEffect is what one actor can do to one issue.
type ActorEffect struct {
	Actor    string `json:"actor"`
	Present  bool   `json:"present"`
	Position Num    `json:"position"`
	// Shift is the forecast under each perturbation minus the base
	// forecast, keyed by the names in Perturbations: the actor's position
	// moved to the scale's min or max, its capability on the issue doubled
	// or halved.
	Shift map[string]Num `json:"shift,omitempty"`
	// Leverage is the largest |Shift| as a share of the scale's width.
	Leverage Num `json:"leverage"`
	// Flips lists, per perturbation, the questions whose verdict changes.
	Flips map[string][]string `json:"flips,omitempty"`
	// Moves gives, for dynamic models, how far each other actor's final
	// position on the issue moves under each perturbation (final under
	// the perturbation minus final in the base), keyed by actor id.
	Moves map[string]map[string]Num `json:"moves,omitempty"`
	// MaxMove is, per other actor, the largest |move| over the
	// perturbations, for the matrix view.
	MaxMove map[string]Num `json:"max_move,omitempty"`
}

// ActorRank is an actor's place in the ranking of pivotal actors.
type ActorRank struct {
	Actor string `json:"actor"`
	Name  string `json:"name,omitempty"`
	// Score is the actor's leverage averaged over all issues (0 where it
	// takes no part).
	Score Num `json:"score"`
	// Top is the issue on which its leverage is largest ("" when it has
	// none anywhere).
	Top string `json:"top_issue"`
}

// Leverage runs the model on the base instance and, for every actor and
// issue it takes part in, on four perturbations (Perturbations), and
// reports how far the forecast moves, which questions flip and, for
// dynamic models, how far each other actor's final position moves.
func Leverage(ctx context.Context, p *Problem, cfg Config) (*LeverageResult, error) {
	if cfg.Model == nil {
		return nil, parley.Errorf(parley.EINVALID, "analysis: no model given")
	}
	info := cfg.Model.Info()
	base := p.Base
	n, m := base.N(), base.M()
	np := len(Perturbations)
	// Task t = cell*np + perturbation, cell = a*m + k; task -1 is the base,
	// stored last.
	ntask := n * m * np
	fc := make([][]float64, ntask+1)
	fin := make([][]float64, ntask+1)
	rec := cfg.recorder()
	var count int64 = 1
	for c := 0; c < n*m; c++ {
		if !math.IsNaN(base.Position[c]) {
			count += int64(np)
		}
	}
	rec.Start(count)
	defer rec.Done()
	type worker struct {
		s    parley.Solver
		inst *parley.Instance
		res  parley.Result
	}
	nw := cfg.workers()
	ws := make([]*worker, nw)
	for w := range ws {
		s, err := cfg.prepare(true)
		if err != nil {
			return nil, err
		}
		ws[w] = &worker{s: s, inst: base.Clone()}
	}
	run := func(wk *worker, t int) error {
		wk.inst.CopyValuesFrom(base)
		if t < ntask {
			c, pert := t/np, t%np
			if math.IsNaN(base.Position[c]) {
				return nil
			}
			is := base.Issues[c%m]
			switch Perturbations[pert] {
			case "to_min":
				wk.inst.Position[c] = is.Min
			case "to_max":
				wk.inst.Position[c] = is.Max
			case "cap_double":
				wk.inst.Capability[c] *= 2
			case "cap_half":
				wk.inst.Capability[c] /= 2
			}
		}
		if err := wk.s.Solve(ctx, wk.inst, &wk.res); err != nil {
			return err
		}
		fc[t] = append([]float64(nil), wk.res.Forecast...)
		fin[t] = append([]float64(nil), wk.res.Final()...)
		return nil
	}
	err := parallel(ctx, nw, 0, uint64(ntask+1), 1, Nop{}, func(w int, a, _ uint64) error {
		t := int(a)
		if err := run(ws[w], t); err != nil {
			return err
		}
		if t == ntask || !math.IsNaN(base.Position[t/np]) {
			rec.Add(1)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	b0, f0 := fc[ntask], fin[ntask]
	holds0 := make([]bool, len(p.Questions))
	for j := range p.Questions {
		holds0[j] = p.Questions[j].Holds(b0)
	}
	out := &LeverageResult{Version: parley.Version, Model: info.Name, Scenario: p.Scenario.Title, Seed: cfg.Options.Seed, Dynamic: info.Dynamic}
	for _, id := range base.Actors {
		out.Actors = append(out.Actors, Named{id, actorName(p.Scenario, id)})
	}
	score := make([]float64, n)
	top := make([]int, n)
	best := make([]float64, n)
	for a := range best {
		best[a], top[a] = -1, -1
	}
	for k, is := range base.Issues {
		w := is.Max - is.Min
		il := IssueLeverage{ID: is.ID, Name: issueName(p.Scenario, is.ID), Scale: [2]float64{is.Min, is.Max}, Forecast: Num(b0[k])}
		for a, id := range base.Actors {
			c := a*m + k
			e := ActorEffect{Actor: id, Present: !math.IsNaN(base.Position[c]), Position: Num(base.Position[c])}
			if e.Present {
				e.Shift = map[string]Num{}
				lev := 0.0
				for pi, name := range Perturbations {
					t := c*np + pi
					d := diff(fc[t][k], b0[k])
					e.Shift[name] = Num(d)
					if !math.IsNaN(d) {
						lev = math.Max(lev, math.Abs(d)/w)
					}
					for j := range p.Questions {
						if p.Questions[j].Holds(fc[t]) != holds0[j] {
							if e.Flips == nil {
								e.Flips = map[string][]string{}
							}
							e.Flips[name] = append(e.Flips[name], p.Questions[j].ID)
						}
					}
					if info.Dynamic {
						for b, other := range base.Actors {
							if b == a || math.IsNaN(base.Position[b*m+k]) {
								continue
							}
							if e.Moves == nil {
								e.Moves, e.MaxMove = map[string]map[string]Num{}, map[string]Num{}
							}
							if e.Moves[other] == nil {
								e.Moves[other] = map[string]Num{}
							}
							mv := diff(fin[t][b*m+k], f0[b*m+k])
							e.Moves[other][name] = Num(mv)
							if math.Abs(mv) > float64(e.MaxMove[other]) {
								e.MaxMove[other] = Num(math.Abs(mv))
							} else if _, ok := e.MaxMove[other]; !ok {
								e.MaxMove[other] = 0
							}
						}
					}
				}
				e.Leverage = Num(lev)
				score[a] += lev
				if lev > best[a] && lev > 0 {
					best[a], top[a] = lev, k
				}
			}
			il.Actors = append(il.Actors, e)
		}
		out.Issues = append(out.Issues, il)
	}
	for a, id := range base.Actors {
		r := ActorRank{Actor: id, Name: actorName(p.Scenario, id), Score: Num(score[a] / float64(m))}
		if top[a] >= 0 {
			r.Top = base.Issues[top[a]].ID
		}
		out.Ranking = append(out.Ranking, r)
	}
	sort.SliceStable(out.Ranking, func(i, j int) bool { return out.Ranking[i].Score > out.Ranking[j].Score })
	return out, nil
}

// diff returns x − y, exactly 0 when they are equal (NaN when either is).
func diff(x, y float64) float64 {
	if x == y {
		return 0
	}
	return x - y
}
