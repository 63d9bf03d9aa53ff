"""smbsite serve: the built site kept in memory and re-rendered where a change touches it."""
