package parley

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// A Condition is a parsed question condition: comparisons of issue
// outcomes with numbers, combined with and, or, not and parentheses.
//
// Grammar (keywords are case-insensitive; && || ! are accepted for and, or,
// not):
//
//	expr       = and { "or" and }
//	and        = unary { "and" unary }
//	unary      = "not" unary | "(" expr ")" | comparison
//	comparison = operand op operand
//	operand    = issue-id | number
//	op         = "<" | "<=" | ">" | ">=" | "==" | "!="
//
// A comparison involving an outcome that is NaN (an issue nobody takes part
// in) is false.
type Condition struct {
	src  string
	root *condNode
}

type condNode struct {
	op          string // "and", "or", "not", or a comparison operator
	left, right *condNode
	// For comparisons: each side is an issue id or a number.
	lid, rid   string
	lnum, rnum float64
	// Bound issue indices (-1 for a number), set by Compile.
	lk, rk int
}

// ParseCondition parses src. Errors name the column (counted in runes from
// 1) and what was expected; they are *ConditionError values, whose column
// a caller that knows where src sits in a file can turn into a position.
func ParseCondition(src string) (*Condition, error) {
	p := &condParser{src: src}
	p.lex()
	if p.err != nil {
		return nil, p.err
	}
	if len(p.toks) == 0 {
		return nil, fmt.Errorf("empty condition: want comparisons such as \"scope >= 70 and nuclear >= 50\"")
	}
	n := p.expr()
	if p.err == nil && p.pos < len(p.toks) {
		t := p.toks[p.pos]
		p.fail(t, "unexpected %q: want \"and\", \"or\" or the end of the condition", t.text)
	}
	if p.err != nil {
		return nil, p.err
	}
	return &Condition{src: src, root: n}, nil
}

// String returns the condition's source text.
func (c *Condition) String() string { return c.src }

