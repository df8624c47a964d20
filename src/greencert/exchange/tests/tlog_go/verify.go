// Checks a greencert log with golang.org/x/mod/sumdb/note and .../tlog: the checkpoint's
// signature, the tree hash from the served tiles, inclusion proofs of every entry and a
// consistency proof from an earlier size. Reads a JSON job on stdin; prints "ok" or fails.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type job struct {
	Vkey       string   `json:"vkey"`
	Checkpoint string   `json:"checkpoint"`
	TileDir    string   `json:"tile_dir"`
	Entries    []string `json:"entries"`
	Proofs     []struct {
		Index int64    `json:"index"`
		Proof []string `json:"proof"`
	} `json:"proofs"`
	OldSize int64  `json:"old_size"`
	OldRoot string `json:"old_root"`
}

type dirTiles struct{ dir string }

func (d dirTiles) Height() int { return 8 }

func (d dirTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		// tlog names tiles tile/H/L/N; the C2SP layout drops the height.
		p := strings.Replace(t.Path(), "tile/8/", "tile/", 1)
		data, err := os.ReadFile(filepath.Join(d.dir, p))
		if err != nil {
			return nil, err
		}
		out[i] = data
	}
	return out, nil
}

func (d dirTiles) SaveTiles([]tlog.Tile, [][]byte) {}

func fail(format string, args ...any) {
	fmt.Printf(format+"\n", args...)
	os.Exit(1)
}

func hash(b64 string) tlog.Hash {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) != 32 {
		fail("bad hash %q", b64)
	}
	var h tlog.Hash
	copy(h[:], raw)
	return h
}

func main() {
	var j job
	if err := json.NewDecoder(os.Stdin).Decode(&j); err != nil {
		fail("job: %v", err)
	}
	verifier, err := note.NewVerifier(j.Vkey)
	if err != nil {
		fail("vkey: %v", err)
	}
	n, err := note.Open([]byte(j.Checkpoint), note.VerifierList(verifier))
	if err != nil {
		fail("checkpoint signature: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		fail("checkpoint size: %v", err)
	}
	tree := tlog.Tree{N: size, Hash: hash(lines[2])}
	reader := tlog.TileHashReader(tree, dirTiles{j.TileDir})
	root, err := tlog.TreeHash(size, reader)
	if err != nil || root != tree.Hash {
		fail("tree hash from the tiles: %v %v", root, err)
	}
	for i, e := range j.Entries {
		raw, _ := base64.StdEncoding.DecodeString(e)
		proof, err := tlog.ProveRecord(size, int64(i), reader)
		if err != nil {
			fail("prove %d: %v", i, err)
		}
		if err := tlog.CheckRecord(proof, size, tree.Hash, int64(i), tlog.RecordHash(raw)); err != nil {
			fail("entry %d: %v", i, err)
		}
	}
	for _, p := range j.Proofs {
		var proof tlog.RecordProof
		for _, h := range p.Proof {
			proof = append(proof, hash(h))
		}
		raw, _ := base64.StdEncoding.DecodeString(j.Entries[p.Index])
		if err := tlog.CheckRecord(proof, size, tree.Hash, p.Index, tlog.RecordHash(raw)); err != nil {
			fail("greencert's proof of entry %d: %v", p.Index, err)
		}
	}
	if j.OldSize > 0 {
		proof, err := tlog.ProveTree(size, j.OldSize, reader)
		if err != nil {
			fail("prove tree: %v", err)
		}
		if err := tlog.CheckTree(proof, size, tree.Hash, j.OldSize, hash(j.OldRoot)); err != nil {
			fail("consistency: %v", err)
		}
	}
	fmt.Println("ok")
}
