package exchange_test

import (
	"math"
	"strings"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/model/exchange"
)

const eps = 1e-9

type wantMove struct {
	actor, issue string
	from, to     float64
}

type wantExchange struct {
	i, j, p, q  string
	gain        float64
	moveI       wantMove
	moveJ       wantMove
	forecast    [2]float64 // voting outcomes of p and q after the round
	after       []float64  // preferences after the round (actor-major)
	externality map[string][2]any
}

func checkExchange(t *testing.T, r *parley.Result, round int, w wantExchange) {
	t.Helper()
	d := detail(t, r)
	rd := d.Rounds[round-1]
	if rd.Candidates != 1 || len(rd.Exchanges) != 1 {
		t.Fatalf("round %d: %d candidates, %d exchanges; want 1 and 1", round, rd.Candidates, len(rd.Exchanges))
	}
	e := rd.Exchanges[0]
	if e.ActorI != w.i || e.ActorJ != w.j || e.IssueP != w.p || e.IssueQ != w.q {
		t.Errorf("exchange %s/%s on %s/%s, want %s/%s on %s/%s", e.ActorI, e.ActorJ, e.IssueP, e.IssueQ, w.i, w.j, w.p, w.q)
	}
	if !near(e.Gain, w.gain, eps) || !near(e.GainI, w.gain, eps) || !near(e.GainJ, w.gain, eps) {
		t.Errorf("gains %v, %v, %v; want %v for both", e.Gain, e.GainI, e.GainJ, w.gain)
	}
	for _, m := range []struct {
		got  exchange.Move
		want wantMove
	}{{e.MoveI, w.moveI}, {e.MoveJ, w.moveJ}} {
		if m.got.Actor != m.want.actor || m.got.Issue != m.want.issue || !near(m.got.From, m.want.from, eps) || !near(m.got.To, m.want.to, eps) {
			t.Errorf("move %+v, want %+v", m.got, m.want)
		}
	}
	for _, x := range e.Externalities {
		want, ok := w.externality[x.Actor]
		if !ok {
			t.Errorf("unexpected externality %+v", x)
			continue
		}
		if !near(x.Value, want[0].(float64), eps) || x.Group != want[1].(string) {
			t.Errorf("externality %+v, want %v", x, want)
		}
	}
	if len(e.Externalities) != len(w.externality) {
		t.Errorf("%d externalities, want %d", len(e.Externalities), len(w.externality))
	}
	if round == len(d.Rounds) {
		for k := range w.forecast {
			if !near(r.Forecast[k], w.forecast[k], eps) {
				t.Errorf("forecast %d = %v, want %v", k, r.Forecast[k], w.forecast[k])
			}
		}
	}
	for i, x := range w.after {
		got := r.Trace[round][i]
		if !(math.IsNaN(x) && math.IsNaN(got)) && !near(got, x, eps) {
			t.Errorf("round %d: position %d = %v, want %v", round, i, got, x)
		}
	}
}

