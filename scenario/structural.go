package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/parley-forecast/parley"
)

var compiled struct {
	once   sync.Once
	schema *jsonschema.Schema
	doc    any // the schema as decoded JSON, to look up bounds and fields
	err    error
}

// compiledSchema compiles Schema() once.
func compiledSchema() (*jsonschema.Schema, any, error) {
	compiled.once.Do(func() {
		b, err := Schema()
		if err != nil {
			compiled.err = err
			return
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			compiled.err = err
			return
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource(SchemaID, doc); err != nil {
			compiled.err = err
			return
		}
		compiled.schema, compiled.err = c.Compile(SchemaID)
		compiled.doc = doc
	})
	return compiled.schema, compiled.doc, compiled.err
}

// A checker turns the schema validator's error tree into diagnostics for
// analysts, and notes which values are unusable so that they can be left
// out before decoding.
type checker struct {
	t   *tree
	doc any
	// prune lists instance locations to remove before decoding.
	prune [][]string
	// earlier counts the flagged paths of the tree stage: the schema's
	// view of a value that stage left out (a missing field, a null) is a
	// repeat.
	earlier int
	// missing maps the path of each missing required field to its
	// diagnostic's index in t.diags; meant lists the absent fields that
	// an unknown field's "did you mean" names. A misspelt field then
	// gives one report, not also "missing required field".
	missing map[string]int
	meant   []string
}

// structure validates t.root against the scenario schema, adding one
// diagnostic per problem to t.diags.
func (t *tree) structure() ([][]string, error) {
	sch, doc, err := compiledSchema()
	if err != nil {
		return nil, err
	}
	verr := sch.Validate(t.root)
	if verr == nil {
		return nil, nil
	}
	e, ok := verr.(*jsonschema.ValidationError)
	if !ok {
		return nil, verr
	}
	c := &checker{t: t, doc: doc, earlier: len(t.flagged), missing: map[string]int{}}
	c.walk(e, nil)
	c.reconcile()
	return c.prune, nil
}

// reconcile drops the "missing required field" reports of fields that an
// unknown field's "did you mean" names, and flags those fields, so that
// the semantic check does not report them missing either.
func (c *checker) reconcile() {
	drop := map[int]bool{}
	for _, m := range c.meant {
		if i, ok := c.missing[m]; ok {
			drop[i] = true
		}
		c.t.flagged = append(c.t.flagged, m)
	}
	if len(drop) == 0 {
		return
	}
	kept := c.t.diags[:0]
	for i, d := range c.t.diags {
		if !drop[i] {
			kept = append(kept, d)
		}
	}
	c.t.diags = kept
}

// walk reports the leaves of e. alt is the instance location of the
// innermost oneOf or anyOf that e is part of: a shape error inside one
// makes that whole value unusable.
func (c *checker) walk(e *jsonschema.ValidationError, alt []string) {
	switch k := e.ErrorKind.(type) {
	case *kind.Schema, *kind.Group, *kind.Reference, *kind.AllOf:
		for _, x := range e.Causes {
			c.walk(x, alt)
		}
	case *kind.OneOf:
		if len(k.Subschemas) > 0 {
			c.report(e, "matches more than one form; write it one way only")
			return
		}
		c.alternatives(e)
	case *kind.AnyOf:
		c.alternatives(e)
	case *kind.Type:
		c.prune = append(c.prune, pick(alt, e.InstanceLocation))
		c.report(e, fmt.Sprintf("must be %s, got %s%s", wantTypes(k.Want), c.gotTyped(e.InstanceLocation), quoteHint(k, c.value(e.InstanceLocation))))
	case *kind.Required:
		if alt != nil {
			c.prune = append(c.prune, alt)
		}
		path := c.path(e.InstanceLocation)
		for _, m := range k.Missing {
			if c.add(c.valPos(path), path, fmt.Sprintf("missing required field %q", m), joinField(path, m)) {
				c.missing[joinField(path, m)] = len(c.t.diags) - 1
			}
		}
	case *kind.AdditionalProperties:
		path := c.path(e.InstanceLocation)
		allowed := c.properties(e.SchemaURL)
		for _, p := range k.Properties {
			loc := append(slices.Clone(e.InstanceLocation), p)
			c.prune = append(c.prune, pick(alt, loc))
			msg := fmt.Sprintf("unknown field %q", p)
			if s := closest(p, allowed); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
				if obj, _ := c.value(e.InstanceLocation).(map[string]any); obj[s] == nil {
					c.meant = append(c.meant, joinField(path, s))
				}
			} else if len(allowed) > 0 {
				msg += "; allowed: " + strings.Join(allowed, ", ")
			}
			child := joinField(path, p)
			pos := c.valPos(path)
			if s := c.t.index[child]; s != nil && s.key.Line > 0 {
				pos = s.key
			}
			c.add(pos, path, msg, child)
		}
	case *kind.Minimum, *kind.Maximum:
		lo, hi := c.bounds(e.SchemaURL)
		got := c.got(e.InstanceLocation)
		var msg string
		switch {
		case lo != "" && hi != "":
			msg = fmt.Sprintf("must be in [%s,%s], got %s", lo, hi, got)
		case lo != "":
			msg = fmt.Sprintf("must be at least %s, got %s", lo, got)
		default:
			msg = fmt.Sprintf("must be at most %s, got %s", hi, got)
		}
		c.report(e, msg)
	case *kind.Enum:
		var want []string
		for _, w := range k.Want {
			want = append(want, fmt.Sprint(w))
		}
		msg := fmt.Sprintf("must be one of %s; got %s", strings.Join(want, ", "), c.got(e.InstanceLocation))
		if s, ok := k.Got.(string); ok {
			if m := closest(s, want); m != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", m)
			}
		}
		c.report(e, msg)
	case *kind.Pattern:
		c.report(e, patternMessage(k.Want, k.Got))
	default:
		c.prune = append(c.prune, pick(alt, e.InstanceLocation))
		c.report(e, e.ErrorKind.LocalizedString(printer))
	}
}

