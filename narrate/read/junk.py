"""What a listener must not hear: patterns for page furniture that slips into article bodies.

Two layers: `JUNK_CLASS` marks containers to drop from the HTML before extraction, and
`is_junk_text` judges a single extracted block by its words.
"""

from __future__ import annotations

import re

# Elements never spoken, wherever they sit.
DROP_TAGS = (
    "figure",
    "figcaption",
    "nav",
    "footer",
    "form",
    "button",
    "audio",
    "video",
    "iframe",
    "noscript",
    "svg",
    "dialog",
    "select",
    "input",
    "label",
    "picture",
)

# class/id fragments of containers that hold furniture, not story.
JUNK_CLASS = re.compile(
    r"(?:^|[\s_-])(?:newsletter|subscri\w*|signup|sign-up|support-(?:banner|box|us)|donat\w*|"
    r"membership|paywall|promo\w*|related|recommend\w*|read-?(?:more|also|next)|more-stories|"
    r"share|sharing|social|audio-?player|audio|listen\w*|podcast-player|caption|credit|"
    r"advert\w*|ads?|sponsor\w*|outbrain|taboola|cookie\w*|consent|popup|modal|byline|"
    r"breadcrumbs?|tags?|author-bio|comments?|sidebar|news-feed|most-read|trending)(?:$|[\s_-])",
    re.IGNORECASE,
)
# Containers larger than this are kept even if their class looks like furniture:
# some sites wrap the whole story in e.g. class="paywall".
JUNK_CONTAINER_MAX_CHARS = 900

_PHRASES = [
    # AI-audio labels and players
    r"this (?:audio|article|narration) (?:is|was|has been) (?:created|generated|produced|voiced|"
    r"read|narrated)\b.{0,30}\b(?:ai|a\.i\.|artificial intelligence|text-to-speech|synthetic)",
    r"^listen to (?:this|the) (?:article|story)\b",
    r"\bvoiced by amazon polly\b",
    r"\b(?:powered by|audio by) (?:beyondwords|trinity audio|elevenlabs|speechkit|ad auris)\b",
    # support, donation and membership appeals
    r"\bsupport (?:independent|our|quality) journalism\b",
    r"\bbecome a (?:member|patron|supporter|subscriber)\b",
    r"\bsupport us\b",
    r"\bjoin us in this fight\b",
    r"\b(?:please )?(?:consider )?(?:donate|donating|make a donation)\b",
    r"\b(?:support|help) (?:us|the kyiv independent|our newsroom) (?:for as little as|today|now)\b",
    r"\bsubscribe (?:now|today|to (?:our|the) (?:newsletter|channel|podcast))\b",
    r"^subscribe$",
    # newsletter prompts and form furniture
    r"\b(?:sign up|signing up) (?:for|to) (?:our|the|this) newsletter\b",
    r"\bin your inbox\b",
    r"^\[[^\]]{0,200}\]$",  # bracketed promos: "[Get the morning briefing by email.]"
    r"\benter (?:your|a|correct) email\b",
    r"^\* ?indicates required$",
    r"\bsuccessful+y subscribed\b",
    r"\bthank you for (?:signing up|subscribing)\b",
    # teasers and cross-links
    r"^(?:read|see|watch|listen) (?:also|more|next)\b",
    r"^(?:related|recommended|more on this|more from|further reading|also read)\s*[:\-–—]",
    r"^(?:related (?:stories|articles|news)|more news|editors'? picks|most read)$",
    r"^(?:advertisement|sponsored|skip to content|edit post|share this article)$",
    # bylines, reading times, payment furniture
    r"\d+\s*min(?:ute)?s?\s+read\b",
    r"^(?:(?:visa|master ?card|american ?express|amex|paypal|apple ?pay|google ?pay)\s*)+$",
    r"^(?:updated|published|posted)\s*:?\s*(?:on\s+)?\w+\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}",
    # photo captions and credits
    r"^\((?:photo|image|illustration|video)[^)]*\)$",
    r"^(?:photo|image|illustration|picture|credit|photograph)s?(?: by)?\s*[:/]",
    r"\((?:[^()]*/)?[^()]*(?:via )?(?:getty images|afp|anadolu|shutterstock|ap photo|"
    r"reuters/|epa|ukrinform|ria novosti)[^()]*\)\s*$",
]
JUNK_TEXT = re.compile("|".join(f"(?:{p})" for p in _PHRASES), re.IGNORECASE)

# A block this long is story text even if it mentions "support us" in passing.
JUNK_TEXT_MAX_WORDS = 60


def is_junk_text(text: str) -> bool:
    """True for a block that is furniture: appeal, label, prompt, caption, teaser."""
    stripped = text.strip()
    if not stripped:
        return True
    if len(stripped.split()) > JUNK_TEXT_MAX_WORDS:
        return False
    return bool(JUNK_TEXT.search(stripped))


def is_fragment(text: str) -> bool:
    """A short label without sentence punctuation ("Ukraine Daily", "MORE NEWS")."""
    stripped = text.strip()
    return len(stripped.split()) <= 4 and not re.search(r"[.!?:;\"”]$", stripped)


def is_truncated_teaser(text: str) -> bool:
    """A teaser excerpt cut off with an ellipsis, as related-story cards show."""
    return bool(re.search(r"(?:…|\.\.\.)\s*$", text.strip())) and not re.search(
        r"[.!?\"”’']\s*(?:…|\.\.\.)\s*$", text.strip()
    )
