"""SQLite storage through sqlite-utils. Imports the domain only."""
