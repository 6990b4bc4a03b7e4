package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/parley-forecast/parley"
)

// Limits that keep hostile input from exhausting time or memory.
const (
	// MaxSize is the largest scenario file Parse accepts, in bytes.
	MaxSize = 16 << 20
	// maxDepth bounds nesting. A scenario nests about eight levels deep
	// (variants[0].changes[0].stances[0].evidence[0].quote); goccy's parser
	// takes time quadratic in the nesting depth, so deeper input is refused
	// before it is parsed.
	maxDepth = 100
	// maxNodes bounds the number of values in a file.
	maxNodes = 1 << 20
	// maxAliasNodes bounds the number of values that aliases expand to,
	// so that a "billion laughs" file cannot exhaust time or memory.
	maxAliasNodes = 100_000
)

// A span holds where a value sits in the file: the position of its key
// (zero for list elements and the root) and of the value itself.
type span struct {
	key, val parley.Pos
}

// A tree is the result of reading a YAML (or JSON) document into plain Go
// values: map[string]any, []any, string, json.Number, bool and nil, the
// shapes the JSON Schema validator and encoding/json understand. It
// records the position of every value by path, and the YAML-level
// problems it met: duplicate keys, unknown aliases, unsupported tags,
// numbers that are not finite.
type tree struct {
	name  string
	root  any
	index map[string]*span
	diags parley.Diagnostics
	// flagged are the paths of values found faulty; other reports at or
	// inside them are dropped as repeats of the same problem.
	flagged []string

	anchors    map[string]ast.Node
	active     map[string]bool // anchors whose value is being read
	nodes      int             // values read
	aliasNodes int             // values read through aliases
	inAlias    int             // depth of alias expansion
	overflow   bool
}

// readTree parses data and converts its single document. It returns nil
// and the reasons when the data cannot be read as YAML at all.
func readTree(name string, data []byte) (*tree, parley.Diagnostics) {
	at := func(line, col int) parley.Pos { return parley.Pos{File: name, Line: line, Col: col} }
	if line, col, ok := tooDeep(data); ok {
		return nil, parley.Diagnostics{{Pos: at(line, col), Severity: parley.SevError,
			Message: fmt.Sprintf("nested more than %d levels deep; a scenario needs far fewer", maxDepth)}}
	}
	// A byte order mark may open a YAML stream; goccy would read it as
	// part of the first key.
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	file, d := safeParse(name, data)
	if d != nil {
		return nil, parley.Diagnostics{*d}
	}
	t := &tree{
		name:    name,
		index:   map[string]*span{},
		anchors: map[string]ast.Node{},
		active:  map[string]bool{},
	}
	var body ast.Node
	for _, doc := range file.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if body == nil {
			body = doc.Body
			continue
		}
		t.notef(t.pos(doc.Body), "", "only one document is allowed in a scenario file; remove this one or the '---' before it")
		break
	}
	if body == nil {
		return nil, parley.Diagnostics{{Pos: at(1, 1), Severity: parley.SevError,
			Message: "the file is empty; expected a scenario with title, actors, issues and stances"}}
	}
	t.root, _ = t.convert(body, "", 0)
	return t, nil
}

// safeParse runs goccy's parser, turning a parse error or a panic inside
// the parser into a positioned diagnostic. Error messages are formatted
// under the same guard: goccy has panicked while formatting errors before.
func safeParse(name string, data []byte) (f *ast.File, d *parley.Diagnostic) {
	defer func() {
		if r := recover(); r != nil {
			f = nil
			d = &parley.Diagnostic{
				Pos:      parley.Pos{File: name, Line: 1, Col: 1},
				Severity: parley.SevError,
				Message:  "malformed YAML: the parser cannot read this file; check indentation, quoting and brackets",
			}
		}
	}()
	f, err := parser.ParseBytes(data, 0, parser.AllowDuplicateMapKey())
	if err == nil {
		return f, nil
	}
	pos := parley.Pos{File: name, Line: 1, Col: 1}
	msg := err.Error()
	if e, ok := err.(yaml.Error); ok {
		msg = e.GetMessage()
		if tk := e.GetToken(); tk != nil && tk.Position != nil && tk.Position.Line > 0 {
			pos.Line, pos.Col = tk.Position.Line, max(tk.Position.Column, 1)
		}
	}
	if strings.Contains(msg, "'\t'") {
		msg += " (indent with spaces, not tabs)"
	}
	if strings.Contains(msg, "must be specified") {
		if o := openFlow(data, pos); o != "" {
			msg += " " + o
		}
	}
	return nil, &parley.Diagnostic{Pos: pos, Severity: parley.SevError, Message: "invalid YAML: " + msg}
}

