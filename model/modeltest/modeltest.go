// Package modeltest is the conformance suite every parley.Model must pass.
//
// A model's test calls Run with the model and the properties it cannot
// promise (each with the reason). The suite checks, on random instances
// drawn from a fixed seed and on hand-built edge cases:
//
//   - the model describes itself and rejects unknown options;
//   - round 0 of the trace is the input, the input is not modified, every
//     recorded round has the instance's shape, actors absent from an issue
//     stay absent and present ones stay on the scale;
//   - the same seed gives bit-identical results, and a reused solver gives
//     the same result as a fresh one (no state leaks between instances);
//   - NoTrace changes nothing but the trace's length;
//   - Options.Rounds caps the rounds;
//   - unanimity: when every actor holds the same position nobody moves and
//     that position is the forecast; a lone actor decides its issue;
//   - a dictator holding all capability decides alone;
//   - cancellation is honoured;
//   - optional symmetries: relabelling the actors permutes the result,
//     mirroring every scale mirrors it, and an affine change of units
//     transforms it.
package modeltest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/parley-forecast/parley"
)

// Skips names the properties a model does not promise, each with the
// reason; an empty reason means the property is checked.
type Skips struct {
	// Permutation: relabelling actors permutes the result. Models whose
	// tie-breaking follows actor order cannot promise it.
	Permutation string
	// Mirror: reflecting every scale reflects the result. Models with a
	// directional rule (e.g. "take the lowest offer") cannot promise it.
	Mirror string
	// Affine: an affine change of a scale's units maps the result
	// accordingly.
	Affine string
	// Dictator: an actor holding all capability decides the outcome.
	Dictator string
}

// Tolerance for comparisons that go through different floating-point
// paths (symmetries): relative to the scale's width.
const tol = 1e-9

// Run runs the conformance suite on m.
func Run(t *testing.T, m parley.Model, skips Skips) {
	t.Helper()
	info := m.Info()
	t.Run("Info", func(t *testing.T) { testInfo(t, m, info) })
	t.Run("Shape", func(t *testing.T) { testShape(t, m) })
	t.Run("Determinism", func(t *testing.T) { testDeterminism(t, m) })
	t.Run("NoTrace", func(t *testing.T) { testNoTrace(t, m) })
	t.Run("Rounds", func(t *testing.T) { testRounds(t, m, info) })
	t.Run("Unanimity", func(t *testing.T) { testUnanimity(t, m) })
	t.Run("LoneActor", func(t *testing.T) { testLone(t, m) })
	t.Run("Cancel", func(t *testing.T) { testCancel(t, m) })
	optional(t, "Dictator", skips.Dictator, func(t *testing.T) { testDictator(t, m) })
	optional(t, "Permutation", skips.Permutation, func(t *testing.T) { testPermutation(t, m) })
	optional(t, "Mirror", skips.Mirror, func(t *testing.T) { testMirror(t, m) })
	optional(t, "Affine", skips.Affine, func(t *testing.T) { testAffine(t, m) })
}

func optional(t *testing.T, name, reason string, f func(*testing.T)) {
	t.Run(name, func(t *testing.T) {
		if reason != "" {
			t.Skip(reason)
		}
		f(t)
	})
}

// RandomInstance returns an instance of n actors and m issues drawn from
// rng: scales [0,100] and [-5,5] alternately, positions and saliences
// uniform, capabilities in [1,100], and about one actor-issue pair in six
// absent (but every issue keeps at least two actors).
func RandomInstance(rng *rand.Rand, n, m int) *parley.Instance {
	in := &parley.Instance{
		Actors:     make([]string, n),
		Issues:     make([]parley.IssueSpec, m),
		Position:   make([]float64, n*m),
		Salience:   make([]float64, n*m),
		Capability: make([]float64, n*m),
	}
	for a := range in.Actors {
		in.Actors[a] = fmt.Sprintf("A%02d", a)
	}
	for k := range in.Issues {
		lo, hi := 0.0, 100.0
		if k%2 == 1 {
			lo, hi = -5, 5
		}
		in.Issues[k] = parley.IssueSpec{ID: fmt.Sprintf("i%d", k), Min: lo, Max: hi, Rule: parley.RuleMedian}
	}
	for a := 0; a < n; a++ {
		c := 1 + 99*rng.Float64()
		for k := 0; k < m; k++ {
			i := a*m + k
			is := in.Issues[k]
			if a >= 2 && rng.IntN(6) == 0 {
				in.Position[i] = math.NaN()
				continue
			}
			in.Position[i] = is.Min + (is.Max-is.Min)*rng.Float64()
			in.Salience[i] = 0.05 + 0.95*rng.Float64()
			in.Capability[i] = c
		}
	}
	return in
}