var printer = message.NewPrinter(language.English)

func pick(alt, loc []string) []string {
	if alt != nil {
		return alt
	}
	return loc
}

// alternatives reports a value that fits none of the forms a oneOf or
// anyOf allows. When the value's type fits exactly one form, the problems
// within that form are reported; otherwise the value has the wrong type.
func (c *checker) alternatives(e *jsonschema.ValidationError) {
	var fitting []*jsonschema.ValidationError
	var want []string
	for _, b := range e.Causes {
		if w, mismatch := typeMismatch(b, e.InstanceLocation); mismatch {
			want = append(want, w...)
			continue
		}
		fitting = append(fitting, b)
	}
	if len(fitting) == 1 {
		c.walk(fitting[0], e.InstanceLocation)
		return
	}
	c.prune = append(c.prune, e.InstanceLocation)
	forms := c.forms(e)
	if forms == "" {
		forms = wantTypes(want)
	}
	c.report(e, fmt.Sprintf("must be %s, got %s", forms, c.gotTyped(e.InstanceLocation)))
}

// typeMismatch reports whether branch b failed because the value at loc
// has the wrong type, and which types it wanted.
func typeMismatch(b *jsonschema.ValidationError, loc []string) ([]string, bool) {
	switch k := b.ErrorKind.(type) {
	case *kind.Type:
		return k.Want, slices.Equal(b.InstanceLocation, loc)
	case *kind.Schema, *kind.Group, *kind.Reference, *kind.AllOf:
		for _, x := range b.Causes {
			if w, ok := typeMismatch(x, loc); ok {
				return w, true
			}
		}
	}
	return nil, false
}

// forms describes the alternatives of the oneOf or anyOf at e in words,
// or returns "" when it cannot.
func (c *checker) forms(e *jsonschema.ValidationError) string {
	s, _ := c.schemaAt(e.SchemaURL).(map[string]any)
	if s == nil {
		return ""
	}
	alts, _ := s["oneOf"].([]any)
	if alts == nil {
		alts, _ = s["anyOf"].([]any)
	}
	var words []string
	for _, a := range alts {
		m, _ := a.(map[string]any)
		typ, _ := m["type"].(string)
		props, _ := m["properties"].(map[string]any)
		switch {
		case typ == "object" && len(props) == 3 && props["low"] != nil && props["mode"] != nil && props["high"] != nil:
			words = append(words, "a range {low, mode, high}")
		case typ == "object" && len(props) > 0:
			words = append(words, "a mapping with "+strings.Join(sortedKeys(props), ", "))
		case typ != "":
			words = append(words, wantTypes([]string{typ}))
		default:
			return ""
		}
	}
	return strings.Join(words, " or ")
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// report adds a diagnostic about the value at e's instance location.
func (c *checker) report(e *jsonschema.ValidationError, msg string) {
	path := c.path(e.InstanceLocation)
	c.add(c.valPos(path), path, msg, path)
}

// add records a diagnostic and flags the path it is about, unless the
// tree stage has reported that value already; it reports whether it did.
func (c *checker) add(pos parley.Pos, path, msg, flag string) bool {
	if repeats(flag, c.t.flagged[:c.earlier]) {
		return false
	}
	c.t.diags = append(c.t.diags, parley.Diagnostic{Pos: pos, Path: path, Message: msg, Severity: parley.SevError})
	c.t.flagged = append(c.t.flagged, flag)
	return true
}

// path turns an instance location into a diagnostic path, telling list
// indices from field names by the shape of the tree.
func (c *checker) path(loc []string) string {
	p := ""
	v := c.t.root
	for _, tok := range loc {
		switch x := v.(type) {
		case []any:
			i, err := strconv.Atoi(tok)
			if err == nil && i >= 0 && i < len(x) {
				p = joinIndex(p, i)
				v = x[i]
				continue
			}
		case map[string]any:
			p = joinField(p, tok)
			v = x[tok]
			continue
		}
		p = joinField(p, tok)
		v = nil
	}
	return p
}

// value returns the value at loc.
func (c *checker) value(loc []string) any {
	v := c.t.root
	for _, tok := range loc {
		switch x := v.(type) {
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		case map[string]any:
			v = x[tok]
		default:
			return nil
		}
	}
	return v
}

// valPos returns the position of the value at path, or of its nearest
// ancestor that has one.
func (c *checker) valPos(path string) parley.Pos {
	return c.t.lookup(path)
}

// got describes the value at loc for a message.
func (c *checker) got(loc []string) string {
	return describe(c.value(loc))
}

// gotTyped describes the value at loc, saying "text" before a string, for
// messages about the type of a value.
func (c *checker) gotTyped(loc []string) string {
	v := c.value(loc)
	if _, ok := v.(string); ok {
		return "text " + describe(v)
	}
	return describe(v)
}

// describe renders a value for a message: strings quoted (and cut short),
// numbers as written, lists and mappings by kind.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "nothing (null)"
	case bool:
		return strconv.FormatBool(v)
	case json.Number:
		return string(v)
	case string:
		if r := []rune(v); len(r) > 40 {
			v = string(r[:37]) + "..."
		}
		return strconv.Quote(v)
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return fmt.Sprint(v)
}

