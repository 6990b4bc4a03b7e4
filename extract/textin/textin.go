package textin

import (
	"bytes"
	"path/filepath"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/parley-forecast/parley"
)

// Formats that Read understands.
const (
	Text = "text"
	HTML = "html"
	PDF  = "pdf"
)

// Formats lists the formats by name.
var Formats = []string{Text, HTML, PDF}

// A Doc is the text of one article.
type Doc struct {
	// Name is the name the bytes were read under (a file name).
	Name string
	// Format is the format the bytes were read as: text, html or pdf.
	Format string
	// Title is the document's title when the format gives one (HTML's
	// <h1> or <title>, a PDF's /Title); "" otherwise.
	Title string
	// Text is the article's text, paragraphs separated by blank lines.
	// For plain text it is the input unchanged (less a byte-order mark).
	Text string
}

// MaxSize is the largest input Read accepts.
const MaxSize = 64 << 20

// Sniff guesses the format of data from its first bytes, then from name's
// extension: pdf for "%PDF-", html for markup, text otherwise.
func Sniff(name string, data []byte) string {
	head := data
	if len(head) > 1024 {
		head = head[:1024]
	}
	if bytes.Contains(head, []byte("%PDF-")) {
		return PDF
	}
	t := bytes.ToLower(bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n"))
	for _, p := range []string{"<!doctype html", "<html", "<head", "<body", "<article", "<meta", "<title", "<p>", "<div", "<!--"} {
		if bytes.HasPrefix(t, []byte(p)) {
			return HTML
		}
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".pdf":
		return PDF
	case ".html", ".htm", ".xhtml":
		return HTML
	}
	return Text
}

// Read turns data, read from the file called name, into a Doc. format is
// text, html, pdf, or "" (or "auto") to sniff it. Unreadable input gets an
// error naming the file and what is wrong with it.
func Read(name string, data []byte, format string) (*Doc, error) {
	if len(data) > MaxSize {
		return nil, parley.Errorf(parley.EINVALID, "%s: file is %d bytes, larger than the %d bytes an article may have", name, len(data), MaxSize)
	}
	if format == "" || format == "auto" {
		format = Sniff(name, data)
	}
	var (
		d   *Doc
		err error
	)
	switch format {
	case Text:
		d, err = readText(name, data)
	case HTML:
		d, err = readHTML(name, data)
	case PDF:
		d, err = readPDF(name, data)
	default:
		return nil, parley.Errorf(parley.EINVALID, "%s: unknown format %q: want text, html or pdf", name, format)
	}
	if err != nil {
		return nil, err
	}
	d.Name, d.Format = name, format
	if strings.TrimSpace(d.Text) == "" {
		return nil, parley.Errorf(parley.EINVALID, "%s: no text found in the %s", name, what(format))
	}
	return d, nil
}

func what(format string) string {
	switch format {
	case HTML:
		return "page's main content"
	case PDF:
		return "PDF (is it scanned? pages that are images need OCR, which Parley does not do)"
	}
	return "file"
}

func readText(name string, data []byte) (*Doc, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		data = data[3:]
	case bytes.HasPrefix(data, []byte("\xff\xfe")), bytes.HasPrefix(data, []byte("\xfe\xff")):
		return &Doc{Text: decodeUTF16(data)}, nil
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, parley.Errorf(parley.EINVALID, "%s: looks binary (a NUL byte at offset %d), not text; give --input-format if it is HTML or PDF", name, i)
	}
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		line := 1 + bytes.Count(data[:off], []byte("\n"))
		return nil, parley.Errorf(parley.EINVALID, "%s:%d: not UTF-8 text (byte 0x%02x at offset %d); convert the file to UTF-8", name, line, data[off], off)
	}
	return &Doc{Text: string(data)}, nil
}

// decodeUTF16 decodes UTF-16 text that starts with a byte-order mark.
func decodeUTF16(data []byte) string {
	be := data[0] == 0xfe
	data = data[2:]
	u := make([]uint16, len(data)/2)
	for i := range u {
		if be {
			u[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
		} else {
			u[i] = uint16(data[2*i+1])<<8 | uint16(data[2*i])
		}
	}
	return string(utf16.Decode(u))
}
