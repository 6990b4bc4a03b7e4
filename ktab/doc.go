// Package ktab reads and writes the scenario files of KTAB, the KAPSARC
// Toolkit for Behavioral Analysis, whose smpc program runs the spatial model
// of politics implemented by package model/smp.
//
// ParseCSV and ParseXML turn a KTAB file into a *parley.Scenario plus the
// model options the file carries (File.Params, ready for
// parley.Options.Params of the smp model); WriteCSV writes a scenario back
// as a KTAB CSV file. Parsers take (name, data) and do no I/O.
//
// # Mapping
//
//   - Each KTAB actor becomes an actor: its KTAB name, cleaned to Parley's
//     id pattern (characters other than letters, digits, '_', '.', '-'
//     become '_'; repeats get a suffix), is the id; the name itself is the
//     display name; the description is the note; the capability ("Power")
//     is the actor's capability.
//   - Each KTAB dimension becomes an issue on the scale [0,100], KTAB's
//     scale (the smp model works on [0,1] internally, as KTAB does after
//     dividing by 100). Its name is the dimension name (the CSV position
//     column's header or the XML dName); its id is the name cleaned to the
//     issue id pattern.
//   - Each actor gets one stance per dimension: the position as given and
//     the salience divided by 100, marked as an assumption taken from the
//     file.
//   - XML ModelParameters become the smp options victory_prob, pce,
//     transitions, voting_rule, big_r_adjust, big_r_range,
//     third_party_commit, interp and bargain_model (KTAB's spellings; the
//     XSD's "Proportional" and "No" are read as "Prop" and "None").
//     IdealAdjustment pairs become the accommodation option,
//     "ADJUSTER:REFERENCE=VALUE;..." by actor id. prngSeed is File.Seed.
//
// # Leniency and strictness
//
// The readers accept what KTAB's own examples contain: trailing commas or
// none, extra fields on the first line, padded fields, quoted fields, a
// byte-order mark, blank lines; in XML, the optional elements that smpc
// wrongly requires (IdealAdjustment, and prngSeed, ModelParameters entries
// and Dimensions, which the schema allows to be left out). They reject, with
// a parley.Diagnostics naming file:line:col, what KTAB accepts silently or
// reports only in its log: non-numeric or out-of-range numbers (smpc's
// stream parsing reads "12abc" as 12), counts that do not match the rows,
// extra non-empty fields, duplicate actor names, positions outside [0,100]
// in XML, and ideal adjustments that add up to more than 1 for an actor
// (smpc throws mid-run). KTAB's limits of 3 to 250 actors and 25-character
// names are not enforced on reading; WriteCSV enforces them, since its
// output is meant for smpc.
//
// Text fields are trimmed of surrounding spaces (KTAB keeps them: the
// scenario name in dummyData_3Dim.csv is "DummyData_3Dim " to smpc). As in
// KTAB, "&quot;" in a field stands for a double quote and "$$" for a comma.
package ktab
