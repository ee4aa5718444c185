"""Checking files in worker processes (``--jobs N``).

Each worker builds its own FileChecker from the picklable Setup once, then
checks whole files; results come back in the order of the sources, so the
output is identical to a single-process run.

The workers are kgen's own, not a ``multiprocessing.Pool``: each has a pipe of
its own for tasks and one for results, and shares no lock with the others or
with the main process. A Pool's workers share one queue lock, and a worker
killed while holding it (a SIGTERM to the process group does that to an idle
worker) left ``Pool.terminate`` waiting for it forever. Here stopping is always
the same few system calls: kill every worker, reap it, close its pipes.

Signals: a worker ignores SIGINT (a Ctrl-C reaches the whole process group; the
main process handles it and stops the workers) and dies of SIGTERM as any
process does, without a word; neither can reach a worker before it has set
that up, because the main process holds both back while it starts them.
"""

from __future__ import annotations

import gc
import os
import pickle
import shutil
import signal
import tempfile
from collections import deque
from pathlib import Path
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterable, Iterator, TypeVar, cast

from kgen.check.engine import MIN_PARALLEL_FILES, FileChecker, FileResult, Setup
from kgen.errors import InternalError, KgenError, Terminated
from kgen.load.discover import Source
from kgen.signals import signals_held

#: Below this many files, no workers start (kgen.check.engine decides, before this module is imported).
MIN_FILES = MIN_PARALLEL_FILES

#: Files handed to a worker at a time: large enough that the main process's
#: hand-over work stays small (measured: 4 costs 10 % more wall time on a
#: 10,000-document tree), small enough to keep the workers evenly loaded.
CHUNK = 16
#: ...or files of this many bytes in all, whichever comes first: the few very large files of a tree
#: (a 2 MB install.yaml takes a second) go out alone, and do not leave one worker with most of the work.
CHUNK_BYTES = 256 * 1024

#: Chunks a worker holds at a time: the one it checks and the next, so it never waits for the
#: main process between two. A second chunk is sent only when it is small (SMALL bytes, far
#: less than any pipe holds), so sending it never blocks: the main process can never wait on a
#: worker that waits on it. A larger one (a kustomize build's text) waits until the worker is idle.
HELD = 2
SMALL = 4096

#: Chunks checked but not yet given back, at most, per worker: results wait for an earlier slow
#: chunk in bounded numbers, never the whole tree's.
AHEAD = 8

#: What the main process sends a worker when the run is complete (a pickled chunk is never empty).
_STOP = b""

#: Seconds to wait for a stopped worker to be reaped (a SIGKILLed process is gone in microseconds).
REAP_SECONDS = 2.0

_checker: FileChecker | None = None
T = TypeVar("T")

#: The workers of the runs in progress, stopped by ``stop_all`` when the process is interrupted
#: (the generator that owns them may not be closed before the process exits).
_running: set["_Workers"] = set()


def _start(setup: Setup, shared: Path | None) -> None:
    global _checker
    gc.disable()  # as in the main process: no cycles to collect, only rescans to avoid
    if _checker is None:  # spawned, not forked: build our own
        _checker = FileChecker(setup)
    _checker.portable = True  # this process's copy: its results are sent to the main process
    _checker.reuse.shared = shared  # large documents another worker has read (kgen.load.yamlload.Reuse)


def _check(source: Source) -> FileResult | Source:
    """A file's result; a Dockerfile comes back unchecked, for the main process to check: the
    Dockerfile parser runs Go, whose runtime cannot run in a process forked after it started."""
    assert _checker is not None
    if source.dockerfile:
        return source
    return _checker.check(source)


