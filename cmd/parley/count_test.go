package main

import "testing"

func TestCount(t *testing.T) {
	tests := []struct {
		n    int
		noun string
		want string
	}{
		{0, "issue", "0 issues"},
		{1, "issue", "1 issue"},
		{1, "warning", "1 warning"},
		{2, "warning", "2 warnings"},
		{13, "actor", "13 actors"},
	}
	for _, tt := range tests {
		if got := count(tt.n, tt.noun); got != tt.want {
			t.Errorf("count(%d, %q) = %q, want %q", tt.n, tt.noun, got, tt.want)
		}
	}
}
