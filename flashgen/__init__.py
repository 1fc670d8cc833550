"""flashgen: turn Markdown study notes into spaced-repetition material."""

__version__ = "0.1.0"
