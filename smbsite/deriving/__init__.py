"""Stage 3, derive: valid records into the frozen site model, with their Markdown rendered and its links kept."""
