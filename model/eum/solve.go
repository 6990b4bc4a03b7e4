package eum

import (
	"context"
	"fmt"
	"math"

	"github.com/parley-forecast/parley"
)

type solver struct {
	ws workspace
}

// workspace is the memory a solver reuses from one Solve to the next. The
// first block describes the game being played (one issue, n players); the
// second the whole instance.
type workspace struct {
	cfg config

	n             int
	x, next       []float64 // positions before and after the round
	s, w          []float64 // salience, capability × salience
	r, danger     []float64 // risk exponents, security sums
	m             int       // number of distinct positions
	u             []float64 // distinct positions, increasing
	mult, pos     []int     // how many players hold each u_q; each player's index in u
	order         []int     // scratch for sorting
	dd            []float64 // m×m: distance between distinct positions / R
	bs, bf        []float64 // m×m: the bases of U_s and U_f
	ld, ls, lf    []float64 // m×m: ln of dd, bs and bf
	p1, p2        []float64 // m×m: P(u_p prevails over u_q) before and after the risk exponents
	term          []float64 // per distinct position: a player's security term
	bq, sqA       []float64 // per distinct position: E^i(U_ji), and the status-quo term of E^i(U_ij)
	oldIdx        []int     // per distinct position: its index in the issue's pair cache, or -1
	pc            *pairCache
	caches        []pairCache // one per issue
	d1, d         []float64   // m×n: voter k's linear and risk-adjusted distance from u_p
	num           []float64   // m×m: votes for u_p over u_q
	us, uf        []float64   // U_s and U_f against each distinct position
	den           float64     // all-pairs normaliser
	R, mu         float64     // fixed range, weighted median at round start
	choice        []offer
	medIdx        []int
	snap          *snapshot        // filled by step when non-nil (tests)
	capitulations int              // capitulation offers classified (tests)
	played        int              // issue-rounds played (tests)
	typo          bool             // drop capitulations as the reference code does (tests)
	stepFn        func(*workspace) // replaces step when non-nil (tests)

	cur          []float64 // N×M positions
	players, off []int     // issue k's players are players[off[k]:off[k+1]]
	issue        []issueState
	outcomeW     []float64 // scratch for Instance.Outcome
	outcomeIdx   []int

	// hist holds, when cycles are looked for, each issue's players'
	// positions after the last histLen rounds played, in a ring: issue k's
	// rows start at histLen·off[k], and the positions after round t (t = 0
	// is the input) are in row t mod histLen, while t is among the last
	// histLen rounds. histLen is min(rounds, maxPeriod) + 1, so memory does
	// not grow with the rounds asked for.
	hist    []float64
	histLen int
}

// pairCache holds an issue's distinct positions in its last round and
// the logarithms computed for their pairs. Most positions survive from one
// round to the next (in the flagship draws about 6.6 of 7.3), and a pair's
// logarithms depend only on its two positions and the issue's fixed range,
// so they are looked up here instead of recomputed.
type pairCache struct {
	m          int
	u          []float64
	ld, ls, lf []float64 // m×m, as in workspace
}

// issueState is what persists about one issue's game between rounds.
type issueState struct {
	R      float64 // range of the initial positions
	median float64 // weighted median after the last round played
	quiet  int     // consecutive rounds in which the median barely moved
	done   bool    // stopped early, or its final positions are known
	static bool    // fewer than two players or zero range: nobody can move
}

