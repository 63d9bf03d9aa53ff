"""The record kinds smbsite ships, one module each, registered through the smbsite.kinds entry points: everything about a kind in one place."""
