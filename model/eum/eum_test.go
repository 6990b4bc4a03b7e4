package eum_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/csvcase"
	"github.com/parley-forecast/parley/model/eum"
	"github.com/parley-forecast/parley/model/modeltest"
)

const tol = 1e-12

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if !(math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))) {
		t.Errorf("%s = %.15g, want %.15g", what, got, want)
	}
}

// oneIssue builds a one-issue instance on [lo,hi].
func oneIssue(lo, hi float64, ids []string, x, c, s []float64) *parley.Instance {
	return &parley.Instance{
		Actors:     ids,
		Issues:     []parley.IssueSpec{{ID: "x", Min: lo, Max: hi}},
		Position:   x,
		Capability: c,
		Salience:   s,
	}
}

func testdataEmissions(t testing.TB) *parley.Instance {
	b, err := os.ReadFile("testdata/emissions.csv")
	if err != nil {
		t.Fatal(err)
	}
	in, err := csvcase.ParseInstance("emissions.csv", b)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func TestUtilities(t *testing.T) {
	r2 := math.Sqrt2
	for _, c := range []struct {
		what      string
		got, want float64
	}{
		// U_s = 2 − 4(0.5 − 0.5·d/R)^r with d = 3, R = 6: base 0.25.
		{"U_s r=1", eum.USuccess(3, 6, 1), 1},         // 2 − 4·0.25
		{"U_s r=2", eum.USuccess(3, 6, 2), 1.75},      // 2 − 4·0.0625
		{"U_s r=1/2", eum.USuccess(3, 6, 0.5), 0},     // 2 − 4·0.5
		{"U_s d=0 r=1", eum.USuccess(0, 6, 1), 0},     // 2 − 4·0.5
		{"U_s d=R r=1/2", eum.USuccess(6, 6, 0.5), 2}, // 2 − 4·0
		// U_f = 2 − 4(0.5 + 0.5·d/R)^r: base 0.75.
		{"U_f r=1", eum.UFailure(3, 6, 1), -1},                     // 2 − 4·0.75
		{"U_f r=2", eum.UFailure(3, 6, 2), -0.25},                  // 2 − 4·0.5625
		{"U_f r=1/2", eum.UFailure(3, 6, 0.5), 2 - 2*math.Sqrt(3)}, // 2 − 4·√0.75
		{"U_f d=R r=2", eum.UFailure(6, 6, 2), -2},                 // 2 − 4·1
		// U_sq = 2 − 4·0.5^r.
		{"U_sq r=1", eum.UStatusQuo(1), 0},
		{"U_sq r=2", eum.UStatusQuo(2), 1},            // 2 − 4·0.25
		{"U_sq r=1/2", eum.UStatusQuo(0.5), 2 - 2*r2}, // 2 − 4/√2
		// U_b, U_w with |x_c − μ| = 1, |x_c − x_t| = 3, R = 6: 0.25·4/6 = 1/6.
		{"U_b r=1", eum.UBetter(1, 3, 6, 1), 2.0 / 3},  // 2 − 4(1/2 − 1/6) = 2 − 4/3
		{"U_b r=2", eum.UBetter(1, 3, 6, 2), 14.0 / 9}, // 2 − 4/9
		{"U_w r=1", eum.UWorse(1, 3, 6, 1), -2.0 / 3},  // 2 − 4(1/2 + 1/6) = 2 − 8/3
		{"U_w r=2", eum.UWorse(1, 3, 6, 2), 2 - 16.0/9},
		// E = s_t[P·U_s + (1−P)U_f] + (1−s_t)U_s − Q·U_sq.
		// 0.5(0.25·1 + 0.75·(−1)) + 0.5·1 − 0 = −0.25 + 0.5 = 0.25.
		{"EU", eum.ChallengeEU(0.5, 0.25, 1, -1, 0, 1), 0.25},
		// Same with U_sq = 1 and Q = 0.5: 0.25 − 0.5.
		{"EU Q=1/2", eum.ChallengeEU(0.5, 0.25, 1, -1, 1, 0.5), -0.25},
		// A target that never resists (s_t = 0) yields U_s − Q·U_sq.
		{"EU s_t=0", eum.ChallengeEU(0, 0.9, 1.75, -0.25, 1, 1), 0.75},
		// r = (1 − R/3)/(1 + R/3).
		{"r(R=-1)", eum.RiskExponent(-1), 2}, // (4/3)/(2/3)
		{"r(R=1)", eum.RiskExponent(1), 0.5}, // (2/3)/(4/3)
		{"r(R=0)", eum.RiskExponent(0), 1},
		{"r(R=1/2)", eum.RiskExponent(0.5), 5.0 / 7}, // (5/6)/(7/6)
	} {
		near(t, c.what, c.got, c.want)
	}
}

func TestQuadrants(t *testing.T) {
	for _, c := range []struct {
		a, b float64 // E^i(U_ij), E^i(U_ji)
		want string
	}{
		{0.2, 0.5, "confrontation"}, // b > a > 0: i expects to lose a fight
		{0.5, 0.2, ""},              // a > b > 0: i expects to win; j should give in
		{-0.1, 0.3, "compromise"},   // b > 0 > a, b > |a|
		{-0.3, 0.1, "capitulation"}, // b > 0 > a, |a| > b
		{-0.2, 0.2, "capitulation"}, // on the anti-diagonal: same destination as a full compromise
		{-0.1, -0.2, ""},            // both negative: status quo
		{0.1, -0.3, ""},             // j has nothing to gain
		{0, 0.5, ""},                // on an axis: no offer
		{-0.1, 0, ""},
		{0.3, 0.3, ""}, // a = b > 0
	} {
		if got := eum.Classify(c.a, c.b); got != c.want {
			t.Errorf("quadrant of (%g, %g) = %q, want %q", c.a, c.b, got, c.want)
		}
	}
}

// TestProbabilityThreeActors works both probability formulas by hand on
// A, B, C at 0, 0.5, 1, each with c·s = 1, at r = 1 (R = 1).
func TestProbabilityThreeActors(t *testing.T) {
	in := oneIssue(0, 1, []string{"A", "B", "C"}, []float64{0, 0.5, 1}, []float64{1, 1, 1}, []float64{1, 1, 1})
	// d[a][k] = |x_k − x_a|: rows A (0, .5, 1), B (.5, 0, .5), C (1, .5, 0).
	// Votes for x_i over x_j: Σ_k max(0, d[j][k] − d[i][k]).
	//   A over B: max(0,.5) + max(0,−.5) + max(0,−.5) = .5;  B over A: 0 + .5 + .5 = 1
	//   A over C: 1 + 0 + 0 = 1;                          C over A: 1
	//   B over C: .5 + .5 + 0 = 1;                        C over B: .5
	// All-pairs normaliser Σ_k Σ_a Σ_b |d[b][k] − d[a][k]|: columns A and C
	// give 2(.5 + 1 + .5) = 4 each, column B 2(.5 + 0 + .5) = 2: 10.
	all := [3][3]float64{{0, .05, .1}, {.1, 0, .1}, {.1, .05, 0}}
	// Pairwise: votes for i over j divided by votes for either.
	pair := [3][3]float64{{0, 1.0 / 3, .5}, {2.0 / 3, 0, 2.0 / 3}, {.5, 1.0 / 3, 0}}
	for _, c := range []struct {
		params map[string]string
		want   [3][3]float64
	}{{nil, all}, {map[string]string{"probability": "pairwise"}, pair}} {
		sn, err := eum.RoundOne(in, c.params)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			for j := range 3 {
				near(t, "P("+in.Actors[i]+","+in.Actors[j]+") "+c.params["probability"], sn.P1[i*3+j], c.want[i][j])
			}
		}
	}

	// Security at r = 1 (s = 1, Q = 1): E^i(U_ji) = P_ji·2d − (1 − P_ji)·2d.
	//   danger_A = 2(.5)(2·.1 − 1) + 2(1)(2·.1 − 1) = −.8 − 1.6 = −2.4
	//   danger_B = 1(2·.05 − 1) + 1(2·.05 − 1) = −1.8
	//   danger_C = −2.4 (mirror image of A)
	// max −1.8, min −2.4: R_B = (−3.6 + 1.8 + 2.4)/.6 = 1 → r_B = 1/2;
	// R_A = R_C = (−4.8 + 1.8 + 2.4)/.6 = −1 → r = 2.
	sn, err := eum.RoundOne(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{-2.4, -1.8, -2.4} {
		near(t, "danger_"+in.Actors[i], sn.Danger[i], want)
	}
	for i, want := range []float64{2, 0.5, 2} {
		near(t, "r_"+in.Actors[i], sn.R[i], want)
	}
	// Votes with own exponents: columns A, C squared, column B square-rooted.
	//   column A (r=2): 0, .25, 1; column B (r=1/2): √.5, 0, √.5; column C: 1, .25, 0
	//   B over A: 0 + √.5 + .75;  A over B: .25;  A over C = C over A = 1;
	//   B over C: .75 + √.5;  C over B: .25.  Normaliser 2(4 + √2) = 8 + 2√2.
	den := 8 + 2*math.Sqrt2
	pBA, pAB := (0.75+math.Sqrt(0.5))/den, 0.25/den
	near(t, "P(B,A) at own exponents", sn.P2[1*3+0], pBA)
	near(t, "P(A,B) at own exponents", sn.P2[0*3+1], pAB)
	near(t, "P(A,C) at own exponents", sn.P2[0*3+2], 1/den)
	// B (r = 1/2) against A, d = .5: U_s = 2 − 4·√.25 = 0,
	// U_f = 2 − 4·√.75 = 2 − 2√3, U_sq = 2 − 2√2.
	uf, usq := 2-2*math.Sqrt(3), 2-2*math.Sqrt2
	near(t, "E^B(U_BA)", sn.EUij[1*3+0], (1-pBA)*uf-usq) // s_A = 1: P·0 + (1−P)U_f − U_sq ≈ −0.4385
	near(t, "E^B(U_AB)", sn.EUji[1*3+0], (1-pAB)*uf-usq) // ≈ −0.6019: both negative, no offer
}

// TestTwoActors works a whole round by hand: A at 0 (c = 1, s = 1) and B
// at 1 (c = 1, s = 1/2), R = 1.
func TestTwoActors(t *testing.T) {
	in := oneIssue(0, 1, []string{"A", "B"}, []float64{0, 1}, []float64{1, 1}, []float64{1, 0.5})
	// Weights c·s: A 1, B 1/2. Votes (d ∈ {0,1}, so every exponent gives
	// the same): A over B = 1·1 = 1, B over A = 1/2·1 = 1/2.
	// All-pairs normaliser 2(1 + 1/2) = 3: P_AB = 1/3, P_BA = 1/6.
	// Pairwise: P_AB = 1/1.5 = 2/3, P_BA = 1/3.
	sn, err := eum.RoundOne(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "P_AB", sn.P1[1], 1.0/3)
	near(t, "P_BA", sn.P1[2], 1.0/6)
	// Security, r = 1, d = 1: U_s = 2, U_f = −2, U_sq = 0.
	//   danger_A = E^A(U_BA) = 1·(1/6·2 − 5/6·2) = −4/3
	//   danger_B = E^B(U_AB) = 1/2(1/3·2 − 2/3·2) + 1/2·2 = 2/3
	// R_A = (−8/3 − 2/3 + 4/3)/2 = −1 → r_A = 2; R_B = 1 → r_B = 1/2.
	near(t, "danger_A", sn.Danger[0], -4.0/3)
	near(t, "danger_B", sn.Danger[1], 2.0/3)
	near(t, "r_A", sn.R[0], 2)
	near(t, "r_B", sn.R[1], 0.5)
	// A (r = 2): U_s = 2, U_f = −2, U_sq = 2 − 4/4 = 1.
	//   E^A(U_AB) = 1/2(2/3 − 4/3) + 1/2·2 − 1 = −1/3
	//   E^A(U_BA) = (1/3 − 5/3) − 1 = −7/3: no offer.
	near(t, "E^A(U_AB)", sn.EUij[0*2+1], -1.0/3)
	near(t, "E^A(U_BA)", sn.EUji[0*2+1], -7.0/3)
	// B (r = 1/2): U_s = 2, U_f = −2, U_sq = 2 − 2√2.
	//   a = E^B(U_BA) = −4/3 − (2 − 2√2) = 2√2 − 10/3 ≈ −0.5049
	//   b = E^B(U_AB) = −1/3 + 1 − (2 − 2√2) = 2√2 − 4/3 ≈ 1.4951
	// b > |a|: compromise; B concedes |a/b| of the way to 0:
	//   x_B = 1 − (10/3 − 2√2)/(2√2 − 4/3) = (6√2 − 7)/(3√2 − 2) ≈ 0.6623
	a, b := 2*math.Sqrt2-10.0/3, 2*math.Sqrt2-4.0/3
	near(t, "E^B(U_BA)", sn.EUij[1*2+0], a)
	near(t, "E^B(U_AB)", sn.EUji[1*2+0], b)

	res, d := run(t, in, parley.Options{Rounds: 1})
	xB := (6*math.Sqrt2 - 7) / (3*math.Sqrt2 - 2)
	near(t, "x_B after round 1", res.Final()[1], xB)
	if res.Final()[0] != 0 {
		t.Errorf("A moved to %g", res.Final()[0])
	}
	offers := d.Rounds[0].Issues[0].Offers
	if len(offers) != 1 || offers[0].Actor != "B" || offers[0].Type != "compromise" || offers[0].Counterpart != "A" || offers[0].From != 1 {
		t.Fatalf("offers %+v, want B's compromise with A", offers)
	}
	if len(res.Events) != 1 || res.Events[0].Actor != 1 || res.Events[0].Other != 0 || res.Events[0].Issue != 0 ||
		res.Events[0].Why != "compromise with A (E_i(U_ij)=-0.505, E_i(U_ji)=1.495)" {
		t.Errorf("events %+v", res.Events)
	}
	// Mean (1·0 + 1/2·x_B)/1.5; the median is A's 0 (A holds 2/3 of the weight).
	near(t, "mean", d.Rounds[0].Issues[0].Mean, xB/3)
	near(t, "median", d.Rounds[0].Issues[0].Median, 0)
	near(t, "forecast", res.Forecast[0], 0)
}

// TestAllCapability: A holds all the capability; B, with none, has only a
// capitulation offer, which the corrected quadrant test lets it accept.
func TestAllCapability(t *testing.T) {
	in := oneIssue(0, 1, []string{"A", "B"}, []float64{0, 1}, []float64{1, 0}, []float64{1, 1})
	// Only A votes: A over B = 1, B over A = 0; normaliser 2: P_AB = 1/2, P_BA = 0.
	// Security (r = 1): danger_A = 1·(0·2 + 1·(−2)) = −2, danger_B = 1·(1/2·2 − 1/2·2) = 0,
	// so r_A = 2, r_B = 1/2.
	// B (U_s = 2, U_f = −2, U_sq = 2 − 2√2):
	//   a = E^B(U_BA) = −2 − (2 − 2√2) = 2√2 − 4 ≈ −1.1716
	//   b = E^B(U_AB) = (1 − 1) − (2 − 2√2) = 2√2 − 2 ≈ 0.8284
	// b > 0 > a and |a| > b: capitulation, B moves to 0. In round 2 both sit
	// at 0: nobody can move.
	res, d := run(t, in, parley.Options{Rounds: 3})
	o := d.Rounds[0].Issues[0].Offers
	if len(o) != 1 || o[0].Type != "capitulation" || o[0].Actor != "B" || o[0].To != 0 {
		t.Fatalf("round 1 offers %+v, want B's capitulation to A", o)
	}
	near(t, "a", o[0].EUij, 2*math.Sqrt2-4)
	near(t, "b", o[0].EUji, 2*math.Sqrt2-2)
	for r := 2; r <= 3; r++ {
		if n := len(d.Rounds[r-1].Issues[0].Offers); n != 0 {
			t.Errorf("round %d: %d offers after everyone agreed", r, n)
		}
	}
	if res.Final()[1] != 0 || res.Forecast[0] != 0 {
		t.Errorf("final %v forecast %g, want B at 0 and forecast 0", res.Final(), res.Forecast[0])
	}
	if !strings.HasPrefix(res.Events[0].Why, "capitulation to A") {
		t.Errorf("why %q", res.Events[0].Why)
	}
}

// TestZeroSalience: B does not care (s = 0), so it neither votes nor
// resists.
func TestZeroSalience(t *testing.T) {
	in := oneIssue(0, 1, []string{"A", "B"}, []float64{0, 1}, []float64{1, 1}, []float64{1, 0})
	// Weights: A 1, B 0. P_AB = 1/2, P_BA = 0 as above.
	// danger_A = −2; danger_B = E^B(U_AB) = 0·(…) + 1·U_s = 2: r_A = 2, r_B = 1/2.
	// A (r = 2, U_sq = 1): E^A(U_AB) = 0 + 1·2 − 1 = 1, E^A(U_BA) = −2 − 1 = −3: no offer.
	// B (U_sq = 2 − 2√2): a = E^B(U_BA) = −2 − U_sq = 2√2 − 4,
	//   b = E^B(U_AB) = 2 − U_sq = 2√2; b > |a|: compromise,
	//   x_B = 1 − (4 − 2√2)/(2√2) = 1 − (√2 − 1) = 2 − √2 ≈ 0.5858.
	sn, err := eum.RoundOne(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "danger_B", sn.Danger[1], 2)
	near(t, "E^A(U_AB)", sn.EUij[1], 1)
	near(t, "E^A(U_BA)", sn.EUji[1], -3)
	res, d := run(t, in, parley.Options{Rounds: 1})
	near(t, "x_B", res.Final()[1], 2-math.Sqrt2)
	if o := d.Rounds[0].Issues[0].Offers; len(o) != 1 || o[0].Type != "compromise" {
		t.Errorf("offers %+v, want B's compromise", o)
	}
	// B has no weight: the median and the forecast are A's position.
	near(t, "forecast", res.Forecast[0], 0)
}

// TestStatusQuoTerms: Q = 1/2, T = 1 on the two-actor case of TestTwoActors
// (μ = 0, A's position, since A holds 2/3 of the weight).
func TestStatusQuoTerms(t *testing.T) {
	in := oneIssue(0, 1, []string{"A", "B"}, []float64{0, 1}, []float64{1, 1}, []float64{1, 0.5})
	// E gains −Q·U_sq − (1−Q)·U_b with U_b = 2 − 4(1/2 − 1/4(|x_c − μ| + d))^r.
	// Security (r = 1, U_sq = 0):
	//   danger_A = −4/3 − 1/2·U_b(B challenges: 1/2 − 1/4·2 = 0 → 2) = −7/3
	//   danger_B = 2/3 − 1/2·U_b(A challenges: 1/2 − 1/4·1 = 1/4 → 1) = 1/6
	// → r_A = 2, r_B = 1/2 again.
	// B (r = 1/2, U_sq = 2 − 2√2):
	//   a = E^B(U_BA) = −4/3 − 1/2(2 − 2√2) − 1/2·2 = √2 − 10/3 ≈ −1.9191
	//   b = E^B(U_AB) = 2/3 − 1/2(2 − 2√2) − 1/2(2 − 4√(1/4)) = √2 − 1/3 ≈ 1.0809
	// |a| > b: capitulation (with Q = 1 it was a compromise).
	// A (r = 2, U_sq = 1):
	//   E^A(U_AB) = 2/3 − 1/2 − 1/2(2 − 4/16) = −0.708333…
	//   E^A(U_BA) = −4/3 − 1/2 − 1/2·2 = −2.833333…
	params := map[string]string{"q": "0.5", "t": "1"}
	sn, err := eum.RoundOne(in, params)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "danger_A", sn.Danger[0], -7.0/3)
	near(t, "danger_B", sn.Danger[1], 1.0/6)
	near(t, "E^B(U_BA)", sn.EUij[2], math.Sqrt2-10.0/3)
	near(t, "E^B(U_AB)", sn.EUji[2], math.Sqrt2-1.0/3)
	near(t, "E^A(U_AB)", sn.EUij[1], 2.0/3-0.5-0.875)
	near(t, "E^A(U_BA)", sn.EUji[1], -4.0/3-1.5)
	_, d := run(t, in, parley.Options{Rounds: 1, Params: params})
	if o := d.Rounds[0].Issues[0].Offers; len(o) != 1 || o[0].Type != "capitulation" || o[0].To != 0 {
		t.Errorf("offers %+v, want B's capitulation to 0", o)
	}
	// T = 0 swaps U_b for U_w = 2 − 4(1/2 + 1/4(…))^r. B's view:
	//   a = −4/3 − (1 − √2) − 1/2(2 − 4√1) = √2 − 4/3 ≈ 0.0809
	//   b = 2/3 − (1 − √2) − 1/2(2 − 4√(3/4)) = √2 + √3 − 4/3 ≈ 1.8140
	// b > a > 0: B expects to lose a confrontation and moves to 0. (The
	// risk exponents are unchanged: danger_A = −4/3 − 1/2(2 − 4) = −1/3,
	// danger_B = 2/3 − 1/2(2 − 3) = 7/6.)
	sn, err = eum.RoundOne(in, map[string]string{"q": "0.5", "t": "0"})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "r_B (T=0)", sn.R[1], 0.5)
	near(t, "E^B(U_BA) (T=0)", sn.EUij[2], math.Sqrt2-4.0/3)
	near(t, "E^B(U_AB) (T=0)", sn.EUji[2], math.Sqrt2+math.Sqrt(3)-4.0/3)
}

