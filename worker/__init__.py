"""Background work: the Dramatiq broker (worker/broker.py) and thin actors (worker/actors.py)."""
