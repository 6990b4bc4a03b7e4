package exchange_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/internal/golden"
	"github.com/parley-forecast/parley/model/exchange"
)

// Ensure round 1 on decide's sample_data.txt as upstream's own tests and
// an independent recomputation give it: 240 candidates; first Willems
// (demanding tolheffing-binnenstad) with Wcentr (demanding
// extra-investering) at gain 75/38; next Wcentr with PvdA on woonwerkverkeer
// × kleine-of-grote-ring at 26730/14911.
func TestSampleRound1(t *testing.T) {
	sc, in := loadDecide(t, "sample_data.txt")
	// The round-0 outcome, Σ c·s·x / Σ c·s, as listed with the reference
	// files (tol-hoogte on its own 0.5–7 scale).
	want0 := map[string]float64{
		"tolheffing_binnenstad": 49.353234, "tol_hoogte": 2.270992, "wanneer_tol": 50.578947,
		"woonwerkverkeer": 52.485549, "extra_investering": 49.488304, "kleine_of_grote_ring": 56.600832,
	}
	for k, is := range sc.Issues {
		got := in.OutcomeBy(parley.RuleMean, k, in.Position, nil, nil)
		if !near(got, want0[is.ID], 5e-7) {
			t.Errorf("round-0 outcome of %s = %.6f, want %.6f", is.ID, got, want0[is.ID])
		}
	}

	for _, ties := range []string{"random", "first"} {
		r := run(t, in, parley.Options{Rounds: 1, Params: map[string]string{"ties": ties}}, 0)
		rd := detail(t, r).Rounds[0]
		if rd.Candidates != 240 {
			t.Errorf("round 1 has %d candidates, want 240", rd.Candidates)
		}
		if len(rd.Exchanges) < 2 {
			t.Fatalf("round 1 executed %d exchanges", len(rd.Exchanges))
		}
		e := rd.Exchanges[0]
		if e.ActorI != "Willems" || e.ActorJ != "Wcentr" || e.IssueP != "tolheffing_binnenstad" || e.IssueQ != "extra_investering" {
			t.Errorf("first exchange %s/%s on %s × %s", e.ActorI, e.ActorJ, e.IssueP, e.IssueQ)
		}
		if !near(e.Gain, 75.0/38, 1e-12) {
			t.Errorf("first gain %.15g, want 75/38 = %.15g", e.Gain, 75.0/38)
		}
		// Willems moves all the way on extra-investering (25 → 100); Wcentr
		// moves 61.051174 on tolheffing-binnenstad (0 → 61.051174).
		if e.MoveI.From != 25 || e.MoveI.To != 100 || e.MoveJ.From != 0 || !near(e.MoveJ.To, 61.051174, 5e-7) {
			t.Errorf("first moves %+v, %+v", e.MoveI, e.MoveJ)
		}
		e = rd.Exchanges[1]
		if e.ActorI != "Wcentr" || e.ActorJ != "PvdA" || e.IssueP != "woonwerkverkeer" || e.IssueQ != "kleine_of_grote_ring" {
			t.Errorf("second exchange %s/%s on %s × %s", e.ActorI, e.ActorJ, e.IssueP, e.IssueQ)
		}
		if !near(e.Gain, 26730.0/14911, 1e-12) {
			t.Errorf("second gain %.15g, want 26730/14911 = %.15g", e.Gain, 26730.0/14911)
		}
	}
}

// trace is one of the reference traces in testdata/decide (see the README
// there).
type trace struct {
	Rounds []struct {
		Candidates int          `json:"candidates"`
		Exchanges  [][7]float64 `json:"exchanges"`
		Positions  [][]*float64 `json:"positions"`
	} `json:"rounds"`
}

