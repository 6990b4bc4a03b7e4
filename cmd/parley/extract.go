package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/extract"
	"github.com/parley-forecast/parley/extract/textin"
	"github.com/parley-forecast/parley/internal/atomicfile"
	"github.com/spf13/cobra"
)

type extractFlags struct {
	aliases                                    []string
	format, out, proposals, inputFormat, title string
}

func newExtractCmd() *cobra.Command {
	var f extractFlags
	cmd := &cobra.Command{
		Use:   "extract ARTICLE... --out FILE",
		Short: "Propose a draft scenario and a list of stances from articles",
		Long: `Read articles (plain text, HTML or text-based PDF) and propose a draft
scenario for review: the actors and issues they name, one draft stance per
actor and issue with the sentences that back it, and ally or rival
relations. Actors are found through an alias dictionary (capitals, leaders
and organisations included), extended by --aliases files.

Two files are written. --out gets the scenario, a valid Parley scenario
that 'parley validate' checks like any other; every stance in it is marked
"draft: set position and salience". Beside it, FILE.proposals.yaml (or
--proposals) lists every proposed stance: actor, cue, target, issue,
polarity, the exact sentence with its code-point offsets, a confidence, and
confirmed: false for the analyst. For HTML and PDF articles the extracted
text is written beside the scenario as FILE.SOURCE.txt, and the scenario's
source points at it, so that quotes and offsets can be checked.

See docs/extraction.md for the rules, the dictionary format and the
measured precision and recall.`,
		Example: `  parley extract article.txt --out draft.yaml
  parley extract page.html report.pdf --aliases my-actors.txt --out draft.yaml
  parley extract article.txt --format json --out draft.json`,
		Args: args(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return runExtract(cmd, a, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.aliases, "aliases", nil, "dictionary file of extra actors, aliases and issue terms (repeatable; see docs/extraction.md)")
	fl.StringVarP(&f.format, "format", "f", "", "output format: yaml or json (default: from --out's extension, else yaml)")
	fl.StringVarP(&f.out, "out", "o", "", "write the draft scenario to this file (required)")
	fl.StringVar(&f.proposals, "proposals", "", "write the proposals here (default: beside --out as NAME.proposals.EXT)")
	fl.StringVar(&f.inputFormat, "input-format", "auto", "article format: auto, text, html or pdf")
	fl.StringVar(&f.title, "title", "", "title of the draft scenario (default: from the first article)")
	_ = cmd.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"yaml", "json"}, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// proposalsDoc is the layout of the proposals file.
type proposalsDoc struct {
	Scenario  string             `json:"scenario"`
	Sources   []proposalSource   `json:"sources"`
	Proposals []extract.Proposal `json:"proposals"`
}

type proposalSource struct {
	ID     string `json:"id"`
	File   string `json:"file"`
	Format string `json:"format"`
	Text   string `json:"text"`
	Chars  int    `json:"chars"`
}

func runExtract(cmd *cobra.Command, files []string, f *extractFlags) error {
	if f.out == "" {
		return usagef("extract needs --out FILE for the draft scenario")
	}
	format := f.format
	if format == "" {
		format = "yaml"
		if strings.EqualFold(filepath.Ext(f.out), ".json") {
			format = "json"
		}
	}
	if format != "yaml" && format != "json" {
		return usagef("unknown format %q: want yaml or json", format)
	}
	switch f.inputFormat {
	case "auto", "", textin.Text, textin.HTML, textin.PDF:
	default:
		return usagef("unknown input format %q: want auto, text, html or pdf", f.inputFormat)
	}
	ext := "." + format
	stem := strings.TrimSuffix(f.out, filepath.Ext(f.out))
	propPath := f.proposals
	if propPath == "" {
		propPath = stem + ".proposals" + ext
	}
	if err := checkOut(f.out); err != nil {
		return err
	}
	if err := checkWritable("--proposals", propPath); err != nil {
		return err
	}
	dict := extract.Builtin()
	for _, p := range f.aliases {
		data, err := os.ReadFile(p)
		if err != nil {
			return inputError{err}
		}
		user, err := extract.ParseDictionary(p, data)
		if err != nil {
			return err
		}
		dict.Merge(user)
	}
	outDir := filepath.Dir(f.out)
	var inputs []extract.Input
	var docs []*textin.Doc
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			return inputError{err}
		}
		doc, err := textin.Read(p, data, f.inputFormat)
		if err != nil {
			return err
		}
		in := extract.Input{Name: p, Title: doc.Title, Text: doc.Text}
		if doc.Format == textin.Text && len(data) == len(doc.Text) {
			// The file itself is the text: cite it where it is.
			in.Path = relPath(outDir, p)
		}
		inputs = append(inputs, in)
		docs = append(docs, doc)
	}
	dr, err := extract.Extract(inputs, extract.Options{Dictionary: dict, Title: f.title})
	if err != nil {
		return err
	}
	if len(dr.Proposals) == 0 {
		return parley.Errorf(parley.EINVALID, "found no stance in %s: nothing to draft (are its actors in the dictionary? add them with --aliases)", strings.Join(files, ", "))
	}
	doc := proposalsDoc{Scenario: filepath.Base(f.out), Proposals: dr.Proposals}
	texts := map[string][]byte{}
	for i, d := range docs {
		src := &dr.Scenario.Sources[i]
		textFile := files[i]
		if src.Path == "" {
			// HTML or PDF (or re-encoded text): keep the text the offsets
			// count in.
			textFile = stem + "." + src.ID + ".txt"
			texts[textFile] = []byte(d.Text)
			src.Path = filepath.Base(textFile)
		}
		doc.Sources = append(doc.Sources, proposalSource{ID: src.ID, File: files[i], Format: d.Format,
			Text: relPath(filepath.Dir(propPath), textFile), Chars: utf8.RuneCountInString(d.Text)})
	}
	if errs := dr.Scenario.Validate().Errors(); len(errs) > 0 {
		return fmt.Errorf("internal error: the draft does not validate:\n%v", errs)
	}
	scen, err := encode(&dr.Scenario, format)
	if err != nil {
		return err
	}
	props, err := encode(doc, format)
	if err != nil {
		return err
	}
	if format == "yaml" {
		scen = append([]byte("# Draft scenario proposed by parley extract: every stance, capability and\n# relation strength is a placeholder. Review the proposals in "+filepath.Base(propPath)+".\n"), scen...)
	}
	for name, data := range texts {
		if err := atomicfile.WriteFile(name, data, 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", name, err)
		}
	}
	if err := atomicfile.WriteFile(propPath, props, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", propPath, err)
	}
	if err := atomicfile.WriteFile(f.out, scen, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", f.out, err)
	}
	sc := &dr.Scenario
	fmt.Fprintf(cmd.OutOrStdout(), "%s: draft scenario: %s, %s, %s, %s\n", f.out, count(len(sc.Actors), "actor"), count(len(sc.Issues), "issue"), count(len(sc.Stances), "stance"), count(len(sc.Relations), "relation"))
	fmt.Fprintf(cmd.OutOrStdout(), "%s: %s to review\n", propPath, count(len(dr.Proposals), "proposal"))
	return nil
}

func encode(v any, format string) ([]byte, error) {
	if format == "yaml" {
		return extract.EncodeYAML(v)
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// relPath returns target relative to dir, with forward slashes, or
// target made absolute when no relative path exists.
func relPath(dir, target string) string {
	ad, err1 := filepath.Abs(dir)
	at, err2 := filepath.Abs(target)
	if err1 != nil || err2 != nil {
		return filepath.ToSlash(target)
	}
	r, err := filepath.Rel(ad, at)
	if err != nil {
		return filepath.ToSlash(at)
	}
	return filepath.ToSlash(r)
}
