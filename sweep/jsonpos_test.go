package sweep_test

import (
	"strings"
	"testing"

	"github.com/parley-forecast/parley/sweep"
)

// TestDecodeManifestPosition: a manifest that is not JSON, or holds a
// value of the wrong type or an unknown field, is refused with an error
// naming file:line:col of the fault.
func TestDecodeManifestPosition(t *testing.T) {
	const head = "{\n  \"format\": \"parley-sweep-manifest/1\",\n"
	for _, c := range []struct{ name, data, want string }{
		// '1x': the x is column 13 of line 3.
		{"syntax", head + "  \"draws\": 1x\n}", "m.json:3:13: not a sweep manifest: invalid character 'x'"},
		// The string value "x" spans columns 12 to 14; the decoder
		// notices at its end.
		{"type", head + "  \"draws\": \"x\"\n}", "m.json:3:14: not a sweep manifest: cannot unmarshal string"},
		{"unknown field", head + "  \"drawz\": 1\n}", "m.json:3:3: not a sweep manifest: unknown field \"drawz\""},
		// Cut short: the fault is at the end, line 3 column 3.
		{"truncated", head + "  ", "m.json:3:3: not a sweep manifest: the file ends in the middle of the JSON"},
		{"empty", "", "m.json:1:1: not a sweep manifest: the file is empty"},
		// A line break inside a string, line 2 column 17 (after
		// the é, which counts as one column).
		{"newline in string", "{\n  \"format\": \"paé\nx\"}", "m.json:2:17: not a sweep manifest: invalid character '\\n' in string literal"},
	} {
		_, err := sweep.DecodeManifest("m.json", []byte(c.data))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error starting %q", c.name, err, c.want)
		}
	}
}
