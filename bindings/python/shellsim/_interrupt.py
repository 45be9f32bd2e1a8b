"""_interrupt.py: one C call that a progress callback, an exception or
Ctrl-C can stop cleanly.

Every long call of the library (shellsim_run, shellsim_run_extended,
shellsim_compare, shellsim_sensitivity_analyse, shellsim_infer) takes an
options struct with a `progress` member (a shellsim_progress_fn) and stops
with SHELLSIM_EINTERRUPTED when it returns non-zero. call() makes such a
call with a callback that:

- calls the user's progress(done, total), if any; a true return value stops
  the call (the caller then raises RunInterrupted for the status);
- turns an exception raised by progress into a stop, and re-raises it once
  the C call has returned;
- during a call from the main thread, turns Ctrl-C into a stop, and raises
  the KeyboardInterrupt (or whatever the SIGINT handler raised) once the C
  call has returned.

How Ctrl-C works: Python runs signal handlers only in the main thread,
between bytecodes. During the call the main thread is in C with the GIL
released, so nothing happens until the library calls the progress
callback, which re-enters Python. The handler then runs at the very first
bytecode of the callback, before any try block could catch what it raises,
and ctypes would swallow a KeyboardInterrupt raised there ("Exception
ignored on calling ctypes callback function") while the call went on. So,
for the duration of a call from the main thread, the SIGINT handler is
wrapped: the wrapper calls the handler that was installed (Python's default
one raises KeyboardInterrupt), keeps what it raises instead of letting it
escape, and the callback, seeing it, returns 1: the library stops between
two blocks of work with SHELLSIM_EINTERRUPTED. Once the call has returned
and the handler is restored, the kept exception is raised. A handler that
returns normally lets the call go on. SIG_IGN and SIG_DFL are left alone.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any, Callable, Optional

from . import _lib

# progress(done, total) -> a true value to stop
Progress = Callable[[int, int], Any]


def check_progress(progress: Optional[Progress],
                   args: str = "done, total") -> None:
    """Raise TypeError unless progress is None or callable; args names its
    parameters in the message."""
    if progress is not None and not callable(progress):
        raise TypeError("progress must be callable(%s) or None" % args)


class _Stopper:
    """The state of one call: the user's progress, the exception to
    re-raise after it, and the SIGINT handler in place before it."""

    def __init__(self, progress: Optional[Progress]) -> None:
        self.progress = progress
        self.exc: Optional[BaseException] = None
        self.previous: Any = None

    def on_sigint(self, signum: int, frame: Optional[FrameType]) -> None:
        try:
            self.previous(signum, frame)
        except BaseException as e:
            if self.exc is None:
                self.exc = e

    def callback(self, user: Any, done: int, total: int) -> int:
        try:
            if self.exc is not None:
                return 1
            if self.progress is not None:
                stop = self.progress(done, total)
                if self.exc is not None:
                    return 1
                return 1 if stop else 0
            return 0
        except BaseException as e:  # includes KeyboardInterrupt
            if self.exc is None:
                self.exc = e
            return 1


def call(opts: Any, progress: Optional[Progress],
         c_call: Callable[[], int], free_output: Callable[[], None]) -> int:
    """Make one interruptible C call and return its status.

    opts         the options struct c_call passes to the library; its
                 `progress` member is set here (when there is Python code to
                 run or a signal to watch) and must not be set by the caller
    progress     None or callable(done, total): see the module docstring
    c_call       makes the C call, with opts, and returns its status
    free_output  frees the call's output, for a call that succeeded after
                 all when an exception is to be raised (the stop came after
                 its last callback)

    Raises what progress or the SIGINT handler raised, after the C call has
    returned and the handler is restored; then nothing is left allocated.
    """
    stopper = _Stopper(progress)
    wrap = False
    if threading.current_thread() is threading.main_thread():
        try:
            stopper.previous = signal.getsignal(signal.SIGINT)
            wrap = callable(stopper.previous)
        except (ValueError, AttributeError):  # pragma: no cover
            wrap = False
    if progress is None and not wrap:
        # No Python code to run and no signal to watch: call bare.
        return c_call()
    cb = _lib.PROGRESS_FN(stopper.callback)  # kept alive by this frame
    opts.progress = cb
    if wrap:
        signal.signal(signal.SIGINT, stopper.on_sigint)
    try:
        st = c_call()
    finally:
        if wrap:
            # signal.signal() first runs any pending handler: a Ctrl-C
            # that came after the last callback is still caught.
            signal.signal(signal.SIGINT, stopper.previous)
    if stopper.exc is not None:
        if st == _lib.OK:  # it finished before the stop took effect
            free_output()
        exc, stopper.exc = stopper.exc, None
        raise exc
    return st
