package models_test

import (
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/model/modeltest"
	"github.com/parley-forecast/parley/models"
)

func TestNamesUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, n := range models.Names() {
		if seen[n] {
			t.Errorf("duplicate model name %q", n)
		}
		seen[n] = true
		if m, err := models.Lookup(n); err != nil || m.Info().Name != n {
			t.Errorf("Lookup(%q) = %v, %v", n, m, err)
		}
	}
	if _, err := models.Lookup("nope"); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("Lookup(nope) err = %v", err)
	}
}

// TestConformanceAll runs the shared conformance suite on every registered
// model with default skips; models that need skips run the suite in their
// own package with reasons, so here only the mandatory properties are
// checked.
func TestConformanceAll(t *testing.T) {
	for _, m := range models.All() {
		t.Run(m.Info().Name, func(t *testing.T) {
			modeltest.Run(t, m, modeltest.Skips{
				Permutation: "checked in the model's own package",
				Mirror:      "checked in the model's own package",
				Affine:      "checked in the model's own package",
				Dictator:    "checked in the model's own package",
			})
		})
	}
}