// grow returns s with length n, reusing its memory when it is large enough.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// setup sizes the workspace for in and records each issue's players and
// fixed range.
func (ws *workspace) setup(in *parley.Instance, rounds int, cycles bool) {
	n, m := in.N(), in.M()
	ws.cur = grow(ws.cur, n*m)
	copy(ws.cur, in.Position)
	ws.players = grow(ws.players, n*m)[:0]
	ws.off = grow(ws.off, m+1)
	ws.issue = grow(ws.issue, m)
	ws.outcomeW = grow(ws.outcomeW, n)
	ws.outcomeIdx = grow(ws.outcomeIdx, n)
	maxN := 0
	for k := 0; k < m; k++ {
		ws.off[k] = len(ws.players)
		lo, hi := math.Inf(1), math.Inf(-1)
		for a := 0; a < n; a++ {
			x := in.Position[a*m+k]
			if math.IsNaN(x) {
				continue
			}
			ws.players = append(ws.players, a)
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
		np := len(ws.players) - ws.off[k]
		maxN = max(maxN, np)
		st := issueState{R: hi - lo, static: np < 2 || !(hi > lo)}
		if np == 0 {
			st.R = 0
		}
		ws.issue[k] = st
	}
	ws.off[m] = len(ws.players)
	ws.x = grow(ws.x, maxN)
	ws.next = grow(ws.next, maxN)
	ws.s = grow(ws.s, maxN)
	ws.w = grow(ws.w, maxN)
	ws.r = grow(ws.r, maxN)
	ws.danger = grow(ws.danger, maxN)
	ws.choice = grow(ws.choice, maxN)
	ws.medIdx = grow(ws.medIdx, maxN)
	ws.u = grow(ws.u, maxN)
	ws.mult = grow(ws.mult, maxN)
	ws.pos = grow(ws.pos, maxN)
	ws.order = grow(ws.order, maxN)
	ws.us = grow(ws.us, maxN)
	ws.uf = grow(ws.uf, maxN)
	ws.term = grow(ws.term, maxN)
	ws.bq = grow(ws.bq, maxN)
	ws.sqA = grow(ws.sqA, maxN)
	ws.oldIdx = grow(ws.oldIdx, maxN)
	for _, p := range []*[]float64{&ws.dd, &ws.bs, &ws.bf, &ws.ld, &ws.ls, &ws.lf, &ws.p1, &ws.p2, &ws.d1, &ws.d, &ws.num} {
		*p = grow(*p, maxN*maxN)
	}
	ws.caches = grow(ws.caches, m)
	for k := range ws.caches {
		c := &ws.caches[k]
		c.m = 0 // the range, and so every logarithm, is new
		c.u = grow(c.u, maxN)
		c.ld = grow(c.ld, maxN*maxN)
		c.ls = grow(c.ls, maxN*maxN)
		c.lf = grow(c.lf, maxN*maxN)
	}
	if cycles {
		ws.histLen = min(rounds, maxPeriod) + 1
		ws.hist = grow(ws.hist, ws.histLen*len(ws.players))
	}
	for k := 0; k < m; k++ {
		ws.load(in, k)
		ws.issue[k].median = parley.WeightedMedian(ws.x[:ws.n], ws.w[:ws.n], ws.medIdx)
		if cycles {
			copy(ws.histRow(k, 0), ws.x[:ws.n])
		}
	}
}

// maxPeriod is the longest cycle the shortcut looks for (see cycle).
// Flagship draws cycle with periods up to 9 within ten rounds; a bound
// keeps the search and its memory constant however many rounds are asked
// for.
const maxPeriod = 64

// histRow is the row of issue k's history that holds the positions after
// round t (see workspace.hist).
func (ws *workspace) histRow(k, t int) []float64 {
	n := ws.off[k+1] - ws.off[k]
	i := ws.histLen*ws.off[k] + (t%ws.histLen)*n
	return ws.hist[i : i+n]
}

// cycle records the positions issue k's players hold after round t
// (ws.next) and looks for the same positions after an earlier round t0,
// at most maxPeriod rounds back. A round is a function of the positions
// it starts from alone (the range is fixed for the run and the median is
// that of the positions), so from then on the game repeats with period
// t − t0, and the positions after the last round are those after round
// t0 + (rounds − t0) mod (t − t0), a round between t0 and t, so still in
// the history. If so, cycle writes them to cur and reports true. Positions
// are compared bit for bit, so the shortcut changes no result.
func (ws *workspace) cycle(rounds, m, k, t int) bool {
	row := ws.histRow(k, t)
	copy(row, ws.next[:ws.n])
	for t0 := t - 1; t0 >= 0 && t0 >= t-maxPeriod; t0-- {
		if !sameBits(ws.histRow(k, t0), row) {
			continue
		}
		final := ws.histRow(k, t0+(rounds-t0)%(t-t0))
		for i, a := range ws.players[ws.off[k]:ws.off[k+1]] {
			ws.cur[a*m+k] = final[i]
		}
		return true
	}
	return false
}

// sameBits reports whether a and b (of equal length) hold the same bits.
func sameBits(a, b []float64) bool {
	b = b[:len(a)]
	for i, x := range a {
		if math.Float64bits(x) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// load makes issue k's game current: its players' positions (from cur),
// capabilities, saliences and weights.
func (ws *workspace) load(in *parley.Instance, k int) {
	m := in.M()
	pl := ws.players[ws.off[k]:ws.off[k+1]]
	ws.n = len(pl)
	for i, a := range pl {
		j := a*m + k
		ws.x[i] = ws.cur[j]
		ws.s[i] = in.Salience[j]
		ws.w[i] = in.Capability[j] * in.Salience[j]
	}
	st := &ws.issue[k]
	ws.pc = &ws.caches[k]
	ws.R = st.R
	ws.mu = st.median
	if math.IsNaN(ws.mu) && ws.n > 0 {
		// No player has positive weight, so there is no weighted median;
		// the status-quo terms (q < 1) use the middle of the positions.
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, x := range ws.x[:ws.n] {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
		ws.mu = (lo + hi) / 2
	}
}

// store writes the game's new positions back into cur.
func (ws *workspace) store(m, k int) {
	for i, a := range ws.players[ws.off[k]:ws.off[k+1]] {
		ws.cur[a*m+k] = ws.next[i]
	}
}

func (sv *solver) Solve(ctx context.Context, in *parley.Instance, dst *parley.Result) error {
	if err := in.Check(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	ws := &sv.ws
	cfg := ws.cfg
	m := in.M()
	dst.Reset(Name)
	// Without a trace to record, an issue whose positions repeat those
	// of an earlier round is finished at once (see cycle). With epsilon
	// the rounds actually played are reported, so it is not used.
	cycles := cfg.noTrace && cfg.epsilon == 0
	ws.setup(in, cfg.rounds, cycles)
	dst.AppendRound(0, ws.cur)

	var rec *recorder
	if !cfg.noTrace {
		rec = newRecorder(in, ws, cfg.rounds)
	}
	for k := 0; k < m; k++ {
		st := ws.issue[k]
		np := ws.off[k+1] - ws.off[k]
		switch {
		case np == 0:
			dst.Notes = append(dst.Notes, fmt.Sprintf("issue %s: no actor takes part; there is no forecast", in.Issues[k].ID))
		case st.static:
			dst.Notes = append(dst.Notes, fmt.Sprintf("issue %s: every actor taking part holds the same position, so nobody moves", in.Issues[k].ID))
		case math.IsNaN(st.median):
			dst.Notes = append(dst.Notes, fmt.Sprintf("issue %s: no actor has positive capability × salience, so nobody votes (P = 0) and there is no weighted median", in.Issues[k].ID))
		}
	}

	for round := 1; round <= cfg.rounds; round++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if rec != nil {
			rec.beginRound(round)
		}
		allDone := true
		for k := 0; k < m; k++ {
			st := &ws.issue[k]
			if st.done {
				continue
			}
			ws.load(in, k)
			ws.played++
			n := ws.n
			if st.static {
				for i := 0; i < n; i++ {
					ws.r[i], ws.choice[i], ws.next[i] = 1, offer{}, ws.x[i]
				}
			} else if ws.stepFn != nil {
				ws.stepFn(ws)
			} else {
				ws.step()
			}
			ws.store(m, k)
			if cycles {
				// The next round's μ, which only the status-quo terms
				// (Q < 1) use; nothing else is recorded.
				if cfg.q != 1 {
					st.median = parley.WeightedMedian(ws.next[:n], ws.w[:n], ws.medIdx)
				}
				if ws.cycle(cfg.rounds, m, k, round) {
					st.done = true
				} else {
					allDone = false
				}
				continue
			}
			mean := parley.WeightedMean(ws.next[:n], ws.w[:n])
			median := parley.WeightedMedian(ws.next[:n], ws.w[:n], ws.medIdx)
			if rec != nil {
				rec.issue(in, ws, dst, round, k, mean, median)
			}
			if cfg.epsilon > 0 {
				if st.static || math.Abs(median-st.median) < cfg.epsilon*st.R {
					st.quiet++
				} else {
					st.quiet = 0
				}
				if st.quiet >= cfg.stable {
					st.done = true
					dst.Notes = append(dst.Notes, fmt.Sprintf("issue %s: stopped after round %d: the weighted median moved less than epsilon × range (%g) in %d consecutive round(s)",
						in.Issues[k].ID, round, cfg.epsilon*st.R, cfg.stable))
				}
			}
			st.median = median
			allDone = allDone && st.done
		}
		if rec != nil {
			rec.endRound()
			dst.AppendRound(round, ws.cur)
		} else if cycles && allDone {
			// Every issue's positions after the last round are known.
			dst.SetFinal(cfg.rounds, ws.cur, false)
		} else {
			dst.SetFinal(round, ws.cur, false)
		}
		if allDone {
			break
		}
	}

	final := dst.Final()
	for k := 0; k < m; k++ {
		dst.Forecast = append(dst.Forecast, in.Outcome(k, final, ws.outcomeW, ws.outcomeIdx))
	}
	if rec != nil {
		dst.Detail = rec.d
	}
	return nil
}

// recorder builds the Detail and Events of a traced run. Its backing
// arrays are sized once per Solve, so recording allocates nothing per
// round except the events' text.
type recorder struct {
	d      *Detail
	names  []string // each issue's players' ids: names[off[k]:off[k+1]]
	issues []IssueRound
	risk   []float64
	offers []Offer
	start  int // index in issues where the current round starts
}

func newRecorder(in *parley.Instance, ws *workspace, rounds int) *recorder {
	m, p := in.M(), len(ws.players)
	rec := &recorder{
		d:      &Detail{Rounds: make([]Round, 0, rounds)},
		names:  make([]string, p),
		issues: make([]IssueRound, 0, rounds*m),
		risk:   make([]float64, 0, rounds*p),
		offers: make([]Offer, 0, rounds*p),
	}
	for i, a := range ws.players {
		rec.names[i] = in.Actors[a]
	}
	return rec
}

func (rec *recorder) beginRound(round int) {
	rec.d.Rounds = append(rec.d.Rounds, Round{Round: round})
	rec.start = len(rec.issues)
}

func (rec *recorder) endRound() {
	last := len(rec.d.Rounds) - 1
	rec.d.Rounds[last].Issues = rec.issues[rec.start:len(rec.issues):len(rec.issues)]
}

// issue records issue k's round: risk exponents, accepted offers (also as
// events when they move the actor), mean and median.
func (rec *recorder) issue(in *parley.Instance, ws *workspace, dst *parley.Result, round, k int, mean, median float64) {
	n := ws.n
	names := rec.names[ws.off[k]:ws.off[k+1]]
	pl := ws.players[ws.off[k]:ws.off[k+1]]
	r0 := len(rec.risk)
	rec.risk = append(rec.risk, ws.r[:n]...)
	o0 := len(rec.offers)
	for i := 0; i < n; i++ {
		ch := ws.choice[i]
		if ch.kind == noOffer {
			continue
		}
		rec.offers = append(rec.offers, Offer{
			Actor: names[i], Type: ch.kind.String(), Counterpart: names[ch.j],
			EUij: ch.a, EUji: ch.b, From: ws.x[i], To: ch.to,
		})
		if ch.to != ws.x[i] {
			dst.Events = append(dst.Events, parley.Event{
				Round: round, Actor: pl[i], Issue: k, From: ws.x[i], To: ch.to, Other: pl[ch.j],
				Why: why(ch, names[ch.j]),
			})
		}
	}
	rec.issues = append(rec.issues, IssueRound{
		Issue:  in.Issues[k].ID,
		Risk:   Risk{Actors: names, R: rec.risk[r0:len(rec.risk):len(rec.risk)]},
		Offers: rec.offers[o0:len(rec.offers):len(rec.offers)],
		Mean:   mean,
		Median: median,
	})
}

// why explains an accepted offer in words.
func why(ch offer, other string) string {
	var what string
	switch ch.kind {
	case confrontation:
		what = "confrontation with " + other + ", which it expects to lose"
	case compromise:
		what = "compromise with " + other
	default:
		what = "capitulation to " + other
	}
	return fmt.Sprintf("%s (E_i(U_ij)=%.3f, E_i(U_ji)=%.3f)", what, ch.a, ch.b)
}

// snapshot captures the intermediate quantities of one round of one game,
// for tests: probabilities used for the security sums (P1) and for the
// offers (P2), the security sums, the risk exponents, and the receiver's
// estimates E^i(U_ij), E^i(U_ji) for every pair (n×n, row i).
type snapshot struct {
	P1, P2, Danger, R, EUij, EUji []float64
}

func (sn *snapshot) fillP(w *workspace, dst []float64) {
	n := w.n
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			dst[i*n+j] = w.prob(w.pos[i], w.pos[j])
		}
	}
}
