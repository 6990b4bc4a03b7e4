package smp

import (
	"context"
	"math"
	"testing"

	"github.com/parley-forecast/parley"
)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !(math.Abs(got-want) <= tol) {
		t.Errorf("%s = %.12g, want %.12g (±%g)", what, got, want, tol)
	}
}

// TestVote works each voting rule for weight 2 and utility difference
// ±0.25 (KTAB Model::vote).
func TestVote(t *testing.T) {
	for _, tc := range []struct {
		vr       votingRule
		up, down float64 // votes for du = +0.25 and du = -0.25
	}{
		{vrProp, 0.5, -0.5},              // 2·0.25
		{vrBinary, 2, -2},                // 2·clip(0.25/1e-8) = 2·1
		{vrPropBin, 0.8, -0.8},           // 2·(0.8·0.25 + 0.2·1) = 2·0.4
		{vrPropCbc, 0.265625, -0.265625}, // 2·(0.5·0.25 + 0.5·0.015625)
		{vrCubic, 0.03125, -0.03125},     // 2·0.25³
		{vrASymProsp, 1.0 / 3, -0.5},     // gains count 2/3: 2·2·0.25/3; losses in full
	} {
		near(t, votingRuleNames[tc.vr]+" up", vote(tc.vr, 2, 0.75, 0.5), tc.up, 1e-15)
		near(t, votingRuleNames[tc.vr]+" down", vote(tc.vr, 2, 0.5, 0.75), tc.down, 1e-15)
	}
	// Binary's linear zone: a difference of 5e-9 is half a vote.
	near(t, "Binary zone", vote(vrBinary, 2, 0.5+5e-9, 0.5), 1, 1e-6)
}

// TestVictoryProb works each victory-probability model for coalition
// strengths 2 against 1, and Binary's ramp for 1.05 against 1.
func TestVictoryProb(t *testing.T) {
	for _, tc := range []struct {
		vpm  victoryProb
		want float64
	}{
		{vpLinear, 2.0 / 3},    // 2/(2+1)
		{vpSquare, 4.0 / 5},    // 4/(4+1)
		{vpQuartic, 16.0 / 17}, // 16/(16+1)
		{vpOctic, 256.0 / 257}, // 256/(256+1)
		{vpBinary, 1 / (1 + 1e-6)},
	} {
		p, q := vProb2(tc.vpm, 2, 1)
		near(t, victoryProbNames[tc.vpm], p, tc.want, 1e-15)
		near(t, victoryProbNames[tc.vpm]+" sum", p+q, 1, 1e-15)
	}
	// Binary inside the 10 % band: r = 1.05/2.05 = 0.512195…, p = (2.1r − 1)/0.1 = 0.756098…
	p, _ := vProb2(vpBinary, 1.05, 1)
	near(t, "Binary ramp", p, (2.1*1.05/2.05-1)/0.1, 1e-12)
}

func TestUtilityAndRisk(t *testing.T) {
	near(t, "u(0.5, 1)", bsUtil(0.5, 1), 0.75, 0)         // (1−0.5)(1+0.5·1)
	near(t, "u(0.5, -0.5)", bsUtil(0.5, -0.5), 0.375, 0)  // (1−0.5)(1−0.25)
	near(t, "u(1.2, 0.5)", bsUtil(1.2, 0.5), -0.3, 1e-15) // beyond 1: (1−1.2)(1+0.5)
	// h with R=1 estimating i with R=−0.5.
	for ra, want := range map[bigRAdjust]float64{
		raNone: 1, raOneThird: 0.5, raHalf: 0.25, raTwoThirds: 0, raFull: -0.5,
	} {
		near(t, "estNRA "+bigRAdjustNames[ra], estNRA(ra, 1, -0.5), want, 1e-15)
	}
	// Win probabilities (0.45, 0.5, 0.05): pMin 0.05, pMax 0.5.
	p := []float64{0.45, 0.5, 0.05}
	r := make([]float64, 3)
	for rr, want := range map[bigRRange][]float64{
		rrMin: {8.0 / 9, 1, 0},    // (p − 0.05)/0.45
		rrMid: {5.0 / 6, 1, -0.5}, // (3p − 0.6)/0.9
		rrMax: {7.0 / 9, 1, -1},   // (2p − 0.55)/0.45
	} {
		if !bigR(rr, p, r) {
			t.Fatal("bigR refused distinct probabilities")
		}
		for i := range r {
			near(t, bigRRangeNames[rr], r[i], want[i], 1e-14)
		}
	}
	if bigR(rrMid, []float64{0.5, 0.5}, r[:2]) || r[0] != 0 || r[1] != 0 {
		t.Errorf("equal probabilities: want risk-neutral attitudes and false, got %v", r[:2])
	}
}

