// Package csvcase reads the one-issue cases that the expected-utility
// literature publishes as plain tables: one row per actor with its
// capability, its position on the issue and the salience to it.
//
// The format is a comma-separated table with a header line:
//
//	actor,capability,position,salience
//	Netherlands,0.08,4,0.8
//	Belgium,0.08,7,0.4
//
// The header is matched case-insensitively and the four columns may come in
// any order; other columns are rejected so that a misspelt name is caught.
// Salience is on [0,1] (divide a 0–100 table by 100 first), capability is
// any non-negative number, position any finite number. Lines that start
// with '#' are comments; a UTF-8 byte-order mark and bare-CR line endings
// (as in some published files) are accepted.
//
// Parse builds a parley.Scenario with a single issue, id "issue", whose
// scale runs from the lowest to the highest position in the table (widened
// when every actor holds the same position, so that min < max). Each row
// gives an actor, whose id is a slug of its name (letters and digits kept,
// case preserved, common accented Latin letters folded to ASCII, every other
// run of characters replaced by one '-'), and one stance. ParseInstance
// builds the dense parley.Instance directly, for tests and benchmarks.
//
// Every bad row is reported, all at once, as a parley.Diagnostics whose
// entries carry Pos{File: name, Line: n} and say what was expected, e.g.
//
//	emissions.csv:4: salience: want a number in [0,1], got 1.7
//
// Parse never panics, whatever bytes it is given (checked by FuzzParse).
package csvcase
