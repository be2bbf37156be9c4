import re

import pytest

from narrate.errors import ExtractError
from narrate.read.extract import extract, extract_page, parse_text
from narrate.read.fetch import Page

BODY_STARTS = [
    "Countries comprising the UN Command (UNC)",
    "The UNC, founded in 1950",
    "Austin said that he feared",
    "U.S. State Secretary Antony Blinken",
    "With Russia's military stocks",
    "Russia and North Korea signed",
    "Nonetheless, U.S. National Security Council",
    "South Korean military officials",
    "Other Western leaders said",
    "Czech President Petr Pavel",
    "Russian Foreign Minister Sergei Lavrov",
]
FURNITURE = [
    "Getty Images",
    "This audio is created with AI assistance",
    "Support independent journalism",
    "Become a member",
    "Subscribe",
    "News Feed",
    "Russia, China and North Korea have new dynamics",
    "Read also",
    "Ukraine Daily",
    "visa masterCard",
    "min read",
    "Decorated Ukrainian pilot",
]


def test_sample_gives_exactly_the_eleven_body_paragraphs(sample_html):
    article = extract(sample_html)
    assert [b.kind for b in article.blocks] == ["paragraph"] * 11
    for block, start in zip(article.blocks, BODY_STARTS, strict=True):
        assert block.text.startswith(start)


def test_sample_metadata(sample_html):
    article = extract(sample_html, "https://kyivindependent.com/x/")
    assert (
        article.title
        == "Austin: South Korea's allies concerned that Russia, China aid North Korea's military"
    )
    assert article.author == "Nate Ostiller and The Kyiv Independent news desk"
    assert article.date == "2023-11-14"
    assert article.site == "The Kyiv Independent"
    assert article.lang == "en"
    assert article.image and article.image.endswith("GettyImages-1719417069.jpg")
    assert article.url.startswith("https://kyivindependent.com/austin-south-koreas-allies")


def unmarked(html: str) -> str:
    """The same page with every class, id and semantic container turned into plain divs and ps."""
    html = re.sub(r'\s(?:class|id)="[^"]*"', "", html)
    for tag in ("figure", "aside", "footer", "nav"):
        html = html.replace(f"<{tag}", "<div").replace(f"</{tag}>", "</div>")
    return html.replace("<figcaption", "<p").replace("</figcaption>", "</p>")


def test_text_filter_catches_furniture_without_class_hints(sample_html):
    article = extract(unmarked(sample_html))
    texts = [b.text for b in article.blocks]
    assert len(texts) == 11, texts
    joined = "\n".join(texts)
    for phrase in FURNITURE:
        assert phrase not in joined


@pytest.mark.parametrize(
    "junk",
    [
        "This audio is created with AI assistance",
        "Support independent journalism in Ukraine. Join us in this fight.",
        "Become a member Support us just once",
        "Read also: Blinken says Russia may have provided missiles",
        "READ MORE: Zelensky visits the front",
        "Please, enter correct email address",
        "Sign up for our newsletter to get the news in your inbox",
        "(Photo by Dursun Aydemir/Anadolu via Getty Images)",
        "Photo: Reuters/Valentyn Ogirenko",
        "Listen to this article",
    ],
)
def test_furniture_inside_the_article_container_is_dropped(junk):
    paragraphs = [
        f"<p>{text} This sentence pads the paragraph to a realistic length for the story.</p>"
        for text in BODY_STARTS
    ]
    paragraphs.insert(4, f"<p>{junk}</p>")
    html = (
        "<html lang='en'><head><title>A story</title></head><body><article><h1>A story</h1>"
        f"{''.join(paragraphs)}</article></body></html>"
    )
    article = extract(html)
    assert len(article.blocks) == 11
    assert all(junk not in b.text for b in article.blocks)


def test_link_only_lines_and_trailing_teasers_are_dropped():
    body = "".join(
        f"<p>Paragraph {i} of the story says something worth hearing about the war and the aid.</p>"
        for i in range(1, 8)
    )
    html = (
        "<html><head><title>Story</title></head><body><article><h1>Story</h1>"
        f"{body}<p><a href='/other'>Zelensky visits Kharkiv front line</a></p>"
        f"<p>More paragraph text that belongs to the story and should be spoken aloud.</p>"
        "<h3>Ukraine war latest: Russia attacks</h3>"
        "<p>The Russian army attacked the city of Avdiivka overnight, the General Staff said, "
        "and…</p>"
        "</article></body></html>"
    )
    texts = [b.text for b in extract(html).blocks]
    assert not any("Zelensky visits" in t for t in texts)
    assert not any("Ukraine war latest" in t for t in texts)
    assert not any("Avdiivka" in t for t in texts)
    assert texts[-1].startswith("More paragraph text")


def test_block_kinds_headings_lists_quotes():
    html = """<html lang="en"><head><title>Guide to the aid</title></head><body><article>
    <h1>Guide to the aid</h1>
    <p>The first paragraph explains what the aid package contains and why it matters now.</p>
    <h2>What is in it</h2>
    <p>The second paragraph lists the contents of the aid package in some detail for readers.</p>
    <ul><li>Artillery shells for the front line</li><li>Air defence missiles for cities</li></ul>
    <blockquote><p>We are grateful for every shell, the minister said.</p></blockquote>
    <p>The last paragraph closes the story with a look at what comes next for the package.</p>
    </article></body></html>"""
    kinds = [(b.kind, b.text[:20]) for b in extract(html).blocks]
    assert ("heading", "What is in it") in kinds
    assert sum(k == "list_item" for k, _ in kinds) == 2
    assert any(k == "quote" for k, _ in kinds)


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<html><body></body></html>",
        "<html><body><nav><a href='/'>Home</a></nav><footer>© 2023</footer></body></html>",
    ],
)
def test_pages_without_an_article_raise(html):
    with pytest.raises(ExtractError):
        extract(html)


def test_language_from_html_and_guess():
    de = (
        "<html lang='de-DE'><body><article>"
        + "<p>Der Minister sagte am Dienstag, dass die Hilfe für die Ukraine nicht ausreicht "
        "und mit den Partnern besprochen wird.</p>" * 3 + "</article></body></html>"
    )
    assert extract(de).lang == "de"
    fr = (
        "<html><body><article>"
        + "<p>Le ministre a dit que la situation est difficile pour les soldats et que le pays "
        "a besoin des armes dans une semaine.</p>" * 3 + "</article></body></html>"
    )
    assert extract(fr).lang == "fr"


def test_markdown_text_source():
    text = (
        "# Kyiv marks a quiet night\n\nBy Jane Doe\n\n"
        "The city had its first quiet night in **weeks**, officials [said](https://x.y).\n\n"
        "## Why it matters\n\n- Air defence held\n- Power stayed on\n\n"
        "> We slept, one resident said.\n"
    )
    article = parse_text(text)
    assert article.title == "Kyiv marks a quiet night"
    assert article.author == "Jane Doe"
    assert [b.kind for b in article.blocks] == [
        "paragraph",
        "heading",
        "list_item",
        "list_item",
        "quote",
    ]
    assert article.blocks[0].text == "The city had its first quiet night in weeks, officials said."


def test_plain_text_page_goes_through_parse_text():
    page = Page(
        "Title line\n\nFirst paragraph of the story is here and it is long enough.\n", "text"
    )
    article = extract_page(page)
    assert article.title == "Title line"
    assert article.blocks[0].kind == "paragraph"


def test_empty_text_raises():
    with pytest.raises(ExtractError):
        parse_text("\n\n  \n")
    with pytest.raises(ExtractError):
        parse_text("Only a title\n")
