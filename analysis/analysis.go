package analysis

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/parley-forecast/parley"
)

// A Recorder is told how far an analysis has got, for progress bars. Start
// is called once with the number of model runs to come (-1 when it is not
// known in advance), Add from any goroutine as runs finish, and Done once
// at the end, also after an error. Implementations must be safe for
// concurrent calls to Add.
type Recorder interface {
	Start(total int64)
	Add(n int64)
	Done()
}

// Nop is a Recorder that records nothing.
type Nop struct{}

// Start does nothing.
func (Nop) Start(int64) {}

// Add does nothing.
func (Nop) Add(int64) {}

// Done does nothing.
func (Nop) Done() {}

// Config says which model to run and how; every analysis takes one.
type Config struct {
	// Model is the model to run.
	Model parley.Model
	// Options configure it. Options.Seed also seeds the analysis's own
	// random draws. NoTrace is set by the analyses that need only
	// outcomes.
	Options parley.Options
	// Workers is the number of goroutines, each with its own Solver; 0
	// means runtime.GOMAXPROCS(0). Results do not depend on it.
	Workers int
	// Recorder receives progress; nil records nothing.
	Recorder Recorder
}

func (c *Config) workers() int {
	if c.Workers > 0 {
		return c.Workers
	}
	return runtime.GOMAXPROCS(0)
}

func (c *Config) recorder() Recorder {
	if c.Recorder == nil {
		return Nop{}
	}
	return c.Recorder
}

// prepare returns a Solver for one worker.
func (c *Config) prepare(noTrace bool) (parley.Solver, error) {
	if c.Model == nil {
		return nil, parley.Errorf(parley.EINVALID, "analysis: no model given")
	}
	opts := c.Options
	opts.NoTrace = noTrace
	return c.Model.Prepare(opts)
}

// A Problem is a scenario compiled for analysis: the instance of its most
// likely values, its uncertain inputs with the cells each one writes, and
// its questions bound to the issue order.
type Problem struct {
	Scenario  *parley.Scenario
	Base      *parley.Instance
	Inputs    []parley.Input
	Questions []Question
	// IssueIDs are the issue ids in instance order.
	IssueIDs []string
	// cells[j] are the indices into the field of input j that it sets.
	cells [][]int
	// q[j] are input j's quantile constants.
	q []quantiles
}

// A Question is a scenario question bound to the instance's issues.
type Question struct {
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
	When        string `json:"when"`
	cond        *parley.BoundCondition
}

// Holds reports whether the question holds for the given outcomes.
func (q *Question) Holds(outcomes []float64) bool { return q.cond.Holds(outcomes) }

// NewProblem compiles s (with any variant already applied). It returns an
// EINVALID *Error when the scenario does not validate or a question does
// not parse.
func NewProblem(s *parley.Scenario) (*Problem, error) {
	base, err := s.Instance()
	if err != nil {
		return nil, err
	}
	p := &Problem{Scenario: s, Base: base, Inputs: s.Uncertain()}
	for _, is := range base.Issues {
		p.IssueIDs = append(p.IssueIDs, is.ID)
	}
	for _, q := range s.Questions {
		c, err := parley.ParseCondition(q.When)
		if err != nil {
			return nil, parley.Errorf(parley.EINVALID, "question %s: %v", q.ID, err)
		}
		b, err := c.Bind(p.IssueIDs)
		if err != nil {
			return nil, parley.Errorf(parley.EINVALID, "question %s: %v", q.ID, err)
		}
		p.Questions = append(p.Questions, Question{ID: q.ID, Description: q.Description, When: q.When, cond: b})
	}
	// The cells each input writes, as Input.Set would: an actor's overall
	// capability goes to every issue it takes part in without an override
	// of its own.
	over := s.Overrides()
	m := base.M()
	for _, u := range p.Inputs {
		var cs []int
		switch {
		case u.Field == "capability" && u.Issue < 0:
			for k := 0; k < m; k++ {
				i := u.Actor*m + k
				if !math.IsNaN(base.Position[i]) && !over[i] {
					cs = append(cs, i)
				}
			}
		default:
			cs = []int{u.Actor*m + u.Issue}
		}
		p.cells = append(p.cells, cs)
		p.q = append(p.q, newQuantiles(u.Value))
	}
	return p, nil
}

// field returns the slice of in that input j writes.
func (p *Problem) field(in *parley.Instance, j int) []float64 {
	switch p.Inputs[j].Field {
	case "position":
		return in.Position
	case "salience":
		return in.Salience
	}
	return in.Capability
}

