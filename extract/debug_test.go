package extract_test

import (
	"os"
	"testing"

	"github.com/parley-forecast/parley/extract"
)

func TestDebug(t *testing.T) {
	s := os.Getenv("SENT")
	if s == "" {
		t.Skip()
	}
	for _, p := range extract.Proposals("x", s, nil) {
		t.Logf("%s | %s | %s | %s | %s  (%s %.2f %q)", p.Actor, p.Cue, p.Target, p.Issue, p.Polarity, p.Rule, p.Confidence, p.Mention)
	}
}
