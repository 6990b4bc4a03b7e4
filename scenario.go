package parley

// A Scenario is one negotiation to forecast: who takes part, what is at
// stake, where each party stands and why we think so, and the what-ifs and
// questions the analyst wants answered.
//
// The scenario file format (YAML or JSON) is this type's JSON encoding;
// package scenario parses and validates files, and scenario.schema.json is
// generated from these declarations. Struct tags: json gives the field's
// name, doc its description, and minimum, maximum and enum constrain it in
// the schema.
type Scenario struct {
	Title       string     `json:"title" doc:"Short title of the scenario."`
	Question    string     `json:"question,omitempty" doc:"The question the scenario answers, in words."`
	Date        string     `json:"date,omitempty" doc:"Date the assessment refers to (YYYY-MM-DD)." pattern:"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"`
	Description string     `json:"description,omitempty" doc:"Background for readers."`
	Sources     []Source   `json:"sources,omitempty" doc:"Documents that evidence quotes cite."`
	Actors      []Actor    `json:"actors" doc:"The parties to the negotiation."`
	Issues      []Issue    `json:"issues" doc:"What is negotiated, each on a labelled scale."`
	Stances     []Stance   `json:"stances" doc:"Where each actor stands on each issue it takes part in."`
	Relations   []Relation `json:"relations,omitempty" doc:"Alliances, rivalries and leverage between actors."`
	Variants    []Variant  `json:"variants,omitempty" doc:"Named what-ifs: changes applied to the base scenario."`
	Questions   []Question `json:"questions,omitempty" doc:"Named conditions over issue outcomes that analyses turn into probabilities."`
}

// A Source is a document that evidence quotes come from.
type Source struct {
	ID        string `json:"id" doc:"Identifier that evidence items cite." pattern:"^[A-Za-z0-9][A-Za-z0-9_.-]*$"`
	Title     string `json:"title" doc:"Title of the document."`
	Publisher string `json:"publisher,omitempty" doc:"Who published it."`
	Author    string `json:"author,omitempty" doc:"Who wrote it."`
	Date      string `json:"date,omitempty" doc:"Publication date (YYYY-MM-DD)." pattern:"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"`
	URL       string `json:"url,omitempty" doc:"Where the document can be read."`
	Path      string `json:"path,omitempty" doc:"Local plain-text copy, relative to the scenario file; when present, every quote citing this source is checked against it."`
}

// ActorKind classifies actors.
type ActorKind string

// Actor kinds.
const (
	KindState         ActorKind = "state"
	KindGovernment    ActorKind = "government"
	KindArmedGroup    ActorKind = "non-state-armed-group"
	KindInternational ActorKind = "international-organisation"
	KindCoalition     ActorKind = "coalition"
	KindPerson        ActorKind = "person"
	KindOther         ActorKind = "other"
)

// ActorKinds lists the actor kinds.
var ActorKinds = []ActorKind{KindState, KindGovernment, KindArmedGroup, KindInternational, KindCoalition, KindPerson, KindOther}

// An Actor is a party to the negotiation.
type Actor struct {
	ID         string     `json:"id" doc:"Identifier used by stances, relations and variants." pattern:"^[A-Za-z0-9][A-Za-z0-9_.-]*$"`
	Name       string     `json:"name" doc:"Display name."`
	Kind       ActorKind  `json:"kind,omitempty" doc:"What sort of actor it is." enum:"state,government,non-state-armed-group,international-organisation,coalition,person,other"`
	Aliases    []string   `json:"aliases,omitempty" doc:"Other names (capitals, leaders, acronyms) used in sources."`
	Capability Value      `json:"capability" doc:"Ability to shape outcomes, on any non-negative scale shared by all actors; a stance may override it per issue." minimum:"0"`
	Evidence   []Evidence `json:"evidence,omitempty" doc:"Sources for the capability estimate."`
	Note       string     `json:"note,omitempty" doc:"Analyst's note."`
}

