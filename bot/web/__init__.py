"""The web app: worker web chat, JSON API and (later) the caseworker console."""
