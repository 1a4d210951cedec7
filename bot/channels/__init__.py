"""Channel adapters: each turns its own input into ``Inbound`` and sends ``Reply`` back."""
