"""The layout's promise (STYLE.md "Between packages"): every module of the app's
packages is the size of one idea, at most 500 lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.packages import APP_PACKAGES, ROOT

MAX_LINES = 500


def app_modules() -> list[Path]:
    return sorted(
        path for package in APP_PACKAGES for path in (ROOT / package).rglob("*.py")
    )


def test_every_app_package_has_modules() -> None:
    for package in APP_PACKAGES:
        assert (ROOT / package / "__init__.py").is_file(), package


@pytest.mark.parametrize(
    "module", app_modules(), ids=lambda path: str(path.relative_to(ROOT))
)
def test_no_module_passes_500_lines(module: Path) -> None:
    lines = len(module.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module.relative_to(ROOT)} has {lines} lines"
