package output

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/parley-forecast/parley"
)

// Run is everything a rendering of one model run needs.
type Run struct {
	// Scenario is the scenario as run (with its variant applied); it gives
	// names, scales and questions. It may be nil for instances that come
	// from elsewhere, in which case ids stand in for names.
	Scenario *parley.Scenario
	Instance *parley.Instance
	Result   *parley.Result
	Variant  string
	Seed     uint64
}

// Formats lists the output formats.
var Formats = []string{"table", "json", "csv"}

// Write renders r in format ("table", "json" or "csv") to w.
func Write(w io.Writer, format string, r *Run) error {
	switch format {
	case "csv":
		return CSV(w, r)
	case "json":
		return JSON(w, r)
	case "table", "":
		return Table(w, r)
	}
	return parley.Errorf(parley.EINVALID, "unknown format %q: want one of %s", format, strings.Join(Formats, ", "))
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// CSV writes the header model,issue,round,actor,position and one row per
// issue, recorded round and present actor.
func CSV(w io.Writer, r *Run) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"model", "issue", "round", "actor", "position"}); err != nil {
		return err
	}
	in, res := r.Instance, r.Result
	m := in.M()
	for k, is := range in.Issues {
		for j, pos := range res.Trace {
			round := strconv.Itoa(res.Turns[j])
			for a, id := range in.Actors {
				x := pos[a*m+k]
				if math.IsNaN(x) {
					continue
				}
				if err := cw.Write([]string{res.Model, is.ID, round, id, num(x)}); err != nil {
					return err
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// jnum marshals NaN and infinities as null.
type jnum float64

func (x jnum) MarshalJSON() ([]byte, error) {
	f := float64(x)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return []byte(num(f)), nil
}

type jsonRound struct {
	Round     int             `json:"round"`
	Positions map[string]jnum `json:"positions"`
	Mean      jnum            `json:"mean"`
	Median    jnum            `json:"median"`
}

type jsonIssue struct {
	ID            string      `json:"id"`
	Name          string      `json:"name,omitempty"`
	Forecast      jnum        `json:"forecast"`
	ForecastLabel string      `json:"forecast_label,omitempty"`
	Rounds        []jsonRound `json:"rounds"`
}

type jsonQuestion struct {
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
	When        string `json:"when"`
	Holds       bool   `json:"holds"`
}

type jsonDoc struct {
	Model     string         `json:"model"`
	Scenario  string         `json:"scenario"`
	Variant   string         `json:"variant,omitempty"`
	Seed      uint64         `json:"seed"`
	Version   string         `json:"version"`
	Issues    []jsonIssue    `json:"issues"`
	Questions []jsonQuestion `json:"questions,omitempty"`
	Notes     []string       `json:"notes,omitempty"`
}

var reserved = map[string]bool{"model": true, "scenario": true, "variant": true, "seed": true, "version": true, "issues": true, "questions": true, "notes": true}

// JSON writes the JSON document described in the package doc, indented,
// with a final newline.
func JSON(w io.Writer, r *Run) error {
	in, res := r.Instance, r.Result
	doc := jsonDoc{Model: res.Model, Variant: r.Variant, Seed: r.Seed, Version: parley.Version, Notes: res.Notes}
	if r.Scenario != nil {
		doc.Scenario = r.Scenario.Title
	}
	m := in.M()
	wts := make([]float64, in.N())
	for k, is := range in.Issues {
		ji := jsonIssue{ID: is.ID, Forecast: jnum(res.Forecast[k])}
		if iss := issueOf(r.Scenario, is.ID); iss != nil {
			ji.Name = iss.Name
			ji.ForecastLabel = iss.Scale.Label(res.Forecast[k])
		}
		for j, pos := range res.Trace {
			jr := jsonRound{Round: res.Turns[j], Positions: map[string]jnum{}}
			for a, id := range in.Actors {
				if x := pos[a*m+k]; !math.IsNaN(x) {
					jr.Positions[id] = jnum(x)
				}
			}
			jr.Mean = jnum(in.OutcomeBy(parley.RuleMean, k, pos, wts, nil))
			jr.Median = jnum(median(in, k, pos, wts))
			ji.Rounds = append(ji.Rounds, jr)
		}
		doc.Issues = append(doc.Issues, ji)
	}
	doc.Questions = questions(r)
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	if res.Detail != nil {
		b, err = mergeDetail(b, res.Detail)
		if err != nil {
			return err
		}
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return err
	}
	out.WriteByte('\n')
	_, err = w.Write(out.Bytes())
	return err
}

// median is the weighted median of issue k before veto players are
// applied: the statistic, not the outcome.
func median(in *parley.Instance, k int, pos, w []float64) float64 {
	in.Weights(w, k)
	m := in.M()
	col := make([]float64, in.N())
	for a := range col {
		col[a] = pos[a*m+k]
	}
	return parley.WeightedMedian(col, w, nil)
}

func mergeDetail(doc []byte, detail any) ([]byte, error) {
	d, err := json.Marshal(detail)
	if err != nil {
		return nil, fmt.Errorf("model detail: %w", err)
	}
	d = bytes.TrimSpace(d)
	if len(d) < 2 || d[0] != '{' {
		return nil, fmt.Errorf("model detail must marshal to a JSON object, got %.40s", d)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(d, &keys); err != nil {
		return nil, err
	}
	for k := range keys {
		if reserved[k] {
			return nil, fmt.Errorf("model detail uses the reserved key %q", k)
		}
	}
	inner := bytes.TrimSpace(d[1 : len(d)-1])
	if len(inner) == 0 {
		return doc, nil
	}
	out := append([]byte(nil), doc[:len(doc)-1]...)
	out = append(out, ',')
	out = append(out, inner...)
	return append(out, '}'), nil
}

func issueOf(s *parley.Scenario, id string) *parley.Issue {
	if s == nil {
		return nil
	}
	for i := range s.Issues {
		if s.Issues[i].ID == id {
			return &s.Issues[i]
		}
	}
	return nil
}

func actorName(s *parley.Scenario, id string) string {
	if s != nil {
		for _, a := range s.Actors {
			if a.ID == id {
				return a.Name
			}
		}
	}
	return id
}

func questions(r *Run) []jsonQuestion {
	if r.Scenario == nil {
		return nil
	}
	ids := make([]string, r.Instance.M())
	for k, is := range r.Instance.Issues {
		ids[k] = is.ID
	}
	var out []jsonQuestion
	for _, q := range r.Scenario.Questions {
		c, err := parley.ParseCondition(q.When)
		if err != nil {
			continue // Validate reports it
		}
		b, err := c.Bind(ids)
		if err != nil {
			continue
		}
		out = append(out, jsonQuestion{ID: q.ID, Description: q.Description, When: q.When, Holds: b.Holds(r.Result.Forecast)})
	}
	return out
}

// Table writes a readable summary for people.
func Table(w io.Writer, r *Run) error {
	in, res := r.Instance, r.Result
	var b bytes.Buffer
	title := ""
	if r.Scenario != nil {
		title = r.Scenario.Title
	}
	fmt.Fprintf(&b, "%s — model %s", title, res.Model)
	if r.Variant != "" {
		fmt.Fprintf(&b, ", variant %s", r.Variant)
	}
	last := res.Turns[len(res.Turns)-1]
	fmt.Fprintf(&b, ", %d round(s)\n", last)
	m := in.M()
	w0 := make([]float64, in.N())
	first, final := res.Trace[0], res.Final()
	for k, is := range in.Issues {
		name := is.ID
		var scale *parley.Scale
		if iss := issueOf(r.Scenario, is.ID); iss != nil {
			name = iss.Name + " (" + is.ID + ")"
			scale = &iss.Scale
		}
		fmt.Fprintf(&b, "\n%s, scale %s to %s\n", name, num(is.Min), num(is.Max))
		f := res.Forecast[k]
		label := ""
		if scale != nil {
			if l := scale.Label(f); l != "" {
				label = ": " + l
			}
		}
		fmt.Fprintf(&b, "  forecast  %s%s\n", fmtNum(f), label)
		fmt.Fprintf(&b, "  median    %s → %s\n", fmtNum(median(in, k, first, w0)), fmtNum(median(in, k, final, w0)))
		fmt.Fprintf(&b, "  mean      %s → %s\n", fmtNum(in.OutcomeBy(parley.RuleMean, k, first, w0, nil)), fmtNum(in.OutcomeBy(parley.RuleMean, k, final, w0, nil)))
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		moved := false
		for a, id := range in.Actors {
			x0, x1 := first[a*m+k], final[a*m+k]
			if math.IsNaN(x0) || x0 == x1 {
				continue
			}
			if !moved {
				fmt.Fprintf(tw, "  moved\tfrom\tto\tlast reason\n")
				moved = true
			}
			why := ""
			for _, e := range res.Events {
				if e.Actor == a && (e.Issue == k || e.Issue == -1) {
					why = fmt.Sprintf("round %d: %s", e.Round, e.Why)
				}
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", actorName(r.Scenario, id), fmtNum(x0), fmtNum(x1), why)
		}
		tw.Flush()
		if !moved && len(res.Trace) > 1 {
			fmt.Fprintf(&b, "  nobody moved\n")
		}
	}
	if qs := questions(r); len(qs) > 0 {
		fmt.Fprintf(&b, "\nQuestions\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, q := range qs {
			verdict := "no"
			if q.Holds {
				verdict = "yes"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", q.ID, verdict, q.When)
		}
		tw.Flush()
	}
	for _, n := range res.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	_, err := w.Write(b.Bytes())
	return err
}

func fmtNum(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}
