"""Stage 4, routes: every output URL, what renders it (template and view, or producer) and what it depends on."""
