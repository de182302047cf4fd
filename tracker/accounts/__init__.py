"""Accounts: password rules, sign-in throttling and invitations."""