// TestPCEs: with two options whose coalitions are 3 against 1, P(a,b) =
// 3/4 and every PCE variant gives option a probability 3/4 (Conditional:
// 0.5·0.75 against 0.5·0.25; the Markov chains' fixed point is P(a,b)).
func TestPCEs(t *testing.T) {
	for pcem := range pceNames {
		var w pce
		w.ensure(2)
		w.c[0], w.c[1], w.c[2], w.c[3] = 1e-8, 3, 1, 1e-8
		if !w.solve(pceModel(pcem), vpLinear, 2) {
			t.Fatalf("%s did not converge", pceNames[pcem])
		}
		// The Markov chains stop when a step changes p by less than
		// 1e-8 (incentive) or 1e-6 (uniform), as KTAB's do.
		near(t, pceNames[pcem], w.p[0], 0.75, []float64{1e-12, 1e-7, 1e-5}[pcem])
	}
}

func TestRound4(t *testing.T) {
	for x, want := range map[float64]float64{0.04159723: 0.0416, 0.17241379: 0.1724, 0.00005: 0.0001, 1: 1, 0: 0} {
		near(t, "round4", round4(x), want, 0)
	}
}

// threeActors is the hand-worked case: actors A, B, C on one issue of
// scale [0,100] at 0, 50 and 100, capabilities 3, 2, 1, saliences 0.8,
// 0.6, 0.5.
func threeActors() *parley.Instance {
	return &parley.Instance{
		Actors:     []string{"A", "B", "C"},
		Issues:     []parley.IssueSpec{{ID: "x", Min: 0, Max: 100, Rule: parley.RuleMedian}},
		Position:   []float64{0, 50, 100},
		Salience:   []float64{0.8, 0.6, 0.5},
		Capability: []float64{3, 2, 1},
	}
}

