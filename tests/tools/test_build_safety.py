"""`polc build` writes only what it owns, names outputs safely, and keeps going past a
policy that does not compile.

Regression tests for ../shared/repro/build_crash_on_any_compile_error.pol,
dotdot_stem_rmtree/, output_name_collision/ and determinism_cwd_dependent_paths.sh;
their inputs are copied in tests/fixtures/repro/.  Each runs the real CLI in a subprocess.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from polc.compiler import files as fileio

from ..paths import REPRO, ROOT

POLC = [sys.executable, "-c", "from polc.compiler.tools.cli import main; main()"]
# a made-up policy quoting no notice: it opts out of verification, visibly (docs/sources.md)
VALID = ('引文未核对 "测试用政策，不引用通知原文"\n'
         + (REPRO / "dotdot_stem_rmtree" / "...pol").read_text(encoding="utf-8"))


def polc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([*POLC, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, check=False)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    return done


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every entry under root: a file's bytes, or what else it is."""
    out: dict[str, bytes | str] = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_symlink():
            out[rel] = "link -> " + os.readlink(p)
        elif p.is_dir():
            out[rel] = "dir"
        else:
            out[rel] = p.read_bytes()
    return out


def user_files(root: Path) -> None:
    """Files a user might have where they build, one of them at a path polc writes."""
    (root / "notes.txt").write_text("mine\n", encoding="utf-8")
    (root / "src").mkdir()
    (root / "src" / "main.py").write_text("print('mine')\n", encoding="utf-8")
    (root / "diagrams").mkdir()
    (root / "diagrams" / "overview.svg").write_text("<svg/>\n", encoding="utf-8")


# ----------------------------------------------------------------- a policy that fails


