import pytest

from mis import compliance

pytestmark = pytest.mark.skipif(not compliance.CATALOGUE.exists(), reason="../shared/requirements not beside the repo")


def test_every_req_marker_names_a_clause_of_the_catalogue():
    known = {clause_id for clause_id, _ in compliance.clauses()}
    assert len(known) > 70
    assert set(compliance.markers()) <= known


def test_docs_compliance_is_generated_from_the_current_markers():
    current = (compliance.BASE_DIR / "docs" / "compliance.md").read_text()
    assert current == compliance.render(), "run `make compliance` and commit docs/compliance.md"
