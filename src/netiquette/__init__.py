"""netiquette: self-hosted pre-moderation for news comment sections."""

__version__ = "0.1.0"
