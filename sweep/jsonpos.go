package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"
)

// decodeStrict decodes the JSON value at the start of data into v,
// refusing unknown fields. It returns the decoder (to look for trailing
// data) and, on failure, where the fault lies as "line:col" (empty when
// it cannot be told) and what is wrong, in words.
func decodeStrict(data []byte, v any) (dec *json.Decoder, at, msg string) {
	dec = json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		return dec, "", ""
	}
	off := -1
	msg = strings.TrimPrefix(err.Error(), "json: ")
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = int(se.Offset) - 1 // the offending byte
	case errors.As(err, &te):
		off = int(te.Offset) - 1 // the value's last byte
	case errors.Is(err, io.ErrUnexpectedEOF):
		off, msg = len(data), "the file ends in the middle of the JSON"
	case errors.Is(err, io.EOF):
		off, msg = len(data), "the file is empty"
	case strings.HasPrefix(msg, "unknown field "):
		// encoding/json does not say where; the key, if it is a key
		// only once in the file, is the place.
		key := strings.TrimPrefix(msg, "unknown field ")
		re := regexp.MustCompile(regexp.QuoteMeta(key) + `\s*:`)
		if locs := re.FindAllIndex(data, 2); len(locs) == 1 {
			off = locs[0][0]
		}
	}
	if off < 0 || off > len(data) {
		return dec, "", msg
	}
	line, col := lineCol(data, off)
	return dec, fmt.Sprintf("%d:%d", line, col), msg
}

// lineCol returns the 1-based line and column (counted in characters) of
// byte offset off in data.
func lineCol(data []byte, off int) (line, col int) {
	before := data[:off]
	line = 1 + bytes.Count(before, []byte("\n"))
	if i := bytes.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	}
	return line, 1 + utf8.RuneCount(before)
}

// at joins a file name and a "line:col" (which may be empty).
func at(name, pos string) string {
	if pos == "" {
		return name
	}
	return name + ":" + pos
}