// TestThreeActorsByHand checks the first round of the three-actor case
// step by step against arithmetic done by hand (with exact fractions).
func TestThreeActorsByHand(t *testing.T) {
	m, _ := New().Prepare(parley.Options{})
	s := m.(*Solver)
	var res parley.Result
	in := threeActors()
	if err := s.setup(in, &res); err != nil {
		t.Fatal(err)
	}
	s.assess(0, &res)

	// One issue, so d(i,j) = |x_i − x_j|: d(A,B) = d(B,C) = 0.5, d(A,C) = 1;
	// risk-neutral utilities 1 − d.
	//
	// Risk PCE, votes c_k·(u_k(a) − u_k(b)):
	//   A:B  A 3·(1−0.5)=1.5, B 2·(0.5−1)=−1, C 1·(0−0.5)=−0.5  → 1.5 : 1.5, P(A,B) = 1/2
	//   A:C  A 3·1=3, B 0, C −1                                  → 3 : 1,     P(A,C) = 3/4
	//   B:C  A 3·0.5=1.5, B 2·0.5=1, C 1·(0.5−1)=−0.5            → 2.5 : 0.5, P(B,C) = 5/6
	// (each strength also carries 1e-8). Conditional PCE with P(a,a) = 1/2:
	//   A ∝ 1/2·1/2·3/4 = 0.1875, B ∝ 1/2·1/2·5/6 = 0.2083, C ∝ 1/4·1/6·1/2 = 0.02083
	//   → p = (0.45, 0.5, 0.05), and R (Mid) = (3p − 0.6)/0.9 = (5/6, 1, −1/2).
	wantR := []float64{5.0 / 6, 1, -0.5}
	for i, r := range s.risk {
		near(t, "R["+in.Actors[i]+"]", r, wantR[i], 1e-8)
	}

	// A challenges B, in A's eyes (h = k = A). r^A_A = 5/6, r^A_B = (2·5/6+1)/3 = 8/9,
	// r^A_C = (2·5/6 − 1/2)/3 = 7/18; u(d,r) = (1−d)(1+dr):
	//   U(A,A)=1, U(A,B)=0.5·(1+5/12)=17/24, U(B,A)=0.5·(1+4/9)=13/18, U(B,B)=1,
	//   U(C,A)=0, U(C,B)=0.5·(1+7/36)=43/72, U(C,C)=1.
	// Status quo for A: 1 + 17/24 = 41/24. Principals: A votes 0.8·3·(1−17/24) = 0.7
	// for itself, B votes 0.6·2·(13/18−1) = −1/3 against. Third party C (weight 0.5):
	//   little contest vote 0.5·(0 − 43/72) = −43/144, so p = 0.7/(0.7 + 1/3 + 43/144) = 0.525547;
	//   joining A: 0.525547·(0+0+1) + 0.474453·3·43/72 = 1.375608;
	//   joining B: 0.525547·0 + 0.474453·(2·43/72 + 1) = 1.041160;
	//   vote 0.5·(1.375608 − 1.041160) = 0.167224 for A.
	// P(A beats B) = (0.7 + 0.167224)/(0.7 + 0.167224 + 1/3) = 0.722351;
	// contest value 2·0.722351 + (17/12)·0.277649 = 1.838039;
	// challenge value 0.4·2 + 0.6·1.838039 = 1.902824; gain 1.902824 − 41/24 = 0.194490.
	p, du := s.probEduChlg(&s.views[0], 0, 0, 0, 1)
	near(t, "P(A>B) by A", p, 0.722351232, 1e-8)
	near(t, "gain of A>B to A", du, 0.194489598, 1e-8)
	// A's other option, C, is worth more: C gives in with probability 1 − 0.5 and
	// B's third-party vote goes to A; gain 0.839661 (same arithmetic), so A targets C.
	p, du = s.probEduChlg(&s.views[0], 0, 0, 0, 2)
	near(t, "P(A>C) by A", p, 0.839660892, 1e-8)
	near(t, "gain of A>C to A", du, 0.839660892, 1e-8)
	// B's best target is C (gain 0.196029; challenging A would lose 0.040444), and C's
	// is B (gain 0.021508, P = 0.195344).
	_, du = s.probEduChlg(&s.views[0], 1, 1, 1, 0)
	near(t, "gain of B>A to B", du, -0.040444142, 1e-8)
	_, du = s.probEduChlg(&s.views[0], 1, 1, 1, 2)
	near(t, "gain of B>C to B", du, 0.196029051, 1e-8)
	p, du = s.probEduChlg(&s.views[0], 2, 2, 2, 1)
	near(t, "gain of C>B to C", du, 0.021508077, 1e-8)

	// C's bargain with B (S2P2): w_C = 0.5²·0.195344² = 0.009540, w_B = 0.6²·0.804656² = 0.233091,
	// both points ((w_C+1e-6)·1 + w_B·0.5)/(w_C + w_B + 1e-6) = 0.519660 → round4 0.5197.
	bi, bj := make([]float64, 1), make([]float64, 1)
	s.interpolate(2, 1, p, 1-p, bi, bj)
	near(t, "C's bargain for C", bi[0], 0.5197, 0)
	near(t, "C's bargain for B", bj[0], 0.5197, 0)

	// Round 1. Queues: A {SQ, A→C}, B {SQ, B→C, C→B}, C {A→C, B→C, SQ, C→B}. A's bargain
	// with C puts both at 0.014, B's at 0.525. The PCEs over the states they produce
	// (weights 3, 2, 1) give A's queue (0.245, 0.755), B's (0.042, 0.232, 0.726) and C's
	// (0.365, 0.149, 0.015, 0.471): A moves to 1.4, B and C to C's bargain, 51.97.
	full := run(t, threeActors(), parley.Options{})
	want := []float64{1.4, 51.97, 51.97}
	for i, w := range want {
		near(t, "round 1 "+in.Actors[i], full.Trace[1][i], w, 1e-9)
	}
}

