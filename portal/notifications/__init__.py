"""The outbox: features write Notification rows; the worker delivers them."""