// Ensure that, with its bookkeeping emulated, the model replays decide's
// own 10-round traces on its three example files: the same candidate
// counts, the same exchanges in the same order with the same gains and
// voting positions, and the same preferences after every round.
func TestDecideTraces(t *testing.T) {
	for _, file := range []string{"sample_data.txt", "copenhagen.csv", "cop21.csv"} {
		t.Run(file, func(t *testing.T) {
			sc, in := loadDecide(t, file)
			stem := strings.TrimSuffix(file, filepath.Ext(file))
			b, err := os.ReadFile(filepath.Join("testdata", "decide", stem+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var ref trace
			if err := json.Unmarshal(b, &ref); err != nil {
				t.Fatal(err)
			}
			r := run(t, in, parley.Options{Rounds: len(ref.Rounds), Params: map[string]string{"ties": "first"}}, exchange.DecideCompat)
			d := detail(t, r)
			m := in.M()
			norm := func(k int, x float64) float64 {
				return (x - sc.Issues[k].Scale.Min) * 100 / (sc.Issues[k].Scale.Max - sc.Issues[k].Scale.Min)
			}
			issue := map[string]int{}
			for k, is := range in.Issues {
				issue[is.ID] = k
			}
			for ri, want := range ref.Rounds {
				got := d.Rounds[ri]
				if got.Candidates != want.Candidates || len(got.Exchanges) != len(want.Exchanges) {
					t.Fatalf("round %d: %d candidates and %d exchanges, want %d and %d",
						ri+1, got.Candidates, len(got.Exchanges), want.Candidates, len(want.Exchanges))
				}
				for n, w := range want.Exchanges {
					e := got.Exchanges[n]
					wi, wj, wp, wq := in.Actors[int(w[0])], in.Actors[int(w[1])], in.Issues[int(w[2])].ID, in.Issues[int(w[3])].ID
					if e.ActorI != wi || e.ActorJ != wj || e.IssueP != wp || e.IssueQ != wq {
						t.Fatalf("round %d exchange %d: %s/%s on %s × %s, want %s/%s on %s × %s",
							ri+1, n, e.ActorI, e.ActorJ, e.IssueP, e.IssueQ, wi, wj, wp, wq)
					}
					yi, yj := norm(issue[e.IssueQ], e.MoveI.To), norm(issue[e.IssueP], e.MoveJ.To)
					if !near(e.Gain, w[4], 1e-9*w[4]) || !near(yi, w[5], 1e-7) || !near(yj, w[6], 1e-7) {
						t.Fatalf("round %d exchange %d: gain %.12g, votes %.10g, %.10g; want %.12g, %.10g, %.10g",
							ri+1, n, e.Gain, yi, yj, w[4], w[5], w[6])
					}
				}
				for a, row := range want.Positions {
					for k, x := range row {
						got := r.Trace[ri+1][a*m+k]
						if (x == nil) != math.IsNaN(got) || (x != nil && !near(norm(k, got), *x, 1e-7)) {
							t.Fatalf("round %d: %s on %s at %v, want %v", ri+1, in.Actors[a], in.Issues[k].ID, got, x)
						}
					}
				}
			}
		})
	}
}

// Ensure that the emulation with every quirk switched off is the model
// itself, so that the traces above vouch for everything but the quirks.
func TestQuirksOffIsTheModel(t *testing.T) {
	for _, file := range []string{"sample_data.txt", "copenhagen.csv", "cop21.csv"} {
		t.Run(file, func(t *testing.T) {
			_, in := loadDecide(t, file)
			opts := parley.Options{Params: map[string]string{"ties": "first"}}
			a := run(t, in, opts, 0)
			b := run(t, in, opts, exchange.CompatPath)
			if msg := sameRun(a, b, 1e-9); msg != "" {
				t.Error(msg)
			}
		})
	}
}

// sameRun compares two runs: the same exchanges in the same order, gains
// and positions within tol.
func sameRun(a, b *parley.Result, tol float64) string {
	da, db := a.Detail.(*exchange.Detail), b.Detail.(*exchange.Detail)
	for ri := range da.Rounds {
		ra, rb := da.Rounds[ri], db.Rounds[ri]
		if ra.Candidates != rb.Candidates || len(ra.Exchanges) != len(rb.Exchanges) {
			return fmt.Sprintf("round %d: %d/%d candidates, %d/%d exchanges", ri+1, ra.Candidates, rb.Candidates, len(ra.Exchanges), len(rb.Exchanges))
		}
		for n := range ra.Exchanges {
			ea, eb := ra.Exchanges[n], rb.Exchanges[n]
			if ea.ActorI != eb.ActorI || ea.ActorJ != eb.ActorJ || ea.IssueP != eb.IssueP || ea.IssueQ != eb.IssueQ ||
				!near(ea.Gain, eb.Gain, tol*ea.Gain) || !near(ea.MoveI.To, eb.MoveI.To, tol*100) || !near(ea.MoveJ.To, eb.MoveJ.To, tol*100) {
				return fmt.Sprintf("round %d exchange %d: %+v vs %+v", ri+1, n, ea, eb)
			}
		}
	}
	fa, fb := a.Final(), b.Final()
	for i := range fa {
		if !(math.IsNaN(fa[i]) && math.IsNaN(fb[i])) && !near(fa[i], fb[i], tol*100) {
			return fmt.Sprintf("final position %d: %v vs %v", i, fa[i], fb[i])
		}
	}
	return ""
}

// Ensure that the effect of each of decide's quirks on the example files
// stays as documented in docs/models/exchange.md (golden file
// testdata/quirk_effects.golden; rewrite with -update after review). For
// each quirk alone, for all together (decide), and for the model with
// random tie-breaks from three seeds, it lists: the
// exchanges executed in round 1 and in 10 rounds, where the executed
// exchanges first differ from the model's, and the mean and largest
// absolute difference of the 10-round forecasts from the model's, in
// points of the 0–100 scale.
func TestQuirkEffects(t *testing.T) {
	first := parley.Options{Params: map[string]string{"ties": "first"}}
	variants := []struct {
		name  string
		opts  parley.Options
		flags uint8
	}{
		{"model", first, 0},
		{"tracking", first, exchange.CompatPath | exchange.QuirkTracking},
		{"history", first, exchange.CompatPath | exchange.QuirkHistory},
		{"first-step", first, exchange.CompatPath | exchange.QuirkFirstStep},
		{"decide", first, exchange.DecideCompat},
		// The model with random tie-breaks, for the effect of ties.
		{"seed-1", parley.Options{Seed: 1}, 0},
		{"seed-2", parley.Options{Seed: 2}, 0},
		{"seed-3", parley.Options{Seed: 3}, 0},
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-16s %-10s %8s %8s %12s %8s %8s\n", "file", "variant", "round1", "total", "first-diff", "mean", "max")
	for _, file := range []string{"sample_data.txt", "copenhagen.csv", "cop21.csv"} {
		sc, in := loadDecide(t, file)
		base := run(t, in, first, 0)
		bd := detail(t, base)
		for _, v := range variants {
			r := run(t, in, v.opts, v.flags)
			d := detail(t, r)
			total := 0
			diff := "-"
			for ri, rd := range d.Rounds {
				total += len(rd.Exchanges)
				if diff != "-" {
					continue
				}
				be := bd.Rounds[ri].Exchanges
				for n := 0; n < max(len(rd.Exchanges), len(be)); n++ {
					if n >= len(rd.Exchanges) || n >= len(be) || !sameExchange(rd.Exchanges[n], be[n]) {
						diff = fmt.Sprintf("%d.%d", ri+1, n+1)
						break
					}
				}
			}
			var sum, worst float64
			for k, is := range sc.Issues {
				d := math.Abs(r.Forecast[k]-base.Forecast[k]) * 100 / (is.Scale.Max - is.Scale.Min)
				sum += d
				worst = math.Max(worst, d)
			}
			fmt.Fprintf(&b, "%-16s %-10s %8d %8d %12s %8.2f %8.2f\n", file, v.name, len(d.Rounds[0].Exchanges), total, diff, sum/float64(len(sc.Issues)), worst)
		}
	}
	t.Logf("\n%s", b.String())
	golden.Check(t, "quirk_effects.golden", []byte(b.String()))
}

func sameExchange(a, b exchange.Exchange) bool {
	return a.ActorI == b.ActorI && a.ActorJ == b.ActorJ && a.IssueP == b.IssueP && a.IssueQ == b.IssueQ &&
		near(a.Gain, b.Gain, 1e-9*a.Gain)
}
