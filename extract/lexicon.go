package extract

import "strings"

// Polarities of a proposed stance: the actor's attitude to the object of
// its cue.
const (
	Support = "support"
	Oppose  = "oppose"
	Neutral = "neutral"
)

// Cue classes.
const (
	cueStance  = iota // backs, opposes: a stance toward the object
	cueDemand         // insists on, calls for: support, but no alliance with the object
	cueReport         // argues, stresses: neutral
	cueRefusal        // refuses to V, declines to V, fails to V: V negated
	cuePass           // vows to V, continues to V: V with the same subject
	cueLight          // imposes sanctions, launches strikes: a nominal cue's verb
)

// A verbCue is a verb that can carry a stance.
type verbCue struct {
	base     string
	pol      string
	class    int
	prep     string // a particle the cue needs (insist on, call for); "" for none
	issue    string // the issue the verb implies (arm → arms), if any
	past     string // irregular past (and participle)
	thatOnly bool   // for a report verb: only with a that-clause
}

// Verb cues. Written for Parley; the PETRARCH/CAMEO verb dictionary and
// PLOVER's event types were read as references for what to cover.
var verbCues = []verbCue{
	// Support.
	{base: "back", pol: Support}, {base: "support", pol: Support}, {base: "endorse", pol: Support},
	{base: "defend", pol: Support}, {base: "welcome", pol: Support}, {base: "praise", pol: Support},
	{base: "champion", pol: Support}, {base: "favour", pol: Support}, {base: "favor", pol: Support},
	{base: "advocate", pol: Support}, {base: "embrace", pol: Support}, {base: "approve", pol: Support},
	{base: "applaud", pol: Support}, {base: "commend", pol: Support}, {base: "hail", pol: Support},
	{base: "uphold", pol: Support, past: "upheld"}, {base: "protect", pol: Support},
	{base: "shield", pol: Support}, {base: "justify", pol: Support}, {base: "promote", pol: Support},
	{base: "aid", pol: Support}, {base: "assist", pol: Support}, {base: "fund", pol: Support},
	{base: "finance", pol: Support}, {base: "arm", pol: Support, issue: "arms"},
	{base: "supply", pol: Support, issue: "arms"}, {base: "equip", pol: Support, issue: "arms"},
	{base: "side", pol: Support, prep: "with"}, {base: "stand", pol: Support, prep: "by", past: "stood"},
	{base: "accept", pol: Support}, {base: "recognise", pol: Support}, {base: "recognize", pol: Support},
	{base: "guarantee", pol: Support},
	// Demands: support for the object, no alliance with it.
	{base: "insist", pol: Support, class: cueDemand, prep: "on"},
	{base: "call", pol: Support, class: cueDemand, prep: "for"},
	{base: "push", pol: Support, class: cueDemand, prep: "for"},
	{base: "press", pol: Support, class: cueDemand, prep: "for"},
	{base: "urge", pol: Support, class: cueDemand}, {base: "demand", pol: Support, class: cueDemand},
	{base: "seek", pol: Support, class: cueDemand, past: "sought"},
	{base: "request", pol: Support, class: cueDemand}, {base: "propose", pol: Support, class: cueDemand},
	// Opposition.
	{base: "oppose", pol: Oppose}, {base: "reject", pol: Oppose}, {base: "block", pol: Oppose},
	{base: "veto", pol: Oppose}, {base: "condemn", pol: Oppose}, {base: "criticise", pol: Oppose},
	{base: "criticize", pol: Oppose}, {base: "denounce", pol: Oppose}, {base: "deplore", pol: Oppose},
	{base: "blame", pol: Oppose}, {base: "accuse", pol: Oppose},
	{base: "sanction", pol: Oppose, issue: "sanctions"}, {base: "attack", pol: Oppose},
	{base: "strike", pol: Oppose, past: "struck"}, {base: "bomb", pol: Oppose}, {base: "shell", pol: Oppose},
	{base: "target", pol: Oppose}, {base: "threaten", pol: Oppose}, {base: "obstruct", pol: Oppose},
	{base: "thwart", pol: Oppose}, {base: "undermine", pol: Oppose}, {base: "dismiss", pol: Oppose},
	{base: "resist", pol: Oppose}, {base: "boycott", pol: Oppose}, {base: "protest", pol: Oppose},
	{base: "object", pol: Oppose, prep: "to"}, {base: "expel", pol: Oppose},
	{base: "fight", pol: Oppose, past: "fought"}, {base: "contain", pol: Oppose},
	{base: "rein", pol: Oppose, prep: "in"}, {base: "warn", pol: Oppose, prep: "against"},
	{base: "punish", pol: Oppose}, {base: "isolate", pol: Oppose}, {base: "confront", pol: Oppose},
	{base: "rebuff", pol: Oppose}, {base: "slam", pol: Oppose},
	// Reports: neutral, with the topic in the that-clause.
	{base: "argue", pol: Neutral, class: cueReport}, {base: "claim", pol: Neutral, class: cueReport, thatOnly: true},
	{base: "maintain", pol: Neutral, class: cueReport, thatOnly: true}, {base: "stress", pol: Neutral, class: cueReport},
	{base: "emphasise", pol: Neutral, class: cueReport}, {base: "emphasize", pol: Neutral, class: cueReport},
	{base: "assert", pol: Neutral, class: cueReport}, {base: "contend", pol: Neutral, class: cueReport},
	// Refusals and pass-throughs govern an infinitive.
	{base: "refuse", class: cueRefusal}, {base: "decline", class: cueRefusal}, {base: "fail", class: cueRefusal},
	{base: "vow", class: cuePass}, {base: "pledge", class: cuePass}, {base: "promise", class: cuePass},
	{base: "agree", class: cuePass}, {base: "decide", class: cuePass}, {base: "continue", class: cuePass},
	{base: "try", class: cuePass}, {base: "attempt", class: cuePass}, {base: "move", class: cuePass},
	{base: "want", class: cuePass}, {base: "plan", class: cuePass}, {base: "intend", class: cuePass},
	{base: "aim", class: cuePass}, {base: "offer", class: cuePass}, {base: "begin", class: cuePass, past: "began"},
	{base: "start", class: cuePass}, {base: "seem", class: cuePass}, {base: "appear", class: cuePass},
	// Light verbs of nominal cues (imposed sanctions on).
	{base: "impose", class: cueLight}, {base: "launch", class: cueLight}, {base: "conduct", class: cueLight},
	{base: "carry", class: cueLight}, {base: "step", class: cueLight}, {base: "intensify", class: cueLight},
	{base: "express", class: cueLight}, {base: "voice", class: cueLight}, {base: "announce", class: cueLight},
	{base: "reiterate", class: cueLight}, {base: "signal", class: cueLight}, {base: "renew", class: cueLight},
	{base: "ease", class: cueLight}, {base: "lift", class: cueLight}, {base: "wage", class: cueLight},
	{base: "mount", class: cueLight}, {base: "escalate", class: cueLight}, {base: "tighten", class: cueLight},
}

