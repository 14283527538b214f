"""The one error tree of kintrace.

Every error kintrace raises on purpose derives from :class:`KintraceError`; the web layer maps
the tree onto HTTP status codes in one handler and the CLI onto exit code 2 with one line per
problem.

::

    KintraceError
    ├── NotFound                 a person, case, report or sample that does not exist   (404)
    ├── Forbidden                the user may not see or do this                         (403)
    │   └── TooManyAttempts      sign-in refused after failures: wait, or locked         (429)
    ├── Conflict                 the change clashes with the stored state                (409)
    │   └── InvalidTransition    a workflow step that is not allowed from the state     (409)
    ├── InvalidInput             a value the user gave is wrong                         (422)
    │   ├── SourceFormatError    a file cannot be read: names file, row and field
    │   ├── StoryError           a status story (JSON) is wrong: names report and field
    │   ├── PedigreeError        a pedigree is malformed (unknown parent, wrong sex, loop in time)
    │   ├── FrequencyError       an allele is missing from the frequency table, bad sums
    │   └── MendelianInconsistency  genotypes impossible under the pedigree with no mutation
    └── ConfigurationError       settings that cannot work (bad database URL, missing folder)
"""

from __future__ import annotations

from collections.abc import Sequence


class KintraceError(Exception):
    """Base of every error kintrace raises on purpose."""


class NotFound(KintraceError):
    """A thing that was asked for does not exist."""


class Forbidden(KintraceError):
    """The current user may not see or do this."""


class TooManyAttempts(Forbidden):
    """Too many failed sign-ins: wait ``retry_after`` seconds (None: locked until lifted)."""

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Conflict(KintraceError):
    """The change clashes with the stored state."""


class InvalidTransition(Conflict):
    """A workflow step that is not allowed from the current state."""


class ConfigurationError(KintraceError):
    """Settings that cannot work."""


class InvalidInput(KintraceError):
    """A value given by the user is wrong.

    ``problems`` holds one line per problem, so that validation can gather every problem
    before raising (each line names the file, row and field where there is one).
    """

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        self.problems: tuple[str, ...] = tuple(problems) if problems else (message,)
        super().__init__(message)


class SourceFormatError(InvalidInput):
    """A file cannot be read; each problem names the file, row and field."""


class StoryError(InvalidInput):
    """A status story is wrong; each problem names the report and field."""


class PedigreeError(InvalidInput):
    """A pedigree is malformed."""


class FrequencyError(InvalidInput):
    """An allele frequency table does not fit the genotypes."""


class MendelianInconsistency(InvalidInput):
    """Genotypes are impossible under the pedigree without a mutation model."""
