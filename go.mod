module github.com/parley-forecast/parley

go 1.26
