"""The README's screenshot script works: every view and report of the demo estate, one PNG each."""

from __future__ import annotations

import pytest

from tests.views.screenshots import SHOTS, make

pytestmark = pytest.mark.browser


def test_screenshot_script_makes_a_picture_of_every_view(tmp_path):
    made = make(tmp_path / "shots", scale=0.15, work=tmp_path / "work")
    assert [p.name for p in made] == [f"{s.name}.png" for s in SHOTS]
    for png in made:
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a real, non-blank picture