// openFlow names the innermost flow collection ('[' or '{') still open
// where goccy stopped at pos, as "(in the list opened with '[' at
// LINE:COL)", or returns "". goccy reports a missing ',' or closing
// bracket only where the flow goes wrong, often lines after an unclosed
// bracket, so the opening is the place to look. The lexer skips quoted
// text and comments; it runs under the same guard as the parser.
func openFlow(data []byte, pos parley.Pos) (s string) {
	defer func() {
		if recover() != nil {
			s = ""
		}
	}()
	var open []*token.Token
	for _, tk := range lexer.Tokenize(string(data)) {
		if p := tk.Position; p == nil || p.Line > pos.Line || p.Line == pos.Line && p.Column >= pos.Col {
			break
		}
		switch tk.Type {
		case token.SequenceStartType, token.MappingStartType:
			open = append(open, tk)
		case token.SequenceEndType, token.MappingEndType:
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		}
	}
	if len(open) == 0 {
		return ""
	}
	tk := open[len(open)-1]
	what := "list"
	if tk.Type == token.MappingStartType {
		what = "mapping"
	}
	return fmt.Sprintf("(in the %s opened with '%s' at %d:%d)", what, tk.Value, tk.Position.Line, tk.Position.Column)
}

// tooDeep reports the position where flow brackets or block sequence
// entries on one line ("- - - x") first nest deeper than maxDepth. It
// counts brackets inside quoted text too: such text would need more than
// maxDepth unbalanced brackets to be refused.
func tooDeep(data []byte) (line, col int, deep bool) {
	depth, dashes := 0, 0
	line, col = 1, 0
	lineStart := true
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c&0xC0 != 0x80 { // count characters, not UTF-8 bytes
			col++
		}
		switch c {
		case '\n':
			line, col, dashes, lineStart = line+1, 0, 0, true
			continue
		case '[', '{':
			depth++
		case ']', '}':
			if depth > 0 {
				depth--
			}
		case '-', '?', ':':
			if lineStart && i+1 < len(data) && (data[i+1] == ' ' || data[i+1] == '\t') {
				if dashes++; dashes > maxDepth {
					return line, col, true
				}
				continue
			}
		case ' ', '\t':
			continue
		}
		lineStart = false
		if depth > maxDepth || dashes > maxDepth {
			return line, col, true
		}
	}
	return 0, 0, false
}

// errorf records that the value at path is unusable.
func (t *tree) errorf(pos parley.Pos, path, format string, args ...any) {
	t.notef(pos, path, format, args...)
	t.flagged = append(t.flagged, path)
}

// notef records a problem near path that leaves the value at path usable
// (a duplicate key is dropped, the rest of the mapping is kept).
func (t *tree) notef(pos parley.Pos, path, format string, args ...any) {
	t.diags = append(t.diags, parley.Diagnostic{
		Pos: pos, Path: path, Message: fmt.Sprintf(format, args...), Severity: parley.SevError,
	})
}

// pos returns where node n starts in the file, or the zero Pos (with the
// file name) when goccy does not know.
func (t *tree) pos(n ast.Node) parley.Pos {
	p := parley.Pos{File: t.name}
	var tk *token.Token
	switch n := n.(type) {
	case nil:
		return p
	case *ast.DocumentNode:
		return t.pos(n.Body)
	case *ast.MappingNode:
		// A block mapping's own token is its first ':'; its first key
		// is where a reader sees it start.
		if !n.IsFlowStyle && len(n.Values) > 0 && n.Values[0] != nil {
			return t.pos(n.Values[0])
		}
		tk = n.Start
	case *ast.MappingValueNode:
		if n.Key != nil {
			return t.pos(n.Key)
		}
		tk = n.Start
	case *ast.MappingKeyNode:
		tk = n.Start
	case *ast.AnchorNode:
		tk = n.Start
	case *ast.AliasNode:
		tk = n.Start
	case *ast.TagNode:
		tk = n.Start
	case *ast.LiteralNode:
		tk = n.Start
	case *ast.SequenceNode:
		tk = n.Start
	default:
		tk = n.GetToken()
	}
	if tk != nil && tk.Position != nil && tk.Position.Line > 0 {
		p.Line, p.Col = tk.Position.Line, max(tk.Position.Column, 1)
	}
	return p
}

// at returns the span recorded for path, creating it.
func (t *tree) at(path string) *span {
	s := t.index[path]
	if s == nil {
		s = &span{}
		t.index[path] = s
	}
	return s
}

// Plain scalars that the YAML 1.2 core schema (and JSON) reads as
// numbers. goccy keeps some of them as text: exponents without a point
// (1e5), leading zeros (09), and numbers too large for it.
var (
	decimal = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)
	radix   = regexp.MustCompile(`^[-+]?0(x[0-9a-fA-F]+|o[0-7]+)$`)
)

