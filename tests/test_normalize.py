"""English normalisation: every reading the news needs, and the tricky negatives."""

import pytest

from narrate.speech.normalize import normalize, normalize_with_changes
from narrate.speech.normalize.syllables import pronounceable


def cases(text: str) -> list[tuple[str, str]]:
    """'written => spoken' lines → pairs."""
    pairs = []
    for line in text.strip().splitlines():
        written, spoken = line.split(" => ")
        pairs.append((written.strip(), spoken.strip()))
    return pairs


NUMBERS = cases("""
1,000 people => one thousand people
0.5 percent => zero point five percent
37.3 degrees => thirty seven point three degrees
-5 points => minus five points
+5 points => plus five points
1/3 of the budget => one third of the budget
2 1/2 hours => two and a half hours
¾ of them => three quarters of them
the 1st round => the first round
the 22nd day => the twenty second day
the 93rd Brigade => the ninety third Brigade
the 1,000th day => the one thousandth day
6.3M views => six point three million views
10K runners => ten thousand runners
$4.5bn => four point five billion dollars
2022-2023 => twenty twenty two to twenty twenty three
30-40 km => thirty to forty kilometers
won 3-1 => won three to one
passed 311-12 => passed three hundred eleven to twelve
a 141-5 vote => a one hundred forty one to five vote
""")
YEARS = cases("""
in 1950 => in nineteen fifty
in 2007 the war => in two thousand seven the war
in 1905 => in nineteen oh five
since 1900 => since nineteen hundred
the 1950s => the nineteen fifties
the '90s => the nineties
the mid-1980s => the mid nineteen eighties
1950 people => one thousand nine hundred fifty people
2023 was hard => twenty twenty three was hard
""")
DATES = cases("""
on Nov. 14 => on November fourteenth
on Nov. 14, 2023 => on November fourteenth, twenty twenty three
Sept. 3 => September third
14 November 2023 => the fourteenth of November twenty twenty three
2023-11-14 => November fourteenth, twenty twenty three
Tuesday, Nov. 19 => Tuesday, November nineteenth
Tues., Nov. 19 => Tuesday, November nineteenth
11/10/2023 => November tenth, twenty twenty three
in November 2023 => in November twenty twenty three
""")
TIMES = cases("""
at 11:10 PM => at eleven ten PM
at 7:12 p.m. => at seven twelve PM
at 9 a.m. => at nine AM
at 14:30 => at fourteen thirty
at 9:05 => at nine oh five
at 3 p.m. GMT => at three PM GMT
at 10 a.m. EST => at ten AM EST
at 8 p.m. Kyiv time => at eight PM Kyiv time
from 2pm-5pm => from two PM to five PM
""")
MONEY = cases("""
$1 => one dollar
$7,667.47 => seven thousand six hundred sixty seven dollars forty seven cents
$2.50 => two dollars fifty cents
$0.50 => fifty cents
€50 billion => fifty billion euros
£3.2bn => three point two billion pounds
a $61 billion aid package => a sixty one billion dollar aid package
$61 billion in aid => sixty one billion dollars in aid
500 UAH => five hundred hryvnias
300 hryvnias => three hundred hryvnias
₴1,200 => one thousand two hundred hryvnias
¥100 => one hundred yen
USD 5 million => five million US dollars
5 million USD => five million US dollars
$20/mo => twenty dollars per month
""")
MEASURES = cases("""
50% => fifty percent
5-10% => five to ten percent
90 km/h => ninety kilometers per hour
60 mph => sixty miles per hour
5 m => five meters
a 10 m wall => a ten meter wall
1 m => one meter
20 kg => twenty kilograms
5 t of cargo => five tons of cargo
200 MW => two hundred megawatts
1,000 kWh => one thousand kilowatt hours
25°C => twenty five degrees Celsius
-5°C => minus five degrees Celsius
77°F => seventy seven degrees Fahrenheit
155mm shells => one hundred fifty five millimeter shells
1 km => one kilometer
3,000 sq km => three thousand square kilometers
""")
ABBREVIATIONS = cases("""
U.S. Defense Secretary => U S Defense Secretary
aid to the U.S. => aid to the U S.
U.K. officials => U K officials
Gen. Valerii Zaluzhnyi => General Valerii Zahloozhnee
Lt. Col. Vasyliuk => Lieutenant Colonel Vasyliuk
Maj. Gen. Budanov => Major General Boodahnov
Sen. Schumer => Senator Schumer
Rep. Johnson => Representative Johnson
Gov. Newsom => Governor Newsom
Pres. Biden => President Biden
Dr. Smith => Doctor Smith
on Main Dr. => on Main Drive.
St. Petersburg => Saint Petersburg
on Baker St. => on Baker Street.
Mt. Everest => Mount Everest
No. 1 seed => number one seed
Ukraine vs. Russia => Ukraine versus Russia
e.g. tanks => for example tanks
i.e. tanks => that is tanks
tanks, guns, etc. => tanks, guns, et cetera.
Apple Inc. => Apple Incorporated.
Smith & Co. => Smith and Company.
Acme Corp. => Acme Corporation.
Acme Ltd. => Acme Limited.
Martin Luther King Jr. => Martin Luther King Junior.
Fig. 3 => Figure three
approx. 500 => approximately five hundred
""")
ACRONYMS = cases("""
the UN => the U N
the UN Command (UNC) => the U N Command (U N C)
the IAEA => the I A E A
the SBU said => the S B U said
GDP grew => G D P grew
the IMF => the I M F
NATO allies => Nato allies
HIMARS launchers => Himars launchers
NASA said => Nasa said
UNESCO listed => Unesco listed
COVID cases => Covid cases
the BARMAK plan => the Barmak plan
the XKCQ plan => the X K C Q plan
UAVs flew => U A V's flew
F-16 jets => F sixteen jets
MiG-29 fighters => Mig twenty nine fighters
Su-25 attack jets => S U twenty five attack jets
S-300 missiles => S three hundred missiles
Kh-101 missiles => K H one oh one missiles
the G7 => the G seven
COVID-19 pandemic => Covid nineteen pandemic
""")
ROMAN = cases("""
World War II => World War two
King Charles III => King Charles the third
Pope Leo XIV => Pope Leo the fourteenth
Chapter IV => Chapter four
Part II of the plan => Part two of the plan
Queen Elizabeth I => Queen Elizabeth the first
""")
WEB = cases("""
kyivindependent.com => kyiv independent dot com
see kyivindependent.com/news. => see kyiv independent dot com slash news.
news@kyivindependent.com => news at kyiv independent dot com
@KyivIndependent => at Kyiv Independent
#StandWithUkraine => hashtag Stand With Ukraine
https://www.bbc.com => HTTPS colon slash slash WWW dot bbc dot com
Tom & Jerry => Tom and Jerry
±3% => plus or minus three percent
~200 troops => approximately two hundred troops
rock/paper => rock slash paper
""")
PUNCTUATION = cases("""
He said... nothing => He said... nothing
He said — quietly — no => He said, quietly, no
"Quoted," he said (in brackets). => "Quoted," he said (in brackets).
stars ★★★ and • bullets => stars and bullets
""")
NEGATIVES = cases("""
I think so => I think so
Sam and I went => Sam and I went
they may have left => they may have left
in May => in May
May 5 => May fifth
THE US TROOPS ARE LEAVING => the U S troops are leaving
TELL US THE TRUTH NOW => tell us the truth now
No, he said => No, he said
No. 1 => number one
""")