func run(t *testing.T, in *parley.Instance, opts parley.Options) *parley.Result {
	t.Helper()
	m, err := New().Prepare(opts)
	if err != nil {
		t.Fatal(err)
	}
	var r parley.Result
	if err := m.Solve(context.Background(), in, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// TestInterpolationRules works the three bargain interpolations for i at
// 0 and j at 1 with saliences 0.8 and 0.5 and i's chance 0.75.
func TestInterpolationRules(t *testing.T) {
	in := &parley.Instance{
		Actors:     []string{"i", "j", "k"},
		Issues:     []parley.IssueSpec{{ID: "x", Min: 0, Max: 1}},
		Position:   []float64{0, 1, 0.5},
		Salience:   []float64{0.8, 0.5, 0.5},
		Capability: []float64{1, 1, 1},
	}
	for _, tc := range []struct {
		ivb    interpModel
		bi, bj float64
	}{
		// S2P2: w_i = 0.64·0.5625 = 0.36, w_j = 0.25·0.0625 = 0.015625;
		// b = (0.015625 [+1e-6 on j's side])/(0.375625 + 1e-6) = 0.041597…, 0.041599… → 0.0416.
		{ivS2P2, 0.0416, 0.0416},
		// S1P1: w_i = 0.8·0.75 = 0.6, w_j = 0.5·0.25 = 0.125; b = 0.125/0.725 = 0.17241 → 0.1724.
		{ivS1P1, 0.1724, 0.1724},
		// S2PMax: only the likelier loser moves: i stays; j moves by
		// 0.5·0.64/(0.5·0.64 + 1e-6 + 0.5·0.25) = 0.719099 of the way: 1 − 0.719099.
		{ivS2PMax, 0, 1 - 0.32/(0.32+1e-6+0.125)},
	} {
		m, _ := New().Prepare(parley.Options{Params: map[string]string{OptInterp: interpNames[tc.ivb]}})
		s := m.(*Solver)
		var res parley.Result
		if err := s.setup(in, &res); err != nil {
			t.Fatal(err)
		}
		bi, bj := make([]float64, 1), make([]float64, 1)
		s.interpolate(0, 1, 0.75, 0.25, bi, bj)
		near(t, interpNames[tc.ivb]+" b_i", bi[0], tc.bi, 1e-12)
		near(t, interpNames[tc.ivb]+" b_j", bj[0], tc.bj, 1e-12)
	}
}

// TestThirdPartyCommit works a third party with utilities u_i = 0.8,
// u_j = 0.2, u_own = 0.5 and chance 0.6 that i wins (weight 1, Prop).
func TestThirdPartyCommit(t *testing.T) {
	for _, tc := range []struct {
		tpc  thirdParty
		want float64
	}{
		// join i: 0.6·(1.6+0.5) + 0.4·(0.4+0.5) = 1.62; join j: the same → 0
		{tpNoCommit, 0},
		// join i: 0.6·2.1 + 0.4·0.6 = 1.5; join j: 0.6·2.4 + 0.4·0.9 = 1.8 → −0.3
		{tpSemiCommit, -0.3},
		// join i: 0.6·2.4 + 0.4·0.6 = 1.68; join j: 0.6·2.4 + 0.4·0.6 = 1.68 → 0
		{tpFullCommit, 0},
	} {
		near(t, thirdPartyNames[tc.tpc], thirdPartyVote(vrProp, tc.tpc, 1, 0.6, 0.4, 0.8, 0.2, 0.5), tc.want, 1e-12)
	}
}
