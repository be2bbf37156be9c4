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
    assert article.author == "Nate Ostiller"  # the news desk is the publisher, not a person
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
    with pytest.raises(ExtractError, match="no article text found after the title"):
        parse_text("A title\n\nSubscribe now\n")  # a title, then only furniture
    one_line = parse_text("Only one line\n")  # one line is a story of one line, not a title
    assert one_line.title_from_body and [b.text for b in one_line.blocks] == ["Only one line"]


# --- pages written to be awkward: each class of failure seen on real news pages -----------

STORY = [
    "The city council approved the new transit plan on Tuesday after a long debate that "
    "lasted well into the evening, officials said.",
    "Under the plan, three new bus lines will open next spring, connecting the northern "
    "districts with the central station for the first time.",
    "Critics said the budget was too small for a project of this size, but the mayor "
    "promised further money from the regional government.",
]


def page(body: str, head: str = "", lang: str = "en", title: str = "Council approves plan") -> str:
    return (
        f"<!doctype html><html lang='{lang}'><head><title>{title}</title>{head}</head>"
        f"<body>{body}</body></html>"
    )


def paragraphs(attrs: str = "") -> str:
    return "".join(f"<p{attrs}>{text}</p>" for text in STORY)


def spoken(article) -> str:
    return " ".join(block.text for block in article.blocks)


def test_a_story_in_paywall_paragraphs_is_kept():
    html = page(f"<article><h1>Council approves plan</h1>{paragraphs(' class=paywall')}</article>")
    assert all(text in spoken(extract(html)) for text in STORY)


def test_a_page_inside_one_form_is_kept():
    html = page(
        "<form id='aspnetForm' method='post'><div class='wrapper'><h1>Council approves plan</h1>"
        f"{paragraphs()}</div></form>"
    )
    assert all(text in spoken(extract(html)) for text in STORY)


def test_a_tag_class_on_the_element_holding_the_headline_is_no_junk():
    html = page(
        "<div class='post tag-transit tag-council'><h1>Council approves plan</h1>"
        f"{paragraphs()}</div>"
    )
    assert all(text in spoken(extract(html)) for text in STORY)


def test_words_stay_apart_where_the_page_breaks_them():
    html = page(
        "<article><h1>Council approves plan</h1>"
        f"<p>NEW YORK, NY<br>July 30 — {STORY[0]}</p><p>{STORY[1]} Details from "
        f"<a href='/x'>Ann Rosso</a>http://example.org/plan said more.</p><p>{STORY[2]}</p>"
        "</article>"
    )
    text = spoken(extract(html))
    assert "NY July 30" in text and "NYJuly" not in text
    assert "Rosso http" in text


def test_a_data_table_is_read_row_by_row():
    table = (
        "<table><tr><th>Country</th><th>Capacity</th></tr>"
        "<tr><td>Ukraine</td><td>1.7 gigawatts</td></tr>"
        "<tr><td>Poland</td><td>2 gigawatts</td></tr></table>"
    )
    html = page(f"<article><h1>Council approves plan</h1>{paragraphs()}{table}</article>")
    text = spoken(extract(html))
    assert "Country: Ukraine. Capacity: 1.7 gigawatts." in text
    assert "Country: Poland. Capacity: 2 gigawatts." in text


def test_a_chinese_article_is_extracted():
    body = "".join(
        f"<p>{sentence}</p>"
        for sentence in [
            "今天，市政府宣布了一项新的城市交通计划，将在明年春天开始实施。市长说，这个计划"
            "经过了两年的准备，得到了市民的广泛支持。",
            "根据计划，三条新的公交线路将连接北部地区和中央车站，这是第一次有直达的公交服务。"
            "每条线路每天运行十八个小时。",
            "批评者说，对于这样规模的项目来说，预算太少了。但是市长承诺，地区政府将提供更多"
            "的资金，工程将按时完成。",
        ]
    )
    article = extract(
        page(f"<article><h1>交通计划</h1>{body}</article>", lang="zh", title="交通计划")
    )
    assert "公交线路" in spoken(article) and article.lang == "zh"


