"""Accountability to commenters, readers and the DSA.

- :mod:`.sor` — statements of reasons (German, English, and the EU Transparency Database form)
- :mod:`.dsa` — the JSON Schema of that form, written from the database's rules, and a validator
- :mod:`.appeals` — the internal complaint procedure (DSA Art. 20)
- :mod:`.notices` — readers' reports, including notices of illegal content (DSA Art. 16)
- :mod:`.commenter` — what the commenter sees through the status link
- :mod:`.transparency` — the transparency report (JSON, CSV, HTML with SVG charts)
- :mod:`.privacy` — erasing an author (GDPR Art. 17) and the retention of rejected texts

The package imports nothing at load time, so the review layer may use :mod:`.tokens` freely.
"""
