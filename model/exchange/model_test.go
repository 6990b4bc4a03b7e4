package exchange_test

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/model/exchange"
	"github.com/parley-forecast/parley/model/modeltest"
)

// Ensure the model passes the shared conformance suite, symmetries
// included: with continuous random inputs there are no ties, and the
// model works on scales normalised to 0–100.
func TestConformance(t *testing.T) {
	modeltest.Run(t, exchange.New(), modeltest.Skips{})
}

// Ensure that bad options are refused with EINVALID and good ones taken.
func TestOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts parley.Options
		ok   bool
	}{
		{"defaults", parley.Options{}, true},
		{"rex", parley.Options{Params: map[string]string{"p": "0.5"}}, true},
		{"p too big", parley.Options{Params: map[string]string{"p": "1.5"}}, false},
		{"p negative", parley.Options{Params: map[string]string{"p": "-0.1"}}, false},
		{"p not a number", parley.Options{Params: map[string]string{"p": "half"}}, false},
		{"p NaN", parley.Options{Params: map[string]string{"p": "NaN"}}, false},
		{"ties first", parley.Options{Params: map[string]string{"ties": "first"}}, true},
		{"ties unknown", parley.Options{Params: map[string]string{"ties": "last"}}, false},
		{"negative rounds", parley.Options{Rounds: -1}, false},
		{"unknown option", parley.Options{Params: map[string]string{"q": "1"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := exchange.New().Prepare(tc.opts)
			if tc.ok != (err == nil) {
				t.Fatalf("Prepare: err = %v, want ok = %v", err, tc.ok)
			}
			if err != nil && parley.ErrorCode(err) != parley.EINVALID {
				t.Errorf("code %q, want %q", parley.ErrorCode(err), parley.EINVALID)
			}
		})
	}
	info := exchange.New().Info()
	if info.Name != "exchange" || !info.Dynamic || info.DefaultRounds != 10 {
		t.Errorf("Info = %+v", info)
	}
}

// Ensure the default of 10 rounds and the shape of the output: two events
// per exchange, Detail marshalling to {"rounds": [...]} with the
// documented keys, and no detail or events with NoTrace.
func TestOutput(t *testing.T) {
	in := modeltest.RandomInstance(rand.New(rand.NewPCG(1, 2)), 8, 4)
	r := run(t, in, parley.Options{}, 0)
	if len(r.Trace) != 11 || r.Turns[10] != 10 {
		t.Fatalf("trace has turns %v, want 0..10", r.Turns)
	}
	d := detail(t, r)
	n := 0
	for i, rd := range d.Rounds {
		if rd.Round != i+1 {
			t.Errorf("round %d numbered %d", i+1, rd.Round)
		}
		n += len(rd.Exchanges)
	}
	if n == 0 || len(r.Events) != 2*n {
		t.Fatalf("%d exchanges and %d events, want 2 events per exchange", n, len(r.Events))
	}
	b, err := json.Marshal(r.Detail)
	if err != nil {
		t.Fatal(err)
	}
	var generic map[string][]map[string]any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatal(err)
	}
	if len(generic) != 1 || len(generic["rounds"]) != 10 {
		t.Fatalf("detail JSON has keys %v", generic)
	}
	ex := generic["rounds"][0]["exchanges"].([]any)[0].(map[string]any)
	for _, k := range []string{"actor_i", "actor_j", "issue_p", "issue_q", "gain", "gain_i", "gain_j", "move_i", "move_j", "externalities"} {
		if _, ok := ex[k]; !ok {
			t.Errorf("exchange JSON lacks %q: %s", k, b[:min(len(b), 400)])
		}
	}
	if _, ok := generic["rounds"][0]["candidates"]; !ok {
		t.Errorf("round JSON lacks candidates")
	}

	short := run(t, in, parley.Options{NoTrace: true}, 0)
	if short.Detail != nil || len(short.Events) != 0 {
		t.Errorf("NoTrace kept detail %v and %d events", short.Detail, len(short.Events))
	}
}

