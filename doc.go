// Package parley is the vocabulary of Parley, a system that forecasts
// multi-party negotiations with published models.
//
// # Scenarios
//
// A Scenario names the Actors of a negotiation, the Issues at stake (each
// on a numeric Scale whose Anchors say what positions mean), and each
// actor's Stance on each issue it takes part in: its Position, the Salience
// of the issue to it, and optionally its capability on that issue. Every
// number is a Value, either a point or a range {low, mode, high}, and every
// stance carries Evidence (a verbatim quote from a Source) or is marked as
// the analyst's assumption. Relations link actors (ally, rival, leverage);
// Variants are named what-ifs applied to the base; Questions are named
// conditions over issue outcomes ("scope >= 70 and nuclear >= 50").
//
// Validate checks a scenario's meaning and reports every problem with the
// path of the value at fault; package scenario parses files and adds
// line:column positions. CheckQuotes checks evidence against source texts.
//
// # Models
//
// A Model (one package per model under model/) is prepared with Options
// into a Solver, which runs on an Instance: the dense numerical form of a
// scenario, with per actor-issue values in actor-major []float64 slices.
// Solvers keep their workspace between calls, so an analysis can run
// thousands of draws without allocating per draw. A Solver writes a Result:
// the positions of every actor after every round, the forecast of each
// issue under its decision Rule and veto players, the events that moved
// actors, and model-specific detail.
//
// # Errors
//
// Data-dependent failures return an *Error with a Code (EINVALID,
// ENOTFOUND, …) that the command line maps to an exit status and the HTTP
// server to a status code, or Diagnostics, a list of positioned problems.
// Programmer errors such as mismatched slice lengths panic.
//
// This package imports only the standard library and does no I/O.
package parley
