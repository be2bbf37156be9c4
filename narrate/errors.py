"""User-facing failures: each carries a one-line message the CLI prints as is."""


class NarrateError(Exception):
    """Base class for every failure a user can cause or fix."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class SourceError(NarrateError):
    """The source could not be read: missing file, bad URL, HTTP error, wrong content type."""


class ExtractError(NarrateError):
    """The page was read but holds no article to narrate."""


class EngineError(NarrateError):
    """A speech engine is missing, misconfigured or failed."""


class NetworkError(EngineError):
    """An online engine could not reach its servers."""


class OutputError(NarrateError):
    """The output cannot be written (exists, bad folder, encoder failure)."""


class BusyError(NarrateError):
    """Another narrate run holds the folder this run needs."""


class MissingExtra(NarrateError):
    """An optional part of narrate is asked for but not installed."""
