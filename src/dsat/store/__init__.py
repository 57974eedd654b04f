"""SQLite storage through sqlite-utils: the only way in and out of the database.

`open_store` gives a `Store`; its repositories read, and `Store.unit_of_work()` is the only
way to write. Imports the domain only.
"""

from dsat.store.base import Store, open_store
from dsat.store.errors import StoreError

__all__ = ["Store", "StoreError", "open_store"]
