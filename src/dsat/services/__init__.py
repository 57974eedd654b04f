"""Use cases shared by the CLI and the TUI. No UI code, no SQL here: that is store/."""
