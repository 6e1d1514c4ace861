"""showrunner: source material in, reviewed episodes out (video with captions, podcast)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("showrunner")  # one place for the version: pyproject.toml
except PackageNotFoundError:  # imported from a checkout that was never installed
    __version__ = "0+unknown"
