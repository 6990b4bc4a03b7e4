package scenario_test

import (
	"fmt"

	"github.com/parley-forecast/parley/scenario"
)

func ExampleParse() {
	src := `title: Ceasefire talks
actors:
  - {id: gov, name: Government, capability: 60}
  - {id: rebels, name: Rebel coalition, capabilty: 30}
issues:
  - id: ceasefire
    name: Length of the ceasefire
    scale: {min: 0, max: 12, unit: months}
stances:
  - {actor: gov, issue: ceasefire, position: 3, salience: 0.8, assumption: Wants a short truce.}
  - actor: rebels
    issue: ceasefire
    position: {low: 6, high: 12}
    salience: 1.4
    assumption: Needs time to regroup.
`
	f, ds := scenario.Parse("talks.yaml", []byte(src))
	for _, d := range ds {
		fmt.Println(d)
	}
	fmt.Println(f.Scenario.Stances[1].Position)
	// Output:
	// talks.yaml:4:41: actors[1]: unknown field "capabilty" (did you mean "capability"?)
	// talks.yaml:14:15: stances[1].salience: must be in [0,1], got 1.4
	// [6 9 12]
}

func ExampleFile_Pos() {
	src := `title: Two actors
actors:
  - id: a
    name: Alpha
    capability: 1
`
	f, _ := scenario.Parse("two.yaml", []byte(src))
	fmt.Println(f.Pos("actors[0].capability"))
	fmt.Println(f.Pos("actors[0].evidence[2]")) // absent: the nearest enclosing value
	// Output:
	// two.yaml:5:17
	// two.yaml:3:5
}
