package sweep

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"sort"
	"strconv"
	"strings"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/analysis"
)

// ManifestFormat and ShardFormat name the file encodings; they change only
// when the encodings do.
const (
	ManifestFormat = "parley-sweep-manifest/1"
	ShardFormat    = "parley-sweep-shard/1"
)

// Analyses a manifest may name.
const (
	Simulate    = "simulate"
	Sensitivity = "sensitivity"
)

// MaxShards bounds K; a sweep with more shards than this is surely a
// mistake (and its merge would open that many files).
const MaxShards = 1 << 20

// A Manifest describes a sweep completely: with it and the same Parley
// version, any machine computes any shard.
type Manifest struct {
	Format   string `json:"format"`
	Version  string `json:"parley_version"`
	Analysis string `json:"analysis"`
	// Scenario is the input file as given to plan.
	Scenario Source `json:"scenario"`
	// Fingerprint is analysis.Problem.Fingerprint of the scenario with the
	// variant applied, as computed at planning time; runs recompute and
	// compare it.
	Fingerprint string            `json:"fingerprint"`
	Variant     string            `json:"variant,omitempty"`
	Model       string            `json:"model"`
	Rounds      int               `json:"rounds"`
	Params      map[string]string `json:"params,omitempty"`
	// Sensitivity is the sensitivity analysis's options (only, and always,
	// for analysis sensitivity).
	Sensitivity *SensitivitySpec `json:"sensitivity,omitempty"`
	// Design is how run indices map to inputs: "monte-carlo" (each range
	// drawn from Distribution with a PCG seeded from (Seed, index)), or
	// for a sensitivity sweep "morris" or "saltelli" (index e is the
	// design's evaluation e; see analysis.SensitivityDesign).
	Design       string        `json:"design"`
	Distribution analysis.Dist `json:"distribution"`
	Bins         int           `json:"bins"`
	// Draws is the number of run indices N: Monte Carlo draws, or the
	// sensitivity design's evaluations (not its --draws).
	Draws  uint64 `json:"draws"`
	Seed   uint64 `json:"seed"`
	Shards int    `json:"shards"`
}

// Source is an input file carried inside the manifest.
type Source struct {
	// Name is the file's base name (its extension selects the reader).
	Name string `json:"name"`
	// InputFormat is the reader given to plan ("auto" to detect).
	InputFormat string `json:"input_format"`
	// SHA256 is the hex SHA-256 of Content.
	SHA256  string `json:"sha256"`
	Content []byte `json:"content"`
}

// DesignMonteCarlo is the design of a simulate sweep.
const DesignMonteCarlo = "monte-carlo"

// Designs of sensitivity sweeps, by method.
const (
	DesignMorris   = "morris"
	DesignSaltelli = "saltelli"
)

// SensitivitySpec is what parley sensitivity takes besides the model,
// scenario, distribution and seed, as given (0 for the defaults).
type SensitivitySpec struct {
	// Method is "morris" or "sobol".
	Method string `json:"method"`
	// Draws is Morris's trajectories or Sobol's base rows N.
	Draws int `json:"n"`
	// Levels is Morris's grid levels.
	Levels int `json:"levels,omitempty"`
	// Sampler and Resamples are Sobol's.
	Sampler   string `json:"sampler,omitempty"`
	Resamples int    `json:"resamples,omitempty"`
}

// Options returns the analysis options s stands for.
func (s *SensitivitySpec) Options(d analysis.Dist) analysis.SensitivityOptions {
	return analysis.SensitivityOptions{Method: s.Method, Dist: d,
		Morris: analysis.MorrisOptions{Trajectories: s.Draws, Levels: s.Levels},
		Sobol:  analysis.SobolOptions{N: s.Draws, Sampler: s.Sampler, Resamples: s.Resamples}}
}

// SensitivityDesignName is the manifest design of a sensitivity method.
func SensitivityDesignName(method string) string {
	if method == "morris" {
		return DesignMorris
	}
	return DesignSaltelli
}

