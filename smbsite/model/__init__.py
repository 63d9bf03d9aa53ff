"""The content model: value types, what each record file may hold, the registry of kinds, the frozen site model templates see, and JSON Schemas."""
