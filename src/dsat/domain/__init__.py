"""Pure domain: pydantic models and pure functions. Imports nothing of the UI or storage."""
