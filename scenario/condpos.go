package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/parley-forecast/parley"
)

// placeConditions positions the syntax errors of question conditions. The
// semantic check words them as "col N: …", N counted in the condition's
// own text, and they are located at the start of the condition's value.
// When the condition is written on that one line, as a plain or quoted
// scalar holding exactly the condition's text, the error moves to the
// file column of the fault and the inner column is dropped. Otherwise (a
// block scalar, a value over several lines, escapes) the column cannot be
// mapped simply, and the message says "column N of the condition".
func placeConditions(data []byte, s *parley.Scenario, ds parley.Diagnostics) {
	if s == nil {
		return
	}
	var lines [][]byte // split once, when first needed
	for i := range ds {
		d := &ds[i]
		q, ok := questionWhen(d.Path)
		if !ok || q >= len(s.Questions) {
			continue
		}
		_, err := parley.ParseCondition(s.Questions[q].When)
		var ce *parley.ConditionError
		if !errors.As(err, &ce) || d.Message != err.Error() {
			continue
		}
		if lines == nil {
			lines = bytes.Split(data, []byte("\n"))
		}
		if start, ok := inlineStart(lines, d.Pos, s.Questions[q].When); ok {
			d.Pos.Col = start + ce.Col - 1
			d.Message = ce.Msg
		} else {
			d.Message = fmt.Sprintf("column %d of the condition: %s", ce.Col, ce.Msg)
		}
	}
}

// questionWhen returns i for the path "questions[i].when".
func questionWhen(path string) (int, bool) {
	rest, ok := strings.CutPrefix(path, "questions[")
	if !ok {
		return 0, false
	}
	num, rest, ok := strings.Cut(rest, "]")
	if !ok || rest != ".when" {
		return 0, false
	}
	i, err := strconv.Atoi(num)
	return i, err == nil && i >= 0
}

// inlineStart returns the file column (in the same units as pos.Col) of
// the first character of text, when the value at pos is text written
// verbatim on pos's line: plain, or between a pair of quotes.
func inlineStart(lines [][]byte, pos parley.Pos, text string) (int, bool) {
	if pos.Line < 1 || pos.Line > len(lines) || pos.Col < 1 || text == "" {
		return 0, false
	}
	line := bytes.TrimSuffix(lines[pos.Line-1], []byte("\r"))
	// Columns count characters; skip pos.Col-1 of them.
	rest := line
	for range pos.Col - 1 {
		if len(rest) == 0 {
			return 0, false
		}
		_, n := utf8.DecodeRune(rest)
		rest = rest[n:]
	}
	if bytes.HasPrefix(rest, []byte(text)) {
		after := rest[len(text):]
		// A plain scalar ends at the line's end or a comment.
		if t := bytes.TrimLeft(after, " \t"); len(t) == 0 || t[0] == '#' || t[0] == ',' || t[0] == '}' {
			return pos.Col, true
		}
		return 0, false
	}
	if len(rest) > 0 && (rest[0] == '"' || rest[0] == '\'') {
		q := rest[0]
		if bytes.HasPrefix(rest[1:], []byte(text)) && len(rest) > 1+len(text) && rest[1+len(text)] == q {
			return pos.Col + 1, true
		}
	}
	return 0, false
}
