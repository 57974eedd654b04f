"""Reading and writing question banks. Imports the domain only."""
