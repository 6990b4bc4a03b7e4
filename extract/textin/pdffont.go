package textin

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// A pdfFont turns the bytes of a shown string into text and widths.
type pdfFont struct {
	codeLen  int       // bytes per code: 1 for simple fonts, 2 for most CID fonts
	toUni    *cmap     // from the ToUnicode CMap
	enc      [256]rune // simple fonts: code to rune (0 = none)
	widths   *widthMap
	defWidth float64
	cid      bool
}

type glyph struct {
	text  string
	width float64 // in thousandths of the font size
	space bool    // a single-byte code 32, to which word spacing applies
}

var defaultFont = func() *pdfFont {
	f := &pdfFont{codeLen: 1, defWidth: 500}
	f.enc = winAnsi
	return f
}()

// maxCMap bounds the entries read from one ToUnicode CMap.
const maxCMap = 1 << 17

func (f *pdfFont) decode(s string) []glyph {
	b := []byte(s)
	out := make([]glyph, 0, len(b)/f.codeLen+1)
	for i := 0; i < len(b); {
		n := f.codeLen
		if i+n > len(b) {
			n = len(b) - i
		}
		var code uint32
		for _, c := range b[i : i+n] {
			code = code<<8 | uint32(c)
		}
		i += n
		g := glyph{width: f.defWidth}
		if w, ok := f.widths.lookup(code); ok {
			g.width = w
		}
		if t, ok := f.toUni.lookup(code); ok {
			g.text = t
		} else if !f.cid && code < 256 && f.enc[code] != 0 {
			g.text = string(f.enc[code])
		} else if f.cid {
			g.text = "\uFFFD"
		}
		g.space = n == 1 && code == 32
		// Control characters never belong in the text.
		g.text = strings.Map(func(r rune) rune {
			if r < 0x20 || (r >= 0x7f && r < 0xa0) {
				if r == '\t' || r == '\n' || r == '\r' {
					return ' '
				}
				return -1
			}
			return r
		}, g.text)
		out = append(out, g)
	}
	return out
}

// loadFont builds (and caches) the font called name in res.
func (ex *textExtractor) loadFont(res pdfDict, name pdfName) *pdfFont {
	fonts := ex.f.dict(res["Font"])
	v := fonts[name]
	if r, ok := v.(pdfRef); ok {
		if f, ok := ex.f.fonts[r]; ok {
			return f
		}
		f := ex.f.buildFont(ex.f.dict(r))
		ex.f.fonts[r] = f
		return f
	}
	if f, ok := ex.directFonts[string(name)]; ok {
		return f
	}
	f := ex.f.buildFont(ex.f.dict(v))
	ex.directFonts[string(name)] = f
	return f
}

func (f *pdfFile) buildFont(d pdfDict) *pdfFont {
	font := &pdfFont{codeLen: 1, defWidth: 500}
	if d == nil {
		font.enc = winAnsi
		return font
	}
	sub, _ := f.resolve(d["Subtype"]).(pdfName)
	if sub == "Type0" {
		font.cid = true
		font.codeLen = 2
		font.defWidth = 1000
		if desc, ok := f.resolve(d["DescendantFonts"]).(pdfArray); ok && len(desc) > 0 {
			dd := f.dict(desc[0])
			if dw, ok := num(f.resolve(dd["DW"])); ok {
				font.defWidth = dw
			}
			font.widths = f.cidWidths(f.resolve(dd["W"]))
		}
		if enc, ok := f.resolve(d["Encoding"]).(pdfName); ok && !strings.HasPrefix(string(enc), "Identity") {
			// Predefined CJK CMaps are not read; codes are treated as
			// two bytes, which is right for most of them.
			_ = enc
		}
	} else {
		base := winAnsi
		if sub == "Type1" || sub == "MMType1" {
			base = standard
		}
		switch e := f.resolve(d["Encoding"]).(type) {
		case pdfName:
			base = namedEncoding(e, base)
		case pdfDict:
			if b, ok := f.resolve(e["BaseEncoding"]).(pdfName); ok {
				base = namedEncoding(b, base)
			}
			if diffs, ok := f.resolve(e["Differences"]).(pdfArray); ok {
				code := -1
				for _, x := range diffs {
					switch x := f.resolve(x).(type) {
					case int:
						code = x
					case pdfName:
						if code >= 0 && code < 256 {
							if r := glyphRune(string(x)); r != 0 {
								base[code] = r
							}
						}
						code++
					}
				}
			}
		}
		font.enc = base
		if fc, ok := f.resolve(d["FirstChar"]).(int); ok {
			if ws, ok := f.resolve(d["Widths"]).(pdfArray); ok && fc >= 0 && fc < 1<<16 {
				font.widths = &widthMap{one: map[uint32]float64{}}
				for i, w := range ws {
					if x, ok := num(f.resolve(w)); ok && i < 1<<16 {
						font.widths.one[uint32(fc+i)] = x
					}
				}
			}
		}
	}
	if s, ok := f.resolve(d["ToUnicode"]).(pdfStream); ok {
		if data, err := f.decode(s); err == nil {
			m, n := parseCMap(data)
			font.toUni = m
			if n > 0 {
				font.codeLen = n
			}
		}
	}
	return font
}

