"""showrunner: source material in, reviewed episodes out (video with captions, podcast)."""

__version__ = "0.1.0"
