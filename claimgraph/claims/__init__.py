"""The claims stage: who did what to whom, when, where, how many, how it is said, by whom.

Building blocks (pure functions over spaCy sentences): `quantities` (how many), `timex` (when),
`modality` (how it is said, and by whom).
"""
