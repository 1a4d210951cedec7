"""Organisations that receive cases, and their members' accounts and keys."""
