package main

import (
	"errors"
	"strings"
	"testing"
)

func TestParsePeerOutput(t *testing.T) {
	out := `{"engine":"duckdb","task":"read_csv","version":"v1.5.5","threads":2,"run":1,"seconds":2.5,"rows":10000000,"max_rss_bytes":1000}` + "\n"
	r, err := parsePeerOutput(strings.NewReader("\n" + out))
	if err != nil {
		t.Fatal(err)
	}
	if r.Engine != "duckdb" || r.Task != "read_csv" || r.Seconds != 2.5 || r.Rows != 10_000_000 || r.MaxRSSBytes != 1000 {
		t.Errorf("got %+v, want the line's values", r)
	}
	for _, bad := range []string{"", "not json\n"} {
		if _, err := parsePeerOutput(strings.NewReader(bad)); err == nil {
			t.Errorf("parsePeerOutput(%q): got no error", bad)
		}
	}
}

// TestPeersWithoutNode checks the error of a machine without node.
func TestPeersWithoutNode(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := runPeer(t.Context(), peerDuckDB, peerVersion, "", 1)
	if !errors.Is(err, errPeerUnavailable) || !strings.Contains(err.Error(), "node") {
		t.Errorf("got %v, want errPeerUnavailable naming node", err)
	}
}
