"""Member accounts: sign-up, verification, sign-in, profile."""
