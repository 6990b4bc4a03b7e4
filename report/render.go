package report

import (
	"bytes"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
)

// HTML renders the brief as one self-contained HTML document: styles
// inline, plots as inline SVG, no external asset of any kind.
func HTML(b *Brief) ([]byte, error) {
	d := build(b)
	type hblock struct {
		block
		SVG htmltemplate.HTML
	}
	type hsection struct {
		ID, Title string
		Blocks    []hblock
	}
	var secs []hsection
	for _, s := range d.Sections {
		hs := hsection{ID: s.ID, Title: s.Title}
		for _, bl := range s.Blocks {
			hb := hblock{block: bl}
			if bl.Plot != nil {
				spec, err := bl.Plot.draw()
				if err != nil {
					return nil, err
				}
				svg, err := spec.svg()
				if err != nil {
					return nil, err
				}
				hb.SVG = htmltemplate.HTML(inlineSVG(svg))
			}
			hs.Blocks = append(hs.Blocks, hb)
		}
		secs = append(secs, hs)
	}
	var buf bytes.Buffer
	err := htmlTmpl.Execute(&buf, map[string]any{"Title": d.Title, "Sections": secs})
	return buf.Bytes(), err
}

// inlineSVG drops the XML declaration and comments that precede the <svg>
// element, so that the SVG can sit inside HTML.
func inlineSVG(b []byte) string {
	s := string(b)
	if i := strings.Index(s, "<svg"); i >= 0 {
		s = s[i:]
	}
	// gonum/plot lays text out with Liberation metrics; Times New Roman
	// has the same metrics, so readers without Liberation fonts get the
	// same layout.
	s = strings.ReplaceAll(s, "font-family:Liberation Serif;", "font-family:'Liberation Serif','Times New Roman',Times,serif;")
	return strings.TrimSpace(s)
}

var htmlTmpl = htmltemplate.Must(htmltemplate.New("brief").Funcs(htmltemplate.FuncMap{"align": align, "lines": lines}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .85rem; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
th, td { border: 1px solid #bbb; padding: .25rem .45rem; vertical-align: top; }
th { background: #eee; } table.wide { width: 100%; } table.wide td:last-child { width: 50%; } td.r { text-align: right; white-space: nowrap; }
figure { margin: 1rem 0; page-break-inside: avoid; } figure svg { max-width: 100%; height: auto; }
figcaption { font-size: .85rem; color: #444; }
pre { background: #f4f4f4; padding: .6rem; white-space: pre-wrap; word-break: break-all; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{range .Sections}}<section id="{{.ID}}">
<h2>{{.Title}}</h2>
{{range .Blocks}}{{if .Text}}<p>{{.Text}}</p>
{{else if .List}}<ul>
{{range .List}}<li>{{.}}</li>
{{end}}</ul>
{{else if .Table}}{{$a := .Table.Align}}<table{{if .Table.Wide}} class="wide"{{end}}>
{{with .Table.Caption}}<caption>{{.}}</caption>
{{end}}<thead><tr>{{range .Table.Head}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{range .Table.Rows}}<tr>{{range $i, $c := .}}<td{{if eq (align $a $i) "r"}} class="r"{{end}}>{{range $j, $l := lines $c}}{{if $j}}<br>{{end}}{{$l}}{{end}}</td>{{end}}</tr>
{{end}}</tbody>
</table>
{{else if .Plot}}<figure id="{{.Plot.Name}}">
{{.SVG}}
<figcaption>{{.Plot.Caption}}</figcaption>
</figure>
{{else if .Code}}<pre><code>{{.Code}}</code></pre>
{{end}}{{end}}</section>
{{end}}</body>
</html>
`))

// align returns column i's alignment: the table's letter when it gives
// one, else "r" (numbers).
func align(a string, i int) string {
	if i < len(a) {
		return string(a[i])
	}
	return "r"
}

// Markdown renders the brief as Markdown. The plots are PNG files returned
// beside it, named stem-<plot>.png, and the document links to them by
// those names: write them in the same directory as the document.
func Markdown(b *Brief, stem string) ([]byte, []File, error) {
	d := build(b)
	var files []File
	type mblock struct {
		block
		File string
	}
	type msection struct {
		Title  string
		Blocks []mblock
	}
	var secs []msection
	for _, s := range d.Sections {
		ms := msection{Title: s.Title}
		for _, bl := range s.Blocks {
			mb := mblock{block: bl}
			if bl.Plot != nil {
				spec, err := bl.Plot.draw()
				if err != nil {
					return nil, nil, err
				}
				png, err := spec.png()
				if err != nil {
					return nil, nil, err
				}
				mb.File = stem + "-" + bl.Plot.Name + ".png"
				files = append(files, File{Name: mb.File, Data: png})
			}
			ms.Blocks = append(ms.Blocks, mb)
		}
		secs = append(secs, ms)
	}
	var buf bytes.Buffer
	if err := mdTmpl.Execute(&buf, map[string]any{"Title": d.Title, "Sections": secs}); err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), files, nil
}

var mdTmpl = texttemplate.Must(texttemplate.New("brief").Funcs(texttemplate.FuncMap{
	"md": mdText, "cell": mdCell, "sep": mdSep,
}).Parse(`# {{md .Title}}
{{range .Sections}}
## {{md .Title}}
{{range .Blocks}}
{{if .Text}}{{md .Text}}
{{else if .List}}{{range .List}}- {{md .}}
{{end}}{{else if .Table}}{{with .Table.Caption}}**{{md .}}**

{{end}}|{{range .Table.Head}} {{cell .}} |{{end}}
{{sep .Table}}
{{range .Table.Rows}}|{{range .}} {{cell .}} |{{end}}
{{end}}{{else if .Plot}}![{{.Plot.Name}}]({{.File}})

*{{md .Plot.Caption}}*
{{else if .Code}}` + "```" + `
{{.Code}}
` + "```" + `
{{end}}{{end}}{{end}}`))

// mdText escapes the characters that Markdown would read as markup.
var mdEscaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`, "#", `\#`)

func mdText(s string) string {
	return mdEscaper.Replace(strings.Join(strings.Fields(s), " "))
}

// mdCell also escapes the column separator; a cell's lines are joined
// with " · ", as a table row is one line.
func mdCell(s string) string {
	if s == "" {
		return " "
	}
	ls := lines(s)
	for i, l := range ls {
		ls[i] = strings.ReplaceAll(mdText(l), "|", `\|`)
	}
	return strings.Join(ls, " · ")
}

// lines splits a cell into its lines.
func lines(s string) []string { return strings.Split(s, "\n") }

func mdSep(t *table) string {
	var sb strings.Builder
	sb.WriteString("|")
	for i := range t.Head {
		if align(t.Align, i) == "r" {
			sb.WriteString("---:|")
		} else {
			sb.WriteString("---|")
		}
	}
	return sb.String()
}
