"""ononotes: run 1:1 meetings from a folder of Markdown files."""

__version__ = "0.1.0"