// Issues returns the issue ids the condition mentions, in order of first
// appearance.
func (c *Condition) Issues() []string {
	var ids []string
	seen := map[string]bool{}
	var walk func(n *condNode)
	walk = func(n *condNode) {
		if n == nil {
			return
		}
		for _, id := range []string{n.lid, n.rid} {
			if id != "" && !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		walk(n.left)
		walk(n.right)
	}
	walk(c.root)
	return ids
}

// Eval evaluates the condition with outcome giving each issue's outcome.
// It returns an error naming an issue that outcome does not know.
func (c *Condition) Eval(outcome func(issue string) (float64, bool)) (bool, error) {
	var err error
	get := func(id string, num float64) float64 {
		if id == "" {
			return num
		}
		x, ok := outcome(id)
		if !ok && err == nil {
			err = Errorf(EINVALID, "condition %q: unknown issue %q", c.src, id)
		}
		return x
	}
	v := c.root.eval(func(n *condNode) (float64, float64) {
		return get(n.lid, n.lnum), get(n.rid, n.rnum)
	})
	return v, err
}

// A BoundCondition is a condition bound to issue positions, for fast
// repeated evaluation on outcome slices.
type BoundCondition struct{ root *condNode }

// Bind resolves the condition's issue ids against issues (the order of the
// outcome slices it will be evaluated on). It returns an EINVALID *Error
// naming an unknown issue.
func (c *Condition) Bind(issues []string) (*BoundCondition, error) {
	idx := map[string]int{}
	for i, id := range issues {
		idx[id] = i
	}
	var err error
	var clone func(n *condNode) *condNode
	clone = func(n *condNode) *condNode {
		if n == nil {
			return nil
		}
		m := *n
		m.left, m.right = clone(n.left), clone(n.right)
		m.lk, m.rk = -1, -1
		for _, side := range []struct {
			id string
			k  *int
		}{{n.lid, &m.lk}, {n.rid, &m.rk}} {
			if side.id == "" {
				continue
			}
			k, ok := idx[side.id]
			if !ok && err == nil {
				err = Errorf(EINVALID, "condition %q: unknown issue %q", c.src, side.id)
			}
			*side.k = k
		}
		return &m
	}
	root := clone(c.root)
	if err != nil {
		return nil, err
	}
	return &BoundCondition{root: root}, nil
}

// Holds evaluates the bound condition on outcomes, indexed as the issues
// given to Bind.
func (b *BoundCondition) Holds(outcomes []float64) bool {
	return b.root.eval(func(n *condNode) (float64, float64) {
		l, r := n.lnum, n.rnum
		if n.lk >= 0 && n.lid != "" {
			l = outcomes[n.lk]
		}
		if n.rk >= 0 && n.rid != "" {
			r = outcomes[n.rk]
		}
		return l, r
	})
}

func (n *condNode) eval(sides func(*condNode) (float64, float64)) bool {
	switch n.op {
	case "and":
		return n.left.eval(sides) && n.right.eval(sides)
	case "or":
		return n.left.eval(sides) || n.right.eval(sides)
	case "not":
		return !n.left.eval(sides)
	}
	l, r := sides(n)
	switch n.op {
	case "<":
		return l < r
	case "<=":
		return l <= r
	case ">":
		return l > r
	case ">=":
		return l >= r
	case "==":
		return l == r
	case "!=":
		return l != r && l == l && r == r // NaN compares false
	}
	return false
}

// A ConditionError is a syntax error in a condition: the column of the
// condition's text (counted in runes from 1) where it was found, and what
// was expected. Error renders it as "col N: message".
type ConditionError struct {
	Col int
	Msg string
}

func (e *ConditionError) Error() string { return fmt.Sprintf("col %d: %s", e.Col, e.Msg) }

type condTok struct {
	kind string // "id", "num", "op", "(", ")", "and", "or", "not"
	text string
	col  int
	num  float64
}

type condParser struct {
	src  string
	toks []condTok
	pos  int
	err  error
}

func (p *condParser) fail(t condTok, format string, args ...any) {
	if p.err == nil {
		p.err = &ConditionError{Col: t.col, Msg: fmt.Sprintf(format, args...)}
	}
}

func (p *condParser) lex() {
	rs := []rune(p.src)
	for i := 0; i < len(rs); {
		r := rs[i]
		col := i + 1
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '(' || r == ')':
			p.toks = append(p.toks, condTok{kind: string(r), text: string(r), col: col})
			i++
		case strings.ContainsRune("<>=!&|", r):
			j := i + 1
			if j < len(rs) && strings.ContainsRune("=&|", rs[j]) {
				j++
			}
			text := string(rs[i:j])
			switch text {
			case "<", "<=", ">", ">=", "==", "!=":
				p.toks = append(p.toks, condTok{kind: "op", text: text, col: col})
			case "&&":
				p.toks = append(p.toks, condTok{kind: "and", text: text, col: col})
			case "||":
				p.toks = append(p.toks, condTok{kind: "or", text: text, col: col})
			case "!":
				p.toks = append(p.toks, condTok{kind: "not", text: text, col: col})
			case "=":
				p.fail(condTok{col: col}, "\"=\" is not an operator: use \"==\" for equality or \">=\", \"<=\"")
				return
			default:
				p.fail(condTok{col: col}, "unknown operator %q", text)
				return
			}
			i = j
		case unicode.IsDigit(r) || r == '.' || r == '-' || r == '+':
			j := i + 1
			for j < len(rs) && (unicode.IsDigit(rs[j]) || rs[j] == '.' || rs[j] == 'e' || rs[j] == 'E' ||
				((rs[j] == '-' || rs[j] == '+') && (rs[j-1] == 'e' || rs[j-1] == 'E'))) {
				j++
			}
			text := string(rs[i:j])
			x, err := strconv.ParseFloat(text, 64)
			if err != nil || x != x {
				p.fail(condTok{col: col}, "%q is not a number", text)
				return
			}
			p.toks = append(p.toks, condTok{kind: "num", text: text, col: col, num: x})
			i = j
		case unicode.IsLetter(r) || r == '_':
			j := i + 1
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || rs[j] == '_') {
				j++
			}
			text := string(rs[i:j])
			switch strings.ToLower(text) {
			case "and", "or", "not":
				p.toks = append(p.toks, condTok{kind: strings.ToLower(text), text: text, col: col})
			default:
				p.toks = append(p.toks, condTok{kind: "id", text: text, col: col})
			}
			i = j
		default:
			p.fail(condTok{col: col}, "unexpected character %q", r)
			return
		}
	}
}

func (p *condParser) peek() (condTok, bool) {
	if p.pos < len(p.toks) {
		return p.toks[p.pos], true
	}
	return condTok{col: len([]rune(p.src)) + 1}, false
}

func (p *condParser) expr() *condNode {
	n := p.and()
	for p.err == nil {
		t, ok := p.peek()
		if !ok || t.kind != "or" {
			return n
		}
		p.pos++
		n = &condNode{op: "or", left: n, right: p.and()}
	}
	return n
}

