package textin_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/extract/textin"
)

var update = flag.Bool("update", false, "rewrite testdata/article.pdf")

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// paragraphs is the article text of testdata/article.txt, without its
// byline, as paragraphs.
func wantParagraphs(t testing.TB) []string {
	var out []string
	for _, p := range strings.Split(strings.TrimSpace(string(readFile(t, "article.txt"))), "\n\n") {
		out = append(out, parley.NormalizeSpace(p))
	}
	return out
}

func TestPlainTextUnchanged(t *testing.T) {
	data := readFile(t, "article.txt")
	d, err := textin.Read("article.txt", data, "")
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != textin.Text || d.Text != string(data) {
		t.Fatalf("plain text changed: format %q, text %q", d.Format, d.Text)
	}
	bom, err := textin.Read("a.txt", append([]byte("\xef\xbb\xbf"), data...), "")
	if err != nil || bom.Text != string(data) {
		t.Fatalf("BOM not dropped: %v %q", err, bom.Text[:10])
	}
}

func TestUTF16(t *testing.T) {
	// "Hé—x" in UTF-16LE with a byte-order mark.
	data := []byte{0xff, 0xfe, 'H', 0, 0xe9, 0, 0x14, 0x20, 'x', 0}
	d, err := textin.Read("u.txt", data, "")
	if err != nil || d.Text != "Hé—x" {
		t.Fatalf("got %q, %v", d.Text, err)
	}
}

func TestHTMLMainContent(t *testing.T) {
	d, err := textin.Read("article.html", readFile(t, "article.html"), "")
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != textin.HTML || d.Title != "Gulf talks stall over missile limits" {
		t.Errorf("format %q title %q", d.Format, d.Title)
	}
	got := strings.Split(d.Text, "\n\n")
	want := wantParagraphs(t)
	if strings.Join(got, "\n\n") != strings.Join(want, "\n\n") {
		t.Errorf("HTML main text:\n got %q\nwant %q", got, want)
	}
	for _, junk := range []string{"tracking", "Share on", "Related", "Moscow blocks", "Comment", "Check Also", "Copyright", "map of the Gulf", "Home"} {
		if strings.Contains(d.Text, junk) {
			t.Errorf("boilerplate %q kept", junk)
		}
	}
}

func TestHTMLWithoutArticleElement(t *testing.T) {
	page := `<html><body><div class="menu"><a href="/">Home</a></div>
<div id="content"><div><p>Ankara has defended its operation in the north, a spokesman said, and the foreign ministry repeated the point at length on Friday evening.</p>
<p>Damascus condemned the operation as a breach of sovereignty and asked the Security Council to meet in an emergency session.</p></div></div>
<div class="sidebar"><p>Most read: a very long list of unrelated stories that nobody wants in the draft, with links and more links and more.</p></div></body></html>`
	d, err := textin.Read("page", []byte(page), "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(d.Text, "Ankara has defended") || strings.Contains(d.Text, "Most read") || strings.Contains(d.Text, "Home") {
		t.Errorf("got %q", d.Text)
	}
	if n := strings.Count(d.Text, "\n\n"); n != 1 {
		t.Errorf("want 2 paragraphs, got %d in %q", n+1, d.Text)
	}
}

