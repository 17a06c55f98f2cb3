"""The contract between generated modules and polc.runtime (polc.runtime.contract).

Every generated module of policies/*.pol is parsed: it may import only the standard
library names the backend declares and `polc.runtime as _rt`, and reach through the
runtime only the names of the contract.  The backend's own sources may import only
public names of polc.runtime, never a private helper of one of its modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from polc import runtime
from polc.compiler import pipeline
from polc.compiler.backends.python import frame
from polc.runtime import contract

from ..paths import ROOT

POLICIES = sorted((ROOT / "policies").glob("*.pol"))
BACKEND = ROOT / "compiler" / "backends" / "python"
ALLOWED_IMPORTS = {("__future__", "annotations"), ("enum", None), ("datetime", "date"),
                   ("datetime", "datetime"), ("decimal", "Decimal"), ("polc.runtime", None)}


def _imports(tree: ast.Module) -> set[tuple[str, str | None]]:
    found: set[tuple[str, str | None]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.update((node.module or "", alias.name) for alias in node.names)
    return found


def _runtime_aliases(tree: ast.Module) -> set[str]:
    return {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
            for alias in node.names if alias.name == "polc.runtime"}


@pytest.mark.parametrize("pol", POLICIES, ids=[p.stem for p in POLICIES])
def test_generated_module_uses_only_the_contract(pol: Path) -> None:
    compiled = pipeline.compile_file(pol)
    assert compiled.ok
    tree = ast.parse(compiled.python)
    imports = _imports(tree)
    assert imports <= ALLOWED_IMPORTS, imports - ALLOWED_IMPORTS
    aliases = _runtime_aliases(tree)
    assert aliases == {frame.RUNTIME_ALIAS}
    used = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name) and node.value.id in aliases}
    assert used, "the module uses nothing of the runtime"
    assert used <= set(contract.__all__), used - set(contract.__all__)
    # the alias is used for attribute access only: never passed around or rebound
    bare = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Name)
            and node.id in aliases]
    attributes = [node.value.lineno for node in ast.walk(tree) if isinstance(node, ast.Attribute)
                  and isinstance(node.value, ast.Name) and node.value.id in aliases]
    assert sorted(bare) == sorted(attributes)


def test_the_corpus_uses_most_of_the_contract() -> None:
    """A name no policy's module uses is kept in the contract only if the backend can
    emit it: a stale name would hide a change of what generated code needs."""
    used: set[str] = set()
    for pol in POLICIES:
        tree = ast.parse(pipeline.compile_file(pol).python)
        used |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
                 and isinstance(node.value, ast.Name) and node.value.id == frame.RUNTIME_ALIAS}
    source = "\n".join(p.read_text(encoding="utf-8") for p in BACKEND.glob("*.py"))
    for name in set(contract.__all__) - used:
        assert repr(name) in source or f'"{name}"' in source, name


def test_the_contract_is_public_runtime() -> None:
    assert set(contract.__all__) <= set(runtime.__all__)
    for name in contract.__all__:
        assert getattr(runtime, name) is getattr(contract, name)


def test_the_backend_imports_only_public_runtime_names() -> None:
    for path in sorted(BACKEND.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("polc.runtime"):
                assert node.module in ("polc.runtime", "polc.runtime.contract"), \
                    f"{path.name}: imports from {node.module}"
                for alias in node.names:
                    assert alias.name in runtime.__all__ or alias.name == "contract", \
                        f"{path.name}: {alias.name} is not public in polc.runtime"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("polc.runtime."), \
                        f"{path.name}: imports {alias.name}"


def test_the_backend_refuses_a_name_outside_the_contract() -> None:
    scope = frame.ModuleScope(pipeline.compile_file(POLICIES[0]).ir)
    assert scope.rt("money") == "_rt.money"
    with pytest.raises(AssertionError, match="does not offer"):
        scope.rt("decimal_arg")