// An Issue is one dimension of the negotiation, on a numeric scale whose
// points are labelled so that readers know what a number means.
type Issue struct {
	ID          string   `json:"id" doc:"Identifier used by stances, variants and questions." pattern:"^[A-Za-z][A-Za-z0-9_]*$"`
	Name        string   `json:"name" doc:"Display name."`
	Description string   `json:"description,omitempty" doc:"What is being decided."`
	Scale       Scale    `json:"scale" doc:"The numeric scale positions are given on."`
	Rule        Rule     `json:"rule,omitempty" doc:"Decision rule that turns positions into the outcome; weighted-median by default." enum:"weighted-median,weighted-mean"`
	Vetoes      []string `json:"vetoes,omitempty" doc:"Actors who can block any outcome outside the range of the veto players' positions."`
}

// A Scale is the range of an issue's positions with labelled anchor
// points.
type Scale struct {
	Min     float64  `json:"min" doc:"Lowest position."`
	Max     float64  `json:"max" doc:"Highest position."`
	Unit    string   `json:"unit,omitempty" doc:"Unit of the scale, if it has one (years, per cent)."`
	Anchors []Anchor `json:"anchors,omitempty" doc:"What particular positions mean."`
}

// An Anchor labels one point of a scale.
type Anchor struct {
	Value float64 `json:"value" doc:"Position on the scale."`
	Label string  `json:"label" doc:"What the position means."`
}

// Label describes x in terms of the scale's anchors: the label of an
// anchor at x, or "between A and B" for the nearest anchors around x.
func (s Scale) Label(x float64) string {
	if len(s.Anchors) == 0 {
		return ""
	}
	var below, above *Anchor
	for i := range s.Anchors {
		a := &s.Anchors[i]
		d := a.Value - x
		if d < 0 {
			d = -d
		}
		if d <= 1e-9*(s.Max-s.Min) {
			return a.Label
		}
		if a.Value < x && (below == nil || a.Value > below.Value) {
			below = a
		}
		if a.Value > x && (above == nil || a.Value < above.Value) {
			above = a
		}
	}
	switch {
	case below != nil && above != nil:
		return "between “" + below.Label + "” and “" + above.Label + "”"
	case below != nil:
		return "beyond “" + below.Label + "”"
	default:
		return "short of “" + above.Label + "”"
	}
}

// A Stance is where an actor stands on an issue: its position on the
// issue's scale, how much the issue matters to it (salience) and,
// optionally, its capability on this issue. Each stance should be backed
// by evidence or marked as an assumption.
type Stance struct {
	Actor      string     `json:"actor" doc:"Actor id."`
	Issue      string     `json:"issue" doc:"Issue id."`
	Position   Value      `json:"position" doc:"Preferred outcome on the issue's scale."`
	Salience   Value      `json:"salience" doc:"How much the issue matters to the actor, from 0 (not at all) to 1 (above all else)." minimum:"0" maximum:"1"`
	Capability *Value     `json:"capability,omitempty" doc:"Capability on this issue, overriding the actor's." minimum:"0"`
	Evidence   []Evidence `json:"evidence,omitempty" doc:"Quotes from sources that support this stance."`
	Assumption string     `json:"assumption,omitempty" doc:"Marks the stance as the analyst's assumption, with the reasoning behind it."`
	Note       string     `json:"note,omitempty" doc:"Analyst's note."`
}

// Evidence is a verbatim quote from a source supporting an estimate.
type Evidence struct {
	Source   string `json:"source" doc:"Source id."`
	Quote    string `json:"quote" doc:"Verbatim text from the source (whitespace may differ)."`
	Supports string `json:"supports,omitempty" doc:"Which estimate the quote supports." enum:"position,salience,capability,relation"`
	Note     string `json:"note,omitempty" doc:"How the quote bears on the estimate."`
}

// RelationKind classifies relations between actors.
type RelationKind string

// Relation kinds.
const (
	RelAlly     RelationKind = "ally"
	RelRival    RelationKind = "rival"
	RelLeverage RelationKind = "leverage"
)

// RelationKinds lists the relation kinds.
var RelationKinds = []RelationKind{RelAlly, RelRival, RelLeverage}

