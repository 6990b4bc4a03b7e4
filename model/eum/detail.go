package eum

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
)

// Detail is the model-specific output of a traced run, stored in
// Result.Detail. It marshals to
//
//	{"rounds":[{"round":1,"issues":[{"issue":"id","risk":{"ACTOR":r,...},
//	  "offers":[{"actor":..,"type":..,"counterpart":..,"eu_ij":..,"eu_ji":..,"from":..,"to":..}],
//	  "mean":..,"median":..}]}]}
//
// Round 0 (the input) is not included.
type Detail struct {
	Rounds []Round `json:"rounds"`
}

// Round is one round of the run.
type Round struct {
	Round  int          `json:"round"`
	Issues []IssueRound `json:"issues"`
}

// IssueRound is one round of one issue's game. Issues that stopped early
// (see the epsilon option) have no entry in later rounds.
type IssueRound struct {
	// Issue is the issue's id.
	Issue string
	// Risk holds the risk exponent r_i each actor taking part used in the
	// round.
	Risk Risk
	// Offers are the offers accepted in the round, in actor order.
	Offers []Offer
	// Mean and Median are the capability×salience-weighted mean and median
	// of the positions after the round (NaN, written null, when no actor
	// has positive weight).
	Mean, Median float64
}

// Risk is a set of risk exponents: R[i] belongs to Actors[i]. It marshals
// to a JSON object keyed by actor id, in actor order.
type Risk struct {
	Actors []string
	R      []float64
}

// Of returns the risk exponent of actor id.
func (r Risk) Of(id string) (float64, bool) {
	for i, a := range r.Actors {
		if a == id {
			return r.R[i], true
		}
	}
	return 0, false
}

// An Offer is an offer an actor accepted: its type (confrontation,
// compromise or capitulation), the counterpart that made it, the
// receiver's estimates E^i(U_ij) (EUij: of challenging the counterpart)
// and E^i(U_ji) (EUji: of being challenged by it), and the move.
type Offer struct {
	Actor       string  `json:"actor"`
	Type        string  `json:"type"`
	Counterpart string  `json:"counterpart"`
	EUij        float64 `json:"eu_ij"`
	EUji        float64 `json:"eu_ji"`
	From        float64 `json:"from"`
	To          float64 `json:"to"`
}

// MarshalJSON writes the risk exponents as an object in actor order.
func (r Risk) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, a := range r.Actors {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(a)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(appendNumber(nil, r.R[i]))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// MarshalJSON writes the round with NaN mean or median as null.
func (ir IssueRound) MarshalJSON() ([]byte, error) {
	offers := ir.Offers
	if offers == nil {
		offers = []Offer{}
	}
	return json.Marshal(struct {
		Issue  string          `json:"issue"`
		Risk   Risk            `json:"risk"`
		Offers []Offer         `json:"offers"`
		Mean   json.RawMessage `json:"mean"`
		Median json.RawMessage `json:"median"`
	}{ir.Issue, ir.Risk, offers, appendNumber(nil, ir.Mean), appendNumber(nil, ir.Median)})
}

// appendNumber appends x as JSON: null when it is not finite.
func appendNumber(b []byte, x float64) []byte {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, x, 'g', -1, 64)
}
