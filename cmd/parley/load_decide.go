package main

import (
	"os"

	"github.com/parley-forecast/parley/decide"
)

// decide's tagged CSV input format (#A actors, #M issues, #P positions).
func init() {
	register("decide", reader{
		doc:   "decide's tagged CSV (the exchange model's reference implementation)",
		sniff: func(_ string, head []byte) bool { return decide.Sniff(head) },
		read: func(path string) (*input, error) {
			data, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			return fromParse(decide.Parse(path, data))
		},
	})
}
