"""Multi-step conversations as explicit state machines."""