func instances() []*parley.Instance {
	rng := rand.New(rand.NewPCG(20261129, 1))
	return []*parley.Instance{
		RandomInstance(rng, 5, 1),
		RandomInstance(rng, 7, 2),
		RandomInstance(rng, 10, 3),
	}
}

func solve(t *testing.T, m parley.Model, opts parley.Options, in *parley.Instance) *parley.Result {
	t.Helper()
	s, err := m.Prepare(opts)
	if err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	var r parley.Result
	if err := s.Solve(context.Background(), in, &r); err != nil {
		t.Fatalf("Solve: %v", err)
	}
	return &r
}

func testInfo(t *testing.T, m parley.Model, info parley.ModelInfo) {
	if info.Name == "" || info.Summary == "" || info.Reference == "" {
		t.Errorf("Info %+v: name, summary and reference are required", info)
	}
	for _, o := range info.Options {
		if o.Name == "" || o.Doc == "" {
			t.Errorf("option %+v: name and doc are required", o)
		}
	}
	_, err := m.Prepare(parley.Options{Params: map[string]string{"no-such-option": "1"}})
	if parley.ErrorCode(err) != parley.EINVALID {
		t.Errorf("Prepare with an unknown option: err = %v, want code %s", err, parley.EINVALID)
	}
}

func testShape(t *testing.T, m parley.Model) {
	for _, in := range instances() {
		before := in.Clone()
		r := solve(t, m, parley.Options{}, in)
		if !sameInstance(before, in) {
			t.Fatalf("Solve modified its input")
		}
		n, mm := in.N(), in.M()
		if len(r.Trace) == 0 || len(r.Trace) != len(r.Turns) || r.Turns[0] != 0 {
			t.Fatalf("trace has %d entries and turns %v; want round 0 first", len(r.Trace), r.Turns)
		}
		if !sameFloats(r.Trace[0], in.Position) {
			t.Errorf("round 0 differs from the input")
		}
		if len(r.Forecast) != mm {
			t.Fatalf("forecast has %d entries, want %d", len(r.Forecast), mm)
		}
		for j, pos := range r.Trace {
			if len(pos) != n*mm {
				t.Fatalf("round %d has %d positions, want %d", r.Turns[j], len(pos), n*mm)
			}
			if j > 0 && r.Turns[j] <= r.Turns[j-1] {
				t.Errorf("turns not increasing: %v", r.Turns)
			}
			for a := 0; a < n; a++ {
				for k := 0; k < mm; k++ {
					x, is := pos[a*mm+k], in.Issues[k]
					absent := math.IsNaN(in.Position[a*mm+k])
					switch {
					case absent && !math.IsNaN(x):
						t.Errorf("round %d: absent actor %d has position %v on issue %d", r.Turns[j], a, x, k)
					case !absent && !(x >= is.Min-tol*(is.Max-is.Min) && x <= is.Max+tol*(is.Max-is.Min)):
						t.Errorf("round %d: actor %d issue %d position %v off the scale [%v,%v]", r.Turns[j], a, k, x, is.Min, is.Max)
					}
				}
			}
		}
		for k, f := range r.Forecast {
			is := in.Issues[k]
			if !(f >= is.Min-tol*(is.Max-is.Min) && f <= is.Max+tol*(is.Max-is.Min)) {
				t.Errorf("forecast %d = %v off the scale", k, f)
			}
		}
		for _, e := range r.Events {
			if e.Actor < 0 || e.Actor >= n || e.Issue < -1 || e.Issue >= mm || e.Why == "" {
				t.Errorf("malformed event %v", e)
			}
		}
	}
}

func testDeterminism(t *testing.T, m parley.Model) {
	ins := instances()
	opts := parley.Options{Seed: 42}
	s, err := m.Prepare(opts)
	if err != nil {
		t.Fatal(err)
	}
	// Solve every instance twice with one reused solver and result, and
	// compare with fresh solvers: workspace must not leak between runs.
	var reused parley.Result
	for pass := 0; pass < 2; pass++ {
		for i := len(ins) - 1; i >= 0; i-- {
			if err := s.Solve(context.Background(), ins[i], &reused); err != nil {
				t.Fatal(err)
			}
			fresh := solve(t, m, opts, ins[i])
			if d := diffResults(fresh, &reused); d != "" {
				t.Errorf("instance %d pass %d: reused solver differs from a fresh one: %s", i, pass, d)
			}
		}
	}
}

