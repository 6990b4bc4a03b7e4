package ktab_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/ktab"
)

// seeds adds every testdata file with the given extension to the corpus.
func seeds(f *testing.F, ext string) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*"+ext))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// checkParsed holds for any input: an error is positioned Diagnostics
// naming the file and a line; a success is a valid scenario that compiles
// to an Instance and survives a WriteCSV round trip when KTAB can hold it.
func checkParsed(t *testing.T, file *ktab.File, err error) {
	if err != nil {
		var ds parley.Diagnostics
		if !errors.As(err, &ds) || len(ds) == 0 || ds[0].Pos.File != "fuzz" || ds[0].Pos.Line < 1 {
			t.Fatalf("error without a position: %v", err)
		}
		return
	}
	s := file.Scenario
	if err := s.Validate().Err(); err != nil {
		t.Fatalf("parsed scenario does not validate: %v", err)
	}
	if _, err := s.Instance(); err != nil {
		t.Fatalf("parsed scenario does not compile: %v", err)
	}
	var b bytes.Buffer
	if err := ktab.WriteCSV(&b, s); err != nil {
		return // outside KTAB's limits (e.g. fewer than 3 actors)
	}
	g, err := ktab.ParseCSV("fuzz", b.Bytes())
	if err != nil {
		t.Fatalf("WriteCSV output does not read back: %v\n%s", err, b.String())
	}
	if !reflect.DeepEqual(s.Stances, g.Scenario.Stances) || len(s.Actors) != len(g.Scenario.Actors) {
		t.Fatalf("round trip changed the stances:\n%+v\n%+v", s.Stances, g.Scenario.Stances)
	}
}

func FuzzParseCSV(f *testing.F) {
	seeds(f, ".csv")
	f.Add([]byte("S,D,3,1\nActor,Desc,Power,X,SX\nA,a,1,10,10\nB,b,2,20,20\nC,c,3,30,30\n"))
	f.Add([]byte("\xef\xbb\xbf\"S,x\",D,3,1,,,\r\n\r\nActor,Desc,Power,X,SX,\r\n\"A\"\"q\",&quot;a$$b,1,10,10,\r\nB,,2,20,20\nC,c,3,30,30"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := ktab.ParseCSV("fuzz", data)
		checkParsed(t, file, err)
	})
}

func FuzzParseXML(f *testing.F) {
	seeds(f, ".xml")
	f.Add([]byte(`<Scenario><Actors><Actor><name>A</name><capability>1</capability><Position><dCoord>1</dCoord></Position><Salience><dSal>1</dSal></Salience></Actor></Actors></Scenario>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := ktab.ParseXML("fuzz", data)
		checkParsed(t, file, err)
	})
}
