package report

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/analysis"
)

// The brief is built once as a document tree (sections of paragraphs,
// lists, tables and plots) and then written as HTML or Markdown, so the
// two formats have the same sections in the same order.

type document struct {
	Title    string
	Sections []section
}

type section struct {
	ID, Title string
	Blocks    []block
}

// A block is one of: a paragraph (Text), a bulleted list (List), a table,
// a plot or a code block (Code).
type block struct {
	Text  string
	List  []string
	Table *table
	Plot  *plotRef
	Code  string
}

type table struct {
	Caption string
	Head    []string
	// Align per column: 'l' or 'r'.
	Align string
	Rows  [][]string
	// Wide tables take the page's width, half of it for the last column
	// (evidence).
	Wide bool
}

// plotRef names a plot; the renderer draws it in its own format.
type plotRef struct {
	Name    string // file-name stem, e.g. "positions-nuclear"
	Caption string
	draw    func() (*plotSpec, error)
}

func para(format string, a ...any) block { return block{Text: fmt.Sprintf(format, a...)} }

// num renders x with up to two decimals, "–" for NaN.
func num(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	s := strconv.FormatFloat(x, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return s
}

func signed(x float64) string {
	switch {
	case math.IsNaN(x):
		return "–"
	case math.Abs(x) < 0.005:
		return "0"
	case x > 0:
		return "+" + num(x)
	}
	return num(x)
}

func pct(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	return strconv.FormatFloat(100*x, 'f', 1, 64) + " %"
}

func value(v parley.Value) string {
	if v.IsPoint() {
		return num(v.Mode)
	}
	return num(v.Mode) + " (" + num(v.Low) + "–" + num(v.High) + ")"
}

// build lays out the brief.
func build(b *Brief) *document {
	s := b.Scenario
	d := &document{Title: s.Title}
	d.Sections = append(d.Sections,
		b.questionSection(),
		b.answerSection(),
		b.forecastSection(),
		b.questionsSection(),
		b.whatIfSection(),
		b.leverageSection(),
		b.driversSection(),
		b.positionsSection(),
		b.inputsSection(),
		b.reproduceSection(),
	)
	return d
}

func (b *Brief) issue(id string) *parley.Issue {
	for i := range b.Scenario.Issues {
		if b.Scenario.Issues[i].ID == id {
			return &b.Scenario.Issues[i]
		}
	}
	return nil
}

func (b *Brief) actorName(id string) string {
	for _, a := range b.Scenario.Actors {
		if a.ID == id {
			return a.Name
		}
	}
	for _, v := range b.Scenario.Variants {
		for _, c := range v.Changes {
			if c.NewActor != nil && c.NewActor.ID == id {
				return c.NewActor.Name
			}
		}
	}
	return id
}

func scaleText(is *parley.Issue) string {
	s := num(is.Scale.Min) + "–" + num(is.Scale.Max)
	if is.Scale.Unit != "" {
		s += " " + is.Scale.Unit
	}
	return s
}

func (b *Brief) questionSection() section {
	s := b.Scenario
	sec := section{ID: "question", Title: "The question"}
	if s.Question != "" {
		sec.Blocks = append(sec.Blocks, block{Text: s.Question})
	} else {
		sec.Blocks = append(sec.Blocks, para("The scenario states no question in words; it is answered through its issues and its %d named questions below.", len(s.Questions)))
	}
	if s.Date != "" {
		sec.Blocks = append(sec.Blocks, para("Assessment date: %s.", s.Date))
	}
	if s.Description != "" {
		sec.Blocks = append(sec.Blocks, block{Text: s.Description})
	}
	var items []string
	for _, q := range s.Questions {
		t := q.ID + ": " + q.When
		if q.Description != "" {
			t += " (" + q.Description + ")"
		}
		items = append(items, t)
	}
	if len(items) > 0 {
		sec.Blocks = append(sec.Blocks, para("Named questions, each a condition on the issues' outcomes:"), block{List: items})
	}
	sec.Blocks = append(sec.Blocks, para("Every number below comes from the model %s (Parley %s) run on the analyst's judgements in the scenario, with seed %d; it shows what the answer depends on, not a certainty.", b.Model.Name, b.Version, b.Options.Seed))
	return sec
}

// base returns the base column of the comparison.
func (b *Brief) base() *analysis.Column { return &b.Compare.Columns[0] }

func (b *Brief) answerSection() section {
	sec := section{ID: "answer", Title: "The answer in short"}
	base := b.base()
	var items []string
	if sim := base.Simulation; sim != nil {
		for j, q := range sim.Questions {
			items = append(items, fmt.Sprintf("%s: probability %s (95 %% interval %s to %s over %d draws); the point forecast %s it.",
				q.ID, pct(float64(q.Probability)), pct(float64(q.Interval[0])), pct(float64(q.Interval[1])), sim.Draws, holdsWord(base.Holds[j])))
		}
	}
	for k, is := range b.Compare.Issues {
		x := float64(base.Forecast[k])
		iss := b.issue(is.ID)
		line := fmt.Sprintf("%s: %s on %s", issueTitle(is), num(x), scaleText(iss))
		if l := iss.Scale.Label(x); l != "" {
			line += ", " + l
		}
		if sim := base.Simulation; sim != nil {
			q := sim.Issues[k].Quantiles
			line += fmt.Sprintf("; 90 %% of draws between %s and %s", num(float64(q.P05)), num(float64(q.P95)))
		}
		items = append(items, line+".")
	}
	if len(b.Compare.Columns) > 1 && len(b.Compare.Questions) > 0 {
		// The variant that moves each question's probability most.
		for j, q := range b.Compare.Questions {
			bi, bd := -1, 0.0
			p0 := prob(base, j)
			for i := 1; i < len(b.Compare.Columns); i++ {
				dd := prob(&b.Compare.Columns[i], j) - p0
				if math.Abs(dd) > math.Abs(bd) {
					bi, bd = i, dd
				}
			}
			if bi > 0 {
				items = append(items, fmt.Sprintf("The what-if that moves %s most is %s: %s → %s.", q.ID, b.Compare.Columns[bi].Variant, pct(p0), pct(p0+bd)))
			}
		}
	}
	if r := b.Leverage.Ranking; len(r) > 0 && float64(r[0].Score) > 0 {
		items = append(items, fmt.Sprintf("The actor with most leverage over the forecasts is %s (top issue: %s).", nameOr(r[0].Name, r[0].Actor), r[0].Top))
	}
	sec.Blocks = append(sec.Blocks, block{List: items})
	return sec
}

func nameOr(name, id string) string {
	if name == "" {
		return id
	}
	return name
}

func issueTitle(n analysis.Named) string { return nameOr(n.Name, n.ID) }

func holdsWord(h bool) string {
	if h {
		return "satisfies"
	}
	return "does not satisfy"
}

func prob(c *analysis.Column, j int) float64 {
	if c.Simulation == nil {
		return math.NaN()
	}
	return float64(c.Simulation.Questions[j].Probability)
}

func (b *Brief) forecastSection() section {
	sec := section{ID: "forecast", Title: "Forecast per issue"}
	sec.Blocks = append(sec.Blocks, para("The point forecast is the model's outcome with every input at its most likely value. The distribution comes from %d draws with every range in the scenario drawn from a %s distribution; the columns give its mean, standard deviation and 5 %%, 50 %% and 95 %% quantiles.", b.Draws, b.Dist))
	t := &table{Head: []string{"Issue", "Scale", "Forecast", "Meaning", "Mean", "SD", "5 %", "Median", "95 %"}, Align: "llrl"}
	base := b.base()
	for k, is := range b.Compare.Issues {
		iss := b.issue(is.ID)
		x := float64(base.Forecast[k])
		row := []string{issueTitle(is), scaleText(iss), num(x), iss.Scale.Label(x)}
		if sim := base.Simulation; sim != nil {
			su := sim.Issues[k]
			row = append(row, num(float64(su.Mean)), num(float64(su.SD)), num(float64(su.Quantiles.P05)), num(float64(su.Quantiles.P50)), num(float64(su.Quantiles.P95)))
		}
		t.Rows = append(t.Rows, row)
	}
	sec.Blocks = append(sec.Blocks, block{Table: t})
	for _, is := range b.Scenario.Issues {
		if len(is.Scale.Anchors) == 0 {
			continue
		}
		var parts []string
		for _, a := range is.Scale.Anchors {
			parts = append(parts, num(a.Value)+" = "+a.Label)
		}
		sec.Blocks = append(sec.Blocks, para("Scale of %s: %s.", nameOr(is.Name, is.ID), strings.Join(parts, "; ")))
	}
	if len(b.Others) > 0 {
		sec.Blocks = append(sec.Blocks, b.othersTable())
	}
	for k := range b.Compare.Issues {
		k := k
		is := b.Compare.Issues[k]
		sec.Blocks = append(sec.Blocks, block{Plot: &plotRef{Name: "outcomes-" + is.ID,
			Caption: fmt.Sprintf("Distribution of the outcome of %s over %d draws: base (bars) and each variant (lines); the dashed line is the base point forecast.", issueTitle(is), b.Draws),
			draw:    func() (*plotSpec, error) { return b.outcomePlot(k) }}})
	}
	return sec
}

func (b *Brief) questionsSection() section {
	sec := section{ID: "questions", Title: "Questions: probability in the base and every variant"}
	if len(b.Compare.Questions) == 0 {
		sec.Blocks = append(sec.Blocks, para("The scenario names no questions."))
		return sec
	}
	sec.Blocks = append(sec.Blocks, para("Share of the %d draws in which each question's condition holds, with its 95 %% Wilson interval; \"point\" says whether the point forecast satisfies it.", b.Draws))
	head := []string{"Scenario"}
	for _, q := range b.Compare.Questions {
		head = append(head, q.ID, q.ID+" (point)")
	}
	t := &table{Head: head, Align: "l"}
	for i := range b.Compare.Columns {
		c := &b.Compare.Columns[i]
		row := []string{colName(c)}
		for j := range b.Compare.Questions {
			cell := "–"
			if c.Simulation != nil {
				q := c.Simulation.Questions[j]
				cell = fmt.Sprintf("%s (%s–%s)", pct(float64(q.Probability)), pct(float64(q.Interval[0])), pct(float64(q.Interval[1])))
			}
			row = append(row, cell, yesNo(c.Holds[j]))
		}
		t.Rows = append(t.Rows, row)
	}
	sec.Blocks = append(sec.Blocks, block{Table: t})
	return sec
}

func colName(c *analysis.Column) string {
	if c.Variant == "" {
		return "base"
	}
	return c.Variant
}

func yesNo(h bool) string {
	if h {
		return "yes"
	}
	return "no"
}

func (b *Brief) whatIfSection() section {
	sec := section{ID: "what-if", Title: "What-if table"}
	if len(b.Scenario.Variants) == 0 {
		sec.Blocks = append(sec.Blocks, para("The scenario has no variants."))
		return sec
	}
	var items []string
	for _, v := range b.Scenario.Variants {
		t := v.ID
		if v.Description != "" {
			t += ": " + v.Description
		}
		items = append(items, t)
	}
	sec.Blocks = append(sec.Blocks, para("Each variant changes the base scenario as described; the table gives each issue's point forecast, with the change from the base in brackets, and the Monte Carlo mean."), block{List: items})
	head := []string{"Scenario"}
	for _, is := range b.Compare.Issues {
		head = append(head, issueTitle(is), "mean")
	}
	t := &table{Head: head, Align: "l"}
	for i := range b.Compare.Columns {
		c := &b.Compare.Columns[i]
		row := []string{colName(c)}
		for k := range b.Compare.Issues {
			cell := num(float64(c.Forecast[k]))
			if i > 0 {
				cell += " (" + signed(float64(c.Difference[k])) + ")"
			}
			mean := "–"
			if c.Simulation != nil {
				mean = num(float64(c.Simulation.Issues[k].Mean))
			}
			row = append(row, cell, mean)
		}
		t.Rows = append(t.Rows, row)
	}
	sec.Blocks = append(sec.Blocks, block{Table: t})
	return sec
}

func (b *Brief) leverageSection() section {
	l := b.Leverage
	sec := section{ID: "leverage", Title: "Leverage: who can move whom"}
	sec.Blocks = append(sec.Blocks, para("Each actor's stance on each issue is pushed in turn to the scale's ends and its capability doubled and halved, one at a time. An actor's leverage on an issue is the largest resulting shift of the forecast, as a share of the scale; its score is the mean over issues."))
	t := &table{Head: []string{"Actor", "Score", "Top issue", "Questions it can flip"}, Align: "lrll"}
	flips := map[string][]string{}
	for _, is := range l.Issues {
		for _, e := range is.Actors {
			for _, qs := range e.Flips {
				flips[e.Actor] = append(flips[e.Actor], qs...)
			}
		}
	}
	for _, r := range l.Ranking {
		t.Rows = append(t.Rows, []string{nameOr(r.Name, r.Actor), pct(float64(r.Score)), r.Top, strings.Join(uniq(flips[r.Actor]), ", ")})
	}
	sec.Blocks = append(sec.Blocks, block{Table: t})
	if !l.Dynamic {
		sec.Blocks = append(sec.Blocks, para("Model %s does not move positions over rounds, so it cannot say how far one actor moves another.", l.Model))
		return sec
	}
	type move struct {
		from, to, issue string
		d               float64
	}
	var ms []move
	for _, is := range l.Issues {
		w := is.Scale[1] - is.Scale[0]
		for _, e := range is.Actors {
			for other, d := range e.MaxMove {
				if float64(d) > 0 {
					ms = append(ms, move{e.Actor, other, is.ID, float64(d) / w})
				}
			}
		}
	}
	sort.SliceStable(ms, func(i, j int) bool {
		if ms[i].d != ms[j].d {
			return ms[i].d > ms[j].d
		}
		if ms[i].issue != ms[j].issue {
			return ms[i].issue < ms[j].issue
		}
		if ms[i].from != ms[j].from {
			return ms[i].from < ms[j].from
		}
		return ms[i].to < ms[j].to
	})
	if len(ms) > topMoves {
		ms = ms[:topMoves]
	}
	mt := &table{Caption: "Largest moves one actor's stance causes in another's final position", Head: []string{"Mover", "Moved", "Issue", "Move (share of scale)"}, Align: "lllr"}
	for _, m := range ms {
		mt.Rows = append(mt.Rows, []string{b.actorName(m.from), b.actorName(m.to), m.issue, pct(m.d)})
	}
	if len(mt.Rows) == 0 {
		sec.Blocks = append(sec.Blocks, para("No actor's perturbation moves another actor's final position."))
	} else {
		sec.Blocks = append(sec.Blocks, para("The %d largest moves: how far the moved actor's final position shifts when the mover's stance or capability on that issue is perturbed.", len(mt.Rows)), block{Table: mt})
	}
	return sec
}

func uniq(xs []string) []string {
	sort.Strings(xs)
	var out []string
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}

func (b *Brief) driversSection() section {
	sec := section{ID: "drivers", Title: "Main drivers"}
	r := b.Drivers
	if r == nil {
		sec.Blocks = append(sec.Blocks, para("The scenario gives every input as a single number, so there is no uncertainty to attribute."))
		return sec
	}
	sec.Blocks = append(sec.Blocks, para("Morris screening of the %d inputs given as ranges (%d trajectories, %d levels, %d model runs): μ* is the mean absolute elementary effect: the change of the output per move of the input across its whole range, in the output's units; μ is its signed mean and σ its spread (large σ: the effect depends on the other inputs). A question counts 1 when it holds and 0 when not, so its μ* above 1 means a part of the input's range flips it.", len(r.Inputs), r.Trajectories, r.Levels, r.Evaluations))
	for _, o := range r.Outputs {
		title := o.ID
		if o.Kind == "issue" {
			if is := b.issue(o.ID); is != nil {
				title = nameOr(is.Name, is.ID)
			}
		} else {
			title = "question " + o.ID
		}
		t := &table{Caption: "Drivers of " + title, Head: []string{"Input", "Actor", "Issue", "Range", "μ*", "μ", "σ"}, Align: "llll"}
		for _, f := range o.Factors[:min(topDrivers, len(o.Factors))] {
			in := r.Inputs[f.Input]
			t.Rows = append(t.Rows, []string{in.Field, b.actorName(in.Actor), orDash(in.Issue), num(in.Low) + "–" + num(in.High),
				num(float64(*f.MuStar)), num(float64(*f.Mu)), num(float64(*f.Sigma))})
		}
		sec.Blocks = append(sec.Blocks, block{Table: t})
	}
	return sec
}

func orDash(s string) string {
	if s == "" {
		return "all"
	}
	return s
}

func (b *Brief) positionsSection() section {
	sec := section{ID: "positions", Title: "Positions over rounds"}
	turns := b.Run.Turns
	last := 0
	if len(turns) > 0 {
		last = turns[len(turns)-1]
	}
	sec.Blocks = append(sec.Blocks, para("The base scenario run with %s: each actor's position after each of the %d rounds, and the forecast (dashed).", b.Model.Name, last))
	for k, is := range b.Instance.Issues {
		k := k
		sec.Blocks = append(sec.Blocks, block{Plot: &plotRef{Name: "positions-" + is.ID,
			Caption: fmt.Sprintf("Positions on %s over rounds (base scenario).", nameOr(b.issueName(is.ID), is.ID)),
			draw:    func() (*plotSpec, error) { return b.positionsPlot(k) }}})
	}
	if len(b.Run.Notes) > 0 {
		sec.Blocks = append(sec.Blocks, para("Notes from the run:"), block{List: b.Run.Notes})
	}
	return sec
}

func (b *Brief) inputsSection() section {
	s := b.Scenario
	sec := section{ID: "inputs", Title: "Inputs and evidence"}
	sec.Blocks = append(sec.Blocks, para("Every number the model uses, as the scenario gives it: the most likely value with its range (low–high) where uncertain. Each stance cites verbatim quotes from the sources below or is marked ASSUMPTION with the analyst's reasoning."))
	at := &table{Wide: true, Caption: "Actors", Head: []string{"Actor", "Kind", "Capability", "Evidence"}, Align: "llrl"}
	for _, a := range s.Actors {
		at.Rows = append(at.Rows, []string{a.Name + " (" + a.ID + ")", string(a.Kind), value(a.Capability), evidenceText(a.Evidence)})
	}
	sec.Blocks = append(sec.Blocks, block{Table: at})
	st := &table{Wide: true, Caption: "Stances", Head: []string{"Actor", "Issue", "Position", "Salience", "Capability", "Basis"}, Align: "llrrrl"}
	for _, x := range s.Stances {
		c := "–"
		if x.Capability != nil {
			c = value(*x.Capability)
		}
		basis := evidenceText(x.Evidence)
		if x.Assumption != "" {
			a := "ASSUMPTION: " + x.Assumption
			if basis != "" {
				basis = a + "\n" + basis
			} else {
				basis = a
			}
		}
		if basis == "" {
			basis = "(no evidence given)"
		}
		st.Rows = append(st.Rows, []string{b.actorName(x.Actor), x.Issue, value(x.Position), value(x.Salience), c, basis})
	}
	sec.Blocks = append(sec.Blocks, block{Table: st})
	if len(s.Relations) > 0 {
		rt := &table{Wide: true, Caption: "Relations", Head: []string{"From", "To", "Kind", "Strength", "Evidence"}, Align: "lllrl"}
		for _, r := range s.Relations {
			rt.Rows = append(rt.Rows, []string{b.actorName(r.From), b.actorName(r.To), string(r.Kind), num(r.Strength), evidenceText(r.Evidence)})
		}
		sec.Blocks = append(sec.Blocks, block{Table: rt})
	}
	if len(s.Sources) > 0 {
		var items []string
		for _, src := range s.Sources {
			t := "[" + src.ID + "] " + src.Title
			var meta []string
			for _, m := range []string{src.Author, src.Publisher, src.Date, src.URL} {
				if m != "" {
					meta = append(meta, m)
				}
			}
			if len(meta) > 0 {
				t += ". " + strings.Join(meta, ", ")
			}
			items = append(items, t+".")
		}
		sec.Blocks = append(sec.Blocks, para("Sources:"), block{List: items})
	}
	return sec
}

// evidenceText renders quotes as “quote” [source], one a line.
func evidenceText(es []parley.Evidence) string {
	var parts []string
	for _, e := range es {
		t := "“" + strings.Join(strings.Fields(e.Quote), " ") + "” [" + e.Source + "]"
		if e.Supports != "" {
			t += " (" + e.Supports + ")"
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, "\n")
}

func (b *Brief) reproduceSection() section {
	sec := section{ID: "reproduce", Title: "Models, version and how to reproduce"}
	rounds := "the model's default"
	if b.Options.Rounds > 0 {
		rounds = strconv.Itoa(b.Options.Rounds)
	}
	items := []string{
		"Model: " + b.Model.Name + " — " + b.Model.Summary,
		"Reference: " + b.Model.Reference,
		"Parley version: " + b.Version,
		"Seed: " + strconv.FormatUint(b.Options.Seed, 10),
		fmt.Sprintf("Monte Carlo draws per scenario: %d (%s distribution)", b.Draws, b.Dist),
		"Rounds: " + rounds,
	}
	if len(b.Options.Params) > 0 {
		var kv []string
		for _, k := range sortedKeys(b.Options.Params) {
			kv = append(kv, k+"="+b.Options.Params[k])
		}
		items = append(items, "Model options: "+strings.Join(kv, ", "))
	}
	if b.Drivers != nil {
		items = append(items, fmt.Sprintf("Drivers: Morris screening, %d trajectories, %d levels", b.Drivers.Trajectories, b.Drivers.Levels))
	}
	sec.Blocks = append(sec.Blocks, block{List: items})
	if b.Command != "" {
		sec.Blocks = append(sec.Blocks, para("This command reproduces every number in this brief:"), block{Code: b.Command})
	}
	return sec
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// othersTable puts the main model's point forecast of the base beside
// those of the other models.
func (b *Brief) othersTable() block {
	head := []string{"Model"}
	for _, is := range b.Compare.Issues {
		head = append(head, issueTitle(is))
	}
	for _, q := range b.Compare.Questions {
		head = append(head, q.ID)
	}
	t := &table{Caption: "Point forecasts of the base scenario by model", Head: head, Align: "l"}
	base := b.base()
	row := []string{b.Model.Name + " (this brief)"}
	for _, x := range base.Forecast {
		row = append(row, num(float64(x)))
	}
	for _, h := range base.Holds {
		row = append(row, yesNo(h))
	}
	t.Rows = append(t.Rows, row)
	for _, o := range b.Others {
		row := []string{o.Model}
		if o.Err != "" {
			row = append(row, "failed: "+o.Err)
			for len(row) < len(head) {
				row = append(row, "")
			}
			t.Rows = append(t.Rows, row)
			continue
		}
		for _, x := range o.Forecast {
			row = append(row, num(x))
		}
		for _, h := range o.Holds {
			row = append(row, yesNo(h))
		}
		t.Rows = append(t.Rows, row)
	}
	return block{Table: t}
}