def test_a_teaser_section_is_left_out_with_its_headlines():
    teasers = "".join(
        f"<p><a href='/s{n}'>{headline}</a></p><p>{headline} in brief</p>"
        for n, headline in enumerate(["Why the rent is rising", "The best new films", "Sleep"])
    )
    html = page(
        f"<article><h1>Council approves plan</h1>{paragraphs()}"
        f"<h2>More Must-Reads From Time</h2>{teasers}</article>"
    )
    text = spoken(extract(html))
    assert STORY[2] in text
    assert "Must-Reads" not in text and "rent is rising" not in text and "new films" not in text


@pytest.mark.parametrize(
    "junk",
    [
        "™ & © 2016 Cable News Network, Inc., a Time Warner Company. All rights reserved.",
        "Reporting by Jane Doe; Editing by John Roe",
        "Write to Jane Doe at jane.doe@time.com.",
        "Follow @janedoe on Twitter.",
        "https://example.org/more-stories",
        "Share your photos and videos with CNN iReport.",
        "Jane Doe may be reached at 555-0100.",
    ],
)
def test_spoken_junk_lines_are_left_out(junk):
    html = page(f"<article><h1>Council approves plan</h1>{paragraphs()}<p>{junk}</p></article>")
    text = spoken(extract(html))
    assert STORY[2] in text and junk[:20] not in text


def test_junk_lines_in_other_languages_are_left_out():
    story = "".join(
        f"<p>{s}</p>"
        for s in [
            "Der Stadtrat hat am Dienstag den neuen Verkehrsplan nach einer langen Debatte "
            "beschlossen, die bis in den Abend dauerte.",
            "Nach dem Plan werden im nächsten Frühjahr drei neue Buslinien eröffnet, die die "
            "nördlichen Bezirke mit dem Hauptbahnhof verbinden.",
        ]
    )
    html = page(
        f"<article><h1>Stadtrat beschließt Plan</h1>{story}"
        "<p>© 2024 Beispiel Zeitung. Alle Rechte vorbehalten.</p>"
        "<p>Folgen Sie uns auf Instagram.</p></article>",
        lang="de",
        title="Stadtrat beschließt Plan",
    )
    text = spoken(extract(html))
    assert "Buslinien" in text and "Rechte" not in text and "Folgen Sie" not in text


@pytest.mark.parametrize(
    ("head", "byline", "author", "site"),
    [
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "author": '
            '[{"@type": "Person", "name": "Tom Bennett"}], "publisher": {"@type": '
            '"Organization", "name": "Condé Nast"}}</script>'
            '<meta name="author" content="Condé Nast and Tom Bennett">',
            "",
            "Tom Bennett",
            "Condé Nast",
        ),
        (
            '<meta property="og:site_name" content="CNN">'
            '<meta name="author" content="Tom Watkins and CNN, CNN">',
            "",
            "Tom Watkins",
            "CNN",
        ),
    ],
)
def test_bylines_name_people_and_the_publisher_goes_to_the_site(head, byline, author, site):
    html = page(f"<article><h1>Council approves plan</h1>{byline}{paragraphs()}</article>", head)
    article = extract(html)
    assert article.author == author
    assert article.site == site


def test_repeats_are_kept_unless_they_are_furniture():
    question = "<p><b>What happens next for the people who live in the northern districts?</b></p>"
    doubled = f"<p>{STORY[1]}</p>"
    html = page(
        f"<article><h1>Council approves plan</h1><p>{STORY[0]}</p>{question}<p>{STORY[2]}</p>"
        f"{question}{doubled}{doubled}</article>"
    )
    text = spoken(extract(html))
    assert text.count("What happens next") == 2  # an interview's recurring question
    assert text.count(STORY[1]) == 1  # the same block twice in a row: drawn twice


