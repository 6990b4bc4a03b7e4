package textin

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf16"
)

// A pdfLine is one line of text on a page: its baseline, left edge, font
// size and text.
type pdfLine struct {
	x, y, size float64
	text       strings.Builder
}

type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

type gstate struct {
	ctm matrix
}

// textExtractor interprets the text operators of content streams.
type textExtractor struct {
	f     *pdfFile
	fonts map[*pdfDict]*pdfFont
	gs    gstate
	stack []gstate

	tm, tlm                   matrix
	font                      *pdfFont
	size, leading, tc, tw, tz float64
	lines                     []*pdfLine
	cur                       *pdfLine
	lastX, lastY, lastEndX    float64
	haveLast                  bool
	fontCache                 map[pdfRef]*pdfFont
	directFonts               map[string]*pdfFont
	ops                       int
	lastSize                  float64
}

// maxTokens bounds the content tokens read per file, forms included (a
// form may draw itself many times over).
const maxTokens = 20_000_000

func (ex *textExtractor) run(content []byte, res pdfDict, depth int) {
	if ex.directFonts == nil {
		ex.directFonts = map[string]*pdfFont{}
		ex.gs.ctm = identity
		ex.tm, ex.tlm = identity, identity
		ex.tz = 100
	}
	l := &lexer{b: content, content: true}
	var args []any
	for {
		if ex.f.tokens++; ex.f.tokens > maxTokens {
			return
		}
		t := l.token()
		if t == tokEOF {
			return
		}
		op, isOp := t.(pdfOp)
		if !isOp || op == tokArrayBeg || op == tokDictBeg {
			if len(args) < 64 {
				args = append(args, l.finish(t, 0))
			} else {
				l.finish(t, 0)
			}
			continue
		}
		ex.do(string(op), args, res, depth, l)
		args = args[:0]
	}
}

func num(v any) (float64, bool) {
	switch v := v.(type) {
	case int:
		return float64(v), true
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, false
		}
		return v, true
	}
	return 0, false
}

// nums returns the last n arguments as numbers.
func nums(args []any, n int) ([]float64, bool) {
	if len(args) < n {
		return nil, false
	}
	out := make([]float64, n)
	for i, a := range args[len(args)-n:] {
		x, ok := num(a)
		if !ok {
			return nil, false
		}
		out[i] = x
	}
	return out, true
}

