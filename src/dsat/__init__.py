"""dsat: the Digital Skills Assessment and Test engine."""

__version__ = "0.1.0"
