"""Parser worker processes die with the process that started them.

A killed importer (``kill -9``, OOM) used to leave its spawn workers parsing for minutes: nothing told
them. On Linux each worker asks the kernel for SIGKILL when its parent exits (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

__all__ = ["die_with_parent"]

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Process-pool initializer: SIGKILL this process when its parent exits (Linux; elsewhere a no-op).

    Args:
        parent_pid: the parent's pid as the parent saw it; if the parent is already gone by the time the
            request is made (a race the kernel cannot see), exit at once.
    """
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return  # not allowed here (seccomp): keep working, as before
    if os.getppid() != parent_pid:
        os._exit(1)
