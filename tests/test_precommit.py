"""The hooks of `.pre-commit-hooks.yaml`, run through the real `pre-commit try-repo`.

The project's working tree (which may hold uncommitted changes) is copied into a throw-away git
repository and committed there; a second throw-away repository holds a post with a defect that
SRC003 fixes. pre-commit builds its own virtualenv and pip-installs the project into it, so this
module is slow and needs the package registry: deselect it with `-m "not precommit"`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.precommit

# What a pip install of the project needs (git ls-files would miss files not yet committed).
PROJECT_FILES = ["pyproject.toml", "README.md", ".pre-commit-hooks.yaml"]
PROJECT_DIRS = ["src", "rules"]

POST = """\
---
title: 공공SW사업 대기업 참여 제한 개선 소식
categories:
  - News
excerpt: 과기정통부가 공공 소프트웨어 사업의 대기업 참여 제한 제도를 개선합니다.
image: '/assets/img/newsdao_breakingnews.jpg'
---

<p>출처: <a href="https://newsdao.kr/2615" rel="dofollow">과기정통부 “공공SW사업 대기업 참여제한 제도 개선 적극 추진”</a> | 뉴스다오</p>

과기정통부는 그동안 추진해 온 공공 소프트웨어 사업의 제도 개선을 추진합니다.
"""
FIXED = POST.replace(' rel="dofollow"', "")
NOT_A_POST = "print('not a post: pre-commit must not pass this file to postlint')\n"


def _pre_commit() -> str:
    beside = Path(sys.executable).parent / "pre-commit"
    found = str(beside) if beside.exists() else shutil.which("pre-commit")
    if found is None:
        pytest.skip("pre-commit is not installed (it is in the project's test extras)")
    return found


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=_git_env()
    ).stdout


def _git_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(
        GIT_AUTHOR_NAME="postlint tests",
        GIT_AUTHOR_EMAIL="tests@postlint.invalid",
        GIT_COMMITTER_NAME="postlint tests",
        GIT_COMMITTER_EMAIL="tests@postlint.invalid",
        GIT_CONFIG_NOSYSTEM="1",
        HOME=os.environ.get("HOME", "/tmp"),
    )
    return env


def _new_repo(path: Path) -> Path:
    path.mkdir()
    _git(path, "init", "--quiet")
    _git(path, "config", "commit.gpgsign", "false")
    return path


def _commit_all(repo: Path) -> None:
    _git(repo, "add", "--all")
    _git(repo, "commit", "--quiet", "--no-verify", "-m", "snapshot")


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git is not installed: pre-commit try-repo needs a git repository")
    pre_commit = _pre_commit()
    base = tmp_path_factory.mktemp("precommit")
    hooks_repo = _new_repo(base / "postlint")
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, hooks_repo / name)
    for name in PROJECT_DIRS:
        shutil.copytree(
            ROOT / name, hooks_repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
        )
    _commit_all(hooks_repo)
    env = _git_env()
    # Nothing read from or left in the user's pre-commit cache. (try-repo itself installs the hook's
    # environment in a temporary store on every run: about 10 s each, most of this module's time.)
    env["PRE_COMMIT_HOME"] = str(base / "pre-commit-home")
    env.pop("PRE_COMMIT", None)
    env.pop("NO_COLOR", None)
    env["PRE_COMMIT_COLOR"] = "never"
    return pre_commit, hooks_repo, base, env


def _project(base: Path, name: str) -> Path:
    project = _new_repo(base / name)
    (project / "post.md").write_text(POST, encoding="utf-8")
    (project / "script.py").write_text(NOT_A_POST, encoding="utf-8")
    _commit_all(project)
    return project


def _try_repo(setup, project: Path, hook: str) -> subprocess.CompletedProcess:
    pre_commit, hooks_repo, _base, env = setup
    return subprocess.run(
        [pre_commit, "try-repo", str(hooks_repo), hook, "--all-files", "--verbose"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )


def _output(run: subprocess.CompletedProcess) -> str:
    return f"exit {run.returncode}\n--- stdout\n{run.stdout}\n--- stderr\n{run.stderr}"


def test_check_hook_reports_and_fix_hook_rewrites(setup):
    project = _project(setup[2], "project")
    post = project / "post.md"

    # The check hook fails on the defect and names it; it changes nothing.
    run = _try_repo(setup, project, "postlint")
    assert run.returncode == 1, _output(run)
    assert "post.md:9:47: SRC003" in run.stdout, _output(run)
    assert "script.py" not in run.stdout, _output(run)  # types_or: markdown and html only
    assert post.read_text(encoding="utf-8") == POST

    # The fix hook rewrites the post: pre-commit fails the run because a file was modified.
    run = _try_repo(setup, project, "postlint-fix")
    assert run.returncode == 1, _output(run)
    assert "files were modified by this hook" in run.stdout, _output(run)
    assert post.read_text(encoding="utf-8") == FIXED
    assert (project / "script.py").read_text(encoding="utf-8") == NOT_A_POST

    # Now both hooks pass, and fixing again changes nothing.
    run = _try_repo(setup, project, "postlint")
    assert run.returncode == 0, _output(run)
    run = _try_repo(setup, project, "postlint-fix")
    assert run.returncode == 0, _output(run)
    assert post.read_text(encoding="utf-8") == FIXED


def test_fix_hook_fails_on_what_it_cannot_fix(setup):
    project = _project(setup[2], "unfixable")
    post = project / "post.md"
    unfixable = '<p><img src="/a.png"></p>\n'  # MK011: only the writer knows the alt text
    post.write_text(POST + unfixable, encoding="utf-8")
    _commit_all(project)

    run = _try_repo(setup, project, "postlint-fix")
    assert run.returncode == 1, _output(run)
    assert "MK011" in run.stdout, _output(run)
    assert post.read_text(encoding="utf-8") == FIXED + unfixable
