package exchange

// Detail is the model-specific output of a run (parley.Result.Detail). It
// marshals to {"rounds": [...]}.
type Detail struct {
	Rounds []Round `json:"rounds"`
}

// Round is what happened in one round.
type Round struct {
	Round int `json:"round"`
	// Candidates is the number of candidate exchanges at the start of the
	// round: pairs of actors on opposite sides of the outcome on two issues,
	// counted whether or not an exchange between them is possible.
	Candidates int `json:"candidates"`
	// Exchanges are the executed exchanges, in the order of execution.
	Exchanges []Exchange `json:"exchanges"`
}

// Exchange is one executed exchange: ActorI gives ground on IssueQ (MoveI)
// for ActorJ's ground on IssueP (MoveJ). ActorI is the one that cares
// relatively more about IssueP.
type Exchange struct {
	ActorI string `json:"actor_i"`
	ActorJ string `json:"actor_j"`
	IssueP string `json:"issue_p"`
	IssueQ string `json:"issue_q"`
	// Gain is the equal gain that ranked the exchange: the utility each
	// actor gains, in salience × points on the issues' scales normalised to
	// 0–100.
	Gain float64 `json:"gain"`
	// GainI and GainJ are the gains of the two actors. They equal Gain
	// unless the REX option p is above 0.
	GainI float64 `json:"gain_i"`
	GainJ float64 `json:"gain_j"`
	MoveI Move    `json:"move_i"`
	MoveJ Move    `json:"move_j"`
	// Externalities are the changes in the utility of every other actor
	// taking part in both issues, from the two outcome shifts.
	Externalities []Externality `json:"externalities"`
}

// Move is one actor's move, on the issue's own scale.
type Move struct {
	Actor string  `json:"actor"`
	Issue string  `json:"issue"`
	From  float64 `json:"from"`
	To    float64 `json:"to"`
}

// Externality is the effect of an exchange on a third actor: the change
// in its utility, s_p·(|O_p − x_p| before − after) + s_q·(… q …), measured
// at its preferences, in the units of Exchange.Gain. Group is "inner" when
// the actor sits on the same sides of the outcomes as one of the two
// exchanging actors, "outer" otherwise.
type Externality struct {
	Actor string  `json:"actor"`
	Value float64 `json:"value"`
	Group string  `json:"group"`
}
