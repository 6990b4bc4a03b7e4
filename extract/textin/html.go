package textin

import (
	"bytes"
	"strings"
	"unicode"

	"github.com/parley-forecast/parley"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// dropped are elements whose content is never article text.
var dropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Nav: true, atom.Header: true, atom.Footer: true, atom.Aside: true,
	atom.Form: true, atom.Button: true, atom.Select: true, atom.Textarea: true,
	atom.Iframe: true, atom.Svg: true, atom.Math: true, atom.Object: true,
	atom.Embed: true, atom.Canvas: true, atom.Video: true, atom.Audio: true,
	atom.Figcaption: true, atom.Menu: true, atom.Dialog: true,
}

// blocks are elements that end a paragraph.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Li: true, atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Dt: true, atom.Dd: true,
	atom.Blockquote: true, atom.Pre: true, atom.Table: true, atom.Tr: true, atom.Td: true,
	atom.Th: true, atom.Br: true, atom.Hr: true, atom.Figure: true, atom.Body: true,
	atom.Address: true, atom.Center: true,
}

// boilerWords in an element's class or id mark it as page furniture.
var boilerWords = []string{
	"comment", "share", "social", "related", "recommend", "promo", "newsletter",
	"subscribe", "signup", "sidebar", "footer", "navbar", "menu", "breadcrumb",
	"advert", "sponsor", "cookie", "popup", "modal", "banner", "byline-share",
	"read-more", "readmore", "more-from", "check-also", "tags", "author-bio", "paywall",
}

func boilerplate(n *html.Node) bool {
	for _, a := range n.Attr {
		if a.Key != "class" && a.Key != "id" && a.Key != "role" {
			continue
		}
		v := strings.ToLower(a.Val)
		if a.Key == "role" {
			if v == "navigation" || v == "banner" || v == "contentinfo" || v == "complementary" {
				return true
			}
			continue
		}
		for _, w := range boilerWords {
			if strings.Contains(v, w) {
				// "ad" and "tags" are common substrings of harmless
				// names; only whole-token matches count for those.
				if w == "tags" && !hasToken(v, w) {
					continue
				}
				return true
			}
		}
		if hasToken(v, "ad") || hasToken(v, "ads") {
			return true
		}
	}
	return false
}

func hasToken(v, w string) bool {
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if f == w {
			return true
		}
	}
	return false
}

// maxDepth bounds the recursion over the tree; x/net/html already limits
// nesting, this keeps the reader safe whatever it returns.
const maxDepth = 512

func readHTML(name string, data []byte) (*Doc, error) {
	root, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, parley.Errorf(parley.EINVALID, "%s: cannot parse the HTML: %v", name, err)
	}
	title := ""
	if h := find(root, atom.H1, 0); h != nil {
		title = collapse(textOf(h, 0))
	}
	if title == "" {
		if t := find(root, atom.Title, 0); t != nil {
			title = collapse(textOf(t, 0))
		}
	}
	prune(root, 0)
	main := pickMain(root)
	var paras []string
	var cur strings.Builder
	flush := func() {
		if s := collapse(cur.String()); s != "" {
			paras = append(paras, s)
		}
		cur.Reset()
	}
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth > maxDepth {
			return
		}
		switch n.Type {
		case html.TextNode:
			cur.WriteString(n.Data)
			return
		case html.ElementNode:
			if blocks[n.DataAtom] {
				flush()
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
		if n.Type == html.ElementNode && blocks[n.DataAtom] {
			flush()
		}
	}
	if main != nil {
		walk(main, 0)
	}
	flush()
	// The title usually opens the main content as its <h1>; keep it as
	// the first paragraph only once.
	if title != "" && (len(paras) == 0 || paras[0] != title) {
		paras = append([]string{title}, paras...)
	}
	return &Doc{Title: title, Text: strings.Join(paras, "\n\n")}, nil
}

// prune removes dropped and boilerplate elements.
func prune(n *html.Node, depth int) {
	if depth > maxDepth {
		return
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch {
		case c.Type == html.CommentNode:
			n.RemoveChild(c)
		case c.Type == html.ElementNode && (dropped[c.DataAtom] || boilerplate(c)):
			n.RemoveChild(c)
		default:
			prune(c, depth+1)
		}
		c = next
	}
}

// pickMain chooses the element holding the article: the <article> with
// the most paragraph text, else <main>, else the element whose direct
// paragraph children hold the most text, else <body>.
func pickMain(root *html.Node) *html.Node {
	var best *html.Node
	bestScore := 0
	var articles, mains []*html.Node
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth > maxDepth {
			return
		}
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Article:
				articles = append(articles, n)
			case atom.Main:
				mains = append(mains, n)
			}
			if s := paragraphScore(n); s > bestScore {
				best, bestScore = n, s
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(root, 0)
	pickBig := func(ns []*html.Node) *html.Node {
		var b *html.Node
		bs := -1
		for _, n := range ns {
			if s := len(collapse(textOf(n, 0))); s > bs {
				b, bs = n, s
			}
		}
		return b
	}
	if a := pickBig(articles); a != nil && len(collapse(textOf(a, 0))) >= 200 {
		return a
	}
	if m := pickBig(mains); m != nil && len(collapse(textOf(m, 0))) >= 200 {
		return m
	}
	if best != nil {
		return best
	}
	if b := find(root, atom.Body, 0); b != nil {
		return b
	}
	return root
}

// paragraphScore is the length of the text in n's direct <p> children,
// less the text inside their links.
func paragraphScore(n *html.Node) int {
	s := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || c.DataAtom != atom.P {
			continue
		}
		all := len(collapse(textOf(c, 0)))
		links := 0
		for _, a := range findAll(c, atom.A, 0) {
			links += len(collapse(textOf(a, 0)))
		}
		s += all - 2*links
	}
	return s
}

func find(n *html.Node, a atom.Atom, depth int) *html.Node {
	if depth > maxDepth {
		return nil
	}
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, a, depth+1); f != nil {
			return f
		}
	}
	return nil
}

func findAll(n *html.Node, a atom.Atom, depth int) []*html.Node {
	if depth > maxDepth {
		return nil
	}
	var out []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == a {
			out = append(out, c)
			continue
		}
		out = append(out, findAll(c, a, depth+1)...)
	}
	return out
}

func textOf(n *html.Node, depth int) string {
	if depth > maxDepth {
		return ""
	}
	if n.Type == html.TextNode {
		return n.Data
	}
	if n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style) {
		return ""
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(textOf(c, depth+1))
		if c.Type == html.ElementNode && blocks[c.DataAtom] {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// collapse turns every run of white space (including no-break spaces)
// into one space and trims the ends.
func collapse(s string) string {
	return parley.NormalizeSpace(s)
}
