package smp

import (
	"math"
	"strconv"
	"strings"

	"github.com/parley-forecast/parley"
)

// Option names, as accepted in parley.Options.Params. The first nine are
// KTAB's model parameters (the XML ModelParameters block and the C API's
// nine-integer array); their values use KTAB's XML spellings.
const (
	OptVictoryProb      = "victory_prob"       // KTAB VictoryProbModel
	OptPCE              = "pce"                // KTAB PCEModel
	OptTransitions      = "transitions"        // KTAB StateTransitions
	OptVotingRule       = "voting_rule"        // KTAB VotingRule
	OptBigRAdjust       = "big_r_adjust"       // KTAB BigRAdjust
	OptBigRRange        = "big_r_range"        // KTAB BigRRange
	OptThirdPartyCommit = "third_party_commit" // KTAB ThirdPartyCommit
	OptInterp           = "interp"             // KTAB InterVecBrgn
	OptBargainModel     = "bargain_model"      // KTAB BargnModel
	OptAccommodation    = "accommodation"      // KTAB IdealAdjustment entries
	OptRelations        = "relations"          // how scenario relations feed the accommodation matrix
	OptKTABQuirks       = "ktab_quirks"        // replicate two KTAB bugs in the non-default bargain models
)

// Choice lists, in KTAB's enum order (the C API's integer codes are the
// indices).
var (
	victoryProbNames   = []string{"Linear", "Square", "Quartic", "Octic", "Binary"}
	pceNames           = []string{"Conditional", "MarkovIncentive", "MarkovUniform"}
	transitionNames    = []string{"Deterministic", "Stochastic"}
	votingRuleNames    = []string{"Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp"}
	bigRAdjustNames    = []string{"None", "OneThird", "Half", "TwoThirds", "Full"}
	bigRRangeNames     = []string{"Min", "Mid", "Max"}
	thirdPartyNames    = []string{"NoCommit", "SemiCommit", "FullCommit"}
	interpNames        = []string{"S1P1", "S2P2", "S2PMax"}
	bargainModelNames  = []string{"InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"}
	relationModeNames  = []string{"ignore", "accommodate"}
	quirkNames         = []string{"fix", "keep"}
	defaultRoundsLimit = 100
)

// Enumerations, numbered as in KTAB.
type (
	victoryProb  int
	pceModel     int
	votingRule   int
	bigRAdjust   int
	bigRRange    int
	thirdParty   int
	interpModel  int
	bargainModel int
)

const (
	vpLinear victoryProb = iota
	vpSquare
	vpQuartic
	vpOctic
	vpBinary
)

const (
	pceConditional pceModel = iota
	pceMarkovIncentive
	pceMarkovUniform
)

const (
	vrBinary votingRule = iota
	vrPropBin
	vrProp
	vrPropCbc
	vrCubic
	vrASymProsp
)

const (
	raNone bigRAdjust = iota
	raOneThird
	raHalf
	raTwoThirds
	raFull
)

const (
	rrMin bigRRange = iota
	rrMid
	rrMax
)

const (
	tpNoCommit thirdParty = iota
	tpSemiCommit
	tpFullCommit
)

const (
	ivS1P1 interpModel = iota
	ivS2P2
	ivS2PMax
)

const (
	bmInitOnly bargainModel = iota
	bmInitRcvr
	bmPWComp
)

// config is the parsed form of the options.
type config struct {
	vpm        victoryProb
	pcem       pceModel
	stochastic bool
	vr         votingRule
	bigRAdj    bigRAdjust
	bigRRng    bigRRange
	tpc        thirdParty
	ivb        interpModel
	bMod       bargainModel
	maxRounds  int
	seed       uint64
	noTrace    bool
	accomm     []accEntry
	relations  bool
	ktabQuirks bool
}

// accEntry is one explicit entry of the accommodation matrix, by actor id.
type accEntry struct {
	from, to string
	value    float64
}