// convert reads node n at path. ok is false when the value is unusable;
// the problem has then been recorded and the path flagged.
func (t *tree) convert(n ast.Node, path string, depth int) (v any, ok bool) {
	pos := t.pos(n)
	if s := t.at(path); s.val.Line == 0 {
		s.val = pos
	}
	t.nodes++
	if t.inAlias > 0 {
		t.aliasNodes++
	}
	if t.nodes > maxNodes || t.aliasNodes > maxAliasNodes {
		if !t.overflow {
			t.overflow = true
			if t.nodes > maxNodes {
				t.errorf(pos, path, "too many values (over %d); a scenario needs far fewer", maxNodes)
			} else {
				t.errorf(pos, path, "aliases expand to too many values (over %d); a scenario needs far fewer", maxAliasNodes)
			}
		}
		return nil, false
	}
	if depth > maxDepth {
		t.errorf(pos, path, "nested more than %d levels deep; a scenario needs far fewer", maxDepth)
		return nil, false
	}
	switch n := n.(type) {
	case nil:
		return nil, true
	case *ast.NullNode:
		return nil, true
	case *ast.BoolNode:
		return n.Value, true
	case *ast.StringNode:
		if n.Token == nil || n.Token.Type != token.StringType {
			return n.Value, true // quoted: text, whatever it looks like
		}
		switch {
		case decimal.MatchString(n.Value):
			// A number goccy left as text: YAML 1.2 and JSON read 1e5
			// and 09 as numbers, and some are too large for goccy.
			x, err := strconv.ParseFloat(n.Value, 64)
			if err != nil || math.IsInf(x, 0) {
				t.errorf(pos, path, "number %s is out of range", n.Value)
				return nil, false
			}
			return json.Number(strconv.FormatFloat(x, 'g', -1, 64)), true
		case radix.MatchString(n.Value):
			t.errorf(pos, path, "number %s is out of range", n.Value)
			return nil, false
		}
		return n.Value, true
	case *ast.LiteralNode:
		if n.Value == nil {
			return "", true
		}
		return n.Value.Value, true
	case *ast.IntegerNode:
		switch x := n.Value.(type) {
		case int64:
			return json.Number(strconv.FormatInt(x, 10)), true
		case uint64:
			return json.Number(strconv.FormatUint(x, 10)), true
		}
		t.errorf(pos, path, "number %s is out of range", tokenText(n.Token))
		return nil, false
	case *ast.FloatNode:
		if math.IsInf(n.Value, 0) || math.IsNaN(n.Value) {
			t.errorf(pos, path, "number %s is out of range", tokenText(n.Token))
			return nil, false
		}
		return json.Number(strconv.FormatFloat(n.Value, 'g', -1, 64)), true
	case *ast.InfinityNode, *ast.NanNode:
		t.errorf(pos, path, "must be a finite number, got %s", tokenText(n.GetToken()))
		return nil, false
	case *ast.MappingNode:
		return t.mapping(n.Values, path, depth)
	case *ast.MappingValueNode:
		return t.mapping([]*ast.MappingValueNode{n}, path, depth)
	case *ast.SequenceNode:
		list := make([]any, 0, len(n.Values))
		for i, e := range n.Values {
			x, _ := t.convert(e, joinIndex(path, i), depth+1)
			list = append(list, x)
		}
		return list, true
	case *ast.AnchorNode:
		name := anchorName(n.Name)
		t.anchors[name] = n.Value
		t.active[name] = true
		v, ok = t.convert(n.Value, path, depth+1)
		t.active[name] = false
		return v, ok
	case *ast.AliasNode:
		name := anchorName(n.Value)
		target, found := t.anchors[name]
		switch {
		case !found:
			t.errorf(pos, path, "unknown alias *%s: no anchor &%s comes before it", name, name)
			return nil, false
		case t.active[name]:
			t.errorf(pos, path, "alias *%s is used inside its own anchor &%s", name, name)
			return nil, false
		}
		t.active[name] = true
		t.inAlias++
		v, ok = t.convert(target, path, depth+1)
		t.inAlias--
		t.active[name] = false
		return v, ok
	case *ast.TagNode:
		return t.tagged(n, path, depth)
	}
	t.errorf(pos, path, "unsupported YAML construct (%s)", n.Type().YAMLName())
	return nil, false
}

func tokenText(tk *token.Token) string {
	if tk == nil {
		return "?"
	}
	return tk.Value
}

func anchorName(n ast.Node) string {
	if s, ok := n.(*ast.StringNode); ok {
		return s.Value
	}
	if n == nil {
		return ""
	}
	return tokenText(n.GetToken())
}