// Ensure that the forecast is the capability×salience-weighted mean of
// the last round's voting positions, confined to the veto players' range,
// whatever the issue's own decision rule says.
func TestForecastRuleAndVeto(t *testing.T) {
	// The overshoot case of TestHandOvershootCap: voting outcomes 60 and
	// 48.857 after round 1.
	in := twoIssues([]string{"A", "B", "C"}, [][6]float64{
		{60, 0.8, 1, 0, 0.4, 2},
		{0, 0.4, 1, 100, 0.6, 1},
		{100, 0.2, 2, 50, 0, 1},
	})
	in.Issues[0].Rule, in.Issues[1].Rule = parley.RuleMedian, parley.RuleMedian
	r := run(t, in, parley.Options{Rounds: 1}, 0)
	if !near(r.Forecast[0], 60, eps) || !near(r.Forecast[1], (0.8*10.5+60)/1.4, eps) {
		t.Errorf("forecast %v, want the weighted means 60, 48.857", r.Forecast)
	}
	// B holds a veto on q: its vote is 100, A's 10.5; the range [10.5, 100]
	// holds 48.857. A veto by A alone confines q to A's vote, 10.5.
	in.Issues[1].Vetoes = []int{0}
	r = run(t, in, parley.Options{Rounds: 1}, 0)
	if !near(r.Forecast[1], 10.5, eps) {
		t.Errorf("forecast with A's veto %v, want 10.5", r.Forecast[1])
	}
}

// Ensure that tied exchanges are broken by the option: "first" takes the
// one listed first, "random" draws from the seed (the same seed, the same
// choice; different seeds, both choices).
func TestTies(t *testing.T) {
	// A1 and A2 are identical, so B's exchanges with them tie. After one
	// of them, B has moved all the way on p and the other is void.
	in := twoIssues([]string{"A1", "A2", "B"}, [][6]float64{
		{100, 0.8, 1, 0, 0.4, 2},
		{100, 0.8, 1, 0, 0.4, 2},
		{0, 0.2, 1, 100, 0.6, 1},
	})
	partner := func(opts parley.Options) string {
		d := detail(t, run(t, in, opts, 0))
		if got := len(d.Rounds[0].Exchanges); got != 1 {
			t.Fatalf("round 1 executed %d exchanges, want 1", got)
		}
		return d.Rounds[0].Exchanges[0].ActorI
	}
	if got := partner(parley.Options{Rounds: 1, Params: map[string]string{"ties": "first"}}); got != "A1" {
		t.Errorf("ties=first chose %s, want A1", got)
	}
	seen := map[string]bool{}
	for seed := uint64(0); seed < 16; seed++ {
		a := partner(parley.Options{Rounds: 1, Seed: seed})
		if b := partner(parley.Options{Rounds: 1, Seed: seed}); a != b {
			t.Fatalf("seed %d chose %s, then %s", seed, a, b)
		}
		seen[a] = true
	}
	if !seen["A1"] || !seen["A2"] {
		t.Errorf("16 seeds chose only %v", seen)
	}
}

// Ensure the REX variant: deterministic for a seed, different from the
// equal-gain run, and each exchange on its frontier: both actors gain,
// the exchange is still ranked by its equal gain, and the two gains differ.
func TestREX(t *testing.T) {
	in := modeltest.RandomInstance(rand.New(rand.NewPCG(5, 6)), 10, 5)
	opts := parley.Options{Seed: 9, Params: map[string]string{"p": "0.8"}}
	a, b := run(t, in, opts, 0), run(t, in, opts, 0)
	if msg := sameRun(a, b, 0); msg != "" {
		t.Fatalf("same seed, different runs: %s", msg)
	}
	eg := run(t, in, parley.Options{Seed: 9}, 0)
	if sameRun(a, eg, 1e-9) == "" {
		t.Errorf("p=0.8 gave the equal-gain run")
	}
	unequal := 0
	for _, rd := range detail(t, a).Rounds {
		for _, e := range rd.Exchanges {
			if e.GainI < -1e-12 || e.GainJ < -1e-12 || e.Gain <= 0 {
				t.Errorf("round %d %s/%s: gains %v, %v (equal gain %v)", rd.Round, e.ActorI, e.ActorJ, e.GainI, e.GainJ, e.Gain)
			}
			if math.Abs(e.GainI-e.GainJ) > 1e-9 {
				unequal++
			}
		}
	}
	if unequal == 0 {
		t.Errorf("no exchange split its gains unequally")
	}
	for _, e := range detail(t, eg).Rounds[0].Exchanges {
		if !near(e.GainI, e.Gain, 1e-12*e.Gain) || !near(e.GainJ, e.Gain, 1e-12*e.Gain) {
			t.Errorf("p=0: gains %v, %v, equal gain %v", e.GainI, e.GainJ, e.Gain)
		}
	}
}

