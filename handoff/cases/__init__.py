"""Complaint cases: submission, the worker's side by receipt, messages, routing, retention."""
