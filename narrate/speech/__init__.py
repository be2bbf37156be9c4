"""Stage 2, speech: an `Article` → a `Script`, exactly what will be spoken.

`normalize` rewrites written text as a newsreader says it (numbers, dates, money, acronyms;
user lexicons), `segment` splits blocks into sentences, and `script` builds the intro, the
blocks and the outro, each sentence as written and as spoken. Imports only the shared modules.
"""
