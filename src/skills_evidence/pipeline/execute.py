"""Run chapter notebooks with papermill, independent ones in parallel, skipping those whose cache is valid."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from skills_evidence import records, tempfolders
from skills_evidence.pipeline import cache, lifetime, locks, warmkernel


class NotebookFailed(RuntimeError):
    """A notebook raised; carries the notebook's own error and the partially executed copy."""


@dataclass
class Job:
    """One notebook execution for one edition."""

    chapter_id: str
    notebook: Path
    parameters: dict
    inputs: list[Path]
    outputs: Path  # build/<edition>/outputs/<chapter>
    executed: Path  # build/<edition>/notebooks/<chapter>.ipynb
    record: Path  # build/<edition>/cache/<chapter>.json
    key: str = ""
    status: str = "pending"
    seconds: float = 0.0
    error: str = field(default="", repr=False)


def plan(jobs: list[Job]) -> None:
    """Fill each job's cache key and mark it "cached" where the stored key and outputs still match."""
    library = cache.library_digest()
    for job in jobs:
        job.key = cache.notebook_key(job.notebook, job.parameters, job.inputs, library)
        record = records.read_record(job.record)
        if record.get("key") == job.key and job.outputs.is_dir() and job.executed.exists():
            job.status = "cached"


def _scratch(job: Job) -> Path:
    """Where a notebook writes its outputs before they are moved into place."""
    return job.outputs.with_name(job.outputs.name + ".partial")


def _partial_notebook(job: Job) -> Path:
    """Where papermill writes the executed copy while the notebook runs."""
    return job.executed.with_name(job.executed.stem + ".partial.ipynb")


def discard_unfinished(jobs: list[Job]) -> None:
    """Remove what interrupted notebooks left half-written (call once their kernels have stopped)."""
    for job in jobs:
        shutil.rmtree(_scratch(job), ignore_errors=True)
        _partial_notebook(job).unlink(missing_ok=True)


def _execute(job: Job, root: str) -> tuple[str, float, str]:
    """Run one notebook into a scratch folder, then move outputs into place; returns (status, seconds, error)."""
    import papermill as pm

    from skills_evidence.pipeline.kernels import IPCKernelManager

    start = time.perf_counter()
    scratch = _scratch(job)
    shutil.rmtree(scratch, ignore_errors=True)
    job.executed.parent.mkdir(parents=True, exist_ok=True)
    parameters = dict(job.parameters, output_dir=str(scratch))
    partial = _partial_notebook(job)
    env_root = os.environ.get("SKILLS_EVIDENCE_ROOT")
    os.environ["SKILLS_EVIDENCE_ROOT"] = root
    try:
        pm.execute_notebook(
            str(job.notebook),
            str(partial),
            parameters=parameters,
            kernel_name="python3",
            cwd=root,
            progress_bar=False,
            log_output=False,
            kernel_manager_class=IPCKernelManager,
        )
    except pm.PapermillExecutionError as exc:
        shutil.rmtree(scratch, ignore_errors=True)  # the partial notebook stays, to show where it stopped
        return (
            "failed",
            time.perf_counter() - start,
            (f"{exc.ename}: {exc.evalue}\nPartially executed notebook: {partial}"),
        )
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        partial.unlink(missing_ok=True)
        raise
    finally:
        if env_root is None:
            os.environ.pop("SKILLS_EVIDENCE_ROOT", None)
        else:
            os.environ["SKILLS_EVIDENCE_ROOT"] = env_root
    shutil.rmtree(job.outputs, ignore_errors=True)
    scratch.replace(job.outputs)
    partial.replace(job.executed)
    records.write_record(job.record, {"key": job.key, "chapter": job.chapter_id, "notebook": str(job.notebook)})
    return "ran", time.perf_counter() - start, ""


def _worker_start(build: int) -> None:
    """In each notebook worker: stop when the build stops, and hold none of its edition locks."""
    lifetime.default_signals()
    lifetime.die_with_parent(build)
    locks.release_inherited()


@contextlib.contextmanager
def _kernel_sockets() -> Iterator[Path]:
    """One folder for the socket folders of every kernel this run starts (pipeline.kernels), removed when the
    run ends however it ends: a worker stopped mid-notebook (a failure elsewhere, an interrupt) never reaches
    its kernel manager's clean-up, and its folder was left in the system's temporary folder."""
    from skills_evidence.pipeline.kernels import SOCKETS_ENV

    folder = str(tempfolders.new("kernels"))
    before = os.environ.get(SOCKETS_ENV)
    os.environ[SOCKETS_ENV] = folder
    try:
        yield Path(folder)
    finally:
        if before is None:
            os.environ.pop(SOCKETS_ENV, None)
        else:
            os.environ[SOCKETS_ENV] = before
        shutil.rmtree(folder, ignore_errors=True)


def run(jobs: list[Job], root: Path, workers: int | None = None, on_done=None, warm: bool = True) -> list[Job]:
    """Execute every job not cached, up to `workers` at once (default: one more than the machine's cores, so
    a kernel starting or stopping does not leave a core idle); with `warm`, each notebook's kernel is
    forked from a server that has imported the libraries once (warmkernel)."""
    todo = [j for j in jobs if j.status != "cached"]
    workers = max(1, min(len(todo) or 1, workers or (os.cpu_count() or 1) + 1))
    if not todo:
        return jobs
    # Imported here, before the workers are forked from this process, so they inherit papermill and the kernel
    # manager rather than each importing them (0.4 s of a core each); a build with nothing to run never does.
    import papermill  # noqa: F401

    from skills_evidence.pipeline import kernels  # noqa: F401

    with warmkernel.ensure() if warm else contextlib.nullcontext(), _kernel_sockets():
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_start, initargs=(os.getpid(),))
        try:
            futures = {pool.submit(_execute, job, str(root)): job for job in todo}
            for future in as_completed(futures):
                job = futures[future]
                job.status, job.seconds, job.error = future.result()
                if on_done:
                    on_done(job)
        except BaseException:
            # Stopped (a signal, a failure): end the running notebooks now rather than wait for them. The
            # executor has no public call for that; its worker processes are terminated directly.
            workers = list((getattr(pool, "_processes", None) or {}).values())  # shutdown forgets them
            pool.shutdown(wait=False, cancel_futures=True)
            for process in workers:
                process.terminate()
            for process in workers:
                process.join(timeout=10)
            raise
        pool.shutdown(wait=True)
    failed = [j for j in jobs if j.status == "failed"]
    if failed:
        raise NotebookFailed(
            "\n\n".join(f"Notebook {j.notebook} failed for chapter {j.chapter_id}:\n{j.error}" for j in failed)
        )
    return jobs
