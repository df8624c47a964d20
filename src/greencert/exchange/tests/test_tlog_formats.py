"""Tile paths, entry bundles, signed notes and checkpoints as the C2SP specifications write them,
and RFC 6962 proofs."""

from __future__ import annotations

import base64
import itertools

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from greencert.core.merkle import leaf_hash, node_hash, tree_root
from greencert.exchange.tlog import note, proofs
from greencert.exchange.tlog.tiles import (
    Tile,
    decode_bundle,
    encode_bundle,
    encode_index,
    entry_bundles_for_size,
    parse_index,
    parse_width,
    tiles_for_size,
)

# golang.org/x/mod/sumdb/note, note_test.go: the key, text and signed note of TestSign.
GO_SEED = base64.b64decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")[1:]
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_SIGNED = (
    GO_TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNX"
    "gKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_tile_index_is_written_in_x_prefixed_groups_of_three_digits():
    assert encode_index(1234067) == "x001/x234/067"
    assert encode_index(0) == "000"
    assert encode_index(999) == "999"
    assert encode_index(1000) == "x001/000"


def test_tile_index_paths_read_back():
    for index in (0, 7, 999, 1000, 1234067, 10**9):
        assert parse_index(encode_index(index)) == index


@pytest.mark.parametrize("text", ["1", "0001", "x000/001", "001/002", "x1/002"])
def test_tile_index_forms_the_spec_does_not_write_are_refused(text):
    with pytest.raises(ValueError):
        parse_index(text)


@pytest.mark.parametrize("text", ["0", "256", "007", "x"])
def test_partial_widths_outside_1_to_255_are_refused(text):
    with pytest.raises(ValueError):
        parse_width(text)


def test_partial_tile_paths_end_in_p_and_the_width():
    assert Tile(0, 1234067, 5).path() == "tile/0/x001/x234/067.p/5"
    assert Tile(None, 3).path() == "tile/entries/003"


def test_a_tree_of_70000_has_the_tiles_the_spec_lists():
    tiles = tiles_for_size(70_000)
    level0 = [t for t in tiles if t.level == 0]
    level1 = [t for t in tiles if t.level == 1]
    level2 = [t for t in tiles if t.level == 2]
    assert sum(t.full for t in level0) == 273
    assert [t.width for t in level0 if not t.full] == [112]
    assert [t.width for t in level1] == [256, 17]
    assert [t.width for t in level2] == [1]


def test_a_tree_of_256_has_a_full_level_0_tile_and_a_level_1_tile_of_width_1():
    assert tiles_for_size(256) == [Tile(0, 0), Tile(1, 0, 1)]


def test_entry_bundles_cover_the_tree():
    assert entry_bundles_for_size(600) == [Tile(None, 0), Tile(None, 1), Tile(None, 2, 88)]


def test_entry_bundle_is_big_endian_uint16_length_then_bytes():
    assert encode_bundle([b"ab", b""]) == b"\x00\x02ab\x00\x00"
    assert decode_bundle(b"\x00\x02ab\x00\x00") == [b"ab", b""]


def test_a_truncated_entry_bundle_is_refused():
    with pytest.raises(ValueError):
        decode_bundle(b"\x00\x05ab")


def test_the_verifier_key_matches_the_go_note_package():
    private = Ed25519PrivateKey.from_private_bytes(GO_SEED)
    assert note.verifier_key("PeterNeumann", note.public_bytes(private.public_key())) == GO_VKEY


def test_a_signed_note_matches_the_go_note_package_byte_for_byte():
    private = Ed25519PrivateKey.from_private_bytes(GO_SEED)
    assert note.sign_note(GO_TEXT, "PeterNeumann", private) == GO_SIGNED


def test_a_note_signed_by_the_go_note_package_opens():
    assert note.open_note(GO_SIGNED, note.parse_verifier_key(GO_VKEY)) == GO_TEXT


def test_a_note_with_its_text_changed_does_not_open():
    with pytest.raises(note.NoteError):
        note.open_note(
            GO_SIGNED.replace("cryptography", "cryptographx"), note.parse_verifier_key(GO_VKEY)
        )


def test_a_note_without_the_keys_signature_does_not_open():
    other = Ed25519PrivateKey.generate()
    signed = note.sign_note(GO_TEXT, "EnochRoot", other)
    with pytest.raises(note.NoteError, match="no signature by PeterNeumann"):
        note.open_note(signed, note.parse_verifier_key(GO_VKEY))


def test_a_verifier_key_with_a_wrong_key_id_is_refused():
    with pytest.raises(note.NoteError):
        note.parse_verifier_key(GO_VKEY.replace("c74f20a3", "c74f20a4"))


def test_checkpoint_text_is_origin_size_and_base64_root_one_a_line():
    root = bytes(range(32))
    text = note.Checkpoint("example.com/log", 12, root).text()
    assert text == f"example.com/log\n12\n{base64.b64encode(root).decode()}\n"
    assert note.parse_checkpoint(text) == note.Checkpoint("example.com/log", 12, root)


def test_a_checkpoint_keeps_its_extension_lines():
    text = "example.com/log\n1\n" + base64.b64encode(bytes(32)).decode() + "\nextra\n"
    assert note.parse_checkpoint(text).extensions == ("extra",)


@pytest.mark.parametrize("size", ["012", "-1", "ten"])
def test_a_checkpoint_size_that_is_not_decimal_is_refused(size):
    with pytest.raises(note.NoteError):
        note.parse_checkpoint(f"example.com/log\n{size}\n{base64.b64encode(bytes(32)).decode()}\n")


def test_a_checkpoint_whose_origin_is_not_the_key_name_is_refused():
    private = Ed25519PrivateKey.generate()
    vkey = note.verifier_key("a.example/log", note.public_bytes(private.public_key()))
    text = note.Checkpoint("b.example/log", 0, bytes(32)).text()
    with pytest.raises(note.NoteError, match="origin"):
        note.open_checkpoint(
            note.sign_note(text, "a.example/log", private), note.parse_verifier_key(vkey)
        )


# RFC 6962 proofs over in-memory trees: every leaf of every size up to 33, every pair of sizes.
LEAVES = [f"leaf {i}".encode() for i in range(33)]


def _store(size):
    levels = [[leaf_hash(x) for x in LEAVES[:size]]]
    while len(levels[-1]) > 1:
        below = levels[-1]
        levels.append([node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)])
    return lambda level, index: levels[level][index]