@pytest.mark.parametrize(
    ("written", "spoken"),
    NUMBERS
    + YEARS
    + DATES
    + TIMES
    + MONEY
    + MEASURES
    + ABBREVIATIONS
    + ACRONYMS
    + ROMAN
    + WEB
    + PUNCTUATION
    + NEGATIVES,
)
def test_english(written, spoken):
    assert normalize(written) == spoken


def test_roman_numerals_never_touch_the_pronoun_or_words():
    assert "one thousand" not in normalize("a MIX of things")
    assert normalize("MIX") != "one thousand nine"
    assert normalize("I said I would") == "I said I would"
    assert normalize("Washington DC") == "Washington D C"


def test_date_order_option():
    assert (
        normalize("11/10/2023", date_order="dmy") == "the eleventh of October twenty twenty three"
    )
    assert normalize("11/10/2023") == "November tenth, twenty twenty three"
    assert normalize("25/12/2023") == "the twenty fifth of December twenty twenty three"
    with pytest.raises(ValueError):
        normalize("1/2/2023", date_order="xyz")


def test_changes_list_every_rewrite_with_its_position():
    text = "U.S. aid of $61 billion arrived on Nov. 14."
    spoken, changes = normalize_with_changes(text)
    assert spoken == "U S aid of sixty one billion dollars arrived on November fourteenth."
    found = [(c.start, c.written, c.spoken) for c in changes]
    assert found == [
        (0, "U.S.", "U S"),
        (12, "$61 billion", "sixty one billion dollars"),
        (35, "Nov. 14", "November fourteenth"),
    ]
    for change in changes:
        assert text[change.start : change.end] == change.written


def test_no_content_is_lost():
    """Every word of the input that is not rewritten survives in the output."""
    text = (
        "Russia's Lt. Col. Ivanov said on Nov. 14 that 1,000 troops, 155mm shells and "
        "$61 billion in aid (about 5%) reached the U.S. base near kyivindependent.com."
    )
    spoken, changes = normalize_with_changes(text)
    rewritten = {c.written for c in changes}
    for word in text.split():
        bare = word.strip(".,()'\"")
        if (
            bare
            and not any(bare in r or r in word for r in rewritten)
            and not any(ch.isdigit() for ch in bare)
        ):
            assert bare in spoken, bare


