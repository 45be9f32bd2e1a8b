"""_errors.py: the exceptions, one per shellsim_status.

Every exception the package raises for a C status is a shellsim.Error, whose
message is the C library's (for a scenario: "FILE:LINE: [section] key: what
is wrong"), with the status code in .status and the input line in .line.
Each also derives from the built-in exception a Python user would expect
(ValueError for bad input, OSError for an unreadable file, ...).
"""

from __future__ import annotations

from typing import Optional

from . import _lib


class Error(Exception):
    """Base class of shellsim's exceptions.

    status: the shellsim_status code (an int; None for errors found on the
            Python side, such as a closed handle).
    line:   the input line the message names (0 if none).
    """
    status: Optional[int] = None
    line: int = 0


class InvalidArgumentError(Error, ValueError):
    """SHELLSIM_EINVAL: an argument is out of its range (e.g. replications=0,
    an unknown series name in series=...)."""


class OutOfMemoryError(Error, MemoryError):
    """SHELLSIM_ENOMEM: an allocation failed in the library."""


class FileError(Error, OSError):
    """SHELLSIM_EIO: a scenario file could not be read."""


class ScenarioError(Error, ValueError):
    """SHELLSIM_ESCENARIO: the scenario text is invalid. The message is
    "FILE:LINE: [section] key: what is wrong"; .line is LINE."""


class NotFoundError(Error, LookupError):
    """SHELLSIM_ENOTFOUND: no metric or series by that name."""


class LimitError(Error):
    """SHELLSIM_ELIMIT: a run exceeded a documented model limit."""


class RunInterrupted(Error):
    """SHELLSIM_EINTERRUPTED: the progress callback asked the run to stop
    (by returning a true value)."""


class NoRunsError(Error):
    """SHELLSIM_ENORUNS: per-run values were not kept (run with
    keep_runs=True)."""


class ClosedError(Error, ValueError):
    """The handle (Scenario or Result) was closed."""


_BY_STATUS = {
    _lib.EINVAL: InvalidArgumentError,
    _lib.ENOMEM: OutOfMemoryError,
    _lib.EIO: FileError,
    _lib.ESCENARIO: ScenarioError,
    _lib.ENOTFOUND: NotFoundError,
    _lib.ELIMIT: LimitError,
    _lib.EINTERRUPTED: RunInterrupted,
    _lib.ENORUNS: NoRunsError,
}


def make(status: int, message: Optional[str] = None, line: int = 0) -> Error:
    """The exception for a C status. message defaults to the library's
    static text for the status."""
    if not message:
        message = _lib.errstr(status)
    e = _BY_STATUS.get(status, Error)(message)
    e.status = status
    e.line = line
    return e


def from_record(status: int, err: _lib.ShellsimError) -> Error:
    """The exception for a failed call that filled a shellsim_error."""
    message = _lib.decode(err.message)  # a char array field reads as bytes
    return make(status, message, err.line)
