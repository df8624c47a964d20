"""RFC 6962 tree hashing against the certificate-transparency test vectors
(transparency-dev/merkle, testonly/constants.go: LeafInputs and RootHashes)."""

import pytest

from greencert.core.merkle import leaf_hash, tree_head, tree_root

LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


@pytest.mark.parametrize("size", range(len(ROOTS)))
def test_root_of_the_first_n_leaves_matches_the_ct_vector(size: int) -> None:
    assert tree_root(LEAVES[:size]).hex() == ROOTS[size]


def test_leaf_hash_prefixes_a_zero_byte() -> None:
    assert leaf_hash(b"").hex() == ROOTS[1]


def test_tree_head_counts_the_leaves_it_hashes() -> None:
    head = tree_head(iter(LEAVES[:5]))
    assert (head.size, head.root_hash) == (5, ROOTS[5])
