package decide_test

import (
	"fmt"

	"github.com/parley-forecast/parley/decide"
)

func ExampleParse() {
	data := []byte("'#A'\t'Willems'\t'Willems'\n" +
		"'#A'\t'EU (incl Norway)'\t'European Union and Norway'\n" +
		"'#P'\t'tol-hoogte'\t'Height of the toll'\n" +
		"'#M'\t'tol-hoogte'\t0.5\t'low'\n" +
		"'#M'\t'tol-hoogte'\t7\t'high'\n" +
		"'#D'\t'Willems'\t'tol-hoogte'\t3.0\t0.7\t1.0\n" +
		"'#D'\t'EU (incl Norway)'\t'tol-hoogte'\t6\t0.4\t2\n")
	sc, err := decide.Parse("toll.csv", data)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, is := range sc.Issues {
		fmt.Printf("issue %s (%q) on [%g, %g]\n", is.ID, is.Name, is.Scale.Min, is.Scale.Max)
	}
	for _, st := range sc.Stances {
		fmt.Printf("%s: position %v, salience %v, capability %v\n", st.Actor, st.Position, st.Salience, *st.Capability)
	}

	_, err = decide.Parse("bad.csv", []byte("#A\tX\n#P\tp\n#D\tX\tp\t150\t0.5\t1\n"))
	fmt.Println(err)
	// Output:
	// issue tol_hoogte ("tol-hoogte") on [0.5, 7]
	// Willems: position 3, salience 0.7, capability 1
	// EU_incl_Norway: position 6, salience 0.4, capability 2
	// bad.csv:3:8: position 150 is outside the scale of issue "p": want a number from 0 to 100
}