def test_no_digits_survive_in_real_sentences(sample_html):
    from narrate.read.extract import extract

    for block in extract(sample_html).blocks:
        assert not any(ch.isdigit() for ch in normalize(block.text)), block.text


def test_unusual_digits_are_read_too():
    assert normalize("x²") == "x two"
    assert normalize("٣ apples") == "three apples"
    assert not any(ch.isdigit() for ch in normalize("Room ①"))


def test_long_unformatted_numbers_are_read_digit_by_digit():
    spoken_digits = "one two three four five six seven eight nine zero one two three four five six"
    assert normalize("ISBN 1234567890123456") == "I S B N " + spoken_digits
    assert normalize("card ending in 8876") == "card ending in eight eight seven six"


# Capitals by evidence: datelines, shouted words inside a sentence, call letters.
@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("WASHINGTON (CNN) — The talks resume.", "Washington, C N N: The talks resume."),
        ("NEW YORK (Reuters) - Stocks rose.", "New York, Reuters: Stocks rose."),
        ("KYIV, Ukraine — Russia attacked.", "Keev, Ukraine: Russia attacked."),
        ("MOSCOW — The Kremlin said.", "Moscow: The Kremlin said."),
        ("US — the talks went on.", "U S, the talks went on."),
        ("QUIET CAR rules apply on the line.", "Quiet Car rules apply on the line."),
        ("FOX 13 reported the crash.", "Fox thirteen reported the crash."),
        ("KFSM and WUSA reported it.", "K F S M and W U S A reported it."),
        ("The NATO summit and the IAEA report.", "The Nato summit and the I A E A report."),
        ("A WASHINGTON POST report said so.", "A Washington Post report said so."),
        # a plural in lower case is an initialism's, even beside another word in capitals
        ("Emscripten uses WASI APIs and CEOs.", "Emscripten uses Wasi A P I's and C E O's."),
        ("The USPTO page and the GPIO pins.", "The U S P T O page and the G P I O pins."),
        ("The LVMH CEO spoke.", "The L V M H C E O spoke."),  # no syllables: no shouted word
        ("The ANZUS treaty and UNESCO.", "The Anzus treaty and Unesco."),
    ],
)
def test_capitals_are_read_by_evidence(written, spoken):
    assert normalize(written) == spoken


@pytest.mark.parametrize(
    "word",
    ["NATO", "UNESCO", "WASHINGTON", "QUIET", "SQUAD", "STRAIGHT", "MINSTREL", "DATASTORE",
     "NATALIYA", "ANZUS", "KNOWS", "DOCTYPE", "CORS", "MYANMAR"],
)  # fmt: skip
def test_words_made_of_english_syllables_are_pronounceable(word):
    assert pronounceable(word)


@pytest.mark.parametrize(
    "word",
    ["USPTO", "GPIO", "NYPL", "NZETC", "WHATWG", "HAMR", "UFAA", "IDII", "JSTOR", "SPDY",
     "HTML", "LVMH", "FBI", "NATO1", "Nato"],
)  # fmt: skip
def test_letters_that_no_english_syllables_make_are_not(word):
    assert not pronounceable(word)


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("It fell to $-5 on Monday.", "It fell to minus five dollars on Monday."),
        ("Costs -$5 now.", "Costs minus five dollars now."),
        ("He ran it in 25:00 flat.", "He ran it in twenty five minutes flat."),
        ("The score was 3:2.", "The score was three to two."),
    ],
)
def test_negative_money_and_impossible_times(written, spoken):
    assert normalize(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("the 300 MW plant", "the three hundred megawatt plant"),
        ("a 750 kV autotransformer", "a seven hundred fifty kilovolt autotransformer"),
        ("The 5 km route opened.", "The five kilometer route opened."),
        ("it weighs 5 kg of rice", "it weighs five kilograms of rice"),
        ("40 km away", "forty kilometers away"),
        ("It was 2°C today.", "It was two degrees Celsius today."),
        ("a 2°C rise", "a two degree Celsius rise"),
        ("It is 7x more", "It is seven times more"),
        ("a 2x8 board", "a two by eight board"),
    ],
)
def test_units_before_a_noun_and_multipliers(written, spoken):
    assert normalize(written) == spoken


@pytest.mark.parametrize(
    ("title", "intro"),
    [
        ("Is the war over?", "Is the war over? By Ann Lee, Example News."),
        ("Talks resume", "Talks resume. By Ann Lee, Example News."),
        ('He said "Stop."', 'He said "Stop." By Ann Lee, Example News.'),
        ("Talks resume…", "Talks resume… By Ann Lee, Example News."),
    ],
)
def test_the_intro_puts_one_stop_between_title_and_byline(title, intro):
    from narrate.model import Article
    from narrate.speech.script import intro_text

    assert intro_text(Article(title=title, author="Ann Lee", site="Example News")) == intro