// Ensure the equal-gain exchange when the supplier j's full move is the
// binding cap, over two rounds so that the preference update feeds back.
func TestHandJFullMove(t *testing.T) {
	//            p: x    s    c     q: x    s    c
	// A          100   0.8   1        0   0.4   2
	// B            0   0.2   1      100   0.6   1
	in := twoIssues([]string{"A", "B"}, [][6]float64{
		{100, 0.8, 1, 0, 0.4, 2},
		{0, 0.2, 1, 100, 0.6, 1},
	})
	r := run(t, in, parley.Options{Rounds: 2}, 0)
	// Round 1. Weights w = s·c: p: A 0.8, B 0.2, Σ 1; q: A 0.8, B 0.6, Σ 1.4.
	// Outcomes O_p = 0.8·100/1 = 80; O_q = 0.6·100/1.4 = 42.857.
	// A is above O_p and at or below O_q (group C), B the reverse (group B):
	// one B×C candidate. Salience ratios s_p/s_q: A 2, B 1/3, so A is i: it
	// demands p and supplies q; B supplies p.
	// Caps: B's full move on p, 0→100, shifts O_p by 100·0.2/1 = 20 (and
	// lands it on A's 100: the overshoot cap is also 20). A's full move on
	// q, 0→100, shifts O_q by 100·0.8/1.4 = 57.14.
	// Equal gain: dq = dp·(s_Ap+s_Bp)/(s_Aq+s_Bq) = dp·1/1. B's full move
	// gives dp = 20, dq = 20 < 57.14, so B's cap binds.
	// A's move: dq·Σ_q/w_Aq = 20·1.4/0.8 = 35 (q: 0→35).
	// Gain: A 0.8·20 − 0.4·20 = 8; B 0.6·20 − 0.2·20 = 8.
	// Update: A on q, s 0.4: x' = 0 + (0.1+0.4·0.6)·35 = 11.9;
	//         B on p, s 0.2: x' = 0 + (0.1+0.4·0.8)·100 = 42.
	checkExchange(t, r, 1, wantExchange{
		i: "A", j: "B", p: "p", q: "q", gain: 8,
		moveI: wantMove{"A", "q", 0, 35}, moveJ: wantMove{"B", "p", 0, 100},
		after: []float64{100, 11.9, 42, 100},
	})
	// Round 2. Preferences A (100, 11.9), B (42, 100).
	// O_p = (0.8·100 + 0.2·42)/1 = 88.4; O_q = (0.8·11.9 + 0.6·100)/1.4 = 49.657.
	// Same groups and roles. B's full move 42→100 shifts O_p by 58·0.2 = 11.6
	// (to A's 100 exactly); dq = dp = 11.6 < A's cap 88.1·0.8/1.4 = 50.34.
	// A's move 11.6·1.4/0.8 = 20.3 (q: 11.9→32.2). Gain 0.8·11.6 − 0.4·11.6 = 4.64.
	// Forecast: the voting outcomes O_p = 100, O_q = (0.8·32.2 + 60)/1.4 = 61.2571.
	// Update: A q: 11.9 + 0.34·20.3 = 18.802; B p: 42 + 0.42·58 = 66.36.
	checkExchange(t, r, 2, wantExchange{
		i: "A", j: "B", p: "p", q: "q", gain: 4.64,
		moveI: wantMove{"A", "q", 11.9, 32.2}, moveJ: wantMove{"B", "p", 42, 100},
		forecast: [2]float64{100, (0.8*32.2 + 60) / 1.4},
		after:    []float64{100, 18.802, 66.36, 100},
	})
}

// Ensure the equal-gain exchange when j's full move would take i past j's
// preference, so that i's full move is the binding cap. The numbers are
// the two-actor example of decide's sibling visualiser (its unit test
// expects the gain 7.94871794871794).
func TestHandIFullMove(t *testing.T) {
	//            vol: x    s     who: x    s      (capability 1)
	// China          100  0.5          0   0.8
	// USA              0  0.7         80   0.5
	in := twoIssues([]string{"China", "USA"}, [][6]float64{
		{100, 0.5, 1, 0, 0.8, 1},
		{0, 0.7, 1, 80, 0.5, 1},
	})
	in.Issues[0].ID, in.Issues[1].ID = "vol", "who"
	r := run(t, in, parley.Options{Rounds: 1}, 0)
	// O_vol = 0.5·100/1.2 = 41.667; O_who = 0.5·80/1.3 = 30.769.
	// Ratios s_vol/s_who: USA 1.4, China 0.625: USA is i (demands vol,
	// supplies who); China supplies vol.
	// China's full move 100→0 shifts O_vol by 100·0.5/1.2 = 125/3. Equal
	// gain would need dwho = 125/3·(0.7+0.5)/(0.5+0.8) = 500/13 = 38.46,
	// that is a move of 38.46·1.3/0.5 = 100 > 80 by USA. So USA moves all
	// the way (80→0): dwho = 80·0.5/1.3 = 400/13, and
	// dvol = 400/13·13/12 = 100/3; China moves 100/3·1.2/0.5 = 80 (100→20).
	// Gain: USA 0.7·100/3 − 0.5·400/13 = 310/39 = 7.948718;
	//       China 0.8·400/13 − 0.5·100/3 = 310/39.
	// Voting outcomes: vol 0.5·20/1.2 = 25/3; who 0.
	// Update (both s 0.5, weight 0.1+0.4·0.5 = 0.3): USA who 80 − 0.3·80 = 56;
	// China vol 100 − 0.3·80 = 76.
	checkExchange(t, r, 1, wantExchange{
		i: "USA", j: "China", p: "vol", q: "who", gain: 310.0 / 39,
		moveI: wantMove{"USA", "who", 80, 0}, moveJ: wantMove{"China", "vol", 100, 20},
		forecast: [2]float64{25.0 / 3, 0},
		after:    []float64{76, 0, 0, 56},
	})
}

