"""Stage 3, voice: a `Script` → one `Clip` (PCM) per sentence, in reading order.

`engines` holds the speech engines (Piper, espeak-ng, gTTS) behind one interface; `speak`
sends one sentence through an engine, `synth` walks a script (threads for online engines),
`pool` shares an article's sentences among worker processes, and `cache` keeps every clip
spoken so that unchanged sentences are never spoken again. Imports the speech stage for
sentence splitting, and the shared modules.
"""
