package ktab

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// elem is an XML element with the position of its start tag.
type elem struct {
	name      string
	line, col int
	text      strings.Builder
	kids      []*elem
}

func (e *elem) child(name string) *elem {
	for _, k := range e.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

func (e *elem) all(name string) []*elem {
	var out []*elem
	for _, k := range e.kids {
		if k.name == name {
			out = append(out, k)
		}
	}
	return out
}

func (e *elem) str() string { return strings.TrimSpace(e.text.String()) }

const maxXMLDepth = 64

// parseTree reads the whole document into a tree of elements.
func parseTree(name string, data []byte) (*elem, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var root *elem
	var stack []*elem
	for {
		line, col := dec.InputPos()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, errAt(name, se.Line, 0, "XML syntax error: %s", se.Msg)
			}
			l, _ := dec.InputPos()
			return nil, errAt(name, l, 0, "XML error: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			e := &elem{name: t.Name.Local, line: line, col: col}
			if len(stack) == 0 {
				if root != nil {
					return nil, errAt(name, line, col, "a second root element <%s>; want one <Scenario>", e.name)
				}
				root = e
			} else {
				if len(stack) >= maxXMLDepth {
					return nil, errAt(name, line, col, "elements nested deeper than %d", maxXMLDepth)
				}
				p := stack[len(stack)-1]
				p.kids = append(p.kids, e)
			}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, errAt(name, line, col, "text outside the root element")
			}
		}
	}
	if root == nil {
		return nil, errAt(name, 1, 0, "no XML element; want a KTAB <Scenario>")
	}
	return root, nil
}

// xmlParams maps KTAB's ModelParameters elements to option names and
// accepted spellings (the parser's, then the XSD's variants).
var xmlParams = []struct {
	elem, param string
	values      []string
	alias       map[string]string
}{
	{"VictoryProbModel", ParamVictoryProb, []string{"Linear", "Square", "Quartic", "Octic", "Binary"}, nil},
	{"PCEModel", ParamPCE, []string{"Conditional", "MarkovIncentive", "MarkovUniform"}, nil},
	{"StateTransitions", ParamTransitions, []string{"Deterministic", "Stochastic"}, nil},
	{"VotingRule", ParamVotingRule, []string{"Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp"}, map[string]string{"Proportional": "Prop"}},
	{"BigRAdjust", ParamBigRAdjust, []string{"None", "OneThird", "Half", "TwoThirds", "Full"}, map[string]string{"No": "None"}},
	{"BigRRange", ParamBigRRange, []string{"Min", "Mid", "Max"}, nil},
	{"ThirdPartyCommit", ParamThirdPartyCommit, []string{"NoCommit", "SemiCommit", "FullCommit"}, nil},
	{"InterVecBrgn", ParamInterp, []string{"S1P1", "S2P2", "S2PMax"}, nil},
	{"BargnModel", ParamBargainModel, []string{"InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"}, nil},
}