// A verbForm is one inflection of a verb cue.
type verbForm struct {
	cue *verbCue
	ing bool // a gerund or present participle
	ed  bool // a past tense or participle
}

var verbForms = map[string]verbForm{}

func init() {
	for i := range verbCues {
		c := &verbCues[i]
		for _, f := range inflect(c.base, c.past) {
			if _, dup := verbForms[f.form]; !dup {
				verbForms[f.form] = verbForm{cue: c, ing: f.ing, ed: f.ed}
			}
		}
	}
}

type inflection struct {
	form    string
	ing, ed bool
}

// doubled lists verbs that double their last consonant.
var doubled = map[string]bool{"ban": true, "bar": true, "plan": true, "stop": true, "step": true, "slam": true, "expel": true, "rebut": true, "commit": true, "equip": true, "signal": false}

func inflect(base, past string) []inflection {
	out := []inflection{{form: base}}
	third := base + "s"
	switch {
	case strings.HasSuffix(base, "s") || strings.HasSuffix(base, "sh") || strings.HasSuffix(base, "ch") || strings.HasSuffix(base, "x") || strings.HasSuffix(base, "z"):
		third = base + "es"
	case strings.HasSuffix(base, "y") && !isVowel(base[len(base)-2]):
		third = base[:len(base)-1] + "ies"
	case base == "veto":
		third = "vetoes"
	}
	out = append(out, inflection{form: third})
	stem := base
	if doubled[base] {
		stem = base + base[len(base)-1:]
	}
	ed := stem + "ed"
	switch {
	case past != "":
		ed = past
	case strings.HasSuffix(base, "e"):
		ed = base + "d"
	case strings.HasSuffix(base, "y") && !isVowel(base[len(base)-2]):
		ed = base[:len(base)-1] + "ied"
	}
	out = append(out, inflection{form: ed, ed: true})
	if past != "" && base == "strike" {
		out = append(out, inflection{form: "stricken", ed: true})
	}
	ing := stem + "ing"
	if strings.HasSuffix(base, "e") && !strings.HasSuffix(base, "ee") {
		ing = base[:len(base)-1] + "ing"
	}
	out = append(out, inflection{form: ing, ing: true})
	return out
}

