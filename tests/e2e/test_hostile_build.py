"""Hostile and unlucky cases that need a whole build (issue 24): shortcodes planted in a name and in a
sentence template, a build killed mid-way, published files altered after publication, a full disk,
Quarto's own error, and the command line's options and messages."""

from __future__ import annotations

import errno
import html
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from document_text import docx_text, html_pages, pdf_text

from skills_evidence.inputs import snapshots
from skills_evidence.pipeline import build as build_mod
from skills_evidence.pipeline import locks
from skills_evidence.pipeline.build import build_edition
from skills_evidence.publishing import reproducible, staging, website
from skills_evidence.publishing.render import fallback, quarto

pytestmark = [pytest.mark.e2e, pytest.mark.hostile]

SECRET = "probe-secret-7f3a9c"  # an environment value that must never reach a page
SHORTCODES = (
    "{{< env SKILLS_EVIDENCE_PROBE >}} {{% env SKILLS_EVIDENCE_PROBE %}} {{< include /etc/hostname >}} "
    "{{< meta title >}} a lone >}} and ::: fence"
)


def shown(text: str) -> str:
    """Text as a reader sees it: word joiners (the shortcode breakers) and runs of white space folded."""
    return re.sub(r"\s+", " ", html.unescape(text).replace("\u2060", ""))


def cli(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "skills_evidence", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, SKILLS_EVIDENCE_ROOT=str(root), COLUMNS="60"),
        timeout=timeout,
    )


