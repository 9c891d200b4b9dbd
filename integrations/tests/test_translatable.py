"""Every sentence the integrations app shows people goes through gettext.

Read from the source: a string with words in it must sit inside a gettext call, a log call or a
docstring, or be one of the technical strings below (Zoom's own names, formats, task outcomes).
"""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent
MODULES = sorted(p for p in APP.glob("*.py") if p.name != "__init__.py")

TRANSLATING = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext", "ngettext_lazy"}
LOGGING = {"debug", "info", "warning", "error", "exception"}
TECHNICAL = {
    # Zoom's participant-report CSV headers, matched and named as Zoom writes them.
    "name (original name)", "participant name", "display name", "user email",
    "participant email", "join time", "leave time", "duration (minutes)",
    "total duration (minutes)", "duration (min)", "Name (Original Name)", "User Email",
    "Join Time", "Leave Time", "Duration (Minutes)", "Registrant ID",
    # Words a position is read by (integrations.figures), matched, never shown.
    "vice rector", "кафедра мудири", "kafedra mudiri", "заведующий кафедр", "зав. кафедр",
    "head of department", "head of the department",
    # Matched in Zoom's (English) error message.
    "alternative host",
    # Outcomes of tasks and services, read by code and logs, never shown.
    "not configured", "left alone", "nothing to do", "retry later", "given up",
    "unknown meeting",
}  # fmt: skip


def _called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def untranslated(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        words = [w for w in node.value.split() if any(c.isalpha() for c in w)]
        if len(words) < 2 or node.value in TECHNICAL or "%" in node.value.replace("%(", ""):
            continue  # one word is a name or a key; "%Y-%m-%d" is a format
        if "<" in node.value:
            continue  # HTML scaffolding of format_html
        current, covered = node, False
        while current in parents and not covered:
            current = parents[current]
            covered = isinstance(current, ast.Expr) or (  # a docstring
                isinstance(current, ast.Call) and _called(current) in TRANSLATING | LOGGING
            )
        if not covered:
            found.append(f"{path.name}:{node.lineno}: {node.value!r}")
    return found


@pytest.mark.parametrize("path", MODULES, ids=[p.name for p in MODULES])
def test_user_facing_strings_are_translatable(path):
    assert untranslated(path) == []


def test_the_check_finds_a_bare_sentence(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text(
        "from django.utils.translation import gettext as _\n"
        'ok = _("Sync queued.")\n'
        'bad = "Sync queued."\n'
    )
    assert untranslated(module) == ["sample.py:3: 'Sync queued.'"]
