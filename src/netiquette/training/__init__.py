"""Training the house-rule models from the shared corpora (see ``docs/models.md``)."""
