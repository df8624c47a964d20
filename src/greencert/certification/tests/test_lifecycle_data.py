"""The lifecycle's data file and the events actions write must describe the same things."""

from __future__ import annotations

import pytest
import yaml

from greencert.certification import lifecycle
from greencert.certification.lifecycle import codes


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A copy of the data files the test may edit, read instead of the shipped ones."""
    for name in ("statuses.yaml", "reasons.yaml"):
        (tmp_path / name).write_text((codes.DATA_DIR / name).read_text(encoding="utf-8"))
    monkeypatch.setattr(codes, "DATA_DIR", tmp_path)
    for loader in (codes.statuses, codes.transitions, codes.reasons):
        loader.cache_clear()
    yield tmp_path
    for loader in (codes.statuses, codes.transitions, codes.reasons):
        loader.cache_clear()


def _edit(data_dir, change):
    path = data_dir / "statuses.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_every_event_type_has_a_transition_with_a_label_and_a_reason_group():
    transitions = lifecycle.transitions()
    assert set(transitions) == {e.value for e in lifecycle.EventType}
    for transition in transitions.values():
        assert transition.label.zh and transition.label.en
        assert lifecycle.reasons()[transition.reason_group]


def test_a_data_file_describing_an_event_no_action_writes_is_refused(data_dir):
    _edit(data_dir, lambda d: d["transitions"].update(witnessed=d["transitions"]["adopted"]))
    with pytest.raises(ValueError, match="witnessed"):
        codes.transitions()


def test_a_data_file_missing_an_event_actions_write_is_refused(data_dir):
    _edit(data_dir, lambda d: d["transitions"].pop("renewed"))
    with pytest.raises(ValueError, match="renewed"):
        codes.transitions()


def test_a_status_other_than_the_national_codes_is_refused(data_dir):
    _edit(data_dir, lambda d: d["statuses"].update({"06": {"zh": "冻结", "en": "frozen"}}))
    with pytest.raises(ValueError, match="06"):
        codes.statuses()


def test_office_actions_name_the_transition_they_perform():
    actions = lifecycle.office_actions()
    assert {slug: t.event_type for slug, t in actions.items()} == {
        "change": "changed",
        "suspend": "suspended",
        "restore": "restored",
        "revoke": "revoked",
        "cancel": "cancelled",
        "rectify": "rectified",
    }


def test_statuses_still_in_force_are_valid_and_suspended():
    assert set(lifecycle.IN_FORCE) == {"01", "02"}
    assert set(lifecycle.IN_FORCE) | set(lifecycle.FINAL) == set(lifecycle.statuses())
