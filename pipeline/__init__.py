"""Offline translation-and-glossary pipeline for English reporting on the Russian military."""

__version__ = "0.1.0"