// NewSource wraps a file's bytes.
func NewSource(name, inputFormat string, content []byte) Source {
	h := sha256.Sum256(content)
	return Source{Name: name, InputFormat: inputFormat, SHA256: hex.EncodeToString(h[:]), Content: content}
}

// Check reports the first inconsistency in m, as an EINVALID *Error.
func (m *Manifest) Check() error {
	bad := func(format string, a ...any) error {
		return parley.Errorf(parley.EINVALID, "manifest: %s", fmt.Sprintf(format, a...))
	}
	switch {
	case m.Format != ManifestFormat:
		return bad("format %q, want %q", m.Format, ManifestFormat)
	case m.Analysis != Simulate && m.Analysis != Sensitivity:
		return bad("analysis %q, want %s or %s", m.Analysis, Simulate, Sensitivity)
	case m.Analysis == Simulate && m.Sensitivity != nil:
		return bad("a simulate sweep has no sensitivity options")
	case m.Analysis == Simulate && m.Design != DesignMonteCarlo:
		return bad("design %q, want %s", m.Design, DesignMonteCarlo)
	case m.Analysis == Sensitivity && m.Sensitivity == nil:
		return bad("a sensitivity sweep needs its sensitivity options")
	case m.Analysis == Sensitivity && m.Sensitivity.Method != "morris" && m.Sensitivity.Method != "sobol":
		return bad("sensitivity method %q, want morris or sobol", m.Sensitivity.Method)
	case m.Analysis == Sensitivity && m.Design != SensitivityDesignName(m.Sensitivity.Method):
		return bad("design %q, want %s for method %s", m.Design, SensitivityDesignName(m.Sensitivity.Method), m.Sensitivity.Method)
	case m.Analysis == Sensitivity && m.Bins != 0:
		return bad("a sensitivity sweep has no bins")
	case m.Draws == 0:
		return bad("no draws")
	case m.Shards < 1 || m.Shards > MaxShards:
		return bad("shards %d, want 1 to %d", m.Shards, MaxShards)
	case uint64(m.Shards) > m.Draws:
		return bad("%d shards for %d draws: every shard needs at least one draw", m.Shards, m.Draws)
	case m.Scenario.Name == "" || strings.ContainsAny(m.Scenario.Name, `/\`):
		return bad("scenario name %q must be a plain file name", m.Scenario.Name)
	}
	h := sha256.Sum256(m.Scenario.Content)
	if hex.EncodeToString(h[:]) != m.Scenario.SHA256 {
		return bad("the scenario's content does not match its sha256 %s (edited by hand?)", m.Scenario.SHA256)
	}
	return nil
}

// Encode returns m's canonical encoding (indented JSON with a final
// newline); Hash is computed from the compact form, so the hash does not
// depend on how the file is laid out.
func (m *Manifest) Encode() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Hash is the hex SHA-256 of m's compact JSON encoding.
func (m *Manifest) Hash() string {
	b, err := json.Marshal(m)
	if err != nil {
		return "unmarshalable:" + err.Error()
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// DecodeManifest reads a manifest written by Encode and checks it.
func DecodeManifest(name string, data []byte) (*Manifest, error) {
	var m Manifest
	if _, pos, msg := decodeStrict(data, &m); msg != "" {
		return nil, parley.Errorf(parley.EINVALID, "%s: not a sweep manifest: %s", at(name, pos), msg)
	}
	if err := m.Check(); err != nil {
		return nil, parley.Errorf(parley.EINVALID, "%s: %v", name, err)
	}
	return &m, nil
}

// Range returns shard i's run indices [lo, hi) = [⌊n·i/k⌋, ⌊n·(i+1)/k⌋).
// It panics unless 0 ≤ i < k.
func Range(n uint64, k, i int) (lo, hi uint64) {
	if k < 1 || i < 0 || i >= k {
		panic(fmt.Sprintf("sweep.Range: shard %d of %d", i, k))
	}
	return mulDiv(n, uint64(i), uint64(k)), mulDiv(n, uint64(i+1), uint64(k))
}

// mulDiv returns ⌊a·b/c⌋ for b ≤ c, without overflow.
func mulDiv(a, b, c uint64) uint64 {
	h, l := bits.Mul64(a, b)
	q, _ := bits.Div64(h, l, c) // h < c because b ≤ c
	return q
}

// ShardName is the file name of shard i of k.
func ShardName(i, k int) string { return fmt.Sprintf("shard-%d-of-%d.json", i, k) }

// IsShardName reports whether a file name looks like a shard file (so
// that merge examines it); temporary files of unfinished writes start
// with a dot and do not.
func IsShardName(name string) bool {
	return strings.HasPrefix(name, "shard-") && strings.HasSuffix(name, ".json")
}

// Shard is a decoded shard file.
type Shard struct {
	Format   string `json:"format"`
	Manifest string `json:"manifest_sha256"`
	Index    int    `json:"shard"`
	Shards   int    `json:"shards"`
	Lo       uint64 `json:"lo"`
	Hi       uint64 `json:"hi"`
	// PayloadSHA256 is the hex SHA-256 of the bytes of Payload exactly as
	// they stand in the file.
	PayloadSHA256 string          `json:"payload_sha256"`
	Payload       json.RawMessage `json:"payload"`
}

// EncodeShard returns the file of shard i of simulate sweep m holding
// part, which must cover exactly the shard's range.
func EncodeShard(m *Manifest, i int, part *analysis.Partial) ([]byte, error) {
	if m.Analysis != Simulate {
		return nil, parley.Errorf(parley.EINVALID, "a %s sweep's shard holds no simulation partial", m.Analysis)
	}
	lo, hi := Range(m.Draws, m.Shards, i)
	if len(part.Ranges) != 1 || part.Ranges[0] != (analysis.Range{Lo: lo, Hi: hi}) {
		return nil, parley.Errorf(parley.EINVALID, "shard %d covers %v, want [%d,%d)", i, part.Ranges, lo, hi)
	}
	payload, err := json.Marshal(part)
	if err != nil {
		return nil, err
	}
	return encodeEnvelope(m, i, lo, hi, payload)
}

// OutputsKind marks the payload of a sensitivity shard.
const OutputsKind = "sensitivity-outputs"

// Outputs is the payload of a sensitivity shard: the model outputs of
// evaluations [Lo, Hi) in index order, Width numbers per evaluation,
// each as its 8 little-endian IEEE 754 bytes (exact, NaN included), the
// whole base64 in JSON.
type Outputs struct {
	Kind  string `json:"kind"`
	Lo    uint64 `json:"lo"`
	Hi    uint64 `json:"hi"`
	Width int    `json:"width"`
	Y     []byte `json:"y"`
}

// EncodeOutputsShard returns the file of shard i of sensitivity sweep m
// holding y, the outputs of the shard's evaluations in index order (as
// analysis.SensitivityDesign.EvaluateRange returns them), width per
// evaluation.
func EncodeOutputsShard(m *Manifest, i, width int, y []float64) ([]byte, error) {
	if m.Analysis != Sensitivity {
		return nil, parley.Errorf(parley.EINVALID, "a %s sweep's shard holds no sensitivity outputs", m.Analysis)
	}
	lo, hi := Range(m.Draws, m.Shards, i)
	if width < 1 || uint64(len(y)) != (hi-lo)*uint64(width) {
		return nil, parley.Errorf(parley.EINVALID, "shard %d: %d outputs for %d evaluations of %d", i, len(y), hi-lo, width)
	}
	o := Outputs{Kind: OutputsKind, Lo: lo, Hi: hi, Width: width, Y: make([]byte, 8*len(y))}
	for j, v := range y {
		binary.LittleEndian.PutUint64(o.Y[8*j:], math.Float64bits(v))
	}
	payload, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	return encodeEnvelope(m, i, lo, hi, payload)
}

// encodeEnvelope wraps a shard's payload with its identity and checksum.
func encodeEnvelope(m *Manifest, i int, lo, hi uint64, payload []byte) ([]byte, error) {
	h := sha256.Sum256(payload)
	s := Shard{Format: ShardFormat, Manifest: m.Hash(), Index: i, Shards: m.Shards, Lo: lo, Hi: hi,
		PayloadSHA256: hex.EncodeToString(h[:]), Payload: payload}
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// decodeEnvelope checks one file's envelope against m (whose Hash is
// hash) and returns it with its shard's range. A non-nil problem says
// whether the file is foreign or corrupt.
func decodeEnvelope(m *Manifest, hash, name string, data []byte) (*Shard, uint64, uint64, *problem) {
	corrupt := func(format string, a ...any) (*Shard, uint64, uint64, *problem) {
		return nil, 0, 0, &problem{kind: "corrupt", file: name, msg: fmt.Sprintf(format, a...)}
	}
	foreign := func(format string, a ...any) (*Shard, uint64, uint64, *problem) {
		return nil, 0, 0, &problem{kind: "foreign", file: name, msg: fmt.Sprintf(format, a...)}
	}
	var s Shard
	dec, pos, msg := decodeStrict(data, &s)
	if msg != "" {
		name = at(name, pos)
		return corrupt("not a shard file: %s", msg)
	}
	if dec.More() {
		return corrupt("data after the shard")
	}
	if s.Format != ShardFormat {
		return corrupt("format %q, want %q", s.Format, ShardFormat)
	}
	if s.Manifest != hash {
		return foreign("written for manifest %.12s…, this sweep is %.12s…", s.Manifest, hash)
	}
	if s.Shards != m.Shards {
		return foreign("shard %d of %d, this sweep has %d shards", s.Index, s.Shards, m.Shards)
	}
	if s.Index < 0 || s.Index >= m.Shards {
		return corrupt("shard index %d outside [0,%d)", s.Index, m.Shards)
	}
	h := sha256.Sum256(s.Payload)
	if hex.EncodeToString(h[:]) != s.PayloadSHA256 {
		return corrupt("payload checksum mismatch (the file was changed or damaged)")
	}
	lo, hi := Range(m.Draws, m.Shards, s.Index)
	if s.Lo != lo || s.Hi != hi {
		return corrupt("range [%d,%d), shard %d of this sweep is [%d,%d)", s.Lo, s.Hi, s.Index, lo, hi)
	}
	return &s, lo, hi, nil
}

// decodeShard checks one file against simulate sweep m and spec (the
// simulation's spec, recomputed from the manifest) and returns its shard
// index and partial. A non-nil problem says whether the file is foreign
// or corrupt.
func decodeShard(m *Manifest, hash string, spec []byte, name string, data []byte) (int, *analysis.Partial, *problem) {
	corrupt := func(format string, a ...any) (int, *analysis.Partial, *problem) {
		return -1, nil, &problem{kind: "corrupt", file: name, msg: fmt.Sprintf(format, a...)}
	}
	s, lo, hi, pr := decodeEnvelope(m, hash, name, data)
	if pr != nil {
		return -1, nil, pr
	}
	// Compare the payload's spec before decoding the aggregate, whose size
	// the spec sets (a 10,000-bin histogram per issue).
	var head struct {
		Spec json.RawMessage `json:"spec"`
	}
	if err := json.Unmarshal(s.Payload, &head); err != nil {
		return corrupt("%v", err)
	}
	if !bytes.Equal(head.Spec, spec) {
		return corrupt("payload is of another simulation than the manifest describes")
	}
	var p analysis.Partial
	if err := json.Unmarshal(s.Payload, &p); err != nil {
		return corrupt("%v", err)
	}
	if len(p.Ranges) != 1 || p.Ranges[0] != (analysis.Range{Lo: lo, Hi: hi}) {
		return corrupt("payload covers %v, want [%d,%d)", p.Ranges, lo, hi)
	}
	if got, _ := json.Marshal(p.Spec); !bytes.Equal(got, spec) {
		return corrupt("payload is of another simulation than the manifest describes")
	}
	return s.Index, &p, nil
}

// decodeOutputs checks one file against sensitivity sweep m, whose
// evaluations have width outputs, and returns its shard index and
// outputs.
func decodeOutputs(m *Manifest, hash string, width int, name string, data []byte) (int, []float64, *problem) {
	corrupt := func(format string, a ...any) (int, []float64, *problem) {
		return -1, nil, &problem{kind: "corrupt", file: name, msg: fmt.Sprintf(format, a...)}
	}
	s, lo, hi, pr := decodeEnvelope(m, hash, name, data)
	if pr != nil {
		return -1, nil, pr
	}
	var o Outputs
	dec := json.NewDecoder(bytes.NewReader(s.Payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		return corrupt("payload is not sensitivity outputs: %v", err)
	}
	if o.Kind != OutputsKind {
		return corrupt("payload is %q, want %s", o.Kind, OutputsKind)
	}
	if o.Lo != lo || o.Hi != hi || o.Width != width {
		return corrupt("payload holds evaluations [%d,%d) of %d outputs, want [%d,%d) of %d", o.Lo, o.Hi, o.Width, lo, hi, width)
	}
	if uint64(len(o.Y)) != 8*(hi-lo)*uint64(width) {
		return corrupt("payload holds %d bytes of outputs, want %d", len(o.Y), 8*(hi-lo)*uint64(width))
	}
	y := make([]float64, len(o.Y)/8)
	for j := range y {
		y[j] = math.Float64frombits(binary.LittleEndian.Uint64(o.Y[8*j:]))
	}
	return s.Index, y, nil
}

type problem struct{ kind, file, msg string }

// A File is a candidate shard file: its path (for messages) and content.
type File struct {
	Name string
	Data []byte
}

// Collect checks files, every candidate shard file found for simulate
// sweep m, against m and spec (NewSimSpec of the manifest's problem) and
// returns the K shard files in shard order, for Merge. Unless every shard
// is present exactly once and every file belongs to m and is intact, it
// returns an EINVALID *Error listing every missing, duplicated, foreign
// and corrupt file. It keeps no decoded aggregate (each holds a
// 10,000-bin histogram per issue), so its memory is that of the files,
// whatever K.
func Collect(m *Manifest, spec analysis.SimSpec, files []File) ([]File, error) {
	if m.Analysis != Simulate {
		return nil, parley.Errorf(parley.EINVALID, "the manifest is of a %s sweep, not %s", m.Analysis, Simulate)
	}
	want, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	if spec.Draws != m.Draws || spec.Seed != m.Seed || spec.Scenario != m.Fingerprint {
		return nil, parley.Errorf(parley.EINVALID, "the manifest's simulation does not match its scenario")
	}
	hash := m.Hash()
	return collect(m, hash, files, func(name string, data []byte) (int, *problem) {
		i, _, pr := decodeShard(m, hash, want, name, data)
		return i, pr
	})
}

// CollectOutputs is Collect for sensitivity sweep m, whose evaluations
// have width outputs (analysis.SensitivityDesign.Outputs).
func CollectOutputs(m *Manifest, width int, files []File) ([]File, error) {
	if m.Analysis != Sensitivity {
		return nil, parley.Errorf(parley.EINVALID, "the manifest is of a %s sweep, not %s", m.Analysis, Sensitivity)
	}
	hash := m.Hash()
	return collect(m, hash, files, func(name string, data []byte) (int, *problem) {
		i, _, pr := decodeOutputs(m, hash, width, name, data)
		return i, pr
	})
}

// collect sorts files into shards with decode, which returns a file's
// shard index or its problem.
func collect(m *Manifest, hash string, files []File, decode func(name string, data []byte) (int, *problem)) ([]File, error) {
	parts := make([]File, m.Shards)
	have := make([]bool, m.Shards)
	from := make([]string, m.Shards)
	var probs []problem
	sorted := append([]File(nil), files...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	type decoded struct {
		f File
		i int
	}
	var ok []decoded
	for _, f := range sorted {
		i, pr := decode(f.Name, f.Data)
		if pr != nil {
			probs = append(probs, *pr)
			continue
		}
		ok = append(ok, decoded{f, i})
	}
	// Of several copies of a shard keep the one under the shard's own
	// name (else the first by name) and report the others.
	kept := make([]int, m.Shards)
	for i := range kept {
		kept[i] = -1
	}
	for pass := range 2 {
		for j, d := range ok {
			own := baseName(d.f.Name) == ShardName(d.i, m.Shards)
			if (pass == 0) == own && kept[d.i] < 0 {
				kept[d.i] = j
				parts[d.i], have[d.i], from[d.i] = d.f, true, d.f.Name
			}
		}
	}
	for j, d := range ok {
		if kept[d.i] != j {
			probs = append(probs, problem{kind: "duplicated", file: d.f.Name, msg: fmt.Sprintf("shard %d is also in %s", d.i, from[d.i])})
		}
	}
	var missing []string
	for i, h := range have {
		if !h {
			missing = append(missing, strconv.Itoa(i))
		}
	}
	if len(missing) == 0 && len(probs) == 0 {
		return parts, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "sweep %.12s… is not complete and intact:", hash)
	if len(missing) > 0 {
		fmt.Fprintf(&b, "\n  missing: %d of %d shards: %s", len(missing), m.Shards, abbreviate(missing))
	}
	for _, p := range probs {
		fmt.Fprintf(&b, "\n  %s: %s: %s", p.kind, p.file, p.msg)
	}
	return nil, parley.Errorf(parley.EINVALID, "%s", b.String())
}

// abbreviate lists at most 20 items.
func abbreviate(xs []string) string {
	if len(xs) > 20 {
		return strings.Join(xs[:20], ", ") + fmt.Sprintf(" and %d more", len(xs)-20)
	}
	return strings.Join(xs, ", ")
}

// Merge decodes the shard files Collect returned, checking each again, and
// adds their aggregates in shard (run-index) order, one at a time.
func Merge(m *Manifest, spec analysis.SimSpec, files []File) (*analysis.Partial, error) {
	if m.Analysis != Simulate {
		return nil, parley.Errorf(parley.EINVALID, "the manifest is of a %s sweep, not %s", m.Analysis, Simulate)
	}
	if len(files) != m.Shards {
		return nil, parley.Errorf(parley.EINVALID, "%d shard files for %d shards", len(files), m.Shards)
	}
	want, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	hash := m.Hash()
	out := analysis.NewPartial(spec)
	for i, f := range files {
		j, p, pr := decodeShard(m, hash, want, f.Name, f.Data)
		if pr != nil {
			return nil, parley.Errorf(parley.EINVALID, "%s: %s: %s", pr.kind, pr.file, pr.msg)
		}
		if j != i {
			return nil, parley.Errorf(parley.EINVALID, "%s holds shard %d, not %d", f.Name, j, i)
		}
		if err := out.Merge(p); err != nil {
			return nil, fmt.Errorf("shard %d: %w", i, err)
		}
	}
	return out, nil
}

// MergeOutputs decodes the shard files CollectOutputs returned, checking
// each again, and concatenates their outputs in shard (evaluation-index)
// order: the table analysis.SensitivityDesign.Estimate takes.
func MergeOutputs(m *Manifest, width int, files []File) ([]float64, error) {
	if m.Analysis != Sensitivity {
		return nil, parley.Errorf(parley.EINVALID, "the manifest is of a %s sweep, not %s", m.Analysis, Sensitivity)
	}
	if len(files) != m.Shards {
		return nil, parley.Errorf(parley.EINVALID, "%d shard files for %d shards", len(files), m.Shards)
	}
	hash := m.Hash()
	var y []float64
	for i, f := range files {
		j, part, pr := decodeOutputs(m, hash, width, f.Name, f.Data)
		if pr != nil {
			return nil, parley.Errorf(parley.EINVALID, "%s: %s: %s", pr.kind, pr.file, pr.msg)
		}
		if j != i {
			return nil, parley.Errorf(parley.EINVALID, "%s holds shard %d, not %d", f.Name, j, i)
		}
		y = append(y, part...)
	}
	return y, nil
}

// baseName is the last element of a slash- or backslash-separated path,
// without touching the file system (the server imports this package).
func baseName(name string) string {
	return name[strings.LastIndexAny(name, `/\`)+1:]
}
