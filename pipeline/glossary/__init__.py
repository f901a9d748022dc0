"""The glossary: loading, checking and matching curated terms."""
