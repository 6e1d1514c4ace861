"""Errors a user can act on. Their message is the whole story: it names the file and the field."""


class ShowrunnerError(Exception):
    """Base: the stage wrapper prints the message (no traceback) and exits non-zero."""


class ConfigError(ShowrunnerError):
    """config.yaml (or a --config override) is invalid."""


class SourceError(ShowrunnerError):
    """A source document is missing, empty, unreadable or of an unsupported kind."""


class ArtifactError(ShowrunnerError):
    """An artifact (often one a person edited) does not match its schema."""


class ApprovalError(ShowrunnerError):
    """The approval gate is closed."""


class ProviderError(ShowrunnerError):
    """A model provider failed after retries, or its circuit breaker is open."""


class BudgetExceeded(ShowrunnerError):
    """A paid call would take the episode past its budget_usd."""


class ToolMissing(ShowrunnerError):
    """A system tool (ffmpeg, ffprobe, espeak-ng) is not installed."""


class AcceptanceFailed(ShowrunnerError):
    """A hard acceptance check failed."""


class MediaError(ShowrunnerError):
    """ffmpeg could not read or make a media file (a bad user audio file, a damaged clip)."""