func testNoTrace(t *testing.T, m parley.Model) {
	for _, in := range instances() {
		full := solve(t, m, parley.Options{Seed: 7}, in)
		short := solve(t, m, parley.Options{Seed: 7, NoTrace: true}, in)
		if len(short.Trace) > 2 {
			t.Errorf("NoTrace kept %d rounds, want at most 2", len(short.Trace))
		}
		if !sameFloats(full.Final(), short.Final()) || !sameFloats(full.Forecast, short.Forecast) {
			t.Errorf("NoTrace changed the final positions or forecast")
		}
		if full.Turns[len(full.Turns)-1] != short.Turns[len(short.Turns)-1] {
			t.Errorf("NoTrace final turn %d, full %d", short.Turns[len(short.Turns)-1], full.Turns[len(full.Turns)-1])
		}
	}
}

func testRounds(t *testing.T, m parley.Model, info parley.ModelInfo) {
	if !info.Dynamic {
		t.Skip("one-shot model")
	}
	for _, in := range instances() {
		r := solve(t, m, parley.Options{Rounds: 1}, in)
		if last := r.Turns[len(r.Turns)-1]; last > 1 {
			t.Errorf("Rounds=1 ran to turn %d", last)
		}
	}
}

func testUnanimity(t *testing.T, m parley.Model) {
	in := instances()[1].Clone()
	mm := in.M()
	for k, is := range in.Issues {
		x := is.Min + 0.3*(is.Max-is.Min)
		for a := range in.Actors {
			if !math.IsNaN(in.Position[a*mm+k]) {
				in.Position[a*mm+k] = x
			}
		}
	}
	r := solve(t, m, parley.Options{}, in)
	if !sameFloats(r.Final(), in.Position) {
		t.Errorf("unanimous actors moved")
	}
	for k, is := range in.Issues {
		want := is.Min + 0.3*(is.Max-is.Min)
		if math.Abs(r.Forecast[k]-want) > tol*(is.Max-is.Min) {
			t.Errorf("issue %d: unanimous forecast %v, want %v", k, r.Forecast[k], want)
		}
	}
}

func testLone(t *testing.T, m parley.Model) {
	in := instances()[0].Clone() // one issue
	for a := 1; a < in.N(); a++ {
		in.Position[a] = math.NaN()
		in.Salience[a] = 0
		in.Capability[a] = 0
	}
	r := solve(t, m, parley.Options{}, in)
	if r.Forecast[0] != in.Position[0] || r.Final()[0] != in.Position[0] {
		t.Errorf("lone actor at %v: forecast %v, final %v", in.Position[0], r.Forecast[0], r.Final()[0])
	}
}

func testDictator(t *testing.T, m parley.Model) {
	for _, in := range instances() {
		in = in.Clone()
		mm := in.M()
		d := 1 // actors 0 and 1 take part in every issue
		for a := range in.Actors {
			if a != d {
				for k := 0; k < mm; k++ {
					in.Capability[a*mm+k] = 0
				}
			}
		}
		r := solve(t, m, parley.Options{}, in)
		for k, is := range in.Issues {
			want := in.Position[d*mm+k]
			if math.Abs(r.Forecast[k]-want) > tol*(is.Max-is.Min) {
				t.Errorf("issue %d: dictator at %v, forecast %v", k, want, r.Forecast[k])
			}
		}
	}
}

func testCancel(t *testing.T, m parley.Model) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, err := m.Prepare(parley.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var r parley.Result
	if err := s.Solve(ctx, instances()[2], &r); !errors.Is(err, context.Canceled) {
		t.Errorf("Solve with a cancelled context: err = %v, want context.Canceled", err)
	}
}