func namedEncoding(n pdfName, def [256]rune) [256]rune {
	switch n {
	case "WinAnsiEncoding":
		return winAnsi
	case "MacRomanEncoding":
		return macRoman
	case "StandardEncoding":
		return standard
	}
	return def
}

// A widthMap holds glyph widths: single codes, and ranges sharing one
// width (kept as ranges so that a huge range costs nothing).
type widthMap struct {
	one    map[uint32]float64
	ranges []widthRange
}

type widthRange struct {
	lo, hi uint32
	w      float64
}

func (m *widthMap) lookup(c uint32) (float64, bool) {
	if m == nil {
		return 0, false
	}
	if w, ok := m.one[c]; ok {
		return w, true
	}
	for i := len(m.ranges) - 1; i >= 0; i-- {
		if r := m.ranges[i]; c >= r.lo && c <= r.hi {
			return r.w, true
		}
	}
	return 0, false
}

// cidWidths reads a CIDFont's /W array: "c [w1 w2 …]" and "c1 c2 w".
func (f *pdfFile) cidWidths(v any) *widthMap {
	a, ok := v.(pdfArray)
	if !ok {
		return nil
	}
	out := &widthMap{one: map[uint32]float64{}}
	for i := 0; i < len(a) && len(out.ranges) < maxCMap; {
		c, ok := f.resolve(a[i]).(int)
		if !ok || c < 0 || i+1 >= len(a) {
			break
		}
		switch next := f.resolve(a[i+1]).(type) {
		case pdfArray:
			for j, w := range next {
				if x, ok := num(f.resolve(w)); ok {
					out.one[uint32(c+j)] = x
				}
			}
			i += 2
		default:
			c2, ok1 := next.(int)
			if i+2 >= len(a) || !ok1 || c2 < c {
				return out
			}
			w, ok2 := num(f.resolve(a[i+2]))
			if !ok2 {
				return out
			}
			out.ranges = append(out.ranges, widthRange{uint32(c), uint32(c2), w})
			i += 3
		}
	}
	return out
}

// A cmap maps character codes to text: single codes (bfchar) and ranges
// (bfrange), the latter kept as ranges.
type cmap struct {
	one    map[uint32]string
	ranges []cmapRange
}

type cmapRange struct {
	lo, hi uint32
	dst    []byte   // first destination; later codes add to its last unit
	arr    []string // or one destination per code
}

func (m *cmap) lookup(c uint32) (string, bool) {
	if m == nil {
		return "", false
	}
	if s, ok := m.one[c]; ok {
		return s, true
	}
	for i := len(m.ranges) - 1; i >= 0; i-- {
		r := m.ranges[i]
		if c < r.lo || c > r.hi {
			continue
		}
		off := c - r.lo
		if r.arr != nil {
			if int(off) < len(r.arr) {
				return r.arr[off], true
			}
			return "", false
		}
		d := append([]byte(nil), r.dst...)
		switch {
		case len(d) >= 2:
			// Add off to the last UTF-16 unit, as writers expect.
			u := uint32(d[len(d)-2])<<8 | uint32(d[len(d)-1])
			u += off
			d[len(d)-2], d[len(d)-1] = byte(u>>8), byte(u)
		case len(d) == 1:
			d[0] += byte(off)
		}
		return utf16BE(pdfString(d)), true
	}
	return "", false
}

