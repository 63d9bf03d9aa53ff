"""Stage 5, render: an output into bytes with Jinja and the theme; template mistakes as problems at their file and line."""
