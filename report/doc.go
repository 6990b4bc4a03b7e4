// Package report writes a brief: one document that states a scenario's
// question and answers it with every analysis Parley has, so that a reader
// who never runs the tool sees the forecast, its uncertainty, what it
// depends on, and the evidence behind each input.
//
// Compute runs the analyses (a traced run of the base scenario; package
// analysis's Compare with Monte Carlo draws for the base and every
// variant; Leverage; Morris screening for the main drivers). HTML and
// Markdown render the result. The package does no I/O: values in,
// document bytes out. Plots are drawn with gonum.org/v1/plot in memory,
// as inline SVG in the HTML and as PNG files that Markdown returns beside
// the document for the caller to write.
//
// Sections, in order, in both formats: the question; the answer in short;
// the forecast per issue on its labelled scale with the distribution's
// mean, standard deviation and 5/50/95 % quantiles (and a distribution
// plot per issue); each question's probability with its Wilson interval in
// the base and every variant; the what-if table; leverage (ranking and the
// largest moves one actor causes in another); the main drivers (Morris μ*,
// top five inputs per issue and question); positions over rounds (one plot
// per issue); the inputs (actors, stances with every evidence quote and its
// source, assumptions marked ASSUMPTION, relations, sources); and the
// model, Parley version, seed, draws and command that reproduce the
// numbers.
//
// A brief is deterministic: it holds no time stamp, and every random draw
// comes from the seed in the model options, so the same inputs give the
// same bytes.
package report