var info = parley.ModelInfo{
	Name:    "smp",
	Summary: "KTAB's spatial model of politics: rounds of challenges judged by probabilistic Condorcet elections, interpolated bargains and risk attitudes derived from the model",
	Reference: "KAPSARC Toolkit for Behavioral Analysis (KTAB), smpc; B. Wise et al., " +
		"\"KTAB: a spatial model of politics\", KAPSARC (2015-2019); github.com/KAPSARC/KTAB (MIT)",
	Dynamic:       true,
	DefaultRounds: defaultRoundsLimit,
	Options: []parley.OptionInfo{
		{Name: OptVictoryProb, Default: "Linear", Choices: victoryProbNames,
			Doc: "how coalition strengths become the probability that one option beats another: the ratio of strengths raised to the 1st, 2nd, 4th or 8th power, or a steep ramp (KTAB VictoryProbModel)"},
		{Name: OptPCE, Default: "Conditional", Choices: pceNames,
			Doc: "probabilistic Condorcet election: Conditional (product of pairwise victory probabilities) or a Markov chain of challenges chosen by incentive or uniformly (KTAB PCEModel)"},
		{Name: OptTransitions, Default: "Deterministic", Choices: transitionNames,
			Doc: "each actor takes the bargain most likely to win (Deterministic) or draws one in proportion to its probability, reproducibly from the seed (Stochastic) (KTAB StateTransitions)"},
		{Name: OptVotingRule, Default: "Prop", Choices: votingRuleNames,
			Doc: "how an actor's utility difference between two options becomes its vote (KTAB VotingRule; the XSD's spelling Proportional means Prop)"},
		{Name: OptBigRAdjust, Default: "OneThird", Choices: bigRAdjustNames,
			Doc: "how far actor h's estimate of actor i's risk attitude moves from h's own towards i's: not at all (None), a third, a half, two thirds, or fully (KTAB BigRAdjust)"},
		{Name: OptBigRRange, Default: "Mid", Choices: bigRRangeNames,
			Doc: "range of the risk attitudes derived from win probabilities: [0,1] (Min), [-1/2,1] (Mid) or [-1,1] (Max) (KTAB BigRRange)"},
		{Name: OptThirdPartyCommit, Default: "SemiCommit", Choices: thirdPartyNames,
			Doc: "how far a third party that joins a challenge is bound to the side it joins (KTAB ThirdPartyCommit)"},
		{Name: OptInterp, Default: "S2P2", Choices: interpNames,
			Doc: "how a bargain is interpolated between two positions: weights salience^2 x probability^2 (S2P2), salience x probability (S1P1), or only the weaker side moves (S2PMax) (KTAB InterVecBrgn)"},
		{Name: OptBargainModel, Default: "InitOnlyInterp", Choices: bargainModelNames,
			Doc: "which bargains a challenge puts forward: the initiator's interpolation, both sides' interpolations, or their power-weighted compromise (KTAB BargnModel)"},
		{Name: OptAccommodation, Default: "",
			Doc: "entries of the ideal-accommodation matrix, \"ADJUSTER:REFERENCE=VALUE;...\" by actor id (KTAB XML IdealAdjustment); unlisted entries are the identity's, so an actor's ideal follows its own position"},
		{Name: OptRelations, Default: "ignore", Choices: relationModeNames,
			Doc: "ignore the scenario's relations (KTAB has none), or accommodate: an ally's position pulls an actor's ideal by the relation's strength, leverage pulls the pressed actor's ideal towards the one pressing it; rivalry cannot be expressed and is ignored"},
		{Name: OptKTABQuirks, Default: "fix", Choices: quirkNames,
			Doc: "keep replicates two KTAB bugs that only the non-default bargain models reach: InitRcvrInterp and PWCompInterp take the receiver's estimate of the initiator's expected gain as if it were its estimate of the initiator's chance, and PWCompInterp weights the receiver's side with the initiator's capability; fix (the default) uses the probability and the receiver's own capability"},
	},
}

func pick(opts parley.Options, name string, names []string, def int) int {
	v := opts.Param(name, names[def])
	for i, s := range names {
		if s == v {
			return i
		}
	}
	return def // unreachable after CheckParams
}

func parseConfig(opts parley.Options) (config, error) {
	if err := opts.CheckParams(info); err != nil {
		return config{}, err
	}
	var c config
	c.vpm = victoryProb(pick(opts, OptVictoryProb, victoryProbNames, int(vpLinear)))
	c.pcem = pceModel(pick(opts, OptPCE, pceNames, int(pceConditional)))
	c.stochastic = pick(opts, OptTransitions, transitionNames, 0) == 1
	c.vr = votingRule(pick(opts, OptVotingRule, votingRuleNames, int(vrProp)))
	c.bigRAdj = bigRAdjust(pick(opts, OptBigRAdjust, bigRAdjustNames, int(raOneThird)))
	c.bigRRng = bigRRange(pick(opts, OptBigRRange, bigRRangeNames, int(rrMid)))
	c.tpc = thirdParty(pick(opts, OptThirdPartyCommit, thirdPartyNames, int(tpSemiCommit)))
	c.ivb = interpModel(pick(opts, OptInterp, interpNames, int(ivS2P2)))
	c.bMod = bargainModel(pick(opts, OptBargainModel, bargainModelNames, int(bmInitOnly)))
	c.relations = pick(opts, OptRelations, relationModeNames, 0) == 1
	c.ktabQuirks = pick(opts, OptKTABQuirks, quirkNames, 0) == 1
	if opts.Rounds < 0 {
		return config{}, parley.Errorf(parley.EINVALID, "model smp: rounds must not be negative, got %d", opts.Rounds)
	}
	c.maxRounds = opts.Rounds
	if c.maxRounds == 0 {
		c.maxRounds = defaultRoundsLimit
	}
	c.seed = opts.Seed
	c.noTrace = opts.NoTrace
	acc, err := parseAccommodation(opts.Param(OptAccommodation, ""))
	if err != nil {
		return config{}, err
	}
	c.accomm = acc
	return c, nil
}

// parseAccommodation reads the accommodation option:
// "ADJUSTER:REFERENCE=VALUE" entries separated by semicolons, each setting
// how far ADJUSTER's ideal moves towards REFERENCE's position every round
// (a value in [0,1]). Blank entries are ignored.
func parseAccommodation(s string) ([]accEntry, error) {
	var out []accEntry
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		pair, val, ok := strings.Cut(part, "=")
		if !ok {
			return nil, parley.Errorf(parley.EINVALID, "option %s: entry %q: want ADJUSTER:REFERENCE=VALUE", OptAccommodation, part)
		}
		from, to, ok := strings.Cut(pair, ":")
		from, to = strings.TrimSpace(from), strings.TrimSpace(to)
		if !ok || from == "" || to == "" {
			return nil, parley.Errorf(parley.EINVALID, "option %s: entry %q: want ADJUSTER:REFERENCE=VALUE", OptAccommodation, part)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil || math.IsNaN(v) || v < 0 || v > 1 {
			return nil, parley.Errorf(parley.EINVALID, "option %s: entry %q: the value must be a number in [0,1]", OptAccommodation, part)
		}
		out = append(out, accEntry{from, to, v})
	}
	return out, nil
}
