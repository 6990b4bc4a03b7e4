package textin

import (
	"bytes"
	"compress/zlib"
	"io"
	"sort"
	"strings"

	"github.com/parley-forecast/parley"
)

// pdfFile is a parsed PDF: its objects by number.
type pdfFile struct {
	name    string
	objs    map[int]any
	budget  int // bytes of decoded stream data still allowed
	errs    []string
	objStms int
	tokens  int
	fonts   map[pdfRef]*pdfFont
}

// Limits that keep a hostile file from using unbounded memory or time.
const (
	maxDecoded   = 256 << 20 // decoded stream bytes per file
	maxPages     = 10000
	maxFormDepth = 8
	maxObjStms   = 10000
)

// objHeaders finds every "num gen obj" in data and returns, for each, the
// object number and the offset just after "obj".
func objHeaders(data []byte) (nums, ends []int) {
	for off := 0; ; {
		i := bytes.Index(data[off:], []byte("obj"))
		if i < 0 {
			return
		}
		at := off + i
		off = at + 3
		if off < len(data) && !isSpace(data[off]) && !isDelim(data[off]) {
			continue // "objects", "endobj" is excluded below
		}
		p := at
		skip := func() int {
			n := 0
			for p > 0 && isSpace(data[p-1]) {
				p--
				n++
			}
			return n
		}
		digits := func() (int, bool) {
			end := p
			for p > 0 && data[p-1] >= '0' && data[p-1] <= '9' && end-p < 10 {
				p--
			}
			if p == end {
				return 0, false
			}
			return atoi(data[p:end]), true
		}
		if skip() == 0 {
			continue
		}
		if _, ok := digits(); !ok || skip() == 0 {
			continue
		}
		num, ok := digits()
		if !ok || num < 0 || (p > 0 && !isSpace(data[p-1]) && !isDelim(data[p-1])) {
			continue
		}
		nums = append(nums, num)
		ends = append(ends, off)
	}
}

func readPDF(name string, data []byte) (*Doc, error) {
	if !bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
		return nil, parley.Errorf(parley.EINVALID, "%s: not a PDF (no %%PDF- header)", name)
	}
	f := &pdfFile{name: name, objs: map[int]any{}, budget: maxDecoded, fonts: map[pdfRef]*pdfFont{}}
	f.parseObjects(data)
	if len(f.objs) == 0 {
		return nil, parley.Errorf(parley.EINVALID, "%s: no PDF objects found; the file is damaged or truncated", name)
	}
	if f.encrypted(data) {
		return nil, parley.Errorf(parley.EINVALID, "%s: the PDF is encrypted; Parley reads only unencrypted PDFs (save an unprotected copy or export its text)", name)
	}
	pages := f.pages()
	if len(pages) == 0 {
		return nil, parley.Errorf(parley.EINVALID, "%s: the PDF has no pages that Parley can find", name)
	}
	var paras []string
	for _, p := range pages {
		ex := &textExtractor{f: f}
		ex.run(f.contents(p.dict), p.resources, 0)
		paras = appendPage(paras, ex.finish())
	}
	text := strings.Join(paras, "\n\n")
	if strings.TrimSpace(text) == "" {
		msg := "no text in the PDF's pages: it may be scanned (images need OCR, which Parley does not do)"
		if len(f.errs) > 0 {
			msg += "; also: " + strings.Join(uniq(f.errs), "; ")
		}
		return nil, parley.Errorf(parley.EINVALID, "%s: %s", name, msg)
	}
	if bad := strings.Count(text, "\uFFFD"); bad*4 > len([]rune(text)) {
		return nil, parley.Errorf(parley.EINVALID, "%s: most of the PDF's text uses fonts without a Unicode map (%d unreadable characters); export the text with another tool", name, bad)
	}
	title := ""
	if info := f.info(); info != nil {
		if t, ok := f.resolve(info["Title"]).(pdfString); ok {
			title = parley.NormalizeSpace(decodeTextString(t))
		}
	}
	return &Doc{Title: title, Text: text}, nil
}