def test_citation_brackets_are_read():
    html = page(
        f"<article><h1>Council approves plan</h1>{paragraphs()}"
        "<p>[H.R. 1234, the Transit Funding Act of 2024, passed the House on Monday.]</p>"
        "</article>"
    )
    assert "H.R. 1234" in spoken(extract(html))


def test_a_page_that_declares_its_encoding_is_read():
    html = "<?xml version='1.0' encoding='utf-8'?>\n" + page(
        f"<article><h1>Council approves plan</h1>{paragraphs()}</article>"
    )
    assert STORY[0] in spoken(extract(html))


def test_inline_links_with_junk_classes_stay_in_their_sentence():
    html = page(
        "<article><h1>Council approves plan</h1>"
        f"<p><a class='popup' href='#'>I</a> am a <a class='popup share' href='#'>rather "
        f"elderly</a> man, said the mayor. {STORY[0]}</p><p>{STORY[1]}</p><p>{STORY[2]}</p>"
        "</article>"
    )
    assert "I am a rather elderly man" in spoken(extract(html))


def test_a_code_listing_is_kept_in_the_article_and_spoken_as_a_note():
    from narrate.speech.script import build_script

    listing = "<pre><code>def add(x, y):\n    return x + y\n\nprint(add(40, 2))</code></pre>"
    html = page(
        f"<article><h1>Council approves plan</h1><p>{STORY[0]}</p>{listing}"
        f"<pre><code>$ python add.py\n42</code></pre><p>{STORY[1]}</p><p>{STORY[2]}</p></article>"
    )
    article = extract(html)
    code = [b for b in article.blocks if b.kind == "code"]
    assert code and "    return x + y" in code[0].text.split("\n")  # lines and indents kept
    assert article.word_count == sum(len(s.split()) for s in STORY)  # code is not heard
    spoken_lines = [s.spoken for s in build_script(article, intro=False, outro=False).sentences]
    assert not any("return" in line for line in spoken_lines)
    notes = [line for line in spoken_lines if "code listing" in line]
    assert len(notes) == 1  # two listings in a row: one note


def test_a_markdown_fenced_listing_is_a_code_block():
    article = parse_text(
        "# Plan\n\n" + STORY[0] + "\n\n```python\nx = 1\n\nprint(x)\n```\n\n" + STORY[1] + "\n"
    )
    assert [b.kind for b in article.blocks] == ["paragraph", "code", "paragraph"]
    assert article.blocks[1].text == "x = 1\n\nprint(x)"


def test_a_quote_keeps_the_text_between_its_paragraphs():
    quote = (
        "<blockquote><a href='/ann'>Ann</a> wrote:<ul><li>The buses should run all night, "
        "every night, from the first day.</li></ul><p>I agree with every word of that.</p>"
        "Bob wrote:<ul><li>Nobody asked the northern districts what they wanted.</li></ul>"
        "</blockquote>"
    )
    html = page(f"<article><h1>Council approves plan</h1>{paragraphs()}{quote}</article>")
    text = spoken(extract(html))
    for part in ("Ann wrote:", "run all night", "every word of that", "Bob wrote:", "Nobody"):
        assert part in text


def test_a_video_players_controls_are_not_read():
    controls = "".join(
        f"<div>{label}</div>"
        for label in [
            "Captions Not Available", "Settings", "Full Screen", "Embed", "Video Quality",
            "Auto", "High (HD)", "Medium", "Low", "Closed Caption Settings", "Back",
        ]
    )  # fmt: skip
    html = page(f"<article><h1>Council approves plan</h1>{controls}{paragraphs()}</article>")
    text = spoken(extract(html))
    assert STORY[0] in text
    assert "Full Screen" not in text and "Video Quality" not in text