def test_stored_roots_are_rfc_6962_tree_heads():
    for size in range(len(LEAVES) + 1):
        assert proofs.root(_store(size), size) == tree_root(LEAVES[:size])


def test_every_inclusion_proof_verifies_and_a_wrong_leaf_does_not():
    for size in range(1, len(LEAVES) + 1):
        get = _store(size)
        root = tree_root(LEAVES[:size])
        for index in range(size):
            proof = proofs.inclusion_proof(get, index, size)
            assert proofs.verify_inclusion(leaf_hash(LEAVES[index]), index, size, proof, root)
            assert not proofs.verify_inclusion(leaf_hash(b"other"), index, size, proof, root)


def test_every_consistency_proof_verifies_and_a_wrong_old_root_does_not():
    get = _store(len(LEAVES))
    for old, new in itertools.combinations_with_replacement(range(1, len(LEAVES) + 1), 2):
        proof = proofs.consistency_proof(get, old, new)
        old_root, new_root = tree_root(LEAVES[:old]), tree_root(LEAVES[:new])
        assert proofs.verify_consistency(old, new, proof, old_root, new_root)
        if old < new:
            assert not proofs.verify_consistency(old, new, proof, bytes(32), new_root)


def test_proofs_read_only_the_hashes_needed_names():
    size, index = 21, 13
    positions = set(proofs.needed(lambda g: proofs.inclusion_proof(g, index, size)))
    get = _store(size)

    def guarded(level, i):
        assert (level, i) in positions
        return get(level, i)

    assert proofs.inclusion_proof(guarded, index, size) == proofs.inclusion_proof(get, index, size)