func (ex *textExtractor) do(op string, args []any, res pdfDict, depth int, l *lexer) {
	switch op {
	case "q":
		if len(ex.stack) < 256 {
			ex.stack = append(ex.stack, ex.gs)
		}
	case "Q":
		if n := len(ex.stack); n > 0 {
			ex.gs = ex.stack[n-1]
			ex.stack = ex.stack[:n-1]
		}
	case "cm":
		if v, ok := nums(args, 6); ok {
			ex.gs.ctm = matrix{v[0], v[1], v[2], v[3], v[4], v[5]}.mul(ex.gs.ctm)
		}
	case "BT":
		ex.tm, ex.tlm = identity, identity
	case "Tf":
		if len(args) >= 2 {
			if name, ok := args[len(args)-2].(pdfName); ok {
				ex.font = ex.loadFont(res, name)
			}
			if s, ok := num(args[len(args)-1]); ok {
				ex.size = s
			}
		}
	case "Tc":
		if v, ok := nums(args, 1); ok {
			ex.tc = v[0]
		}
	case "Tw":
		if v, ok := nums(args, 1); ok {
			ex.tw = v[0]
		}
	case "Tz":
		if v, ok := nums(args, 1); ok {
			ex.tz = v[0]
		}
	case "TL":
		if v, ok := nums(args, 1); ok {
			ex.leading = v[0]
		}
	case "Td", "TD":
		if v, ok := nums(args, 2); ok {
			if op == "TD" {
				ex.leading = -v[1]
			}
			ex.tlm = matrix{1, 0, 0, 1, v[0], v[1]}.mul(ex.tlm)
			ex.tm = ex.tlm
		}
	case "Tm":
		if v, ok := nums(args, 6); ok {
			ex.tlm = matrix{v[0], v[1], v[2], v[3], v[4], v[5]}
			ex.tm = ex.tlm
		}
	case "T*":
		ex.nextLine()
	case "Tj":
		if len(args) > 0 {
			if s, ok := args[len(args)-1].(pdfString); ok {
				ex.show(s)
			}
		}
	case "'":
		ex.nextLine()
		if len(args) > 0 {
			if s, ok := args[len(args)-1].(pdfString); ok {
				ex.show(s)
			}
		}
	case "\"":
		if len(args) >= 3 {
			if v, ok := num(args[len(args)-3]); ok {
				ex.tw = v
			}
			if v, ok := num(args[len(args)-2]); ok {
				ex.tc = v
			}
		}
		ex.nextLine()
		if len(args) > 0 {
			if s, ok := args[len(args)-1].(pdfString); ok {
				ex.show(s)
			}
		}
	case "TJ":
		if len(args) == 0 {
			return
		}
		a, _ := args[len(args)-1].(pdfArray)
		for _, x := range a {
			switch x := x.(type) {
			case pdfString:
				ex.show(x)
			default:
				if k, ok := num(x); ok {
					// A negative adjustment moves right; a large one is
					// a word space.
					ex.advance(-k / 1000 * ex.size * ex.tz / 100)
				}
			}
		}
	case "Do":
		if depth >= maxFormDepth || len(args) == 0 {
			return
		}
		name, ok := args[len(args)-1].(pdfName)
		if !ok {
			return
		}
		xo := ex.f.dict(res["XObject"])
		s, ok := ex.f.resolve(xo[name]).(pdfStream)
		if !ok || s.dict["Subtype"] != pdfName("Form") {
			return
		}
		data, err := ex.f.decode(s)
		if err != nil {
			return
		}
		fres := ex.f.dict(s.dict["Resources"])
		if fres == nil {
			fres = res
		}
		saveGS, saveTM, saveTLM := ex.gs, ex.tm, ex.tlm
		if m, ok := ex.f.resolve(s.dict["Matrix"]).(pdfArray); ok {
			if v, ok := nums(m, 6); ok && len(m) == 6 {
				ex.gs.ctm = matrix{v[0], v[1], v[2], v[3], v[4], v[5]}.mul(ex.gs.ctm)
			}
		}
		ex.run(data, fres, depth+1)
		ex.gs, ex.tm, ex.tlm = saveGS, saveTM, saveTLM
	case "ID":
		// Inline image data: skip to the "EI" that ends it.
		for l.pos+2 <= len(l.b) {
			if l.b[l.pos] == 'E' && l.b[l.pos+1] == 'I' && (l.pos == 0 || isSpace(l.b[l.pos-1])) &&
				(l.pos+2 == len(l.b) || isSpace(l.b[l.pos+2])) {
				l.pos += 2
				return
			}
			l.pos++
		}
		l.pos = len(l.b)
	}
}

func (ex *textExtractor) nextLine() {
	ex.tlm = matrix{1, 0, 0, 1, 0, -ex.leading}.mul(ex.tlm)
	ex.tm = ex.tlm
}

// advance moves the text position right by tx text-space units.
func (ex *textExtractor) advance(tx float64) {
	ex.tm = matrix{1, 0, 0, 1, tx, 0}.mul(ex.tm)
}

// show decodes and places a string.
func (ex *textExtractor) show(s pdfString) {
	font := ex.font
	if font == nil {
		font = defaultFont
	}
	trm := ex.tm.mul(ex.gs.ctm)
	x, y := trm[4], trm[5]
	scale := math.Hypot(trm[2], trm[3]) // vertical scale of text space
	size := math.Abs(ex.size * scale)
	if size < 0.1 {
		size = math.Abs(ex.size)
	}
	if size < 0.1 {
		size = 1
	}
	ex.place(x, y, size)
	for _, g := range font.decode(string(s)) {
		ex.cur.text.WriteString(g.text)
		w := g.width/1000*ex.size + ex.tc
		if g.space {
			w += ex.tw
		}
		ex.advance(w * ex.tz / 100)
	}
	end := ex.tm.mul(ex.gs.ctm)
	ex.lastEndX, ex.lastY = end[4], end[5]
	ex.lastSize = size
	ex.haveLast = true
}