// set writes x as input j's value into in, like Input.Set without the map.
func (p *Problem) set(in *parley.Instance, j int, x float64) {
	f := p.field(in, j)
	for _, c := range p.cells[j] {
		f[c] = x
	}
}

// fill writes into in the base values with each uncertain input j set to
// its distribution's quantile u[j]. It is the hot loop of every analysis,
// hence the precomputed constants (see quantiles).
func (p *Problem) fill(in *parley.Instance, d Dist, u []float64) {
	in.CopyValuesFrom(p.Base)
	if d == Uniform {
		for j := range p.Inputs {
			q := &p.q[j]
			p.set(in, j, q.a+u[j]*q.w)
		}
		return
	}
	for j := range p.Inputs {
		p.set(in, j, p.q[j].triangular(u[j]))
	}
}

// quantiles holds an input's range in the form its quantile functions
// need: a = low, b = high, w = b−a, fc = (c−a)/w, ka = w(c−a), kb = w(b−c).
type quantiles struct{ a, b, w, fc, ka, kb float64 }

func newQuantiles(v parley.Value) quantiles {
	w := v.High - v.Low
	q := quantiles{a: v.Low, b: v.High, w: w, ka: w * (v.Mode - v.Low), kb: w * (v.High - v.Mode)}
	if w > 0 {
		q.fc = (v.Mode - v.Low) / w
	}
	return q
}

// triangular is Triangular.Quantile with the constants precomputed; the
// two agree exactly (TestFillAgreesWithInputSet).
func (q *quantiles) triangular(u float64) float64 {
	var x float64
	if u < q.fc {
		x = q.a + math.Sqrt(u*q.ka)
	} else {
		x = q.b - math.Sqrt((1-u)*q.kb)
	}
	if x < q.a {
		x = q.a
	}
	if x > q.b {
		x = q.b
	}
	return x
}

// Fingerprint is a SHA-256 of the scenario's JSON encoding, in hex: two
// partial results may be merged only if they were computed from the same
// scenario.
func (p *Problem) Fingerprint() string {
	b, err := json.Marshal(p.Scenario)
	if err != nil {
		// A scenario that validated always marshals; keep going with a
		// fingerprint that cannot match another.
		return "unmarshalable:" + err.Error()
	}
	h := sha256.Sum256(b)
	return fmt.Sprintf("%x", h)
}

// drawSeed derives the two PCG seed words of draw i from the master seed
// alone: the first 16 bytes of SHA-256(seed ‖ i), both little-endian. No
// worker or shard identity enters, so draw i is the same however the work
// is split.
func drawSeed(seed, i uint64) (uint64, uint64) {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], seed)
	binary.LittleEndian.PutUint64(b[8:], i)
	h := sha256.Sum256(b[:])
	return binary.LittleEndian.Uint64(h[:8]), binary.LittleEndian.Uint64(h[8:16])
}

// parallel runs work over [lo, hi) in chunks of at most chunk indices on
// workers goroutines. Worker w (0 ≤ w < workers) gets its chunks in no
// fixed order: work must keep per-worker state only for speed and put its
// results where their index, not w, says. The first error stops the rest.
func parallel(ctx context.Context, workers int, lo, hi, chunk uint64, rec Recorder, work func(w int, lo, hi uint64) error) error {
	if hi <= lo {
		return nil
	}
	if chunk == 0 {
		chunk = 1
	}
	n := (hi - lo + chunk - 1) / chunk
	if uint64(workers) > n {
		workers = int(n)
	}
	if workers < 1 {
		workers = 1
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Uint64
	var once sync.Once
	var first error
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				if ctx.Err() != nil {
					return
				}
				c := next.Add(1) - 1
				if c >= n {
					return
				}
				a := lo + c*chunk
				b := min(a+chunk, hi)
				if err := work(w, a, b); err != nil {
					once.Do(func() { first = err; cancel() })
					return
				}
				rec.Add(int64(b - a))
			}
		}(w)
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// widths returns each issue's scale width.
func widths(in *parley.Instance) []float64 {
	w := make([]float64, in.M())
	for k, is := range in.Issues {
		w[k] = is.Max - is.Min
	}
	return w
}

// issueName returns the display name of issue id.
func issueName(s *parley.Scenario, id string) string {
	for _, is := range s.Issues {
		if is.ID == id {
			return is.Name
		}
	}
	return ""
}

// actorName returns the display name of actor id.
func actorName(s *parley.Scenario, id string) string {
	for _, a := range s.Actors {
		if a.ID == id {
			return a.Name
		}
	}
	return ""
}

// sortedKeys returns m's keys in order.
func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
