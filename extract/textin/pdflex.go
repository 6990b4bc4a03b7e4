package textin

import (
	"strconv"
)

// PDF objects as the reader holds them.
type (
	pdfName   string
	pdfString string
	pdfDict   map[pdfName]any
	pdfArray  []any
	pdfRef    struct{ num, gen int }
	pdfOp     string // a keyword: an operator in content, or obj/endobj/R…
	pdfStream struct {
		dict pdfDict
		data []byte // raw, still encoded
	}
)

// A lexer reads PDF tokens from b starting at pos.
type lexer struct {
	b   []byte
	pos int
	// content is set for content streams, where "n g R" is not a
	// reference.
	content bool
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		if isSpace(c) {
			l.pos++
			continue
		}
		if c == '%' {
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
			continue
		}
		return
	}
}

// tokEOF is returned at the end of input; tokArrayEnd and tokDictEnd mark
// closing brackets.
var (
	tokEOF      = pdfOp("")
	tokArrayEnd = pdfOp("]")
	tokDictEnd  = pdfOp(">>")
	tokArrayBeg = pdfOp("[")
	tokDictBeg  = pdfOp("<<")
)

// token returns the next token: a number (int or float64), pdfName,
// pdfString, or pdfOp (keywords and brackets). bool and null are returned
// as their Go values.
func (l *lexer) token() any {
	l.skipSpace()
	if l.pos >= len(l.b) {
		return tokEOF
	}
	c := l.b[l.pos]
	switch c {
	case '[':
		l.pos++
		return tokArrayBeg
	case ']':
		l.pos++
		return tokArrayEnd
	case '{', '}':
		l.pos++
		return pdfOp(string(c))
	case '<':
		if l.pos+1 < len(l.b) && l.b[l.pos+1] == '<' {
			l.pos += 2
			return tokDictBeg
		}
		return l.hexString()
	case '>':
		if l.pos+1 < len(l.b) && l.b[l.pos+1] == '>' {
			l.pos += 2
			return tokDictEnd
		}
		l.pos++
		return pdfOp(">")
	case '(':
		return l.litString()
	case ')':
		l.pos++
		return pdfOp(")")
	case '/':
		return l.name()
	}
	start := l.pos
	for l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
		l.pos++
	}
	w := string(l.b[start:l.pos])
	if w == "" { // cannot happen: c is neither space nor delimiter
		l.pos++
		return pdfOp(string(c))
	}
	switch w {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	if c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9') {
		if n, err := strconv.Atoi(w); err == nil {
			return n
		}
		if f, err := strconv.ParseFloat(w, 64); err == nil {
			return f
		}
		// Malformed numbers such as "--5" or "1.2.3": read them as 0,
		// as viewers do.
		return 0
	}
	return pdfOp(w)
}

func (l *lexer) name() pdfName {
	l.pos++ // '/'
	var b []byte
	for l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
		c := l.b[l.pos]
		if c == '#' && l.pos+2 < len(l.b) {
			if h, ok := unhex(l.b[l.pos+1]); ok {
				if lo, ok := unhex(l.b[l.pos+2]); ok {
					b = append(b, h<<4|lo)
					l.pos += 3
					continue
				}
			}
		}
		b = append(b, c)
		l.pos++
	}
	return pdfName(b)
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func (l *lexer) hexString() pdfString {
	l.pos++ // '<'
	var b []byte
	var hi byte
	half := false
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		if c == '>' {
			break
		}
		v, ok := unhex(c)
		if !ok {
			continue
		}
		if half {
			b = append(b, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	if half {
		b = append(b, hi<<4)
	}
	return pdfString(b)
}

func (l *lexer) litString() pdfString {
	l.pos++ // '('
	var b []byte
	depth := 1
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return pdfString(b)
			}
		case '\\':
			if l.pos >= len(l.b) {
				return pdfString(b)
			}
			e := l.b[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.b) && l.b[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; k++ {
						v = v*8 + int(l.b[l.pos]-'0')
						l.pos++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		b = append(b, c)
	}
	return pdfString(b)
}

// maxNest bounds the nesting of arrays and dictionaries.
const maxNest = 64

// object reads one object; it turns "n g R" into a pdfRef. It returns
// an operator token as is (so callers can see keywords).
func (l *lexer) object(depth int) any {
	t := l.token()
	return l.finish(t, depth)
}

func (l *lexer) finish(t any, depth int) any {
	switch t := t.(type) {
	case pdfOp:
		switch t {
		case tokArrayBeg:
			var a pdfArray
			for {
				if depth > maxNest {
					l.skipTo(']')
					return a
				}
				v := l.token()
				if v == tokArrayEnd || v == tokEOF {
					return a
				}
				a = append(a, l.finish(v, depth+1))
			}
		case tokDictBeg:
			d := pdfDict{}
			for {
				k := l.token()
				if k == tokDictEnd || k == tokEOF {
					return d
				}
				name, ok := k.(pdfName)
				if !ok {
					continue // malformed: skip a stray token
				}
				if depth > maxNest {
					l.skipTo('>')
					return d
				}
				v := l.object(depth + 1)
				if v == tokDictEnd {
					d[name] = nil
					return d
				}
				d[name] = v
			}
		}
		return t
	case int:
		if l.content {
			return t
		}
		// Look ahead for "gen R".
		save := l.pos
		if g, ok := l.token().(int); ok {
			if op, ok := l.token().(pdfOp); ok && op == "R" {
				return pdfRef{t, g}
			}
		}
		l.pos = save
		return t
	}
	return t
}

// skipTo moves past the next occurrence of c (a crude recovery for
// absurdly nested input).
func (l *lexer) skipTo(c byte) {
	for l.pos < len(l.b) && l.b[l.pos] != c {
		l.pos++
	}
	if l.pos < len(l.b) {
		l.pos++
	}
}
