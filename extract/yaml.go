package extract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// EncodeYAML writes v as YAML: v's JSON encoding (so the scenario's own
// JSON marshalling, such as Value's number-or-range form, applies) laid
// out in block style, keys in JSON order, every string double-quoted with
// JSON escapes (which YAML reads the same way).
func EncodeYAML(v any) ([]byte, error) {
	var raw bytes.Buffer
	enc := json.NewEncoder(&raw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(&raw)
	dec.UseNumber()
	n, err := readNode(dec)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	writeNode(&b, n, 0, false)
	return b.Bytes(), nil
}

// A node is a JSON value with its object keys in order.
type node struct {
	kind   byte // '{', '[', or 's' for a scalar
	keys   []string
	vals   []*node
	scalar string // already rendered
}

func readNode(dec *json.Decoder) (*node, error) {
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := t.(type) {
	case json.Delim:
		n := &node{kind: byte(t)}
		for dec.More() {
			if t == '{' {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, k.(string))
			}
			v, err := readNode(dec)
			if err != nil {
				return nil, err
			}
			n.vals = append(n.vals, v)
		}
		_, err := dec.Token() // closing delimiter
		return n, err
	case string:
		return &node{kind: 's', scalar: quote(t)}, nil
	case json.Number:
		return &node{kind: 's', scalar: t.String()}, nil
	case bool:
		return &node{kind: 's', scalar: fmt.Sprint(t)}, nil
	case nil:
		return &node{kind: 's', scalar: "null"}, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", t)
}

func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

var plainKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func key(k string) string {
	if plainKey.MatchString(k) {
		return k
	}
	return quote(k)
}

func (n *node) empty() bool { return n.kind != 's' && len(n.vals) == 0 }

// writeNode writes n at indent. inline is set when the caller has
// already written "- " for a sequence item.
func writeNode(b *bytes.Buffer, n *node, indent int, inline bool) {
	pad := strings.Repeat("  ", indent)
	switch {
	case n.kind == 's':
		b.WriteString(n.scalar + "\n")
	case n.empty() && n.kind == '{':
		b.WriteString("{}\n")
	case n.empty():
		b.WriteString("[]\n")
	case n.kind == '{':
		for i, k := range n.keys {
			if i > 0 || !inline {
				b.WriteString(pad)
			}
			v := n.vals[i]
			b.WriteString(key(k) + ":")
			if v.kind == 's' || v.empty() {
				b.WriteByte(' ')
				writeNode(b, v, indent+1, false)
				continue
			}
			b.WriteByte('\n')
			if v.kind == '[' {
				writeNode(b, v, indent, false)
			} else {
				writeNode(b, v, indent+1, false)
			}
		}
	default: // sequence
		for _, v := range n.vals {
			b.WriteString(pad + "- ")
			if v.kind == '[' && !v.empty() {
				b.WriteByte('\n')
				writeNode(b, v, indent+1, false)
				continue
			}
			writeNode(b, v, indent+1, true)
		}
	}
}
