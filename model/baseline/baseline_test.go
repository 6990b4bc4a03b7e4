package baseline_test

import (
	"context"
	"math"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/model/baseline"
	"github.com/parley-forecast/parley/model/modeltest"
)

func TestConformance(t *testing.T) {
	t.Run("compromise", func(t *testing.T) { modeltest.Run(t, baseline.Compromise(), modeltest.Skips{}) })
	t.Run("median", func(t *testing.T) { modeltest.Run(t, baseline.Median(), modeltest.Skips{}) })
}

// emissions is the EU car-emissions case (BDM 1994 p.78 via Scholz et al.
// 2011): capability, position, salience.
func emissions() *parley.Instance {
	c := []float64{.08, .08, .03, .16, .16, .16, .16, .05, .05, .08}
	x := []float64{4, 7, 4, 4, 10, 10, 10, 7, 4, 7}
	s := []float64{.8, .4, .2, .8, .6, .6, .9, .1, 1, .7}
	return &parley.Instance{
		Actors: []string{"Netherlands", "Belgium", "Luxembourg", "Germany", "France", "Italy", "UK", "Ireland", "Denmark", "Greece"},
		Issues: []parley.IssueSpec{{ID: "date", Min: 4, Max: 10}}, Position: x, Salience: s, Capability: c,
	}
}

func TestEmissions(t *testing.T) {
	// Published starting values (docs eum.md §4.1, datasets_initial_stats.csv):
	// c·s-weighted mean 7.389955686853767, weighted median 7.
	for _, tt := range []struct {
		m    parley.Model
		want float64
	}{{baseline.Compromise(), 7.389955686853767}, {baseline.Median(), 7}} {
		s, _ := tt.m.Prepare(parley.Options{})
		var r parley.Result
		if err := s.Solve(context.Background(), emissions(), &r); err != nil {
			t.Fatal(err)
		}
		if math.Abs(r.Forecast[0]-tt.want) > 1e-12 {
			t.Errorf("%s: forecast %.16g, want %.16g", tt.m.Info().Name, r.Forecast[0], tt.want)
		}
	}
}

func BenchmarkBaseline(b *testing.B) {
	for _, m := range []parley.Model{baseline.Compromise(), baseline.Median()} {
		b.Run(m.Info().Name, func(b *testing.B) {
			s, _ := m.Prepare(parley.Options{})
			in := emissions()
			var r parley.Result
			b.ReportAllocs()
			for b.Loop() {
				if err := s.Solve(context.Background(), in, &r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
