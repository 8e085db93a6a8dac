"""The staff console (to come: issue 10). For now only its signals, which other features connect to."""
