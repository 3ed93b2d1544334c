"""okrtui: a terminal OKR tracker for people and teams."""

__version__ = "0.1.0"