// parseCMap reads the bfchar and bfrange mappings of a ToUnicode CMap and
// the code length its codespace ranges give (0 if none).
func parseCMap(data []byte) (*cmap, int) {
	m := &cmap{one: map[uint32]string{}}
	codeLen := 0
	entries := 0
	l := &lexer{b: data, content: true}
	var prev []any
	mode := ""
	for entries < maxCMap {
		t := l.token()
		if t == tokEOF {
			break
		}
		if op, ok := t.(pdfOp); ok && op != tokArrayBeg && op != tokDictBeg {
			switch op {
			case "begincodespacerange", "beginbfchar", "beginbfrange":
				mode = string(op)
			case "endcodespacerange", "endbfchar", "endbfrange":
				mode = ""
			}
			prev = prev[:0]
			continue
		}
		v := l.finish(t, 0)
		if mode == "" {
			continue
		}
		prev = append(prev, v)
		switch mode {
		case "begincodespacerange":
			if len(prev) == 2 {
				if lo, ok := prev[0].(pdfString); ok && len(lo) > codeLen && len(lo) <= 4 {
					codeLen = len(lo)
				}
				prev = prev[:0]
			}
		case "beginbfchar":
			if len(prev) == 2 {
				src, ok1 := prev[0].(pdfString)
				dst, ok2 := prev[1].(pdfString)
				if ok1 && ok2 && len(src) <= 4 {
					m.one[codeOf(src)] = utf16BE(dst)
					entries++
				}
				prev = prev[:0]
			}
		case "beginbfrange":
			if len(prev) == 3 {
				lo, ok1 := prev[0].(pdfString)
				hi, ok2 := prev[1].(pdfString)
				if ok1 && ok2 && len(lo) <= 4 && len(hi) <= 4 && codeOf(lo) <= codeOf(hi) {
					r := cmapRange{lo: codeOf(lo), hi: codeOf(hi)}
					switch dst := prev[2].(type) {
					case pdfString:
						r.dst = []byte(dst)
					case pdfArray:
						r.arr = []string{}
						for _, x := range dst {
							s, _ := x.(pdfString)
							r.arr = append(r.arr, utf16BE(s))
						}
					}
					m.ranges = append(m.ranges, r)
					entries++
				}
				prev = prev[:0]
			}
		}
	}
	return m, codeLen
}

func codeOf(s pdfString) uint32 {
	var c uint32
	for i := 0; i < len(s); i++ {
		c = c<<8 | uint32(s[i])
	}
	return c
}

