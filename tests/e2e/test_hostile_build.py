"""Hostile and unlucky cases that need a whole build (issue 24; shortcodes planted in a name and in a
sentence template are in test_reliability.py, beside the markup test that builds the same book): a build
killed mid-way, published files altered after publication, a full disk,
Quarto's own error, and the command line's options and messages."""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from skills_evidence import editions
from skills_evidence.inputs import snapshots
from skills_evidence.pipeline import build as build_mod
from skills_evidence.pipeline import locks
from skills_evidence.pipeline.build import build_edition
from skills_evidence.publishing import reproducible, staging, website
from skills_evidence.publishing.render import fallback, quarto

pytestmark = [pytest.mark.e2e, pytest.mark.hostile]


def cli(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "skills_evidence", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, SKILLS_EVIDENCE_ROOT=str(root), COLUMNS="60"),
        timeout=timeout,
    )


def _start(root: Path, *args: str) -> subprocess.Popen:
    """Run the command line in the background on the project at `root`."""
    return subprocess.Popen(
        [sys.executable, "-m", "skills_evidence", *args],
        env=dict(os.environ, SKILLS_EVIDENCE_ROOT=str(root)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_until(ready, process: subprocess.Popen, what: str, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the command never reached {what}")
        time.sleep(0.05)


def _processes_of(root: Path) -> set[int]:
    """Live processes whose environment points at the project `root` or a folder inside it (a command and
    everything it started)."""
    found = set()
    marker = f"SKILLS_EVIDENCE_ROOT={root}".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                environ = (entry / "environ").read_bytes().split(b"\0")
                if any(v.startswith(marker) for v in environ) and (entry / "stat").read_text().split()[2] != "Z":
                    found.add(int(entry.name))
            except OSError:
                continue
    return found


def _left_running(*roots: Path, limit: float = 15) -> dict[int, bytes]:
    """What still runs for `roots` once the helpers have had `limit` seconds to notice and stop."""
    deadline = time.monotonic() + limit
    while any(_processes_of(r) for r in roots) and time.monotonic() < deadline:
        time.sleep(0.2)
    alive = set().union(*(_processes_of(r) for r in roots))
    return {pid: Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")[:160] for pid in alive}


def test_a_build_killed_mid_way_leaves_no_process_and_no_lock(project_copy: Path):
    started = _start(project_copy, "build", "--edition", "2022", "--renderer", "fallback")
    notebooks = project_copy / "build/2022/notebooks"
    try:
        _wait_until(lambda: list(notebooks.glob("*.partial.ipynb")), started, "its notebooks")
        assert _processes_of(project_copy) - {started.pid}, "the build had started no helpers (nothing to test)"
    finally:
        started.send_signal(signal.SIGKILL)
        started.wait()
    with locks.editions_locked(project_copy / "build", [2022]):  # at once: no orphan holds the lock
        pass
    assert _left_running(project_copy) == {}, "helpers outlived the killed build"
    # Killed outright, the build could not remove its temporary folders (its kernels' sockets, the warm
    # kernel server's); the next build removes them (skills_evidence.tempfolders).
    left = list(Path(tempfile.gettempdir()).glob(f"skills-evidence-*-{started.pid}-*"))
    assert left, "the killed build left no temporary folder (nothing to test)"
    report = build_edition(2022, renderer="fallback")
    assert report.rendered and (project_copy / "_book/2022/index.html").exists()
    assert [folder for folder in left if folder.exists()] == []


def test_sigterm_stops_a_build_cleanly(project_copy: Path):
    started = _start(project_copy, "build", "--edition", "2022", "--renderer", "fallback")
    outputs = project_copy / "build/2022/outputs"
    try:
        _wait_until(lambda: list(outputs.glob("*.partial")), started, "its notebooks")
        started.send_signal(signal.SIGTERM)
        assert started.wait(timeout=30) != 0
    finally:
        if started.poll() is None:
            started.kill()
    assert _left_running(project_copy) == {}
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


def test_a_render_that_fails_leaves_the_published_book_and_nothing_half_written(
    fallback_site, tmp_path: Path, monkeypatch
):
    # The workbooks and the scrutiny summary are written in a thread while the renderer runs: when the render
    # fails, the thread's folder goes too, and the book already published stays as it was.
    root, _ = fallback_site
    books = tmp_path / "_book"
    shutil.copytree(root / "_book/2022", books / "2022")

    def contents() -> dict[str, bytes]:
        return {p.relative_to(books).as_posix(): p.read_bytes() for p in books.rglob("*") if p.is_file()}

    before = contents()
    book = shutil.copytree(root / "build/2022/book", tmp_path / "book")
    (book / "chapters/skills-levels.qmd").write_text("# Changed\n", encoding="utf-8")  # so it renders again

    def fails(*args, **kwargs):
        raise RuntimeError("the renderer stopped")

    monkeypatch.setattr(fallback, "render", fails)
    edition = editions.load()[1][2022]
    report = build_mod.BuildReport(2022, renderer="pandoc+typst")
    with pytest.raises(RuntimeError, match="the renderer stopped"):
        build_mod.render_book(root, edition, book, report, lambda message: None, books)
    assert sorted(p.name for p in books.iterdir()) == ["2022"]  # no .2022.partial, no .2022.partial-tables
    assert contents() == before


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


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_build_stopped_while_quarto_renders_leaves_quarto_rendering_no_further(
    fallback_site, tmp_path: Path, stop: signal.Signals
):
    """A build stopped mid-render with SIGTERM (or an interrupt) ends Quarto and the Pandoc, Typst and Sass
    processes it started, rather than leave them writing into its build folder (without that, Quarto rendered
    on). Killed outright, the build runs no clean-up: Linux then tells Quarto, which exits at once (without that,
    it rendered every page and format on), and only the Pandoc or Typst step it had under way may finish."""
    import psutil

    if not quarto.available():
        pytest.skip("Quarto is not installed")
    if stop == signal.SIGKILL and not shutil.which("setpriv"):
        pytest.skip("no setpriv (util-linux) here to have Linux stop Quarto with its build")
    root, _ = fallback_site  # its staged book: what Quarto renders is staged the same for either renderer
    book = shutil.copytree(root / "build/2022/book", tmp_path / "book")
    renderer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from skills_evidence.pipeline import lifetime;"
            " from skills_evidence.publishing.render import quarto; lifetime.terminate_cleanly();"
            " quarto.render(Path(sys.argv[1]), Path(sys.argv[2]), 'x')",
            str(book),
            str(tmp_path / "out"),
        ],
        env=dict(os.environ, SKILLS_EVIDENCE_ROOT=str(root)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started: list[psutil.Process] = []
    quartos: list[psutil.Process] = []  # Quarto itself, one process per format

    def pandoc_running() -> bool:
        try:
            started[:] = psutil.Process(renderer.pid).children(recursive=True)
            names = {p.pid: p.name() for p in started}
        except psutil.NoSuchProcess:  # one ended while looked at: look again
            return False
        quartos[:] = [p for p in started if names[p.pid] == "deno"]
        return len(quartos) == len(quarto.FORMATS) and any(n.startswith("pandoc") for n in names.values())

    try:
        _wait_until(pandoc_running, renderer, "Pandoc, inside Quarto's render")
        renderer.send_signal(stop)
        assert renderer.wait(timeout=30) != 0
    finally:
        if renderer.poll() is None:
            renderer.kill()
    if stop == signal.SIGKILL:
        # Quarto exits within seconds (it cleans up first); what it had started finishes its step.
        _, alive = psutil.wait_procs(quartos, timeout=5)
        assert [p.pid for p in alive] == [], "Quarto rendered on after its build was killed"
    _, alive = psutil.wait_procs(started, timeout=3 if stop == signal.SIGTERM else 120)
    assert [p.pid for p in alive] == [], "processes of the render outlived the build"


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
    from skills_evidence.pipeline.verify import verify_edition

    root, _ = fallback_site
    monkeypatch.setenv("SKILLS_EVIDENCE_ROOT", str(root))
    with locks.editions_locked(root / "build", [2022]), pytest.raises(locks.EditionBusy, match="2022 edition"):
        verify_edition(2022)


def test_sigterm_during_verify_leaves_no_process_and_no_scratch_copy(fallback_site):
    root, _ = fallback_site
    started = _start(root, "verify", "--edition", "2022")
    # verify's scratch copy is named by its process (skills_evidence.tempfolders)
    copies = Path(tempfile.gettempdir()).glob

    def rebuilding() -> bool:
        new = copies(f"skills-evidence-verify-{started.pid}-*")
        return any(list(p.glob("project/build/2022/notebooks/*.partial.ipynb")) for p in new)

    try:
        _wait_until(rebuilding, started, "its rebuild")
        (copy,) = copies(f"skills-evidence-verify-{started.pid}-*")
        # Forked helpers keep the environment verify started with; those it launched see the scratch copy.
        assert (_processes_of(root) | _processes_of(copy)) - {started.pid}, "verify had started no helpers"
        started.send_signal(signal.SIGTERM)
        assert started.wait(timeout=60) != 0
    finally:
        if started.poll() is None:
            started.kill()
    assert _left_running(root, copy) == {} and not copy.exists()


def test_the_build_summary_shows_the_books_path_in_full(fallback_site):
    root, _ = fallback_site
    result = cli(root, "build", "--edition", "2022", "--renderer", "fallback")
    assert result.returncode == 0, result.stderr
    book = os.path.relpath(root / "_book/2022/index.html")
    assert len(book) > 40 and book in result.stderr, result.stderr
