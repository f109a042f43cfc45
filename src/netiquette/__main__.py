"""``python -m netiquette`` runs the CLI."""

from netiquette.cli import main

main()