// A Relation links two actors. Ally and rival relations are symmetric in
// meaning; leverage is directed: From can press To.
type Relation struct {
	From     string       `json:"from" doc:"Actor id."`
	To       string       `json:"to" doc:"Actor id."`
	Kind     RelationKind `json:"kind" doc:"ally, rival, or leverage (From over To)." enum:"ally,rival,leverage"`
	Strength float64      `json:"strength" doc:"Strength of the relation, from 0 to 1." minimum:"0" maximum:"1"`
	Evidence []Evidence   `json:"evidence,omitempty" doc:"Quotes supporting the relation."`
	Note     string       `json:"note,omitempty" doc:"Analyst's note."`
}

// A Variant is a named what-if: a list of changes applied in order to the
// base scenario.
type Variant struct {
	ID          string   `json:"id" doc:"Identifier used with --variant." pattern:"^[A-Za-z0-9][A-Za-z0-9_.-]*$"`
	Description string   `json:"description,omitempty" doc:"What the what-if represents."`
	Changes     []Change `json:"changes" doc:"Changes applied in order to the base scenario."`
}

// ChangeOp names what a Change does.
type ChangeOp string

// Change operations.
const (
	// OpSet sets the given fields of the stance of Actor on Issue, creating
	// the stance if the actor had none (then position and salience are
	// required).
	OpSet ChangeOp = "set"
	// OpShift adds Position (and Salience, if given) to the stance's
	// values, clamped to the scale (salience to [0,1]).
	OpShift ChangeOp = "shift"
	// OpScaleCapability multiplies Actor's capability by Factor, on Issue
	// only when Issue is given, else everywhere.
	OpScaleCapability ChangeOp = "scale-capability"
	// OpAddActor adds Actor (the full actor in NewActor) with Stances.
	OpAddActor ChangeOp = "add-actor"
	// OpRemoveActor removes Actor with its stances and relations, and from
	// every veto list.
	OpRemoveActor ChangeOp = "remove-actor"
	// OpAddRelation adds Relation, replacing one with the same from, to and
	// kind.
	OpAddRelation ChangeOp = "add-relation"
	// OpRemoveRelation removes the relation with Relation's from, to and
	// kind.
	OpRemoveRelation ChangeOp = "remove-relation"
)

// ChangeOps lists the change operations.
var ChangeOps = []ChangeOp{OpSet, OpShift, OpScaleCapability, OpAddActor, OpRemoveActor, OpAddRelation, OpRemoveRelation}

// A Change is one edit of a scenario, as part of a Variant.
type Change struct {
	Op         ChangeOp  `json:"op" doc:"What the change does." enum:"set,shift,scale-capability,add-actor,remove-actor,add-relation,remove-relation"`
	Actor      string    `json:"actor,omitempty" doc:"Actor id (set, shift, scale-capability, remove-actor)."`
	Issue      string    `json:"issue,omitempty" doc:"Issue id (set, shift; optional for scale-capability)."`
	Position   *Value    `json:"position,omitempty" doc:"New position (set) or amount to add (shift)."`
	Salience   *Value    `json:"salience,omitempty" doc:"New salience (set) or amount to add (shift)."`
	Capability *Value    `json:"capability,omitempty" doc:"New per-issue capability (set)." minimum:"0"`
	Factor     float64   `json:"factor,omitempty" doc:"Multiplier (scale-capability)." minimum:"0"`
	NewActor   *Actor    `json:"new_actor,omitempty" doc:"The actor to add (add-actor)."`
	Stances    []Stance  `json:"stances,omitempty" doc:"Stances of the added actor (add-actor)."`
	Relation   *Relation `json:"relation,omitempty" doc:"The relation to add or remove (add-relation, remove-relation)."`
	Note       string    `json:"note,omitempty" doc:"Why the change is made."`
}

// A Question is a named condition over issue outcomes, such as
// "scope >= 70 and nuclear >= 50". See ParseCondition for the grammar.
type Question struct {
	ID          string `json:"id" doc:"Identifier of the question." pattern:"^[A-Za-z0-9][A-Za-z0-9_.-]*$"`
	Description string `json:"description,omitempty" doc:"The question in words."`
	When        string `json:"when" doc:"Condition over issue ids, e.g. 'scope >= 70 and nuclear >= 50'; operators < <= > >= == !=, and, or, not, parentheses."`
}
