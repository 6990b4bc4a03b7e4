package scenario

import (
	"strconv"
	"strings"
)

// Paths name a value in a scenario the way diagnostics print them:
// field names joined by dots, list indices in brackets, as in
// "stances[3].salience" or "variants[0].changes[2].actor". The root is the
// empty path. A field name that is not a plain word (letters, digits, '_',
// '-', '$') is written as a quoted index: actors[0]["full name"].

// joinField returns the path of field name inside the mapping at p.
func joinField(p, name string) string {
	if !plainName(name) {
		return p + "[" + strconv.Quote(name) + "]"
	}
	if p == "" {
		return name
	}
	return p + "." + name
}

// joinIndex returns the path of element i of the list at p.
func joinIndex(p string, i int) string {
	return p + "[" + strconv.Itoa(i) + "]"
}

func plainName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '-', c == '$':
		default:
			return false
		}
	}
	// A name made of digits alone would read as an index.
	return strings.TrimLeft(s, "0123456789") != ""
}

// parentPath returns p without its last segment, and false when p is the
// root. A path it cannot read is treated as one segment, so its parent is
// the root.
func parentPath(p string) (string, bool) {
	if p == "" {
		return "", false
	}
	last := 0 // start of the last segment
	i := 0
	for i < len(p) {
		start := i
		switch p[i] {
		case '[':
			if i+1 < len(p) && p[i+1] == '"' {
				q, err := strconv.QuotedPrefix(p[i+1:])
				if err != nil || i+1+len(q) >= len(p) || p[i+1+len(q)] != ']' {
					return "", true
				}
				i += 1 + len(q) + 1
			} else {
				j := strings.IndexByte(p[i:], ']')
				if j < 0 {
					return "", true
				}
				i += j + 1
			}
		case '.':
			i++
			fallthrough
		default:
			for i < len(p) && p[i] != '.' && p[i] != '[' {
				i++
			}
		}
		last = start
	}
	return p[:last], true
}

// within reports whether path p is q or lies inside q.
func within(p, q string) bool {
	if q == "" || p == q {
		return true
	}
	if !strings.HasPrefix(p, q) {
		return false
	}
	c := p[len(q)]
	return c == '.' || c == '['
}

// valuePath strips a trailing .low, .mode or .high: the three parts of an
// uncertain Value are one estimate, and a problem with any of them is a
// problem with the Value.
func valuePath(p string) string {
	for _, s := range [...]string{".low", ".mode", ".high"} {
		if strings.HasSuffix(p, s) {
			return p[:len(p)-len(s)]
		}
	}
	return p
}
