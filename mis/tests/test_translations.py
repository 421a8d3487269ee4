"""The Kazakh and Russian catalogues stay complete, and every template loads i18n."""

import subprocess
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent


@pytest.mark.req("DSM80-24.3")
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_catalogue_has_no_untranslated_or_fuzzy_entry(language):
    catalogues = sorted((BASE_DIR / "locale" / language).rglob("*.po"))
    assert catalogues, f"no catalogue for {language}"
    for catalogue in catalogues:
        result = subprocess.run(
            ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(catalogue)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, f"{catalogue}: {result.stderr}"


def test_every_template_with_text_loads_i18n():
    for template in BASE_DIR.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text()
        if "{% translate" in text or "{% blocktranslate" in text or "{% trans " in text:
            assert "{% load" in text and "i18n" in text, template