func testPermutation(t *testing.T, m parley.Model) {
	for _, in := range instances() {
		n, mm := in.N(), in.M()
		perm := rand.New(rand.NewPCG(3, 4)).Perm(n) // new actor a is old actor perm[a]
		p := in.Clone()
		for a := 0; a < n; a++ {
			p.Actors[a] = in.Actors[perm[a]]
			for k := 0; k < mm; k++ {
				p.Position[a*mm+k] = in.Position[perm[a]*mm+k]
				p.Salience[a*mm+k] = in.Salience[perm[a]*mm+k]
				p.Capability[a*mm+k] = in.Capability[perm[a]*mm+k]
			}
		}
		inv := make([]int, n)
		for a, o := range perm {
			inv[o] = a
		}
		for i := range p.Relations {
			p.Relations[i].From, p.Relations[i].To = inv[in.Relations[i].From], inv[in.Relations[i].To]
		}
		for k := range p.Issues {
			for j, v := range in.Issues[k].Vetoes {
				p.Issues[k].Vetoes[j] = inv[v]
			}
		}
		r := solve(t, m, parley.Options{}, in)
		q := solve(t, m, parley.Options{}, p)
		for k, is := range in.Issues {
			w := is.Max - is.Min
			if math.Abs(r.Forecast[k]-q.Forecast[k]) > tol*w {
				t.Errorf("issue %d: forecast %v, after relabelling %v", k, r.Forecast[k], q.Forecast[k])
			}
			for a := 0; a < n; a++ {
				x, y := r.Final()[perm[a]*mm+k], q.Final()[a*mm+k]
				if !closeOrNaN(x, y, tol*w) {
					t.Errorf("issue %d actor %s: final %v, after relabelling %v", k, in.Actors[perm[a]], x, y)
				}
			}
		}
	}
}

// mapScales applies f to every position of in and maps each scale.
func mapScales(in *parley.Instance, f func(is parley.IssueSpec, x float64) float64) *parley.Instance {
	p := in.Clone()
	mm := p.M()
	for k, is := range in.Issues {
		lo, hi := f(is, is.Min), f(is, is.Max)
		p.Issues[k].Min, p.Issues[k].Max = math.Min(lo, hi), math.Max(lo, hi)
	}
	for i, x := range in.Position {
		if !math.IsNaN(x) {
			p.Position[i] = f(in.Issues[i%mm], x)
		}
	}
	return p
}

// testTransformed checks that running on the instance with every scale
// mapped by f gives the original result mapped by f.
func testTransformed(t *testing.T, m parley.Model, name string, f func(is parley.IssueSpec, x float64) float64) {
	for _, in := range instances() {
		p := mapScales(in, f)
		r := solve(t, m, parley.Options{}, in)
		q := solve(t, m, parley.Options{}, p)
		mm := in.M()
		for k, is := range in.Issues {
			w := p.Issues[k].Max - p.Issues[k].Min
			if !closeOrNaN(f(is, r.Forecast[k]), q.Forecast[k], 1e-7*w) {
				t.Errorf("%s: issue %d: forecast maps to %v, transformed run gives %v", name, k, f(is, r.Forecast[k]), q.Forecast[k])
			}
			for a := range in.Actors {
				x, y := r.Final()[a*mm+k], q.Final()[a*mm+k]
				if !math.IsNaN(x) {
					x = f(is, x)
				}
				if !closeOrNaN(x, y, 1e-7*w) {
					t.Errorf("%s: issue %d actor %d: final maps to %v, transformed run gives %v", name, k, a, x, y)
				}
			}
		}
	}
}

func testMirror(t *testing.T, m parley.Model) {
	testTransformed(t, m, "mirror", func(is parley.IssueSpec, x float64) float64 { return is.Min + is.Max - x })
}

func testAffine(t *testing.T, m parley.Model) {
	testTransformed(t, m, "affine", func(_ parley.IssueSpec, x float64) float64 { return 3*x + 7 })
}

func closeOrNaN(x, y, eps float64) bool {
	if math.IsNaN(x) || math.IsNaN(y) {
		return math.IsNaN(x) && math.IsNaN(y)
	}
	return math.Abs(x-y) <= eps
}

func sameFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

func sameInstance(a, b *parley.Instance) bool {
	return sameFloats(a.Position, b.Position) && sameFloats(a.Salience, b.Salience) && sameFloats(a.Capability, b.Capability)
}

func diffResults(a, b *parley.Result) string {
	if len(a.Trace) != len(b.Trace) {
		return fmt.Sprintf("%d rounds vs %d", len(a.Trace), len(b.Trace))
	}
	for i := range a.Trace {
		if !sameFloats(a.Trace[i], b.Trace[i]) {
			return fmt.Sprintf("positions differ in round %d", a.Turns[i])
		}
	}
	if !sameFloats(a.Forecast, b.Forecast) {
		return "forecasts differ"
	}
	if len(a.Events) != len(b.Events) {
		return fmt.Sprintf("%d events vs %d", len(a.Events), len(b.Events))
	}
	return ""
}