// place starts a new line or inserts a space before text shown at (x, y).
func (ex *textExtractor) place(x, y, size float64) {
	if ex.cur == nil || !ex.haveLast || math.Abs(y-ex.lastY) > 0.5*math.Max(size, ex.lastSize) {
		ex.cur = &pdfLine{x: x, y: y, size: size}
		ex.lines = append(ex.lines, ex.cur)
		return
	}
	gap := x - ex.lastEndX
	t := ex.cur.text.String()
	if gap > 0.15*size && t != "" && !strings.HasSuffix(t, " ") {
		ex.cur.text.WriteByte(' ')
	} else if gap < -2*size && t != "" && !strings.HasSuffix(t, " ") {
		// Jumped back on the same baseline: another column or a
		// re-positioned run; keep words apart.
		ex.cur.text.WriteByte(' ')
	}
}

func (ex *textExtractor) finish() []*pdfLine {
	var out []*pdfLine
	for _, l := range ex.lines {
		if strings.TrimSpace(l.text.String()) != "" {
			out = append(out, l)
		}
	}
	return out
}

// appendPage adds a page's lines to paras, grouping lines into
// paragraphs: a gap between baselines clearly wider than the page's usual
// line spacing, a move up the page, or an indented first line starts a new
// paragraph. A page's first line continues the previous page's last
// paragraph when that did not end a sentence.
func appendPage(paras []string, lines []*pdfLine) []string {
	if len(lines) == 0 {
		return paras
	}
	// The usual line spacing is the most common gap between baselines
	// among those no wider than 1.6 font sizes (wider gaps are paragraph
	// or section breaks); without any, the median gap.
	var gaps, lineGaps, lefts []float64
	for i, l := range lines {
		lefts = append(lefts, l.x)
		if i > 0 {
			if g := lines[i-1].y - l.y; g > 0 {
				gaps = append(gaps, g)
				if g <= 1.6*l.size {
					lineGaps = append(lineGaps, g)
				}
			}
		}
	}
	usual := median(gaps)
	if len(lineGaps) > 0 {
		usual = mode(lineGaps)
	}
	left := mode(lefts)
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			paras = append(paras, strings.Join(cur, "\n"))
			cur = nil
		}
	}
	for i, l := range lines {
		t := strings.TrimSpace(l.text.String())
		if i == 0 {
			if n := len(paras); n > 0 && !endsSentence(paras[n-1]) && l.x <= left+0.5*l.size {
				cur = []string{paras[n-1]}
				paras = paras[:n-1]
			}
		} else {
			g := lines[i-1].y - l.y
			indented := l.x > left+0.8*l.size && lines[i-1].x <= left+0.5*l.size
			if g <= 0 || (usual > 0 && g > 1.35*usual) || indented || g > 2.5*l.size {
				flush()
			}
		}
		cur = append(cur, t)
	}
	flush()
	return paras
}

func endsSentence(s string) bool {
	s = strings.TrimRight(s, " ”’\"')]")
	return strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, ":")
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// mode returns the most common value of xs rounded to a point, the
// left margin of a page's text.
func mode(xs []float64) float64 {
	count := map[float64]int{}
	best, bestN := 0.0, 0
	for _, x := range xs {
		r := math.Round(x)
		count[r]++
		if c := count[r]; c > bestN || (c == bestN && r < best) {
			best, bestN = r, c
		}
	}
	return best
}

// decodeTextString decodes a PDF text string (UTF-16BE with a BOM, UTF-8
// with a BOM, else PDFDocEncoding, read here as Latin-1).
func decodeTextString(s pdfString) string {
	b := []byte(s)
	switch {
	case len(b) >= 2 && b[0] == 0xfe && b[1] == 0xff:
		b = b[2:]
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		}
		return string(utf16.Decode(u))
	case len(b) >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf:
		return strings.ToValidUTF8(string(b[3:]), "\uFFFD")
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = winAnsi[c]
		if r[i] == 0 {
			r[i] = rune(c)
		}
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, string(r))
}