func utf16BE(s pdfString) string {
	b := []byte(s)
	if len(b)%2 == 1 {
		b = append(b, 0)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return strings.ToValidUTF8(string(utf16.Decode(u)), "\uFFFD")
}

// Encodings of simple fonts.
var winAnsi, standard, macRoman [256]rune

func init() {
	for i := 32; i < 256; i++ {
		winAnsi[i] = rune(i)
	}
	winAnsi[127] = 0
	for i, r := range []rune("€\x00‚ƒ„…†‡ˆ‰Š‹Œ\x00Ž\x00\x00‘’“”•–—˜™š›œ\x00žŸ") {
		winAnsi[0x80+i] = r
	}
	winAnsi[0xA0] = ' '
	winAnsi[0xAD] = '-'

	for i := 32; i < 127; i++ {
		standard[i] = rune(i)
	}
	standard['\''] = '’'
	standard['`'] = '‘'
	for code, r := range map[int]rune{
		0xA1: '¡', 0xA2: '¢', 0xA3: '£', 0xA4: '⁄', 0xA5: '¥', 0xA6: 'ƒ', 0xA7: '§', 0xA8: '¤',
		0xA9: '\'', 0xAA: '“', 0xAB: '«', 0xAC: '‹', 0xAD: '›', 0xAE: 'ﬁ', 0xAF: 'ﬂ',
		0xB1: '–', 0xB2: '†', 0xB3: '‡', 0xB4: '·', 0xB6: '¶', 0xB7: '•', 0xB8: '‚', 0xB9: '„',
		0xBA: '”', 0xBB: '»', 0xBC: '…', 0xBD: '‰', 0xBF: '¿', 0xC1: '`', 0xC2: '´', 0xC3: 'ˆ',
		0xC4: '˜', 0xC5: '¯', 0xC6: '˘', 0xC7: '˙', 0xC8: '¨', 0xCA: '˚', 0xCB: '¸', 0xCD: '˝',
		0xCE: '˛', 0xCF: 'ˇ', 0xD0: '—', 0xE1: 'Æ', 0xE3: 'ª', 0xE8: 'Ł', 0xE9: 'Ø', 0xEA: 'Œ',
		0xEB: 'º', 0xF1: 'æ', 0xF5: 'ı', 0xF8: 'ł', 0xF9: 'ø', 0xFA: 'œ', 0xFB: 'ß',
	} {
		standard[code] = r
	}

	for i := 32; i < 127; i++ {
		macRoman[i] = rune(i)
	}
	for i, r := range []rune(macRomanHigh) {
		macRoman[0x80+i] = r
	}
	fields := strings.Fields(latinNames)
	for i := 0; i+1 < len(fields); i += 2 {
		r, _ := utf8.DecodeRuneInString(fields[i+1])
		glyphNames[fields[i]] = r
	}
}

const macRomanHigh = "ÄÅÇÉÑÖÜáàâäãåçéè" + "êëíìîïñóòôöõúùûü" + "†°¢£§•¶ß®©™´¨≠ÆØ" + "∞±≤≥¥µ∂∑∏π∫ªºΩæø" +
	"¿¡¬√ƒ≈∆«»…\u00a0ÀÃÕŒœ" + "–—“”‘’÷◊ÿŸ⁄€‹›ﬁﬂ" + "‡·‚„‰ÂÊÁËÈÍÎÏÌÓÔ" + "\uf8ffÒÚÛÙıˆ˜¯˘˙˚¸˝˛ˇ"

// glyphNames maps the glyph names that Differences arrays use to runes.
var glyphNames = map[string]rune{
	"space": ' ', "exclam": '!', "quotedbl": '"', "numbersign": '#', "dollar": '$', "percent": '%',
	"ampersand": '&', "quotesingle": '\'', "parenleft": '(', "parenright": ')', "asterisk": '*',
	"plus": '+', "comma": ',', "hyphen": '-', "period": '.', "slash": '/', "zero": '0', "one": '1',
	"two": '2', "three": '3', "four": '4', "five": '5', "six": '6', "seven": '7', "eight": '8',
	"nine": '9', "colon": ':', "semicolon": ';', "less": '<', "equal": '=', "greater": '>',
	"question": '?', "at": '@', "bracketleft": '[', "backslash": '\\', "bracketright": ']',
	"asciicircum": '^', "underscore": '_', "grave": '`', "braceleft": '{', "bar": '|',
	"braceright": '}', "asciitilde": '~', "quoteleft": '‘', "quoteright": '’', "quotedblleft": '“',
	"quotedblright": '”', "quotesinglbase": '‚', "quotedblbase": '„', "endash": '–', "emdash": '—',
	"bullet": '•', "ellipsis": '…', "dagger": '†', "daggerdbl": '‡', "perthousand": '‰',
	"guilsinglleft": '‹', "guilsinglright": '›', "guillemotleft": '«', "guillemotright": '»',
	"fi": 'ﬁ', "fl": 'ﬂ', "ff": 'ﬀ', "ffi": 'ﬃ', "ffl": 'ﬄ', "trademark": '™', "copyright": '©',
	"registered": '®', "degree": '°', "section": '§', "paragraph": '¶', "nbspace": ' ',
	"nonbreakingspace": ' ', "minus": '−', "periodcentered": '·', "euro": '€', "sterling": '£',
	"yen": '¥', "cent": '¢', "florin": 'ƒ', "dotlessi": 'ı', "germandbls": 'ß', "exclamdown": '¡',
	"questiondown": '¿', "multiply": '×', "divide": '÷', "plusminus": '±', "mu": 'µ',
	"ordfeminine": 'ª', "ordmasculine": 'º', "sfthyphen": '-', "softhyphen": '-',
}

const latinNames = `Agrave À Aacute Á Acircumflex Â Atilde Ã Adieresis Ä Aring Å AE Æ Ccedilla Ç
Egrave È Eacute É Ecircumflex Ê Edieresis Ë Igrave Ì Iacute Í Icircumflex Î Idieresis Ï Eth Ð
Ntilde Ñ Ograve Ò Oacute Ó Ocircumflex Ô Otilde Õ Odieresis Ö Oslash Ø Ugrave Ù Uacute Ú
Ucircumflex Û Udieresis Ü Yacute Ý Thorn Þ agrave à aacute á acircumflex â atilde ã adieresis ä
aring å ae æ ccedilla ç egrave è eacute é ecircumflex ê edieresis ë igrave ì iacute í
icircumflex î idieresis ï eth ð ntilde ñ ograve ò oacute ó ocircumflex ô otilde õ odieresis ö
oslash ø ugrave ù uacute ú ucircumflex û udieresis ü yacute ý thorn þ ydieresis ÿ OE Œ oe œ
Scaron Š scaron š Zcaron Ž zcaron ž Ydieresis Ÿ Lslash Ł lslash ł`

// glyphRune maps a glyph name to its rune: the names above, single
// letters, uniXXXX and uXXXX[XX]; a suffix after a dot (a.sc) is ignored.
func glyphRune(name string) rune {
	if i := strings.IndexByte(name, '.'); i > 0 {
		name = name[:i]
	}
	if r, ok := glyphNames[name]; ok {
		return r
	}
	if len(name) == 1 {
		c := name[0]
		if (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') {
			return rune(c)
		}
	}
	hex := ""
	switch {
	case strings.HasPrefix(name, "uni") && len(name) >= 7:
		hex = name[3:7]
	case strings.HasPrefix(name, "u") && len(name) >= 5 && len(name) <= 7:
		hex = name[1:]
	}
	if hex != "" {
		if v, err := strconv.ParseUint(hex, 16, 32); err == nil && utf8.ValidRune(rune(v)) {
			return rune(v)
		}
	}
	return 0
}
