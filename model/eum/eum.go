package eum

import (
	"math"
	"strconv"

	"github.com/parley-forecast/parley"
)

// Name is the model's name on the command line.
const Name = "eum"

// DefaultRounds is the number of rounds run when Options.Rounds is 0: the
// ten rounds of Scholz et al. and of the reference code.
const DefaultRounds = 10

type probRule uint8

const (
	probAllPairs probRule = iota
	probPairwise
)

type offerRule uint8

const (
	offersReference offerRule = iota
	offersLeastChange
	offersLeastChangeAny
)

// config is a checked set of options.
type config struct {
	rounds  int
	prob    probRule
	offers  offerRule
	q, t    float64
	epsilon float64
	stable  int
	noTrace bool
}

// New returns the expected utility model.
func New() parley.Model { return model{} }

type model struct{}

var info = parley.ModelInfo{
	Name:    Name,
	Summary: "Bueno de Mesquita's expected utility model: actors challenge, compromise with or give in to each other, issue by issue",
	Reference: "B. Bueno de Mesquita (1994), Political Forecasting: An Expected Utility Method, in Bueno de Mesquita & Stokman (eds.), " +
		"European Community Decision Making, Yale UP, ch. 4; as replicated by J. B. Scholz, G. J. Calbert & G. A. Smith (2011), " +
		"Unravelling Bueno De Mesquita's group decision model, J. Theoretical Politics 23(4):510–531, and by the code that reproduces " +
		"their published rounds (github.com/jmckib/bdm-scholz-expected-utility-model)",
	Dynamic:       true,
	DefaultRounds: DefaultRounds,
	Options: []parley.OptionInfo{
		{
			Name: "probability", Default: "all-pairs", Choices: []string{"all-pairs", "pairwise"},
			Doc: "How the probability that x_i prevails over x_j is normalised. all-pairs (reproduces the published rounds): the votes for x_i over x_j, " +
				"each voter using its own risk exponent, divided by the sum of |votes| over every ordered pair of actors, which makes P small (about 0.01). " +
				"pairwise (Scholz et al.'s printed formula): the same votes with linear distances, divided by the votes for either side of this pair, so P_ij + P_ji = 1.",
		},
		{
			Name: "offers", Default: "reference", Choices: []string{"reference", "least-change", "least-change-any"},
			Doc: "Which of its offers an actor accepts. reference (reproduces the published rounds): a confrontation it expects to lose if any, the nearest; " +
				"else the compromise with the lowest |EU|-weighted position (|a|x_i + |b|x_j)/(|a| + |b|); else the nearest capitulation. " +
				"least-change: the same order of types, but the compromise that moves the actor least. " +
				"least-change-any: whichever offer moves the actor least, of any type. Ties go to the counterpart listed first.",
		},
		{
			Name: "q", Default: "1",
			Doc: "Q in [0,1], the probability that the status quo holds if i does not challenge j. With Q < 1 the expected utility of a challenge " +
				"also subtracts (1-Q)[T U_b + (1-T) U_w], which depends on the weighted median.",
		},
		{
			Name: "t", Default: "1",
			Doc: "T in [0,1], the probability that, without a challenge, things get better rather than worse for the challenger. No effect when q = 1.",
		},
		{
			Name: "epsilon", Default: "0",
			Doc: "Stop an issue early once its weighted median has moved less than epsilon × (its initial range of positions) in stable-rounds consecutive rounds; " +
				"the run ends when every issue has stopped. 0 turns early stopping off.",
		},
		{
			Name: "stable-rounds", Default: "1",
			Doc: "How many consecutive quiet rounds (see epsilon) stop an issue; at least 1.",
		},
	},
}

func (model) Info() parley.ModelInfo { return info }

func (model) Prepare(opts parley.Options) (parley.Solver, error) {
	cfg, err := configure(opts)
	if err != nil {
		return nil, err
	}
	return &solver{ws: workspace{cfg: cfg}}, nil
}

// configure checks opts and turns them into a config.
func configure(opts parley.Options) (config, error) {
	var cfg config
	if err := opts.CheckParams(info); err != nil {
		return cfg, err
	}
	if opts.Rounds < 0 {
		return cfg, parley.Errorf(parley.EINVALID, "model %s: rounds must be at least 0 (0 = the default %d), got %d", Name, DefaultRounds, opts.Rounds)
	}
	cfg.rounds = opts.Rounds
	if cfg.rounds == 0 {
		cfg.rounds = DefaultRounds
	}
	cfg.noTrace = opts.NoTrace
	if opts.Param("probability", "all-pairs") == "pairwise" {
		cfg.prob = probPairwise
	}
	switch opts.Param("offers", "reference") {
	case "least-change":
		cfg.offers = offersLeastChange
	case "least-change-any":
		cfg.offers = offersLeastChangeAny
	}
	unit := func(name string) (float64, error) {
		v, err := opts.FloatParam(name, 1)
		if err != nil {
			return 0, err
		}
		if !(v >= 0 && v <= 1) {
			return 0, parley.Errorf(parley.EINVALID, "model %s: option %s must be in [0,1], got %s", Name, name, opts.Params[name])
		}
		return v, nil
	}
	var err error
	if cfg.q, err = unit("q"); err != nil {
		return cfg, err
	}
	if cfg.t, err = unit("t"); err != nil {
		return cfg, err
	}
	if cfg.epsilon, err = opts.FloatParam("epsilon", 0); err != nil {
		return cfg, err
	}
	if !(cfg.epsilon >= 0) || math.IsInf(cfg.epsilon, 0) {
		return cfg, parley.Errorf(parley.EINVALID, "model %s: option epsilon must be a finite number >= 0, got %s", Name, opts.Params["epsilon"])
	}
	if cfg.stable, err = opts.IntParam("stable-rounds", 1); err != nil {
		return cfg, err
	}
	if cfg.stable < 1 {
		return cfg, parley.Errorf(parley.EINVALID, "model %s: option stable-rounds must be at least 1, got %s", Name, strconv.Itoa(cfg.stable))
	}
	return cfg, nil
}
