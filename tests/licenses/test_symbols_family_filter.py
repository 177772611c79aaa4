"""Mapping a license family to the dataset's tags (used by the models filter)."""

from ptmx.licenses import tags_in_family


def test_family_matches_id_label_and_part_of_it() -> None:
    tags = ["apache-2.0", "mit", "cc-by-nc-4.0", "gpl-3.0", "lgpl-lr", "openrail++", "no-such-tag"]
    assert tags_in_family(tags, "permissive") == ["apache-2.0", "mit"]
    assert tags_in_family(tags, "Non-Commercial") == ["cc-by-nc-4.0"]
    assert "gpl-3.0" in tags_in_family(tags, "copyleft")
    assert tags_in_family(tags, "RAIL") == ["openrail++"]
    assert tags_in_family(tags, "") == []