// TestNobodyMoves: equal positions and a lone actor (zero range).
func TestNobodyMoves(t *testing.T) {
	for _, c := range []struct {
		name string
		in   *parley.Instance
		want float64
	}{
		{"equal positions", oneIssue(0, 10, []string{"A", "B", "C"}, []float64{5, 5, 5}, []float64{1, 2, 3}, []float64{0.5, 1, 0.2}), 5},
		{"one actor", oneIssue(0, 10, []string{"A"}, []float64{3}, []float64{1}, []float64{1}), 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, d := run(t, c.in, parley.Options{})
			if len(res.Trace) != 11 || len(res.Events) != 0 {
				t.Errorf("%d rounds, %d events; want 11 rounds and no events", len(res.Trace), len(res.Events))
			}
			for r, p := range res.Trace {
				for a, x := range p {
					if x != c.in.Position[a] {
						t.Errorf("round %d: actor %d at %g", r, a, x)
					}
				}
			}
			for _, r := range d.Rounds {
				ir := r.Issues[0]
				for _, v := range ir.Risk.R {
					if v != 1 {
						t.Errorf("round %d: risk exponent %g, want 1 (no one is threatened)", r.Round, v)
					}
				}
				if len(ir.Offers) != 0 || ir.Median != c.want || ir.Mean != c.want {
					t.Errorf("round %d: %+v", r.Round, ir)
				}
			}
			if res.Forecast[0] != c.want {
				t.Errorf("forecast %g, want %g", res.Forecast[0], c.want)
			}
			if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "same position") {
				t.Errorf("notes %q", res.Notes)
			}
		})
	}
}

