import pytest

from greencert.exchange import peers

GOOD = """
- id: yrd-js
  province_code: "320000"
  name: {zh: 江苏省节点, en: Jiangsu node}
  url: http://127.0.0.1:8002/
  log_vkey: 127.0.0.1:8002/log+0a1b2c3d+AbCd
- id: yrd-zj
  province_code: "330000"
  name: {zh: 浙江省节点, en: Zhejiang node}
  url: http://127.0.0.1:8003
  log_vkey: 127.0.0.1:8003/log+0a1b2c3e+AbCe
  witness_vkey: yrd-zj+0a1b2c3f+BbCe
"""


def test_parse_reads_each_peer_and_its_log_origin():
    found = peers.parse(GOOD)
    assert [p.id for p in found] == ["yrd-js", "yrd-zj"]
    assert found[0].url == "http://127.0.0.1:8002"
    assert found[0].log_origin == "127.0.0.1:8002/log"
    assert found[0].witness_vkey == ""
    assert found[1].name("en") == "Zhejiang node"
    assert found[1].name("zh-hans") == "浙江省节点"


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        (GOOD.replace('"320000"', '"320100"'), "province_code", "320100"),
        (GOOD.replace("http://127.0.0.1:8002/", "ftp://x"), "url", "ftp://x"),
        (GOOD.replace("+0a1b2c3d+", "+zz+"), "log_vkey", "127.0.0.1:8002/log+zz+AbCd"),
        (GOOD.replace("yrd-zj", "yrd-js"), "id", "yrd-js"),
    ],
)
def test_parse_refuses_a_bad_entry_naming_field_and_value(text, field, value):
    with pytest.raises(peers.PeersFileError) as raised:
        peers.parse(text)
    message = str(raised.value)
    assert field in message and repr(value) in message
    assert "应为" in message and "expected" in message


def test_peers_leaves_out_this_node_itself(settings, tmp_path):
    path = tmp_path / "peers.yaml"
    path.write_text(GOOD, encoding="utf-8")
    settings.GREENCERT_PEERS_FILE = str(path)
    settings.GREENCERT_NODE_ID = "yrd-js"
    peers.clear_cache()
    try:
        assert [p.id for p in peers.peers()] == ["yrd-zj"]
        assert peers.by_origin("127.0.0.1:8003/log").id == "yrd-zj"
        assert peers.peer("yrd-js") is None
    finally:
        peers.clear_cache()