def test_shortcodes_in_a_name_and_a_template_are_shown_as_text_never_run(
    project_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("SKILLS_EVIDENCE_PROBE", SECRET)
    lookup = snapshots.dataset("lad21_reference").path
    lookup.write_text(
        lookup.read_text(encoding="utf-8").replace(",Coventry,", f",Coventry {SHORTCODES},"), encoding="utf-8"
    )
    templates = project_copy / "chapters/skills-levels.sentences.yaml"
    spec = yaml.safe_load(templates.read_text(encoding="utf-8"))
    spec["headline"] = "{% raw %}Template says " + SHORTCODES + "{% endraw %} " + spec["headline"]
    templates.write_text(yaml.safe_dump(spec, allow_unicode=True, width=1000), encoding="utf-8")
    report = build_edition(2022, accept_changed_inputs=True)
    fallback_files = fallback.render(project_copy / "build/2022/book", tmp_path / "fallback", "fallback")
    books = {
        report.renderer: (project_copy / "_book/2022", report.files),
        "fallback": (tmp_path / "fallback", fallback_files),
    }
    for renderer, (book, files) in books.items():
        texts = {p.name: p.read_text(encoding="utf-8") for p in html_pages(book)}
        texts.update({p.name: p.read_text(encoding="utf-8") for p in book.rglob("search.json")})
        texts["pdf"], texts["docx"] = pdf_text(files["pdf"]), docx_text(files["docx"])
        leaked = [name for name, text in texts.items() if SECRET in text]
        assert not leaked, f"{renderer}: an environment value reached {leaked}"
        everything = shown(" ".join(texts.values()))
        assert f"Coventry {SHORTCODES}" in everything, f"{renderer}: the planted name is not shown as written"
        assert f"Template says {SHORTCODES}" in everything, f"{renderer}: the template's text is not shown"


def test_a_build_killed_mid_way_leaves_no_process_and_no_lock(project_copy: Path):
    started = subprocess.Popen(
        [sys.executable, "-m", "skills_evidence", "build", "--edition", "2022", "--renderer", "fallback"],
        env=dict(os.environ, SKILLS_EVIDENCE_ROOT=str(project_copy)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    notebooks = project_copy / "build/2022/notebooks"
    deadline = time.monotonic() + 120
    while not list(notebooks.glob("*.partial.ipynb")):  # papermill has started writing a notebook
        assert started.poll() is None and time.monotonic() < deadline, "the build never reached its notebooks"
        time.sleep(0.05)
    helpers = _processes_of(project_copy) - {started.pid}
    assert helpers, "the build had started no helper processes (nothing to test)"
    started.send_signal(signal.SIGKILL)
    started.wait()
    # The next build can take the lock at once: no orphan holds it.
    with locks.editions_locked(project_copy / "build", [2022]):
        pass
    deadline = time.monotonic() + 15
    while _processes_of(project_copy) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = {
        pid: Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")[:160] for pid in _processes_of(project_copy)
    }
    assert left == {}, "helpers outlived the killed build"
    report = build_edition(2022, renderer="fallback")
    assert report.rendered and (project_copy / "_book/2022/index.html").exists()


def _processes_of(root: Path) -> set[int]:
    """Processes whose environment points at this scratch project (the build and everything it started)."""
    found = set()
    marker = f"SKILLS_EVIDENCE_ROOT={root}".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "environ").read_bytes().split(b"\0"):
                    status = (entry / "stat").read_text().split()[2]
                    if status != "Z":
                        found.add(int(entry.name))
            except OSError:
                continue
    return found


def test_sigterm_stops_a_build_cleanly(project_copy: Path):
    started = subprocess.Popen(
        [sys.executable, "-m", "skills_evidence", "build", "--edition", "2022", "--renderer", "fallback"],
        env=dict(os.environ, SKILLS_EVIDENCE_ROOT=str(project_copy)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    outputs = project_copy / "build/2022/outputs"
    deadline = time.monotonic() + 120
    while not list(outputs.glob("*.partial")):
        assert started.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    started.send_signal(signal.SIGTERM)
    assert started.wait(timeout=30) != 0
    deadline = time.monotonic() + 15
    while _processes_of(project_copy) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_of(project_copy) == set()
    assert not list(outputs.glob("*.partial")), "an interrupted notebook left its scratch outputs"


def test_an_altered_published_file_is_restored_by_the_next_build(fallback_site, monkeypatch):
    root, _ = fallback_site
    monkeypatch.setenv("SKILLS_EVIDENCE_ROOT", str(root))
    book = root / "_book/2022"
    page = book / "chapters/skills-levels.html"
    original = page.read_bytes()
    page.write_bytes(original.replace(b"</body>", b"<p>edited after publication</p></body>"))
    assert reproducible.altered(book) == ["chapters/skills-levels.html"]
    report = build_edition(2022, renderer="fallback")
    assert report.restored == ["chapters/skills-levels.html"] and page.read_bytes() == original
    assert reproducible.altered(book) == []


@pytest.mark.parametrize(
    "edit",
    [
        (b'"published": "2026-11-22"', b'"published": "2019-01-01"'),
        (b'"html": "index.html"', b'"html": "../../../etc/passwd"'),
    ],
)
def test_the_landing_page_is_never_built_from_an_altered_record(fallback_site, tmp_path: Path, edit):
    root, _ = fallback_site
    book = tmp_path / "_book"
    shutil.copytree(root / "_book/2022", book / "2022")
    record = book / "2022" / website.RECORD
    record.write_bytes(record.read_bytes().replace(*edit))
    with pytest.raises(website.AlteredEdition, match=r"2022/edition\.json"):
        website.write_landing(book)
    reproducible.write_checksums(book / "2022")  # even with its checksum forged, a link outside is refused
    if b"passwd" in edit[1]:
        with pytest.raises(website.AlteredEdition, match=r"links '\.\./\.\./\.\./etc/passwd'"):
            website.write_landing(book)


def test_a_full_disk_names_the_path_and_leaves_no_partial_files(project_copy: Path, monkeypatch):
    def full(source, target, *args, **kwargs):
        Path(target).mkdir(parents=True, exist_ok=True)
        (Path(target) / "half-written.csv").write_text("geography_code,val")
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(staging.shutil, "copytree", full)
    with pytest.raises(build_mod.DiskFull) as err:
        build_edition(2022, renderer="fallback")
    assert "no space left on the device while writing" in str(err.value)
    assert "book.partial" in str(err.value) and "MB free there" in str(err.value)
    assert not list((project_copy / "build").rglob("*.partial*"))


def test_quartos_own_error_is_shown(site, tmp_path: Path):
    if not quarto.available():
        pytest.skip("Quarto is not installed")
    root, _ = site
    book = shutil.copytree(root / "build/2022/book", tmp_path / "book")
    chapter = book / "chapters/skills-levels.qmd"
    chapter.write_text(chapter.read_text() + "\n{{< include missing-file.qmd >}}\n")
    with pytest.raises(RuntimeError) as err:
        quarto.render(book, tmp_path / "out", "x")
    assert "quarto render failed" in str(err.value) and "missing-file.qmd" in str(err.value)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("build", "--renderer", "bogus"), "'bogus' is not one of"),
        (("build", "--edition", "2025", "--all"), "--edition and --all contradict each other"),
        (("build", "--edition", "1999"), "edition 1999 is not defined in data/editions.yaml"),
        (("verify", "--edition", "2025", "--all"), "--edition and --all contradict each other"),
    ],
)
def test_options_are_checked_before_any_work(project_copy: Path, args, said):
    result = cli(project_copy, *args, timeout=60)
    assert result.returncode != 0 and said in re.sub(r"\s+", " ", result.stderr + result.stdout)
    assert not (project_copy / "build").exists(), "work started before the options were checked"


@pytest.mark.parametrize("command", ["verify", "editions", "build"])
def test_a_malformed_editions_file_is_named_without_a_traceback(project_copy: Path, command: str):
    path = project_copy / "data/editions.yaml"
    path.write_text(path.read_text().replace("    subtitle: 2024 edition", "    subtitel: 2024 edition"))
    line = next(i + 1 for i, text in enumerate(path.read_text().splitlines()) if "subtitel" in text)
    result = cli(project_copy, command, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"data/editions.yaml, line {line}: an edition has an unknown key 'subtitel'" in result.stderr


def test_messages_are_not_wrapped_in_a_log(project_copy: Path):
    # An error naming a long path stays on one line when the output is a CI log, not a terminal.
    data = snapshots.dataset("ons_claimant_rate@2026").path
    data.write_text(data.read_text() + "E08000026,Coventry,2026,5.6,,,,9999\n")
    result = cli(project_copy, "build", "--edition", "2022", "--renderer", "fallback", timeout=120)
    assert result.returncode == 1 and len(str(data)) > 80
    assert any(str(data) in line for line in result.stderr.splitlines()), result.stderr


def test_a_malformed_catalogue_is_named_once_before_any_notebook(project_copy: Path):
    path = project_copy / "data/indicators.yaml"
    path.write_text(path.read_text().replace("indicators:", "indicators: [", 1))
    result = cli(project_copy, "build", "--edition", "2022", "--renderer", "fallback")
    assert result.returncode == 1 and result.stderr.count("data/indicators.yaml is not valid YAML") == 1
    assert not (project_copy / "build/2022/notebooks").exists(), "notebooks ran on a malformed catalogue"


def test_verify_waits_for_no_build_it_would_misread(fallback_site, monkeypatch):
    from skills_evidence.publishing.verify import verify_edition

    root, _ = fallback_site
    monkeypatch.setenv("SKILLS_EVIDENCE_ROOT", str(root))
    with locks.editions_locked(root / "build", [2022]), pytest.raises(locks.EditionBusy, match="2022 edition"):
        verify_edition(2022)


def test_sigterm_during_verify_leaves_no_process_and_no_scratch_copy(fallback_site):
    import tempfile

    root, _ = fallback_site
    scratch = Path(tempfile.gettempdir())
    before = set(scratch.glob("verify-*"))
    started = subprocess.Popen(
        [sys.executable, "-m", "skills_evidence", "verify", "--edition", "2022"],
        env=dict(os.environ, SKILLS_EVIDENCE_ROOT=str(root)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not any(
        p.glob("project/build/2022/notebooks/*.partial.ipynb") for p in set(scratch.glob("verify-*")) - before
    ):
        assert started.poll() is None and time.monotonic() < deadline, "verify never reached its rebuild"
        time.sleep(0.05)
    started.send_signal(signal.SIGTERM)
    assert started.wait(timeout=60) != 0
    deadline = time.monotonic() + 15
    while _processes_of(root) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_of(root) == set() and set(scratch.glob("verify-*")) == before