def _child_signals() -> None:
    """A worker's or forked part's dispositions: Ctrl-C reaches the whole process group and is the main
    process's to handle; SIGTERM ends it as it ends any process (the main process held both back while
    it started it)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def _serve(tasks: Connection, results: Connection, setup: Setup, shared: Path | None) -> None:
    """A worker's life: check each chunk it is sent, send back its results (or the exception
    that stopped it), until its task pipe closes. It never writes to stdout or stderr."""
    _child_signals()
    failed: Exception | None = None
    try:
        try:
            _start(setup, shared)
        except Exception as exc:  # noqa: BLE001 - the answer to every chunk, raised by the main process
            failed = exc
        while True:
            data = tasks.recv_bytes()
            if data == _STOP:
                break
            chunk: list[Source] = pickle.loads(data)
            try:
                if failed is not None:
                    raise failed
                reply: tuple[str, Any] = ("done", [_check(source) for source in chunk])
            except Exception as exc:  # noqa: BLE001 - sent to the main process, which raises it
                reply = ("error", exc)
            results.send_bytes(_dumps(reply))
    except (EOFError, OSError):  # the main process closed the pipes, or is gone
        pass
    finally:
        os._exit(0)  # no interpreter shutdown: nothing inherited from the main process is flushed


def _dumps(reply: tuple[str, Any]) -> bytes:
    try:
        return pickle.dumps(reply, pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 - an exception that cannot be pickled
        summary = f"{type(reply[1]).__name__}: {reply[1]}" if reply[0] == "error" else f"{type(exc).__name__}: {exc}"
        return pickle.dumps(("error", InternalError(f"in a worker process: {summary}")), pickle.HIGHEST_PROTOCOL)


def check_in_pool(
    setup: Setup, sources: Iterable[Source], jobs: int, context: Any, checker: FileChecker | None = None
) -> Iterator[FileResult]:
    """Results in source order; ``sources`` is consumed lazily, never held whole.

    Forked workers inherit ``checker`` (policies loaded, schemas compiled)
    instead of building their own.
    """
    global _checker
    _checker = checker if context.get_start_method() == "fork" else None
    shared = _shared_folder()
    try:
        main = checker if checker is not None else FileChecker(setup)
        with _Workers(context, jobs, setup, shared) as workers:
            _checker = None  # the workers have their copy; the main process checks with ``main``
            for done in workers.results(_chunks(sources)):
                yield main.check(done) if isinstance(done, Source) else done
    finally:
        _checker = None
        if shared is not None:
            shutil.rmtree(shared, ignore_errors=True)


def _shared_folder() -> Path | None:
    """A private folder (0700) for the workers to share documents through, removed when the run
    ends; None where none can be made (a read-only TMPDIR): each worker then reads every document."""
    try:
        return Path(tempfile.mkdtemp(prefix="kgen-documents-"))
    except OSError:
        return None


def in_forks(work: Callable[[int], T], parts: int) -> list[T] | None:
    """``work(0)`` here and ``work(1)`` .. ``work(parts - 1)`` in processes forked now, at once: their
    answers in that order. None where processes cannot be forked (the caller then works alone).
    A forked process ignores SIGINT and dies of SIGTERM as a worker does; one that fails raises
    here what failed it, and on any way out every forked process is stopped and reaped."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    context = multiprocessing.get_context("fork")
    forks: list[_Fork] = []
    try:
        with signals_held():
            for part in range(1, parts):
                forks.append(_Fork(context, work, part))
        answers = [work(0)]
        answers.extend(fork.answer() for fork in forks)
        return answers
    finally:
        for fork in forks:
            fork.stop()


class _Fork:
    def __init__(self, context: Any, work: Callable[[int], Any], part: int) -> None:
        self.results, writer = context.Pipe(duplex=False)
        self.process = context.Process(target=_work_alone, args=(writer, work, part), daemon=True)
        self.process.start()
        writer.close()

    def answer(self) -> Any:
        return _received(self)

    def stop(self) -> None:
        if self.process.exitcode is None:
            self.process.kill()
        self.process.join(REAP_SECONDS)
        self.results.close()


def _work_alone(results: Connection, work: Callable[[int], Any], part: int) -> None:
    """A forked process's life: its part of the work, its answer (or the exception that stopped it)."""
    _child_signals()
    try:
        try:
            reply: tuple[str, Any] = ("done", work(part))
        except Exception as exc:  # noqa: BLE001 - sent to the main process, which raises it
            reply = ("error", exc)
        results.send_bytes(_dumps(reply))
    except OSError:  # the main process closed the pipe, or is gone
        pass
    finally:
        os._exit(0)


def stop_all() -> None:
    """Stop every worker of this process at once (on an interrupt, before the message)."""
    for workers in list(_running):
        workers.stop()


def _chunks(sources: Iterable[Source]) -> Iterator[list[Source]]:
    chunk: list[Source] = []
    size = 0
    for source in sources:
        chunk.append(source)
        size += _size(source)
        if len(chunk) == CHUNK or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _size(source: Source) -> int:
    """Its bytes as far as a stat tells (0 when it cannot, or for a link kgen refuses to follow): what
    a chunk's share of the work is judged by."""
    if source.text is not None:
        return len(source.text)
    if source.path is None or source.refused is not None:
        return 0
    try:
        return source.path.stat().st_size
    except OSError:
        return 0


