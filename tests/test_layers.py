"""The layers hold: the domain never reaches up into the web layer.

``web`` (routers, views, templates) and ``app``/``cli`` build on the domain; the domain packages
and the modules the CLI drives without a server must be usable without them. Checked on the
source with ``ast``, so an import inside a function counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "netiquette"

#: Packages and modules below the web layer.
DOMAIN = (
    "review",
    "screening",
    "accountability",
    "articles",
    "compat",
    "store",
    "evaluation",
    "training",
    "learning",
    "importer.py",
    "bootstrap.py",
    "settings.py",
    "errors.py",
    "accounts.py",
    "i18n.py",
    "delivery",
    "work",
    "metrics.py",
    "logs.py",
)

#: What the domain must never import.
UPPER = ("netiquette.web", "netiquette.app", "netiquette.cli")


def _sources(entry: str) -> list[Path]:
    path = PACKAGE / entry
    if path.is_file():
        return [path]
    return sorted(path.rglob("*.py"))


def _imports(path: Path, root: Path = PACKAGE) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in ``path`` (a file under ``root``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(root.parent).with_suffix("").parts[:-1])
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            # ``from netiquette import web`` names the package in the alias.
            found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
    return found


def _is_upper(module: str) -> bool:
    return any(module == upper or module.startswith(upper + ".") for upper in UPPER)


@pytest.mark.parametrize("entry", [e for e in DOMAIN if (PACKAGE / e).exists()])
def test_domain_never_imports_the_web_layer(entry: str) -> None:
    offending = [
        f"{path.relative_to(PACKAGE)}:{line}: {module}"
        for path in _sources(entry)
        for line, module in _imports(path)
        if _is_upper(module)
    ]
    assert offending == [], "domain code imports the web layer:\n" + "\n".join(offending)


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The checker itself flags absolute, relative and in-function imports of web."""
    root = tmp_path / "netiquette"
    probe = root / "review" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text(
        "from ..web import i18n\n"
        "def f():\n"
        "    import netiquette.web.context\n"
        "from netiquette import web\n"
        "from netiquette.review import machine\n",
        encoding="utf-8",
    )
    flagged = {m for _, m in _imports(probe, root) if _is_upper(m)}
    assert flagged == {
        "netiquette.web",
        "netiquette.web.i18n",
        "netiquette.web.context",
    }
