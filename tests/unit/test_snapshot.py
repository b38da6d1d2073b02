"""The shipped data/ files are exactly what the snapshot step derives from the official downloads."""

from __future__ import annotations

import hashlib

import pytest

from skills_evidence.inputs.derive import snapshot
from skills_evidence.inputs.snapshots import newest

pytestmark = pytest.mark.shared


def test_snapshots_are_reproducible_from_the_official_files(real_data):
    entries = newest()
    for dataset_id, frame in snapshot(write=False).items():
        text = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
        assert hashlib.sha256(text).hexdigest() == entries[dataset_id]["sha256"], dataset_id
        assert len(frame) == entries[dataset_id]["rows"], dataset_id
