"""The worker process's entry point (worker/actors.py). The actors themselves live beside their features."""
