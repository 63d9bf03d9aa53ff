"""Stage 6, write: the output folder written through a staging folder, the page cache, the process pool and the search index."""
