package smp_test

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/parley-forecast/parley"
)

// ktabVariants reads testdata/ktab_variants.csv: for each variant, smpc's
// positions at every turn (see testdata/README.md for how they were made).
func ktabVariants(t *testing.T) map[string][][]float64 {
	t.Helper()
	f, err := os.Open("testdata/ktab_variants.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][][]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		fs := strings.Split(line, ",")
		turn, _ := strconv.Atoi(fs[1])
		var pos []float64
		for _, s := range fs[2:] {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatal(err)
			}
			pos = append(pos, x)
		}
		if turn != len(out[fs[0]]) {
			t.Fatalf("variant %s: turn %d out of order", fs[0], turn)
		}
		out[fs[0]] = append(out[fs[0]], pos)
	}
	return out
}

// TestKTABVariants runs every model option that changes the dynamics on
// dummyData_3Dim and compares each turn with smpc run with the same option
// in the file's ModelParameters (and for two variants an IdealAdjustment).
func TestKTABVariants(t *testing.T) {
	want := ktabVariants(t)
	base := loadKTAB(t, "reference/ktab/dummyData_3Dim.xml")
	example := loadKTAB(t, "reference/ktab/smpExample-a4a29b0.xml")
	const accomm = "SActor-00:SActor-00=0.5;SActor-01:SActor-01=0.6;SActor-01:SActor-03=0.2;" +
		"SActor-05:SActor-02=0.1;SActor-05:SActor-05=0.7;SActor-06:SActor-06=0"
	type variant struct {
		name      string
		params    map[string]string
		equalCaps bool // every capability 80
		example   bool // smpExample-a4a29b0.xml instead of dummyData_3Dim
	}
	vs := []variant{
		{name: "IdealAdjustment", params: map[string]string{"accommodation": accomm}},
		{name: "IdealAdjustment_MarkovUniform_TwoThirds", params: map[string]string{"accommodation": accomm, "pce": "MarkovUniform", "big_r_adjust": "TwoThirds"}},
		{name: "PCEModel-MarkovIncentive_VotingRule-PropCbc_VictoryProbModel-Quartic", params: map[string]string{"pce": "MarkovIncentive", "voting_rule": "PropCbc", "victory_prob": "Quartic"}},
		{name: "BargnModel-InitRcvrInterp", params: map[string]string{"bargain_model": "InitRcvrInterp", "ktab_quirks": "keep"}},
		{name: "BargnModel-PWCompInterp", params: map[string]string{"bargain_model": "PWCompInterp", "ktab_quirks": "keep"}},
		{name: "BargnModel-PWCompInterp_equalcaps", params: map[string]string{"bargain_model": "PWCompInterp", "ktab_quirks": "keep"}, equalCaps: true},
		{name: "smpExample_det", params: map[string]string{"transitions": "Deterministic"}, example: true},
	}
	for opt, names := range map[string][]string{
		"voting_rule":        {"Binary", "PropBin", "PropCbc", "Cubic", "ASymProsp"},
		"victory_prob":       {"Square", "Quartic", "Octic", "Binary"},
		"pce":                {"MarkovIncentive", "MarkovUniform"},
		"big_r_adjust":       {"None", "Half", "TwoThirds"},
		"big_r_range":        {"Min", "Max"},
		"third_party_commit": {"NoCommit", "FullCommit"},
		"interp":             {"S1P1", "S2PMax"},
	} {
		ktabName := map[string]string{"voting_rule": "VotingRule", "victory_prob": "VictoryProbModel", "pce": "PCEModel",
			"big_r_adjust": "BigRAdjust", "big_r_range": "BigRRange", "third_party_commit": "ThirdPartyCommit", "interp": "InterVecBrgn"}[opt]
		for _, v := range names {
			vs = append(vs, variant{name: ktabName + "-" + v, params: map[string]string{opt: v}})
		}
	}
	for _, v := range vs {
		t.Run(v.name, func(t *testing.T) {
			ref, ok := want[v.name]
			if !ok {
				t.Fatalf("no reference for %s", v.name)
			}
			f := base
			if v.example {
				f = example
			}
			in, err := f.Scenario.Instance()
			if err != nil {
				t.Fatal(err)
			}
			if v.equalCaps {
				for i := range in.Capability {
					in.Capability[i] = 80
				}
			}
			params := map[string]string{}
			for k, x := range f.Params {
				params[k] = x
			}
			for k, x := range v.params {
				params[k] = x
			}
			res := run(t, in, parley.Options{Params: params})
			if len(res.Trace) != len(ref) {
				t.Errorf("%d turns, smpc %d", len(res.Trace)-1, len(ref)-1)
			}
			var worst float64
			for turn := 0; turn < min(len(ref), len(res.Trace)); turn++ {
				for i, x := range ref[turn] {
					worst = math.Max(worst, math.Abs(res.Trace[turn][i]-x))
				}
			}
			// The reference keeps 10 significant digits.
			if worst > 1e-7 {
				t.Errorf("max |ours - smpc| = %g over the turns both have", worst)
			}
		})
	}
}