// mapping converts the entries of a mapping. Explicit keys win over keys
// brought in by a merge key (<<), wherever the merge appears.
func (t *tree) mapping(entries []*ast.MappingValueNode, path string, depth int) (any, bool) {
	m := make(map[string]any, len(entries))
	first := map[string]parley.Pos{}
	var merges []*ast.MappingValueNode
	for _, e := range entries {
		if e == nil {
			continue
		}
		if _, ok := e.Key.(*ast.MergeKeyNode); ok {
			merges = append(merges, e)
			continue
		}
		keyPos := t.pos(e.Key)
		key, ok := keyText(e.Key)
		if !ok {
			t.notef(keyPos, path, "field names must be plain text")
			continue
		}
		child := joinField(path, key)
		if p, dup := first[key]; dup {
			t.notef(keyPos, path, "duplicate field %q (first given at %d:%d)", key, p.Line, p.Col)
			continue
		}
		first[key] = keyPos
		t.at(child).key = keyPos
		if v, ok := t.convert(e.Value, child, depth+1); ok {
			m[key] = v
		}
	}
	for _, e := range merges {
		t.merge(m, e.Value, path, t.pos(e.Key), depth)
	}
	return m, true
}

// merge adds to m the entries of the mapping (or list of mappings) src
// that m does not have yet.
func (t *tree) merge(m map[string]any, src ast.Node, path string, pos parley.Pos, depth int) {
	if depth > maxDepth {
		t.notef(pos, path, "nested more than %d levels deep; a scenario needs far fewer", maxDepth)
		return
	}
	switch n := src.(type) {
	case *ast.AnchorNode:
		name := anchorName(n.Name)
		t.anchors[name] = n.Value
		t.active[name] = true
		t.merge(m, n.Value, path, pos, depth+1)
		t.active[name] = false
		return
	case *ast.AliasNode:
		name := anchorName(n.Value)
		target, ok := t.anchors[name]
		switch {
		case !ok:
			t.notef(t.pos(n), path, "unknown alias *%s: no anchor &%s comes before it", name, name)
			return
		case t.active[name]:
			t.notef(t.pos(n), path, "alias *%s is used inside its own anchor &%s", name, name)
			return
		}
		t.active[name] = true
		t.inAlias++
		t.merge(m, target, path, pos, depth+1)
		t.inAlias--
		t.active[name] = false
		return
	case *ast.SequenceNode:
		for _, e := range n.Values {
			t.merge(m, e, path, pos, depth+1)
		}
		return
	case *ast.MappingNode, *ast.MappingValueNode:
		// Read the merged mapping on its own, so that its keys do not
		// count as duplicates of the explicit ones.
		v, ok := t.convert(n, path, depth+1)
		if mm, isMap := v.(map[string]any); ok && isMap {
			for k, x := range mm {
				if _, have := m[k]; !have {
					m[k] = x
				}
			}
		}
		return
	}
	t.notef(pos, path, "a merge key (<<) needs a mapping or a list of mappings")
}

// keyText returns the text of a mapping key; ok is false for keys that
// are not scalars.
func keyText(k ast.Node) (string, bool) {
	switch n := k.(type) {
	case *ast.MappingKeyNode:
		return keyText(n.Value)
	case *ast.TagNode:
		return keyText(n.Value)
	case *ast.StringNode:
		return n.Value, true
	case *ast.NullNode:
		return "", true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return tokenText(n.GetToken()), true
	}
	return "", false
}

// tagged handles an explicit YAML tag. Only the core tags are understood:
// !!str turns a scalar into text (date: !!str 2024), and the others must
// agree with the value they mark.
func (t *tree) tagged(n *ast.TagNode, path string, depth int) (any, bool) {
	tag := tokenText(n.Start)
	pos := t.pos(n)
	short := strings.TrimPrefix(tag, "tag:yaml.org,2002:")
	if short != tag {
		short = "!!" + short
	}
	switch short {
	case "!!str":
		switch s := n.Value.(type) {
		case *ast.StringNode:
			return s.Value, true
		case *ast.LiteralNode:
			return t.convert(s, path, depth+1)
		case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.NullNode, *ast.InfinityNode, *ast.NanNode:
			if s := t.at(path); s.val.Line == 0 {
				s.val = pos
			}
			return tokenText(n.Value.GetToken()), true
		}
	case "!!int", "!!float", "!!bool", "!!null", "!!map", "!!seq":
		v, ok := t.convert(n.Value, path, depth+1)
		if !ok {
			return nil, false
		}
		var fits bool
		switch v.(type) {
		case json.Number:
			fits = short == "!!int" || short == "!!float"
		case bool:
			fits = short == "!!bool"
		case nil:
			fits = short == "!!null"
		case map[string]any:
			fits = short == "!!map"
		case []any:
			fits = short == "!!seq"
		}
		if fits {
			return v, true
		}
	default:
		t.errorf(pos, path, "unsupported YAML tag %s", tag)
		return nil, false
	}
	t.errorf(pos, path, "YAML tag %s does not fit the value it marks", tag)
	return nil, false
}
