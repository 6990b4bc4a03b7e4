package sweep_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/parley-forecast/parley/internal/refdata"
)

// TestClusterFiles checks the examples in docs/cluster: the Slurm scripts
// pass bash -n, and the Kubernetes manifests are well-formed YAML whose
// Jobs run parley sweep run as an Indexed Job and merge from the same
// volume and manifest.
func TestClusterFiles(t *testing.T) {
	dir := filepath.Join(refdata.Root(), "docs", "cluster")
	scripts, _ := filepath.Glob(filepath.Join(dir, "slurm", "*"))
	if len(scripts) < 3 {
		t.Fatalf("want submit.sh, shard.sbatch and merge.sbatch in %s/slurm, found %v", dir, scripts)
	}
	if bash, err := exec.LookPath("bash"); err != nil {
		t.Logf("no bash: syntax of the Slurm scripts not checked")
	} else {
		for _, s := range scripts {
			if out, err := exec.Command(bash, "-n", s).CombinedOutput(); err != nil {
				t.Errorf("bash -n %s: %v\n%s", s, err, out)
			}
		}
	}

	docs := map[string]map[string]any{}
	files, _ := filepath.Glob(filepath.Join(dir, "k8s", "*.yaml"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := yaml.UnmarshalWithOptions(b, &v, yaml.Strict()); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		for _, k := range []string{"apiVersion", "kind", "metadata.name"} {
			if get(v, k) == nil {
				t.Errorf("%s: no %s", f, k)
			}
		}
		docs[filepath.Base(f)] = v
	}
	shards, merge, pvc := docs["shards-job.yaml"], docs["merge-job.yaml"], docs["pvc.yaml"]
	if shards == nil || merge == nil || pvc == nil {
		t.Fatalf("want pvc.yaml, shards-job.yaml and merge-job.yaml, found %v", files)
	}
	if get(pvc, "kind") != "PersistentVolumeClaim" || fmt.Sprint(get(pvc, "spec.accessModes")) != "[ReadWriteMany]" {
		t.Errorf("pvc.yaml: want a ReadWriteMany PersistentVolumeClaim")
	}
	if get(shards, "kind") != "Job" || get(shards, "spec.completionMode") != "Indexed" {
		t.Errorf("shards-job.yaml: want a Job with completionMode Indexed")
	}
	c, _ := strconv.Atoi(fmt.Sprint(get(shards, "spec.completions")))
	p, _ := strconv.Atoi(fmt.Sprint(get(shards, "spec.parallelism")))
	if c < 1 || p < 1 || p > c {
		t.Errorf("shards-job.yaml: completions %d, parallelism %d", c, p)
	}
	for name, d := range map[string]map[string]any{"shards-job.yaml": shards, "merge-job.yaml": merge} {
		spec := "spec.template.spec."
		args := fmt.Sprint(get(d, spec+"containers.0.args"))
		want := map[string]string{"shards-job.yaml": "[sweep run ", "merge-job.yaml": "[sweep merge "}[name]
		if !strings.HasPrefix(args, want) || strings.Contains(args, "--shard ") {
			t.Errorf("%s: args %s, want %s… without --shard", name, args, want)
		}
		if rp := get(d, spec+"restartPolicy"); rp != "Never" && rp != "OnFailure" {
			t.Errorf("%s: restartPolicy %v", name, rp)
		}
		if got := get(d, spec+"volumes.0.persistentVolumeClaim.claimName"); got != get(pvc, "metadata.name") {
			t.Errorf("%s: claim %v, the PVC is %v", name, got, get(pvc, "metadata.name"))
		}
		if got := get(d, spec+"volumes.1.configMap.name"); got != "parley-sweep-manifest" {
			t.Errorf("%s: manifest config map %v", name, got)
		}
	}
}

// get follows a dotted path of map keys and list indices.
func get(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}