def test_a_layout_tables_short_cells_are_not_taken_for_controls():
    cells = "".join(f"<tr><td>App {n}</td><td>{n}.5 MB</td></tr>" for n in range(1, 6))
    html = page(
        f"<article><h1>Council approves plan</h1>{paragraphs()}<table>{cells}</table>"
        f"<p>{STORY[0]} Again.</p></article>"
    )
    text = spoken(extract(html))
    assert "App 3" in text and "3.5 MB" in text


def test_trailing_excerpts_cut_mid_sentence_are_other_stories():
    excerpts = "".join(
        f"<div class='card'><p>{text}</p></div>"
        for text in [
            "The actor best known for his starring role in a long-running sitcom died on "
            "Tuesday at the age of sixty nine, a publicist for his son said, adding that",
            "The president-elect offered a congressman from Montana the job of interior "
            "secretary in his administration, senior advisers said on Tuesday, though he",
            "The eastern half of the city has fallen and military activities there have "
            "stopped, according to the country's ambassador to the United Nations, who",
            "The founder of a chain of yoga studios was found dead in a home in San Diego "
            "under what the police department called suspicious circumstances, and the",
            "Frito-Lay is closing the bag on its popular commercials for the championship "
            "game this year, and several other advertisers have also announced that",
        ]
    )
    html = page(f"<article><h1>Council approves plan</h1>{paragraphs()}</article>{excerpts}")
    text = spoken(extract(html))
    assert STORY[2] in text
    assert "publicist" not in text and "Frito-Lay" not in text


def test_a_story_cut_short_by_the_first_extractor_gets_a_second_opinion(monkeypatch):
    import trafilatura

    story = [f"{STORY[n % 3]} This was point {n} of the report." for n in range(12)]
    html = page(
        "<article><h1>Council approves plan</h1>"
        + "".join(f"<p>{text}</p>" for text in story)
        + "</article>"
    )
    real = trafilatura.bare_extraction
    calls = []

    def cut_short(source, **options):  # trafilatura keeping a third of a story
        calls.append(source)
        doc = real(source, **options)
        if len(calls) == 1:
            for element in list(doc.body)[3:]:
                doc.body.remove(element)
        return doc

    monkeypatch.setattr(trafilatura, "bare_extraction", cut_short)
    text = spoken(extract(html))
    assert len(calls) == 2  # the second opinion was asked…
    assert "point 11 of the report" in text  # …and its longer story taken


def test_a_byline_keeps_the_initials_the_page_wrote():
    head = "<meta name='author' content='Dana A. Ford, James S. A. Corey'>"
    article = extract(
        page(f"<article><h1>Council approves plan</h1>{paragraphs()}</article>", head)
    )
    assert article.author == "Dana A. Ford and James S. A. Corey"


# --- issue 32: the classes of page still lost -----------------------------------------------


def test_a_hidden_copy_of_the_body_is_not_read_but_a_page_shown_by_script_is():
    hidden_copy = "<div style='display: none' itemprop='articleBody'><p>" + (
        "A copy for crawlers that no reader sees, with words of its own in it. " * 4
    ) + "</p></div>"  # fmt: skip
    html = page(f"<article><h1>Council approves plan</h1>{paragraphs()}{hidden_copy}</article>")
    assert "copy for crawlers" not in spoken(extract(html))
    by_script = page(f"<article hidden><h1>Council approves plan</h1>{paragraphs()}</article>")
    assert all(text in spoken(extract(by_script)) for text in STORY)  # most of the page: kept


def test_an_embedded_tweet_is_read_as_a_quote_without_its_picture_link():
    tweet = (
        "<blockquote class='twitter-tweet'><p lang='en'>The council just voted yes on every "
        "line of the plan. <a href='https://t.co/x'>pic.twitter.com/x</a></p>&mdash; Ann Lee "
        "(@annlee) <a href='https://twitter.com/annlee/status/1'>December 7, 2026</a>"
        "</blockquote><script async src='https://platform.twitter.com/widgets.js'></script>"
    )
    rest = "".join(f"<p>{text}</p>" for text in STORY[1:])
    article = extract(
        page(f"<article><h1>Council approves plan</h1><p>{STORY[0]}</p>{tweet}{rest}</article>")
    )
    quotes = [b.text for b in article.blocks if b.kind == "quote"]
    assert any("voted yes on every line" in q for q in quotes)
    assert "pic.twitter.com" not in spoken(article)
    assert "(@annlee) December 7, 2026" in spoken(article)