// Ensure the outcome-overshoot cap: a third actor pulls the outcome of p
// beyond i's position, so j's full move would carry the outcome past what
// i wants; j moves only until the outcome reaches i's position.
func TestHandOvershootCap(t *testing.T) {
	//            p: x    s    c     q: x    s    c
	// A           60   0.8   1        0   0.4   2
	// B            0   0.4   1      100   0.6   1
	// C          100   0.2   2       50   0     1   (cares nothing for q)
	in := twoIssues([]string{"A", "B", "C"}, [][6]float64{
		{60, 0.8, 1, 0, 0.4, 2},
		{0, 0.4, 1, 100, 0.6, 1},
		{100, 0.2, 2, 50, 0, 1},
	})
	for _, compat := range []uint8{0, exchange.DecideCompat} {
		r := run(t, in, parley.Options{Rounds: 1}, compat)
		// Weights: p: A 0.8, B 0.4, C 0.4, Σ 1.6; q: A 0.8, B 0.6, C 0, Σ 1.4.
		// O_p = (48 + 0 + 40)/1.6 = 55; O_q = 60/1.4 = 42.857.
		// Groups: A above O_p, below O_q (C); B the reverse (B); C above on
		// both (A). One B×C candidate; C has no partner in D.
		// Ratios: A 0.8/0.4 = 2, B 0.4/0.6: A is i, B supplies p.
		// B's full move 0→60 would shift O_p by 60·0.4/1.6 = 15, to 70, past
		// A's 60: the cap is 60 − 55 = 5. A's full move on q shifts O_q by
		// 100·0.8/1.4 = 57.14.
		// Equal gain: dq = dp·(0.8+0.4)/(0.4+0.6) = 1.2·dp; dp = 5 gives dq = 6.
		// Moves: B 5·1.6/0.4 = 20 (p: 0→20); A 6·1.4/0.8 = 10.5 (q: 0→10.5).
		// Gain: A 0.8·5 − 0.4·6 = 1.6; B 0.6·6 − 0.4·5 = 1.6.
		// Externality on C (outer: group A of an B×C exchange), measured at
		// its preferences: 0.2·(|55−100| − |60−100|) + 0·(…) = 1.
		// Voting outcomes: p 60 (on A's position), q (0.8·10.5 + 60)/1.4 = 48.857.
		// Update (s 0.4, weight 0.34): A q 0.34·10.5 = 3.57; B p 0.34·20 = 6.8.
		checkExchange(t, r, 1, wantExchange{
			i: "A", j: "B", p: "p", q: "q", gain: 1.6,
			moveI: wantMove{"A", "q", 0, 10.5}, moveJ: wantMove{"B", "p", 0, 20},
			forecast:    [2]float64{60, (0.8*10.5 + 60) / 1.4},
			after:       []float64{60, 3.57, 6.8, 100, 100, 50},
			externality: map[string][2]any{"C": {1.0, "outer"}},
		})
		if len(r.Events) != 2 {
			t.Fatalf("%d events, want 2", len(r.Events))
		}
		ev := r.Events[0]
		if ev.Actor != 0 || ev.Issue != 1 || ev.Other != 1 || ev.From != 0 || !near(ev.To, 10.5, eps) ||
			!strings.Contains(ev.Why, "exchange with B") || !strings.Contains(ev.Why, "on q") || !strings.Contains(ev.Why, "support on p") {
			t.Errorf("event %+v", ev)
		}
	}
}

