"""A local worker process's first moments: it must never outlive, or hold on to, the command.

The process pool's workers are separate Python processes. Left alone, a worker whose parent is
killed with SIGKILL (or by the out-of-memory killer) is adopted by init and goes on running its
batch, then waits for work forever; and because it inherited the command's stdout and stderr, a
caller reading them (``sim run ... | jq``, ``subprocess.run(capture_output=True)``) never sees
them close. So each worker, as it starts:

* leaves Ctrl-C to the parent (which stops cleanly and saves what is finished), and drops the
  parent's other signal handlers, which a forked worker inherits (SIGTERM must end it);
* lets go of the command's standard streams (reads and writes ``os.devnull`` instead): its
  results and errors travel back through the pool's queues, never through stdout or stderr;
* dies with its parent: on Linux the kernel sends it SIGKILL when the parent goes
  (``PR_SET_PDEATHSIG``), and on every system a watcher thread ends it when the pipe its parent
  holds open is closed, which happens however the parent ends.

The pool's resource tracker (a helper process of ``multiprocessing``) needs nothing of its own:
it exits once every process holding its pipe has gone, the parent and the workers.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading

#: ``prctl`` option asking the kernel to signal this process when its parent thread ends.
PR_SET_PDEATHSIG = 1

#: Exit status of a worker that ends because its parent is gone (128 + SIGKILL, as if killed).
ORPHANED = 128 + signal.SIGKILL


def start_worker(parent_pid: int, kernel_watch: bool) -> None:
    """Prepare this freshly started worker process (the pool's initializer).

    Args:
        parent_pid: the process id of the command that started the pool.
        kernel_watch: ask Linux to kill this worker when its parent ends. Linux ties the request
            to the parent *thread* that started the worker, so the pool asks for it only when it
            was made on the parent's main thread, whose end is the parent's end.
    """
    _forget_parent_signal_handlers()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _let_go_of_standard_streams()
    if kernel_watch:
        _ask_kernel_to_kill_with_parent()
    _watch_parent()
    if os.getppid() != parent_pid:  # the parent died before the watches were in place
        os._exit(ORPHANED)


def _forget_parent_signal_handlers() -> None:
    """Give back to the system every signal the parent handles in Python (a forked worker's).

    A forked worker inherits its parent's handlers: the command's SIGTERM handler, which turns
    the signal into a stop, would make the worker shrug off the pool's own terminate() when a
    sibling dies, and the command would wait for it forever. A spawned worker has none of them.
    """
    for number in signal.valid_signals():
        try:
            handler = signal.getsignal(number)
        except (OSError, ValueError):  # a signal Python cannot look at
            continue
        if callable(handler):  # SIG_DFL and SIG_IGN are not callables
            signal.signal(number, signal.SIG_DFL)


def _let_go_of_standard_streams() -> None:
    """Point file descriptors 0, 1 and 2 at ``os.devnull``, closing the inherited ones."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in (0, 1, 2):
            os.dup2(null, fd)
    finally:
        if null > 2:
            os.close(null)


def _ask_kernel_to_kill_with_parent() -> None:
    """``prctl(PR_SET_PDEATHSIG, SIGKILL)`` on Linux; nothing elsewhere (the watcher suffices)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # an unusual libc: the watcher thread still guards
        return


def _watch_parent() -> None:
    """End this process as soon as its parent has gone, whatever ended the parent.

    A worker, forked or spawned, holds the read end of a pipe whose write end only its parent
    holds (``multiprocessing.parent_process().sentinel``): the pipe closes when the parent ends.
    """
    parent = multiprocessing.parent_process()
    if parent is None:  # not started by multiprocessing (a test calling this directly)
        return

    def watch() -> None:
        parent.join()
        os._exit(ORPHANED)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
