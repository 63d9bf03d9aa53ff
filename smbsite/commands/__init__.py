"""The command line and what only it does: init, new, diff, argument parsing and exit codes."""