// wantTypes names JSON Schema types in words.
func wantTypes(types []string) string {
	var words []string
	for _, t := range types {
		w := map[string]string{
			"string":  "text",
			"number":  "a number",
			"integer": "a whole number",
			"boolean": "true or false",
			"object":  "a mapping",
			"array":   "a list",
			"null":    "null",
		}[t]
		if w == "" {
			w = t
		}
		if !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	return strings.Join(words, " or ")
}

// quoteHint suggests quoting a number or true/false written where text
// belongs: YAML reads an unquoted 2024 as a number.
func quoteHint(k *kind.Type, v any) string {
	if !slices.Contains(k.Want, "string") {
		return ""
	}
	switch v := v.(type) {
	case json.Number:
		return fmt.Sprintf(` (write "%s" in quotes to make it text)`, v)
	case bool:
		return fmt.Sprintf(` (write "%t" in quotes to make it text)`, v)
	}
	return ""
}

// patterns words the schema's patterns for readers.
var patterns = map[string]string{
	`^[A-Za-z0-9][A-Za-z0-9_.-]*$`:       "must be an id of letters, digits, '_', '.' and '-', starting with a letter or digit",
	`^[A-Za-z][A-Za-z0-9_]*$`:            "must be an issue id of letters, digits and '_', starting with a letter (conditions in questions refer to it)",
	`^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$`: "must be a date written YYYY, YYYY-MM or YYYY-MM-DD",
}

func patternMessage(pattern, got string) string {
	w, ok := patterns[pattern]
	if !ok {
		w = "must match the pattern " + pattern
	}
	return fmt.Sprintf("%s; got %s", w, describe(got))
}

// schemaAt returns the part of the schema document that url points to.
func (c *checker) schemaAt(url string) any {
	_, frag, _ := strings.Cut(url, "#")
	v := c.doc
	if frag == "" {
		return v
	}
	for _, tok := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch x := v.(type) {
		case map[string]any:
			v = x[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// properties lists the fields the object schema at url allows.
func (c *checker) properties(url string) []string {
	s, _ := c.schemaAt(url).(map[string]any)
	props, _ := s["properties"].(map[string]any)
	return sortedKeys(props)
}

// bounds returns the minimum and maximum of the schema at url, formatted,
// or "" for the ones it does not set.
func (c *checker) bounds(url string) (lo, hi string) {
	s, _ := c.schemaAt(url).(map[string]any)
	f := func(v any) string {
		if n, ok := v.(json.Number); ok {
			if r, ok := new(big.Rat).SetString(string(n)); ok {
				x, _ := r.Float64()
				return strconv.FormatFloat(x, 'g', -1, 64)
			}
			return string(n)
		}
		return ""
	}
	return f(s["minimum"]), f(s["maximum"])
}

// closest returns the candidate nearest to s when it is near enough to be
// a likely misspelling, else "".
func closest(s string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		d := editDistance(strings.ToLower(s), strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	limit := max(1, min(3, len([]rune(s))/3))
	if bestD < 0 || bestD > limit {
		return ""
	}
	return best
}

// editDistance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and swaps of neighbours each cost
// one.
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	if len(x) > 64 || len(y) > 64 {
		if a == b {
			return 0
		}
		return max(len(x), len(y))
	}
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}