// makePDF lays out the article's paragraphs with fpdf, one paragraph per
// MultiCell with a gap between paragraphs, in a core font (WinAnsi) or in
// the embedded TrueType font at ttf (Identity-H with a ToUnicode CMap).
func makePDF(t testing.TB, paras []string, ttf string, compress bool) []byte {
	t.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(compress)
	pdf.SetTitle("Gulf talks stall over missile limits", true)
	tr := func(s string) string { return s }
	if ttf != "" {
		b, err := os.ReadFile(ttf)
		if err != nil {
			t.Fatal(err)
		}
		pdf.AddUTF8FontFromBytes("dejavu", "", b)
		pdf.SetFont("dejavu", "", 11)
	} else {
		pdf.SetFont("Helvetica", "", 11)
		tr = pdf.UnicodeTranslatorFromDescriptor("")
	}
	pdf.AddPage()
	for _, p := range paras {
		pdf.MultiCell(0, 5, tr(p), "", "L", false)
		pdf.Ln(4)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func checkPDFText(t *testing.T, d *textin.Doc, want []string) {
	t.Helper()
	got := strings.Split(d.Text, "\n\n")
	if len(got) != len(want) {
		t.Fatalf("want %d paragraphs, got %d:\n%s", len(want), len(got), d.Text)
	}
	for i := range want {
		if g := parley.NormalizeSpace(got[i]); g != want[i] {
			t.Errorf("paragraph %d:\n got %q\nwant %q", i, g, want[i])
		}
	}
}

func TestPDFCoreFont(t *testing.T) {
	want := wantParagraphs(t)
	for _, compress := range []bool{true, false} {
		data := makePDF(t, want, "", compress)
		d, err := textin.Read("article.pdf", data, "")
		if err != nil {
			t.Fatal(err)
		}
		if d.Format != textin.PDF || d.Title != "Gulf talks stall over missile limits" {
			t.Errorf("format %q title %q", d.Format, d.Title)
		}
		checkPDFText(t, d, want)
	}
}

func TestPDFEmbeddedUnicodeFont(t *testing.T) {
	ttf := "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
	if _, err := os.Stat(ttf); err != nil {
		t.Skip("DejaVuSans.ttf not installed")
	}
	want := wantParagraphs(t)
	d, err := textin.Read("article.pdf", makePDF(t, want, ttf, true), "pdf")
	if err != nil {
		t.Fatal(err)
	}
	checkPDFText(t, d, want)
}

// TestPDFFixture reads the committed fixture (regenerated with -update),
// which also seeds the fuzzer.
func TestPDFFixture(t *testing.T) {
	want := wantParagraphs(t)
	path := filepath.Join("testdata", "article.pdf")
	if *update {
		if err := os.WriteFile(path, makePDF(t, want, "", true), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d, err := textin.Read("article.pdf", readFile(t, "article.pdf"), "")
	if err != nil {
		t.Fatal(err)
	}
	checkPDFText(t, d, want)
}

func TestUnreadable(t *testing.T) {
	pdf := makePDF(t, []string{"Some text."}, "", true)
	enc := bytes.Replace(pdf, []byte("trailer\n<<"), []byte("trailer\n<< /Encrypt 99 0 R"), 1)
	noText := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF")
	cases := []struct {
		name, format string
		data         []byte
		want         string
	}{
		{"empty.txt", "", nil, "no text found"},
		{"bin.txt", "", []byte("abc\x00def"), "looks binary"},
		{"latin1.txt", "", []byte("caf\xe9\nna\xefve"), "latin1.txt:1: not UTF-8 text (byte 0xe9 at offset 3)"},
		{"x.pdf", "", []byte("%PDF-1.7\n garbage"), "no PDF objects found"},
		{"x.pdf", "pdf", []byte("hello"), "not a PDF"},
		{"enc.pdf", "", enc, "encrypted"},
		{"scan.pdf", "", noText, "scanned"},
		{"x", "docx", []byte("x"), "unknown format"},
		{"empty.html", "", []byte("<html><body><nav>Home</nav></body></html>"), "no text found in the page's main content"},
	}
	for _, c := range cases {
		_, err := textin.Read(c.name, c.data, c.format)
		var pe *parley.Error
		if err == nil || !errors.As(err, &pe) || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), c.name) {
			t.Errorf("%s: got %v, want a parley error with %q naming the file", c.name, err, c.want)
		}
	}
}

func FuzzHTML(f *testing.F) {
	f.Add(readFile(f, "article.html"))
	f.Add([]byte("<p>a</p><article><p>b"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := textin.Read("f.html", data, "html")
		checkRead(t, "f.html", d, err)
	})
}

func FuzzPDF(f *testing.F) {
	f.Add(readFile(f, "article.pdf"))
	f.Add(makePDF(f, []string{"One paragraph—with a dash.", "Another."}, "", false))
	if ttf := "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"; fileExists(ttf) {
		f.Add(makePDF(f, []string{"Tehran’s “view”—unchanged."}, ttf, true))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := textin.Read("f.pdf", data, "pdf")
		checkRead(t, "f.pdf", d, err)
	})
}

// checkRead holds for any input: a refusal is a *parley.Error whose
// message starts with the file's name (the command line prints it as
// is); a success has text.
func checkRead(t *testing.T, name string, d *textin.Doc, err error) {
	t.Helper()
	if err != nil {
		var pe *parley.Error
		if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), name+":") {
			t.Fatalf("error %q (%T) is not a parley error naming %s", err, err, name)
		}
		return
	}
	if strings.TrimSpace(d.Text) == "" {
		t.Fatal("no error and no text")
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