func uniq(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

// parseObjects finds every "n g obj" in data and parses the object after
// it, then expands object streams. Later definitions win, as in an
// incrementally updated file.
func (f *pdfFile) parseObjects(data []byte) {
	nums, ends := objHeaders(data)
	for k, num := range nums {
		l := &lexer{b: data, pos: ends[k]}
		v := l.object(0)
		if d, ok := v.(pdfDict); ok {
			save := l.pos
			if op, ok := l.token().(pdfOp); ok && op == "stream" {
				v = pdfStream{dict: d, data: streamData(data, l.pos, d)}
			} else {
				l.pos = save
			}
		}
		f.objs[num] = v
	}
	var stms []int
	for num, v := range f.objs {
		if s, ok := v.(pdfStream); ok && s.dict["Type"] == pdfName("ObjStm") {
			stms = append(stms, num)
		}
	}
	sort.Ints(stms)
	for _, num := range stms {
		if f.objStms++; f.objStms > maxObjStms {
			break
		}
		f.expandObjStm(f.objs[num].(pdfStream))
	}
}

func atoi(b []byte) int {
	n := 0
	for _, c := range b {
		n = n*10 + int(c-'0')
		if n > 1<<30 {
			return -1
		}
	}
	return n
}

// streamData returns the raw bytes of a stream whose keyword "stream"
// ends at pos: /Length bytes when that is consistent, else up to the next
// "endstream".
func streamData(data []byte, pos int, d pdfDict) []byte {
	if pos < len(data) && data[pos] == '\r' {
		pos++
	}
	if pos < len(data) && data[pos] == '\n' {
		pos++
	}
	if n, ok := d["Length"].(int); ok && n >= 0 && pos+n <= len(data) {
		rest := bytes.TrimLeft(data[pos+n:min(len(data), pos+n+32)], " \r\n\t\f\x00")
		if bytes.HasPrefix(rest, []byte("endstream")) {
			return data[pos : pos+n]
		}
	}
	end := bytes.Index(data[pos:], []byte("endstream"))
	if end < 0 {
		return data[pos:]
	}
	raw := data[pos : pos+end]
	raw = bytes.TrimSuffix(raw, []byte("\n"))
	raw = bytes.TrimSuffix(raw, []byte("\r"))
	return raw
}

func (f *pdfFile) expandObjStm(s pdfStream) {
	data, err := f.decode(s)
	if err != nil {
		return
	}
	n, _ := s.dict["N"].(int)
	first, _ := s.dict["First"].(int)
	if n <= 0 || first < 0 || first > len(data) || n > len(data) {
		return
	}
	l := &lexer{b: data[:first]}
	for i := 0; i < n; i++ {
		num, ok1 := l.token().(int)
		off, ok2 := l.token().(int)
		if !ok1 || !ok2 || off < 0 || first+off > len(data) {
			return
		}
		if _, exists := f.objs[num]; exists {
			continue
		}
		ol := &lexer{b: data, pos: first + off}
		f.objs[num] = ol.object(0)
	}
}

// resolve follows references (a bounded number of times).
func (f *pdfFile) resolve(v any) any {
	for i := 0; i < 32; i++ {
		r, ok := v.(pdfRef)
		if !ok {
			return v
		}
		v = f.objs[r.num]
	}
	return nil
}

func (f *pdfFile) dict(v any) pdfDict {
	switch v := f.resolve(v).(type) {
	case pdfDict:
		return v
	case pdfStream:
		return v.dict
	}
	return nil
}

// trailers returns the trailer dictionaries and cross-reference streams.
func (f *pdfFile) trailers(data []byte) []pdfDict {
	var out []pdfDict
	for off := 0; ; {
		i := bytes.Index(data[off:], []byte("trailer"))
		if i < 0 {
			break
		}
		l := &lexer{b: data, pos: off + i + len("trailer")}
		if d, ok := l.object(0).(pdfDict); ok {
			out = append(out, d)
		}
		off += i + len("trailer")
	}
	nums := make([]int, 0, len(f.objs))
	for n := range f.objs {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	for _, n := range nums {
		if s, ok := f.objs[n].(pdfStream); ok && s.dict["Type"] == pdfName("XRef") {
			out = append(out, s.dict)
		}
	}
	return out
}

func (f *pdfFile) encrypted(data []byte) bool {
	for _, t := range f.trailers(data) {
		if e, ok := t["Encrypt"]; ok && e != nil {
			return true
		}
	}
	return false
}

func (f *pdfFile) info() pdfDict {
	// The Info dictionary is named by the trailer; find it through any
	// object that holds /Title and /Producer or /Creator, which is what
	// Info dictionaries look like, preferring the lowest number.
	nums := make([]int, 0, len(f.objs))
	for n := range f.objs {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	for _, n := range nums {
		d, ok := f.objs[n].(pdfDict)
		if !ok || d["Type"] != nil {
			continue
		}
		if _, ok := d["Title"]; !ok {
			continue
		}
		_, p := d["Producer"]
		_, c := d["Creator"]
		_, cd := d["CreationDate"]
		if p || c || cd {
			return d
		}
	}
	return nil
}

type pdfPage struct {
	dict      pdfDict
	resources pdfDict
}

// pages lists the pages in order, walking the page tree from the
// catalogue; without a usable tree it takes every /Type /Page object in
// object-number order.
func (f *pdfFile) pages() []pdfPage {
	nums := make([]int, 0, len(f.objs))
	for n := range f.objs {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	var out []pdfPage
	visited := map[int]bool{}
	var walk func(v any, res pdfDict, depth int)
	walk = func(v any, res pdfDict, depth int) {
		if depth > 64 || len(out) >= maxPages {
			return
		}
		if r, ok := v.(pdfRef); ok {
			if visited[r.num] {
				return
			}
			visited[r.num] = true
		}
		d := f.dict(v)
		if d == nil {
			return
		}
		if r := f.dict(d["Resources"]); r != nil {
			res = r
		}
		kids, isTree := f.resolve(d["Kids"]).(pdfArray)
		if isTree && d["Type"] != pdfName("Page") {
			for _, k := range kids {
				walk(k, res, depth+1)
			}
			return
		}
		out = append(out, pdfPage{dict: d, resources: res})
	}
	for _, n := range nums {
		if d, ok := f.objs[n].(pdfDict); ok && d["Type"] == pdfName("Catalog") {
			walk(d["Pages"], nil, 0)
			if len(out) > 0 {
				return out
			}
		}
	}
	for _, n := range nums {
		if d, ok := f.objs[n].(pdfDict); ok && d["Type"] == pdfName("Page") {
			res := f.dict(d["Resources"])
			if res == nil {
				res = f.dict(f.dict(d["Parent"])["Resources"])
			}
			out = append(out, pdfPage{dict: d, resources: res})
			if len(out) >= maxPages {
				break
			}
		}
	}
	return out
}

// contents returns a page's decoded content streams, concatenated.
func (f *pdfFile) contents(page pdfDict) []byte {
	var parts [][]byte
	add := func(v any) {
		if s, ok := f.resolve(v).(pdfStream); ok {
			if b, err := f.decode(s); err == nil {
				parts = append(parts, b)
			} else {
				f.errs = append(f.errs, err.Error())
			}
		}
	}
	switch c := f.resolve(page["Contents"]).(type) {
	case pdfArray:
		for _, v := range c {
			add(v)
		}
	case pdfStream:
		add(c)
	}
	return bytes.Join(parts, []byte("\n"))
}

type decodeError string

func (e decodeError) Error() string { return string(e) }

// decode applies a stream's filters.
func (f *pdfFile) decode(s pdfStream) ([]byte, error) {
	var filters []pdfName
	switch v := f.resolve(s.dict["Filter"]).(type) {
	case pdfName:
		filters = []pdfName{v}
	case pdfArray:
		for _, x := range v {
			if n, ok := f.resolve(x).(pdfName); ok {
				filters = append(filters, n)
			}
		}
	}
	data := s.data
	for _, flt := range filters {
		var err error
		switch flt {
		case "FlateDecode", "Fl":
			data, err = f.inflate(data)
		case "ASCIIHexDecode", "AHx":
			data = []byte((&lexer{b: append([]byte("<"), data...)}).hexString())
		case "ASCII85Decode", "A85":
			data, err = decodeA85(data)
		default:
			return nil, decodeError("streams compressed with " + string(flt) + " are not supported")
		}
		if err != nil {
			return nil, err
		}
		if p := f.dict(s.dict["DecodeParms"]); p != nil {
			if pr, _ := p["Predictor"].(int); pr >= 10 {
				cols, _ := p["Columns"].(int)
				data = unpredictPNG(data, max(cols, 1))
			}
		}
	}
	return data, nil
}

func (f *pdfFile) inflate(data []byte) ([]byte, error) {
	if f.budget <= 0 {
		return nil, decodeError("the PDF's streams decode to more than 256 MiB")
	}
	r, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, decodeError("a compressed stream is damaged")
	}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, int64(f.budget)+1))
	f.budget -= int(n)
	if err != nil && buf.Len() == 0 {
		return nil, decodeError("a compressed stream is damaged")
	}
	// A truncated stream still yields what was decoded: keep it.
	return buf.Bytes(), nil
}

func decodeA85(data []byte) ([]byte, error) {
	var out []byte
	var group [5]byte
	n := 0
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case isSpace(c):
			continue
		case c == '~':
			i = len(data)
			continue
		case c == 'z' && n == 0:
			out = append(out, 0, 0, 0, 0)
			continue
		case c < '!' || c > 'u':
			return nil, decodeError("an ASCII85 stream is damaged")
		}
		group[n] = c - '!'
		n++
		if n == 5 {
			v := uint64(0)
			for _, g := range group {
				v = v*85 + uint64(g)
			}
			if v > 0xffffffff {
				return nil, decodeError("an ASCII85 stream is damaged")
			}
			out = append(out, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
			n = 0
		}
	}
	if n > 1 {
		for k := n; k < 5; k++ {
			group[k] = 84
		}
		v := uint64(0)
		for _, g := range group {
			v = v*85 + uint64(g)
		}
		b := []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
		out = append(out, b[:n-1]...)
	}
	return out, nil
}

// unpredictPNG undoes PNG row predictors (one byte per pixel component,
// which is what cross-reference and object streams use).
func unpredictPNG(data []byte, cols int) []byte {
	row := cols + 1
	if cols <= 0 || len(data)%row != 0 {
		return data
	}
	out := make([]byte, 0, len(data)/row*cols)
	prev := make([]byte, cols)
	for i := 0; i+row <= len(data); i += row {
		kind, cur := data[i], append([]byte(nil), data[i+1:i+row]...)
		for j := range cur {
			var left, up, ul byte
			if j > 0 {
				left, ul = cur[j-1], prev[j-1]
			}
			up = prev[j]
			switch kind {
			case 1:
				cur[j] += left
			case 2:
				cur[j] += up
			case 3:
				cur[j] += byte((int(left) + int(up)) / 2)
			case 4:
				cur[j] += paeth(left, up, ul)
			}
		}
		out = append(out, cur...)
		prev = cur
	}
	return out
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
