"""Kindred's import contracts (DESIGN.md, "Architecture"), checked by reading the source.

Each module belongs to one part; a part may import only the parts its rule names:

- ``bot.core`` nothing else of ``bot``; ``bot.store`` core; ``bot.schedule`` core and store;
- a feature package (``bot.prompts``, ``bot.support``, ``bot.checkins``, ``bot.listening``)
  core, store and schedule, never another feature;
- ``cogs/<feature>.py`` its own feature package plus core, store and schedule, no other cog;
- ``bot.standin`` nothing else of ``bot``;
- the composition roots (``bot.app``, ``bot.__main__``, ``bot.demo``, ``cogs.kindred``) and the
  command-line helpers may import every part; nothing imports a root but the entry point and
  the other roots, except one type-only back reference: ``KindredBot`` from ``bot.app`` under
  ``if TYPE_CHECKING:`` (the bot type every feature is handed).

Every import counts, at module level or inside a function, under ``TYPE_CHECKING`` or not (but
for that one back reference). Run as ``python tests/import_rules.py`` or through pytest.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

FEATURES = ("prompts", "support", "checkins", "listening")
LOWER = {"core", "store", "schedule"}
ROOTS = {"root", "entry"}

# Module prefixes and the part they belong to; the longest prefix wins.
PARTS: dict[str, str] = {
    "bot": "package",
    "bot.core": "core",
    "bot.store": "store",
    "bot.schedule": "schedule",
    "bot.standin": "standin",
    "bot.app": "root",
    "bot.demo": "root",
    "bot.__main__": "entry",
    "bot.health": "cli",
    "bot.invite": "cli",
    "cogs": "package",
    "cogs.kindred": "root",
    **{f"bot.{name}": name for name in FEATURES},
    **{f"cogs.{name}": f"cog:{name}" for name in FEATURES},
}


def allowed(part: str) -> set[str] | None:
    """The parts ``part`` may import (None: any)."""
    if part in ROOTS:
        return None
    if part == "core":
        return {"core", "package"}
    if part == "store":
        return {"core", "store", "package"}
    if part == "schedule":
        return LOWER | {"package"}
    if part in FEATURES:
        return LOWER | {part, "package"}
    if part.startswith("cog:"):
        return LOWER | {part.removeprefix("cog:"), part, "package"}
    if part == "standin":
        return {"standin", "package"}
    if part == "cli":
        return {"core", "store", "cli", "package"}
    if part == "package":
        return {"package"}
    raise ValueError(part)


def part_of(module: str) -> str | None:
    best = None
    for prefix in PARTS:
        if (module == prefix or module.startswith(prefix + ".")) and (
            best is None or len(prefix) > len(best)
        ):
            best = prefix
    return PARTS[best] if best is not None else None


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    importer: str
    imported: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.importer} imports {self.imported} ({self.why})"


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports_of(root: Path, path: Path) -> Iterator[tuple[int, str, bool]]:
    """(line, imported module, type-only) for every import of ``bot`` or ``cogs`` in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    typing_only = _type_checking_lines(tree)
    me = module_name(root, path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            # ``from bot import app`` imports the module bot.app
            targets = [
                f"{source}.{alias.name}"
                if (root / source.replace(".", "/") / alias.name).with_suffix(".py").exists()
                or (root / source.replace(".", "/") / alias.name / "__init__.py").exists()
                else source
                for alias in node.names
            ]
        for target in targets:
            if target.split(".")[0] in {"bot", "cogs"}:
                yield node.lineno, target, node.lineno in typing_only


def violations(root: Path) -> list[Violation]:
    found: list[Violation] = []
    for path in sorted([*(root / "bot").rglob("*.py"), *(root / "cogs").rglob("*.py")]):
        me = module_name(root, path)
        mine = part_of(me)
        rel = str(path.relative_to(root))
        if mine is None or (mine == "package" and me not in {"bot", "cogs"}):
            found.append(Violation(rel, 1, me, me, "belongs to no part: add it to PARTS"))
            continue
        may = allowed(mine)
        for line, target, type_only in imports_of(root, path):
            theirs = part_of(target)
            if theirs is None:
                found.append(Violation(rel, line, me, target, "no such part"))
                continue
            if may is None or theirs in may:
                continue
            if theirs == "root" and type_only and (target == "bot.app"):
                continue  # the KindredBot type: a type-only back reference
            why = f"{mine} may import only {', '.join(sorted(may - {'package'}))}"
            found.append(Violation(rel, line, me, target, why))
    return found


def main() -> int:
    root = Path(__file__).resolve().parents[1]
    found = violations(root)
    for violation in found:
        print(violation, file=sys.stderr)
    print(f"import contracts: {len(found)} violations")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
