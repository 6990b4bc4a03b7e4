// Package extract proposes a draft Parley scenario from the text of
// articles: who takes a stance (the actor), the words that carry it (the
// cue), toward whom (the target) or about what (the issue), and which way
// (support, oppose, neutral), each with the exact sentence and its
// code-point offsets for the analyst to confirm.
//
// It is pure: text in, draft out. Package textin turns HTML and PDF bytes
// into text; command parley extract reads the files and writes the draft.
//
// # Method
//
// A dictionary-first, rule-based reading in the tradition of political
// event coding (TABARI, PETRARCH), without a parser: paragraphs first,
// the content cut at end-of-article markers, sentences, tokens with
// offsets; actor mentions through an alias dictionary (names, capitals
// and seats of power as metonyms, leaders, plural nouns, adjectives),
// each given a role (noun, possessive, attributive, compound,
// prepositional object, location); verb and event-noun cues from a
// lexicon; the actor of a verb found by shallow rules (subject before the
// verb group, relative pronoun, parentheticals skipped, coordinated verbs,
// pronoun carry-over except expletive it, fronted participles), the actor
// of an event noun from its possessor, modifier or light verb; negation,
// refusal and neither … nor on the polarity; advice (should, must),
// hypotheticals (could, might) and questions yield nothing; the target
// and issue come from the cue's object. docs/extraction.md states every
// rule and the labelling conventions.
//
// # Draft
//
// Extract builds a scenario that passes Scenario.Validate: the actors and
// issues the proposals name, one stance per actor and issue marked as a
// draft assumption with every backing quote as evidence, and ally or
// rival relations. Positions, saliences, capabilities and strengths are
// placeholders: the text gives directions, not magnitudes.
//
// # Evaluation
//
// testdata/eval holds a labelled set written for this package (66 texts,
// 49 expected proposals, 22 texts that must yield nothing). TestEvaluation
// measures precision and recall for actor, cue, target, issue and
// polarity and fails if they fall below testdata/eval/scores.txt. On the
// held-out half: actor, cue and polarity precision 0.85 and recall 1.00,
// target 0.78 and 0.95, issue 0.93 and 1.00. The texts were written by
// the rules' author, so the figures are optimistic for real articles.
//
// # Known deviations from PETRARCH
//
// No constituency parse (none exists in pure Go), so agent and target
// roles come from word order and a few closed word classes; no date
// ranges for office-holders; a much smaller, hand-written dictionary and
// cue lexicon (no PETRARCH, Phoenix, CAMEO or PLOVER data is shipped).
package extract
