package report_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/analysis"
	"github.com/parley-forecast/parley/models"
	"github.com/parley-forecast/parley/report"
)

// A brief of a small scenario with the weighted-median model: the section
// headings of its Markdown and the plot files to write beside it.
func Example() {
	m, _ := models.Lookup("median")
	cfg := analysis.Config{Model: m, Options: parley.Options{Seed: 1}}
	b, err := report.Compute(context.Background(), small(), cfg, report.Options{Draws: 100, Trajectories: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	md, files, err := report.Markdown(b, "brief")
	if err != nil {
		fmt.Println(err)
		return
	}
	sc := bufio.NewScanner(bytes.NewReader(md))
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			fmt.Println(sc.Text())
		}
	}
	for _, f := range files {
		fmt.Println(f.Name)
	}
	// Output:
	// # Test talks
	// ## The question
	// ## The answer in short
	// ## Forecast per issue
	// ## Questions: probability in the base and every variant
	// ## What-if table
	// ## Leverage: who can move whom
	// ## Main drivers
	// ## Positions over rounds
	// ## Inputs and evidence
	// ## Models, version and how to reproduce
	// brief-outcomes-k.png
	// brief-outcomes-t.png
	// brief-positions-k.png
	// brief-positions-t.png
}
