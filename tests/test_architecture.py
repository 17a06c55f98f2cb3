"""The import directions of docs/architecture.md, checked on the source.

Every `import` of a polc module, at any depth (a function-local import counts: it is
still a dependency), is reduced to the two parts it joins — e.g. `compiler.semantics`
importing `compiler.ir` — and each such pair must be one that LAYERS allows.  A stage
that reached up (the checker importing a backend, the runtime importing the compiler)
would make the stage impossible to test or replace alone, which is the point of the
layout.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .paths import ROOT

# The packages polc's source is made of, by folder, and their import names.
PACKAGES = {"compiler": "polc.compiler", "runtime": "polc.runtime", "viz": "polc.viz"}

# part -> the parts it may import.  A part is a subpackage or module directly below
# polc.compiler, or polc.runtime / polc.viz as a whole.  Lowest first.
BASE = {"compiler.vocabulary", "compiler.lexical", "compiler.files", "compiler.diagnostics",
        "compiler.quantities", "compiler.trees"}
LAYERS: dict[str, set[str]] = {
    "runtime": set(),
    "compiler.vocabulary": set(),
    "compiler.lexical": set(),
    "compiler.trees": set(),
    "compiler.files": {"compiler.lexical"},
    "compiler.diagnostics": {"compiler.lexical"},
    "compiler.quantities": {"compiler.vocabulary"},
    "compiler.syntax": BASE,
    "compiler.ir": BASE,
    "compiler.semantics": BASE | {"compiler.syntax", "compiler.ir", "runtime"},
    "compiler.citations": BASE | {"compiler.syntax"},
    "compiler.analysis": BASE | {"compiler.ir", "runtime"},
    # a backend reads the checked IR; the Python backend also checks the AST's names
    # against the names it generates (names.py), which needs their spans
    "compiler.backends": BASE | {"compiler.syntax", "compiler.ir", "compiler.analysis",
                                 "runtime"},
    "viz": BASE | {"compiler.ir", "compiler.analysis", "runtime"},
    "compiler.pipeline": BASE | {"compiler.syntax", "compiler.ir", "compiler.semantics",
                                 "compiler.citations", "compiler.analysis",
                                 "compiler.backends", "viz", "runtime"},
}
# the commands may use every stage; nothing below them may use a command
LAYERS["compiler.tools"] = set(LAYERS) - {"compiler.tools"}


def part(module: str) -> str | None:
    """`polc.compiler.semantics.lower` -> `compiler.semantics`; None outside polc."""
    names = module.split(".")
    if names[0] != "polc" or len(names) < 2:
        return None
    if names[1] == "compiler":
        return "compiler." + names[2] if len(names) > 2 else "compiler"
    return names[1]


def imports(path: Path, module: str) -> set[str]:
    """Every polc module `path` (the module `module`) imports, relative imports resolved
    and `from package import name` taken as the submodule when it is one."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            found.add(origin)
            found.update(f"{origin}.{a.name}" for a in node.names)
    return {m for m in found if m.startswith("polc.") and _exists(m)}


def _exists(module: str) -> bool:
    names = module.split(".")[1:]
    folder = {"compiler": "compiler", "runtime": "runtime", "viz": "viz"}.get(names[0])
    if folder is None:
        return False
    path = ROOT / folder / Path(*names[1:]) if len(names) > 1 else ROOT / folder
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def modules() -> list[tuple[Path, str]]:
    found = []
    for folder, package in PACKAGES.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            names = [n for n in path.relative_to(ROOT / folder).with_suffix("").parts
                     if n != "__init__"]
            found.append((path, ".".join([package, *names])))
    return found


def test_every_part_has_a_place() -> None:
    parts = {part(m) for _, m in modules()}
    assert parts - {"compiler"} <= set(LAYERS), sorted(parts - set(LAYERS) - {"compiler"})


def test_no_import_runs_upwards() -> None:
    wrong = []
    for path, module in modules():
        here = part(module)
        if here == "compiler":  # polc/compiler/__init__.py: the package's docstring only
            continue
        assert here is not None
        for target in imports(path, module):
            there = part(target)
            if there is None or there == here or there == "compiler":
                continue
            if there not in LAYERS[here]:
                wrong.append(f"{path.relative_to(ROOT)}: {module} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The reduction above on a made-up module that reaches up from semantics."""
    source = tmp_path / "lower.py"
    source.write_text("from ..backends.python import codegen\nfrom . import types\n",
                      encoding="utf-8")
    found = imports(source, "polc.compiler.semantics.lower")
    assert "polc.compiler.backends.python" in found
    assert {part(m) for m in found} >= {"compiler.backends"}
    assert "compiler.backends" not in LAYERS["compiler.semantics"]
