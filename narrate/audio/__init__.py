"""Stage 4, audio: `Clip`s → one mastered episode file with its sidecars.

`timeline` places clips and pauses (chapters, cues), `stream` feeds them to ffmpeg as they
arrive, `encode` holds the formats and the loudness chain, `master` runs it all and writes the
file; `tags` (ID3/MP4 tags, chapters), `sidecars` (VTT, SRT, Podcasting 2.0 JSON) and `cover`
(the square artwork) finish it. Imports the earlier stages only for what they define (a page's
user agent, the cache folder) and the shared modules, `narrate.ffmpeg` among them.
"""
