"""The built-in record kinds, one module each, registered through the smbsite.kinds entry points."""