def test_a_short_question_the_story_repeats_is_kept_and_a_repeated_label_is_not():
    turns = "".join(
        f"<p>Why?</p><p>{text}</p><p>Advertisement</p>" for text in STORY
    )  # an interview's recurring question, and an ad label between the answers
    article = extract(page(f"<article><h1>Council approves plan</h1>{turns}</article>"))
    texts = [b.text for b in article.blocks]
    assert texts.count("Why?") == 3 and "Advertisement" not in texts


def test_the_head_of_the_body_loses_the_title_and_a_kicker_but_not_a_section_heading():
    head = "<meta property='og:title' content='Council approves plan | City News'>"
    body = (
        "<article><h1>Council approves plan</h1><p>TRANSIT</p><p>Council approves plan</p>"
        f"{paragraphs()}</article>"
    )
    article = extract(page(body, head=head, title="Council approves plan | City News"))
    assert article.blocks[0].text == STORY[0]
    section = extract(
        page(
            f"<article><h1>Council approves plan</h1><h2>What happened</h2>{paragraphs()}</article>"
        )
    )
    assert section.blocks[0].text == "What happened"  # a heading of a few words opens a section


def test_a_subtitle_heading_the_body_is_said_once_in_the_intro():
    from narrate.speech.script import intro_text

    dek = "Three new bus lines will link the north with the centre by next spring"
    body = (
        f"<article><h1>Council approves plan</h1><p class='article-dek'>{dek}</p>"
        f"{paragraphs()}</article>"
    )
    article = extract(page(body))
    assert article.dek == dek and dek not in spoken(article)
    assert intro_text(article).startswith(f"Council approves plan. {dek}.")


def test_a_trailing_run_of_link_headlines_is_not_read_and_references_are():
    teasers = "".join(
        f"<p><a href='/s{i}'>Another city votes on a different transit plan {i}</a></p>"
        for i in range(4)
    )
    html = page(
        f"<article><h1>Council approves plan</h1>{paragraphs()}<h3>Don't miss</h3>{teasers}"
        "</article>"
    )
    article = extract(html)
    assert spoken(article).endswith(STORY[-1]) and "Don't miss" not in spoken(article)
    from narrate.model import Block
    from narrate.read.junk import is_link_teaser

    # A reference list's entries are sentences, however linked: only headlines are teasers.
    assert not is_link_teaser(Block("list_item", 'Lee, A. "Transit". City Review. 2021.', 0.9))
    assert is_link_teaser(Block("paragraph", "Another city votes on a different plan", 1.0))


@pytest.mark.parametrize(
    ("lang", "heading"), [("it", "Leggi anche"), ("pt", "Você pode gostar"), ("en", "DON'T MISS")]
)
def test_teaser_sections_are_known_in_more_languages(lang, heading):
    from narrate.read.junk import opens_teasers

    assert opens_teasers(heading, lang)


def test_a_story_split_by_ad_rows_is_read_whole():
    part = "".join(f"<p>{text}</p>" for text in STORY)
    later = (
        "<p>The new lines will be free for the first month, the transport authority said on "
        "Wednesday, and fares will rise only in the autumn.</p>"
    )
    body = (
        f"<main><h1>Council approves plan</h1><div class='article-body'>{part}</div>"
        "<div class='ad-row'><div class='ad-slot'>Advertisement</div></div>"
        f"<div class='article-body'>{later}</div></main>"
    )
    article = extract(page(body))
    assert "free for the first month" in spoken(article) and "Advertisement" not in spoken(article)
