package analysis

import "github.com/parley-forecast/parley"

// Fill exposes fill to the external tests.
func (p *Problem) Fill(in *parley.Instance, d Dist, u []float64) { p.fill(in, d, u) }

// DrawSeed exposes drawSeed to the external tests.
var DrawSeed = drawSeed