func isVowel(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }

// A nounCue is an event noun that carries a stance with one of its
// prepositions: strikes against, support for.
type nounCue struct {
	pol   string
	class int
	preps []string
	issue string
}

var nounCues = map[string]nounCue{
	"support":      {pol: Support, preps: []string{"for"}},
	"backing":      {pol: Support, preps: []string{"for", "of"}},
	"endorsement":  {pol: Support, preps: []string{"of"}},
	"defence":      {pol: Support, preps: []string{"of"}},
	"defense":      {pol: Support, preps: []string{"of"}},
	"aid":          {pol: Support, preps: []string{"to", "for"}},
	"assistance":   {pol: Support, preps: []string{"to", "for"}},
	"insistence":   {pol: Support, class: cueDemand, preps: []string{"on"}},
	"demand":       {pol: Support, class: cueDemand, preps: []string{"for"}},
	"demands":      {pol: Support, class: cueDemand, preps: []string{"for"}},
	"call":         {pol: Support, class: cueDemand, preps: []string{"for"}},
	"calls":        {pol: Support, class: cueDemand, preps: []string{"for"}},
	"opposition":   {pol: Oppose, preps: []string{"to"}},
	"rejection":    {pol: Oppose, preps: []string{"of"}},
	"condemnation": {pol: Oppose, preps: []string{"of"}},
	"criticism":    {pol: Oppose, preps: []string{"of"}},
	"skepticism":   {pol: Oppose, preps: []string{"toward", "towards", "of", "about"}},
	"scepticism":   {pol: Oppose, preps: []string{"toward", "towards", "of", "about"}},
	"hostility":    {pol: Oppose, preps: []string{"to", "toward", "towards"}},
	"strikes":      {pol: Oppose, preps: []string{"against", "on"}},
	"strike":       {pol: Oppose, preps: []string{"against", "on"}},
	"airstrikes":   {pol: Oppose, preps: []string{"against", "on"}},
	"attacks":      {pol: Oppose, preps: []string{"on", "against"}},
	"attack":       {pol: Oppose, preps: []string{"on", "against"}},
	"campaign":     {pol: Oppose, preps: []string{"against"}},
	"sanctions":    {pol: Oppose, preps: []string{"on", "against"}, issue: "sanctions"},
	"embargo":      {pol: Oppose, preps: []string{"on", "against"}},
	"pressure":     {pol: Oppose, preps: []string{"on"}},
	"veto":         {pol: Oppose, preps: []string{"of"}},
	"objection":    {pol: Oppose, preps: []string{"to"}},
	"objections":   {pol: Oppose, preps: []string{"to"}},
	"boycott":      {pol: Oppose, preps: []string{"of"}},
	"blockade":     {pol: Oppose, preps: []string{"of", "on"}},
	"war":          {pol: Oppose, preps: []string{"on", "against"}},
	"offensive":    {pol: Oppose, preps: []string{"against"}},
}

// Closed word classes the shallow rules need.
var (
	auxiliaries    = set("has have had is are was were be been being will shall do does did can")
	modalsHypo     = set("would could might may")
	modalsAdvice   = set("should must ought")
	negators       = set("not n't never neither nor no")
	adverbs        = set("also even still already long yet again too just further only repeatedly consistently strongly firmly openly publicly reportedly recently now once twice then therefore thus however meanwhile privately quietly effectively largely fully partly swiftly quickly immediately always often sometimes longer")
	pronouns       = set("it they he she")
	possPron       = set("its their his her")
	relatives      = set("which who that")
	coords         = set("and or but")
	determiners    = set("the a an this that these those any every some no new fresh further renewed its their his her our")
	prepositions   = set("in at on to from with by for of about against into onto over under near across within throughout around outside inside between among amid towards toward via through after before during since without beyond behind beside besides despite upon like")
	locatives      = set("in at near across within throughout around outside inside")
	subordinators  = set("while after before by when since despite although though once upon in")
	officeNouns    = set("government governments official officials diplomat diplomats minister ministers ministry president presidents leader leaders leadership authorities military army armed navy troops forces spokesman spokeswoman spokesperson envoy envoys ambassador ambassadors delegation delegations negotiator negotiators regime cabinet parliament king prince emir administration state premier chancellor")
	officeMods     = set("foreign defence defense prime top senior supreme deputy interior chief crown special new former acting")
	expletiveHeads = set("it there")
)

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
