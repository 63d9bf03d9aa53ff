"""Stage 1, load: the site folder read safely into sources that keep the file position of every value."""