// Ensure the REX frontier on the visualiser's example (TestHandIFullMove):
// the most each actor can gain when the other gains nothing, and the
// shifts for a drawn winner and a drawn loser.
func TestHandREX(t *testing.T) {
	// i = USA (demands vol), j = China. Caps: dvol ≤ P = 125/3, dwho ≤ Q = 400/13.
	sip, siq, sjp, sjq := 0.7, 0.5, 0.5, 0.8
	P, Q := 125.0/3, 400.0/13
	g := 310.0 / 39
	maxI, maxJ := exchange.MaxGains(sip, siq, sjp, sjq, P, Q)
	// USA's best: China's gain 0.8·dwho − 0.5·dvol = 0 with dvol = P:
	// dwho = 125/3·5/8 = 625/24 ≤ Q; USA gains 0.7·125/3 − 0.5·625/24 = 775/48 = 16.1458.
	// China's best: USA's gain 0.7·dvol − 0.5·dwho = 0 with dwho = Q:
	// dvol = 400/13·5/7 = 2000/91 ≤ P; China gains 0.8·400/13 − 0.5·2000/91 = 1240/91 = 13.6264.
	// (The visualiser's unit test expects 16.1458 and 13.6264.)
	if !near(maxI, 775.0/48, eps) || !near(maxJ, 1240.0/91, eps) {
		t.Errorf("max gains %v, %v; want 775/48, 1240/91", maxI, maxJ)
	}
	for _, tc := range []struct {
		name              string
		u, v, z, p        float64
		dp, dq, gain, oth float64
	}{
		// USA drawn (u < 0.5) and wins (v < 0.5), z = 0.5, p = 1:
		// target g + 0.5·(775/48 − 310/39) = 12.047276. USA moves fully
		// (dwho = 400/13); dvol = (12.047276 + 0.5·400/13)/0.7 = 39.188416 ≤ P.
		// China gains 0.8·400/13 − 0.5·39.188416 = 5.021.
		{"i wins", 0.2, 0.3, 0.5, 1, (g + 0.5*(775.0/48-g) + 0.5*Q) / 0.7, Q, g + 0.5*(775.0/48-g), 0},
		// China drawn (u ≥ 0.5) and loses (v ≥ 0.5), z = 0.5, p = 0.8:
		// target g − 0.4·g = 0.6·g = 4.769231. China moving fully (dvol = P)
		// would need dwho = (4.769231 + 0.5·125/3)/0.8 = 32.0 > Q, so
		// dwho = Q and dvol = (0.8·400/13 − 4.769231)/0.5 = 39.692308.
		// USA gains 0.7·39.692308 − 0.5·400/13 = 12.4.
		{"j loses", 0.7, 0.9, 0.5, 0.8, (0.8*Q - 0.6*g) / 0.5, Q, 0.6 * g, 12.4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dp, dq := exchange.RexShifts(tc.u, tc.v, tc.z, tc.p, g, sip, siq, sjp, sjq, P, Q)
			if !near(dp, tc.dp, eps) || !near(dq, tc.dq, eps) {
				t.Fatalf("shifts %v, %v; want %v, %v", dp, dq, tc.dp, tc.dq)
			}
			gi, gj := sip*dp-siq*dq, sjq*dq-sjp*dp
			drawn, other := gi, gj
			if tc.u >= 0.5 {
				drawn, other = gj, gi
			}
			if !near(drawn, tc.gain, eps) {
				t.Errorf("drawn actor gains %v, want %v", drawn, tc.gain)
			}
			if tc.oth != 0 && !near(other, tc.oth, eps) {
				t.Errorf("other actor gains %v, want %v", other, tc.oth)
			}
		})
	}
	// p = 0 leaves the equal-gain point: dvol = 100/3, dwho = 400/13.
	for _, uv := range [][2]float64{{0.1, 0.1}, {0.1, 0.9}, {0.9, 0.1}, {0.9, 0.9}} {
		dp, dq := exchange.RexShifts(uv[0], uv[1], 0.7, 0, g, sip, siq, sjp, sjq, P, Q)
		if !near(dp, 100.0/3, eps) || !near(dq, Q, eps) {
			t.Errorf("p=0, u=%v v=%v: shifts %v, %v; want 100/3, 400/13", uv[0], uv[1], dp, dq)
		}
	}
}
