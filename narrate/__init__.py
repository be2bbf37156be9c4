"""narrate: turn written journalism into listenable, podcast-ready audio."""

__version__ = "0.1.0"