// Ensure the invariants of every run on random instances: gains at least
// 1e-10 and ordered within a round as each was when executed; every move
// toward the partner's preference and never beyond it; no actor reverses
// within a round; preferences move toward the voting positions by the
// update weight; and the forecast is the weighted mean of the votes.
func TestInvariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := 0; trial < 20; trial++ {
		in := modeltest.RandomInstance(rng, 3+rng.IntN(10), 2+rng.IntN(5))
		r := run(t, in, parley.Options{Seed: uint64(trial)}, 0)
		m := in.M()
		actor := map[string]int{}
		for a, id := range in.Actors {
			actor[id] = a
		}
		issue := map[string]int{}
		for k, is := range in.Issues {
			issue[is.ID] = k
		}
		for ri, rd := range detail(t, r).Rounds {
			prev := r.Trace[ri]
			dir := map[[2]int]float64{}
			for _, e := range rd.Exchanges {
				if e.Gain < 1e-10 {
					t.Fatalf("trial %d round %d: gain %v", trial, rd.Round, e.Gain)
				}
				for _, mv := range []struct {
					move    exchange.Move
					partner string
				}{{e.MoveI, e.ActorJ}, {e.MoveJ, e.ActorI}} {
					a, k := actor[mv.move.Actor], issue[mv.move.Issue]
					target := prev[actor[mv.partner]*m+k]
					d := mv.move.To - mv.move.From
					if d*(target-mv.move.From) <= 0 || math.Abs(d) > math.Abs(target-mv.move.From)+1e-9 {
						t.Fatalf("trial %d round %d: %s moves %v→%v, partner's preference %v", trial, rd.Round, mv.move.Actor, mv.move.From, mv.move.To, target)
					}
					if s := dir[[2]int{a, k}]; s*d < 0 {
						t.Fatalf("trial %d round %d: %s reverses on %s", trial, rd.Round, mv.move.Actor, mv.move.Issue)
					}
					dir[[2]int{a, k}] = d
				}
			}
		}
		// Preferences after the last round: x' = x + (0.1+0.4(1−s))(y−x),
		// with y the last voting position; the forecast is Σwy/Σw.
		last := detail(t, r).Rounds[len(r.Trace)-2]
		votes := append([]float64(nil), r.Trace[len(r.Trace)-2]...)
		for _, e := range last.Exchanges {
			votes[actor[e.MoveI.Actor]*m+issue[e.MoveI.Issue]] = e.MoveI.To
			votes[actor[e.MoveJ.Actor]*m+issue[e.MoveJ.Issue]] = e.MoveJ.To
		}
		before, after := r.Trace[len(r.Trace)-2], r.Final()
		for i, y := range votes {
			if math.IsNaN(y) {
				continue
			}
			want := before[i] + (0.1+0.4*(1-in.Salience[i]))*(y-before[i])
			if w := in.Issues[i%m].Max - in.Issues[i%m].Min; !near(after[i], want, 1e-9*w) {
				t.Fatalf("trial %d: position %d = %v, want %v", trial, i, after[i], want)
			}
		}
		for k := range in.Issues {
			if f := in.OutcomeBy(parley.RuleMean, k, votes, nil, nil); !near(r.Forecast[k], f, 1e-9*(in.Issues[k].Max-in.Issues[k].Min)) {
				t.Fatalf("trial %d: forecast %d = %v, want the mean of the votes %v", trial, k, r.Forecast[k], f)
			}
		}
	}
}

// Ensure that the model leaves out issues nobody weighs and says so.
func TestWeightlessIssue(t *testing.T) {
	in := twoIssues([]string{"A", "B"}, [][6]float64{
		{100, 0.8, 1, 0, 0, 2},
		{0, 0.2, 1, 100, 0.6, 0},
	})
	r := run(t, in, parley.Options{Rounds: 2}, 0)
	if d := detail(t, r); d.Rounds[0].Candidates != 0 {
		t.Errorf("%d candidates with a weightless issue", d.Rounds[0].Candidates)
	}
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "issue q") {
		t.Errorf("notes %q", r.Notes)
	}
	if !math.IsNaN(r.Forecast[1]) || r.Forecast[0] != 80 {
		t.Errorf("forecast %v, want [80 NaN]", r.Forecast)
	}
}

// Ensure that Solve refuses a malformed instance and stops on a cancelled
// context between rounds.
func TestSolveErrors(t *testing.T) {
	s, err := exchange.New().Prepare(parley.Options{})
	if err != nil {
		t.Fatal(err)
	}
	bad := twoIssues([]string{"A", "B"}, [][6]float64{{100, 1.5, 1, 0, 0.4, 1}, {0, 0.2, 1, 100, 0.6, 1}})
	var r parley.Result
	if err := s.Solve(context.Background(), bad, &r); parley.ErrorCode(err) != parley.EINVALID {
		t.Errorf("salience 1.5: err = %v, want EINVALID", err)
	}
}