// TestNoWeight: nobody has positive capability × salience. Nobody votes
// (P = 0 under the all-pairs rule, 1/2 under the pairwise rule), the mean
// and median are undefined (null in JSON) and there is no forecast.
func TestNoWeight(t *testing.T) {
	in := oneIssue(0, 1, []string{"A", "B"}, []float64{0, 1}, []float64{0, 1}, []float64{1, 0})
	for _, p := range []string{"all-pairs", "pairwise"} {
		sn, err := eum.RoundOne(in, map[string]string{"probability": p})
		if err != nil {
			t.Fatal(err)
		}
		want := 0.0
		if p == "pairwise" {
			want = 0.5
		}
		if sn.P1[1] != want || sn.P1[2] != want {
			t.Errorf("%s: P = %g, %g; want %g", p, sn.P1[1], sn.P1[2], want)
		}
		res, d := run(t, in, parley.Options{Params: map[string]string{"probability": p, "q": "0.5"}})
		if !math.IsNaN(res.Forecast[0]) || !math.IsNaN(d.Rounds[0].Issues[0].Median) {
			t.Errorf("%s: forecast %g, want NaN", p, res.Forecast[0])
		}
		for _, x := range res.Final() {
			if math.IsNaN(x) {
				t.Errorf("%s: a position became NaN", p)
			}
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"mean":null,"median":null`) {
			t.Errorf("%s: JSON %s lacks null mean and median", p, b)
		}
		if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "positive capability") {
			t.Errorf("notes %q", res.Notes)
		}
	}
}

// TestIssuesIndependent: each issue is its own game, and actors absent
// from an issue take no part in it.
func TestIssuesIndependent(t *testing.T) {
	em := testdataEmissions(t)
	n := em.N()
	// Issue 0 is the emissions case; issue 1 is the two-actor case of
	// TestTwoActors played by Netherlands and Belgium only, on [0,1].
	in := &parley.Instance{
		Actors:     em.Actors,
		Issues:     []parley.IssueSpec{em.Issues[0], {ID: "y", Min: 0, Max: 1}},
		Position:   make([]float64, 2*n),
		Capability: make([]float64, 2*n),
		Salience:   make([]float64, 2*n),
	}
	for a := range n {
		in.Position[2*a], in.Capability[2*a], in.Salience[2*a] = em.Position[a], em.Capability[a], em.Salience[a]
		in.Position[2*a+1] = math.NaN()
	}
	in.Position[1], in.Capability[1], in.Salience[1] = 0, 1, 1
	in.Position[3], in.Capability[3], in.Salience[3] = 1, 1, 0.5
	two := oneIssue(0, 1, []string{"Netherlands", "Belgium"}, []float64{0, 1}, []float64{1, 1}, []float64{1, 0.5})

	res, d := run(t, in, parley.Options{})
	alone, _ := run(t, em, parley.Options{})
	pair, _ := run(t, two, parley.Options{})
	for r := range res.Trace {
		for a := range n {
			if got, want := res.Trace[r][2*a], alone.Trace[r][a]; got != want {
				t.Errorf("round %d actor %s issue 0: %g, want %g as when played alone", r, in.Actors[a], got, want)
			}
			got := res.Trace[r][2*a+1]
			switch a {
			case 0, 1:
				if want := pair.Trace[r][a]; got != want {
					t.Errorf("round %d actor %s issue 1: %g, want %g", r, in.Actors[a], got, want)
				}
			default:
				if !math.IsNaN(got) {
					t.Errorf("round %d: absent actor %s has position %g on issue 1", r, in.Actors[a], got)
				}
			}
		}
	}
	if res.Forecast[0] != alone.Forecast[0] || res.Forecast[1] != pair.Forecast[0] {
		t.Errorf("forecasts %v, want %g and %g", res.Forecast, alone.Forecast[0], pair.Forecast[0])
	}
	if got := d.Rounds[0].Issues[1].Risk.Actors; len(got) != 2 || got[0] != "Netherlands" || got[1] != "Belgium" {
		t.Errorf("issue 1 risk lists %v, want the two actors taking part", got)
	}
	for _, e := range res.Events {
		if e.Issue == 1 && e.Actor > 1 {
			t.Errorf("absent actor moved: %v", e)
		}
	}
}

// TestNoTrace: the same final positions and forecasts, with only round 0
// and the final round kept, and no events or detail.
func TestNoTrace(t *testing.T) {
	in := testdataEmissions(t)
	full, _ := run(t, in, parley.Options{})
	lean, _ := run(t, in, parley.Options{NoTrace: true})
	if len(lean.Trace) != 2 || lean.Turns[0] != 0 || lean.Turns[1] != 10 {
		t.Fatalf("turns %v, want [0 10]", lean.Turns)
	}
	for a, x := range full.Final() {
		if lean.Final()[a] != x {
			t.Errorf("actor %d: %g without trace, %g with", a, lean.Final()[a], x)
		}
	}
	if lean.Forecast[0] != full.Forecast[0] || len(lean.Events) != 0 || lean.Detail != nil {
		t.Errorf("forecast %v, %d events, detail %v", lean.Forecast, len(lean.Events), lean.Detail)
	}
}

// TestCycleShortcut: without a trace, an issue whose positions repeat
// those of an earlier round is finished from the cycle found. The final
// positions and forecasts must be bit for bit those of the traced run,
// which plays every round, for any number of rounds (the final round's
// place in the cycle), and the shortcut must actually be taken.
func TestCycleShortcut(t *testing.T) {
	rng := rand.New(rand.NewPCG(29, 11))
	ins := flagshipDraws(t, 60)
	ins = append(ins, testdataEmissions(t)) // the median cycles 7 → 9.96 → 7
	for i := 0; i < 40; i++ {
		in := modeltest.RandomInstance(rng, 2+rng.IntN(12), 1+rng.IntN(3))
		if i%2 == 0 { // few distinct positions: short cycles and fixed points
			for j, x := range in.Position {
				is := in.Issues[j%in.M()]
				step := (is.Max - is.Min) / 4
				in.Position[j] = is.Min + step*math.Round((x-is.Min)/step)
			}
		}
		ins = append(ins, in)
	}
	var full, lean int
	for _, rounds := range []int{1, 2, 7, 10, 23, 150} {
		for i, in := range ins {
			for _, params := range []map[string]string{nil, {"q": "0.5"}, {"probability": "pairwise", "offers": "least-change"}} {
				if rounds == 150 && i%4 != 0 {
					continue // a sample: past the 64 rounds the history keeps
				}
				want, nf, err := eum.SolveCounting(in, parley.Options{Rounds: rounds, Params: params})
				if err != nil {
					t.Fatal(err)
				}
				got, nl, err := eum.SolveCounting(in, parley.Options{Rounds: rounds, NoTrace: true, Params: params})
				if err != nil {
					t.Fatal(err)
				}
				full, lean = full+nf, lean+nl
				if g, w := got.Turns[len(got.Turns)-1], want.Turns[len(want.Turns)-1]; g != w || g != rounds {
					t.Fatalf("instance %d, %d rounds: final turn %d without trace, %d with", i, rounds, g, w)
				}
				for a, x := range want.Final() {
					if y := got.Final()[a]; math.Float64bits(x) != math.Float64bits(y) && !(math.IsNaN(x) && math.IsNaN(y)) {
						t.Fatalf("instance %d, %d rounds, %v: position %d is %.17g without trace, %.17g with", i, rounds, params, a, y, x)
					}
				}
				for k, x := range want.Forecast {
					if y := got.Forecast[k]; math.Float64bits(x) != math.Float64bits(y) && !(math.IsNaN(x) && math.IsNaN(y)) {
						t.Fatalf("instance %d, %d rounds: forecast %d is %.17g without trace, %.17g with", i, rounds, k, y, x)
					}
				}
			}
		}
	}
	t.Logf("issue-rounds played: %d with the trace, %d without", full, lean)
	if !(lean < full*9/10) {
		t.Errorf("the shortcut spared %d of %d issue-rounds; expected at least a tenth", full-lean, full)
	}
}

// TestManyRounds: without a trace, a run of a billion rounds on the
// emissions case ends at once, in constant memory, at the positions the
// traced run's cycle predicts: the first round t whose positions repeat
// those of a round t0 < t gives the positions after R rounds as those
// after t0 + (R − t0) mod (t − t0).
func TestManyRounds(t *testing.T) {
	in := testdataEmissions(t)
	tr, _ := run(t, in, parley.Options{Rounds: 300})
	t0, period := -1, 0
	for r := 1; r < len(tr.Trace) && t0 < 0; r++ {
		for r0 := 0; r0 < r; r0++ {
			if slices.Equal(tr.Trace[r], tr.Trace[r0]) {
				t0, period = r0, r-r0
				break
			}
		}
	}
	if t0 < 0 {
		t.Fatal("the emissions case does not cycle within 300 rounds")
	}
	t.Logf("positions after round %d repeat those after round %d", t0+period, t0)
	for _, rounds := range []int{1_000_000_000, 1_000_000_001, 1_000_000_002} {
		want := tr.Trace[t0+(rounds-t0)%period]
		var got *parley.Result
		allocs := testing.AllocsPerRun(1, func() { got, _ = run(t, in, parley.Options{Rounds: rounds, NoTrace: true}) })
		if g := got.Turns[len(got.Turns)-1]; g != rounds {
			t.Errorf("%d rounds: final turn %d", rounds, g)
		}
		if !slices.Equal(got.Final(), want) {
			t.Errorf("%d rounds: positions %v, want %v", rounds, got.Final(), want)
		}
		if allocs > 100 {
			t.Errorf("%d rounds: %g allocations", rounds, allocs)
		}
	}
}

// TestNoAllocations: with NoTrace, a solver reused on the same result
// allocates nothing.
func TestNoAllocations(t *testing.T) {
	in := testdataEmissions(t)
	s, err := eum.New().Prepare(parley.Options{NoTrace: true})
	if err != nil {
		t.Fatal(err)
	}
	var res parley.Result
	ctx := context.Background()
	if err := s.Solve(ctx, in, &res); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(20, func() { _ = s.Solve(ctx, in, &res) }); n != 0 {
		t.Errorf("%g allocations per run, want 0", n)
	}
}

// TestReuse: a solver and a result reused across instances of different
// sizes give the same answers as fresh ones.
func TestReuse(t *testing.T) {
	em := testdataEmissions(t)
	two := oneIssue(0, 1, []string{"A", "B"}, []float64{0, 1}, []float64{1, 1}, []float64{1, 0.5})
	s, _ := eum.New().Prepare(parley.Options{})
	var res parley.Result
	want, _ := run(t, em, parley.Options{})
	for _, in := range []*parley.Instance{two, em, two, em} {
		if err := s.Solve(context.Background(), in, &res); err != nil {
			t.Fatal(err)
		}
	}
	for r := range want.Trace {
		for a, x := range want.Trace[r] {
			if res.Trace[r][a] != x {
				t.Fatalf("round %d actor %d: %g after reuse, want %g", r, a, res.Trace[r][a], x)
			}
		}
	}
	if len(res.Events) != len(want.Events) {
		t.Errorf("%d events after reuse, want %d", len(res.Events), len(want.Events))
	}
}

// TestEarlyStop: on the emissions case the median sits at 9.962 in rounds
// 3, 4 and 5 (see the reference trace), so with epsilon > 0 the run stops
// after round 4 (one quiet round) or 5 (two).
func TestEarlyStop(t *testing.T) {
	in := testdataEmissions(t)
	for _, c := range []struct {
		k    string
		last int
	}{{"1", 4}, {"2", 5}, {"3", 10}} {
		res, d := run(t, in, parley.Options{Params: map[string]string{"epsilon": "0.001", "stable-rounds": c.k}})
		if got := res.Turns[len(res.Turns)-1]; got != c.last || len(d.Rounds) != c.last {
			t.Errorf("stable-rounds=%s: stopped after round %d (%d detail rounds), want %d", c.k, got, len(d.Rounds), c.last)
		}
		if c.last < 10 && (len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "stopped after round")) {
			t.Errorf("stable-rounds=%s: notes %q", c.k, res.Notes)
		}
		lean, _ := run(t, in, parley.Options{NoTrace: true, Params: map[string]string{"epsilon": "0.001", "stable-rounds": c.k}})
		if lean.Turns[1] != c.last {
			t.Errorf("stable-rounds=%s without trace: final turn %d, want %d", c.k, lean.Turns[1], c.last)
		}
	}
}

func TestOptions(t *testing.T) {
	for _, c := range []struct {
		opts parley.Options
		want string // substring of the error; "" for none
	}{
		{parley.Options{}, ""},
		{parley.Options{Rounds: 3, Params: map[string]string{"probability": "pairwise", "offers": "least-change", "q": "0.5", "t": "0", "epsilon": "0.01", "stable-rounds": "2"}}, ""},
		{parley.Options{Rounds: -1}, "rounds"},
		{parley.Options{Params: map[string]string{"speed": "1"}}, "no option \"speed\""},
		{parley.Options{Params: map[string]string{"probability": "pair"}}, "probability must be one of"},
		{parley.Options{Params: map[string]string{"q": "1.5"}}, "q must be in [0,1]"},
		{parley.Options{Params: map[string]string{"t": "NaN"}}, "t must be in [0,1]"},
		{parley.Options{Params: map[string]string{"q": "x"}}, "want a number"},
		{parley.Options{Params: map[string]string{"epsilon": "-1"}}, "epsilon must be"},
		{parley.Options{Params: map[string]string{"epsilon": "Inf"}}, "epsilon must be"},
		{parley.Options{Params: map[string]string{"stable-rounds": "0"}}, "stable-rounds must be at least 1"},
	} {
		_, err := eum.New().Prepare(c.opts)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%+v: %v", c.opts, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || parley.ErrorCode(err) != parley.EINVALID):
			t.Errorf("%+v: error %v, want EINVALID mentioning %q", c.opts, err, c.want)
		}
	}
	info := eum.New().Info()
	if info.Name != "eum" || !info.Dynamic || info.DefaultRounds != 10 || len(info.Options) != 6 {
		t.Errorf("info %+v", info)
	}
	for _, o := range info.Options {
		if o.Default == "" || o.Doc == "" {
			t.Errorf("option %s lacks a default or documentation", o.Name)
		}
	}
}

func TestBadInstance(t *testing.T) {
	s, _ := eum.New().Prepare(parley.Options{})
	in := oneIssue(0, 1, []string{"A"}, []float64{2}, []float64{1}, []float64{1})
	err := s.Solve(context.Background(), in, &parley.Result{})
	if parley.ErrorCode(err) != parley.EINVALID {
		t.Errorf("position off the scale: error %v, want EINVALID", err)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, _ := eum.New().Prepare(parley.Options{})
	if err := s.Solve(ctx, testdataEmissions(t), &parley.Result{}); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

// TestDetailJSON checks the shape of the detail output.
func TestDetailJSON(t *testing.T) {
	_, d := run(t, testdataEmissions(t), parley.Options{Rounds: 1})
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{
		`{"rounds":[{"round":1,"issues":[{"issue":"issue","risk":{"Netherlands":1.4056527842180304,"Belgium":0.754195927243686`,
		`"offers":[{"actor":"Belgium","type":"compromise","counterpart":"France","eu_ij":-0.1148305034730`,
		`"from":7,"to":8.4159323154267`,
		`{"actor":"Luxembourg","type":"confrontation","counterpart":"Belgium"`,
		`"median":8.4159323154267`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON lacks %s\n%s", want, s)
		}
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
}

// TestEmissionsPublished checks the run on the testdata copy of the
// emissions case against the figures quoted in docs/eum.md §4.1 and §5.2
// from the reference trace (so that it runs without the shared folder).
func TestEmissionsPublished(t *testing.T) {
	in := testdataEmissions(t)
	res, d := run(t, in, parley.Options{})
	final := map[string]float64{
		"Netherlands": 4, "Belgium": 4.291541224979646, "Luxembourg": 4.144849062500606, "Germany": 4,
		"France": 10, "Italy": 10, "UK": 10, "Ireland": 4.144849062500606, "Denmark": 4, "Greece": 7,
	}
	for a, id := range in.Actors {
		if got, want := res.Final()[a], final[id]; math.Abs(got-want) > 1e-9*want {
			t.Errorf("%s ends at %.16g, want %.16g", id, got, want)
		}
	}
	means := []float64{7.461314378277189, 7.552500865855845, 7.590144997451547, 7.358130531334201, 7.3491739896752115,
		7.414877545372958, 7.510457183677219, 7.5724470975503, 7.324989065683666, 7.242130958473938}
	for r, want := range means {
		if got := d.Rounds[r].Issues[0].Mean; math.Abs(got-want) > 1e-9*want {
			t.Errorf("round %d mean %.16g, want %.16g", r+1, got, want)
		}
	}
	if res.Forecast[0] != 7 {
		t.Errorf("forecast %g, want the final weighted median 7", res.Forecast[0])
	}
	var r1 []string
	for _, e := range res.Events {
		if e.Round == 1 {
			r1 = append(r1, in.Actors[e.Actor]+": "+e.Why)
		}
	}
	want := []string{
		"Belgium: compromise with France (E_i(U_ij)=-0.115, E_i(U_ji)=0.243)",
		"Luxembourg: confrontation with Belgium, which it expects to lose (E_i(U_ij)=0.246, E_i(U_ji)=0.542)",
		"Ireland: confrontation with Luxembourg, which it expects to lose (E_i(U_ij)=0.538, E_i(U_ji)=0.682)",
	}
	if strings.Join(r1, "\n") != strings.Join(want, "\n") {
		t.Errorf("round 1 events\n%s\nwant\n%s", strings.Join(r1, "\n"), strings.Join(want, "\n"))
	}
}

func TestModelSuite(t *testing.T) {
	t.Run("default", func(t *testing.T) {
		modeltest.Run(t, eum.New(), modeltest.Skips{
			Mirror:   "the reference offer rule takes the compromise with the numerically lowest weighted position, a direction bias of Scholz's code (checked below with offers=least-change)",
			Dictator: "salience is the probability of resisting, so a dictator with salience below 1 may give way to actors who cannot beat it (checked below with the dictator's salience at 1)",
		})
	})
	t.Run("least-change", func(t *testing.T) {
		modeltest.Run(t, withParams{eum.New(), map[string]string{"offers": "least-change"}}, modeltest.Skips{
			Dictator: "as above",
		})
	})
	t.Run("pairwise", func(t *testing.T) {
		modeltest.Run(t, withParams{eum.New(), map[string]string{"probability": "pairwise", "q": "0.5", "t": "0.3"}}, modeltest.Skips{
			Mirror:   "as above",
			Dictator: "as above",
		})
	})
}

// withParams is a model whose default options are params.
type withParams struct {
	parley.Model
	params map[string]string
}

func (m withParams) Prepare(opts parley.Options) (parley.Solver, error) {
	p := map[string]string{}
	for k, v := range m.params {
		p[k] = v
	}
	for k, v := range opts.Params {
		p[k] = v
	}
	opts.Params = p
	return m.Model.Prepare(opts)
}

// TestDictator: an actor holding all the capability, with salience 1 (and q = 1),
// decides. It is the only voter, so P(x_j beats x_d) = 0 and, resisting
// with certainty, it sees E^d(U_jd) = U_f − U_sq < 0 in every pair: it
// accepts no offer and the weighted median is its position.
func TestDictator(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for _, n := range []int{3, 10, 30} {
		in := modeltest.RandomInstance(rng, n, 3)
		m := in.M()
		for a := range n {
			for k := range m {
				if a == 1 {
					in.Salience[a*m+k] = 1
				} else {
					in.Capability[a*m+k] = 0
				}
			}
		}
		for _, params := range []map[string]string{nil, {"probability": "pairwise"}, {"offers": "least-change-any"}} {
			res, _ := run(t, in, parley.Options{Params: params})
			for k := range m {
				if got, want := res.Forecast[k], in.Position[1*m+k]; got != want {
					t.Errorf("n=%d %v issue %d: forecast %g, want the dictator's %g", n, params, k, got, want)
				}
			}
			for _, e := range res.Events {
				if e.Actor == 1 {
					t.Errorf("n=%d %v: the dictator moved: %v", n, params, e)
				}
			}
		}
	}
}
