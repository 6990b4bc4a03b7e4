package exchange

import "github.com/parley-forecast/parley"

// Emulation flags of compat.go, for the conformance tests.
const (
	CompatPath     = compatPath
	QuirkTracking  = quirkTracking
	QuirkHistory   = quirkHistory
	QuirkFirstStep = quirkFirstStep
	DecideCompat   = decideCompat
)

// SetCompat sets the emulation flags of a solver from New().Prepare.
func SetCompat(s parley.Solver, flags uint8) { s.(*solver).compat = flags }

// RexShifts exposes rexShifts to the tests.
var RexShifts = rexShifts

// MaxGains exposes maxGainI and maxGainJ to the tests.
func MaxGains(sip, siq, sjp, sjq, capP, capQ float64) (float64, float64) {
	return maxGainI(sip, siq, sjp, sjq, capP, capQ), maxGainJ(sip, siq, sjp, sjq, capP, capQ)
}