class _Worker:
    def __init__(self, context: Any, setup: Setup, shared: Path | None) -> None:
        task_reader, self.tasks = context.Pipe(duplex=False)
        self.results, result_writer = context.Pipe(duplex=False)
        self.process = context.Process(target=_serve, args=(task_reader, result_writer, setup, shared), daemon=True)
        self.process.start()
        task_reader.close()
        result_writer.close()
        self.held: deque[int] = deque()  # the numbers of the chunks sent and not yet answered

    def send(self, number: int, data: bytes) -> None:
        try:
            self.tasks.send_bytes(data)
        except OSError:  # the worker is gone (its end of the pipe closed with it)
            raise _ended(self) from None
        self.held.append(number)

    def stop(self, kill: bool) -> None:
        if kill:
            self.process.kill()
        else:
            # Told to stop in so many words: the end of the pipe alone is not seen while a worker
            # started later holds a copy of this write end (forked with it), and the join would wait.
            try:
                self.tasks.send_bytes(_STOP)
            except OSError:
                pass
        self.tasks.close()
        self.process.join(REAP_SECONDS)
        if self.process.exitcode is None:
            self.process.kill()
            self.process.join(REAP_SECONDS)
        self.results.close()


class _Workers:
    """``jobs`` worker processes and the chunks they hold, stopped on leaving the ``with``."""

    def __init__(self, context: Any, jobs: int, setup: Setup, shared: Path | None) -> None:
        self.context, self.jobs, self.setup, self.shared = context, jobs, setup, shared
        self.workers: list[_Worker] = []
        self.stopped = False

    def __enter__(self) -> "_Workers":
        _running.add(self)
        try:
            with signals_held():  # a worker sets its own dispositions before it hears of a signal
                for _ in range(self.jobs):
                    self.workers.append(_Worker(self.context, self.setup, self.shared))
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        self.stop(kill=kind is not None)

    def stop(self, kill: bool = True) -> None:
        """Kill (or, after a complete run, let exit) every worker and reap it; idempotent."""
        if self.stopped:
            return
        with signals_held():  # a second Ctrl-C must not leave a worker unreaped
            for worker in self.workers:
                try:
                    worker.stop(kill)
                except OSError:
                    pass
            self.stopped = True
            _running.discard(self)

    def results(self, chunks: Iterator[list[Source]]) -> Iterator[FileResult | Source]:
        """Every chunk's results, in the order of the chunks."""
        answered: dict[int, list[FileResult | Source]] = {}
        waiting: deque[tuple[int, bytes]] = deque()  # chunks numbered and pickled, not yet sent
        sent = given = 0
        exhausted = False
        by_pipe = {worker.results: worker for worker in self.workers}
        while True:
            while given in answered:
                yield from answered.pop(given)
                given += 1
            while not exhausted and len(waiting) < len(self.workers):
                try:
                    waiting.append((sent, pickle.dumps(next(chunks), pickle.HIGHEST_PROTOCOL)))
                    sent += 1
                except StopIteration:
                    exhausted = True
            self._hand_out(waiting, limit=given + AHEAD * len(self.workers))
            busy = [worker.results for worker in self.workers if worker.held]
            if not busy:
                return
            for pipe in wait(busy):
                worker = by_pipe[pipe]
                number = worker.held.popleft()
                answered[number] = self._answer(worker)

    def _hand_out(self, waiting: deque[tuple[int, bytes]], limit: int) -> None:
        for worker in sorted(self.workers, key=lambda w: len(w.held)):
            if not waiting or waiting[0][0] >= limit:
                return
            if not worker.held or (len(worker.held) < HELD and len(waiting[0][1]) <= SMALL):
                worker.send(*waiting.popleft())

    def _answer(self, worker: _Worker) -> list[FileResult | Source]:
        return cast("list[FileResult | Source]", _received(worker))


def _received(child: "_Worker | _Fork") -> Any:
    """What a worker or forked part sent back; the exception that stopped it is raised here."""
    try:
        kind, value = pickle.loads(child.results.recv_bytes())
    except (EOFError, OSError):
        raise _ended(child) from None
    if kind == "error":
        raise value
    return value


def _ended(worker: "_Worker | _Fork") -> BaseException:
    """What a worker's unexpected end means: a signal from outside stops kgen as it would
    have stopped kgen itself; a killed worker is most likely the kernel's out-of-memory killer."""
    worker.process.join(REAP_SECONDS)
    code = worker.process.exitcode
    if code == -signal.SIGTERM:
        return Terminated()
    if code == -signal.SIGINT:
        return KeyboardInterrupt()
    if code == -signal.SIGKILL:
        return KgenError(
            "a worker process was killed (SIGKILL: most likely out of memory); "
            "run with fewer --jobs, or --jobs 1"
        )
    return InternalError(f"a worker process ended unexpectedly (exit status {code})")
