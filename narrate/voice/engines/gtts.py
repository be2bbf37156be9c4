"""gTTS: Google Translate's online voices, many languages. Needs the network."""

from __future__ import annotations

import os
import time
from typing import Any

from ...errors import EngineError, NetworkError
from ...ffmpeg import decode_to_pcm
from ...model import base_language
from .base import Clip, EngineBase, VoiceInfo, package_version

ENDPOINT_ENV = "NARRATE_GTTS_ENDPOINT"  # e.g. http://127.0.0.1:8000 to use a stand-in server
RETRY_STATUSES = {429, 500, 502, 503, 504}
OFFLINE_HINT = "use --engine piper or --engine espeak, which work offline"


class GttsEngine(EngineBase):
    """Google Translate TTS through the gTTS package, with retries and backoff."""

    name = "gtts"
    offline = False
    max_chars = 100  # gTTS's own per-request limit; narrate splits before it has to
    sample_rate = 24000
    concurrent_requests = 4  # sentences in flight at once: the time is the network's

    def __init__(
        self,
        voice: str | None = None,
        lang: str | None = None,
        retries: int = 4,
        backoff_s: float = 1.0,
        timeout_s: float = 15.0,
    ) -> None:
        self.lang = voice or base_language(lang)
        self.tld = "com"
        if "-" in self.lang and self.lang.startswith("en-"):
            self.tld = {"en-gb": "co.uk", "en-au": "com.au", "en-in": "co.in", "en-ca": "ca"}.get(
                self.lang.lower(), "com"
            )
            self.lang = "en"
        self.voice = f"{self.lang}@{self.tld}"
        self.retries = retries
        self.backoff_s = backoff_s
        self.timeout_s = timeout_s
        self.endpoint = os.environ.get(ENDPOINT_ENV)
        try:
            from gtts.lang import tts_langs

            known = tts_langs()
        except ImportError:
            raise EngineError("gTTS is not installed: pip install gTTS") from None
        if self.lang not in known:
            raise EngineError(
                f"gTTS has no language {self.lang!r} (see `narrate voices --engine gtts`)"
            )

    def request(self, text: str) -> Any:
        from gtts import gTTS

        endpoint = self.endpoint

        class Redirected(gTTS):  # type: ignore[misc]
            def _prepare_requests(self) -> list[Any]:
                prepared = super()._prepare_requests()
                if endpoint:
                    for request in prepared:
                        path = request.url.split("/", 3)[3]
                        request.url = endpoint.rstrip("/") + "/" + path
                return prepared

        return Redirected(
            text, lang=self.lang, tld=self.tld, timeout=self.timeout_s, lang_check=False
        )

    def synthesize(self, text: str) -> Clip:
        from gtts.tts import gTTSError

        delay = self.backoff_s
        for attempt in range(self.retries + 1):
            try:
                mp3 = b"".join(self.request(text).stream())
                return Clip(decode_to_pcm(mp3, self.sample_rate), self.sample_rate)
            except gTTSError as exc:
                status = getattr(getattr(exc, "rsp", None), "status_code", None)
                if status is None:
                    raise NetworkError(
                        f"gtts cannot reach Google's servers (no network?): {OFFLINE_HINT}"
                    ) from None
                if status < 400:
                    raise EngineError("gtts failed: Google's answer held no audio") from None
                if status not in RETRY_STATUSES or attempt == self.retries:
                    raise EngineError(f"gtts failed: Google answered HTTP {status}") from None
                retry_after = exc.rsp.headers.get("Retry-After", "")
                wait = float(retry_after) if retry_after.isdigit() else delay
                time.sleep(min(wait, 60.0))
                delay *= 2
        raise EngineError("gtts failed")  # pragma: no cover

    def identity(self) -> dict[str, object]:
        return {
            "engine": "gtts",
            "version": package_version("gTTS"),
            "lang": self.lang,
            "tld": self.tld,
            "rate": self.sample_rate,
        }

    def voices(self) -> list[VoiceInfo]:
        from gtts.lang import tts_langs

        return [VoiceInfo(code, code, name) for code, name in sorted(tts_langs().items())]
