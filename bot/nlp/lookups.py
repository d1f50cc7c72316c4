"""spacy-lookups-data's lemma tables, read once per process and shared.

Unpacking one language's table takes about a second and half a million entries; the danger rules and the
job-offer reader each need it, and before they each read their own copy (twice the memory in the Rasa server,
and a second per language every time a reader was built). Everything that uses a table only reads it.
"""

from __future__ import annotations

from functools import cache

from spacy.lookups import Lookups, load_lookups


@cache
def lemma_lookups(language: str) -> Lookups:
    """The `lemma_lookup` table of `language` (raises as spaCy does when spacy-lookups-data lacks it)."""
    return load_lookups(language, ["lemma_lookup"])