func (p *condParser) and() *condNode {
	n := p.unary()
	for p.err == nil {
		t, ok := p.peek()
		if !ok || t.kind != "and" {
			return n
		}
		p.pos++
		n = &condNode{op: "and", left: n, right: p.unary()}
	}
	return n
}

func (p *condParser) unary() *condNode {
	t, ok := p.peek()
	if !ok {
		p.fail(t, "unexpected end of condition: want a comparison")
		return nil
	}
	switch t.kind {
	case "not":
		p.pos++
		return &condNode{op: "not", left: p.unary()}
	case "(":
		p.pos++
		n := p.expr()
		if p.err != nil {
			return nil
		}
		c, ok := p.peek()
		if !ok || c.kind != ")" {
			if !ok {
				// Reported at the "(" so that the message needs no
				// second column.
				p.fail(t, "this \"(\" is never closed: want \")\" before the end of the condition")
			} else {
				p.fail(c, "want \"and\", \"or\" or \")\", got %q", c.text)
			}
			return nil
		}
		p.pos++
		return n
	}
	return p.comparison()
}

func (p *condParser) operand() (id string, num float64, ok bool) {
	t, more := p.peek()
	if !more || (t.kind != "id" && t.kind != "num") {
		what := "the end of the condition"
		if more {
			what = fmt.Sprintf("%q", t.text)
		}
		p.fail(t, "want an issue id or a number, got %s", what)
		return "", 0, false
	}
	p.pos++
	if t.kind == "id" {
		return t.text, 0, true
	}
	return "", t.num, true
}

func (p *condParser) comparison() *condNode {
	lid, lnum, ok := p.operand()
	if !ok {
		return nil
	}
	t, more := p.peek()
	if !more || t.kind != "op" {
		what := "the end of the condition"
		if more {
			what = fmt.Sprintf("%q", t.text)
		}
		p.fail(t, "want a comparison operator (< <= > >= == !=) after %q, got %s", p.toks[p.pos-1].text, what)
		return nil
	}
	p.pos++
	rid, rnum, ok := p.operand()
	if !ok {
		return nil
	}
	if lid == "" && rid == "" {
		p.fail(t, "a comparison needs an issue id on one side")
		return nil
	}
	return &condNode{op: t.text, lid: lid, lnum: lnum, rid: rid, rnum: rnum}
}

// Margin returns a signed distance of outcomes from the boundary of the
// condition, for searches that need to know how far a condition is from
// holding, not only whether it holds. Each comparison contributes the
// difference of its sides in the direction that makes it hold, divided by
// the width of the issue's scale (widths, indexed as the issues given to
// Bind; nil means 1): for "x >= c" and "x > c" it is (x−c)/w, for "<=" and
// "<" (c−x)/w, for "==" −|x−c|/w and for "!=" |x−c|/w. And takes the
// minimum when both sides are non-negative, else the sum of the negative
// ones (so that progress on either side counts, as a distance to holding
// would); or takes the maximum, not the negation. A side that is NaN gives
// −Inf.
//
// Margin ≥ 0 whenever the condition holds (> 0 when it holds through a
// strict comparison); a condition that does not hold has Margin ≤ 0.
func (b *BoundCondition) Margin(outcomes, widths []float64) float64 {
	return b.root.margin(outcomes, widths)
}

func (n *condNode) margin(outcomes, widths []float64) float64 {
	switch n.op {
	case "and":
		l, r := n.left.margin(outcomes, widths), n.right.margin(outcomes, widths)
		if l >= 0 && r >= 0 {
			return math.Min(l, r)
		}
		return math.Min(l, 0) + math.Min(r, 0)
	case "or":
		return math.Max(n.left.margin(outcomes, widths), n.right.margin(outcomes, widths))
	case "not":
		return -n.left.margin(outcomes, widths)
	}
	l, r, w := n.lnum, n.rnum, 1.0
	width := func(k int) float64 {
		if widths != nil && widths[k] > 0 {
			return widths[k]
		}
		return 1
	}
	if n.lk >= 0 && n.lid != "" {
		l = outcomes[n.lk]
		w = width(n.lk)
	}
	if n.rk >= 0 && n.rid != "" {
		r = outcomes[n.rk]
		w = math.Max(w, width(n.rk))
	}
	if math.IsNaN(l) || math.IsNaN(r) {
		return math.Inf(-1)
	}
	d := (l - r) / w
	switch n.op {
	case ">", ">=":
		return d
	case "<", "<=":
		return -d
	case "==":
		return -math.Abs(d)
	case "!=":
		return math.Abs(d)
	}
	return math.Inf(-1)
}
