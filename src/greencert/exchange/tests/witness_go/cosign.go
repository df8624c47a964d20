// Checks greencert's witness cosignatures with golang.org/x/mod/sumdb/note: a note.Verifier and
// a note.Signer for the C2SP tlog-cosignature Ed25519 type (key id byte 0x04, a big-endian
// timestamp before the signature, "cosignature/v1" and "time N" lines before the checkpoint),
// written from the specification, plugged into Go's signed-note parser; and the consistency
// proof the log sends to a witness with .../tlog's CheckTree. Reads a JSON job on stdin.
// "verify": opens the cosigned note with the log's key and the cosigner's, checks the proof,
// prints "ok". "sign": cosigns the note with the given seed and time, prints the new note.
package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type job struct {
	Mode      string   `json:"mode"`
	LogVkey   string   `json:"log_vkey"`
	Note      string   `json:"note"`
	Cosigner  string   `json:"cosigner_vkey"`
	Name      string   `json:"name"`
	Seed      string   `json:"seed"`
	Time      uint64   `json:"time"`
	OldSize   int64    `json:"old_size"`
	OldRoot   string   `json:"old_root"`
	NewSize   int64    `json:"new_size"`
	NewRoot   string   `json:"new_root"`
	Proof     []string `json:"proof"`
	WantCosig bool     `json:"want_cosignature"`
}

func fail(format string, args ...any) {
	fmt.Printf(format+"\n", args...)
	os.Exit(1)
}

func keyHash(name string, pub []byte) uint32 {
	h := sha256.Sum256(append(append([]byte(name+"\n"), 0x04), pub...))
	return binary.BigEndian.Uint32(h[:4])
}

func message(text []byte, t uint64) []byte {
	return append([]byte(fmt.Sprintf("cosignature/v1\ntime %d\n", t)), text...)
}

type cosigVerifier struct {
	name string
	hash uint32
	pub  ed25519.PublicKey
}

func (v cosigVerifier) Name() string    { return v.name }
func (v cosigVerifier) KeyHash() uint32 { return v.hash }
func (v cosigVerifier) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	return ed25519.Verify(v.pub, message(msg, binary.BigEndian.Uint64(sig[:8])), sig[8:])
}

func parseCosigner(vkey string) (cosigVerifier, error) {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		return cosigVerifier{}, errors.New("not name+hash+key")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) != 33 || raw[0] != 0x04 {
		return cosigVerifier{}, errors.New("not an Ed25519 cosignature/v1 key")
	}
	v := cosigVerifier{parts[0], keyHash(parts[0], raw[1:]), ed25519.PublicKey(raw[1:])}
	if fmt.Sprintf("%08x", v.hash) != parts[1] {
		return cosigVerifier{}, errors.New("key hash does not match")
	}
	return v, nil
}

type cosigSigner struct {
	name string
	key  ed25519.PrivateKey
	time uint64
}

func (s cosigSigner) Name() string { return s.name }
func (s cosigSigner) KeyHash() uint32 {
	return keyHash(s.name, s.key.Public().(ed25519.PublicKey))
}
func (s cosigSigner) Sign(msg []byte) ([]byte, error) {
	sig := make([]byte, 8, 8+ed25519.SignatureSize)
	binary.BigEndian.PutUint64(sig, s.time)
	return append(sig, ed25519.Sign(s.key, message(msg, s.time))...), nil
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
	logVerifier, err := note.NewVerifier(j.LogVkey)
	if err != nil {
		fail("log vkey: %v", err)
	}
	switch j.Mode {
	case "sign":
		seed, err := base64.StdEncoding.DecodeString(j.Seed)
		if err != nil || len(seed) != ed25519.SeedSize {
			fail("bad seed")
		}
		n, err := note.Open([]byte(j.Note), note.VerifierList(logVerifier))
		if err != nil {
			fail("checkpoint signature: %v", err)
		}
		signed, err := note.Sign(n, cosigSigner{j.Name, ed25519.NewKeyFromSeed(seed), j.Time})
		if err != nil {
			fail("sign: %v", err)
		}
		fmt.Print(string(signed))
	case "verify":
		cosigner, err := parseCosigner(j.Cosigner)
		if err != nil {
			fail("cosigner vkey: %v", err)
		}
		n, err := note.Open([]byte(j.Note), note.VerifierList(logVerifier, cosigner))
		if err != nil {
			fail("note: %v", err)
		}
		found := false
		for _, sig := range n.Sigs {
			if sig.Name == cosigner.name && sig.Hash == cosigner.hash {
				found = true
			}
		}
		if j.WantCosig && !found {
			fail("no verified cosignature by %s", cosigner.name)
		}
		var proof tlog.TreeProof
		for _, p := range j.Proof {
			proof = append(proof, hash(p))
		}
		if j.OldSize > 0 {
			if err := tlog.CheckTree(proof, j.NewSize, hash(j.NewRoot), j.OldSize, hash(j.OldRoot)); err != nil {
				fail("consistency proof: %v", err)
			}
		}
		fmt.Println("ok")
	default:
		fail("unknown mode %q", j.Mode)
	}
}
