"""Registration for sessions: places, waiting list, cancellations."""
