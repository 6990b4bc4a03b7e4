// Package decide reads the input files of "decide", the open Python
// implementation of Stokman's exchange model
// (github.com/foarsitter/decide-exchange-model), into Parley scenarios.
//
// # Format
//
// A decide file is a list of delimited rows. The first field of each row is
// a tag:
//
//	#A  actor id, full name, [comment]
//	#P  issue id, description, [comment]
//	#M  issue id, position, [meaning]     a labelled point of the scale
//	#D  actor id, issue id, position, salience, power, [comment]
//	#/  free text (a comment)
//	#O  free text (a description of the data set)
//
// The delimiter is TAB, ';' or ','; Parse takes the character that follows
// the tag of the first #A, #P, #M or #D row. Fields may be quoted with
// single or double quotes (a doubled quote inside stands for itself).
// Surplus fields are joined, with spaces, into the row's last field (the
// comment or description), as decide does. Blank lines are skipped.
//
// # Mapping to a scenario
//
//   - Each #A row becomes an actor. Its Name is the full name (the id when
//     that is blank) and its capability is the mean of its #D powers, which
//     matters only to what-ifs that scale an actor's capability: every
//     stance carries its own.
//   - Each #P row becomes an issue whose Name is the decide id and whose
//     Description joins the row's description and comment with "; "
//     (leaving out copies of the id, which decide's files often repeat). The scale
//     runs from the smallest to the largest #M position of the issue (0 to
//     100 when it has no #M rows); #M rows with a meaning become anchors.
//     The decision rule is the weighted mean, which is decide's outcome
//     (Σ c·s·x / Σ c·s).
//   - Each #D row becomes a stance with the row's position, salience and
//     power, the last as the stance's capability: in decide, power is per
//     actor and issue. An actor without a #D row for an issue takes no part
//     in it. The stance's Assumption records where it came from (file and
//     line), since decide files carry no evidence.
//
// Identifiers: Parley issue ids must match ^[A-Za-z][A-Za-z0-9_]*$ and
// actor ids ^[A-Za-z0-9][A-Za-z0-9_.-]*$, while decide allows any text. Each
// run of disallowed characters becomes one '_', underscores that such a
// run would leave at either end are dropped, and "issue_" (or "actor_") is
// prefixed when the result does not start as required. So
// "tolheffing-binnenstad" becomes tolheffing_binnenstad and
// "EU (incl Norway)" becomes EU_incl_Norway. Should two ids map to the
// same result, the later ones get "_2", "_3", … in file order. IssueID and
// ActorID give the mapping of a single id.
//
// Salience: decide's documentation puts salience in [0,1], but its reader
// accepts up to 100, and DEU-style data use 0–100. Parse keeps the
// saliences as they are when none exceeds 1, and divides every salience
// of the file by 100 otherwise.
//
// # Errors
//
// Parse reports every problem it finds as a parley.Diagnostics list, each
// entry naming file:line:col and what was expected: unknown tags, missing
// or non-numeric fields, unterminated quotes, rows that name undeclared
// actors or issues, duplicate declarations and duplicate #D rows, a
// position outside its issue's scale, a negative power, a salience below
// 0 or above 100, and a file without actors or issues.
//
// # Deviations from decide's reader
//
// decide stops at a blank line or an unknown tag; Parse skips blank lines
// and reports unknown tags with the rest of the errors. decide's reader has
// a bug that stores the #M row object, not its number, as an issue's lower
// bound when a later #M row is below an earlier one; Parse takes the
// smallest and largest numbers. decide's schema caps power at 100; Parse
// accepts any non-negative power, since a capability scale is the
// analyst's choice. decide sniffs the delimiter heuristically; Parse uses
// the rule above, which gives the same answer on decide's example files.
package decide