// ParseXML reads a KTAB XML scenario (SMPModel::xmlRead's format, schema
// smpSchema.xsd): Scenario with name, desc, prngSeed, ModelParameters,
// Dimensions/dName, Actors/Actor(name, description, capability,
// Position/dCoord, Salience/dSal) and IdealAdjustment/iaPair(adjustingIdeal,
// referencePos, adjust). It is lenient where KTAB is strict by accident:
// prngSeed, ModelParameters (and each of its entries), Dimensions (the
// count then comes from the first actor) and IdealAdjustment are optional,
// and the XSD's spellings "Proportional" and "No" are accepted for "Prop"
// and "None". It is strict where KTAB is silent: positions must be on
// [0,100] and an actor's ideal-adjustment entries may add up to at most 1.
// Errors are parley.Diagnostics naming file:line:col.
func ParseXML(name string, data []byte) (*File, error) {
	data = bytes.TrimPrefix(data, bom)
	root, err := parseTree(name, data)
	if err != nil {
		return nil, err
	}
	at := func(e *elem, format string, args ...any) error {
		return errAt(name, e.line, e.col, format, args...)
	}
	if root.name != "Scenario" {
		return nil, at(root, "root element is <%s>; want <Scenario>", root.name)
	}
	f := &File{Params: map[string]string{}}
	b := &builder{}
	if e := root.child("name"); e != nil {
		b.title = e.str()
	}
	if e := root.child("desc"); e != nil {
		b.desc = e.str()
	}
	if e := root.child("prngSeed"); e != nil {
		v, err := strconv.ParseUint(e.str(), 10, 64)
		if err != nil {
			return nil, at(e, "prngSeed: want a decimal integer below 2^64, got %q", e.str())
		}
		f.Seed = v
	}
	if mp := root.child("ModelParameters"); mp != nil {
	kids:
		for _, k := range mp.kids {
			for _, p := range xmlParams {
				if p.elem != k.name {
					continue
				}
				v := k.str()
				if a, ok := p.alias[v]; ok {
					v = a
				}
				for _, ok := range p.values {
					if ok == v {
						f.Params[p.param] = v
						continue kids
					}
				}
				return nil, at(k, "%s: want one of %s, got %q", p.elem, strings.Join(p.values, ", "), k.str())
			}
			return nil, at(k, "unknown model parameter <%s>", k.name)
		}
	}

	actorsEl := root.child("Actors")
	if actorsEl == nil {
		return nil, at(root, "missing <Actors>")
	}
	actorEls := actorsEl.all("Actor")
	if len(actorEls) == 0 {
		return nil, at(actorsEl, "<Actors> has no <Actor>")
	}
	nDim := -1
	if dims := root.child("Dimensions"); dims != nil {
		for _, d := range dims.all("dName") {
			b.dims = append(b.dims, d.str())
		}
		if len(b.dims) == 0 {
			return nil, at(dims, "<Dimensions> has no <dName>")
		}
		nDim = len(b.dims)
	}

	number := func(parent *elem, child, what string) (float64, *elem, error) {
		e := parent.child(child)
		if e == nil {
			return 0, nil, at(parent, "%s: missing <%s>", what, child)
		}
		v, ok := parseNumber(e.str())
		if !ok {
			return 0, e, at(e, "%s: want a number, got %q", what, e.str())
		}
		return v, e, nil
	}
	index := map[string]int{}
	for i, ae := range actorEls {
		var a actorRow
		ne := ae.child("name")
		if ne == nil || ne.str() == "" {
			return nil, at(ae, "actor %d: missing or empty <name>", i+1)
		}
		a.name = ne.str()
		if _, dup := index[a.name]; dup {
			return nil, at(ne, "actor %q is defined twice", a.name)
		}
		index[a.name] = i
		if de := ae.child("description"); de != nil {
			a.desc = de.str()
		}
		c, _, err := number(ae, "capability", "capability of "+a.name)
		if err != nil {
			return nil, err
		}
		if c < 0 {
			return nil, at(ae.child("capability"), "capability of %s: want a non-negative number, got %g", a.name, c)
		}
		a.cap = c
		pe := ae.child("Position")
		if pe == nil {
			return nil, at(ae, "actor %s: missing <Position>", a.name)
		}
		coords := pe.all("dCoord")
		if nDim < 0 {
			nDim = len(coords)
			for k := 0; k < nDim; k++ {
				b.dims = append(b.dims, fmt.Sprintf("Dimension %d", k+1))
			}
			if nDim == 0 {
				return nil, at(pe, "actor %s: <Position> has no <dCoord>", a.name)
			}
		}
		if len(coords) != nDim {
			return nil, at(pe, "actor %s: %d coordinates for %d dimensions", a.name, len(coords), nDim)
		}
		for k, ce := range coords {
			v, ok := parseNumber(ce.str())
			if !ok || v < 0 || v > 100 {
				return nil, at(ce, "position of %s on %s: want a number in [0,100], got %q", a.name, b.dims[k], ce.str())
			}
			a.pos = append(a.pos, v)
		}
		se := ae.child("Salience")
		if se == nil {
			return nil, at(ae, "actor %s: missing <Salience>", a.name)
		}
		sals := se.all("dSal")
		if len(sals) != nDim {
			return nil, at(se, "actor %s: %d saliences for %d dimensions", a.name, len(sals), nDim)
		}
		var total float64
		for k, ce := range sals {
			v, ok := parseNumber(ce.str())
			if !ok || v < 0 || v > 100 {
				return nil, at(ce, "salience of %s on %s: want a number in [0,100], got %q", a.name, b.dims[k], ce.str())
			}
			total += v
			if total > 100+1e-9 {
				return nil, at(ce, "saliences of %s add up to %g; at most 100 is allowed", a.name, total)
			}
			a.sal = append(a.sal, v)
		}
		b.actors = append(b.actors, a)
	}
	f.Scenario = b.scenario(name)

	if ia := root.child("IdealAdjustment"); ia != nil {
		n := len(b.actors)
		acc := map[[2]int]float64{}
		lastPair := make([]*elem, n)
		var entries []string
		for _, pe := range ia.all("iaPair") {
			ref := func(child string) (int, error) {
				e := pe.child(child)
				if e == nil {
					return 0, at(pe, "iaPair: missing <%s>", child)
				}
				i, ok := index[e.str()]
				if !ok {
					return 0, at(e, "%s: no actor named %q", child, e.str())
				}
				return i, nil
			}
			i, err := ref("adjustingIdeal")
			if err != nil {
				return nil, err
			}
			j, err := ref("referencePos")
			if err != nil {
				return nil, err
			}
			v, ve, err := number(pe, "adjust", "iaPair adjust")
			if err != nil {
				return nil, err
			}
			if v < 0 || v > 1 {
				return nil, at(ve, "adjust: want a number in [0,1], got %g", v)
			}
			acc[[2]int{i, j}] = v
			lastPair[i] = pe
			entries = append(entries, fmt.Sprintf("%s:%s=%s",
				f.Scenario.Actors[i].ID, f.Scenario.Actors[j].ID, strconv.FormatFloat(v, 'g', -1, 64)))
		}
		for i := 0; i < n; i++ {
			if lastPair[i] == nil {
				continue
			}
			sum := 0.0
			for j := 0; j < n; j++ {
				v, ok := acc[[2]int{i, j}]
				if !ok && i == j {
					v = 1
				}
				sum += v
			}
			if sum > 1+1e-10 {
				return nil, at(lastPair[i], "ideal adjustments of %s add up to %g (its own entry is 1 unless set); at most 1 is allowed", b.actors[i].name, sum)
			}
		}
		if len(entries) > 0 {
			f.Params[ParamAccommodation] = strings.Join(entries, ";")
		}
	}
	return f, nil
}