def test_failing_policy_diagnostics_exit_1_the_others_built(tmp_path: Path) -> None:
    pols = tmp_path / "pols"
    pols.mkdir()
    shutil.copy(REPRO / "build_crash_on_any_compile_error.pol", pols)
    (pols / "ok.pol").write_text(VALID, encoding="utf-8")
    (pols / "zz_ok.pol").write_text(VALID, encoding="utf-8")
    done = polc("build", "--no-render", "pols", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert ("pols/build_crash_on_any_compile_error.pol:2:4: error[E002]" in done.stdout), done.stdout
    assert "FAIL pols/build_crash_on_any_compile_error.pol" in done.stdout
    assert "built 2 of 3 policies into out; failed: pols/build_crash_on_any_compile_error.pol" \
        in done.stdout
    for name in ("ok", "zz_ok"):
        assert (tmp_path / "out" / "python" / f"policy_{name}.py").is_file()
        assert (tmp_path / "out" / "reports" / f"{name}.md").is_file()
        assert (tmp_path / "out" / "diagrams" / name / "decision_d.dot").is_file()
    assert not (tmp_path / "out" / "python" / "policy_build_crash_on_any_compile_error.py").exists()


# ----------------------------------------------------------------- names


def test_dotdot_stem_is_refused_and_the_output_folder_kept(tmp_path: Path) -> None:
    pols = tmp_path / "pols"
    pols.mkdir()
    shutil.copy(REPRO / "dotdot_stem_rmtree" / "...pol", pols)
    out = tmp_path / "out"
    out.mkdir()
    user_files(out)
    before = snapshot(tmp_path)
    done = polc("build", "--no-render", "pols", "-o", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert "pols/...pol: the file name has no letter or digit" in done.stderr
    assert snapshot(tmp_path) == before


def test_build_into_cwd_with_a_hostile_name_deletes_nothing(tmp_path: Path) -> None:
    (tmp_path / "pols").mkdir()
    shutil.copy(REPRO / "dotdot_stem_rmtree" / "...pol", tmp_path / "pols")
    (tmp_path / "pols" / "fine.pol").write_text(VALID, encoding="utf-8")
    user_files(tmp_path)
    before = snapshot(tmp_path)
    for out in (".", "./", str(tmp_path)):
        done = polc("build", "--no-render", "pols", "-o", out, cwd=tmp_path)
        assert done.returncode == 2, done.stdout + done.stderr
        assert "...pol" in done.stderr
        assert snapshot(tmp_path) == before


@pytest.mark.parametrize("names", [("a-b.pol", "a_b.pol"), ("x/p.pol", "y/p.pol"),
                                   ("P.pol", "p.pol"), ("a b.pol", "a.b.pol")])
def test_output_name_collision_is_refused_naming_both(tmp_path: Path,
                                                      names: tuple[str, str]) -> None:
    sources = [REPRO / "output_name_collision" / n for n in ("a-b.pol", "a_b.pol")]
    for name, src in zip(names, sources, strict=True):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copy(src, tmp_path / name)
    done = polc("build", "--no-render", *names, "-o", "out", cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{names[0]} and {names[1]} would both be built as" in done.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_collision_in_one_folder_from_the_repro(tmp_path: Path) -> None:
    shutil.copytree(REPRO / "output_name_collision", tmp_path / "col")
    done = polc("build", "--no-render", "col", "-o", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert "col/a-b.pol and col/a_b.pol would both be built as policy_a_b" in done.stderr
    assert "built" not in done.stdout


def test_output_names() -> None:
    assert fileio.output_name(Path("a-b.pol")) == "a_b"
    assert fileio.output_name(Path("55_x.pol")) == "55_x"
    assert fileio.output_name(Path("通知 2022.pol")) == "通知_2022"
    assert fileio.output_name(Path("ｆｏｏ.pol")) == "foo"  # NFKC, as Python reads names
    for bad in (".pol", "...pol", "-.pol", " .pol"):
        assert fileio.output_name(Path(bad)) is None, bad
    for name in ("a\\b.pol", "a..b.pol", "..a.pol"):
        got = fileio.output_name(Path(name))
        assert got is not None and "." not in got and "\\" not in got


def test_the_same_file_twice_is_built_once(tmp_path: Path) -> None:
    (tmp_path / "p.pol").write_text(VALID, encoding="utf-8")
    done = polc("build", "--no-render", "p.pol", ".", "./p.pol", "-o", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "built 1 of 1 policies" in done.stdout


# ----------------------------------------------------------------- ownership


def test_build_into_cwd_keeps_every_other_file(tmp_path: Path) -> None:
    (tmp_path / "pols").mkdir()
    (tmp_path / "pols" / "a.pol").write_text(VALID, encoding="utf-8")
    (tmp_path / "pols" / "b.pol").write_text(VALID, encoding="utf-8")
    user_files(tmp_path)
    before = snapshot(tmp_path)
    done = polc("build", "--no-render", "pols", "-o", ".", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    after = snapshot(tmp_path)
    assert {k: v for k, v in after.items() if k in before} == before
    assert (tmp_path / "python" / "policy_a.py").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".polc-staging")]
    assert not (tmp_path / ".ruff_cache").exists()
    # again: polc's own files are replaced, the user's stay
    done = polc("build", "--no-render", "pols", "-o", ".", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert snapshot(tmp_path) == after
    # b goes away: its outputs go, the folders polc made for it go, nothing else
    (tmp_path / "pols" / "b.pol").unlink()
    (tmp_path / "diagrams" / "a" / "mine.txt").write_text("mine\n", encoding="utf-8")
    done = polc("build", "--no-render", "pols", "-o", ".", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    now = snapshot(tmp_path)
    gone = set(after) - set(now) - {"pols/b.pol"}
    assert gone == {k for k in after if k.startswith(("python/policy_b", "python/batch_b",
                                                      "reports/b.md", "diagrams/b"))}
    assert gone and all(now[k] == v for k, v in before.items() if not k.startswith("pols/"))
    assert now["diagrams/a/mine.txt"] == b"mine\n"


def test_refuses_a_file_polc_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "p.pol").write_text(VALID, encoding="utf-8")
    (tmp_path / "out" / "reports").mkdir(parents=True)
    (tmp_path / "out" / "reports" / "p.md").write_text("my notes\n", encoding="utf-8")
    before = snapshot(tmp_path)
    done = polc("build", "--no-render", "p.pol", "-o", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert "out/reports/p.md: exists and polc did not write it" in done.stderr
    assert "nothing was built" in done.stderr
    assert snapshot(tmp_path) == before


def test_refuses_an_output_changed_since_polc_wrote_it(tmp_path: Path) -> None:
    (tmp_path / "p.pol").write_text(VALID, encoding="utf-8")
    assert polc("build", "--no-render", "p.pol", "-o", "out", cwd=tmp_path).returncode == 0
    module = tmp_path / "out" / "python" / "policy_p.py"
    module.write_text(module.read_text(encoding="utf-8") + "# my edit\n", encoding="utf-8")
    before = snapshot(tmp_path)
    done = polc("build", "--no-render", "p.pol", "-o", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert "out/python/policy_p.py: changed since polc wrote it" in done.stderr
    assert snapshot(tmp_path) == before


def test_a_changed_stale_output_is_kept(tmp_path: Path) -> None:
    (tmp_path / "p.pol").write_text(VALID, encoding="utf-8")
    (tmp_path / "q.pol").write_text(VALID, encoding="utf-8")
    assert polc("build", "--no-render", ".", "-o", "out", cwd=tmp_path).returncode == 0
    report = tmp_path / "out" / "reports" / "q.md"
    report.write_text("edited\n", encoding="utf-8")
    (tmp_path / "q.pol").unlink()
    done = polc("build", "--no-render", ".", "-o", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert report.read_text(encoding="utf-8") == "edited\n"
    assert "kept out/reports/q.md" in done.stdout
    assert not (tmp_path / "out" / "python" / "policy_q.py").exists()


def test_never_writes_through_a_symbolic_link(tmp_path: Path) -> None:
    (tmp_path / "p.pol").write_text(VALID, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "python").symlink_to(elsewhere, target_is_directory=True)
    done = polc("build", "--no-render", "p.pol", "-o", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert "out/python: exists and is not a folder" in done.stderr
    assert not any(elsewhere.iterdir())


@pytest.mark.parametrize("listed", ["../victim.txt", "python/../../victim.txt",
                                    "/tmp/victim.txt", "victim.txt"])
def test_a_forged_record_removes_nothing(tmp_path: Path, listed: str) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    sha = hashlib.sha256(victim.read_bytes()).hexdigest()
    out = tmp_path / "out"
    out.mkdir()
    (out / ".polc-build.json").write_text(json.dumps(
        {"format": "polc build record 1", "files": {listed: sha}, "dirs": []}), encoding="utf-8")
    (tmp_path / "p.pol").write_text(VALID, encoding="utf-8")
    done = polc("build", "--no-render", "p.pol", "-o", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert "out/.polc-build.json: not a polc build record" in done.stderr
    assert victim.read_text(encoding="utf-8") == "precious\n"


@pytest.mark.parametrize("text", ["[1, 2]", "{", "\ufeff", '{"format": "other"}', "[" * 100000,
                                  '{"format": "polc build record 1", "files": [], "dirs": []}'])
def test_a_record_polc_cannot_read_refuses_the_build(tmp_path: Path, text: str) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / ".polc-build.json").write_text(text, encoding="utf-8")
    (tmp_path / "p.pol").write_text(VALID, encoding="utf-8")
    before = snapshot(tmp_path)
    done = polc("build", "--no-render", "p.pol", "-o", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert "out/.polc-build.json: not a polc build record" in done.stderr
    assert snapshot(tmp_path) == before


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "p.pol").write_text(VALID, encoding="utf-8")
    (tmp_path / "out").write_text("mine\n", encoding="utf-8")
    done = polc("build", "--no-render", "p.pol", "-o", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert "out" in done.stderr
    assert (tmp_path / "out").read_text(encoding="utf-8") == "mine\n"


# ----------------------------------------------------------------- paths, from any cwd


def test_display_path_is_the_folder_and_the_file_name(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    pol = tmp_path / "policies" / "x.pol"
    for cwd in (tmp_path, tmp_path / "policies", Path("/")):
        cwd.mkdir(exist_ok=True)
        monkeypatch.chdir(cwd)
        for given in (pol, Path(os.path.relpath(pol, cwd)),
                      Path(os.path.relpath(pol.parent, cwd)) / "." / "x.pol"):
            assert fileio.display_path(given) == "policies/x.pol", (cwd, given)


def test_paths_in_outputs_do_not_depend_on_the_cwd(tmp_path: Path) -> None:
    pols = tmp_path / "proj" / "pols"
    pols.mkdir(parents=True)
    (pols / "p.pol").write_text(VALID + '例 d(x = 400人) => 400人 推导 "r"\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    builds = {"proj": ("pols", tmp_path / "proj"), "pols": (".", pols),
              "elsewhere": (str(pols), elsewhere)}
    trees = {}
    for name, (arg, cwd) in builds.items():
        done = polc("build", arg, "-o", str(tmp_path / "out" / name), cwd=cwd)
        assert done.returncode == 0, done.stdout + done.stderr
        trees[name] = snapshot(tmp_path / "out" / name)
    assert trees["proj"] == trees["pols"] == trees["elsewhere"]
    module = trees["proj"]["python/policy_p.py"]
    assert isinstance(module, bytes) and b"pols/p.pol" in module
    assert str(tmp_path).encode() not in module


def test_repro_script_determinism_cwd(tmp_path: Path) -> None:
    bindir = Path(sys.executable).parent
    assert (bindir / "polc").is_file(), "run the tests with the venv's python"
    env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ['PATH']}",
               TMPDIR=str(tmp_path))
    done = subprocess.run(["sh", str(REPRO / "determinism_cwd_dependent_paths.sh")], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr


# ----------------------------------------------------------------- Graphviz


def _fake_dot(tmp_path: Path, body: str | None) -> dict[str, str]:
    """An environment whose PATH has a fake `dot` (or, with body None, no `dot` at all)."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    if body is not None:
        (bindir / "dot").write_text(body, encoding="utf-8")
        (bindir / "dot").chmod(0o755)
    return dict(os.environ, PATH=str(bindir))


@pytest.mark.parametrize("body", [None, "#!/bin/sh\necho 'syntax error in line 1' >&2\nexit 1\n"],
                         ids=["no dot", "dot fails"])
def test_rendering_failures_are_named_and_the_dot_files_built(tmp_path: Path,
                                                              body: str | None) -> None:
    (tmp_path / "p.pol").write_text(VALID, encoding="utf-8")
    done = subprocess.run([*POLC, "build", "p.pol", "-o", "out"], cwd=tmp_path,
                          env=_fake_dot(tmp_path, body), capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    if body is None:
        assert "Graphviz `dot` not found" in done.stdout
    else:
        assert "polc: Graphviz failed on diagrams/p/decision_d.dot: syntax error in line 1" \
            in done.stdout
    assert (tmp_path / "out" / "diagrams" / "p" / "decision_d.dot").is_file()
    assert (tmp_path / "out" / "python" / "policy_p.py").is_file()
