"""Review-file formats: each module renders (and where needed reads) one format."""
